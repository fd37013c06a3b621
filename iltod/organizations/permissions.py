"""Access helpers for organisations: fetch what the user may act on, or 404."""

from django.db.models import Q
from django.http import Http404

from iltod.accounts.capabilities import ROLE_CAPABILITIES, Capability, Role
from iltod.accounts.models import Membership
from iltod.accounts.permissions import capabilities_in, has_capability
from iltod.places.models import ServiceUnit

from .models import Organization


def get_organization_for_capability(user, code: str, capability: str) -> Organization:
    """The active organisation with ``code`` if ``user`` holds ``capability`` in it; else 404.

    "Not found" and "not allowed" look the same, so codes cannot be probed.
    """
    organization = Organization.objects.filter(code=code, is_active=True).first()
    if organization is None or not has_capability(user, capability, organization):
        raise Http404
    return organization


def get_organization_for_member_management(user, code: str) -> Organization:
    return get_organization_for_capability(user, code, Capability.MANAGE_MEMBERS)


# --- Staff of a facility ----------------------------------------------------------------------
# "Staff of a facility" are the members of the organisations that are that facility: its
# operator, and any organisation that covers exactly that facility (not its area). Feedback's
# guard (a complaint about conduct is never handled by the people it accuses) and score cards'
# provider self-evaluation both ask this one question.


def facility_organization_ids(facility: ServiceUnit) -> set[int]:
    """The organisations that are the facility: its operator and those covering exactly it."""
    ids = set(Organization.objects.filter(covered_service_units=facility).values_list("pk", flat=True))
    if facility.operator_id:
        ids.add(facility.operator_id)
    return ids


def works_at_facility(user, facility: ServiceUnit | None) -> bool:
    """Is ``user`` an active member of the facility's operator or of an organisation covering
    exactly that facility?"""
    if facility is None or not (getattr(user, "is_authenticated", False) and user.is_active):
        return False
    return (
        Membership.objects.active()
        .filter(user=user)
        .filter(Q(organization_id=facility.operator_id) | Q(organization__covered_service_units=facility))
        .exists()
    )


def facilities_of_member(user):
    """The facilities ``user`` works at (a queryset of keys, usable as a subquery)."""
    org_ids = Membership.objects.active().filter(user=user).values("organization_id")
    return ServiceUnit.objects.filter(Q(operator_id__in=org_ids) | Q(covering_organizations__in=org_ids)).values("pk")


def facilities_of_organization(organization_id: int):
    """The facilities an organisation is (operates or covers exactly), as a subquery of keys."""
    return ServiceUnit.objects.filter(
        Q(operator_id=organization_id) | Q(covering_organizations=organization_id)
    ).values("pk")


# --- Roles one may give, networks one may manage ---------------------------------------------


def grantable_roles(user, organization) -> list[str]:
    """The roles ``user`` may give in ``organization``: those granting nothing the user lacks there.

    Nobody hands out more than they hold, so only someone holding every capability (an
    organisation administrator, or a platform administrator) may make another administrator.
    """
    held = capabilities_in(user, organization)
    return [role for role in Role.values if ROLE_CAPABILITIES[role] <= held]


def get_network_for_management(user, code: str) -> Organization:
    """The active network with ``code`` if ``user`` may manage it (its member organisations); else 404."""
    organization = get_organization_for_capability(user, code, Capability.MANAGE_NETWORK)
    if not organization.is_network:
        raise Http404
    return organization
