"""The network administrator adds and removes the network's member organisations on the site."""

import pytest
from django.urls import reverse

from iltod.accounts.capabilities import Role
from iltod.accounts.models import AuditEvent
from iltod.core.testing import make_org
from iltod.organizations.models import NetworkMembership, NetworkMembershipChange, Organization

NOT_ALLOWED = [
    "citizen",
    "monitor",
    "provider",
    "officer",
    "other_officer",
    "ministry_officer",
    "coordinator",
    "analyst",
]


def page_url(network):
    return reverse("organizations:network_members", args=[network.code])


def add_url(network):
    return reverse("organizations:network_member_add", args=[network.code])


def remove_url(network, member):
    return reverse("organizations:network_member_remove", args=[network.code, member.code])


@pytest.fixture
def newcomer(personas):
    return make_org(Organization.Kind.CSO, "Хөвсгөлийн иргэдийн холбоо", "Khövsgöl Citizens' Union")


def current_members(network) -> set[int]:
    return set(network.network_memberships.current().values_list("member_id", flat=True))


def test_anonymous_visitors_are_sent_to_login(client, personas):
    response = client.get(page_url(personas.network))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("who", NOT_ALLOWED)
def test_people_who_may_not_manage_the_network_get_not_found_and_change_nothing(client, personas, newcomer, who):
    client.force_login(getattr(personas, who))
    assert client.get(page_url(personas.network)).status_code == 404
    assert client.post(add_url(personas.network), {"member": newcomer.code}).status_code == 404
    assert client.post(remove_url(personas.network, personas.cso)).status_code == 404
    assert current_members(personas.network) == {personas.cso.pk}
    assert not AuditEvent.objects.filter(action__startswith="network.").exists()


@pytest.mark.parametrize("who", ["network_admin", "admin"])
def test_the_network_admin_and_the_platform_admin_see_the_members(client, personas, who):
    client.force_login(getattr(personas, who))
    response = client.get(page_url(personas.network))
    assert response.status_code == 200
    assert personas.cso.name in response.content.decode()


def test_the_profile_links_to_the_page_only_for_those_who_may_manage(client, personas):
    link = page_url(personas.network)
    assert link not in client.get(personas.network.get_absolute_url()).content.decode()
    client.force_login(personas.coordinator)
    assert link not in client.get(personas.network.get_absolute_url()).content.decode()
    client.force_login(personas.network_admin)
    assert link in client.get(personas.network.get_absolute_url()).content.decode()


def test_searching_offers_organisations_that_are_not_members_yet(client, personas, newcomer):
    client.force_login(personas.network_admin)
    response = client.get(page_url(personas.network), {"q": "khovsgol"})
    assert list(response.context["candidates"]) == [newcomer]
    response = client.get(page_url(personas.network), {"q": "Transparency"})
    assert list(response.context["candidates"]) == [], "a current member is not offered again"


def test_adding_an_organisation_makes_it_a_member_and_is_audited(client, personas, newcomer):
    client.force_login(personas.network_admin)
    response = client.post(
        add_url(personas.network), {"member": newcomer.code, "is_focal_point": "on", "reason": "Шалтгаан"}
    )
    assert response.status_code == 302
    assert current_members(personas.network) == {personas.cso.pk, newcomer.pk}
    membership = NetworkMembership.objects.get(network=personas.network, member=newcomer)
    assert membership.is_focal_point and membership.joined_on is not None
    event = AuditEvent.objects.get(action="network.member_added")
    assert event.actor == personas.network_admin
    assert event.target_id == str(personas.network.pk)
    assert event.data["member"] == newcomer.code
    assert newcomer.name in client.get(personas.network.get_absolute_url()).content.decode()


def test_removing_a_member_ends_its_membership_keeps_the_row_and_is_audited(client, personas):
    client.force_login(personas.network_admin)
    response = client.post(remove_url(personas.network, personas.cso), {"reason": "Шалтгаан"})
    assert response.status_code == 302
    assert current_members(personas.network) == set()
    membership = NetworkMembership.objects.get(network=personas.network, member=personas.cso)
    assert membership.left_on is not None
    assert AuditEvent.objects.get(action="network.member_removed").data["member"] == personas.cso.code
    profile = client.get(personas.network.get_absolute_url())
    assert personas.cso not in [m.member for m in profile.context["members"]]


def test_an_organisation_that_left_can_join_again(client, personas):
    client.force_login(personas.network_admin)
    client.post(remove_url(personas.network, personas.cso), {"reason": "Шалтгаан"})
    client.post(add_url(personas.network), {"member": personas.cso.code, "reason": "Шалтгаан"})
    membership = NetworkMembership.objects.get(network=personas.network, member=personas.cso)
    assert membership.left_on is None
    assert AuditEvent.objects.filter(action="network.member_added").get().data["previous"]["left_on"]


@pytest.mark.parametrize(
    ("member", "message"),
    [
        ("NOSUCH", "There is no active organisation with this code."),
        ("network", "A network cannot be a member of itself."),
        ("cso", "is already a member of this network."),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_changes(client, personas, member, message):
    client.force_login(personas.network_admin)
    code = getattr(personas, member).code if hasattr(personas, member) else member
    response = client.post(add_url(personas.network), {"member": code}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert current_members(personas.network) == {personas.cso.pk}
    assert not AuditEvent.objects.filter(action__startswith="network.").exists()


def test_removing_an_organisation_that_is_not_a_member_is_not_found(client, personas, newcomer):
    client.force_login(personas.network_admin)
    assert client.post(remove_url(personas.network, newcomer)).status_code == 404


def test_a_network_admin_cannot_manage_another_network(client, personas, newcomer):
    other = make_org(Organization.Kind.NETWORK, "Өөр сүлжээ", "Another network")
    client.force_login(personas.network_admin)
    assert client.get(page_url(other)).status_code == 404
    assert client.post(add_url(other), {"member": newcomer.code}).status_code == 404


def test_an_organisation_that_is_not_a_network_has_no_member_page(client, personas):
    client.force_login(personas.admin)
    assert client.get(page_url(personas.education_dept)).status_code == 404


def test_adding_and_removing_needs_a_post(client, personas):
    client.force_login(personas.network_admin)
    assert client.get(add_url(personas.network)).status_code == 405
    assert client.get(remove_url(personas.network, personas.cso)).status_code == 405


def test_the_member_list_is_paged_with_a_fixed_number_of_queries(client, personas, django_assert_max_num_queries):
    for number in range(40):
        org = make_org(Organization.Kind.CSO, f"ТББ {number:02d}", f"NGO {number:02d}")
        NetworkMembership.objects.create(network=personas.network, member=org)
    client.force_login(personas.network_admin)
    with django_assert_max_num_queries(12):
        response = client.get(page_url(personas.network))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 30
    assert response.context["page"].paginator.count == 41


def test_a_member_manager_may_give_only_roles_granting_nothing_they_lack(client, personas):
    """The network administrator manages the network's people but handles no feedback: they may not
    make someone an officer, nor an M&E officer, who manages the results framework (a role name is
    never asked; the capabilities are)."""
    client.force_login(personas.network_admin)
    url = reverse("organizations:members", args=[personas.network.code])
    offered = {value for value, _label in client.get(url).context["form"].fields["role"].choices}
    assert offered == {Role.NETWORK_ADMIN, Role.MEMBER}
    response = client.post(url, {"email": "someone@example.mn", "role": Role.OFFICER})
    assert "role" in response.context["form"].errors


def test_the_network_admins_account_page_links_to_the_member_organisations(client, personas):
    client.force_login(personas.network_admin)
    assert page_url(personas.network) in client.get(reverse("accounts:account")).content.decode()
    client.force_login(personas.coordinator)
    assert page_url(personas.network) not in client.get(reverse("accounts:account")).content.decode()


def test_an_organisation_without_a_public_profile_is_neither_offered_nor_added(client, personas, newcomer):
    newcomer.is_public = False
    newcomer.save(update_fields=["is_public"])
    client.force_login(personas.network_admin)
    assert list(client.get(page_url(personas.network), {"q": "khovsgol"}).context["candidates"]) == []
    assert client.post(add_url(personas.network), {"member": newcomer.code}).status_code == 400
    assert current_members(personas.network) == {personas.cso.pk}


def test_adding_and_removing_a_member_need_a_reason_kept_in_its_history(client, personas, newcomer):
    client.force_login(personas.network_admin)
    refused = client.post(
        add_url(personas.network), {"member": newcomer.code, "reason": " "}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert refused.status_code == 400
    assert "Give a reason." in refused.content.decode()
    assert newcomer.pk not in current_members(personas.network)

    client.post(add_url(personas.network), {"member": newcomer.code, "reason": "Гишүүнээр элсэх хүсэлт гаргасан"})
    assert newcomer.pk in current_members(personas.network)

    kept = client.post(remove_url(personas.network, newcomer), {"reason": ""}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "Give a reason." in kept.content.decode()
    assert newcomer.pk in current_members(personas.network)

    client.post(remove_url(personas.network, newcomer), {"reason": "Үйл ажиллагаагаа зогсоосон"})
    assert newcomer.pk not in current_members(personas.network)
    changes = NetworkMembershipChange.objects.filter(membership__member=newcomer).order_by("pk")
    assert list(changes.values_list("kind", "reason")) == [
        ("added", "Гишүүнээр элсэх хүсэлт гаргасан"),
        ("removed", "Үйл ажиллагаагаа зогсоосон"),
    ]
