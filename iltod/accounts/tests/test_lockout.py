from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse

from iltod.core.testing import PASSWORD, make_user

LOGIN = reverse("accounts:login")


@pytest.fixture
def citizen(db):
    """The citizen persona alone: these tests need one account, not the whole cast."""
    return make_user("citizen@example.mn", "Бат Дорж", phone="+97699112233")


@pytest.fixture
def monitor(citizen):
    return make_user("monitor@example.mn", "Monitor")


def login(client, identifier, password=PASSWORD, address="127.0.0.1"):
    return client.post(
        LOGIN, {"identifier": identifier, "password": password}, REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="en"
    )


def fail(client, identifiers, address="127.0.0.1"):
    return [login(client, i, "wrong-password", address).status_code for i in identifiers]


def logged_in(client):
    return "_auth_user_id" in client.session


@pytest.fixture
def limit():
    return settings.AXES_FAILURE_LIMIT


def test_the_account_is_locked_with_429_once_the_failure_limit_is_reached(client, citizen, limit):
    statuses = fail(client, ["citizen@example.mn"] * limit)
    assert statuses == [200] * (limit - 1) + [429]
    response = login(client, "citizen@example.mn")
    assert response.status_code == 429
    assert not logged_in(client)


def test_the_lockout_page_says_how_long_to_wait_and_offers_a_password_reset(client, citizen, limit):
    fail(client, ["citizen@example.mn"] * limit)
    response = login(client, "citizen@example.mn")
    assert response.status_code == 429
    text = response.content.decode()
    assert f"Try again in {settings.AXES_COOLOFF_TIME * 60:.0f} minutes" in text
    assert reverse("accounts:password_reset") in text


def test_failures_count_for_the_account_however_the_identifier_is_typed(client, citizen, limit):
    typings = ["9911 2233", "+976 99112233", "Citizen@Example.mn", "99112233", "citizen@example.mn "]
    statuses = fail(client, (typings * limit)[:limit])
    assert statuses[-1] == 429
    for identifier in ["citizen@example.mn", "+976 9911 2233"]:
        assert login(client, identifier).status_code == 429
    assert not logged_in(client)


def test_one_locked_account_does_not_lock_another(client, monitor, limit):
    fail(client, ["citizen@example.mn"] * limit)
    response = login(client, "monitor@example.mn")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(monitor.pk)


def test_the_lockout_is_per_address(client, citizen, limit):
    fail(client, ["citizen@example.mn"] * limit, address="203.0.113.7")
    assert login(client, "citizen@example.mn", address="203.0.113.7").status_code == 429
    assert login(client, "citizen@example.mn", address="198.51.100.2").status_code == 302


def test_the_correct_password_works_again_after_the_cool_off(client, citizen, limit):
    fail(client, ["9911 2233"] * limit)
    assert login(client, "citizen@example.mn").status_code == 429
    cool_off = timedelta(hours=settings.AXES_COOLOFF_TIME)
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= cool_off + timedelta(seconds=1)
        attempt.save(update_fields=["attempt_time"])
    response = login(client, "citizen@example.mn")
    assert response.status_code == 302
    assert logged_in(client)


def test_the_account_stays_locked_just_before_the_cool_off_ends(client, citizen, limit):
    fail(client, ["citizen@example.mn"] * limit)
    cool_off = timedelta(hours=settings.AXES_COOLOFF_TIME)
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= cool_off - timedelta(minutes=1)
        attempt.save(update_fields=["attempt_time"])
    assert login(client, "citizen@example.mn").status_code == 429


def test_a_successful_login_clears_the_failures_whichever_identifier_failed(client, citizen, limit):
    fail(client, ["9911 2233"] * (limit - 1))
    assert login(client, "citizen@example.mn").status_code == 302
    client.post(reverse("accounts:logout"))
    statuses = fail(client, ["+976 99112233"] * (limit - 1))
    assert statuses == [200] * (limit - 1)
    assert login(client, "9911 2233").status_code == 302
