"""JSON nested thousands of levels deep posted to a webhook is refused with a 4xx, never a 500;
the intake channels keep the rejected body as they keep any other bad body."""

import pytest
from django.utils import translation

from iltod.feedback.models import InboundMessage
from iltod.scorecards.models import FieldSubmission

SECRET = "hook-secret"
DEEP = "[" * 5000 + "]" * 5000
DEEP_OBJECT = '{"text":' * 5000 + '"x"' + "}" * 5000


@pytest.fixture
def hooks_on(settings):
    settings.SMS_WEBHOOK_SECRET = SECRET
    settings.KOBO_WEBHOOK_SECRET = SECRET
    settings.FEEDBACK_TRIAGE_ORGANIZATION = ""
    return settings


def post(client, url, body):
    return client.post(url, data=body, content_type="application/json", headers={"X-Iltod-Secret": SECRET})


def nested_error():
    with translation.override("mn"):
        return translation.gettext("The JSON is nested too deeply (at most %(depth)s levels).") % {"depth": 32}


@pytest.mark.parametrize("body", [DEEP, DEEP_OBJECT])
def test_the_sms_webhook_refuses_deep_json_with_a_400_and_keeps_it(client, db, hooks_on, body):
    response = post(client, "/webhooks/sms/", body)
    assert response.status_code == 400
    assert response.json()["status"] == "error"
    message = InboundMessage.objects.get()
    assert (message.channel, message.status) == (InboundMessage.Channel.SMS, InboundMessage.Status.ERROR)
    assert message.error == nested_error()
    assert message.external_id.startswith("sha256:")
    assert message.payload == {"raw": body[:10_000]}


def test_the_kobo_webhook_keeps_deep_json_with_its_error(client, db, hooks_on):
    response = post(client, "/webhooks/kobo/", DEEP_OBJECT)
    assert response.status_code == 202  # kept for the triage desk; KoBo need not retry
    message = InboundMessage.objects.get()
    assert (message.channel, message.error) == (InboundMessage.Channel.KOBO, nested_error())
    assert message.payload == {"raw": DEEP_OBJECT[:10_000]}


def test_the_score_card_webhook_refuses_deep_json_with_a_400(client, db, hooks_on):
    response = post(client, "/scorecards/webhooks/kobo/", DEEP)
    assert response.status_code == 400
    assert response.json()["status"] == "error"
    assert not FieldSubmission.objects.exists()


def test_a_twilio_style_form_body_is_not_read_as_json(client, db, hooks_on):
    response = client.post(
        "/webhooks/sms/",
        {"MessageSid": "SM1", "From": "+97699112233", "Body": "[" * 50},
        headers={"X-Iltod-Secret": SECRET},
    )
    assert response.status_code == 200
    assert InboundMessage.objects.get().text == "[" * 50


@pytest.mark.parametrize(
    "body", [b'{"message_id": "m-\\u0000", "from": "+97699112233", "text": "a\\u0000b"}', b"{\x00"]
)
def test_nul_characters_in_a_body_never_make_a_500(client, db, hooks_on, body):
    # PostgreSQL's text and JSON columns refuse U+0000: the message is stored without it
    response = post(client, "/webhooks/sms/", body)
    assert response.status_code in {200, 202, 400}
    message = InboundMessage.objects.get()
    assert "\x00" not in str(message.payload) and "\x00" not in message.text and "\x00" not in message.external_id


def test_nul_characters_sent_to_the_score_card_webhook_never_make_a_500(client, db, hooks_on):
    response = post(client, "/scorecards/webhooks/kobo/", b'{"_uuid": "u-\\u0000", "cycle": "X\\u0000"}')
    assert response.status_code in {200, 201, 202, 400}
