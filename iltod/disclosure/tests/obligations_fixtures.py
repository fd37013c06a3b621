"""Shared set-up for the obligations and compliance tests."""

from datetime import date

from iltod.organizations.models import Organization

from ..models import DisclosureRequirement
from ..services import obligations as services


def make_requirement(code="monthly-report", **extra) -> DisclosureRequirement:
    values = {
        "title": "Сарын тайлан",
        "title_mn": "Сарын тайлан",
        "title_en": "Monthly report",
        "legal_basis_mn": "Шилэн дансны тухай хууль, 6.1",
        "legal_basis_en": "Law on Glass Accounts, art. 6.1",
        "frequency": DisclosureRequirement.Frequency.MONTHLY,
        "deadline_days": 10,
        "deadline_day_kind": "calendar",
        "organization_kinds": [Organization.Kind.EDUCATION_DEPARTMENT, Organization.Kind.SERVICE_PROVIDER],
        "starts_on": date(2026, 1, 1),
        "is_example": True,
    }
    values.update(extra)
    return DisclosureRequirement.objects.create(code=code, **values)


def scheduled(personas, today=date(2026, 3, 20), **extra):
    """A monthly requirement for education departments and providers, scheduled up to ``today``:
    January and February are past their deadline (missing), March is due."""
    requirement = make_requirement(**extra)
    services.generate_schedule(today)
    services.refresh_summary()
    return requirement
