"""The public member directory of a network and its subnetworks, and the administrator's
suspensions, reinstatements and removals with reasons."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from iltod.accounts.audit import AuditAction
from iltod.accounts.models import AuditEvent
from iltod.core import testing
from iltod.learning.models import OrganizationProfile, ProfileTool
from iltod.organizations.models import NetworkMembership, NetworkMembershipChange, Organization

from .network_helpers import *  # noqa: F403
from .network_helpers import PERSONAS, login

pytestmark = pytest.mark.django_db


def validated_profile(org, tools=("scorecard",)):
    profile = OrganizationProfile.objects.create(
        organization=org, mission="Эрхэм зорилго", status="validated", is_current=True
    )
    from django.utils import timezone

    profile.reviewed_at = timezone.now()
    profile.save()
    for tool in tools:
        ProfileTool.objects.create(profile=profile, tool=tool, example="2025 онд")
    return profile


@pytest.fixture
def members(personas, subnetwork):
    """Besides the persona CSO: a CSO in Khovd (member of a member network), a suspended member
    and one that left."""
    regional = testing.make_org(Organization.Kind.NETWORK, "Баруун бүсийн сүлжээ", home_unit=personas.geo.other_aimag)
    NetworkMembership.objects.create(network=personas.network, member=regional)
    khovd = testing.make_org(
        Organization.Kind.CSO, "Ховдын иргэний төв", "Khovd Civic Centre", home_unit=personas.geo.other_soum
    )
    NetworkMembership.objects.create(network=regional, member=khovd)
    suspended = testing.make_org(Organization.Kind.CSO, "Түр хасагдсан ТББ", home_unit=personas.geo.aimag)
    NetworkMembership.objects.create(network=personas.network, member=suspended, suspended_on="2026-01-01")
    gone = testing.make_org(Organization.Kind.CSO, "Гарсан ТББ", home_unit=personas.geo.aimag)
    NetworkMembership.objects.create(network=personas.network, member=gone, left_on="2026-01-01")
    validated_profile(personas.cso, tools=("scorecard", "social_audit"))
    validated_profile(khovd, tools=("procurement_monitoring",))
    return {"regional": regional, "khovd": khovd, "suspended": suspended, "gone": gone}


def names(response):
    return {o.name for o in response.context["page"]}


def test_the_directory_lists_members_at_every_depth_but_not_suspended_or_departed(client, personas, members):
    response = client.get(reverse("learning:directory", args=[personas.network.code]))
    assert response.status_code == 200
    assert names(response) == {
        personas.cso.name,
        members["regional"].name,
        members["khovd"].name,
    }


def test_the_members_of_a_suspended_member_network_leave_the_directory_with_it(client, personas, members):
    NetworkMembership.objects.filter(network=personas.network, member=members["regional"]).update(
        suspended_on="2026-02-01"
    )
    response = client.get(reverse("learning:directory", args=[personas.network.code]))
    assert names(response) == {personas.cso.name}
    export = client.get(reverse("learning:directory", args=[personas.network.code]), {"format": "csv"})
    assert members["khovd"].name not in export.content.decode("utf-8-sig")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"aimag": "84"}, {"Ховдын иргэний төв", "Баруун бүсийн сүлжээ"}),
        ({"aimag": "65"}, {"Ил тод байдал ТББ"}),
        ({"kind": "cso"}, {"Ил тод байдал ТББ", "Ховдын иргэний төв"}),
        ({"tool": "social_audit"}, {"Ил тод байдал ТББ"}),
        ({"tool": "procurement_monitoring"}, {"Ховдын иргэний төв"}),
        ({"tool": "pets"}, set()),
    ],
)
def test_filters(client, personas, members, query, expected):
    response = client.get(reverse("learning:directory", args=[personas.network.code]), query)
    assert names(response) == expected


def test_subnetwork_filter_and_subnetwork_directory(client, personas, members, subnetwork):
    url = reverse("learning:directory", args=[personas.network.code])
    assert names(client.get(url, {"subnetwork": subnetwork.code})) == {personas.cso.name}
    assert names(client.get(reverse("learning:directory", args=[subnetwork.code]))) == {personas.cso.name}


def test_sector_filter(client, personas, members):
    personas.cso.sectors.set([testing.sector("education")])
    response = client.get(reverse("learning:directory", args=[personas.network.code]), {"sector": "education"})
    assert names(response) == {personas.cso.name}


def test_a_bad_filter_value_is_a_form_error_not_a_500(client, personas, members):
    response = client.get(
        reverse("learning:directory", args=[personas.network.code]), {"aimag": "nowhere", "tool": "x"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors


def test_csv_and_xlsx_export_follow_the_filters(client, personas, members):
    url = reverse("learning:directory", args=[personas.network.code])
    csv_text = client.get(url, {"kind": "cso", "format": "csv"}).content.decode("utf-8-sig")
    lines = csv_text.strip().splitlines()
    assert len(lines) == 3
    assert "Ховдын иргэний төв" in csv_text and "Баруун бүсийн сүлжээ" not in csv_text
    response = client.get(url, {"tool": "procurement_monitoring", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][1] == "Ховдын иргэний төв"


def test_the_directory_of_an_unknown_or_non_network_organisation_is_404(client, personas):
    assert client.get(reverse("learning:directory", args=[personas.cso.code])).status_code == 404
    assert client.get(reverse("learning:directory", args=["nothing"])).status_code == 404


def test_the_directory_reads_a_fixed_number_of_queries(client, personas, members, django_assert_max_num_queries):
    for i in range(25):
        org = testing.make_org(Organization.Kind.CSO, f"ТББ {i}", home_unit=personas.geo.aimag)
        NetworkMembership.objects.create(network=personas.network, member=org)
        validated_profile(org)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("learning:directory", args=[personas.network.code]))
    assert len(response.context["page"]) == 28


# --- The administrator's changes -----------------------------------------------------------------

MANAGE = {"anonymous": 302, "member": 404, "outsider": 404, "network_admin": 200}


@pytest.mark.parametrize("name", PERSONAS)
def test_manage_page_and_changes_follow_the_matrix(client, personas, member, members, name):
    login(client, name, personas, member)
    url = reverse("learning:members_manage", args=[personas.network.code])
    assert client.get(url).status_code == MANAGE[name]
    change = reverse("learning:member_change", args=[personas.network.code, personas.cso.code, "suspend"])
    response = client.post(change, {"reason": "Хураамж төлөөгүй"})
    suspended = NetworkMembership.objects.get(network=personas.network, member=personas.cso).suspended_on is not None
    assert suspended is (name == "network_admin")
    if name != "network_admin":
        assert response.status_code == MANAGE[name]


def test_suspend_reinstate_remove_keep_their_history_and_are_audited(client, personas, members):
    client.force_login(personas.network_admin)
    membership = NetworkMembership.objects.get(network=personas.network, member=personas.cso)
    for action, reason in (
        ("suspend", "Тайлан ирүүлээгүй"),
        ("reinstate", "Тайлангаа ирүүлсэн"),
        ("remove", "Хүсэлтээр"),
    ):
        url = reverse("learning:member_change", args=[personas.network.code, personas.cso.code, action])
        assert client.post(url, {"reason": reason}).status_code == 302
    membership.refresh_from_db()
    assert membership.left_on is not None and membership.suspended_on is None
    history = list(
        NetworkMembershipChange.objects.filter(membership=membership).order_by("pk").values_list("kind", "reason")
    )
    assert history == [
        ("suspended", "Тайлан ирүүлээгүй"),
        ("reinstated", "Тайлангаа ирүүлсэн"),
        ("removed", "Хүсэлтээр"),
    ]
    actions = set(AuditEvent.objects.filter(actor=personas.network_admin).values_list("action", flat=True))
    assert {
        AuditAction.NETWORK_MEMBER_SUSPENDED,
        AuditAction.NETWORK_MEMBER_REINSTATED,
        AuditAction.NETWORK_MEMBER_REMOVED,
    } <= actions
    page = client.get(reverse("learning:members_manage", args=[personas.network.code]))
    assert "Тайлан ирүүлээгүй" in page.content.decode()


def test_a_change_without_a_reason_or_that_does_not_apply_changes_nothing(client, personas, members):
    client.force_login(personas.network_admin)
    url = reverse("learning:member_change", args=[personas.network.code, personas.cso.code, "suspend"])
    response = client.post(url, {"reason": "   "}, follow=True)
    assert NetworkMembership.objects.get(network=personas.network, member=personas.cso).suspended_on is None
    assert "Шалтгаан" in response.content.decode() or response.context["messages"]
    reinstate = reverse("learning:member_change", args=[personas.network.code, personas.cso.code, "reinstate"])
    client.post(reinstate, {"reason": "алдаа"})
    assert not NetworkMembershipChange.objects.exists()
    bogus = reverse("learning:member_change", args=[personas.network.code, personas.cso.code, "delete"])
    assert client.post(bogus, {"reason": "x"}).status_code == 302
    assert not NetworkMembershipChange.objects.exists()


def test_the_administrator_creates_a_subnetwork_and_manages_it(client, personas, members):
    client.force_login(personas.network_admin)
    response = client.post(
        reverse("learning:subnetwork_add", args=[personas.network.code]), {"name_mn": "Эмэгтэйчүүдийн дэд сүлжээ"}
    )
    assert response.status_code == 302
    sub = Organization.objects.get(name_mn="Эмэгтэйчүүдийн дэд сүлжээ")
    assert sub.parent == personas.network and sub.is_network
    assert AuditEvent.objects.filter(action=AuditAction.SUBNETWORK_CREATED).exists()
    # A network administrator of the parent manages its subnetworks.
    assert client.get(reverse("learning:members_manage", args=[sub.code])).status_code == 200
    assert (
        client.post(reverse("learning:subnetwork_add", args=[personas.network.code]), {"name_mn": ""}).status_code
        == 302
    )
    assert Organization.objects.filter(parent=personas.network).count() == 2


def test_a_suspended_member_leaves_the_public_organisation_page(client, personas, members):
    page = client.get(personas.network.get_absolute_url()).content.decode()
    assert "Түр хасагдсан ТББ" not in page


def test_the_back_office_cannot_suspend_or_remove_a_member_without_a_reason_in_its_history(client, personas):
    membership = NetworkMembership.objects.get(network=personas.network, member=personas.cso)
    client.force_login(personas.admin)
    url = reverse("admin:organizations_networkmembership_change", args=[membership.pk])
    response = client.post(
        url,
        {
            "network": personas.network.pk,
            "member": personas.cso.pk,
            "joined_on": "",
            "left_on": "2026-03-01",
            "suspended_on": "2026-02-01",
            "is_focal_point": "",
        },
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.suspended_on is None and membership.left_on is None
    assert not NetworkMembershipChange.objects.exists()
