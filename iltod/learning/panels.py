"""Sections learning adds to lower modules' pages (iltod.core.panels)."""

from django.template.loader import render_to_string

from .models import OrganizationProfile
from .permissions import can_edit_profile


def organization_panel(request, organization) -> str:
    """On an organisation's page: its member directory (networks), its validated profile, and
    the link to fill it in for those who may."""
    has_profile = OrganizationProfile.objects.filter(organization=organization, is_current=True).exists()
    can_edit = can_edit_profile(request.user, organization)
    if not (organization.is_network or has_profile or can_edit):
        return ""
    return render_to_string(
        "learning/panels/organization.html",
        {"organization": organization, "has_profile": has_profile, "can_edit": can_edit},
        request=request,
    )
