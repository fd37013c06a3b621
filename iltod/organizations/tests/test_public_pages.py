from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from iltod.core.testing import make_org
from iltod.organizations.models import NetworkMembership, Organization
from iltod.organizations.views import PER_PAGE
from iltod.places.models import Sector

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
Kind = Organization.Kind
VISITORS = [
    "anonymous",
    "citizen",
    "monitor",
    "provider",
    "officer",
    "other_officer",
    "coordinator",
    "network_admin",
    "admin",
]


def get(client, url):
    response = client.get(url, **EN)
    assert response.status_code == 200, url
    return response


def listed(client, query=""):
    return [o.name_en for o in get(client, "/organizations/?" + query).context["page"]]


def query_count(client, url):
    with CaptureQueriesContext(connection) as queries:
        get(client, url)
    return len(queries)


def visit_as(client, personas, visitor):
    if visitor == "anonymous":
        client.logout()
    else:
        client.force_login(getattr(personas, visitor))


def test_everyone_sees_the_list_of_public_organisations(client, personas):
    hidden = make_org(Kind.CSO, "Нууц", "Hidden NGO", is_public=False)
    make_org(Kind.CSO, "Хаагдсан", "Closed NGO", is_active=False)
    for visitor in VISITORS:
        visit_as(client, personas, visitor)
        names = listed(client)
        assert "Transparency NGO" in names, visitor
        assert "Ministry of Education" in names, visitor
        assert "Hidden NGO" not in names and "Closed NGO" not in names, visitor
        assert client.get(hidden.get_absolute_url()).status_code == 404, visitor


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=Ил тод", ["Transparency NGO"]),
        ("q=il tod", ["Transparency NGO"]),
        ("q=Transparency", ["Transparency NGO"]),
        ("kind=network", ["Partnership for Social Accountability"]),
        ("kind=ministry", ["Ministry of Education"]),
        ("area=84", ["Khovd Health Department"]),
        ("area=65&kind=cso", ["Transparency NGO"]),
        ("sector=health", ["Khovd Health Department"]),
        ("sector=health&area=65", []),
    ],
)
def test_the_list_is_filtered_by_name_kind_area_and_sector(client, personas, query, expected):
    personas.other_dept.sectors.set([Sector.objects.get(code="health")])
    assert listed(client, query) == expected


def test_the_area_filter_finds_organisations_based_in_or_covering_the_aimag_once(client, personas):
    names = listed(client, "area=65")
    assert sorted(names) == sorted(
        [
            "Arkhangai Education Department",
            "Transparency NGO",
            "Battsengel soum School No. 1",
        ]
    )


def test_the_list_is_paginated_and_keeps_the_filters_in_the_page_links(client, personas):
    for i in range(PER_PAGE + 5):
        make_org(Kind.CSO, f"ТББ {i:02d}", f"NGO {i:02d}")
    response = get(client, "/organizations/?kind=cso")
    page = response.context["page"]
    assert (page.paginator.count, len(page.object_list)) == (PER_PAGE + 6, PER_PAGE)
    assert "?kind=cso&amp;page=2" in response.content.decode()
    assert len(get(client, "/organizations/?kind=cso&page=2").context["page"].object_list) == 6


def test_the_list_needs_the_same_queries_for_5_or_35_organisations(client, personas, django_assert_num_queries):
    health, education = Sector.objects.get(code="health"), Sector.objects.get(code="education")
    for i in range(5):
        make_org(Kind.CSO, f"ТББ {i:02d}", f"NGO {i:02d}", home_unit=personas.geo.soum).sectors.set([health])
    baseline = query_count(client, "/organizations/")
    for i in range(5, 35):
        org = make_org(Kind.CSO, f"ТББ {i:02d}", f"NGO {i:02d}", home_unit=personas.geo.other_soum)
        org.sectors.set([health, education])
    with django_assert_num_queries(baseline):
        get(client, "/organizations/")
    with django_assert_num_queries(query_count(client, "/organizations/?area=65&page=1")):
        get(client, "/organizations/?area=65&page=1")


# A network's page


@pytest.fixture
def network(personas):
    """The national network with a subnetwork, current and former members and a hidden member."""
    national = personas.network
    youth = make_org(Kind.NETWORK, "Залуучуудын сүлжээ", "Youth network", parent=national)
    procurement = make_org(Kind.NETWORK, "Худалдан авалтын хяналт", "Procurement monitoring", parent=national)
    NetworkMembership.objects.create(network=national, member=youth)
    NetworkMembership.objects.create(network=youth, member=personas.cso, is_focal_point=True)
    left = make_org(Kind.CSO, "Гарсан ТББ", "Former member")
    NetworkMembership.objects.create(network=national, member=left, left_on=date(2023, 1, 1))
    hidden = make_org(Kind.CSO, "Нууц", "Hidden member", is_public=False)
    NetworkMembership.objects.create(network=national, member=hidden)
    make_org(Kind.NETWORK, "Нууц сүлжээ", "Hidden subnetwork", parent=national, is_public=False)
    return {"national": national, "youth": youth, "procurement": procurement}


def test_a_network_page_lists_its_current_public_members_and_its_subnetworks(client, personas, network):
    response = get(client, network["national"].get_absolute_url())
    assert sorted(m.member.name_en for m in response.context["members"]) == ["Transparency NGO", "Youth network"]
    subnetworks = {s.name_en: s.member_count for s in response.context["subnetworks"]}
    assert subnetworks == {"Youth network": 1, "Procurement monitoring": 0}
    text = response.content.decode()
    assert "Youth network" in text and "Procurement monitoring" in text and "Transparency NGO" in text
    assert "Former member" not in text and "Hidden member" not in text and "Hidden subnetwork" not in text


def test_a_subnetwork_page_shows_its_focal_point_and_the_network_it_belongs_to(client, personas, network):
    response = get(client, network["youth"].get_absolute_url())
    text = response.content.decode()
    assert "focal point" in text
    assert [n.network for n in response.context["networks"]] == [network["national"]]
    assert network["national"].get_absolute_url() in text  # breadcrumbs and "Member of"


def test_a_member_page_lists_the_networks_it_belongs_to_but_not_hidden_ones(client, personas, network):
    hidden = make_org(Kind.NETWORK, "Нууц сүлжээ 2", "Secret network", is_public=False)
    NetworkMembership.objects.create(network=hidden, member=personas.cso)
    response = get(client, personas.cso.get_absolute_url())
    assert {n.network.name_en for n in response.context["networks"]} == {
        "Partnership for Social Accountability",
        "Youth network",
    }
    assert "Secret network" not in response.content.decode()


def test_a_ministry_page_lists_its_departments_as_units_not_as_subnetworks(client, personas):
    response = get(client, personas.ministry.get_absolute_url())
    assert list(response.context["subnetworks"]) == []
    assert list(response.context["children"]) == [personas.education_dept]
    assert list(response.context["members"]) == []
    text = response.content.decode()
    assert "Subnetworks" not in text
    assert "Arkhangai Education Department" in text


def test_a_department_page_shows_the_areas_it_works_in(client, personas):
    response = get(client, personas.education_dept.get_absolute_url())
    assert list(response.context["covered"]) == [personas.geo.aimag]
    text = response.content.decode()
    assert '<a href="/places/65/">Arkhangai</a>' in text
    assert personas.ministry.get_absolute_url() in text


def test_a_provider_page_lists_the_facilities_it_runs(client, personas):
    response = get(client, personas.school_org.get_absolute_url())
    assert response.context["operated_count"] == 1
    assert personas.school.get_absolute_url() in response.content.decode()


def test_a_parent_without_a_public_profile_is_not_linked(client, personas):
    personas.ministry.is_public = False
    personas.ministry.save(update_fields=["is_public"])
    text = get(client, personas.education_dept.get_absolute_url()).content.decode()
    assert personas.ministry.get_absolute_url() not in text
    assert "Ministry of Education" not in text


def test_an_organisation_without_a_public_profile_is_404_for_everyone_even_its_members(client, personas):
    personas.cso.is_public = False
    personas.cso.save(update_fields=["is_public"])
    personas.other_dept.is_active = False
    personas.other_dept.save(update_fields=["is_active"])
    for visitor in VISITORS:
        visit_as(client, personas, visitor)
        assert client.get(personas.cso.get_absolute_url()).status_code == 404, visitor
        assert client.get(personas.other_dept.get_absolute_url()).status_code == 404, visitor
        assert client.get("/organizations/NOPE2345/").status_code == 404, visitor
        assert client.get(personas.network.get_absolute_url()).status_code == 200, visitor


def test_a_network_page_needs_the_same_queries_for_few_or_many_members(client, personas, django_assert_num_queries):
    url = personas.network.get_absolute_url()
    for i in range(3):
        org = make_org(Kind.CSO, f"ТББ {i}", f"NGO {i}", home_unit=personas.geo.soum)
        NetworkMembership.objects.create(network=personas.network, member=org)
        make_org(Kind.NETWORK, f"Дэд сүлжээ {i}", f"Subnetwork {i}", parent=personas.network)
    baseline = query_count(client, url)
    for i in range(3, 30):
        org = make_org(Kind.CSO, f"ТББ {i}", f"NGO {i}", home_unit=personas.geo.other_soum)
        NetworkMembership.objects.create(network=personas.network, member=org)
        sub = make_org(Kind.NETWORK, f"Дэд сүлжээ {i}", f"Subnetwork {i}", parent=personas.network)
        NetworkMembership.objects.create(network=sub, member=org)
    with django_assert_num_queries(baseline):
        response = get(client, url)
    assert len(response.context["members"]) == 31
