"""The point-in-area look-up on Mongolia's real boundaries, answered from each process's memory."""

from datetime import timedelta

import pytest
from django.utils import timezone

from iltod.places import geo
from iltod.places.models import AdminUnit, admin_unit_at
from iltod.places.services import load_reference_data

TSETSERLEG = (101.4545, 47.4769)  # lon, lat: the centre of Arkhangai
ULAANBAATAR_SUKHBAATAR_SQUARE = (106.9176, 47.9189)


@pytest.fixture
def mongolia(db):
    load_reference_data()


def test_a_point_in_tsetserleg_is_erdenebulgan_soum_of_arkhangai(mongolia):
    unit = admin_unit_at(*TSETSERLEG)
    assert (unit.code, unit.level, unit.name_en) == ("6501", AdminUnit.Level.SOUM, "Erdenebulgan")
    assert unit.parent.code == "65"


def test_a_point_in_ulaanbaatar_is_one_of_its_districts(mongolia):
    unit = admin_unit_at(*ULAANBAATAR_SUKHBAATAR_SQUARE)
    assert unit.level == AdminUnit.Level.DISTRICT and unit.parent.code == "11"


@pytest.mark.parametrize("point", [(2.35, 48.85), (116.4, 39.9), (90.0, 60.0)])  # Paris, Beijing, Siberia
def test_a_point_outside_mongolia_is_in_no_unit(mongolia, point):
    assert admin_unit_at(*point) is None


def test_a_second_look_up_reads_nothing_from_the_database(mongolia, django_assert_num_queries):
    admin_unit_at(*TSETSERLEG)
    with django_assert_num_queries(0):
        assert admin_unit_at(*TSETSERLEG).code == "6501"
        assert admin_unit_at(*ULAANBAATAR_SUKHBAATAR_SQUARE).level == AdminUnit.Level.DISTRICT
        assert admin_unit_at(2.35, 48.85) is None


def test_the_shapes_are_read_again_when_a_boundary_changes(mongolia):
    assert admin_unit_at(*TSETSERLEG).code == "6501"
    moved = AdminUnit.objects.get(code="6501")
    moved.boundary = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}
    moved.save(update_fields=["boundary"])
    assert admin_unit_at(*TSETSERLEG).code == "65"  # no soum holds it now: its aimag does
    AdminUnit.objects.filter(code="6501").update(boundary=None)  # a bulk write, no signal
    assert admin_unit_at(0.5, 0.5) is None


def test_a_unit_no_longer_valid_is_skipped_without_any_write(mongolia):
    AdminUnit.objects.filter(code="6501").update(valid_to=timezone.localdate() + timedelta(days=1))
    assert admin_unit_at(*TSETSERLEG).code == "6501"
    tomorrow_but_one = timezone.localdate() + timedelta(days=2)
    assert geo.admin_unit_at(*TSETSERLEG, on=tomorrow_but_one).code == "65"
