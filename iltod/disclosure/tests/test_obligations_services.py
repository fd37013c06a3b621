from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from iltod.accounts.models import AuditEvent
from iltod.core.models import Holiday
from iltod.core.testing.files import pdf_bytes
from iltod.notifications.models import OutboundMessage

from ..models import ComplianceSummary, Disclosure, DisclosureRequirement
from ..services import obligations as services
from .obligations_fixtures import make_requirement, scheduled

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


Status = Disclosure.Status


def at(day: date, hour=12):
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def test_it_schedules_one_item_per_body_and_period_and_is_idempotent(personas):
    requirement = scheduled(personas)
    items = Disclosure.objects.filter(requirement=requirement)
    bodies = {personas.education_dept.pk, personas.school_org.pk}
    assert set(items.values_list("organization_id", flat=True)) == bodies
    assert items.count() == 2 * 3  # January, February, March
    services.generate_schedule(date(2026, 3, 20))
    assert items.count() == 6
    january = items.get(organization=personas.education_dept, period_start=date(2026, 1, 1))
    assert january.period_end == date(2026, 1, 31)
    assert january.due_on == date(2026, 2, 10)  # ten calendar days
    assert january.status == Status.MISSING
    assert items.get(organization=personas.school_org, period_start=date(2026, 3, 1)).status == Status.DUE
    assert january.aimag == personas.geo.aimag
    assert january.sector.code == "education"


def test_working_day_deadlines_skip_weekends_and_declared_days_off(personas):
    Holiday.objects.create(date=date(2026, 2, 2), name="Нэмэлт амралт")
    requirement = make_requirement(deadline_day_kind="working", deadline_days=3)
    # January ends on Saturday 31: Monday 2 February is declared off, so 3, 4, 5 February.
    assert services.due_date(requirement, date(2026, 1, 31)) == date(2026, 2, 5)


def test_quarterly_and_yearly_periods():
    requirement = DisclosureRequirement(frequency="quarterly", starts_on=date(2025, 2, 15))
    assert list(services.periods(requirement, date(2025, 7, 1))) == [
        (date(2025, 1, 1), date(2025, 3, 31)),
        (date(2025, 4, 1), date(2025, 6, 30)),
        (date(2025, 7, 1), date(2025, 9, 30)),
    ]
    requirement.frequency = "yearly"
    assert list(services.periods(requirement, date(2026, 1, 1))) == [
        (date(2025, 1, 1), date(2025, 12, 31)),
        (date(2026, 1, 1), date(2026, 12, 31)),
    ]


def test_bodies_are_chosen_by_kind_sector_and_area(personas):
    requirement = make_requirement(organization_kinds=[])
    requirement.admin_units.set([personas.geo.other_aimag])
    assert list(services.bodies_for(requirement)) == [personas.other_dept]
    requirement.admin_units.clear()
    from iltod.places.models import Sector

    requirement.sectors.set([Sector.objects.get(code="health")])
    assert personas.other_dept in services.bodies_for(requirement)
    assert personas.school_org not in services.bodies_for(requirement)


def test_publishing_on_time_late_and_the_summary(personas):
    scheduled(personas)
    march = Disclosure.objects.get(organization=personas.school_org, period_start=date(2026, 3, 1))
    document = services.clean_document(SimpleUploadedFile("report.pdf", pdf_bytes()))
    services.publish(march, actor=personas.provider, document=document, now=at(date(2026, 4, 10)))
    march.refresh_from_db()
    assert march.status == Status.ON_TIME
    assert march.document.name.endswith(".pdf") and march.published_by == personas.provider
    january = Disclosure.objects.get(organization=personas.school_org, period_start=date(2026, 1, 1))
    services.publish(
        january, actor=personas.provider, dataset_code="facility_values", dataset_period="2026-01",
        now=at(date(2026, 3, 21)),
    )  # fmt: skip
    january.refresh_from_db()
    assert january.status == Status.LATE
    assert AuditEvent.objects.filter(action="disclosure.published").count() == 2
    body = ComplianceSummary.objects.filter(organization=personas.school_org)
    assert sum(r.on_time for r in body) == 1 and sum(r.late for r in body) == 1 and sum(r.missing for r in body) == 1
    area = ComplianceSummary.objects.filter(organization__isnull=True, aimag=personas.geo.aimag)
    assert sum(r.on_time for r in area) == 1
    assert sum(r.missing for r in area) == 3  # the school's February, the department's January and February
    assert sum(r.upcoming for r in area) == 1  # the department's March
    assert sum(r.due for r in area) == 5


def test_publishing_needs_exactly_one_thing(personas):
    scheduled(personas)
    item = Disclosure.objects.filter(organization=personas.school_org).first()
    with pytest.raises(ValidationError):
        services.publish(item, actor=personas.provider)
    document = services.clean_document(SimpleUploadedFile("a.csv", b"a,b\n1,2\n"))
    with pytest.raises(ValidationError):
        services.publish(item, actor=personas.provider, document=document, dataset_code="compliance")
    item.refresh_from_db()
    assert item.published_at is None


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", b"not a pdf at all"),
        ("report.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40),
        ("report.xlsx", b"PK\x03\x04 not really a workbook"),
        ("report.exe", b"MZ\x90\x00"),
        ("empty.csv", b""),
    ],
)
def test_a_document_that_is_not_what_its_name_says_is_refused(name, content):
    with pytest.raises(ValidationError):
        services.clean_document(SimpleUploadedFile(name, content))


def test_an_xlsx_workbook_is_accepted(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["a", 1])
    path = tmp_path / "w.xlsx"
    workbook.save(path)
    cleaned = services.clean_document(SimpleUploadedFile("budget.xlsx", path.read_bytes()))
    assert cleaned.name == "document.xlsx"


def test_explaining_a_late_item_is_public_and_only_for_late_or_missing(personas):
    scheduled(personas)
    january = Disclosure.objects.get(organization=personas.school_org, period_start=date(2026, 1, 1))
    services.explain(january, actor=personas.provider, text="Нягтлан өвчтэй байсан.")
    january.refresh_from_db()
    assert january.explanation == "Нягтлан өвчтэй байсан." and january.explained_at
    march = Disclosure.objects.get(organization=personas.school_org, period_start=date(2026, 3, 1))
    with pytest.raises(ValidationError):
        services.explain(march, actor=personas.provider, text="Early")
    with pytest.raises(ValidationError):
        services.explain(january, actor=personas.provider, text="   ")


def test_events_above_the_threshold_become_due(personas):
    requirement = make_requirement(
        code="large-transactions", frequency="per_event", threshold=Decimal(5_000_000), deadline_days=7
    )
    item = services.record_event(
        requirement, personas.education_dept, actor=personas.officer, event_date=timezone.localdate(),
        description="Сургуулийн засвар", amount=Decimal(12_000_000),
    )  # fmt: skip
    assert item.status == Status.DUE and item.period_label
    with pytest.raises(ValidationError):
        services.record_event(
            requirement, personas.education_dept, actor=None, event_date=timezone.localdate(),
            description="Сургуулийн засвар", amount=Decimal(12_000_000),
        )  # fmt: skip
    with pytest.raises(ValidationError):
        services.record_event(
            requirement, personas.education_dept, actor=None, event_date=timezone.localdate(),
            description="Бага дүн", amount=Decimal(100),
        )  # fmt: skip
    assert Disclosure.objects.filter(requirement=requirement).count() == 1


def test_reminders_go_once_before_and_once_after_the_deadline(personas):
    scheduled(personas, today=date(2026, 4, 6))  # March is due on 10 April; January and February are missing
    sent = services.send_reminders(date(2026, 4, 6))
    assert sent == 2 + 4  # before: both bodies' March; after: both bodies' January and February
    emails = OutboundMessage.objects.filter(recipient=personas.provider.email)
    assert emails.count() == 3  # the school's three items (the officer of the department cannot publish)
    assert emails.filter(subject__contains="2026-03").count() == 1
    assert services.send_reminders(date(2026, 4, 6)) == 0
    services.mark_missing(date(2026, 4, 12))
    assert services.send_reminders(date(2026, 4, 12)) == 2  # March, now missing
    assert emails.count() == 4
    assert services.send_reminders(date(2026, 4, 13)) == 0
    assert AuditEvent.objects.filter(action="disclosure.reminded").count() == 8


def test_the_periodic_job_marks_missing_and_recounts(personas):
    requirement = scheduled(personas)
    item = Disclosure.objects.get(organization=personas.school_org, period_start=date(2026, 3, 1))
    assert item.status == Status.DUE
    result = services.run_periodic(at(date(2026, 4, 15)))
    item.refresh_from_db()
    assert item.status == Status.MISSING
    assert "reminders" in result
    assert Disclosure.objects.filter(requirement=requirement, period_start=date(2026, 4, 1)).count() == 2
    body = ComplianceSummary.objects.filter(organization=personas.school_org)
    assert sum(r.missing for r in body) == 3


def test_the_example_set_is_loaded_once_and_marked(personas):
    assert services.load_example_requirements(date(2025, 1, 1)) == len(services.EXAMPLE_REQUIREMENTS)
    assert services.load_example_requirements(date(2025, 1, 1)) == 0
    assert not DisclosureRequirement.objects.filter(is_example=False).exists()
    assert DisclosureRequirement.objects.get(code="large-transactions").threshold == 5_000_000
