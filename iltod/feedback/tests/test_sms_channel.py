"""Feedback by SMS through /webhooks/sms/: formats, secrets, idempotency, replies, privacy."""

import json

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from iltod.feedback.models import Event, Feedback, InboundMessage, Stat
from iltod.notifications.models import OutboundMessage
from iltod.places.models import ServiceUnit

SECRET = "sms-test-secret"
URL = "/webhooks/sms/"
PHONE = "+97699112233"
OTHER_PHONE = "+97688001122"


@pytest.fixture
def sms_on(settings):
    settings.SMS_WEBHOOK_SECRET = SECRET
    settings.FEEDBACK_TRIAGE_ORGANIZATION = ""
    return settings


def post_json(client, data, *, secret=SECRET, query=""):
    return client.post(
        f"{URL}{query}",
        data=json.dumps(data),
        content_type="application/json",
        headers={"X-Iltod-Secret": secret} if secret else {},
    )


def send(client, text, *, message_id="gw-1", sender=PHONE, **extra):
    return post_json(client, {"message_id": message_id, "from": sender, "text": text, **extra})


def sms_to(phone):
    return OutboundMessage.objects.filter(channel=OutboundMessage.Channel.SMS, recipient=phone)


# --- the door: secrets, methods ------------------------------------------------------------------


def test_the_webhook_is_not_found_while_no_secret_is_configured(client, db, settings):
    settings.SMS_WEBHOOK_SECRET = ""
    assert send(client, "hello").status_code == 404
    assert not InboundMessage.objects.exists()


@pytest.mark.parametrize("secret", [None, "wrong", SECRET + "x"])
def test_a_missing_or_wrong_secret_is_forbidden(client, db, sms_on, secret):
    response = post_json(client, {"message_id": "1", "from": PHONE, "text": "hi"}, secret=secret)
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/plain")
    assert not InboundMessage.objects.exists()


def test_the_secret_may_come_in_the_query_string(client, personas, sms_on):
    response = post_json(
        client, {"message_id": "q-1", "from": PHONE, "text": "surguuli muu"}, secret=None, query=f"?secret={SECRET}"
    )
    assert response.status_code == 200
    assert (
        post_json(
            client, {"message_id": "q-2", "from": PHONE, "text": "x"}, secret=None, query="?secret=nope"
        ).status_code
        == 403
    )


def test_only_post_is_allowed(client, db, sms_on):
    assert client.get(URL, headers={"X-Iltod-Secret": SECRET}).status_code == 405


# --- new feedback ----------------------------------------------------------------------------------


def test_an_sms_starting_with_a_facility_code_is_about_that_facility(client, personas, sms_on):
    school = personas.school
    response = send(client, f"{school.code.lower()} хоол хүйтэн байна", sender="9911 2233")
    assert response.status_code == 200, response.content
    feedback = Feedback.objects.get()
    assert response.json()["tracking_code"] == feedback.tracking_code
    assert feedback.service_unit == school
    assert feedback.admin_unit == school.admin_unit
    assert feedback.handling_organization == personas.school_org  # the operator, by the usual routing
    assert feedback.channel == Feedback.Channel.SMS and feedback.external_id == "gw-1"
    assert feedback.privacy == Feedback.Privacy.NAME_HIDDEN
    assert feedback.category.code == "other"
    assert feedback.description == f"{school.code.lower()} хоол хүйтэн байна"  # the original text
    assert feedback.transliteration == ""  # already Cyrillic
    assert feedback.reporter.phone == PHONE  # normalised
    message = InboundMessage.objects.get()
    assert (message.status, message.outcome, message.feedback) == ("processed", "feedback", feedback)


def test_an_sms_naming_no_facility_is_about_the_country_in_the_other_category(client, personas, sms_on):
    assert send(client, "emneleg deer hvleelt ih urt baina").status_code == 200
    feedback = Feedback.objects.get()
    assert feedback.service_unit is None
    assert feedback.admin_unit.code == "MN"
    assert feedback.category.code == "other"


def test_without_a_handler_it_goes_to_the_triage_desk(client, personas, sms_on):
    sms_on.FEEDBACK_TRIAGE_ORGANIZATION = personas.education_dept.code
    assert send(client, "tuslamj heregtei baina").status_code == 200
    feedback = Feedback.objects.get()
    assert feedback.handling_organization == personas.education_dept
    routed = feedback.events.filter(type=Event.Type.ROUTED).order_by("pk")
    assert [e.organization for e in routed] == [None, personas.education_dept]
    assert routed.last().data == {"triage": True}
    counted = Stat.objects.get(scope=Stat.Scope.ORGANIZATION, scope_id=personas.education_dept.pk)
    assert counted.received == 1  # the item counts for the desk that handles it


def test_latin_mongolian_is_transliterated_and_found_by_cyrillic_search(client, personas, sms_on):
    sms_on.FEEDBACK_TRIAGE_ORGANIZATION = personas.education_dept.code
    send(client, "surguuliin hool muu baina", message_id="t-1")
    send(client, "cecerleg haalttai", message_id="t-2", sender=OTHER_PHONE)
    school_meals = Feedback.objects.get(external_id="t-1")
    kindergarten = Feedback.objects.get(external_id="t-2")
    assert school_meals.description == "surguuliin hool muu baina"
    assert school_meals.transliteration == "сургуулийн хоол муу байна"
    assert kindergarten.transliteration == "цэцэрлэг хаалттай"

    client.force_login(personas.officer)  # handles for the triage desk
    found = client.get(reverse("feedback:inbox"), {"view": "all", "q": "хоол муу"}).content.decode()
    assert school_meals.tracking_code in found and kindergarten.tracking_code not in found
    # "c" for ц is found only through the transliteration
    found = client.get(reverse("feedback:inbox"), {"view": "all", "q": "цэцэрлэг"}).content.decode()
    assert kindergarten.tracking_code in found
    page = client.get(school_meals.get_staff_url()).content.decode()
    assert "сургуулийн хоол муу байна" in page


def test_codes_and_numbers_are_not_transliterated(client, personas, sms_on):
    send(client, f"{personas.school.code} 3-r angi hool 2000 tugrug")
    assert Feedback.objects.get().transliteration == f"{personas.school.code} 3-r анги хоол 2000 тугруг"


def test_the_sender_gets_the_tracking_code_by_sms_once(client, personas, sms_on):
    send(client, "surguuliin bair huiten")
    send(client, "surguuliin bair huiten")  # the gateway retries
    feedback = Feedback.objects.get()
    [receipt] = sms_to(PHONE)
    assert feedback.tracking_code in receipt.body


def test_a_sender_that_is_not_a_phone_number_is_kept_as_written_and_not_messaged(client, personas, sms_on):
    send(client, "emnelegiin uilchilgee muu", sender="MOBICOM")
    feedback = Feedback.objects.get()
    assert feedback.reporter.phone == "MOBICOM" and not feedback.reporter.notify
    assert not OutboundMessage.objects.filter(channel=OutboundMessage.Channel.SMS).exists()


def test_a_message_of_codes_only_is_kept_as_an_error(client, personas, sms_on):
    response = send(client, personas.school.code)
    assert response.status_code == 202
    assert not Feedback.objects.exists()
    message = InboundMessage.objects.get()
    assert message.status == "error" and message.error


def test_too_many_messages_from_one_number_wait_for_staff(client, personas, sms_on):
    sms_on.FEEDBACK_PER_PHONE_PER_DAY = 1
    send(client, "negdugeer", message_id="r-1")
    response = send(client, "hoyordugaar", message_id="r-2")
    assert response.status_code == 202
    assert Feedback.objects.count() == 1
    assert InboundMessage.objects.get(external_id="r-2").status == "error"


# --- idempotency -----------------------------------------------------------------------------------


def test_a_retried_delivery_creates_nothing_new(client, personas, sms_on):
    first = send(client, "hool muu")
    again = send(client, "hool muu")
    assert first.status_code == again.status_code == 200
    assert again.json()["duplicate"] is True
    assert again.json()["tracking_code"] == first.json()["tracking_code"]
    assert Feedback.objects.count() == 1 and InboundMessage.objects.count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and concurrent writers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_deliveries_of_one_message_make_one_feedback(sms_on):
    from iltod.core import testing

    testing.make_geo()

    def deliver():
        response = send(Client(), "zeregtsee ilgeesen", message_id="race-1")
        return response.status_code, response.json().get("duplicate", False)

    statuses = testing.run_at_once(5, deliver)
    assert sorted(statuses) == [(200, False)] + [(200, True)] * 4
    assert Feedback.objects.filter(channel="sms", external_id="race-1").count() == 1
    assert InboundMessage.objects.count() == 1
    assert sms_to(PHONE).count() == 1


# --- malformed bodies: 400 with a JSON error, stored whenever possible ----------------------------


def test_bad_json_is_refused_and_kept(client, db, sms_on):
    response = client.post(URL, data=b"{not json", content_type="application/json", headers={"X-Iltod-Secret": SECRET})
    assert response.status_code == 400
    assert "error" in response.json()
    message = InboundMessage.objects.get()
    assert message.status == "error" and message.external_id.startswith("sha256:")
    assert message.payload == {"raw": "{not json"}


@pytest.mark.parametrize(
    "data",
    [
        {"from": PHONE, "text": "no id"},
        {"message_id": "m-1", "text": "no sender"},
        {"message_id": "m-2", "from": PHONE},
        {"message_id": "m-3", "from": PHONE, "text": "   "},
        {"message_id": "m-4", "from": PHONE, "text": {"nested": "object"}},
        {"message_id": "m-5", "from": PHONE, "text": "x" * 2001},
        {"message_id": "m-6", "from": PHONE, "text": "ok", "received_at": "yesterday"},
    ],
)
def test_missing_fields_and_huge_texts_are_refused_and_kept(client, db, sms_on, data):
    response = post_json(client, data)
    assert response.status_code == 400
    assert response.json()["status"] == "error" and response.json()["error"]
    assert InboundMessage.objects.get().status == "error"
    assert not Feedback.objects.exists()
    assert post_json(client, data).status_code == 400  # the same again: still refused, stored once
    assert InboundMessage.objects.count() == 1


def test_a_json_array_is_refused(client, db, sms_on):
    assert post_json(client, [1, 2]).status_code == 400


def test_a_gateway_time_is_used_as_the_receipt_time(client, personas, sms_on):
    send(client, "hool muu", received_at="2026-01-05T09:30:00+08:00")
    feedback = Feedback.objects.get()
    assert feedback.received_at.isoformat() == "2026-01-05T01:30:00+00:00"


# --- other formats ---------------------------------------------------------------------------------


def test_a_generic_form_encoded_message_is_read(client, personas, sms_on):
    response = client.post(
        URL, {"message_id": "f-1", "from": PHONE, "text": "hool muu", "to": "1111"}, headers={"X-Iltod-Secret": SECRET}
    )
    assert response.status_code == 200
    assert Feedback.objects.get().external_id == "f-1"
    assert InboundMessage.objects.get().payload["to"] == "1111"


def test_twilio_inbound_messages_are_read_and_answered_with_twiml(client, personas, sms_on):
    twilio = {
        "ToCountry": "MN",
        "ToState": "",
        "SmsMessageSid": "SM0123456789abcdef0123456789abcdef",
        "NumMedia": "0",
        "ToCity": "",
        "FromZip": "",
        "SmsSid": "SM0123456789abcdef0123456789abcdef",
        "FromState": "",
        "SmsStatus": "received",
        "FromCity": "",
        "Body": f"{personas.school.code} bagsh irsengui",
        "FromCountry": "MN",
        "To": "+97670001111",
        "ToZip": "",
        "NumSegments": "1",
        "MessageSid": "SM0123456789abcdef0123456789abcdef",
        "AccountSid": "AC0123456789abcdef0123456789abcdef",
        "From": PHONE,
        "ApiVersion": "2010-04-01",
    }
    response = client.post(f"{URL}?secret={SECRET}", twilio)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    assert response.content.decode().endswith("<Response></Response>")
    feedback = Feedback.objects.get()
    assert feedback.external_id == "SM0123456789abcdef0123456789abcdef"
    assert feedback.service_unit == personas.school
    assert feedback.transliteration.endswith("багш ирсэнгуи")
    assert client.post(f"{URL}?secret={SECRET}", twilio).status_code == 200  # Twilio retries
    assert Feedback.objects.count() == 1
    assert sms_to(PHONE).count() == 1
    assert client.post(f"{URL}?secret={SECRET}", {**twilio, "MessageSid": "SM2", "Body": ""}).status_code == 400


# --- replies by tracking code ------------------------------------------------------------------------


def test_a_reply_with_the_tracking_code_from_the_same_phone_is_an_update(client, personas, sms_on):
    code = send(client, "hool muu", message_id="a-1").json()["tracking_code"]
    response = send(client, f"{code.lower()} margaash dahiad ochno", message_id="a-2", sender="99112233")
    assert response.status_code == 200
    assert response.json()["outcome"] == "update"
    assert Feedback.objects.count() == 1
    update = Event.objects.get(type=Event.Type.CITIZEN_UPDATE)
    assert update.feedback.tracking_code == code
    assert not Event.objects.public().filter(pk=update.pk).exists()  # public once a moderator publishes it
    assert "margaash dahiad ochno" in update.text and "маргааш" in update.text
    assert code in sms_to(PHONE).order_by("pk")[1].body
    assert sms_to(PHONE).count() == 2  # the receipt and the acknowledgement


def test_the_same_code_from_another_phone_is_new_feedback(client, personas, sms_on):
    code = send(client, "hool muu", message_id="b-1").json()["tracking_code"]
    response = send(client, f"{code} ene yamar baidaltai ve", message_id="b-2", sender=OTHER_PHONE)
    assert response.status_code == 200
    data = response.json()
    assert data["outcome"] == "feedback" and data["tracking_code"] != code
    assert not Event.objects.filter(type=Event.Type.CITIZEN_UPDATE).exists()
    assert sms_to(OTHER_PHONE).count() == 1
    assert code not in sms_to(OTHER_PHONE).get().body


def test_the_code_alone_from_the_same_phone_gets_the_status_back(client, personas, sms_on):
    code = send(client, "hool muu", message_id="c-1").json()["tracking_code"]
    response = send(client, f" {code} ", message_id="c-2")
    assert response.json()["outcome"] == "status"
    status_sms = sms_to(PHONE).order_by("pk").last()
    assert code in status_sms.body
    assert not Event.objects.filter(type=Event.Type.CITIZEN_UPDATE).exists()


def test_an_anonymous_item_takes_no_sms_updates(client, personas, sms_on):
    from iltod.feedback import services

    feedback, _created = services.submit_feedback(
        services.Submission(
            kind="complaint",
            category=personas.school.sector.feedback_categories.first(),
            description="anon",
            service_unit=personas.school,
            privacy=Feedback.Privacy.ANONYMOUS,
            reporter_phone=PHONE,
        )
    )
    response = send(client, f"{feedback.tracking_code} nemelt medeelel", message_id="d-1")
    assert response.json()["tracking_code"] != feedback.tracking_code


# --- staff: messages in error -------------------------------------------------------------------------


def test_staff_retry_accepts_a_message_held_by_the_rate_limit(client, personas, sms_on):
    sms_on.FEEDBACK_PER_PHONE_PER_DAY = 1
    send(client, "negdugeer", message_id="s-1")
    send(client, "hoyordugaar", message_id="s-2")
    message = InboundMessage.objects.get(external_id="s-2")
    client.force_login(personas.officer)
    page = client.get(reverse("feedback:inbound")).content.decode()
    assert "hoyordugaar" in page and PHONE not in page and "+976" in page  # the number is masked
    response = client.post(reverse("feedback:inbound_retry", args=[message.code]))
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == "processed" and message.attempts == 2
    assert Feedback.objects.count() == 2


def test_staff_may_correct_the_facility_of_an_sms(client, personas, sms_on):
    sms_on.FEEDBACK_PER_PHONE_PER_DAY = 1
    send(client, "negdugeer", message_id="e-1")
    send(client, "bagsh irsengui", message_id="e-2")  # held by the rate limit
    message = InboundMessage.objects.get(external_id="e-2")
    client.force_login(personas.admin)
    retry = reverse("feedback:inbound_retry", args=[message.code])
    client.post(retry, {f"{message.code}-facility": "NOSUCH99"})
    message.refresh_from_db()
    assert message.status == "error" and message.corrections == {"facility": "NOSUCH99"}
    assert "NOSUCH99" in message.error
    client.post(retry, {f"{message.code}-facility": personas.school.code.lower()})
    message.refresh_from_db()
    assert message.status == "processed"
    assert message.feedback.service_unit == personas.school
    assert message.feedback.description == "bagsh irsengui"  # the text stays as received


@pytest.mark.parametrize(
    ("persona", "triage", "expected"),
    [
        ("citizen", "", 404),
        ("monitor", "", 404),
        ("provider", "", 200),  # a handler, and no triage desk is configured
        ("officer", "", 200),
        ("officer", "other_dept", 404),  # with a triage desk, only its handlers
        ("other_officer", "other_dept", 200),
        ("admin", "other_dept", 200),
    ],
)
def test_who_sees_inbound_messages_in_error(client, personas, sms_on, persona, triage, expected):
    sms_on.FEEDBACK_TRIAGE_ORGANIZATION = getattr(personas, triage).code if triage else ""
    send(client, personas.school.code, message_id="p-1")
    message = InboundMessage.objects.get()
    client.force_login(getattr(personas, persona))
    assert client.get(reverse("feedback:inbound")).status_code == expected
    retry = client.post(reverse("feedback:inbound_retry", args=[message.code]))
    assert retry.status_code == (302 if expected == 200 else 404)


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    response = client.get(reverse("feedback:inbound"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_facility_code_is_recognised_case_insensitively_only_at_the_start(client, personas, sms_on):
    ServiceUnit.objects.filter(pk=personas.school.pk).update(code="P4BYCB65")
    send(client, "p4bycb65 хоол хүйтэн", message_id="g-1")
    send(client, "хоол хүйтэн P4BYCB65", message_id="g-2", sender=OTHER_PHONE)
    assert Feedback.objects.get(external_id="g-1").service_unit_id == personas.school.pk
    assert Feedback.objects.get(external_id="g-2").service_unit_id is None


def test_the_inbound_list_needs_the_same_number_of_queries_for_3_and_30_messages(client, personas, sms_on):
    from django.test.utils import CaptureQueriesContext

    from iltod.feedback.channels import inbound

    def add(count, start):
        for i in range(start, start + count):
            inbound.record("sms", f"n-{i}", payload={}, sender=PHONE, text="x", error="broken")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("feedback:inbound")).status_code == 200
        return len(captured.captured_queries)

    client.force_login(personas.officer)
    add(3, 0)
    queries()  # warm the session
    few = queries()
    add(27, 3)
    assert queries() == few


def test_a_facility_code_without_digits_is_kept_as_typed():
    from iltod.feedback.channels.inbound import transliterate

    assert transliterate("HKMNPRST hool muu") == "HKMNPRST хоол муу"
