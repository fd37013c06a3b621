"""Field-collected feedback from KoBoToolbox through /webhooks/kobo/: round trip with the generated
XLSForm, idempotency, submissions in error kept and retried."""

import io
import json
import uuid

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from iltod.accounts.models import AuditEvent
from iltod.core.testing import make_facility
from iltod.feedback.channels import xlsform
from iltod.feedback.models import Event, Feedback, InboundMessage, Reporter
from iltod.notifications.models import OutboundMessage

SECRET = "kobo-test-secret"
URL = "/webhooks/kobo/"


@pytest.fixture
def kobo_on(settings):
    settings.KOBO_WEBHOOK_SECRET = SECRET
    settings.FEEDBACK_TRIAGE_ORGANIZATION = ""
    return settings


def post(client, data, *, secret=SECRET):
    body = data if isinstance(data, bytes) else json.dumps(data)
    return client.post(
        URL, data=body, content_type="application/json", headers={"X-Iltod-Secret": secret} if secret else {}
    )


def form_field_paths() -> dict[str, str]:
    """Field name → the path KoBo posts, read from the generated form (the place fields are put in a
    group, as a form designer might, to check that group prefixes are understood)."""
    content = xlsform.generate_xlsform().content
    sheet = load_workbook(io.BytesIO(content), read_only=True)["survey"]
    rows = list(sheet.iter_rows(values_only=True))
    name = rows[0].index("name")
    names = [row[name] for row in rows[1:]]
    return {n: (f"group_place/{n}" if n in {"aimag", "soum", "facility"} else n) for n in names}


def submission(personas, **answers):
    """A submission as a KoBoToolbox REST Service posts it (JSON, no custom wrapper)."""
    paths = form_field_paths()
    instance = str(uuid.uuid4())
    values = {
        "start": "2026-03-02T10:11:12.345+08:00",
        "end": "2026-03-02T10:15:40.123+08:00",
        "aimag": "65",
        "soum": "6504",
        "facility": personas.school.code,
        "facility_sector": "education",
        "kind": "complaint",
        "category": "edu-meals",
        "description": "surguuliin hool huiten baina",
        "privacy": "name_hidden",
        "phone": "9911 2233",
        "name": "Dorj",
        "location": "47.75 101.75 1500 5",
        "photo": "1714616140123.jpg",
        **answers,
    }
    payload = {paths[key]: value for key, value in values.items() if value is not None}
    payload.update(
        {
            "_id": 278394821,
            "formhub/uuid": "7d0d5b7e2b3a4c1f9e0a6b5c4d3e2f1a",
            "__version__": "vXyZ",
            "meta/instanceID": f"uuid:{instance}",
            "_xform_id_string": "aBcDeFgHiJ",
            "_uuid": instance,
            "_attachments": [
                {
                    "download_url": "https://kc.kobotoolbox.org/media/original?media_file=monitor%2Fattachments%2F1714616140123.jpg",
                    "download_large_url": "https://kc.kobotoolbox.org/media/large?media_file=monitor%2Fattachments%2F1714616140123.jpg",
                    "filename": f"monitor/attachments/7d0d5b7e/{instance}/1714616140123.jpg",
                    "instance": 278394821,
                    "mimetype": "image/jpeg",
                    "id": 1,
                    "xform": 2,
                }
            ],
            "_status": "submitted_via_web",
            "_geolocation": [47.75, 101.75],
            "_submission_time": "2026-03-02T02:16:00",
            "_tags": [],
            "_notes": [],
            "_validation_status": {},
            "_submitted_by": "monitor",
        }
    )
    return payload


def test_the_webhook_is_off_without_a_secret_and_refuses_a_wrong_one(client, db, settings):
    settings.KOBO_WEBHOOK_SECRET = ""
    assert post(client, {}).status_code == 404
    settings.KOBO_WEBHOOK_SECRET = SECRET
    assert post(client, {}, secret="wrong").status_code == 403
    assert post(client, {}, secret=None).status_code == 403
    assert client.get(URL, {"secret": SECRET}).status_code == 405
    assert not InboundMessage.objects.exists()


def test_a_submission_of_the_generated_form_becomes_feedback(client, personas, kobo_on):
    data = submission(personas)
    response = post(client, data)
    assert response.status_code == 201, response.content
    feedback = Feedback.objects.get()
    assert response.json()["tracking_code"] == feedback.tracking_code
    assert feedback.channel == Feedback.Channel.KOBO and feedback.external_id == data["_uuid"]
    assert feedback.service_unit == personas.school
    assert (feedback.kind, feedback.category.code, feedback.privacy) == ("complaint", "edu-meals", "name_hidden")
    assert feedback.description == "surguuliin hool huiten baina"
    assert feedback.transliteration == "сургуулийн хоол хуитэн байна"
    assert (feedback.latitude, feedback.longitude) == (47.75, 101.75)
    assert feedback.received_at.isoformat() == "2026-03-02T02:16:00+00:00"
    assert (feedback.reporter.name, feedback.reporter.phone) == ("Dorj", "+97699112233")
    assert feedback.handling_organization == personas.school_org
    note = feedback.events.get(type=Event.Type.NOTE)
    assert "media_file=monitor%2Fattachments%2F1714616140123.jpg" in note.text and not note.is_public
    receipt = OutboundMessage.objects.get(channel=OutboundMessage.Channel.SMS, recipient="+97699112233")
    assert feedback.tracking_code in receipt.body
    message = InboundMessage.objects.get()
    assert (message.status, message.sender, message.feedback) == ("processed", "monitor", feedback)


def test_a_submission_about_a_place_without_a_facility(client, personas, kobo_on):
    response = post(client, submission(personas, facility=None, category="other", photo=None))
    assert response.status_code == 201
    feedback = Feedback.objects.get()
    assert feedback.service_unit is None and feedback.admin_unit == personas.geo.soum
    assert not feedback.events.filter(type=Event.Type.NOTE).exists()


def test_the_instance_id_identifies_a_submission_without_uuid(client, personas, kobo_on):
    data = submission(personas)
    del data["_uuid"]
    assert post(client, data).status_code == 201
    assert Feedback.objects.get().external_id == data["meta/instanceID"].removeprefix("uuid:")


def test_a_resent_submission_creates_nothing_new(client, personas, kobo_on):
    data = submission(personas)
    first = post(client, data)
    again = post(client, data)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["duplicate"] is True and again.json()["tracking_code"] == first.json()["tracking_code"]
    assert Feedback.objects.count() == 1 and InboundMessage.objects.count() == 1
    assert OutboundMessage.objects.filter(channel=OutboundMessage.Channel.SMS).count() == 1


def test_anonymous_feedback_keeps_no_identity_anywhere(client, personas, kobo_on):
    post(client, submission(personas, privacy="anonymous"))
    feedback = Feedback.objects.get()
    assert not Reporter.objects.filter(feedback=feedback).exists()
    payload = InboundMessage.objects.get().payload
    assert "phone" not in payload and "name" not in payload
    assert not OutboundMessage.objects.filter(channel=OutboundMessage.Channel.SMS).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and concurrent writers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_deliveries_of_one_submission_make_one_feedback(kobo_on):
    from iltod.core import testing

    personas = testing.make_personas()
    data = submission(personas)
    statuses = testing.run_at_once(5, lambda: post(Client(), data).status_code)
    assert sorted(statuses) == [200, 200, 200, 200, 201]
    assert Feedback.objects.filter(channel="kobo").count() == 1
    assert InboundMessage.objects.count() == 1


# --- bad submissions are kept (202) for staff to fix and retry -------------------------------------


def test_an_unknown_facility_is_kept_and_retried_once_the_facility_exists(client, personas, kobo_on):
    response = post(client, submission(personas, facility="NEWCODE9"))
    assert response.status_code == 202
    assert "NEWCODE9" in response.json()["error"]
    assert not Feedback.objects.exists()
    message = InboundMessage.objects.get()
    assert message.status == "error"
    assert post(client, message.payload).status_code == 202  # KoBo resends: still kept once
    assert InboundMessage.objects.count() == 1

    new = make_facility(personas.geo.soum, "Шинэ сургууль", "New school")
    type(new).objects.filter(pk=new.pk).update(code="NEWCODE9")
    client.force_login(personas.officer)
    page = client.get(reverse("feedback:inbound")).content.decode()
    assert "NEWCODE9" in page and "surguuliin hool huiten baina" in page
    assert client.post(reverse("feedback:inbound_retry", args=[message.code])).status_code == 302
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("processed", 2)
    assert message.feedback.service_unit_id == new.pk
    assert AuditEvent.objects.filter(action="feedback.inbound_retried").count() == 1


def test_an_unknown_category_is_fixed_by_a_correction(client, personas, kobo_on):
    post(client, submission(personas, category="edu-lunch"))
    message = InboundMessage.objects.get()
    assert "edu-lunch" in message.error
    client.force_login(personas.admin)
    client.post(reverse("feedback:inbound_retry", args=[message.code]), {f"{message.code}-category": "edu-meals"})
    message.refresh_from_db()
    assert message.status == "processed" and message.corrections == {"category": "edu-meals"}
    assert message.feedback.category.code == "edu-meals"
    assert message.payload["category"] == "edu-lunch"  # the payload stays as received


def in_platform_language(text: str) -> str:
    """Errors are stored in the platform's language (what the triage desk reads)."""
    with translation.override(django_settings.LANGUAGE_CODE):
        return gettext(text)


@pytest.mark.parametrize(
    ("answers", "error"),
    [
        ({"description": "  "}, in_platform_language("The description is empty.")),
        ({"kind": "rant"}, "rant"),
        (
            {"facility": None, "soum": None, "aimag": None},
            in_platform_language("Neither a facility nor a place was given."),
        ),
        ({"privacy": "secret"}, "secret"),
    ],
)
def test_other_bad_answers_are_kept_with_their_error(client, personas, kobo_on, answers, error):
    response = post(client, submission(personas, **answers))
    assert response.status_code == 202
    assert error in response.json()["error"]
    assert InboundMessage.objects.get().status == "error"
    assert not Feedback.objects.exists()


def test_several_errors_are_reported_together(client, personas, kobo_on):
    response = post(client, submission(personas, category="nope", facility="NOPE1234", description=""))
    error = response.json()["error"]
    assert "nope" in error and "NOPE1234" in error
    assert in_platform_language("The description is empty.") in error


@pytest.mark.parametrize("body", [b"{broken", b"[1, 2]", b'"text"'])
def test_a_body_that_is_not_a_json_object_is_kept(client, db, kobo_on, body):
    response = post(client, body)
    assert response.status_code == 202
    assert response.json()["status"] == "error"
    message = InboundMessage.objects.get()
    assert message.payload == {"raw": body.decode()} and message.external_id.startswith("sha256:")


def test_a_submission_without_any_id_is_kept(client, personas, kobo_on):
    data = submission(personas)
    del data["_uuid"], data["meta/instanceID"]
    response = post(client, data)
    assert response.status_code == 202
    assert InboundMessage.objects.get().status == "error"


def test_non_handlers_cannot_retry(client, personas, kobo_on):
    post(client, submission(personas, facility="NEWCODE9"))
    message = InboundMessage.objects.get()
    client.force_login(personas.monitor)
    assert client.post(reverse("feedback:inbound_retry", args=[message.code])).status_code == 404
    message.refresh_from_db()
    assert message.attempts == 1
