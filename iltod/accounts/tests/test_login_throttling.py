"""Failed logins are throttled per source address across accounts, on top of django-axes'
lockout of each account: one address trying a password on many accounts is slowed down too."""

import pytest
from django.urls import reverse

from iltod.core.testing import PASSWORD, make_user

LOGIN = reverse("accounts:login")
ATTACKER = "203.0.113.7"


@pytest.fixture
def citizen(db):
    return make_user("citizen@example.mn", "Бат Дорж", phone="+97699112233")


def login(client, identifier, password="wrong-password", address=ATTACKER):
    return client.post(
        LOGIN, {"identifier": identifier, "password": password}, REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="en"
    )


def test_forty_usernames_from_one_address_are_slowed_down_after_the_limit(client, citizen, settings):
    settings.LOGIN_FAILURES_PER_IP = "20/15m"
    statuses = [login(client, f"user{n}@example.mn").status_code for n in range(40)]
    assert statuses[:20] == [200] * 20  # each account saw one failure: axes alone never locks
    assert statuses[20:] == [429] * 20
    refused = login(client, "citizen@example.mn", PASSWORD)  # even the right password waits
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session
    text = refused.content.decode()
    assert "Logging in from your network has failed too many times. Try again in 15 minutes" in text


def test_another_address_is_not_slowed_down(client, citizen, settings):
    settings.LOGIN_FAILURES_PER_IP = "3/15m"
    for n in range(3):
        login(client, f"user{n}@example.mn")
    assert login(client, "user9@example.mn").status_code == 429
    assert login(client, "citizen@example.mn", PASSWORD, address="198.51.100.2").status_code == 302


def test_successful_logins_and_blank_forms_do_not_count(client, citizen, settings):
    settings.LOGIN_FAILURES_PER_IP = "2/15m"
    for _attempt in range(3):
        assert login(client, "citizen@example.mn", PASSWORD).status_code == 302
        client.post(reverse("accounts:logout"))
        assert client.post(LOGIN, {"identifier": "", "password": ""}, REMOTE_ADDR=ATTACKER).status_code == 200
    assert login(client, "citizen@example.mn", PASSWORD).status_code == 302


def test_the_per_account_lockout_still_holds_below_the_address_limit(client, citizen, settings):
    settings.LOGIN_FAILURES_PER_IP = "100/15m"
    statuses = [login(client, "citizen@example.mn").status_code for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert statuses[-1] == 429
    assert (
        "Logging in to this account has failed too many times" in login(client, "citizen@example.mn").content.decode()
    )
