"""List endpoints make the same number of queries for 5 rows as for 30 (no N+1)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from iltod.core.testing import make_facility, make_org, sector
from iltod.feedback.models import Category, Feedback
from iltod.organizations.models import Organization
from iltod.places.models import AdminUnit

from .conftest import bearer, submit


def count_queries(client, url, **headers) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **headers)
    assert response.status_code == 200, response.content[:300]
    return len(captured)


def assert_constant(client, django_assert_max_num_queries, url, add_rows, **headers):
    client.get(url, **headers)  # warm up: a key's "last used" is written once a minute at most
    add_rows(5)
    five = count_queries(client, url, **headers)
    add_rows(25)
    with django_assert_max_num_queries(five):
        response = client.get(url, **headers)
    assert response.json()["count"] >= 30


def add_soums(world):
    def add(n):
        start = AdminUnit.objects.count()
        for i in range(n):
            AdminUnit.objects.create(
                code=f"65{50 + start + i:02d}",
                level=AdminUnit.Level.SOUM,
                name=f"Сум {i}",
                parent=world.personas.geo.aimag,
            )

    return add


def add_facilities(world):
    def add(n):
        for i in range(n):
            make_facility(world.personas.geo.soum, f"Сургууль {i}", f"School {i}", operator=world.personas.school_org)

    return add


def add_organizations(world):
    health = sector("health")

    def add(n):
        for i in range(n):
            org = make_org(
                Organization.Kind.CSO, f"ТББ {i}", home_unit=world.personas.geo.soum, parent=world.personas.network
            )
            org.sectors.add(health)

    return add


def add_feedback(world):
    category = Category.objects.get(code="edu-building")

    def add(n):
        for i in range(n):
            feedback = submit(
                kind="complaint",
                category=category,
                admin_unit=world.personas.geo.soum,
                description=f"Дулаан муу байна, анги {i} хүйтэн.",
            )
            Feedback.objects.filter(pk=feedback.pk).update(
                assigned_to=world.personas.officer,
                escalated_to=world.personas.ministry,
                moderation=Feedback.Moderation.PUBLISHED,
            )

    return add


LISTS = [
    ("/api/v1/admin-units/?page_size=100", add_soums, None),
    ("/api/v1/facilities/?page_size=100", add_facilities, None),
    ("/api/v1/organizations/?page_size=100", add_organizations, None),
    ("/api/v1/feedback/?page_size=100", add_feedback, None),
    ("/api/v1/feedback/?page_size=100&area=65&sector=education", add_feedback, None),
    ("/api/v1/staff/feedback/?page_size=100", add_feedback, "read_key"),
    ("/api/v1/staff/feedback/?page_size=100&view=all&category=edu-building", add_feedback, "session"),
]


@pytest.mark.parametrize(("url", "rows", "caller"), LISTS)
def test_list_queries_do_not_grow_with_rows(client, world, django_assert_max_num_queries, url, rows, caller):
    headers = {}
    if caller == "read_key":
        headers = bearer(world.read_key)
    elif caller == "session":
        client.force_login(world.personas.officer)
    assert_constant(client, django_assert_max_num_queries, url, rows(world), **headers)


def test_list_query_budgets(client, world, django_assert_max_num_queries):
    """Absolute budgets, so a new join that sneaks in is noticed."""
    add_facilities(world)(5)
    with django_assert_max_num_queries(2):  # count, page
        client.get("/api/v1/facilities/")
    with django_assert_max_num_queries(3):  # count, page, sectors
        client.get("/api/v1/organizations/")
    client.get("/api/v1/staff/feedback/", **bearer(world.read_key))
    with django_assert_max_num_queries(3):  # key, count, page
        client.get("/api/v1/staff/feedback/", **bearer(world.read_key))
