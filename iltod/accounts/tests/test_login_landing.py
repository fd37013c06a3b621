"""Where a login lands: those who handle feedback go to their inbox, everyone else to their account,
and a ``next`` address always wins."""

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from iltod.core.testing import PASSWORD

LOGIN = reverse("accounts:login")
INBOX = reverse("feedback:inbox")
ACCOUNT = reverse("accounts:account")


def login(client, user, **extra):
    return client.post(LOGIN, {"identifier": user.email, "password": PASSWORD, **extra})


@pytest.mark.parametrize("persona", ["officer", "provider", "other_officer", "ministry_officer", "admin"])
def test_people_who_handle_feedback_land_on_the_inbox(client, personas, persona):
    response = login(client, getattr(personas, persona))
    assert response.status_code == 302
    assert response.url == INBOX


@pytest.mark.parametrize("persona", ["citizen", "monitor", "coordinator", "network_admin", "analyst"])
def test_everyone_else_keeps_landing_on_their_account(client, personas, persona):
    response = login(client, getattr(personas, persona))
    assert response.url == ACCOUNT


def test_a_next_address_wins_over_the_inbox(client, personas):
    groups = reverse("engagement:group_list")
    response = login(client, personas.officer, next=groups)
    assert response.url == groups


def test_a_next_address_to_another_site_is_ignored_and_the_officer_lands_on_the_inbox(client, personas):
    response = login(client, personas.officer, next="https://evil.example/")
    assert response.url == INBOX


def test_after_the_second_step_an_officer_lands_on_the_inbox(client, personas):
    device = TOTPDevice.objects.create(user=personas.officer, name="phone", confirmed=True)
    response = login(client, personas.officer)
    assert response.url == reverse("accounts:login_verify")
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    response = client.post(reverse("accounts:login_verify"), {"token": code})
    assert response.status_code == 302
    assert response.url == INBOX
