"""POST /api/v1/feedback/: new feedback through the services, channel "api"."""

from iltod.feedback.models import Event, Feedback, Reporter

from .conftest import bearer

URL = "/api/v1/feedback/"


def body(world, **fields):
    return {
        "category": "edu-meals",
        "facility": world.personas.school.code,
        "kind": "complaint",
        "description": "Үдийн цай хоёр долоо хоног өгөөгүй.",
        **fields,
    }


def post(client, data, **headers):
    return client.post(URL, data, content_type="application/json", **headers)


def test_anonymous_submission_is_routed_and_confirmed(client, world):
    response = post(client, body(world, name="Сарангэрэл", phone="9911 4455", privacy="confidential"))
    assert response.status_code == 201, response.json()
    result = response.json()
    feedback = Feedback.objects.get(tracking_code=result["tracking_code"])
    assert feedback.channel == Feedback.Channel.API
    assert feedback.handling_organization != world.personas.school_org  # confidential: not the school itself
    assert feedback.reporter.phone == "+97699114455"
    assert result["status"] == "received"
    assert result["created"] is True
    assert result["track_url"].endswith(f"/feedback/track/{feedback.tracking_code}/")
    assert "api_key" not in feedback.events.first().data


def test_submission_about_a_place(client, world):
    response = post(
        client, {"category": "edu-building", "area": "6504", "description": "Сумын төвд цэцэрлэг хүрэлцэхгүй байна."}
    )
    assert response.status_code == 201, response.json()
    feedback = Feedback.objects.get(tracking_code=response.json()["tracking_code"])
    assert feedback.admin_unit.code == "6504"
    assert feedback.handling_organization == world.personas.education_dept


def test_anonymous_privacy_stores_nothing_about_the_reporter(client, world):
    response = post(client, body(world, privacy="anonymous", name="X", phone="99114455", email="x@example.mn"))
    assert response.status_code == 201
    assert not Reporter.objects.filter(feedback__tracking_code=response.json()["tracking_code"]).exists()


def test_a_write_key_submits_idempotently_and_is_recorded(client, world):
    key = bearer(world.write_key)
    first = post(client, body(world, external_id="crm-17"), **key)
    again = post(client, body(world, external_id="crm-17"), **key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["tracking_code"] == again.json()["tracking_code"]
    assert again.json()["created"] is False
    feedback = Feedback.objects.get(tracking_code=first.json()["tracking_code"])
    assert feedback.external_id == f"{world.personas.education_dept.code}:crm-17"
    submitted = feedback.events.get(type=Event.Type.SUBMITTED)
    assert submitted.data["api_key"] == world.write_api_key.prefix
    # another organisation's key with the same id gets its own item
    other = post(client, body(world, external_id="crm-17"), **bearer(world.other_write_key))
    assert other.status_code == 201
    assert other.json()["tracking_code"] != first.json()["tracking_code"]


def test_only_keys_send_an_external_id(client, world):
    response = post(client, body(world, external_id="x1"))
    assert response.status_code == 400
    assert "external_id" in response.json()["error"]["fields"]


def test_validation_errors_name_the_fields(client, world):
    response = post(
        client,
        {
            "facility": "NOSUCH99",
            "area": "6504",
            "description": "short",
            "privacy": "public",
            "phone": "123",
            "kind": "rant",
        },
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) >= {"category", "facility", "description", "phone", "kind"}
    assert all(isinstance(m, str) for messages in error["fields"].values() for m in messages)


def test_facility_or_area_and_matching_sector(client, world):
    neither = post(client, {"category": "edu-meals", "description": "Үдийн цай хүйтэн байна."})
    assert "facility" in neither.json()["error"]["fields"]
    both = post(client, body(world, area="6504"))
    assert "facility" in both.json()["error"]["fields"]
    wrong_sector = post(client, body(world, category="health-waiting"))
    assert "category" in wrong_sector.json()["error"]["fields"]
    public_without_name = post(client, body(world, privacy="public"))
    assert "name" in public_without_name.json()["error"]["fields"]
    aimag = post(client, {"category": "edu-building", "area": "65", "description": "Аймгийн төвд асуудал байна."})
    assert "area" in aimag.json()["error"]["fields"]


def test_anonymous_submissions_share_the_web_forms_rate_limit(client, world, settings):
    settings.FEEDBACK_RATE_PER_IP = "2/h"
    assert post(client, body(world)).status_code == 201
    assert post(client, body(world)).status_code == 201
    third = post(client, body(world))
    assert third.status_code == 429
    assert third.json()["error"]["code"] == "throttled"
    # an organisation's system is not limited per address
    assert post(client, body(world), **bearer(world.write_key)).status_code == 201


def test_per_phone_limit(client, world, settings):
    settings.FEEDBACK_PER_PHONE_PER_DAY = 1
    assert post(client, body(world, phone="99114455")).status_code == 201
    second = post(client, body(world, phone="+976 9911 4455"))
    assert second.status_code == 400
    assert "phone" in second.json()["error"]["fields"]
