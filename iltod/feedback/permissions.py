"""Who may see and act on feedback. Views fetch through these helpers: 404 when not allowed.

**The guard.** A complaint about conduct or integrity (``Category.is_conduct``: unofficial payments,
staff misconduct, abuse, corruption) and every confidential report about a facility are *guarded*:
they are never handled by, referred to, escalated to or assigned to the facility they name or its
staff — the facility's operator, the organisations covering exactly that facility, and the people
who work there (``iltod.organizations.permissions.works_at_facility``). ``excluded_organization_ids``
and ``may_handle``/``may_act`` below are the only place that decides it; routing at submission
(every channel), referral and its list, escalation, assignment, take-over, the inbox and the case
page, and the REST API (people and API keys) all ask them.

**Oversight.** An item's ``oversight_organization`` (the sector department over the handler) sees it
read-only, with its deadline, and may take it over or escalate it; ``can_handle`` stays false for it
until it takes the item over.
"""

from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404

from iltod.accounts.capabilities import Capability
from iltod.accounts.models import Membership
from iltod.accounts.permissions import memberships_with, organization_ids_with
from iltod.organizations.permissions import (
    facilities_of_member,
    facilities_of_organization,
    facility_organization_ids,
    works_at_facility,
)

from .models import Category, Feedback


@dataclass(frozen=True)
class OrganizationActor:
    """An organisation's own system (an API key) acting for it, as the ``actor`` of the services.

    It has the organisation's feedback rights and nothing more: it reads what a handler of the
    organisation reads; with ``can_write`` it acts on what the organisation handles. It is not a
    person (``is_authenticated`` is False, so timeline events record no user), never a superuser,
    never sees a reporter's identity, and the guard applies to it as to the organisation.
    """

    organization_id: int
    can_write: bool = False
    label: str = ""
    key_prefix: str = ""  # written into the timeline events it causes (``data["api_key"]``)

    is_authenticated = False
    is_anonymous = False
    is_active = True
    is_superuser = False
    pk = None

    def __str__(self) -> str:
        return self.label


def key_actor(api_key) -> OrganizationActor:
    """An API key (``iltod.accounts.models.ApiKey``) as the ``actor`` of the feedback services and
    access helpers: its organisation, with that organisation's feedback rights (acting only with a
    read and write key), no superuser rights, and the guard applied as to the organisation itself.
    The REST API and Open311 both act through it."""
    return OrganizationActor(
        organization_id=api_key.organization_id,
        can_write=api_key.can_write,
        label=str(api_key),
        key_prefix=api_key.prefix,
    )


def _organization_actor(user) -> OrganizationActor | None:
    return user if isinstance(user, OrganizationActor) else None


def _superuser(user) -> bool:
    return bool(getattr(user, "is_superuser", False) and user.is_active)


def handler_organization_ids(user) -> list[int]:
    actor = _organization_actor(user)
    if actor is not None:
        return [actor.organization_id]
    return organization_ids_with(user, Capability.HANDLE_FEEDBACK)


# --- The guard ---------------------------------------------------------------------------------


def is_guarded(feedback: Feedback) -> bool:
    """Must this item be kept away from the facility it names and its staff?"""
    return bool(
        feedback.service_unit_id and (feedback.privacy == Feedback.Privacy.CONFIDENTIAL or feedback.category.is_conduct)
    )


def excluded_organization_ids(feedback: Feedback) -> frozenset[int]:
    """Organisations that may never handle, receive or oversee this item (empty unless guarded)."""
    if not is_guarded(feedback):
        return frozenset()
    cached = getattr(feedback, "_excluded_organization_ids", None)
    if cached is None or cached[0] != feedback.service_unit_id:
        cached = (feedback.service_unit_id, frozenset(facility_organization_ids(feedback.service_unit)))
        feedback._excluded_organization_ids = cached
    return cached[1]


def may_handle(organization, feedback: Feedback) -> bool:
    """May ``organization`` handle the item, receive it by referral or escalation, or oversee it?"""
    return organization is not None and organization.pk not in excluded_organization_ids(feedback)


def may_act(user, feedback: Feedback) -> bool:
    """May this person (or organisation's system) see or act on the item at all, as far as the guard
    is concerned? Staff of the facility a guarded item names may not."""
    if not is_guarded(feedback):
        return True
    actor = _organization_actor(user)
    if actor is not None:
        return actor.organization_id not in excluded_organization_ids(feedback)
    return not works_at_facility(user, feedback.service_unit)


def _guarded_items():
    return Q(privacy=Feedback.Privacy.CONFIDENTIAL) | Q(
        category_id__in=Category.objects.filter(is_conduct=True).values("pk")
    )


def _hidden_from(user) -> Q | None:
    """The guarded items about the facilities ``user`` works at (None: there are none)."""
    actor = _organization_actor(user)
    if actor is not None:
        return Q(service_unit_id__in=facilities_of_organization(actor.organization_id)) & _guarded_items()
    # One small query: most officers work at no facility, and their inbox then keeps its plain
    # index-only plan.
    facility_ids = list(facilities_of_member(user).values_list("pk", flat=True))
    if not facility_ids:
        return None
    return Q(service_unit_id__in=facility_ids) & _guarded_items()


def guarded_from(user, queryset):
    """``queryset`` without the guarded items about the facilities ``user`` works at."""
    hidden = _hidden_from(user)
    return queryset if hidden is None else queryset.exclude(hidden)


# --- What staff see ----------------------------------------------------------------------------


def staff_feedback(user):
    """Items the user may see as staff: handled by, escalated to or overseen by one of their
    organisations, except guarded items about a facility they work at."""
    if _superuser(user):
        return Feedback.objects.all()
    org_ids = handler_organization_ids(user)
    if not org_ids:
        return Feedback.objects.none()
    visible = Feedback.objects.filter(
        Q(handling_organization_id__in=org_ids)
        | Q(escalated_to_id__in=org_ids)
        | Q(oversight_organization_id__in=org_ids)
    )
    return guarded_from(user, visible)


def work_list(user, queryset, *, overseen: bool = False):
    """Narrow what ``user`` sees to one of their work lists: what their organisations handle or had
    escalated to them, or (``overseen``) the open items they only oversee."""
    org_ids = handler_organization_ids(user)
    if overseen:
        return (
            queryset.open().filter(oversight_organization_id__in=org_ids).exclude(handling_organization_id__in=org_ids)
        )
    if _superuser(user):
        return queryset
    return queryset.filter(Q(handling_organization_id__in=org_ids) | Q(escalated_to_id__in=org_ids))


def get_feedback_for_staff(user, tracking_code: str) -> Feedback:
    feedback = (
        staff_feedback(user)
        .select_related(
            "category__sector",
            "service_unit__operator",
            "admin_unit__parent",
            "handling_organization",
            "assigned_to",
            "escalated_to",
            "oversight_organization",
            "duplicate_of",
        )
        .filter(tracking_code=tracking_code)
        .first()
    )
    if feedback is None:
        raise Http404
    return feedback


def can_handle(user, feedback: Feedback) -> bool:
    """Change status, respond, assign, refer, extend: the handling organisation's handlers."""
    if _superuser(user):
        return True
    actor = _organization_actor(user)
    if actor is not None and not actor.can_write:
        return False
    return feedback.handling_organization_id in handler_organization_ids(user) and may_act(user, feedback)


def overseeing_organization(user, feedback: Feedback):
    """The organisation through which ``user`` oversees the item (its oversight body, or the body it
    was escalated to) and may take it over or escalate it; None if there is none."""
    actor = _organization_actor(user)
    if (actor is not None and not actor.can_write) or not may_act(user, feedback):
        return None
    ids = set(handler_organization_ids(user))
    for organization in (feedback.oversight_organization, feedback.escalated_to):
        if organization is None or organization.pk == feedback.handling_organization_id:
            continue
        if (organization.pk in ids or _superuser(user)) and may_handle(organization, feedback):
            return organization
    return None


def can_oversee(user, feedback: Feedback) -> bool:
    """Take the item over or escalate it: handlers of its oversight body or of the body it was
    escalated to, while the item is open."""
    return feedback.is_open and overseeing_organization(user, feedback) is not None


def can_extend(user, feedback: Feedback) -> bool:
    """Only the head of the body may extend: its administrators (role admin) or superusers."""
    if _superuser(user):
        return True
    return (
        memberships_with(user, Capability.MANAGE_MEMBERS)
        .filter(organization_id=feedback.handling_organization_id)
        .exists()
    ) and may_act(user, feedback)


def can_view_identity(user, feedback: Feedback) -> bool:
    """Reporter details: only members holding the explicit capability in the handling body, and
    never staff of the facility a guarded report names. Anonymous stores nothing."""
    if feedback.privacy == Feedback.Privacy.ANONYMOUS or not feedback.handling_organization_id:
        return False
    allowed = (
        memberships_with(user, Capability.VIEW_REPORTER_IDENTITY)
        .filter(organization_id=feedback.handling_organization_id)
        .exists()
    )
    if not allowed:
        return False
    return may_act(user, feedback)


def may_be_assigned(user, feedback: Feedback) -> bool:
    """An assignee handles feedback for the handling organisation and, for a guarded item, does not
    work at the facility it names."""
    return (
        Membership.objects.with_capability(Capability.HANDLE_FEEDBACK)
        .filter(user=user, organization_id=feedback.handling_organization_id)
        .exists()
    ) and may_act(user, feedback)


def referral_targets(feedback: Feedback, queryset):
    """The organisations ``queryset`` may offer to refer the item to: not its current handler, never
    an organisation the guard excludes."""
    return queryset.exclude(pk=feedback.handling_organization_id).exclude(pk__in=excluded_organization_ids(feedback))


def assignees(feedback: Feedback):
    """The people the item may be assigned to (``may_be_assigned``, for a whole list in one query)."""
    return handlers_of(feedback, feedback.handling_organization_id)


def handlers_of(feedback: Feedback, organization_id):
    """The active people who handle feedback in ``organization_id`` and may act on this item: for a
    guarded item, not those who also work at the facility it names. Assignment and every e-mail to
    handlers read this list."""
    from django.contrib.auth import get_user_model

    people = get_user_model().objects.filter(
        is_active=True,
        pk__in=Membership.objects.with_capability(Capability.HANDLE_FEEDBACK)
        .filter(organization_id=organization_id)
        .values("user_id"),
    )
    excluded = excluded_organization_ids(feedback)
    if excluded:
        people = people.exclude(
            pk__in=Membership.objects.active().filter(organization_id__in=excluded).values("user_id")
        )
    return people
