"""Access helpers: the only place that reads capability flags."""

from .capabilities import Capability
from .models import Membership


def memberships_with(user, capability: str):
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Membership.objects.none()
    return Membership.objects.with_capability(capability).filter(user=user)


def has_capability(user, capability: str, organization=None) -> bool:
    """Does ``user`` hold ``capability`` (in ``organization``, or in any organisation)?

    Platform superusers hold every capability everywhere.
    """
    if capability not in Capability.values:
        raise ValueError(f"Unknown capability {capability!r}")
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    qs = memberships_with(user, capability)
    if organization is not None:
        qs = qs.filter(organization=organization)
    return qs.exists()


def organization_ids_with(user, capability: str) -> list[int]:
    return list(memberships_with(user, capability).values_list("organization_id", flat=True))


def can_manage_members(user, organization) -> bool:
    return has_capability(user, Capability.MANAGE_MEMBERS, organization)


def can_edit_organization(user, organization) -> bool:
    return has_capability(user, Capability.EDIT_PROFILE, organization)


def capabilities_in(user, organization) -> set[str]:
    """Every capability ``user`` holds in ``organization`` (one query; all of them for superusers)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    if user.is_superuser:
        return set(Capability.values)
    membership = Membership.objects.active().filter(user=user, organization=organization).first()
    return {c for c in Capability.values if membership is not None and getattr(membership, c)}


def can_view_statistics(user) -> bool:
    """May ``user`` read the internal statistics and their exports (in any organisation)?"""
    return has_capability(user, Capability.VIEW_STATISTICS)
