"""POST servicerequestupdates (mySociety's extension) as FixMyStreet sends it.

FixMyStreet (perllib/Open311.pm, ``_populate_service_request_update_params``) posts, form-encoded,
``jurisdiction_id``, ``api_key``, ``service_request_id`` (our tracking code), ``update_id`` (its
comment's id), ``updated_datetime``, ``status`` (OPEN/CLOSED, or the extended states),
``description``, ``first_name``, ``last_name``, ``email`` and maybe ``phone`` and ``media_url``, and
reads ``service_request_updates/request_update[0]/update_id`` from the answer. When an answer is lost
it sends the same comment again.
"""

import pytest
import requests
import xmltodict

from iltod.accounts.models import ApiKey
from iltod.accounts.services import create_api_key
from iltod.feedback import services
from iltod.feedback.models import Category, Event, Feedback
from iltod.feedback.permissions import key_actor

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(personas):
    fms, write = create_api_key(actor=personas.admin, organization=personas.cso, name="fms", scope=ApiKey.Scope.WRITE)
    _key, read = create_api_key(actor=personas.admin, organization=personas.cso, name="ro", scope=ApiKey.Scope.READ)
    _key, other = create_api_key(
        actor=personas.admin, organization=personas.network, name="other app", scope=ApiKey.Scope.WRITE
    )
    feedback, _ = services.submit_feedback(
        services.Submission(
            kind="complaint",
            category=Category.objects.get(code="edu-meals"),
            description="Үдийн хоол хүйтэн",
            service_unit=personas.school,
            channel=Feedback.Channel.OPEN311,
        ),
        actor=key_actor(fms),  # submitted by this client: only its organisation may post updates
    )
    return {"personas": personas, "write": write, "read": read, "other": other, "feedback": feedback}


def fms_update(world, **changes) -> dict:
    data = {
        "jurisdiction_id": "",
        "api_key": world["write"],
        "service_request_id": world["feedback"].tracking_code,
        "update_id": "4821",
        "updated_datetime": "2026-11-03T09:15:00+08:00",
        "status": "OPEN",
        "description": "Өнөөдөр ч хоол хүйтэн байсан. Утас 99112233",
        "first_name": "Бат",
        "last_name": "Дорж",
        "email": "bat@example.mn",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def post(live_server, data, fmt="xml"):
    return requests.post(f"{live_server.url}/open311/v2/servicerequestupdates.{fmt}", data=data, timeout=10)


def citizen_updates(feedback):
    return Event.objects.filter(feedback=feedback, type=Event.Type.CITIZEN_UPDATE)


def test_a_citizens_update_becomes_a_moderated_update_of_the_item_with_its_id(live_server, world):
    response = post(live_server, fms_update(world))
    assert response.status_code == 200, response.content
    parsed = xmltodict.parse(response.content, force_list={"request_update"})
    update_id = parsed["service_request_updates"]["request_update"][0]["update_id"]

    event = citizen_updates(world["feedback"]).get()
    assert event.text == "Өнөөдөр ч хоол хүйтэн байсан. Утас 99112233"
    assert event.data["channel"] == Feedback.Channel.OPEN311
    assert event.moderation == Feedback.Moderation.PENDING  # public only once a moderator publishes it
    assert update_id == f"{world['feedback'].tracking_code}-{event.pk}"

    # Not in the feed before moderation; once published, under the same id, so FixMyStreet (which
    # stored that id with its comment) does not import its own comment back.
    feed = f"{live_server.url}/open311/v2/servicerequestupdates.json"
    assert update_id not in [u["update_id"] for u in requests.get(feed, timeout=10).json()]
    services.moderate_event(event, actor=world["personas"].provider, publish=True)
    served = {u["update_id"]: u for u in requests.get(feed, timeout=10).json()}[update_id]
    assert "99112233" not in served["description"]
    assert served["status"] == "OPEN"


def test_a_resent_update_is_stored_once_and_answered_with_the_same_id(live_server, world):
    first = post(live_server, fms_update(world), fmt="json")
    again = post(live_server, fms_update(world), fmt="json")
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json() and first.json()[0]["update_id"]
    assert citizen_updates(world["feedback"]).count() == 1
    # Another comment is another update; another organisation's client did not submit the item
    # and may not post to it.
    assert post(live_server, fms_update(world, update_id="4822"), fmt="json").status_code == 200
    assert post(live_server, fms_update(world, api_key=world["other"]), fmt="json").status_code == 404
    assert citizen_updates(world["feedback"]).count() == 2


def test_older_clients_sending_update_id_ext_are_idempotent_too(live_server, world):
    data = fms_update(world, update_id=None, update_id_ext="77")
    assert post(live_server, data).content == post(live_server, data).content
    assert citizen_updates(world["feedback"]).count() == 1


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"api_key": None}, 403),
        ({"api_key": "il_nope_nope"}, 403),
        ({"api_key": "READ"}, 403),
        ({"service_request_id": "IL-26-ZZZZZ"}, 404),
        ({"service_request_id": None}, 400),
        ({"description": ""}, 400),
        ({"jurisdiction_id": "84"}, 404),  # the item is in Arkhangai, not Khovd
    ],
)
def test_bad_updates_get_the_specs_error_and_store_nothing(live_server, world, fmt, change, status):
    if change.get("api_key") == "READ":
        change = {"api_key": world["read"]}
    response = post(live_server, fms_update(world, **change), fmt=fmt)
    assert response.status_code == status, response.content
    if fmt == "json":
        error = response.json()[0]
    else:
        error = xmltodict.parse(response.content)["errors"]["error"]
    assert int(error["code"]) == status and error["description"]
    assert not citizen_updates(world["feedback"]).exists()
