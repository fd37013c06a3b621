"""Publishing facility values, their history, ratios, imports, citizens' checks and corrections."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import translation

from iltod.accounts.capabilities import Role
from iltod.accounts.services import grant_membership
from iltod.core import testing
from iltod.disclosure.models import (
    FacilityIndicator,
    FacilityMedian,
    FacilityValue,
    FacilityValueChange,
    ValueCheck,
)
from iltod.disclosure.permissions import can_moderate_checks, can_publish_values
from iltod.disclosure.services import facility_data as services
from iltod.feedback.models import Feedback
from iltod.lib.tabular import Row

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 6, 15, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def publisher(personas):
    """An education department officer who may publish (the persona officer is a case manager)."""
    user = testing.make_user("publisher@example.mn", "Publisher")
    grant_membership(
        actor=personas.admin, user=user, organization=personas.education_dept, role=Role.OFFICER, capabilities={}
    )
    return user


def rows(*cells, header=("facility_code", "indicator", "period", "value")):
    return [Row(number, dict(zip(header, cell, strict=True))) for number, cell in enumerate(cells, start=2)]


def test_the_catalogue_is_seeded_for_schools_and_health_facilities(db):
    codes = set(FacilityIndicator.objects.values_list("code", flat=True))
    assert {"pupils_girls", "teachers", "pupils_per_teacher", "textbooks_per_pupil", "toilets_girls"} <= codes
    assert {"doctors", "doctors_per_1000", "medicine_stockouts", "beds", "budget_received"} <= codes
    ratio = FacilityIndicator.objects.get(code="doctors_per_1000")
    assert (ratio.numerator.code, ratio.denominator.code, ratio.factor) == ("doctors", "population_served", 1000)


def test_who_publishes_a_schools_values(personas, publisher):
    school, clinic = personas.school, personas.clinic
    assert can_publish_values(personas.provider, school)  # the school's own staff
    assert can_publish_values(publisher, school)  # the aimag's education department
    assert can_publish_values(personas.admin, school)
    assert not can_publish_values(publisher, clinic)  # another aimag, another sector
    for persona in ("citizen", "monitor", "officer", "other_officer", "coordinator", "analyst", "network_admin"):
        assert not can_publish_values(getattr(personas, persona), school), persona


def test_publishing_computes_the_ratio_and_keeps_the_history(personas):
    school = personas.school
    created, updated, _ = services.publish_values(
        school, "2025", {"pupils": "300", "teachers": "12", "drinking_water": "тийм"}, actor=personas.provider
    )
    assert (created, updated) == (4, 0)  # three values and pupils per teacher
    ratio = FacilityValue.objects.get(facility=school, indicator__code="pupils_per_teacher", period="2025")
    assert ratio.value == Decimal("25")
    assert ratio.publisher == personas.school_org
    services.publish_values(school, "2025", {"teachers": "15"}, actor=personas.provider)
    ratio.refresh_from_db()
    assert ratio.value == Decimal("20")
    teachers = FacilityValue.objects.get(facility=school, indicator__code="teachers", period="2025")
    history = list(teachers.changes.order_by("changed_at", "id").values_list("old_value", "new_value", "changed_by"))
    assert history == [
        (None, Decimal("12"), personas.provider.pk),
        (Decimal("12"), Decimal("15"), personas.provider.pk),
    ]
    assert FacilityMedian.objects.filter(indicator__code="teachers", period="2025", admin_unit=None).get().median == 15


@pytest.mark.parametrize(
    ("values", "period", "message"),
    [
        ({"pupils": "many"}, "2025", "not a number"),
        ({"pupils": "-3"}, "2025", "negative"),
        ({"pupils": "3.5"}, "2025", "whole number"),
        ({"drinking_water": "maybe"}, "2025", "yes or no"),
        ({"pupils_per_teacher": "20"}, "2025", "computed"),
        ({"pupils": "300", "teachers": "0"}, "2025", "impossible"),
        ({"pupils": "3000", "teachers": "2"}, "2025", "impossible"),
        ({"pupils": "10"}, "2027", "not started"),
        ({"pupils": "10"}, "2025-Q5", "not a period"),
        ({"beds": "10"}, "2025", "not an indicator"),
    ],
)
def test_bad_values_are_refused_and_nothing_is_saved(personas, values, period, message):
    with translation.override("en"), pytest.raises(services.FacilityDataError) as error:
        services.publish_values(personas.school, period, values, actor=personas.provider)
    assert message in " ".join(error.value.messages)
    assert not FacilityValue.objects.exists()


def test_someone_else_cannot_publish(personas):
    with pytest.raises(services.FacilityDataError):
        services.publish_values(personas.school, "2025", {"pupils": "1"}, actor=personas.other_officer)
    assert not FacilityValue.objects.exists()


def test_an_import_upserts_and_round_trips_with_the_export(personas):
    school = personas.school
    report = services.import_values(
        rows(
            (school.code, "pupils", "2024", "280"),
            (school.code, "teachers", "2024", "14"),
            (school.code.lower(), "pupils", "2025", "300"),
        )
    )
    assert report.ok, report.errors
    assert (report.created, report.updated) == (4, 0)  # with pupils per teacher for 2024
    exported = list(services.export_rows(FacilityValue.objects.all()))
    header = services.EXPORT_HEADER
    again = services.import_values(
        [Row(n, dict(zip(header, [str(c) for c in r], strict=True))) for n, r in enumerate(exported, 2)]
    )
    assert again.ok, again.errors
    # the ratio's row is skipped, and recomputed from its two parts: unchanged too
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    changed = services.import_values(rows((school.code, "pupils", "2024", "300")))
    assert (changed.created, changed.updated) == (0, 2)  # pupils and the ratio
    assert FacilityValue.objects.get(facility=school, indicator__code="pupils", period="2024").value == 300


def test_an_import_with_one_bad_row_saves_nothing_and_names_the_rows(personas):
    school = personas.school
    report = services.import_values(
        rows(
            (school.code, "pupils", "2025", "300"),
            ("NOPE1234", "pupils", "2025", "1"),
            (school.code, "pupils", "2025", "301"),
            (school.code, "teachers", "2030", "1"),
            (school.code, "teachers", "2025", "x"),
            (school.code, "beds", "2025", "1"),
        )
    )
    assert not report.ok
    found = {(e.row, e.column) for e in report.errors}
    assert found == {(3, "facility_code"), (4, "period"), (5, "period"), (6, "value"), (7, "indicator")}
    assert not FacilityValue.objects.exists()


def test_an_import_without_the_columns_is_refused(personas):
    report = services.import_values([Row(2, {"code": "X", "value": "1"})])
    assert not report.ok and "facility_code" in str(report.errors[0])
    with translation.override("mn"):
        assert "Дутуу баганууд" in str(services.import_values([Row(2, {"code": "X"})]).errors[0])


def test_a_person_imports_only_their_facilities(personas):
    report = services.import_values(rows((personas.clinic.code, "doctors", "2025", "3")), actor=personas.provider)
    assert [(e.row, e.column) for e in report.errors] == [(2, "facility_code")]


def test_a_dispute_beyond_the_tolerance_becomes_feedback_and_a_correction_closes_it(personas, publisher):
    school = personas.school
    services.publish_values(school, "2025", {"textbooks": "600", "pupils": "300"}, actor=personas.provider)
    textbooks = FacilityValue.objects.get(facility=school, indicator__code="textbooks")
    # within the tolerance (15 %): recorded, no feedback
    near = services.check_value(textbooks, verdict="dispute", observed_value=Decimal("560"), user=personas.citizen)
    assert near.outcome == "" and near.feedback is None
    far = services.check_value(
        textbooks, verdict="dispute", observed_value=Decimal("150"), comment="Only old books", user=None
    )
    assert far.outcome == ValueCheck.Outcome.OPEN
    feedback = far.feedback
    assert feedback.service_unit == school and feedback.category.code == "edu-textbooks"
    assert f"/values/{textbooks.code}/" in feedback.description  # linked both ways
    assert Feedback.objects.get(disclosure_check=far) == feedback
    assert feedback.privacy == Feedback.Privacy.ANONYMOUS
    # the public status follows the moderated checks
    officer = personas.officer
    assert can_moderate_checks(officer, school) and not can_moderate_checks(personas.provider, school)
    services.moderate_check(far, actor=officer, publish=True)
    textbooks.refresh_from_db()
    assert textbooks.status == "disputed"
    services.correct_value(textbooks, "150", actor=publisher)
    textbooks.refresh_from_db()
    far.refresh_from_db()
    assert textbooks.status == "corrected" and textbooks.value == 150
    assert far.outcome == ValueCheck.Outcome.CORRECTED
    assert textbooks.changes.filter(source=FacilityValueChange.Source.CORRECTION).exists()
    ratio = FacilityValue.objects.get(facility=school, indicator__code="textbooks_per_pupil")
    assert ratio.value == Decimal("0.5")


def test_an_answered_dispute_is_marked_answered(personas):
    school = personas.school
    services.publish_values(school, "2025", {"drinking_water": "1"}, actor=personas.provider)
    water = FacilityValue.objects.get(facility=school, indicator__code="drinking_water")
    check = services.check_value(water, verdict="dispute", observed_value=Decimal(0), user=personas.citizen)
    assert check.outcome == ValueCheck.Outcome.OPEN  # any disagreement on yes/no
    Feedback.objects.filter(pk=check.feedback_id).update(status=Feedback.Status.RESOLVED)
    assert services.answer_disputes() == 1
    check.refresh_from_db()
    assert check.outcome == ValueCheck.Outcome.ANSWERED


def test_a_confirmation_counts_once_moderated(personas):
    services.publish_values(personas.school, "2025", {"pupils": "300"}, actor=personas.provider)
    value = FacilityValue.objects.get(indicator__code="pupils")
    check = services.check_value(value, verdict="confirm", user=personas.citizen)
    value.refresh_from_db()
    assert (value.status, value.confirmations) == ("published", 0)
    services.moderate_check(check, actor=personas.admin, publish=True)
    value.refresh_from_db()
    assert (value.status, value.confirmations) == ("confirmed", 1)


def test_a_dispute_needs_a_value_or_a_comment(personas):
    services.publish_values(personas.school, "2025", {"pupils": "300"}, actor=personas.provider)
    value = FacilityValue.objects.get(indicator__code="pupils")
    with pytest.raises(services.FacilityDataError):
        services.check_value(value, verdict="dispute", user=personas.citizen)
    assert not ValueCheck.objects.exists()


def test_a_figure_reads_with_its_thousands_grouped_in_the_pages_language():
    indicator = FacilityIndicator(value_type=FacilityIndicator.ValueType.INTEGER)
    for language in ("mn", "en"):
        with translation.override(language):
            assert indicator.display(15800) == "15,800"
    assert FacilityIndicator(value_type=FacilityIndicator.ValueType.DECIMAL).display(Decimal("2.50")) == "2.5"
