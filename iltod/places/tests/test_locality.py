"""Whether a place is in an aimag centre: one rule (``places.locality``) for every module's "lives
outside aimag centres"."""

from iltod.core import metrics
from iltod.places.locality import Locality, localities, locality_of
from iltod.places.models import AdminUnit
from iltod.places.services import load_reference_data


def _unit(code, level, parent, **extra):
    return AdminUnit.objects.create(code=code, level=level, name=code, name_mn=code, parent=parent, **extra)


def test_centre_soums_and_the_capital_are_centres_other_soums_and_their_bags_are_outside(geo):
    tsetserleg = _unit("6501", "soum", geo.aimag, centre_name_en="Tsetserleg")
    bag_in_tsetserleg = _unit("650101", "bag", tsetserleg)
    bag_outside = _unit("650401", "bag", geo.soum)
    khoroo = _unit("111001", "khoroo", geo.district)
    known = localities()
    assert locality_of(tsetserleg.pk, known) == Locality.CENTRE
    assert locality_of(bag_in_tsetserleg.pk, known) == Locality.CENTRE
    assert locality_of(geo.soum.pk, known) == Locality.OUTSIDE  # Battsengel: no centre's name
    assert locality_of(bag_outside.pk, known) == Locality.OUTSIDE
    for unit in (geo.capital, geo.district, khoroo):
        assert locality_of(unit.pk, known) == Locality.CENTRE
    # Arkhangai names its centre too, but an aimag alone does not say where in it
    for unit_id in (geo.aimag.pk, geo.other_aimag.pk, geo.country.pk, None):
        assert locality_of(unit_id, known) == Locality.UNKNOWN


def test_a_centre_named_only_in_mongolian_is_a_centre(geo):
    khovd = _unit("8430", "soum", geo.other_aimag, centre_name_mn="Ховд")
    assert locality_of(khovd.pk) == Locality.CENTRE


def test_inside_a_batch_the_units_are_read_once(geo, django_assert_num_queries):
    with metrics.batch():
        with django_assert_num_queries(1):
            localities()
            localities()
            assert locality_of(geo.soum.pk) == Locality.OUTSIDE


def test_the_reference_data_has_one_centre_soum_per_aimag(db):
    load_reference_data()
    known = localities()
    by_level: dict[tuple[str, str], int] = {}
    for level, pk in AdminUnit.objects.values_list("level", "pk"):
        key = (level, locality_of(pk, known))
        by_level[key] = by_level.get(key, 0) + 1
    assert by_level == {
        ("country", "unknown"): 1,
        ("capital", "centre"): 1,
        ("district", "centre"): 9,
        ("aimag", "unknown"): 21,
        ("soum", "centre"): 21,
        ("soum", "outside"): 309,
    }
    assert locality_of(AdminUnit.objects.get(code="6501").pk, known) == Locality.CENTRE  # Erdenebulgan: Tsetserleg
    assert locality_of(AdminUnit.objects.get(code="6504").pk, known) == Locality.OUTSIDE
