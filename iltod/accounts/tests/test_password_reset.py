import re

import pytest
from django.core import mail
from django.urls import reverse

from iltod.core.testing import make_user

RESET = reverse("accounts:password_reset")
SENT = reverse("accounts:password_reset_done")
NEW_PASSWORD = "a-new-long-passphrase-2024"


@pytest.fixture
def citizen(db):
    """The citizen persona alone: these tests need one account, not the whole cast."""
    return make_user("citizen@example.mn", "Бат Дорж", phone="+97699112233")


@pytest.fixture
def client(client, django_capture_on_commit_callbacks):
    """The mail leaves through the outbox once the request's transaction commits (iltod.core.outbox)."""
    post = client.post

    def post_and_commit(*args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return post(*args, **kwargs)

    client.post = post_and_commit
    return client


def request_reset(client, email):
    return client.post(RESET, {"email": email}, HTTP_ACCEPT_LANGUAGE="en")


def link_in(message):
    match = re.search(r"http://testserver(/account/password-reset/[^/\s]+/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_the_reset_page_loads(client, db):
    assert client.get(RESET).status_code == 200


def test_a_known_email_gets_a_mail_with_a_working_link(client, citizen):
    response = request_reset(client, "citizen@example.mn")
    assert response.status_code == 302
    assert response.url == SENT
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["citizen@example.mn"]
    assert "\n" not in message.subject
    assert message.subject == "Reset your Iltod password"

    response = client.get(link_in(message))
    assert response.status_code == 302  # Django swaps the token for a session value
    form_url = response.url
    response = client.get(form_url)
    assert response.status_code == 200
    assert response.context["validlink"] is True

    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_complete")
    citizen.refresh_from_db()
    assert citizen.check_password(NEW_PASSWORD)

    response = client.post(reverse("accounts:login"), {"identifier": "9911 2233", "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(citizen.pk)


def test_the_email_is_matched_in_any_case(client, citizen):
    request_reset(client, "Citizen@EXAMPLE.mn")
    assert [m.to for m in mail.outbox] == [["citizen@example.mn"]]


def test_an_unknown_email_looks_the_same_and_sends_nothing(client, citizen):
    known = request_reset(client, "citizen@example.mn")
    mail.outbox.clear()
    unknown = request_reset(client, "stranger@example.mn")
    assert unknown.status_code == known.status_code == 302
    assert unknown.url == known.url == SENT
    assert mail.outbox == []


def test_an_inactive_account_gets_no_mail(client, citizen):
    citizen.is_active = False
    citizen.save(update_fields=["is_active"])
    request_reset(client, "citizen@example.mn")
    assert mail.outbox == []


def test_a_link_works_only_once(client, citizen):
    request_reset(client, "citizen@example.mn")
    link = link_in(mail.outbox[0])
    form_url = client.get(link).url
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    client.logout()
    response = client.get(link, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert response.context["validlink"] is False
    assert "This link is no longer valid." in response.content.decode()


def test_a_forged_link_is_refused(client, citizen):
    response = client.get(
        reverse("accounts:password_reset_confirm", args=["MQ", "forged-token"]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert response.context["validlink"] is False
    assert 'name="new_password1"' not in response.content.decode()


def test_a_weak_new_password_is_refused(client, citizen):
    request_reset(client, "citizen@example.mn")
    form_url = client.get(link_in(mail.outbox[0])).url
    response = client.post(form_url, {"new_password1": "12345678", "new_password2": "12345678"})
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    citizen.refresh_from_db()
    assert not citizen.check_password("12345678")
