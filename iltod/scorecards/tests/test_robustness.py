"""Bad input to every score card form, upload and the KoBo webhook: a clear translated message or
a 404, never a 500, and never a partial write."""

import json
import uuid
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from iltod.scorecards import fieldwork, services
from iltod.scorecards.models import (
    CycleIndicator,
    FieldSubmission,
    FocusGroup,
    Indicator,
    InputItem,
    Score,
    ScoreRevision,
    Stage,
)

from .helpers import action_url, add_group, advance_to, close, make_cycle

SECRET = "kobo-secret"


@pytest.fixture
def women(personas, cycle):
    return add_group(personas, cycle, FocusGroup.Kind.WOMEN)


def action(client, cycle, data, files=None):
    """Post the fields of one of the cycle page's forms to that change's own URL."""
    data = dict(data)
    url = action_url(cycle, data.pop("action"))
    return client.post(url, {**data, **(files or {})}, follow=True, HTTP_ACCEPT_LANGUAGE="en")


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def payload(cycle, group, values, uid=None):
    data = {"_uuid": uid or str(uuid.uuid4()), "cycle": cycle.code, "group": group.code}
    data.update({f"i{n}": v for n, v in values.items()})
    return data


# ---------------------------------------------------------------------------------------------
# KoBo submissions


@pytest.mark.parametrize("value", ["1e400", "inf", "-inf", "nan", "3.5", "four", "1e3"])
def test_a_score_that_is_not_a_whole_number_on_the_scale_is_kept_as_an_error(personas, cycle, women, value):
    with translation.override("en"):
        outcome = fieldwork.import_submission(payload(cycle, women, {1: value, 2: 4}))
    assert outcome.submission.status == FieldSubmission.Status.ERROR
    assert "Indicator 1" in outcome.error
    assert not Score.objects.filter(group=women).exists()  # not even indicator 2: nothing half-imported


def test_a_submission_id_longer_than_the_column_is_refused_without_a_write(personas, cycle, women):
    with translation.override("en"):
        outcome = fieldwork.import_submission(payload(cycle, women, {1: 3}, uid="x" * 101))
    assert outcome.submission is None
    assert "too long" in outcome.error
    assert not FieldSubmission.objects.exists()


def test_the_webhook_answers_a_long_submission_id_with_a_400(client, settings, personas, cycle, women):
    settings.KOBO_WEBHOOK_SECRET = SECRET
    body = json.dumps(payload(cycle, women, {1: 3}, uid="y" * 500))
    response = client.post(
        reverse("scorecards:kobo_webhook"), body, content_type="application/json", HTTP_X_ILTOD_SECRET=SECRET
    )
    assert response.status_code == 400
    assert not FieldSubmission.objects.exists()


@pytest.mark.parametrize("body", [b"[]", b'"text"', b"42", b"null", b"{broken", b"\xff\xfe"])
def test_the_webhook_refuses_a_body_that_is_not_a_json_object(client, settings, db, body):
    settings.KOBO_WEBHOOK_SECRET = SECRET
    response = client.post(
        reverse("scorecards:kobo_webhook"), body, content_type="application/json", HTTP_X_ILTOD_SECRET=SECRET
    )
    assert response.status_code == 400
    assert response.json()["status"] == "error"
    assert not FieldSubmission.objects.exists()


def test_a_submission_for_a_closed_cycle_is_kept_with_its_error(personas, cycle, women):
    close(personas, cycle)
    with translation.override("en"):
        outcome = fieldwork.import_submission(payload(cycle, women, {1: 3}))
    assert outcome.submission.status == FieldSubmission.Status.ERROR
    assert "closed" in outcome.error
    assert not Score.objects.exists()


def test_a_group_of_another_cycle_is_an_unknown_group(personas, cycle, women):
    other = make_cycle(personas, title="Autumn 2026")
    stranger = add_group(personas, other, FocusGroup.Kind.MEN)
    with translation.override("en"):
        outcome = fieldwork.import_submission(payload(cycle, stranger, {1: 3}) | {"group": stranger.code})
    assert "Unknown focus group" in outcome.error
    assert not Score.objects.exists()


def test_an_upload_cannot_touch_a_submission_of_a_cycle_the_uploader_does_not_run(client, personas, cycle, women):
    other = make_cycle(personas, title="Autumn 2026")
    men = add_group(personas, other, FocusGroup.Kind.MEN)
    uid = str(uuid.uuid4())
    fieldwork.import_submission(payload(other, men, {1: "bad"}, uid=uid))
    stored = FieldSubmission.objects.get(external_id=uid)
    assert stored.cycle == other and stored.status == FieldSubmission.Status.ERROR
    forged = payload(cycle, women, {1: 2}, uid=uid)
    client.force_login(personas.monitor)
    response = action(
        client, cycle, {"action": "upload"}, {"file": SimpleUploadedFile("x.json", json.dumps([forged]).encode())}
    )
    assert response.status_code == 200
    stored.refresh_from_db()
    assert stored.cycle == other
    assert stored.payload["i1"] == "bad"  # the other cycle's submission is untouched
    assert not Score.objects.exists()


def test_an_uploaded_submission_of_another_cycle_is_listed_on_the_uploading_cycle(client, personas, cycle, women):
    other = make_cycle(personas, title="Autumn 2026")
    men = add_group(personas, other, FocusGroup.Kind.MEN)
    client.force_login(personas.monitor)
    upload = SimpleUploadedFile("x.json", json.dumps([payload(other, men, {1: 2})]).encode())
    response = action(client, cycle, {"action": "upload"}, {"file": upload})
    assert any("another cycle" in m for m in messages_of(response))
    assert FieldSubmission.objects.get().cycle == cycle
    assert not Score.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("x.json", b"", "empty"),
        ("x.json", b"{broken", "not valid JSON"),
        ("x.json", b'{"results": "nope"}', "list of submissions"),
        ("x.json", b"[1, 2]", "list of submissions"),
        ("x.xlsx", b"PK\x03\x04 not really a workbook", ""),
        ("x.csv", b"", ""),
    ],
)
def test_a_malformed_upload_is_refused_with_a_message(client, personas, cycle, name, content, message):
    client.force_login(personas.monitor)
    response = action(client, cycle, {"action": "upload"}, {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 200
    errors = [m for m in response.context["messages"] if m.level_tag == "error"]
    assert errors and message in str(errors[0])
    assert not FieldSubmission.objects.exists()


def test_a_huge_json_upload_is_refused_before_it_is_read(client, personas, cycle, settings):
    client.force_login(personas.monitor)
    huge = SimpleUploadedFile("x.json", b"[" + b" " * (fieldwork.MAX_UPLOAD_BYTES + 1) + b"]")
    response = action(client, cycle, {"action": "upload"}, {"file": huge})
    assert any("too large" in m for m in messages_of(response))


# ---------------------------------------------------------------------------------------------
# Forms of the cycle page


def test_an_interface_meeting_whose_actions_are_due_before_it_is_refused(client, personas, cycle):
    client.force_login(personas.monitor)
    response = action(
        client, cycle, {"action": "interface", "held_on": "2026-05-10", "count": "3", "due_on": "2026-05-01"}
    )
    assert any("after the meeting" in m for m in messages_of(response))
    cycle.refresh_from_db()
    assert cycle.interface_meeting_id is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "entitled": "3"}, "required"),
        ({"name": "Teachers", "entitled": "-3"}, "negative"),
        ({"name": "Teachers", "actual": "-1"}, "negative"),
        ({"name": "Teachers", "entitled": "abc"}, "number"),
        ({"name": "Teachers", "entitled": "1e20"}, "digits"),
        ({"name": "Teachers", "checked_on": "2999-01-01"}, "future"),
        ({"name": "Teachers", "checked_on": "31.02.2026"}, "date"),
    ],
)
def test_a_bad_input_line_is_refused_with_a_message(client, personas, cycle, data, message):
    client.force_login(personas.monitor)
    response = action(client, cycle, {"action": "input", **data})
    assert any(message in m for m in messages_of(response)), messages_of(response)
    assert not InputItem.objects.exists()


def test_an_input_line_of_another_cycle_is_not_found(client, personas, cycle):
    other = make_cycle(personas, title="Autumn 2026")
    item = services.record_input(actor=personas.monitor, cycle=other, data={"name": "Books"})
    client.force_login(personas.monitor)
    for value in (str(item.pk), "abc", "-1", "99999999999999999999"):
        response = action(client, cycle, {"action": "input", "item": value, "name": "Changed"})
        assert response.status_code == 404
    item.refresh_from_db()
    assert item.name == "Books"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "aliens", "participants_female": "3"}, "valid choice"),
        ({"kind": "women", "participants_female": "-3"}, "greater than or equal to 0"),
        ({"kind": "women", "participants_female": "many"}, "whole number"),
        ({"kind": "women", "participants_female": "99999999999"}, "less than or equal to"),
        ({"kind": "women", "participants_female": "3", "held_on": "2999-01-01"}, "future"),
    ],
)
def test_a_bad_focus_group_is_refused_with_a_message(client, personas, cycle, data, message):
    client.force_login(personas.monitor)
    response = action(client, cycle, {"action": "group", "participants_male": "0", **data})
    assert any(message in m for m in messages_of(response)), messages_of(response)
    assert not FocusGroup.objects.exists()


def test_stage_dates_out_of_order_are_refused_and_nothing_is_saved(client, personas, cycle):
    client.force_login(personas.monitor)
    response = action(
        client, cycle, {"action": "plan", Stage.PLANNING: "2026-05-01", Stage.INPUT_TRACKING: "2026-04-01"}
    )
    assert any("cannot end before" in m for m in messages_of(response))
    assert not cycle.plans.filter(planned_end__isnull=False).exists()


@pytest.mark.parametrize("stage", ["", "bogus", Stage.PLANNING, Stage.COMMUNITY_SCORING, Stage.CLOSED])
def test_a_cycle_cannot_move_to_an_unknown_earlier_or_later_than_next_stage(client, personas, cycle, stage):
    client.force_login(personas.monitor)
    response = action(client, cycle, {"action": "advance", "stage": stage})
    assert response.status_code == 200
    assert messages_of(response)
    cycle.refresh_from_db()
    assert cycle.stage == Stage.PLANNING


def test_an_unknown_library_code_or_one_of_another_sector_is_refused(client, personas, cycle):
    client.force_login(personas.monitor)
    count = cycle.indicators.count()
    response = action(client, cycle, {"action": "library", "indicator": "no-such-code"})
    assert any("Choose an indicator" in m for m in messages_of(response))
    health = Indicator.objects.active().exclude(sector=cycle.service_unit.sector).first()
    response = action(client, cycle, {"action": "library", "indicator": health.code})
    assert any("another sector" in m for m in messages_of(response)), messages_of(response)
    assert cycle.indicators.count() == count


def test_an_empty_community_indicator_is_refused(client, personas, cycle):
    client.force_login(personas.monitor)
    count = CycleIndicator.objects.count()
    response = action(client, cycle, {"action": "indicator", "text_mn": "   ", "text_en": "x"})
    assert any("required" in m for m in messages_of(response))
    assert CycleIndicator.objects.count() == count


# ---------------------------------------------------------------------------------------------
# The score sheet


@pytest.mark.parametrize("value", ["0", "6", "-1", "abc", "2.5", "99999999"])
def test_an_out_of_scale_score_in_the_grid_saves_nothing(client, personas, cycle, women, value):
    client.force_login(personas.monitor)
    url = reverse("scorecards:sheet", args=[cycle.code, women.code])
    response = client.post(url, {"action": "save", "score_1": "3", "score_2": value}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert any("not valid" in m for m in messages_of(response))
    assert not Score.objects.exists() and not ScoreRevision.objects.exists()


def test_sending_an_empty_sheet_for_approval_saves_nothing(client, personas, cycle, women):
    client.force_login(personas.monitor)
    url = reverse("scorecards:sheet", args=[cycle.code, women.code])
    response = client.post(url, {"action": "submit", "reason_1": "only a reason"}, HTTP_ACCEPT_LANGUAGE="en")
    assert any("at least one score" in m for m in messages_of(response))
    women.refresh_from_db()
    assert women.status == FocusGroup.SheetStatus.DRAFT
    assert not Score.objects.exists()


def test_a_returned_sheet_needs_a_reason(client, personas, cycle, women):
    services.save_scores(actor=personas.monitor, group=women, entries={1: services.Entry(3)}, submit=True)
    client.force_login(personas.coordinator)
    url = reverse("scorecards:sheet_return", args=[cycle.code, women.code])
    response = client.post(url, {"reason": "  "}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert any("required" in m for m in messages_of(response))
    women.refresh_from_db()
    assert women.status == FocusGroup.SheetStatus.SUBMITTED


# ---------------------------------------------------------------------------------------------
# Who may post what (IDOR by code)


@pytest.mark.parametrize("who", ["provider", "citizen", "other_officer", "officer"])
def test_only_runners_change_a_cycle(client, personas, cycle, women, who):
    client.force_login(getattr(personas, who))
    for data in (
        {"action": "plan", Stage.PLANNING: "2026-05-01"},
        {"action": "advance", "stage": Stage.INPUT_TRACKING},
        {"action": "skip", "stage": Stage.PLANNING, "reason": "No time"},
        {"action": "library", "indicator": "no-such-code"},
        {"action": "indicator", "text_mn": "Шинэ"},
        {"action": "input", "name": "Teachers"},
        {"action": "group", "kind": FocusGroup.Kind.MEN, "participants_female": "0", "participants_male": "5"},
        {"action": "interface", "held_on": "2026-05-10", "count": "3"},
        {"action": "upload"},
    ):
        assert action(client, cycle, data).status_code == 404, data
    url = reverse("scorecards:sheet", args=[cycle.code, women.code])
    assert client.post(url, {"action": "save", "score_1": "1"}).status_code == 404
    assert not Score.objects.exists()
    cycle.refresh_from_db()
    assert cycle.stage == Stage.PLANNING
    assert not InputItem.objects.exists()


def test_the_provider_enters_only_its_own_sheet(client, personas, cycle, women):
    client.force_login(personas.provider)
    data = {"action": "group", "kind": FocusGroup.Kind.PROVIDER, "participants_female": "2", "participants_male": "1"}
    response = action(client, cycle, data)
    assert response.status_code == 200
    own = FocusGroup.objects.get(kind=FocusGroup.Kind.PROVIDER)
    url = reverse("scorecards:sheet", args=[cycle.code, own.code])
    assert client.post(url, {"action": "save", "score_1": "5"}).status_code == 302
    url = reverse("scorecards:sheet", args=[cycle.code, women.code])
    assert client.post(url, {"action": "save", "score_1": "1"}).status_code == 404
    for name in ("sheet_approve", "sheet_return"):
        response = client.post(reverse(f"scorecards:{name}", args=[cycle.code, women.code]), {"reason": "x"})
        assert response.status_code == 404
    assert not women.scores.exists()


def test_a_group_code_of_another_cycle_is_not_found(client, personas, cycle):
    other = make_cycle(personas, title="Autumn 2026")
    stranger = add_group(personas, other, FocusGroup.Kind.MEN)
    client.force_login(personas.monitor)
    assert client.get(reverse("scorecards:sheet", args=[cycle.code, stranger.code])).status_code == 404
    url = reverse("scorecards:sheet", args=[cycle.code, stranger.code])
    assert client.post(url, {"action": "save", "score_1": "1"}).status_code == 404


def test_an_open_cycle_has_no_public_report(client, personas, cycle):
    assert client.get(reverse("scorecards:public_report", args=[cycle.code])).status_code == 404
    assert client.get(reverse("scorecards:public_report", args=["NOPE"])).status_code == 404


@pytest.mark.parametrize(
    "query", ["?aimag=NOPE", "?sector=zzz", "?by=everything", "?project=x", "?page=abc", "?page=-1&by=indicator"]
)
def test_public_filters_with_bad_values_still_answer(client, db, query):
    assert client.get(reverse("scorecards:overview") + query).status_code == 200
    assert client.get(reverse("scorecards:public_list") + query).status_code == 200


def test_a_date_far_in_the_past_or_future_is_accepted_only_where_it_makes_sense(client, personas, cycle):
    client.force_login(personas.monitor)
    response = action(client, cycle, {"action": "plan", Stage.PLANNING: "0001-01-01"})
    assert response.status_code == 200
    assert cycle.plans.get(stage=Stage.PLANNING).planned_end in {None, date(1, 1, 1)}


def test_the_interface_meeting_works_at_a_facility_without_an_operator(personas, library):
    from iltod.core.testing import make_facility

    from .helpers import score

    facility = make_facility(personas.geo.soum, "Бие даасан цэцэрлэг", "Independent kindergarten")
    cycle = make_cycle(personas, title="Kindergarten 2026", service_unit=facility)
    score(personas, add_group(personas, cycle, FocusGroup.Kind.PARENTS), {1: 2, 2: 3})
    cycle = advance_to(personas.monitor, cycle, Stage.INTERFACE_MEETING)
    cycle = services.hold_interface_meeting(actor=personas.coordinator, cycle=cycle, held_on=date(2026, 4, 2))
    assert cycle.action_plan.actions.count() >= 1
    assert not cycle.action_plan.actions.exclude(lead_organization=None).exists()


def test_a_closed_cycle_holds_no_interface_meeting(client, personas, cycle):
    close(personas, cycle)
    client.force_login(personas.monitor)
    response = action(client, cycle, {"action": "interface", "held_on": "2026-05-10", "count": "3"})
    assert any("closed" in m for m in messages_of(response))
    cycle.refresh_from_db()
    assert cycle.interface_meeting_id is None and cycle.action_plan_id is None


def test_the_webhook_refuses_a_body_larger_than_allowed(client, settings, personas, cycle, women):
    settings.KOBO_WEBHOOK_SECRET = SECRET
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps(payload(cycle, women, {1: 3}) | {"i1_reason": "x" * 5000})
    response = client.post(
        reverse("scorecards:kobo_webhook"), body, content_type="application/json", HTTP_X_ILTOD_SECRET=SECRET
    )
    assert response.status_code == 400
    assert not FieldSubmission.objects.exists() and not Score.objects.exists()
