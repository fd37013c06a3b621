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


# --- joint action plans ----------------------------------------------------------------------


@pytest.fixture
def plan(group, personas):
    """An agreed, public plan of ``group`` about the Battsengel school, with one action (see ``action``)."""
    import datetime

    from iltod.engagement.models import ActionPlan

    plan = services.create_action_plan(
        actor=personas.coordinator,
        group=group,
        title="Сургуулийн ариун цэврийн өрөөг засах",
        description="Засвар, ус хангамж.",
        service_unit=personas.school,
    )
    services.add_action(
        actor=personas.coordinator,
        plan=plan,
        title="Засварын төсөв гаргах",
        lead_organization=personas.education_dept,
        co_responsible=[personas.school_org],
        responsible_person="Б. Болд",
        due_on=datetime.date(2026, 3, 1),
        resources="2 сая төгрөг",
    )
    services.change_plan_status(plan, ActionPlan.Status.AGREED, actor=personas.coordinator)
    return plan


@pytest.fixture
def action(plan):
    """The first action of ``plan``: lead by the education department, due 2026-03-01."""
    return plan.actions.get()
