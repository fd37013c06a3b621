"""The ranking counts disclosures on time for facilities too: the disclosure metric gives every
facility's and every body's counts in one query (``by_body``), the same counts as one by one."""

import datetime

from iltod.core import metrics
from iltod.disclosure.models import Disclosure, DisclosureRequirement
from iltod.results import ranking
from iltod.results.models import RankingEntry
from iltod.results.services import scope_of


def _disclosures(organization, statuses, year=2025):
    requirement = DisclosureRequirement.objects.create(
        code=f"budget-{organization.pk}", title="Budget", frequency="monthly", starts_on=datetime.date(year, 1, 1)
    )
    for month, status in enumerate(statuses, start=1):
        Disclosure.objects.create(
            requirement=requirement,
            organization=organization,
            period_start=datetime.date(year, month, 1),
            period_end=datetime.date(year, month, 28),
            due_on=datetime.date(year, month, 28),
            status=status,
        )


def test_disclosure_counts_every_facility_and_body_in_one_query_as_compute_does(
    computed, personas, django_assert_num_queries
):
    _framework, period = computed
    on_time, late, missing = Disclosure.Status.ON_TIME, Disclosure.Status.LATE, Disclosure.Status.MISSING
    _disclosures(personas.school_org, [on_time, on_time, on_time, late, missing])
    _disclosures(personas.other_dept, [on_time, missing])
    personas.clinic.operator = personas.other_dept
    personas.clinic.save(update_fields=["operator"])
    metric = metrics.get("disclosure.on_time")
    whole = scope_of(period)
    with django_assert_num_queries(1):
        facilities = metric.by_body(whole, "facility")
    with django_assert_num_queries(1):
        bodies = metric.by_body(whole, "organization")
    assert facilities[personas.school.pk] == metrics.Value(3, 5)
    assert facilities[personas.clinic.pk] == metrics.Value(1, 2)
    for facility in (personas.school, personas.clinic):
        assert facilities[facility.pk] == metric.compute(scope_of(period, facility_id=facility.pk))
    for organization in (personas.school_org, personas.other_dept):
        assert bodies[organization.pk] == metric.compute(scope_of(period, organization_id=organization.pk))
    assert metric.by_body(whole, "planet") == {}


def test_facilities_are_ranked_on_disclosures_on_time(computed, personas):
    _framework, period = computed
    on_time, late = Disclosure.Status.ON_TIME, Disclosure.Status.LATE
    _disclosures(personas.school_org, [on_time, on_time, on_time, late])
    ranking.compute_ranking(period)
    school = RankingEntry.objects.get(period=period, body_code=personas.school.code)
    part = school.components["disclosure.on_time"]
    assert (part["n"], part["d"], part["raw"]) == (3, 4, 75.0)
    # the clinic's operator published nothing: it counts as its peers' share
    clinic = RankingEntry.objects.get(period=period, body_code=personas.clinic.code)
    assert clinic.components["disclosure.on_time"]["d"] == 0
    assert clinic.components["disclosure.on_time"]["adjusted"] == 75.0
