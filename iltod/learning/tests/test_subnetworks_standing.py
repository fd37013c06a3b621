"""The network administrator suspends, reinstates and removes a subnetwork with a reason, as for a
member: the public directory follows, the history keeps the reason, the audit log the change."""

import pytest
from django.urls import reverse

from iltod.accounts.audit import AuditAction
from iltod.accounts.models import AuditEvent
from iltod.core import testing
from iltod.organizations.models import NetworkMembership, NetworkMembershipChange, Organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def sub(personas):
    sub = testing.make_org(Organization.Kind.NETWORK, "Эмэгтэйчүүдийн дэд сүлжээ", parent=personas.network)
    only_here = testing.make_org(Organization.Kind.CSO, "Говийн эмэгтэйчүүд", home_unit=personas.geo.aimag)
    NetworkMembership.objects.create(network=sub, member=only_here)
    return sub


def _directory(client, network):
    return {o.name for o in client.get(reverse("learning:directory", args=[network.code])).context["page"]}


def _change(client, network, sub, action, reason):
    url = reverse("learning:member_change", args=[network.code, sub.code, action])
    return client.post(url, {"reason": reason}, follow=True, HTTP_ACCEPT_LANGUAGE="en")


def test_a_subnetwork_is_suspended_reinstated_and_removed_with_its_reasons(client, personas, sub):
    network = personas.network
    assert "Говийн эмэгтэйчүүд" in _directory(client, network)
    client.force_login(personas.network_admin)

    refused = _change(client, network, sub, "suspend", "  ")
    assert "Give a reason." in refused.content.decode()
    assert not NetworkMembership.objects.filter(member=sub).exists()

    _change(client, network, sub, "suspend", "Тайлангаа ирүүлээгүй")
    assert "Говийн эмэгтэйчүүд" not in _directory(client, network)
    manage = client.get(reverse("learning:members_manage", args=[network.code])).content.decode()
    assert "Тайлангаа ирүүлээгүй" in manage
    assert AuditEvent.objects.filter(action=AuditAction.NETWORK_MEMBER_SUSPENDED, data__member=sub.code).exists()

    _change(client, network, sub, "reinstate", "Тайлангаа ирүүлсэн")
    assert _directory(client, network) >= {"Говийн эмэгтэйчүүд"}
    assert sub.name not in _directory(client, network)  # a part of the network, not a member

    _change(client, network, sub, "remove", "Бие даасан сүлжээ болсон")
    assert "Говийн эмэгтэйчүүд" not in _directory(client, network)
    manage = client.get(reverse("learning:members_manage", args=[network.code]))
    assert [s for s, _m in manage.context["subnetworks"]] == []
    assert "Бие даасан сүлжээ болсон" in manage.content.decode()  # the history stays
    assert client.get(reverse("learning:members_manage", args=[sub.code])).status_code == 404
    assert list(NetworkMembershipChange.objects.order_by("pk").values_list("kind", "reason")) == [
        ("suspended", "Тайлангаа ирүүлээгүй"),
        ("reinstated", "Тайлангаа ирүүлсэн"),
        ("removed", "Бие даасан сүлжээ болсон"),
    ]


@pytest.mark.parametrize("who", ["monitor", "coordinator", "officer"])
def test_others_cannot_change_a_subnetwork(client, personas, sub, who):
    client.force_login(getattr(personas, who))
    assert _change(client, personas.network, sub, "suspend", "Шалтгаан").status_code == 404
    assert not NetworkMembership.objects.filter(member=sub).exists()


def test_an_organisation_that_is_not_a_subnetwork_is_not_found(client, personas, sub):
    stranger = testing.make_org(Organization.Kind.NETWORK, "Өөр сүлжээ")
    client.force_login(personas.network_admin)
    assert _change(client, personas.network, stranger, "suspend", "Шалтгаан").status_code == 404
