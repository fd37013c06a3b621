"""State changes for accounts: memberships and the audit log."""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from .capabilities import Capability
from .models import AuditEvent, Membership


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def log_event(actor, action: str, target=None, *, request=None, sensitive_read=False, **data):
    """Write one audit event. Call it inside the transaction of the change it records."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    event = AuditEvent(
        actor=actor,
        action=action,
        data=data,
        ip_address=client_ip(request),
        is_sensitive_read=sensitive_read,
    )
    if target is not None:
        event.target_type = ContentType.objects.get_for_model(target)
        event.target_id = str(target.pk)
        event.target_repr = str(target)[:255]
    event.save()
    return event


def events_for(target):
    return AuditEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(target), target_id=str(target.pk)
    ).select_related("actor")


@transaction.atomic
def grant_membership(*, actor, user, organization, role, title="", capabilities=None, request=None):
    """Add ``user`` to ``organization`` in ``role`` (or update an existing membership).

    ``capabilities`` overrides single flags of the role's defaults, e.g.
    ``{"can_view_reporter_identity": True}``.
    """
    membership, created = Membership.objects.get_or_create(
        user=user, organization=organization, defaults={"role": role}
    )
    before = {c: getattr(membership, c) for c in Capability.values} | {"role": membership.role}
    membership.role = role
    membership.title = title or membership.title
    membership.is_active = True
    membership.apply_role_defaults()
    for name, value in (capabilities or {}).items():
        if name not in Capability.values:
            raise ValueError(f"Unknown capability {name!r}")
        setattr(membership, name, bool(value))
    membership.save()
    after = {c: getattr(membership, c) for c in Capability.values} | {"role": membership.role}
    changes = {k: [before[k], after[k]] for k in after if created or before[k] != after[k]}
    log_event(
        actor,
        "membership.granted" if created else "membership.changed",
        membership,
        request=request,
        user=user.email,
        organization=str(organization),
        changes=changes,
    )
    return membership


@transaction.atomic
def revoke_membership(*, actor, membership, request=None):
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    log_event(actor, "membership.revoked", membership, request=request, user=membership.user.email)
    return membership
