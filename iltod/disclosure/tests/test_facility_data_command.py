"""The import command with its progress bar, and the demo's facility figures (deterministic, idempotent)."""

import datetime
import io

import pytest
import time_machine
from django.core.management import CommandError, call_command

from iltod.disclosure.demo import _seed_facility_data
from iltod.disclosure.models import FacilityValue, FacilityValueChange

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 6, 15, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_the_command_imports_with_a_progress_bar_and_refuses_a_bad_file(personas, tmp_path):
    good = tmp_path / "values.csv"
    good.write_text(
        "facility_code,indicator,period,value\n"
        f"{personas.school.code},pupils,2025,300\n{personas.school.code},teachers,2025,12\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    call_command("import_facility_values", str(good), stdout=out)
    assert "100 %" in out.getvalue() and "3 created" in out.getvalue()
    assert FacilityValue.objects.get(indicator__code="pupils_per_teacher").value == 25
    bad = tmp_path / "bad.csv"
    bad.write_text(f"facility_code,indicator,period,value\n{personas.school.code},pupils,2025,-1\n", encoding="utf-8")
    errors = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_facility_values", str(bad), stdout=io.StringIO(), stderr=errors)
    assert "2" in errors.getvalue()  # the row number
    pdf = tmp_path / "named.csv"
    pdf.write_bytes(b"%PDF-1.4\x00\x00\x00")
    with pytest.raises(CommandError):
        call_command("import_facility_values", str(pdf), stdout=io.StringIO())
    assert FacilityValue.objects.get(indicator__code="pupils").value == 300


def test_the_demo_publishes_three_years_for_schools_and_clinics_once(personas):
    created = _seed_facility_data()
    assert created == FacilityValue.objects.count() > 0
    years = set(FacilityValue.objects.values_list("period", flat=True))
    assert years == {"2023", "2024", "2025"}
    assert FacilityValue.objects.filter(facility=personas.clinic, indicator__code="doctors_per_1000").count() == 3
    assert FacilityValue.objects.filter(facility=personas.school, indicator__code="pupils_per_teacher").count() == 3
    assert FacilityValueChange.objects.count() == created  # each first publication is in the history
    assert _seed_facility_data() == 0
