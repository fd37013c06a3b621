"""The values import at scale: a bounded number of queries whatever the file's length (one lookup
per batch, COPY on PostgreSQL), history written in bulk with who changed what, and public codes
drawn in one go (a code already taken is drawn again)."""

import datetime
from decimal import Decimal
from statistics import median

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from iltod.disclosure.models import FacilityMedian, FacilityValue, FacilityValueChange
from iltod.disclosure.services import facility_data as services
from iltod.lib.tabular import Row
from iltod.places.models import CODE_ALPHABET, AdminUnit, ServiceUnit

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 6, 15, 10, 0, tzinfo=datetime.UTC)
HEADER = ("facility_code", "indicator", "period", "value")


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def schools(personas, count: int, area=None) -> list[ServiceUnit]:
    template = personas.school
    return [
        ServiceUnit.objects.create(
            name=f"Сургууль {n}", name_mn=f"Сургууль {n}", kind=template.kind, sector=template.sector,
            admin_unit=area or template.admin_unit, operator=template.operator,
        )
        for n in range(count)
    ]  # fmt: skip


def file_rows(facilities, years=("2023", "2024", "2025"), bump: int = 0) -> list[Row]:
    cells = []
    for number, facility in enumerate(facilities):
        for year in years:
            cells.append((facility.code, "pupils", year, str(300 + number + bump)))
            cells.append((facility.code, "teachers", year, str(12 + number % 5)))
    return [Row(n, dict(zip(HEADER, cell, strict=True))) for n, cell in enumerate(cells, start=2)]


def imported(rows) -> tuple:
    with CaptureQueriesContext(connection) as queries:
        report = services.import_values(rows, actor=None, source="test.csv")
    assert report.ok, report.errors[:3]
    return report, len(queries.captured_queries)


def test_an_import_reads_and_writes_in_a_bounded_number_of_queries(personas):
    small, large = schools(personas, 3), schools(personas, 30)
    _report, few = imported(file_rows(small))
    report, many = imported(file_rows(large))
    assert report.created == 30 * 3 * 3  # pupils, teachers and the computed pupils per teacher
    assert many == few  # ten times the rows, not one query more


def test_an_upsert_writes_history_only_for_what_changed(personas):
    facilities = schools(personas, 4)
    first, _queries = imported(file_rows(facilities))
    assert first.created == 4 * 3 * 3
    history = FacilityValueChange.objects.count()
    assert history == first.created  # each first publication is in the history
    again, _queries = imported(file_rows(facilities, bump=1))  # every pupils value + 1: its ratio changes too
    assert (again.created, again.updated, again.unchanged) == (0, 4 * 3 * 2, 4 * 3)
    changes = FacilityValueChange.objects.filter(pk__gt=FacilityValueChange.objects.order_by("pk")[history - 1].pk)
    assert changes.count() == again.updated
    pupils = changes.filter(value__indicator__code="pupils", value__facility=facilities[1], value__period="2024").get()
    assert (pupils.old_value, pupils.new_value, pupils.source) == (Decimal(301), Decimal(302), "upload")
    ratio = changes.filter(value__indicator__code="pupils_per_teacher", value__facility=facilities[1]).first()
    assert ratio.source == "computed"
    assert FacilityValue.objects.get(
        facility=facilities[1], indicator__code="pupils", period="2024"
    ).value == Decimal(302)  # fmt: skip


def test_public_codes_are_distinct_and_readable():
    codes = services._public_codes(5000)
    assert len(set(codes)) == 5000
    assert all(len(code) == 8 and set(code) <= set(CODE_ALPHABET) for code in codes)


def test_a_new_value_whose_code_is_taken_gets_another(personas, monkeypatch):
    facilities = schools(personas, 2)
    imported(file_rows(facilities[:1], years=("2025",)))
    taken = FacilityValue.objects.values_list("code", flat=True).first()
    draw = services._public_codes
    calls = []

    def first_draw_collides(count, length=8):
        calls.append(count)
        codes = draw(count, length)
        return [taken, *codes[1:]] if len(calls) == 1 else codes

    monkeypatch.setattr(services, "_public_codes", first_draw_collides)
    report, _queries = imported(file_rows(facilities[1:], years=("2025",)))
    assert report.created == 3
    assert FacilityValue.objects.filter(facility=facilities[1]).count() == 3
    assert len(set(FacilityValue.objects.values_list("code", flat=True))) == FacilityValue.objects.count()
    if connection.vendor == "postgresql":  # the COPY path draws again for the row refused
        assert len(calls) == 2


def test_the_medians_are_those_of_each_soum_aimag_and_the_country(personas):
    here = personas.school.admin_unit
    elsewhere = AdminUnit.objects.filter(level=here.level).exclude(parent=here.parent).first()
    facilities = schools(personas, 4, here) + schools(personas, 3, elsewhere)
    imported(file_rows(facilities, years=("2025",)))  # pupils 300…306: even and odd counts
    values = list(FacilityValue.objects.filter(indicator__code="pupils_per_teacher", period="2025"))
    assert len({v.value for v in values}) > 2  # ratios with four decimals, not one number

    def expected(area):
        inside = [
            v.value
            for v in values
            if area is None or area.pk in (v.facility.admin_unit_id, v.facility.admin_unit.parent_id)
        ]
        return Decimal(median(inside)).quantize(Decimal("0.0001")), len(inside)

    rows = {
        m.admin_unit_id: m for m in FacilityMedian.objects.filter(indicator__code="pupils_per_teacher", period="2025")
    }
    assert set(rows) == {here.pk, here.parent_id, elsewhere.pk, elsewhere.parent_id, None}
    for area in (here, here.parent, elsewhere, elsewhere.parent, None):
        row = rows[area.pk if area else None]
        assert (row.median, row.facilities) == expected(area)
    pupils = FacilityMedian.objects.get(indicator__code="pupils", period="2025", admin_unit=here)
    assert (pupils.median, pupils.facilities) == (Decimal("301.5"), 4)  # the mean of the two middle values
