"""Webhooks take their shared secret in a header (X-Iltod-Secret or Authorization: Bearer) or,
for gateways that cannot set one, in the URL; Twilio's requests must also carry Twilio's signature
once its auth token is configured."""

from urllib.parse import urlencode

import pytest
from django.test import RequestFactory

from iltod.feedback.models import InboundMessage
from iltod.lib.sms import twilio_signature, valid_twilio_signature

SECRET = "hook-secret"
TOKEN = "twilio-auth-token"
URL = "/webhooks/sms/"
TWILIO_SMS = {"MessageSid": "SM0001", "AccountSid": "AC1", "From": "+97699112233", "To": "+97611", "Body": "Сайн уу"}


@pytest.fixture
def sms_on(settings):
    settings.SMS_WEBHOOK_SECRET = SECRET
    settings.FEEDBACK_TRIAGE_ORGANIZATION = ""
    settings.TWILIO_AUTH_TOKEN = ""
    return settings


def test_twilios_documented_example_signature_is_reproduced():
    params = {
        "CallSid": "CA1234567890ABCDE",
        "Caller": "+14158675310",
        "Digits": "1234",
        "From": "+14158675310",
        "To": "+18005551212",
    }
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    assert twilio_signature(url, params, "12345") == "GvWf1cFY/Q7PnoempGyD5oXAezc="


@pytest.mark.parametrize(
    "headers",
    [{"X-Iltod-Secret": SECRET}, {"Authorization": f"Bearer {SECRET}"}, {"Authorization": f"bearer {SECRET}"}],
)
def test_the_secret_is_accepted_in_a_header(client, db, sms_on, headers):
    data = {"message_id": "m-1", "from": "+97699112233", "text": "Сайн уу"}
    response = client.post(URL, data, content_type="application/json", headers=headers)
    assert response.status_code in {200, 202}  # stored (202: kept for the triage desk)
    assert InboundMessage.objects.count() == 1


@pytest.mark.parametrize("headers", [{"Authorization": "Bearer nope"}, {"Authorization": f"Basic {SECRET}"}, {}])
def test_a_wrong_or_misplaced_secret_is_forbidden(client, db, sms_on, headers):
    response = client.post(URL, {"message_id": "m-1"}, content_type="application/json", headers=headers)
    assert response.status_code == 403
    assert not InboundMessage.objects.exists()


def twilio_post(client, url, data, **headers):
    """As Twilio posts: form-encoded."""
    return client.post(url, urlencode(data), content_type="application/x-www-form-urlencoded", headers=headers)


def test_with_the_auth_token_set_twilio_requests_need_a_valid_signature(client, db, sms_on):
    sms_on.TWILIO_AUTH_TOKEN = TOKEN
    url = f"{URL}?secret={SECRET}"
    signature = twilio_signature(f"http://testserver{url}", TWILIO_SMS, TOKEN)
    assert twilio_post(client, url, TWILIO_SMS).status_code == 403  # no signature
    forged = twilio_post(client, url, {**TWILIO_SMS, "Body": "changed"}, **{"X-Twilio-Signature": signature})
    assert forged.status_code == 403
    assert client.post(url, TWILIO_SMS).status_code == 403  # multipart, unsigned
    assert not InboundMessage.objects.exists()
    signed = twilio_post(client, url, TWILIO_SMS, **{"X-Twilio-Signature": signature})
    assert signed.status_code == 200
    assert signed["Content-Type"].startswith("text/xml")
    assert InboundMessage.objects.get().text == "Сайн уу"


def test_without_the_auth_token_twilio_requests_rely_on_the_secret_alone(client, db, sms_on):
    response = twilio_post(client, f"{URL}?secret={SECRET}", TWILIO_SMS)
    assert response.status_code == 200


def test_the_signature_covers_the_url_and_repeated_parameters():
    request = RequestFactory().post("/webhooks/sms/?secret=x", {"A": ["2", "1"], "B": "3"})
    request.META["HTTP_X_TWILIO_SIGNATURE"] = twilio_signature(
        "http://testserver/webhooks/sms/?secret=x", request.POST, TOKEN
    )
    assert valid_twilio_signature(request, TOKEN)
    assert not valid_twilio_signature(request, "another-token")
    assert (
        twilio_signature("http://testserver/webhooks/sms/?secret=y", request.POST, TOKEN)
        != request.headers["X-Twilio-Signature"]
    )
