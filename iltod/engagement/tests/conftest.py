"""Shared fixtures for the engagement tests (groups, meetings, issues, plans)."""

import pytest

from iltod.core.testing import sector
from iltod.engagement import services
from iltod.engagement.models import GroupMember, Sex, StakeholderType


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded documents and photos are written to disk: keep them out of var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def group(personas):
    """An Arkhangai group convened by the CSO: personas.coordinator coordinates it (through the
    CSO's "coordinate groups" capability) and personas.monitor is a plain member with an account."""
    group = services.create_group(
        actor=personas.coordinator,
        name="Архангай аймгийн олон талт бүлэг",
        admin_unit=personas.geo.aimag,
        convening_organization=personas.cso,
        sectors=[sector("health"), sector("education")],
    )
    GroupMember.objects.create(
        group=group,
        user=personas.monitor,
        person_name="Monitor",
        organization=personas.cso,
        stakeholder_type=StakeholderType.CSO,
        sex=Sex.FEMALE,
        role=GroupMember.Role.MEMBER,
    )
    return group
