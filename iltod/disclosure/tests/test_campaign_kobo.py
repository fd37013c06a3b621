"""A validation campaign's XLSForm filled in KoBoToolbox and pushed to the checks' webhook: each
submission becomes checks through the web form's service, once per submission uuid; bad bodies
are refused with a reason, never a 500."""

import datetime
import io
import json
import re

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from iltod.accounts.capabilities import Role
from iltod.accounts.services import grant_membership
from iltod.core import testing
from iltod.disclosure.models import CampaignAssignment, FacilityIndicator, FacilityValue, ValueCheck
from iltod.disclosure.services import facility_data as services
from iltod.feedback.models import Feedback

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 6, 15, 10, 0, tzinfo=datetime.UTC)
SECRET = "kobo-secret-for-tests"


@pytest.fixture(autouse=True)
def _frozen(settings):
    settings.KOBO_WEBHOOK_SECRET = SECRET
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def campaign(personas):
    services.publish_values(
        personas.school, "2025", {"teachers": "12", "textbooks": "600", "pupils": "300"}, actor=personas.provider
    )
    campaign = services.create_campaign(
        actor=personas.monitor,
        organization=personas.cso,
        title="Сургуулийн тоо мэдээг шалгах",
        admin_unit=personas.geo.aimag,
        period="2025",
        indicators=FacilityIndicator.objects.filter(code__in=["teachers", "textbooks", "heating"]),
    )
    services.assign_volunteer(campaign, personas.school, personas.monitor, actor=personas.monitor)
    return campaign


def submission(campaign, facility, uuid="7f1c2d3e-0001", **answers):
    # KoBo posts the form's fields with their group prefixes, next to its own keys
    data = {
        "_uuid": uuid,
        "meta/instanceID": f"uuid:{uuid}",
        "_submission_time": "2026-06-14T08:00:00",
        "_submitted_by": "volunteer1",
        "deviceid": "collect:abc123",
        "campaign": campaign.code,
        "facility": facility.code,
    }
    data.update({f"checks/{key}": value for key, value in answers.items()})
    return data


def post(client, data, secret=SECRET, raw=None):
    return client.post(
        reverse("disclosure:campaign_kobo"),
        raw if raw is not None else json.dumps(data),
        content_type="application/json",
        headers={"X-Iltod-Secret": secret} if secret else {},
    )


def test_a_submission_becomes_checks_once(client, personas, campaign):
    data = submission(
        campaign,
        personas.school,
        teachers_ok="yes",
        textbooks_ok="no",
        textbooks_seen="150",
        comment="Зөвхөн хуучин сурах бичиг",
    )
    response = post(client, data)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "recorded"
    assert [(c["indicator"], c["verdict"]) for c in body["checks"]] == [
        ("teachers", "confirm"),
        ("textbooks", "dispute"),
    ]
    checks = {c.value.indicator.code: c for c in ValueCheck.objects.select_related("value__indicator", "feedback")}
    # the web form's rules: waiting for moderation, the campaign counted, the dispute sent as feedback
    assert {c.moderation for c in checks.values()} == {ValueCheck.Moderation.PENDING}
    assert {c.campaign_id for c in checks.values()} == {campaign.pk}
    dispute = checks["textbooks"]
    assert dispute.outcome == ValueCheck.Outcome.OPEN and dispute.observed_value == 150
    assert dispute.comment == "Зөвхөн хуучин сурах бичиг" and checks["teachers"].comment == ""
    assert body["checks"][1]["tracking_code"] == dispute.feedback.tracking_code
    assert dispute.feedback.privacy == Feedback.Privacy.ANONYMOUS
    assert CampaignAssignment.objects.get().checked_at is not None
    assert FacilityValue.objects.get(indicator__code="textbooks").open_disputes == 1
    # KoBo delivers again: the same checks, nothing new
    again = post(client, data)
    assert again.status_code == 200 and again.json()["status"] == "duplicate"
    assert [c["code"] for c in again.json()["checks"]] == [c["code"] for c in body["checks"]]
    assert ValueCheck.objects.count() == 2 and Feedback.objects.count() == 1
    assert services.campaign_progress(campaign)["disputes_raised"] == 1


def test_values_not_published_are_named_and_skipped(client, personas, campaign):
    response = post(client, submission(campaign, personas.school, teachers_ok="yes", heating_ok="yes"))
    assert response.status_code == 201
    assert response.json()["not_published"] == ["heating"]
    assert ValueCheck.objects.count() == 1
    only_unpublished = post(client, submission(campaign, personas.school, uuid="other", heating_ok="no"))
    assert only_unpublished.status_code == 400
    assert "2025" in only_unpublished.json()["errors"][0]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"campaign": "NOPE0000"}, "шалгах аян"),
        ({"_uuid": "", "meta/instanceID": ""}, "_uuid"),
        ({"facility": "NOPE0000"}, "NOPE0000"),
        ({"facility": ""}, "байгууллага заагаагүй"),
        ({"checks/teachers_ok": "maybe"}, "maybe"),
        ({"checks/textbooks_ok": "no", "checks/textbooks_seen": "many"}, "many"),
        ({"checks/textbooks_ok": "no", "checks/textbooks_seen": "-3"}, "textbooks"),
        ({"checks/textbooks_ok": "no", "checks/textbooks_seen": "NaN"}, "NaN"),
        ({"checks/textbooks_ok": "no", "checks/textbooks_seen": "1e400"}, "textbooks"),  # beyond any maximum
        ({"facility": {"code": "X"}}, "code"),  # not text where text belongs
        ({"checks/teachers_ok": ["yes"]}, "yes"),
        ({"checks/textbooks_ok": "no"}, "textbooks"),  # a dispute with neither a value nor a comment
        ({"checks/teachers_ok": ""}, "аль ч үзүүлэлтэд"),
        ({"checks/comment": "x" * 2001}, "2000"),
    ],
)
def test_a_bad_submission_is_refused_with_its_reason_and_saves_nothing(client, personas, campaign, change, reason):
    """The reasons are in the site's language (Mongolian): KoBo's log is read by the campaign's staff."""
    data = submission(campaign, personas.school, teachers_ok="yes")
    data.update(change)
    response = post(client, data)
    assert response.status_code == 400, response.content
    assert response.json()["status"] == "error"
    assert reason.lower() in " ".join(response.json()["errors"]).lower()
    assert not ValueCheck.objects.exists() and not Feedback.objects.exists()


def test_a_facility_outside_the_campaign_is_refused(client, personas, campaign):
    services.publish_values(personas.clinic, "2025", {"doctors": "3"}, actor=personas.admin)
    response = post(client, submission(campaign, personas.clinic, teachers_ok="yes"))
    assert response.status_code == 400
    assert not ValueCheck.objects.exists()


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b"not json", 400),
        (b"[1, 2]", 400),
        (b'"text"', 400),
        (b"[" * 200 + b"]" * 200, 400),  # nested beyond the JSON reader's depth limit
        (b'{"a": "\\ud800"}', 400),  # a lone surrogate: no campaign, and no 500
        (b"", 400),
    ],
)
def test_bodies_that_are_not_a_submission_are_400(client, campaign, raw, status):
    response = client.post(
        reverse("disclosure:campaign_kobo"),
        raw,
        content_type="application/json",
        headers={"X-Iltod-Secret": SECRET, "Accept-Language": "en"},
    )
    assert response.status_code == status
    assert response.json()["status"] == "error"
    # in the site's language whatever the sender asks: the campaign's staff read KoBo's log
    assert re.search("[а-яөү]", " ".join(response.json()["errors"]).lower())


def test_the_webhook_needs_its_secret_and_post(client, personas, campaign, settings):
    data = submission(campaign, personas.school, teachers_ok="yes")
    assert post(client, data, secret="wrong").status_code == 403
    assert post(client, data, secret="").status_code == 403
    url = reverse("disclosure:campaign_kobo")
    assert client.get(url, headers={"X-Iltod-Secret": SECRET}).status_code == 405
    settings.KOBO_WEBHOOK_SECRET = ""
    assert post(client, data).status_code == 404
    assert not ValueCheck.objects.exists()


def test_a_device_over_the_rate_limit_waits_but_retries_are_answered(client, personas, campaign, settings):
    settings.FEEDBACK_RATE_PER_IP = "2/h"
    first = submission(campaign, personas.school, uuid="u1", teachers_ok="yes")
    assert post(client, first).status_code == 201
    assert post(client, submission(campaign, personas.school, uuid="u2", teachers_ok="yes")).status_code == 201
    third = post(client, submission(campaign, personas.school, uuid="u3", teachers_ok="yes"))
    assert third.status_code == 429 and third.json()["errors"]
    assert post(client, first).status_code == 200  # a retry of a recorded submission is not limited
    other_phone = submission(campaign, personas.school, uuid="u4", teachers_ok="yes")
    other_phone["deviceid"] = "collect:zzz999"
    assert post(client, other_phone).status_code == 201
    assert ValueCheck.objects.count() == 3


def test_the_xlsform_names_the_fields_the_webhook_reads(client, personas, campaign):
    from iltod.lib.xlsform import convert

    content = services.campaign_xlsform(campaign)
    convert(content)  # pyxform accepts it
    sheet = load_workbook(io.BytesIO(content))["survey"]
    rows = {row[1]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert {"campaign", "facility", "deviceid", "comment", "teachers_ok", "teachers_seen"} <= set(rows)
    assert rows["teachers_seen"][4] == "yes"  # a "no" must say what was seen
    assert campaign.code in rows["campaign"][7]


@pytest.fixture
def department_publisher(personas):
    user = testing.make_user("publisher@example.mn", "Publisher")
    grant_membership(
        actor=personas.admin, user=user, organization=personas.education_dept, role=Role.OFFICER, capabilities={}
    )
    return user


def test_a_dispute_goes_to_the_department_that_published_the_value(personas, department_publisher):
    services.publish_values(personas.school, "2025", {"textbooks": "600"}, actor=department_publisher)
    value = FacilityValue.objects.get(indicator__code="textbooks")
    assert value.publisher == personas.education_dept
    check = services.check_value(value, verdict="dispute", observed_value=100, user=personas.citizen)
    assert check.feedback.handling_organization == personas.education_dept


def test_a_dispute_goes_to_the_provider_that_published_the_value(personas, department_publisher):
    services.publish_values(personas.school, "2025", {"textbooks": "600"}, actor=personas.provider)
    value = FacilityValue.objects.get(indicator__code="textbooks")
    assert value.publisher == personas.school_org
    check = services.check_value(value, verdict="dispute", observed_value=100, user=personas.citizen)
    assert check.feedback.handling_organization == personas.school_org


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and concurrent writers need PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the indicator catalogue is migration data
def test_concurrent_deliveries_of_one_submission_record_its_checks_once(settings):
    settings.KOBO_WEBHOOK_SECRET = SECRET
    personas = testing.make_personas()
    services.publish_values(personas.school, "2025", {"teachers": "12", "textbooks": "600"}, actor=personas.provider)
    campaign = services.create_campaign(
        actor=personas.monitor,
        organization=personas.cso,
        title="Шалгалт",
        admin_unit=personas.geo.aimag,
        period="2025",
        indicators=FacilityIndicator.objects.filter(code__in=["teachers", "textbooks"]),
    )
    services.assign_volunteer(campaign, personas.school, actor=personas.monitor)
    data = submission(campaign, personas.school, teachers_ok="yes", textbooks_ok="no", textbooks_seen="100")
    statuses = testing.run_at_once(4, lambda: post(Client(), data).status_code)
    assert sorted(statuses) == [200, 200, 200, 201]
    assert ValueCheck.objects.count() == 2
    assert Feedback.objects.count() == 1


def test_the_campaign_page_gives_the_webhook_address_in_mongolian(client, personas, campaign):
    from iltod.core.testing.visible_text import english_words, visible_text

    html = client.get(reverse("disclosure:campaign_detail", args=[campaign.code])).content.decode()
    assert f"http://testserver{reverse('disclosure:campaign_kobo')}" in html
    assert "X-Iltod-Secret" in html
    mine = [part for part in visible_text(html) if "REST" in part]  # the sentence about the webhook
    assert mine and not english_words(mine), mine
