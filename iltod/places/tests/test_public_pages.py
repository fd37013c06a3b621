import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from iltod.core.testing import make_facility, make_org
from iltod.organizations.models import Organization
from iltod.places.models import AdminUnit, ServiceUnit
from iltod.places.views import FACILITIES_PER_PAGE

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
Kind = ServiceUnit.Kind


def get(client, url, **extra):
    response = client.get(url, **{**EN, **extra})
    assert response.status_code == 200, url
    return response


def query_count(client, url):
    client.get(url, **EN)  # warm the map cache, as every visitor after the first finds it
    with CaptureQueriesContext(connection) as queries:
        get(client, url)
    return len(queries)


def add_schools(unit, n, start=0, **extra):
    return [make_facility(unit, f"Сургууль {start + i:02d}", f"School {start + i:02d}", **extra) for i in range(n)]


def khoroo(geo, code="111001"):
    return AdminUnit.objects.create(
        code=code, level=AdminUnit.Level.KHOROO, name_mn="1-р хороо", name_en="1st khoroo", parent=geo.district
    )


# The list of aimags


def test_the_aimag_list_shows_the_capital_and_aimags_with_facility_counts(client, geo):
    make_facility(geo.soum)
    make_facility(geo.soum, "Хаалттай", "Closed", is_active=False)
    make_facility(geo.other_soum, "Эмнэлэг", "Clinic", kind=Kind.SOUM_HEALTH_CENTRE)
    make_facility(khoroo(geo), "Хорооны эмнэлэг", "Khoroo clinic", kind=Kind.FAMILY_HEALTH_CENTRE)
    make_facility(geo.district, "Дүүргийн эмнэлэг", "District hospital", kind=Kind.DISTRICT_HOSPITAL)
    make_facility(geo.aimag, "Аймгийн нэгдсэн эмнэлэг", "Arkhangai hospital", kind=Kind.AIMAG_HOSPITAL)
    response = get(client, "/places/")
    counts = {unit.code: n for unit, n in response.context["rows"]}
    assert counts == {"11": 2, "65": 2, "84": 1}
    text = response.content.decode()
    assert "Arkhangai" in text and "Khovd" in text and "Ulaanbaatar" in text
    assert '<a href="/places/MN/">' not in text  # the country is not a row


def test_the_aimag_list_is_in_mongolian_by_default(client, geo):
    text = client.get("/places/").content.decode()
    assert "Архангай" in text
    assert "Arkhangai" not in text


def test_the_aimag_list_leaves_out_units_that_no_longer_exist(client, geo):
    geo.other_aimag.valid_to = timezone.localdate() - timedelta(days=1)
    geo.other_aimag.save(update_fields=["valid_to"])
    response = get(client, "/places/")
    assert [u.code for u, _n in response.context["rows"]] == ["65", "11"]


def test_the_aimag_list_draws_a_map_whose_shapes_link_to_the_aimags(client, geo):
    text = get(client, "/places/").content.decode()
    assert "<svg" in text
    assert '<a href="/places/65/"><path d="M' in text
    assert "CC BY-IGO 3.0" in text  # the boundary licence asks for attribution


def test_the_aimag_list_needs_the_same_queries_however_many_aimags_and_facilities(client, geo):
    add_schools(geo.soum, 3)
    baseline = query_count(client, "/places/")
    for i in range(20):
        aimag = AdminUnit.objects.create(
            code=f"9{i:02d}",
            level=AdminUnit.Level.AIMAG,
            name_mn=f"Аймаг {i}",
            name_en=f"Aimag {i}",
            parent=geo.country,
        )
        soum = AdminUnit.objects.create(
            code=f"9{i:02d}01", level=AdminUnit.Level.SOUM, name_mn=f"Сум {i}", parent=aimag
        )
        add_schools(soum, 2, start=i * 2)
    assert query_count(client, "/places/") == baseline
    assert baseline <= 6


# An aimag, district or soum


def test_an_aimag_page_lists_its_soums_with_facility_counts_and_facilities_by_kind(client, geo):
    other = AdminUnit.objects.create(
        code="6505", level=AdminUnit.Level.SOUM, name_mn="Бүрэг", name_en="Bulgan", parent=geo.aimag
    )
    add_schools(geo.soum, 2)
    make_facility(geo.soum, "Эмнэлэг", "Clinic", kind=Kind.SOUM_HEALTH_CENTRE)
    make_facility(geo.soum, "Хаалттай", "Closed", is_active=False)
    make_facility(geo.aimag, "Аймгийн эмнэлэг", "Aimag hospital", kind=Kind.AIMAG_HOSPITAL)
    response = get(client, "/places/65/")
    assert response.context["unit"] == geo.aimag
    assert {c.code: c.facility_count for c in response.context["children"]} == {"6504": 3, "6505": 0}
    assert response.context["facility_total"] == 4
    assert response.context["by_kind"] == [
        ("general education school", 2, "general_school"),
        ("aimag general hospital", 1, "aimag_hospital"),
        ("soum health centre", 1, "soum_health_centre"),
    ]
    text = response.content.decode()
    assert "Battsengel" in text and other.name_en in text
    assert "Tsetserleg" in text  # the centre
    assert "MN-073" in text
    assert '<a href="/places/6504/"><path' in text  # the soums are drawn from their boundaries


def test_the_capital_page_counts_facilities_in_its_khoroos(client, geo):
    make_facility(khoroo(geo), "Хорооны эмнэлэг", "Khoroo clinic", kind=Kind.FAMILY_HEALTH_CENTRE)
    response = get(client, "/places/11/")
    assert response.context["facility_total"] == 1
    text = response.content.decode()
    assert "Districts" in text and "Bayanzürkh" in text


def test_a_soum_page_shows_its_aimag_in_the_breadcrumbs_and_its_own_map(client, geo):
    add_schools(geo.soum, 2)
    response = get(client, "/places/6504/")
    assert [a.code for a in response.context["ancestors"]] == ["65"]
    assert response.context["facility_total"] == 2
    text = response.content.decode()
    assert '<a href="/places/65/">Arkhangai</a>' in text
    assert "<svg" in text
    assert "?area=65" in text  # the facility count links to the search filtered by the aimag


def test_a_unit_without_boundary_has_no_map_but_the_page_still_loads(client, geo):
    response = get(client, "/places/8401/")
    assert response.context["map"] is None
    assert "<svg" not in response.content.decode()


@pytest.mark.parametrize("url", ["/places/99/", "/places/unknown/", "/facilities/NOPE2345/"])
def test_an_unknown_code_is_404(client, geo, url):
    assert client.get(url).status_code == 404


def test_an_aimag_page_needs_the_same_queries_however_many_soums_and_facilities(client, geo):
    add_schools(geo.soum, 5)
    baseline = query_count(client, "/places/65/")
    for i in range(20):
        soum = AdminUnit.objects.create(
            code=f"65{i + 10}", level=AdminUnit.Level.SOUM, name_mn=f"Сум {i}", parent=geo.aimag
        )
        add_schools(soum, 1, start=i)
    add_schools(geo.soum, 25, start=100)
    assert query_count(client, "/places/65/") == baseline


# Facility search


@pytest.fixture
def facilities(geo):
    return {
        "school": make_facility(geo.soum, "Батцэнгэл сумын 1-р сургууль", "Battsengel soum School No. 1"),
        "kindergarten": make_facility(
            geo.soum, "Батцэнгэл сумын цэцэрлэг", "Battsengel kindergarten", kind=Kind.KINDERGARTEN
        ),
        "clinic": make_facility(
            geo.other_soum, "Жаргалант сумын эрүүл мэндийн төв", "Jargalant health centre", kind=Kind.SOUM_HEALTH_CENTRE
        ),
        "ub_school": make_facility(geo.district, "Баянзүрх дүүргийн 5-р сургууль", "Bayanzürkh School No. 5"),
        "closed": make_facility(geo.soum, "Хуучин сургууль", "Old school", is_active=False),
    }


def found(client, query):
    response = get(client, "/facilities/?" + query)
    return {f.name_en for f in response.context["page"]}


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("q=сургууль", {"Battsengel soum School No. 1", "Bayanzürkh School No. 5"}),
        ("q=surguuli", {"Battsengel soum School No. 1", "Bayanzürkh School No. 5"}),
        ("q=Батцэнгэл", {"Battsengel soum School No. 1", "Battsengel kindergarten"}),
        ("q=Battsengel", {"Battsengel soum School No. 1", "Battsengel kindergarten"}),
        ("q=batsengel", {"Battsengel soum School No. 1", "Battsengel kindergarten"}),
        ("q=tsetserleg", {"Battsengel kindergarten"}),
        ("q=Жаргалант", {"Jargalant health centre"}),
        ("q=Zhargalant", {"Jargalant health centre"}),
        ("q=eruul mend", {"Jargalant health centre"}),
        ("q=5-р сургууль", {"Bayanzürkh School No. 5"}),
        ("q=Bayanzurkh", {"Bayanzürkh School No. 5"}),
        ("q=hospital", {"Jargalant health centre"}),  # a soum's health centre is its hospital (сумын эмнэлэг)
    ],
)
def test_facilities_are_found_by_name_typed_in_cyrillic_or_latin(client, facilities, query, names):
    assert found(client, query) == names


def test_a_facility_is_found_by_its_codes(client, facilities):
    school = facilities["school"]
    school.registry_code = "EDU-6504-01"
    school.save(update_fields=["registry_code"])
    assert found(client, "q=EDU-6504-01") == {school.name_en}
    assert found(client, f"q={school.code}") == {school.name_en}


def test_closed_facilities_are_not_listed(client, facilities):
    assert "Old school" not in found(client, "")
    assert len(found(client, "")) == 4


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("sector=health", {"Jargalant health centre"}),
        ("sector=education&q=Battsengel", {"Battsengel soum School No. 1", "Battsengel kindergarten"}),
        ("kind=kindergarten", {"Battsengel kindergarten"}),
        ("area=65", {"Battsengel soum School No. 1", "Battsengel kindergarten"}),
        ("area=11", {"Bayanzürkh School No. 5"}),
        ("area=84&sector=education", set()),
        ("area=65&kind=general_school&q=surguuli", {"Battsengel soum School No. 1"}),
    ],
)
def test_facilities_are_filtered_by_sector_kind_and_area(client, facilities, query, names):
    assert found(client, query) == names


def test_an_invalid_filter_is_shown_as_a_form_error(client, facilities):
    response = get(client, "/facilities/?sector=transport")
    assert response.context["form"].errors.keys() == {"sector"}


def test_the_search_is_paginated_and_keeps_the_filters_in_the_page_links(client, geo):
    add_schools(geo.soum, FACILITIES_PER_PAGE + 5)
    response = get(client, "/facilities/?q=school&sector=education")
    page = response.context["page"]
    assert (page.paginator.count, len(page.object_list), page.number) == (30, 25, 1)
    text = response.content.decode()
    assert "?q=school&amp;sector=education&amp;page=2" in text
    assert "30 facilities found" in text
    second = get(client, "/facilities/?q=school&sector=education&page=2").context["page"]
    assert [f.name_en for f in second] == [f"School {i}" for i in range(25, 30)]
    assert get(client, "/facilities/?page=99").context["page"].number == 2
    assert get(client, "/facilities/?page=x").context["page"].number == 1


def test_the_search_needs_the_same_queries_for_5_or_30_facilities(client, geo, django_assert_num_queries):
    add_schools(geo.soum, 3)
    add_schools(geo.district, 2, start=3)
    url = "/facilities/?q=school&area=65"
    baseline = query_count(client, url)
    add_schools(geo.soum, 25, start=10)
    add_schools(khoroo(geo), 5, start=40)
    with django_assert_num_queries(baseline):
        get(client, url)
    with django_assert_num_queries(query_count(client, "/facilities/")):
        get(client, "/facilities/")


def export_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_search_results_download_as_csv(client, facilities):
    response = get(client, "/facilities/?q=Battsengel&export=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="iltod-facilities.csv"'
    header, *rows = export_rows(response)
    assert header == [
        "code",
        "name_mn",
        "name_en",
        "sector",
        "kind",
        "admin_unit_code",
        "admin_unit",
        "aimag",
        "address_mn",
        "lat",
        "lon",
        "registry_code",
    ]
    school = facilities["school"]
    by_name = {r[2]: r for r in rows}
    assert set(by_name) == {"Battsengel soum School No. 1", "Battsengel kindergarten"}
    assert by_name[school.name_en][:8] == [
        school.code,
        school.name_mn,
        school.name_en,
        "education",
        "general_school",
        "6504",
        "Battsengel",
        "Arkhangai",
    ]


def test_the_search_results_download_as_xlsx(client, facilities):
    response = get(client, "/facilities/?area=11&export=xlsx")
    assert response["Content-Disposition"] == 'attachment; filename="iltod-facilities.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert header[:3] == ("code", "name_mn", "name_en")
    assert [r[2] for r in rows] == ["Bayanzürkh School No. 5"]
    assert rows[0][5:8] == ("1110", "Bayanzürkh", "Ulaanbaatar")


def test_the_download_needs_the_same_queries_for_5_or_30_facilities(client, geo, django_assert_num_queries):
    add_schools(geo.soum, 5)
    with CaptureQueriesContext(connection) as baseline:
        get(client, "/facilities/?export=csv")
    add_schools(geo.soum, 25, start=10)
    with django_assert_num_queries(len(baseline)):
        response = get(client, "/facilities/?export=csv")
    assert len(export_rows(response)) == 31


# Facility profile


def test_a_facility_profile_shows_its_place_operator_contacts_and_a_map(client, geo):
    operator = make_org(Organization.Kind.SERVICE_PROVIDER, "Сургууль ТӨҮГ", "School operator")
    facility = make_facility(
        geo.soum,
        latitude=47.7,
        longitude=101.8,
        phone="7033 1234",
        email="s@example.mn",
        registry_code="EDU-1",
        operator=operator,
        address_mn="Төв баг",
        address_en="Centre bag",
    )
    response = get(client, facility.get_absolute_url())
    assert [a.code for a in response.context["area_chain"]] == ["65", "6504"]
    text = response.content.decode()
    for expected in [
        "Battsengel soum School No. 1",
        "Centre bag",
        "7033 1234",
        "s@example.mn",
        "EDU-1",
        facility.code,
        operator.get_absolute_url(),
        "School operator",
        "<circle",
        "47.7000",
    ]:
        assert expected in text, expected
    point = response.context["map"].points[0]
    assert 0 < point.x < 1000 and point.y > 0


def test_a_facility_without_coordinates_says_its_location_is_not_recorded(client, geo):
    facility = make_facility(geo.soum)
    response = get(client, facility.get_absolute_url())
    assert response.context["map"] is None
    assert "The location of this facility has not been recorded yet." in response.content.decode()


def test_a_facility_in_a_unit_without_boundary_is_drawn_in_the_nearest_unit_that_has_one(client, geo):
    bag = AdminUnit.objects.create(
        code="650401", level=AdminUnit.Level.BAG, name_mn="Баг", name_en="Bag", parent=geo.soum
    )
    facility = make_facility(bag, latitude=47.7, longitude=101.8)
    response = get(client, facility.get_absolute_url())
    assert [s.code for s in response.context["map"].shapes] == ["6504"]
    assert [a.code for a in response.context["area_chain"]] == ["65", "6504", "650401"]


def test_a_facility_with_coordinates_but_no_boundary_anywhere_has_no_map(client, geo):
    facility = make_facility(geo.other_soum, latitude=48.0, longitude=91.6)
    assert get(client, facility.get_absolute_url()).context["map"] is None


def test_a_closed_facility_still_has_its_profile_marked_closed(client, geo):
    facility = make_facility(geo.soum, is_active=False)
    assert "closed" in get(client, facility.get_absolute_url()).content.decode()


def test_a_non_public_operator_is_named_but_not_linked(client, geo):
    operator = make_org(Organization.Kind.SERVICE_PROVIDER, "Хувийн", "Private operator", is_public=False)
    facility = make_facility(geo.soum, operator=operator)
    text = get(client, facility.get_absolute_url()).content.decode()
    assert "Private operator" in text
    assert operator.get_absolute_url() not in text


def test_a_facility_profile_needs_a_fixed_number_of_queries(client, geo, django_assert_max_num_queries):
    operator = make_org(Organization.Kind.SERVICE_PROVIDER, "Оператор", "Operator")
    facility = make_facility(khoroo(geo), latitude=47.9, longitude=106.95, operator=operator)
    # The profile takes 4; the sections higher apps add take one each (action plans, score cards,
    # facility figures, budget transfers, what the facility buys) and none when they have nothing
    # to show beyond that; the first visit also reads the boundary the map is drawn from, which is
    # then cached. The count does not grow with the data (the panels read fixed-size pages).
    with django_assert_max_num_queries(11):
        get(client, facility.get_absolute_url())
    with django_assert_max_num_queries(10):
        get(client, facility.get_absolute_url())


def test_a_unit_made_its_own_ancestor_by_mistake_does_not_hang_its_page(client, geo):
    bag = AdminUnit.objects.create(code="650401", level=AdminUnit.Level.BAG, name_mn="Баг", parent=geo.soum)
    AdminUnit.objects.filter(pk=geo.soum.pk).update(parent=bag)  # e.g. a wrong parent picked in the back office
    make_facility(bag)
    response = get(client, "/places/6504/")
    assert response.context["facility_total"] == 1
