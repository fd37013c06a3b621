"""Access helpers for organisations: fetch what the user may act on, or 404."""

from django.http import Http404

from iltod.accounts.capabilities import Capability
from iltod.accounts.permissions import has_capability

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
