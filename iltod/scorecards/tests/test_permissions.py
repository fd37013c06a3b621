"""Who sees and does what, for every persona: 404 when not allowed, as for everything else."""

import pytest
from django.urls import reverse

from iltod.scorecards.models import FocusGroup, Stage

from .helpers import action_url, add_group, close

K = FocusGroup.Kind

# persona -> (sees the cycle as staff, runs it, enters the provider's sheet)
MATRIX = {
    "anonymous": (False, False, False),
    "citizen": (False, False, False),
    "provider": (True, False, True),
    "officer": (True, False, False),  # the aimag's education department: read only
    "other_officer": (False, False, False),  # another aimag
    "monitor": (True, True, True),
    "coordinator": (True, True, True),
    "admin": (True, True, True),
}


def client_for(client, personas, name):
    if name != "anonymous":
        client.force_login(getattr(personas, name))
    return client


@pytest.mark.parametrize(("name", "expected"), MATRIX.items())
def test_staff_pages_follow_the_matrix(client, personas, cycle, name, expected):
    sees, runs, enters_provider = expected
    provider_group = add_group(personas, cycle, K.PROVIDER)
    community_group = add_group(personas, cycle, K.WOMEN)
    client = client_for(client, personas, name)
    detail = client.get(reverse("scorecards:cycle", args=[cycle.code]))
    if name == "anonymous":
        assert detail.status_code == 302
        return
    assert detail.status_code == (200 if sees else 404)
    report = client.get(reverse("scorecards:staff_report", args=[cycle.code]))
    assert report.status_code == (200 if sees else 404)
    # Running the cycle: moving it forward.
    response = client.post(action_url(cycle, "advance"), {"stage": "input_tracking"})
    cycle.refresh_from_db()
    assert (cycle.stage == Stage.INPUT_TRACKING) is runs
    if not runs:
        assert response.status_code == 404
    # Entering the provider's self-evaluation and a community group's scores.
    for group, allowed in ((provider_group, enters_provider), (community_group, runs)):
        url = reverse("scorecards:sheet", args=[cycle.code, group.code])
        response = client.post(url, {"action": "save", "score_1": "3"})
        assert group.scores.filter(value=3).exists() is allowed, (name, group.kind)
        if not allowed:
            assert response.status_code == 404


@pytest.mark.parametrize("name", MATRIX)
def test_the_public_report_is_public_only_once_the_cycle_is_closed(client, personas, cycle, name):
    client = client_for(client, personas, name)
    url = reverse("scorecards:public_report", args=[cycle.code])
    assert client.get(url).status_code == 404
    close(personas, cycle)
    assert client.get(url).status_code == 200


def test_only_runners_may_start_a_cycle(client, personas, library):
    url = reverse("scorecards:cycle_create")
    for name, allowed in (("citizen", False), ("provider", False), ("other_officer", False), ("monitor", True)):
        client.logout()
        client_for(client, personas, name)
        assert client.get(url).status_code == (200 if allowed else 404), name


def test_xlsform_and_upload_are_for_runners_only(client, personas, cycle):
    add_group(personas, cycle, K.WOMEN)
    client_for(client, personas, "provider")
    assert client.get(reverse("scorecards:xlsform", args=[cycle.code])).status_code == 404
    client.logout()
    client_for(client, personas, "monitor")
    assert client.get(reverse("scorecards:xlsform", args=[cycle.code])).status_code == 200


def test_provider_staff_may_add_only_a_self_evaluation_group(client, personas, cycle):
    client_for(client, personas, "provider")
    url = action_url(cycle, "group")
    assert client.post(url, {"kind": "women"}).status_code == 404
    response = client.post(url, {"kind": "provider", "participants_female": "3", "participants_male": "1"})
    assert response.status_code == 302
    assert cycle.groups.get().kind == K.PROVIDER
