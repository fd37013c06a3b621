"""GET servicerequestupdates as FixMyStreet reads it: the item's state after each update in
mySociety's vocabulary, a description on every update, and windows that lose nothing.

FixMyStreet (perllib/Open311/GetServiceRequestUpdates.pm) asks every few minutes for the last two
hours with ``api_key``, ``jurisdiction_id``, ``start_date`` and ``end_date`` in the ``…Z`` form,
parses ``service_request_updates/request_update`` and maps ``status`` (FIXED, NO_FURTHER_ACTION,
INTERNAL_REFERRAL…) onto its own states; an OPEN after a fix reopens the report there.
"""

from datetime import UTC, datetime, timedelta

import pytest
import requests
import time_machine
import xmltodict

from iltod.accounts.models import ApiKey
from iltod.accounts.services import create_api_key
from iltod.feedback import services
from iltod.feedback.models import Category, Event, Feedback

pytestmark = pytest.mark.django_db(transaction=True)

Status = Feedback.Status


@pytest.fixture
def world(personas):
    _key, read = create_api_key(actor=personas.admin, organization=personas.cso, name="fms", scope=ApiKey.Scope.READ)
    return {"personas": personas, "key": read, "category": Category.objects.get(code="edu-meals")}


def submit(world, text="Үдийн хоол хүйтэн"):
    feedback, _ = services.submit_feedback(
        services.Submission(
            kind="complaint", category=world["category"], description=text, service_unit=world["personas"].school
        )
    )
    return feedback


def fetch(live_server, world, fmt="json", **params) -> tuple[list[dict], requests.Response]:
    """The request FixMyStreet makes; the updates as a list whatever the format."""
    params = {"api_key": world["key"], "jurisdiction_id": "", **params}
    response = requests.get(f"{live_server.url}/open311/v2/servicerequestupdates.{fmt}", params=params, timeout=10)
    assert response.status_code == 200, response.content
    if fmt == "json":
        return response.json(), response
    parsed = xmltodict.parse(response.content, force_list={"request_update"})["service_request_updates"]
    return (parsed or {}).get("request_update", []), response


def w3c(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_each_update_carries_the_state_after_it_and_an_answer_after_the_fix_stays_fixed(live_server, world, fmt):
    provider = world["personas"].provider
    feedback = submit(world)
    services.change_status(feedback, Status.ACKNOWLEDGED, actor=provider)
    services.change_status(feedback, Status.IN_PROGRESS, actor=provider)
    services.change_status(feedback, Status.ACTION_SCHEDULED, actor=provider, text="Даваа гарагт засна.")
    services.change_status(feedback, Status.RESOLVED, actor=provider, text="Халаагуур солив.")
    services.respond(feedback, actor=provider, text="Дахин шалгахад хоол халуун байсан.", public=True)
    services.change_status(feedback, Status.CLOSED, actor=provider)

    updates, _response = fetch(live_server, world, fmt)
    mine = [u for u in updates if u["service_request_id"] == feedback.tracking_code]
    # The submission and its first routing are the request itself, not updates of it.
    assert [u["status"] for u in mine] == [
        "INVESTIGATING",
        "IN_PROGRESS",
        "ACTION_SCHEDULED",
        "FIXED",
        "FIXED",  # the public answer after the fix does not reopen the report
        "CLOSED",
    ]
    assert mine[-2]["description"] == "Дахин шалгахад хоол халуун байсан."
    assert all(u["description"].strip() for u in mine)  # no blank comment for FixMyStreet to store
    assert mine[0]["description"] == "Төлөв «хүлээн авсан» боллоо."  # the status sentence, translated
    assert len({u["update_id"] for u in mine}) == len(mine)
    assert all(u["updated_datetime"] for u in mine)


def test_no_further_action_referral_and_duplicate_keep_their_own_meaning(live_server, world):
    personas = world["personas"]
    unable = submit(world, "Шат эвдэрсэн")
    services.change_status(unable, Status.NO_FURTHER_ACTION, actor=personas.provider, text="Төсөв байхгүй.")
    referred = submit(world, "Багш ирдэггүй")
    services.refer(referred, actor=personas.provider, organization=personas.education_dept, reason="Газрын асуудал.")
    original, copy = submit(world, "Ус байхгүй"), submit(world, "Ус алга")
    services.mark_duplicate(copy, actor=personas.provider, original=original)

    updates, _response = fetch(live_server, world)
    last = {u["service_request_id"]: u for u in updates}  # oldest first: the last one wins
    assert last[unable.tracking_code]["status"] == "NO_FURTHER_ACTION"
    assert last[referred.tracking_code]["status"] == "INTERNAL_REFERRAL"
    assert last[copy.tracking_code]["status"] == "DUPLICATE"
    assert original.tracking_code in last[copy.tracking_code]["description"]


def test_a_reopened_report_goes_back_in_progress(live_server, world):
    feedback = submit(world)
    services.change_status(feedback, Status.RESOLVED, actor=world["personas"].provider, text="Засав.")
    services.reopen(feedback, reason="Засаагүй байна.")
    updates, _response = fetch(live_server, world)
    assert [u["status"] for u in updates if u["service_request_id"] == feedback.tracking_code] == [
        "FIXED",
        "IN_PROGRESS",
    ]


def test_consecutive_windows_give_every_update_exactly_once(live_server, world):
    provider = world["personas"].provider
    boundary = datetime(2026, 11, 2, 4, 0, 0, tzinfo=UTC)
    with time_machine.travel(boundary - timedelta(minutes=30), tick=False):
        feedback = submit(world)
    with time_machine.travel(boundary - timedelta(minutes=10), tick=False):
        services.change_status(feedback, Status.ACKNOWLEDGED, actor=provider)
    with time_machine.travel(boundary, tick=False):  # exactly on the edge of two windows
        services.change_status(feedback, Status.IN_PROGRESS, actor=provider)
    with time_machine.travel(boundary + timedelta(minutes=10), tick=False):
        services.change_status(feedback, Status.RESOLVED, actor=provider, text="Засав.")

    first, _r = fetch(live_server, world, start_date=w3c(boundary - timedelta(hours=2)), end_date=w3c(boundary))
    second, _r = fetch(live_server, world, start_date=w3c(boundary), end_date=w3c(boundary + timedelta(hours=2)))
    assert [u["status"] for u in first] == ["INVESTIGATING"]
    assert [u["status"] for u in second] == ["IN_PROGRESS", "FIXED"]


def test_a_busy_window_is_paged_with_a_next_link_and_loses_nothing(live_server, world):
    provider = world["personas"].provider
    start = datetime(2026, 11, 2, 0, 0, 0, tzinfo=UTC)
    expected = []
    for minute in range(5):
        with time_machine.travel(start + timedelta(minutes=minute), tick=False):
            item = submit(world, f"Асуудал {minute}")
            # two updates in the same microsecond: the id orders them
            services.change_status(item, Status.ACKNOWLEDGED, actor=provider)
            services.change_status(item, Status.IN_PROGRESS, actor=provider)
        expected += [f"{item.tracking_code}:INVESTIGATING", f"{item.tracking_code}:IN_PROGRESS"]

    window = {"start_date": w3c(start), "end_date": w3c(start + timedelta(hours=1)), "page_size": 3}
    page, response = fetch(live_server, world, "xml", **window)
    seen = [f"{u['service_request_id']}:{u['status']}" for u in page]
    while "next" in response.links:
        assert len(page) == 3
        response = requests.get(response.links["next"]["url"], timeout=10)
        parsed = xmltodict.parse(response.content, force_list={"request_update"})["service_request_updates"]
        page = (parsed or {}).get("request_update", [])
        seen += [f"{u['service_request_id']}:{u['status']}" for u in page]
    assert seen == expected  # every update once, in the order they happened


def test_an_unknown_cursor_is_a_400_in_the_spec_format(live_server, world):
    response = requests.get(
        f"{live_server.url}/open311/v2/servicerequestupdates.xml", params={"after": "IL-26-XXXXX-999999"}, timeout=10
    )
    assert response.status_code == 400
    assert xmltodict.parse(response.content)["errors"]["error"]["code"] == "400"


def test_updates_are_read_in_a_fixed_number_of_queries(live_server, world, django_assert_max_num_queries):
    provider = world["personas"].provider
    for i in range(6):
        item = submit(world, f"Асуудал {i}")
        services.change_status(item, Status.ACKNOWLEDGED, actor=provider)
    from django.test import Client

    with django_assert_max_num_queries(4):
        response = Client().get("/open311/v2/servicerequestupdates.json")
    assert len(response.json()) == 6


def test_internal_notes_and_unmoderated_citizen_words_are_not_served(live_server, world):
    feedback = submit(world)
    services.respond(feedback, actor=world["personas"].provider, text="Дотоод тэмдэглэл", public=False)
    services.add_citizen_update(feedback, text="Захирал худлаа ярьдаг, утас 99112233")
    updates, _response = fetch(live_server, world)
    assert not [u for u in updates if u["service_request_id"] == feedback.tracking_code]
    assert Event.objects.filter(feedback=feedback, type=Event.Type.CITIZEN_UPDATE).exists()


def test_a_citizens_update_published_after_the_last_poll_appears_in_the_next_poll_exactly_once(live_server, world):
    provider = world["personas"].provider
    written = datetime(2026, 11, 2, 4, 0, 0, tzinfo=UTC)
    with time_machine.travel(written - timedelta(minutes=30), tick=False):
        feedback = submit(world)
    with time_machine.travel(written, tick=False):
        update = services.add_citizen_update(feedback, text="Өнөөдөр ч хоол хүйтэн байлаа.")
    with time_machine.travel(written + timedelta(minutes=20), tick=False):
        services.change_status(feedback, Status.RESOLVED, actor=provider, text="Халаагуур солив.")
    published = written + timedelta(hours=3)  # moderated long after the client's overlap
    with time_machine.travel(published, tick=False):
        services.moderate_event(update, actor=provider, publish=True)

    def poll(start, end):
        updates, _r = fetch(live_server, world, start_date=w3c(start), end_date=w3c(end))
        return [u for u in updates if u["service_request_id"] == feedback.tracking_code]

    # FixMyStreet's polls: the last two hours, moving forward
    before = poll(written - timedelta(hours=1), written + timedelta(hours=1))
    assert [u["status"] for u in before] == ["FIXED"]  # the update waits for its moderator
    seen = before
    for hour in (1, 2, 3, 4):
        seen += poll(written + timedelta(hours=hour - 1), written + timedelta(hours=hour + 1))
    late = [u for u in seen if u["update_id"] == f"{feedback.tracking_code}-{update.pk}"]
    assert len({u["update_id"] for u in late}) == 1
    (first,) = poll(published, published + timedelta(hours=2))  # once in windows that do not overlap
    assert first["description"] == "Өнөөдөр ч хоол хүйтэн байлаа."
    assert datetime.fromisoformat(first["updated_datetime"]) == published  # when it became public
    # the state of when it was published: the late comment does not reopen the fixed report
    assert first["status"] == "FIXED"
    assert poll(published - timedelta(hours=2), published) == []
    assert poll(published + timedelta(seconds=1), published + timedelta(hours=2)) == []


def test_a_cursor_on_an_unpublished_update_is_a_400(live_server, world):
    feedback = submit(world)
    pending = services.add_citizen_update(feedback, text="Хоол хүйтэн")
    response = requests.get(
        f"{live_server.url}/open311/v2/servicerequestupdates.json",
        params={"after": f"{feedback.tracking_code}-{pending.pk}"},
        timeout=10,
    )
    assert response.status_code == 400


def test_public_events_recorded_before_publication_times_existed_are_published_when_written(world):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("iltod.feedback.migrations.0010_publication_time_of_public_events")
    feedback = submit(world)
    services.add_citizen_update(feedback, text="Хоол хүйтэн")
    services.respond(feedback, actor=world["personas"].provider, text="Дотоод", public=False)
    Event.objects.update(published_at=None)
    migration.fill_published_at(apps, None)
    for event in Event.objects.all():
        expected = event.created_at if event.is_public and event.moderation == "published" else None
        assert event.published_at == expected, event.type
