"""The bulk seeder behind ``seed_demo --feedback-rows``: COPY on PostgreSQL, deterministic."""

from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from bench import bulk_feedback
from bench.bulk_feedback import EXTERNAL_PREFIX, seed_bulk_feedback, tracking_code
from iltod.feedback import routing, stats
from iltod.feedback.deadlines import deadlines, policy_for
from iltod.feedback.models import DeadlinePolicy, Feedback, Kind, Stat
from iltod.feedback.permissions import excluded_organization_ids

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the bulk seeder writes with COPY, which only PostgreSQL has"
)
TODAY = date(2026, 6, 1)


@pytest.fixture
def facilities(personas):
    """The persona school and clinic, registered as demo facilities (the seeder spreads over those)."""
    for number, facility in enumerate((personas.school, personas.clinic), start=1):
        facility.registry_code = f"DEMO-TEST-{number:04d}"
        facility.save(update_fields=["registry_code"])
    return personas


def bulk_rows():
    return list(
        Feedback.objects.filter(external_id__startswith=EXTERNAL_PREFIX)
        .order_by("external_id")
        .values_list(
            "external_id",
            "tracking_code",
            "citizen_key",
            "status",
            "received_at",
            "resolved_at",
            "rating",
            "service_unit_id",
            "category_id",
            "handling_organization_id",
            "description",
        )
    )


def test_tracking_codes_are_distinct_and_carry_the_year_of_the_item():
    codes = [tracking_code(n, 2016) for n in range(1, 5001)]
    assert len(set(codes)) == 5000
    assert codes[0].startswith("IL-16-") and codes[9].startswith("IL-25-") and codes[10].startswith("IL-16-")
    assert all(len(code) == len("IL-16-ABCDE") for code in codes)


@needs_postgresql
def test_the_same_number_of_rows_gives_the_same_rows(facilities):
    result = seed_bulk_feedback(300, today=TODAY)
    assert (result.created, result.existing) == (300, 0)
    first = bulk_rows()
    assert len(first) == 300
    assert {row[1][:6] for row in first} == {f"IL-{y % 100:02d}-" for y in range(2016, 2026)}
    Feedback.objects.filter(external_id__startswith=EXTERNAL_PREFIX).delete()
    seed_bulk_feedback(300, today=TODAY)
    assert bulk_rows() == first


@needs_postgresql
def test_a_larger_number_only_adds_to_a_smaller_one(facilities):
    seed_bulk_feedback(120, today=TODAY)
    again = seed_bulk_feedback(250, today=TODAY)
    assert (again.existing, again.created) == (120, 130)
    grown = bulk_rows()
    Feedback.objects.filter(external_id__startswith=EXTERNAL_PREFIX).delete()
    seed_bulk_feedback(250, today=TODAY)
    assert bulk_rows() == grown
    assert seed_bulk_feedback(250, today=TODAY).created == 0


@needs_postgresql
def test_the_statistics_count_every_bulk_item(facilities):
    seed_bulk_feedback(400, today=TODAY)
    national = stats.summary(Stat.Scope.NATIONAL)
    assert national.received == Feedback.objects.count() == 400
    resolved = Feedback.objects.filter(resolved_at__isnull=False).count()
    assert national.resolved == resolved > 0
    assert sum(national.histogram) == resolved


@needs_postgresql
def test_a_large_load_drops_and_rebuilds_the_indexes_and_uses_worker_processes(facilities, monkeypatch):
    def indexes():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s ORDER BY 1", ["feedback_feedback"]
            )
            # PostgreSQL prints a rebuilt index's predicate in its own normal form: compare what precedes it
            return [(name, definition.split(" WHERE ")[0]) for name, definition in cursor.fetchall()]

    before = indexes()
    monkeypatch.setattr(bulk_feedback, "BLOCK", 100)
    monkeypatch.setattr(bulk_feedback, "LARGE", 200)
    result = seed_bulk_feedback(350, today=TODAY)
    assert result.created == 350
    assert indexes() == before
    assert len(bulk_rows()) == 350


@pytest.mark.skipif(connection.vendor == "postgresql", reason="checks the refusal on the other databases")
def test_without_postgresql_the_command_says_what_it_needs(facilities):
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("seed_demo", "--feedback-rows", "10")


@needs_postgresql
def test_bulk_items_get_the_handler_oversight_and_deadlines_that_submission_gives(facilities):
    DeadlinePolicy.objects.create(
        name="complaints in working days",
        kind=Kind.COMPLAINT,
        acknowledge_days=2,
        acknowledge_day_kind=DeadlinePolicy.DayKind.WORKING,
        resolve_days=15,
        resolve_day_kind=DeadlinePolicy.DayKind.WORKING,
    )
    seed_bulk_feedback(300, today=TODAY)
    items = Feedback.objects.filter(external_id__startswith=EXTERNAL_PREFIX).select_related(
        "category__sector", "service_unit__admin_unit"
    )
    seen = set()
    for item in items:
        excluded = excluded_organization_ids(item)
        area = item.service_unit.admin_unit
        handler, _rule = routing.route(
            category=item.category, kind=item.kind, service_unit=item.service_unit, admin_unit=area, excluded=excluded
        )
        oversight = routing.oversight_for(handler=handler, category=item.category, admin_unit=area, excluded=excluded)
        acknowledge_due, resolve_due = deadlines(item.received_at, policy_for(item.kind, item.category))
        assert (item.handling_organization, item.oversight_organization) == (handler, oversight), item.external_id
        # compared as instants: 23:59:59 on the night Mongolia left summer time (2016) is ambiguous,
        # and Python never finds an ambiguous time equal to one in another zone
        stored = [item.acknowledge_due.timestamp(), item.resolve_due.timestamp(), item.original_resolve_due.timestamp()]
        assert stored == [acknowledge_due.timestamp(), resolve_due.timestamp(), resolve_due.timestamp()], (
            item.external_id
        )
        seen.add((item.kind == Kind.COMPLAINT, item.privacy == Feedback.Privacy.CONFIDENTIAL))
    assert seen == {(True, True), (True, False), (False, True), (False, False)}
    # the guard: a confidential item about the school is never handled by the school
    confidential = items.filter(service_unit=facilities.school, privacy=Feedback.Privacy.CONFIDENTIAL)
    assert confidential.exists()
    assert not confidential.filter(handling_organization=facilities.school_org).exists()
