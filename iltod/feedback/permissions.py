"""Who may see and act on feedback. Views fetch through these helpers: 404 when not allowed."""

from django.db.models import Q
from django.http import Http404

from iltod.accounts.capabilities import Capability
from iltod.accounts.models import Membership
from iltod.accounts.permissions import memberships_with, organization_ids_with

from .models import Feedback


def handler_organization_ids(user) -> list[int]:
    return organization_ids_with(user, Capability.HANDLE_FEEDBACK)


def staff_feedback(user):
    """Items the user may see as staff: handled by, or escalated to, one of their organisations."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return Feedback.objects.all()
    org_ids = handler_organization_ids(user)
    if not org_ids:
        return Feedback.objects.none()
    return Feedback.objects.filter(Q(handling_organization_id__in=org_ids) | Q(escalated_to_id__in=org_ids))


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
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    return feedback.handling_organization_id in handler_organization_ids(user)


def can_extend(user, feedback: Feedback) -> bool:
    """Only the head of the body may extend: its administrators (role admin) or superusers."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    return (
        memberships_with(user, Capability.MANAGE_MEMBERS)
        .filter(organization_id=feedback.handling_organization_id)
        .exists()
    )


def works_at_facility(user, feedback: Feedback) -> bool:
    """Is the user staff of the facility the feedback is about (its operator, or an organisation
    that covers exactly that facility)?"""
    if not feedback.service_unit_id:
        return False
    facility = feedback.service_unit
    return (
        Membership.objects.active()
        .filter(user=user)
        .filter(Q(organization_id=facility.operator_id) | Q(organization__covered_service_units=facility))
        .exists()
    )


def can_view_identity(user, feedback: Feedback) -> bool:
    """Reporter details: only members holding the explicit capability in the handling body, and
    never staff of the facility named in a confidential report. Anonymous stores nothing."""
    if feedback.privacy == Feedback.Privacy.ANONYMOUS or not feedback.handling_organization_id:
        return False
    allowed = (
        memberships_with(user, Capability.VIEW_REPORTER_IDENTITY)
        .filter(organization_id=feedback.handling_organization_id)
        .exists()
    )
    if not allowed:
        return False
    return not (feedback.privacy == Feedback.Privacy.CONFIDENTIAL and works_at_facility(user, feedback))
