import base64

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from iltod.accounts.models import AuditEvent
from iltod.core.testing import PASSWORD

LOGIN = reverse("accounts:login")
VERIFY = reverse("accounts:login_verify")
SETUP = reverse("accounts:two_factor_setup")
DISABLE = reverse("accounts:two_factor_disable")
LOGOUT = reverse("accounts:logout")
ACCOUNT = reverse("accounts:account")


def code(device, steps_ahead=0):
    """The code an authenticator app shows, now or ``steps_ahead`` periods later (codes are single-use)."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + steps_ahead):06d}"


def enrol(client, user):
    """Turn on two-step verification for ``user`` through the pages; returns (device, backup codes)."""
    client.force_login(user)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(SETUP, {"token": code(device)})
    assert response.status_code == 302
    assert response.url == SETUP
    page = client.get(SETUP)
    codes = page.context["backup_codes"]
    device.refresh_from_db()
    return device, codes


def password_step(client, identifier, next_url=""):
    data = {"identifier": identifier, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(LOGIN, data)


def logged_in_as(client):
    return client.session.get("_auth_user_id")


@pytest.fixture
def citizen_with_2fa(client, personas):
    device, codes = enrol(client, personas.citizen)
    client.post(LOGOUT)
    return personas.citizen, device, codes


def test_setting_up_shows_a_qr_code_and_the_key_of_a_new_unconfirmed_device(client, personas):
    client.force_login(personas.citizen)
    response = client.get(SETUP)
    assert response.status_code == 200
    device = TOTPDevice.objects.get(user=personas.citizen)
    assert not device.confirmed
    assert "<svg" in response.content.decode()
    shown = response.context["secret"].replace(" ", "")
    assert base64.b32decode(shown + "=" * (-len(shown) % 8)) == device.bin_key
    # Opening the page again keeps the same key (the app may already have scanned it).
    client.get(SETUP)
    assert TOTPDevice.objects.get(user=personas.citizen).pk == device.pk


def test_setting_up_needs_a_login(client, db):
    response = client.get(SETUP)
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_confirming_the_code_turns_it_on_and_shows_ten_backup_codes_once(client, personas):
    device, codes = enrol(client, personas.citizen)
    assert device.confirmed
    assert len(codes) == 10 and len(set(codes)) == 10
    static = StaticDevice.objects.get(user=personas.citizen)
    assert sorted(StaticToken.objects.filter(device=static).values_list("token", flat=True)) == sorted(codes)
    again = client.get(SETUP)
    assert again.status_code == 200
    assert not again.context["backup_codes"]
    assert not any(c in again.content.decode() for c in codes)
    assert AuditEvent.objects.filter(action="auth.second_factor_enabled", actor=personas.citizen).count() == 1


def test_a_wrong_code_does_not_turn_it_on(client, personas):
    client.force_login(personas.citizen)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=personas.citizen)
    wrong = f"{(int(code(device)) + 1) % 1_000_000:06d}"
    response = client.post(SETUP, {"token": wrong}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "That code is not valid" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert not StaticDevice.objects.filter(user=personas.citizen).exists()


def test_the_next_login_asks_for_the_code_before_logging_in(client, citizen_with_2fa):
    user, device, _codes = citizen_with_2fa
    response = password_step(client, "citizen@example.mn", next_url="/organizations/")
    assert response.status_code == 302
    assert response.url == VERIFY
    assert logged_in_as(client) is None
    assert client.get(ACCOUNT).status_code == 302  # still anonymous

    response = client.post(VERIFY, {"token": code(device, steps_ahead=1)})
    assert response.status_code == 302
    assert response.url == "/organizations/"
    assert logged_in_as(client) == str(user.pk)
    assert client.session.get("otp_device_id") == device.persistent_id
    event = AuditEvent.objects.filter(action="auth.login").latest("pk")
    assert event.data == {"second_factor": True}


def test_a_code_with_spaces_is_accepted(client, citizen_with_2fa):
    user, device, _codes = citizen_with_2fa
    password_step(client, "9911 2233")
    token = code(device, steps_ahead=1)
    client.post(VERIFY, {"token": f"{token[:3]} {token[3:]}"})
    assert logged_in_as(client) == str(user.pk)


def test_a_wrong_code_is_refused_and_recorded(client, citizen_with_2fa):
    user, device, _codes = citizen_with_2fa
    password_step(client, "citizen@example.mn")
    wrong = f"{(int(code(device, 1)) + 1) % 1_000_000:06d}"
    response = client.post(VERIFY, {"token": wrong}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "That code is not valid" in response.content.decode()
    assert logged_in_as(client) is None
    assert AuditEvent.objects.filter(action="auth.second_factor_failed", target_id=str(user.pk)).count() == 1


def test_a_used_code_cannot_be_used_again(client, citizen_with_2fa):
    _user, device, _codes = citizen_with_2fa
    password_step(client, "citizen@example.mn")
    used = code(device)  # the code that confirmed the device
    client.post(VERIFY, {"token": used})
    assert logged_in_as(client) is None


def test_a_backup_code_works_once(client, citizen_with_2fa):
    user, _device, codes = citizen_with_2fa
    password_step(client, "citizen@example.mn")
    client.post(VERIFY, {"token": codes[0]})
    assert logged_in_as(client) == str(user.pk)
    client.post(LOGOUT)

    password_step(client, "citizen@example.mn")
    response = client.post(VERIFY, {"token": codes[0]})
    assert response.status_code == 200
    assert logged_in_as(client) is None
    assert StaticToken.objects.filter(device__user=user).count() == 9


def test_the_verify_page_without_a_password_step_goes_to_login(client, db):
    response = client.get(VERIFY)
    assert response.status_code == 302
    assert response.url == LOGIN


def test_the_verify_page_refuses_a_user_disabled_in_between(client, citizen_with_2fa):
    user, device, _codes = citizen_with_2fa
    password_step(client, "citizen@example.mn")
    user.is_active = False
    user.save(update_fields=["is_active"])
    response = client.post(VERIFY, {"token": code(device, 1)})
    assert response.status_code == 302
    assert response.url == LOGIN
    assert logged_in_as(client) is None


def test_the_account_page_says_whether_it_is_on(client, citizen_with_2fa):
    user, _device, _codes = citizen_with_2fa
    client.force_login(user)
    response = client.get(ACCOUNT)
    assert response.context["has_second_factor"] is True
    assert DISABLE in response.content.decode()


# Turning it off


def test_turning_it_off_needs_the_password(client, citizen_with_2fa):
    user, _device, _codes = citizen_with_2fa
    client.force_login(user)
    response = client.post(DISABLE, {"password": "wrong"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "The password is not correct." in response.content.decode()
    assert TOTPDevice.objects.filter(user=user).exists()

    response = client.post(DISABLE, {"password": PASSWORD})
    assert response.status_code == 302
    assert response.url == ACCOUNT
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticDevice.objects.filter(user=user).exists()
    assert AuditEvent.objects.filter(action="auth.second_factor_disabled", actor=user).count() == 1

    client.post(LOGOUT)
    response = password_step(client, "citizen@example.mn")
    assert response.url == ACCOUNT  # no code asked any more


def test_turning_it_off_is_refused_when_the_role_requires_it(client, personas, settings):
    settings.REQUIRE_STAFF_2FA = True
    enrol(client, personas.provider)
    response = client.post(DISABLE, {"password": PASSWORD})
    assert response.status_code == 302
    assert response.url == ACCOUNT
    assert TOTPDevice.objects.filter(user=personas.provider, confirmed=True).exists()
    assert DISABLE not in client.get(ACCOUNT).content.decode()


def test_staff_may_turn_it_off_when_it_is_not_required(client, personas, settings):
    settings.REQUIRE_STAFF_2FA = False
    enrol(client, personas.provider)
    client.post(DISABLE, {"password": PASSWORD})
    assert not TOTPDevice.objects.filter(user=personas.provider).exists()


# Required for staff


STAFF = [
    "monitor",
    "provider",
    "officer",
    "other_officer",
    "ministry_officer",
    "coordinator",
    "network_admin",
    "analyst",
    "admin",
]
PAGES = [
    "/",
    "/facilities/",
    "/places/",
    "/organizations/",
    ACCOUNT,
    "/admin/",
    DISABLE,
    reverse("accounts:password_change"),
]


def test_staff_without_a_second_factor_are_sent_to_set_it_up_from_every_page(client, personas, settings):
    settings.REQUIRE_STAFF_2FA = True
    for persona in STAFF:
        client.force_login(getattr(personas, persona))
        for page in PAGES:
            response = client.get(page)
            assert response.status_code == 302, (persona, page)
            assert response.url == f"{SETUP}?required=1", (persona, page)


def test_staff_can_still_open_the_setup_page_and_log_out(client, personas, settings):
    settings.REQUIRE_STAFF_2FA = True
    client.force_login(personas.officer)
    response = client.get(f"{SETUP}?required=1", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Your role needs two-step verification." in response.content.decode()
    assert client.get("/health/").status_code == 200
    response = client.post(LOGOUT)
    assert response.status_code == 302
    assert logged_in_as(client) is None


def test_staff_who_set_it_up_can_use_the_site(client, personas, settings):
    settings.REQUIRE_STAFF_2FA = True
    enrol(client, personas.officer)
    assert client.get(ACCOUNT).status_code == 200
    assert client.get("/facilities/").status_code == 200


def test_staff_with_a_device_but_an_unverified_session_are_asked_for_a_code(client, personas, settings):
    settings.REQUIRE_STAFF_2FA = True
    device, _codes = enrol(client, personas.officer)
    client.post(LOGOUT)
    client.force_login(personas.officer)  # e.g. a session from before the device was added
    response = client.get(ACCOUNT)
    assert response.url == f"{SETUP}?required=1"
    page = client.get(response.url)
    assert page.templates[0].name == "accounts/login_verify.html"
    response = client.post(SETUP, {"token": code(device, 1)})
    assert response.status_code == 302
    assert client.get(ACCOUNT).status_code == 200


def test_a_citizen_without_membership_is_not_sent_to_set_it_up(client, personas, settings):
    settings.REQUIRE_STAFF_2FA = True
    client.force_login(personas.citizen)
    for page in ["/", "/facilities/", ACCOUNT]:
        assert client.get(page).status_code == 200, page


def test_a_user_whose_membership_was_revoked_is_no_longer_required_to(client, personas, settings):
    settings.REQUIRE_STAFF_2FA = True
    personas.analyst.memberships.update(is_active=False)
    client.force_login(personas.analyst)
    assert client.get(ACCOUNT).status_code == 200


def test_nothing_is_required_when_the_setting_is_off(client, personas, settings):
    settings.REQUIRE_STAFF_2FA = False
    client.force_login(personas.officer)
    assert client.get(ACCOUNT).status_code == 200


def test_a_member_of_a_deactivated_organisation_is_no_longer_required_to(client, personas, settings):
    settings.REQUIRE_STAFF_2FA = True
    personas.ministry.is_active = False
    personas.ministry.save(update_fields=["is_active"])
    client.force_login(personas.analyst)
    assert client.get(ACCOUNT).status_code == 200
    client.force_login(personas.officer)  # the education department is still active
    assert client.get(ACCOUNT).status_code == 302
