"""Organisation profiles: the member writes and submits, the network administrator validates or
returns with a reason (maker-checker). Each validated version becomes the public one; older
versions stay as history."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from iltod.accounts.audit import AuditAction
from iltod.accounts.services import log_event

from ..models import OrganizationProfile, ProfileTool
from ..permissions import can_edit_profile, can_validate_profile

Status = OrganizationProfile.Status
FIELDS = ("mission", "staff", "volunteers", "budget_range", "funding_sources", "government_partnerships", "governance")


def open_version(organization):
    """The draft (or the version waiting for validation), if there is one."""
    return organization.learning_profiles.filter(status__in=OrganizationProfile.OPEN_STATUSES).first()


def latest_version(organization):
    return organization.learning_profiles.order_by("-created_at", "-pk").first()


@transaction.atomic
def save_draft(*, actor, organization, data: dict, tools: dict[str, str], submit=False, request=None):
    """Write the member's answers into its draft (a new version when there is none) and, with
    ``submit``, send it for validation. ``data``: the questionnaire's fields plus ``sectors`` and
    ``areas``; ``tools``: tool → example."""
    if not can_edit_profile(actor, organization):
        raise PermissionDenied
    profile = (
        organization.learning_profiles.select_for_update().filter(status__in=OrganizationProfile.OPEN_STATUSES).first()
    )
    if profile is not None and profile.status == Status.SUBMITTED:
        raise ValidationError(_("This profile is waiting for validation and cannot be changed now."), code="submitted")
    if profile is None:
        profile = OrganizationProfile(organization=organization, created_by=actor)
    for field in FIELDS:
        setattr(profile, field, data.get(field, getattr(profile, field)))
    if submit:
        profile.status = Status.SUBMITTED
        profile.submitted_by = actor
        profile.submitted_at = timezone.now()
    profile.save()
    profile.sectors.set(data.get("sectors", []))
    profile.areas.set(data.get("areas", []))
    profile.tools.all().delete()
    ProfileTool.objects.bulk_create(
        ProfileTool(profile=profile, tool=tool, example=example) for tool, example in sorted(tools.items())
    )
    if submit:
        log_event(actor, AuditAction.PROFILE_SUBMITTED, organization, request=request, profile=profile.pk)
    return profile


@transaction.atomic
def validate(*, actor, profile: OrganizationProfile, request=None) -> OrganizationProfile:
    """The checker accepts a submitted version: it becomes the public profile, and its mission
    and sectors become the organisation's."""
    profile = OrganizationProfile.objects.select_for_update().select_related("organization").get(pk=profile.pk)
    _check_reviewable(actor, profile)
    organization = profile.organization
    organization.learning_profiles.filter(is_current=True).update(is_current=False)
    profile.status = Status.VALIDATED
    profile.is_current = True
    profile.reviewed_by = actor
    profile.reviewed_at = timezone.now()
    profile.save(update_fields=["status", "is_current", "reviewed_by", "reviewed_at"])
    organization.mission = profile.mission
    organization.save(update_fields=["mission", "updated_at"])
    organization.sectors.set(profile.sectors.all())
    log_event(actor, AuditAction.PROFILE_VALIDATED, organization, request=request, profile=profile.pk)
    return profile


@transaction.atomic
def return_profile(*, actor, profile: OrganizationProfile, reason: str, request=None) -> OrganizationProfile:
    """The checker sends a submitted version back with a reason; it stays as history and the
    member's next edit starts a new draft from it."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the profile is returned."), code="reason")
    profile = OrganizationProfile.objects.select_for_update().select_related("organization").get(pk=profile.pk)
    _check_reviewable(actor, profile)
    profile.status = Status.RETURNED
    profile.return_reason = reason
    profile.reviewed_by = actor
    profile.reviewed_at = timezone.now()
    profile.save(update_fields=["status", "return_reason", "reviewed_by", "reviewed_at"])
    log_event(
        actor, AuditAction.PROFILE_RETURNED, profile.organization, request=request, profile=profile.pk, reason=reason
    )
    return profile


def _check_reviewable(actor, profile):
    if profile.status != Status.SUBMITTED:
        raise ValidationError(_("Only a profile waiting for validation can be reviewed."), code="status")
    if not can_validate_profile(actor, profile):
        raise PermissionDenied
