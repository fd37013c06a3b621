"""Validated discrepancies corrected is a real share: of the citizens' disputes beyond the tolerance
(published, made in the period), those the publisher corrected. The disclosure metric counts both
in one query per scope and every publisher's in one more, so the ranking scores government bodies on
it; facilities do not publish their figures and have no items for it."""

import datetime
import re

from django.urls import reverse

from iltod.core import metrics
from iltod.disclosure.models import FacilityIndicator, FacilityValue, ValueCheck
from iltod.results import ranking
from iltod.results.models import RankingEntry
from iltod.results.services import scope_of

METRIC = "disclosure.discrepancies_corrected"
IN_2025 = datetime.datetime(2025, 5, 10, 9, tzinfo=datetime.UTC)
Outcome, Moderation = ValueCheck.Outcome, ValueCheck.Moderation


def _value(facility, publisher, indicator):
    return FacilityValue.objects.create(
        facility=facility, indicator=indicator, period="2025", period_start=datetime.date(2025, 1, 1), value=10,
        publisher=publisher,
    )  # fmt: skip


def _check(value, outcome, *, verdict="dispute", moderation=Moderation.PUBLISHED, when=IN_2025):
    ValueCheck.objects.create(value=value, verdict=verdict, outcome=outcome, moderation=moderation, created_at=when)


def _disputes(personas):
    """The education department: 3 of its 4 disputes beyond the tolerance corrected; the health
    department: none of its 2. What is not a dispute beyond the tolerance, not published or not of
    2025 counts for nobody."""
    first, second = FacilityIndicator.objects.order_by("code")[:2]
    school = _value(personas.school, personas.education_dept, first)
    clinic = _value(personas.clinic, personas.other_dept, second)
    for outcome in (Outcome.CORRECTED, Outcome.CORRECTED, Outcome.CORRECTED, Outcome.ANSWERED):
        _check(school, outcome)
    _check(school, Outcome.NONE)  # within the tolerance: asked nothing of the publisher
    _check(school, Outcome.NONE, verdict="confirm")
    _check(school, Outcome.CORRECTED, moderation=Moderation.PENDING)
    _check(school, Outcome.CORRECTED, when=datetime.datetime(2024, 5, 10, tzinfo=datetime.UTC))
    _check(clinic, Outcome.OPEN)
    _check(clinic, Outcome.OPEN)


def test_the_metric_is_a_share_of_the_disputes_counted_in_one_query(computed, personas, django_assert_num_queries):
    _framework, period = computed
    _disputes(personas)
    metric = metrics.get(METRIC)
    assert metric.factor == 100
    whole = scope_of(period)
    with django_assert_num_queries(1):
        assert metric.compute(whole) == metrics.Value(3, 6)
    with django_assert_num_queries(1):
        bodies = metric.by_body(whole, "organization")
    assert bodies == {personas.education_dept.pk: metrics.Value(3, 4), personas.other_dept.pk: metrics.Value(0, 2)}
    for organization in (personas.education_dept, personas.other_dept):
        assert bodies[organization.pk] == metric.compute(scope_of(period, organization_id=organization.pk))
    assert metric.compute(scope_of(period, facility_id=personas.school.pk)) == metrics.Value(3, 4)
    assert metric.by_body(whole, "facility") == {}
    by_aimag = metric.breakdown(whole, "aimag")
    assert sum((v for v in by_aimag.values()), metrics.Value(0, 0)) == metrics.Value(3, 6)


def test_the_ranking_scores_departments_on_the_share_corrected_and_leaves_it_out_for_facilities(computed, personas):
    _framework, period = computed
    _disputes(personas)
    ranking.compute_ranking(period)
    entries = RankingEntry.objects.filter(period=period)
    education = entries.get(body_code=personas.education_dept.code).components[METRIC]
    assert (education["n"], education["d"], education["raw"]) == (3, 4, 75.0)
    assert education["peer"] == 50.0  # the departments' counts added up: 3 of 6
    health = entries.get(body_code=personas.other_dept.code).components[METRIC]
    assert (health["n"], health["d"], health["raw"]) == (0, 2, 0.0)
    assert METRIC not in entries.get(body_code=personas.school.code).components


def test_the_methodology_lists_the_component_as_used(client, personas):
    page = client.get(reverse("results:methodology"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    row = re.search(r"<tr><td>Validated discrepancies corrected</td>.*?</tr>", page)
    assert row and "<td>yes</td>" in row.group(0)
