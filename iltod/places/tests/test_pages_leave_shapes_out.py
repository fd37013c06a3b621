"""Public pages do not read units' boundaries: decoding GeoJSON polygons cost the national
statistics page most of its time (p95 118 ms → 16 ms over 10 million items, docs/benchmarks.md).
Only the maps read them, and they are cached: a second visit reads no boundary at all."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from iltod.feedback.tests.helpers import form_data, submit


def boundary_reads(client, path) -> list[str]:
    client.get(path)  # the first visit may draw and cache a map
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return [q["sql"] for q in queries if '"boundary"' in q["sql"]]


@pytest.fixture
def pages(personas):
    geo = personas.geo
    feedback = submit(personas)
    return {
        "national statistics": reverse("feedback:statistics"),
        "public list": reverse("feedback:public_list"),
        "public list of an aimag": reverse("feedback:public_list") + f"?area={geo.aimag.code}",
        "public item": reverse("feedback:public_detail", args=[feedback.tracking_code]),
        "aimag page": reverse("places:admin_unit", args=[geo.aimag.code]),
        "aimag list": reverse("places:admin_unit_list"),
        "facility page": reverse("places:facility", args=[personas.school.code]),
        "facility search": reverse("places:facility_search") + f"?q=school&area={geo.aimag.code}",
        "choose a place": reverse("feedback:submit") + f"?area={geo.aimag.code}",
        "feedback form": reverse("feedback:submit") + f"?facility={personas.school.code}",
    }


def test_public_pages_read_no_boundary_once_their_maps_are_drawn(client, pages):
    reads = {name: boundary_reads(client, path) for name, path in pages.items()}
    assert reads == {name: [] for name in pages}


def test_a_submission_reads_no_boundary(client, personas, pages):
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("feedback:submit"), form_data(personas))
    assert response.status_code == 302
    assert [q["sql"] for q in queries if '"boundary"' in q["sql"]] == []
