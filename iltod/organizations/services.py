"""State changes for organisations and their people."""

from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.db import transaction
from django.utils import timezone

from iltod.accounts.audit import AuditAction
from iltod.accounts.services import grant_membership, log_event

from .models import NetworkMembership, NetworkMembershipChange, Organization


@transaction.atomic
def add_member(*, actor, organization, email, role, full_name="", title="", request=None):
    """Give ``email`` a role in ``organization``, creating the account if needed.

    A new account has no usable password; the person receives a link to set one (sent after
    the transaction commits, so a rolled-back change sends nothing).
    Returns ``(membership, created_user)``.
    """
    User = get_user_model()
    user = User.objects.filter(email__iexact=email).first()
    created_user = user is None
    if created_user:
        user = User(email=email, full_name=full_name)
        user.set_unusable_password()
        user.save()
        log_event(actor, AuditAction.ACCOUNT_CREATED, user, request=request, by_organization=str(organization))
    membership = grant_membership(
        actor=actor, user=user, organization=organization, role=role, title=title, request=request
    )
    if created_user and request is not None:
        transaction.on_commit(lambda: _send_set_password_link(request, email))
    return membership, created_user


def _send_set_password_link(request, email):
    form = PasswordResetForm({"email": email})
    if form.is_valid():
        # Accounts without a usable password are skipped by Django's form; include them.
        form.get_users = lambda address: get_user_model().objects.filter(email__iexact=address, is_active=True)
        form.save(
            request=request,
            use_https=request.is_secure(),
            subject_template_name="accounts/email/account_created_subject.txt",
            email_template_name="accounts/email/account_created.txt",
        )


@transaction.atomic
def add_network_member(*, actor, network, member, is_focal_point=False, reason="", request=None) -> NetworkMembership:
    """Make ``member`` a current member of ``network`` from today.

    An organisation that left and comes back gets its old row back (one row per pair), with the
    new joining date; the audit log keeps the earlier dates.
    """
    membership, created = NetworkMembership.objects.select_for_update().get_or_create(
        network=network,
        member=member,
        defaults={"joined_on": timezone.localdate(), "is_focal_point": is_focal_point},
    )
    if not created:
        previous = {"joined_on": str(membership.joined_on or ""), "left_on": str(membership.left_on or "")}
        membership.joined_on = timezone.localdate()
        membership.left_on = None
        membership.suspended_on = None
        membership.is_focal_point = is_focal_point
        membership.save(update_fields=["joined_on", "left_on", "suspended_on", "is_focal_point"])
    else:
        previous = {}
    log_event(
        actor,
        AuditAction.NETWORK_MEMBER_ADDED,
        network,
        request=request,
        member=member.code,
        member_name=member.name,
        is_focal_point=is_focal_point,
        reason=reason,
        **({"previous": previous} if previous else {}),
    )
    _record_change(membership, NetworkMembershipChange.Kind.ADDED, actor, reason)
    return membership


@transaction.atomic
def remove_network_member(*, actor, membership: NetworkMembership, reason="", request=None) -> NetworkMembership:
    """End ``membership`` today. The row stays, with its dates, as the network's history."""
    membership.left_on = timezone.localdate()
    membership.is_focal_point = False
    membership.save(update_fields=["left_on", "is_focal_point"])
    log_event(
        actor,
        AuditAction.NETWORK_MEMBER_REMOVED,
        membership.network,
        request=request,
        member=membership.member.code,
        member_name=membership.member.name,
        reason=reason,
    )
    _record_change(membership, NetworkMembershipChange.Kind.REMOVED, actor, reason)
    return membership


@transaction.atomic
def suspend_network_member(*, actor, membership: NetworkMembership, reason: str, request=None) -> NetworkMembership:
    """Suspend a current member from today: it stays a member but leaves the public directory."""
    membership.suspended_on = timezone.localdate()
    membership.save(update_fields=["suspended_on"])
    log_event(
        actor,
        AuditAction.NETWORK_MEMBER_SUSPENDED,
        membership.network,
        request=request,
        member=membership.member.code,
        member_name=membership.member.name,
        reason=reason,
    )
    _record_change(membership, NetworkMembershipChange.Kind.SUSPENDED, actor, reason)
    return membership


@transaction.atomic
def reinstate_network_member(*, actor, membership: NetworkMembership, reason: str, request=None) -> NetworkMembership:
    membership.suspended_on = None
    membership.save(update_fields=["suspended_on"])
    log_event(
        actor,
        AuditAction.NETWORK_MEMBER_REINSTATED,
        membership.network,
        request=request,
        member=membership.member.code,
        member_name=membership.member.name,
        reason=reason,
    )
    _record_change(membership, NetworkMembershipChange.Kind.REINSTATED, actor, reason)
    return membership


@transaction.atomic
def create_subnetwork(
    *, actor, network: Organization, name_mn: str, name_en: str = "", mission: str = "", request=None
):
    """A new subnetwork of ``network``: an organisation of kind network whose parent is ``network``."""
    subnetwork = Organization(
        kind=Organization.Kind.NETWORK,
        name=name_mn,
        name_mn=name_mn,
        name_en=name_en or name_mn,
        parent=network,
        home_unit=network.home_unit,
        mission=mission,
    )
    subnetwork.save()
    log_event(actor, AuditAction.SUBNETWORK_CREATED, network, request=request, subnetwork=subnetwork.code, name=name_mn)
    return subnetwork


@transaction.atomic
def subnetwork_membership(*, network: Organization, subnetwork: Organization) -> NetworkMembership:
    """The row that keeps a subnetwork's standing in its parent network (suspended, removed) and its
    history, the same as a member's; made the first time the administrator changes it."""
    if subnetwork.parent_id != network.pk or subnetwork.kind != Organization.Kind.NETWORK:
        raise ValueError("not a subnetwork of this network")
    membership, _created = NetworkMembership.objects.select_for_update().get_or_create(
        network=network, member=subnetwork, defaults={"joined_on": timezone.localdate(subnetwork.created_at)}
    )
    return membership


def _record_change(membership, kind, actor, reason):
    NetworkMembershipChange.objects.create(
        membership=membership,
        kind=kind,
        reason=reason,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )
