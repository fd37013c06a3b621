"""Shared data for the budget, transfer and Local Development Fund tests: a chain of transfers from
the ministry to the Arkhangai education department to the school in Battsengel, and a governor's
office over the soum with a member who publishes and handles feedback."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from iltod.accounts.capabilities import Role
from iltod.accounts.services import grant_membership
from iltod.core.testing import make_org, make_user
from iltod.disclosure.models import BudgetLine, LdfProject, Transfer
from iltod.organizations.models import Organization


@dataclass
class Money:
    governor: Organization  # Battsengel soum governor's office
    governor_officer: object  # publishes and handles feedback there
    contractor: Organization
    top: Transfer  # ministry -> aimag department
    bottom: Transfer  # aimag department -> school
    line: BudgetLine
    project: LdfProject


@pytest.fixture
def money(personas):
    p = personas
    governor = make_org(
        Organization.Kind.GOVERNORS_OFFICE,
        "Батцэнгэл сумын Засаг даргын тамгын газар",
        "Battsengel Governor's Office",
        home_unit=p.geo.soum,
        covers=[p.geo.soum],
    )
    officer = make_user("governor@example.mn", "Governor Officer")
    grant_membership(actor=p.admin, user=officer, organization=governor, role=Role.OFFICER)
    contractor = make_org(Organization.Kind.OTHER, "Барилга ХХК", "Barilga LLC")
    top = Transfer.objects.create(
        code="T1",
        fiscal_year=2025,
        purpose="Сургуулийн урсгал зардал",
        from_organization=p.ministry,
        to_organization=p.education_dept,
        admin_unit=p.geo.aimag,
        allocated=Decimal("1000000"),
        released=Decimal("1000000"),
        received=Decimal("1000000"),
        expected_on=date(2025, 1, 15),
        released_on=date(2025, 1, 10),
        received_on=date(2025, 1, 12),
    )
    bottom = Transfer.objects.create(
        code="T1-S",
        fiscal_year=2025,
        purpose="Сургуулийн урсгал зардал",
        parent=top,
        from_organization=p.education_dept,
        to_service_unit=p.school,
        admin_unit=p.geo.soum,
        allocated=Decimal("1000000"),
        released=Decimal("900000"),
        received=Decimal("800000"),
        expected_on=date(2025, 2, 1),
        released_on=date(2025, 2, 10),
        received_on=date(2025, 2, 20),
    )
    line = BudgetLine.objects.create(
        organization=p.school_org,
        service_unit=p.school,
        fiscal_year=2025,
        code="OP-1",
        functional_code="09",
        functional_label="Боловсрол",
        economic_code="2100",
        economic_label="Бараа үйлчилгээ",
        approved=Decimal("1000000"),
        executed=Decimal("750000"),
    )
    project = LdfProject.objects.create(
        external_id="BTS-2025-01",
        admin_unit=p.geo.soum,
        fiscal_year=2025,
        title_mn="Худаг засварлах",
        title_en="Well repair",
        category=LdfProject.Category.WATER,
        latitude=47.7,
        longitude=101.7,
        amount_approved=Decimal("50000000"),
        amount_spent=Decimal("20000000"),
        contractor=contractor,
        status=LdfProject.Status.IN_PROGRESS,
        progress=40,
    )
    return Money(governor, officer, contractor, top, bottom, line, project)
