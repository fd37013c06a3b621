"""The aimag's compliance page ranks its bodies from their yearly rows (``ComplianceYear``) in the
database and reads one page of them; the rows follow every recount of the summary."""

from datetime import date

import pytest
from django.db.models import Count, Q
from django.db.models.functions import ExtractYear
from django.urls import reverse

from iltod.organizations.models import Organization

from ..models import ComplianceSummary, ComplianceYear, Disclosure
from ..services import obligations as services
from ..views.obligations import PAGE_SIZE, grouped, ranked
from .obligations_fixtures import make_requirement

pytestmark = pytest.mark.django_db

Status = Disclosure.Status
TODAY = date(2026, 11, 20)
BODIES = PAGE_SIZE + 7  # two pages


@pytest.fixture
def aimag_of_bodies(geo):
    """``BODIES`` providers in one soum of Arkhangai with a monthly report since January 2026;
    body n published its first n % 12 items on time, the next one late, the rest are missing."""
    make_requirement(starts_on=date(2026, 1, 1), organization_kinds=[Organization.Kind.SERVICE_PROVIDER])
    bodies = [
        Organization.objects.create(
            name=f"Сургууль {n:02d}", name_mn=f"Сургууль {n:02d}", kind=Organization.Kind.SERVICE_PROVIDER,
            home_unit=geo.soum,
        )
        for n in range(BODIES)
    ]  # fmt: skip
    services.generate_schedule(TODAY)
    services.mark_missing(TODAY)
    for n, body in enumerate(bodies):
        items = list(Disclosure.objects.filter(organization=body).order_by("period_start").values_list("pk", flat=True))
        Disclosure.objects.filter(pk__in=items[: n % 12]).update(status=Status.ON_TIME)
        Disclosure.objects.filter(pk__in=items[n % 12 : n % 12 + 1]).update(status=Status.LATE)
    services.refresh_summary()
    return geo, bodies


def counted_from_items(body) -> dict:
    """A body's figures per year counted straight from its items, as the summary must hold them."""
    return {
        row["year"]: row
        for row in Disclosure.objects.filter(organization=body)
        .annotate(year=ExtractYear("due_on"))
        .values("year")
        .annotate(
            on_time=Count("pk", filter=Q(status=Status.ON_TIME)),
            late=Count("pk", filter=Q(status=Status.LATE)),
            missing=Count("pk", filter=Q(status=Status.MISSING)),
            upcoming=Count("pk", filter=Q(status=Status.DUE)),
        )
        .order_by()
    }


def test_the_yearly_rows_hold_each_bodys_counts_and_share(aimag_of_bodies):
    geo, bodies = aimag_of_bodies
    for body in bodies[:5] + bodies[-3:]:
        expected = counted_from_items(body)
        rows = {row.year: row for row in ComplianceYear.objects.filter(organization=body)}
        assert set(rows) == set(expected)
        for year, counts in expected.items():
            row = rows[year]
            assert row.aimag_id == geo.aimag.pk
            assert (row.on_time, row.late, row.missing, row.upcoming) == (
                counts["on_time"], counts["late"], counts["missing"], counts["upcoming"]
            )  # fmt: skip
            due = counts["on_time"] + counts["late"] + counts["missing"]
            assert row.due == due
            assert row.on_time_share == (pytest.approx(counts["on_time"] / due) if due else None)


def test_the_aimag_page_ranks_bodies_as_the_monthly_figures_do(client, aimag_of_bodies):
    geo, _bodies = aimag_of_bodies
    url = reverse("disclosure:compliance_area", args=[geo.aimag.code])
    shown = []
    for number in (1, 2):
        response = client.get(url, {"year": TODAY.year, "page": number})
        assert response.status_code == 200
        shown += [(f.label, f.on_time, f.late, f.missing) for f in response.context["page"].object_list]
    # What the page showed before the yearly rows: every month of every body, ranked in Python.
    months = ComplianceSummary.objects.filter(
        aimag=geo.aimag, organization__isnull=False, month__gte=date(TODAY.year, 1, 1)
    )
    names = dict(Organization.objects.values_list("pk", "name"))
    expected = []
    for organization_id, figures in grouped(months, "organization_id").items():
        figures.label = names[organization_id]
        expected.append(figures)
    assert shown == [(f.label, f.on_time, f.late, f.missing) for f in ranked(expected)]
    assert len(shown) == BODIES


def test_the_aimag_page_reads_the_same_number_of_queries_for_more_bodies(
    client, aimag_of_bodies, django_assert_max_num_queries
):
    geo, _bodies = aimag_of_bodies
    with django_assert_max_num_queries(12):
        response = client.get(reverse("disclosure:compliance_area", args=[geo.aimag.code]), {"year": TODAY.year})
    assert len(response.context["page"].object_list) == PAGE_SIZE


def test_a_hidden_body_is_left_out_and_a_recount_rewrites_the_bodys_rows(client, aimag_of_bodies):
    geo, bodies = aimag_of_bodies
    hidden, changed = bodies[0], bodies[1]
    Organization.objects.filter(pk=hidden.pk).update(is_public=False)
    Disclosure.objects.filter(organization=changed, status=Status.MISSING).update(status=Status.LATE)
    services.refresh_summary([changed.pk])
    row = ComplianceYear.objects.get(organization=changed, year=TODAY.year)
    assert row.missing == 0
    assert row.late == counted_from_items(changed)[TODAY.year]["late"]
    assert ComplianceYear.objects.filter(organization=changed).count() == len(counted_from_items(changed))
    labels = []
    for number in (1, 2):
        response = client.get(
            reverse("disclosure:compliance_area", args=[geo.aimag.code]), {"year": TODAY.year, "page": number}
        )
        labels += [f.label for f in response.context["page"].object_list]
    assert hidden.name not in labels
    assert changed.name in labels
    assert len(labels) == BODIES - 1


def test_the_migration_fills_the_yearly_rows_from_the_summary(aimag_of_bodies):
    from importlib import import_module
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    columns = ("organization_id", "aimag_id", "year", "on_time", "late", "missing", "upcoming", "due", "on_time_share")
    counted = sorted(ComplianceYear.objects.values_list(*columns))
    ComplianceYear.objects.all().delete()
    migration = import_module("iltod.disclosure.migrations.0005_performance")
    migration.count_years(apps, SimpleNamespace(connection=connection))
    assert sorted(ComplianceYear.objects.values_list(*columns)) == counted
    assert len(counted) == BODIES
