import pytest
from django.urls import reverse
from django.utils import translation

from iltod.accounts.forms import LoginForm
from iltod.accounts.models import AuditEvent, User
from iltod.core.testing import PASSWORD, make_user

LOGIN = reverse("accounts:login")
ACCOUNT = reverse("accounts:account")


@pytest.fixture
def citizen(db):
    """The citizen persona alone: these tests need one account, not the whole cast."""
    return make_user("citizen@example.mn", "Бат Дорж", phone="+97699112233")


def login(client, identifier, password=PASSWORD, **extra):
    return client.post(LOGIN, {"identifier": identifier, "password": password, **extra})


def logged_in_user_id(client):
    return client.session.get("_auth_user_id")


def invalid_login_message(language):
    with translation.override(language):
        return str(LoginForm.error_messages["invalid_login"])


def test_the_login_page_loads_for_anonymous_visitors(client, db):
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert 'name="identifier"' in response.content.decode()


def test_a_user_logs_in_with_their_email_in_any_case(client, citizen):
    response = login(client, "  Citizen@Example.MN ")
    assert response.status_code == 302
    assert response.url == ACCOUNT
    assert logged_in_user_id(client) == str(citizen.pk)


@pytest.mark.parametrize("typed", ["9911 2233", "+976 99112233", "99112233", "+976-9911-2233", "976 9911 2233"])
def test_a_user_logs_in_with_their_phone_number_however_it_is_typed(client, citizen, typed):
    response = login(client, typed)
    assert response.status_code == 302
    assert logged_in_user_id(client) == str(citizen.pk)


def test_a_login_is_recorded_in_the_audit_log(client, citizen):
    login(client, "citizen@example.mn")
    event = AuditEvent.objects.get(action="auth.login")
    assert event.actor == citizen
    assert event.data == {"second_factor": False}
    assert event.ip_address == "127.0.0.1"


@pytest.mark.parametrize("identifier", ["citizen@example.mn", "9911 2233", "nobody@example.mn", "8888 8888"])
def test_a_wrong_password_or_unknown_account_shows_one_english_error_and_no_500(client, citizen, identifier):
    response = client.post(LOGIN, {"identifier": identifier, "password": "wrong-password"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "The e-mail/phone number or the password is not correct." in response.content.decode()
    assert logged_in_user_id(client) is None


def test_the_login_error_is_shown_in_mongolian_by_default(client, citizen):
    response = login(client, "citizen@example.mn", "wrong-password")
    assert response.status_code == 200
    assert response.content.decode().count(invalid_login_message("mn")) == 1
    assert '<html lang="mn">' in response.content.decode()


def test_empty_fields_are_asked_for_again_without_a_500(client, db):
    response = client.post(LOGIN, {"identifier": "", "password": ""}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"identifier", "password"}


def test_an_inactive_user_cannot_log_in_even_with_the_right_password(client, citizen):
    citizen.is_active = False
    citizen.save(update_fields=["is_active"])
    response = login(client, "citizen@example.mn", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert logged_in_user_id(client) is None
    assert not AuditEvent.objects.filter(action="auth.login").exists()


def test_a_local_next_url_is_followed_after_login(client, citizen):
    response = login(client, "citizen@example.mn", next="/facilities/?q=school")
    assert response.status_code == 302
    assert response.url == "/facilities/?q=school"


def test_the_next_url_given_in_the_query_string_is_kept_in_the_form(client, db):
    response = client.get(LOGIN + "?next=/organizations/")
    assert 'name="next" value="/organizations/"' in response.content.decode()


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "http:evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "https://testserver.evil.example/",
        "javascript:alert(1)",
        " https://evil.example/",
    ],
)
def test_an_open_redirect_through_next_is_refused(client, citizen, target):
    response = login(client, "citizen@example.mn", next=target)
    assert response.status_code == 302
    assert response.url == ACCOUNT


@pytest.mark.parametrize("target", ["foo", "accounts:logout", "admin:index"])
def test_a_next_value_that_is_not_a_url_goes_to_the_account_page_not_a_500(client, citizen, target):
    response = login(client, "citizen@example.mn", next=target)
    assert response.status_code == 302
    assert response.url in {ACCOUNT, target}
    assert response.url != reverse("accounts:logout")


def test_a_logged_in_user_who_opens_the_login_page_goes_to_their_account(client, citizen):
    client.force_login(citizen)
    response = client.get(LOGIN)
    assert response.status_code == 302
    assert response.url == ACCOUNT


def test_a_logged_in_user_sent_back_to_login_can_log_in_as_someone_else_without_a_redirect_loop(client, citizen):
    # /admin/ sends a non-staff user to the login page with ?next=/admin/; redirecting back would loop.
    client.force_login(citizen)
    response = client.get(LOGIN + "?next=/admin/")
    assert response.status_code == 200
    assert 'name="next" value="/admin/"' in response.content.decode()


def test_logging_out_needs_a_post(client, citizen):
    client.force_login(citizen)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert logged_in_user_id(client) == str(citizen.pk)


def test_logging_out_ends_the_session_and_is_recorded(client, citizen):
    client.force_login(citizen)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response.url == reverse("portal:home")
    assert logged_in_user_id(client) is None
    assert AuditEvent.objects.filter(action="auth.logout", actor=citizen).count() == 1


def test_an_anonymous_logout_just_goes_home(client, db):
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert not AuditEvent.objects.exists()


def test_an_account_added_in_the_back_office_is_stored_in_lower_case_and_cannot_be_added_twice(client, personas):
    client.force_login(personas.admin)
    add = reverse("admin:accounts_user_add")
    form = {
        "email": "New.Person@Example.MN",
        "full_name": "New Person",
        "phone": "",
        "password1": "a-long-passphrase-2024",
        "password2": "a-long-passphrase-2024",
        "usable_password": "true",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }
    response = client.post(add, form)
    assert response.status_code == 302
    user = User.objects.get(full_name="New Person")
    assert user.email == "new.person@example.mn"

    response = client.post(add, {**form, "email": "new.person@example.mn", "full_name": "Twin"})
    assert response.status_code == 200
    assert "email" in response.context["adminform"].form.errors
    client.logout()
    assert login(client, "NEW.PERSON@example.mn", "a-long-passphrase-2024").status_code == 302


def test_a_phone_typed_in_the_back_office_is_stored_so_that_it_works_for_login(client, personas):
    client.force_login(personas.admin)
    add = reverse("admin:accounts_user_add")
    form = {
        "email": "nurse@example.mn",
        "full_name": "Nurse",
        "phone": "9911 4455",
        "password1": "a-long-passphrase-2024",
        "password2": "a-long-passphrase-2024",
        "usable_password": "true",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }
    assert client.post(add, form).status_code == 302
    assert User.objects.get(email="nurse@example.mn").phone == "+97699114455"

    taken = client.post(add, {**form, "email": "twin@example.mn", "phone": "+976 9911 2233"}, HTTP_ACCEPT_LANGUAGE="en")
    assert taken.status_code == 200
    assert "phone" in str(taken.context["adminform"].form.errors)
    invalid = client.post(add, {**form, "email": "twin@example.mn", "phone": "12"}, HTTP_ACCEPT_LANGUAGE="en")
    assert invalid.status_code == 200
    assert "Enter a valid phone number" in invalid.content.decode()

    client.logout()
    assert login(client, "+976 9911 4455", "a-long-passphrase-2024").status_code == 302


def test_an_account_created_in_code_with_a_local_phone_format_can_log_in_by_phone(client, db):
    user = User.objects.create_user(email="driver@example.mn", password=PASSWORD, phone="8811 2233")
    assert user.phone == "+97688112233"
    assert login(client, "88112233").status_code == 302
    assert logged_in_user_id(client) == str(user.pk)
