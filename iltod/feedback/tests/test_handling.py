import csv
import io
from datetime import datetime, timedelta

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from iltod.feedback import services, stats
from iltod.feedback.models import Event, Feedback, Stat
from iltod.feedback.permissions import staff_feedback
from iltod.lib.redact import MASK
from iltod.notifications.models import OutboundMessage

from .helpers import TUESDAY, UB, at, category, reload, submit

S = Feedback.Status
INBOX = reverse("feedback:inbox")


@pytest.fixture(autouse=True)
def _tuesday(time_machine):
    time_machine.move_to(TUESDAY, tick=False)


def staff_client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def in_status(world, status, **fields) -> Feedback:
    """A school item (handled by the school, so by the provider persona) put in ``status``."""
    feedback = submit(world, **fields)
    Feedback.objects.filter(pk=feedback.pk).update(status=status)
    return reload(feedback)


def messages_to(feedback, recipient):
    return OutboundMessage.objects.for_object(feedback).filter(recipient=recipient).order_by("pk")


def error_messages(response):
    return [m.message for m in get_messages(response.wsgi_request) if m.level_tag == "error"]


# --- status transitions ----------------------------------------------------------------------

# Written out in full so that any change to services.TRANSITIONS shows up here.
ALLOWED = {
    S.RECEIVED: {S.ACKNOWLEDGED, S.IN_PROGRESS, S.ACTION_SCHEDULED, S.RESOLVED, S.NO_FURTHER_ACTION},
    S.ACKNOWLEDGED: {S.IN_PROGRESS, S.ACTION_SCHEDULED, S.RESOLVED, S.NO_FURTHER_ACTION},
    S.IN_PROGRESS: {S.ACTION_SCHEDULED, S.RESOLVED, S.NO_FURTHER_ACTION},
    S.ACTION_SCHEDULED: {S.IN_PROGRESS, S.RESOLVED, S.NO_FURTHER_ACTION},
    S.REFERRED: {S.ACKNOWLEDGED, S.IN_PROGRESS, S.ACTION_SCHEDULED, S.RESOLVED, S.NO_FURTHER_ACTION},
    S.RESOLVED: {S.CLOSED},
    S.NO_FURTHER_ACTION: {S.CLOSED},
    S.DUPLICATE: set(),
    S.CLOSED: set(),
}


@pytest.mark.parametrize("old", list(ALLOWED))
def test_each_status_may_change_only_to_the_allowed_ones(world, old):
    for new in S.values:
        feedback = in_status(world, old)
        events_before = feedback.events.count()
        if new in ALLOWED[old]:
            services.change_status(feedback, new, actor=world.provider, text="Хариу: шалгаад засна.")
            assert reload(feedback).status == new, (old, new)
            event = feedback.events.latest("pk")
            assert (event.type, event.old_status, event.new_status, event.actor) == (
                Event.Type.STATUS,
                old,
                new,
                world.provider,
            )
        else:
            with pytest.raises(services.FeedbackError) as refused, translation.override("en"):
                services.change_status(feedback, new, actor=world.provider, text="Хариу.")
            with translation.override("en"):
                assert refused.value.messages == [
                    f"An item that is “{S(old).label}” cannot become “{S(new).label}”."
                ], (old, new)
            assert reload(feedback).status == old, (old, new)
            assert feedback.events.count() == events_before, (old, new)


def test_a_refused_transition_is_explained_in_mongolian_too(world):
    feedback = in_status(world, S.CLOSED)
    with translation.override("mn"):
        closed, in_progress = str(S.CLOSED.label), str(S.IN_PROGRESS.label)
        with pytest.raises(services.FeedbackError) as refused:
            services.change_status(feedback, S.IN_PROGRESS, actor=world.provider)
    assert closed == "хаагдсан"
    assert refused.value.messages == [
        f"«{closed}» төлөвтэй санал хүсэлтийг «{in_progress}» төлөвт шилжүүлэх боломжгүй."
    ]


@pytest.mark.parametrize("status", [S.RESOLVED, S.NO_FURTHER_ACTION, S.ACTION_SCHEDULED])
def test_resolving_closing_without_action_or_scheduling_needs_a_public_text(world, status):
    feedback = submit(world)
    with translation.override("en"), pytest.raises(services.FeedbackError) as refused:
        services.change_status(feedback, status, actor=world.provider, text="   ")
    assert refused.value.messages == ["Write a public response that explains this to the citizen."]
    assert reload(feedback).status == S.RECEIVED


def test_resolving_records_the_answer_the_time_and_the_reopen_window(world):
    feedback = submit(world, reporter_email="bat@example.mn", language="en")
    services.change_status(feedback, S.RESOLVED, actor=world.provider, text="Хоолны нийлүүлэгчийг сольсон.")
    feedback = reload(feedback)
    assert feedback.public_response == "Хоолны нийлүүлэгчийг сольсон."
    assert feedback.resolved_at == TUESDAY
    assert feedback.acknowledged_at == TUESDAY  # answering acknowledges too
    assert feedback.reopen_until == TUESDAY + timedelta(days=30)
    told = messages_to(feedback, "bat@example.mn").last()
    assert told.subject == f"{feedback.tracking_code}: resolved"
    assert "Хоолны нийлүүлэгчийг сольсон." in told.body


def test_only_the_handling_body_changes_the_status(world):
    feedback = submit(world)
    for outsider in (world.officer, world.other_officer, world.citizen):
        with pytest.raises(services.FeedbackError):
            services.change_status(feedback, S.ACKNOWLEDGED, actor=outsider)
    assert reload(feedback).status == S.RECEIVED


def test_the_first_resolution_counts_once_in_the_statistics(world, time_machine):
    feedback = submit(world)
    services.change_status(feedback, S.RESOLVED, actor=world.provider, text="Засагдсан.")
    time_machine.shift(timedelta(days=2))
    services.reopen(feedback, reason="Хоол одоо ч хүйтэн байна.")
    time_machine.shift(timedelta(days=3))
    services.change_status(feedback, S.RESOLVED, actor=world.provider, text="Дахин шалгаж засав.")
    national = stats.summary(Stat.Scope.NATIONAL)
    assert (national.received, national.resolved, national.resolved_on_time) == (1, 1, 1)
    assert national.median_days == 0  # the first answer came the same day
    assert stats.summary(Stat.Scope.FACILITY, world.school.pk).resolved == 1
    assert stats.summary(Stat.Scope.ORGANIZATION, world.school_org.pk).resolved == 1


# --- referral --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("organization", "reason", "message"),
    [
        (None, "Тэдний асуудал.", "Choose the organisation that should handle it."),
        ("education_dept", "  ", "Explain why it goes to this organisation."),
        ("school_org", "Тэдний асуудал.", "The item is already handled by this organisation."),
    ],
)
def test_a_referral_needs_another_organisation_and_a_reason(world, organization, reason, message):
    feedback = submit(world)
    with translation.override("en"), pytest.raises(services.FeedbackError) as refused:
        services.refer(
            feedback, actor=world.provider, organization=getattr(world, organization or "", None), reason=reason
        )
    assert refused.value.messages == [message]
    assert reload(feedback).handling_organization == world.school_org


def test_a_finished_item_cannot_be_referred(world):
    feedback = in_status(world, S.RESOLVED)
    with translation.override("en"), pytest.raises(services.FeedbackError) as refused:
        services.refer(feedback, actor=world.provider, organization=world.education_dept, reason="Тэдний асуудал.")
    assert refused.value.messages == ["Only open items can be referred."]


def test_a_referral_moves_the_item_and_the_old_organisation_loses_access(world):
    feedback = submit(world, reporter_email="bat@example.mn")
    services.assign(feedback, actor=world.provider, assignee=world.provider)
    services.refer(
        feedback,
        actor=world.provider,
        organization=world.education_dept,
        reason="Санхүүгийн зөрчил аймгийн хяналтад хамаарна.",
    )
    feedback = reload(feedback)
    assert (feedback.handling_organization, feedback.status, feedback.assigned_to) == (
        world.education_dept,
        S.REFERRED,
        None,
    )
    event = feedback.events.get(type=Event.Type.REFERRED)
    assert event.data == {"from_org": world.school_org.pk, "to_org": world.education_dept.pk}
    assert event.is_public and event.text == "Санхүүгийн зөрчил аймгийн хяналтад хамаарна."
    assert not staff_feedback(world.provider).filter(pk=feedback.pk).exists()
    assert staff_client(world.provider).get(feedback.get_staff_url()).status_code == 404
    assert staff_client(world.officer).get(feedback.get_staff_url()).status_code == 200
    assert messages_to(feedback, world.officer.email).count() == 1  # "new item" for the new handler
    assert messages_to(feedback, "bat@example.mn").count() == 2  # received, then referred
    services.change_status(feedback, S.ACKNOWLEDGED, actor=world.officer)
    assert reload(feedback).status == S.ACKNOWLEDGED


def test_referring_from_the_page_sends_the_old_handler_back_to_the_inbox(world):
    feedback = submit(world)
    response = staff_client(world.provider).post(
        reverse("feedback:staff_refer", args=[feedback.tracking_code]),
        {"organization": str(world.education_dept.pk), "reason": "Аймгийн асуудал."},
    )
    assert response.status_code == 302
    assert response["Location"] == INBOX


# --- extension -------------------------------------------------------------------------------


def test_the_deadline_is_extended_once_and_the_citizen_is_told(world):
    feedback = submit(world, reporter_email="bat@example.mn", reporter_phone="99112233", language="en")
    first_due = feedback.resolve_due
    assert first_due == datetime(2026, 10, 8, 23, 59, 59, tzinfo=UB)
    services.extend_deadline(feedback, actor=world.admin, days=30, reason="Барилгын шалгалт шаардлагатай.")
    feedback = reload(feedback)
    assert feedback.resolve_due == datetime(2026, 11, 7, 23, 59, 59, tzinfo=UB)
    assert feedback.original_resolve_due == first_due
    assert feedback.was_extended
    assert feedback.extension_reason == "Барилгын шалгалт шаардлагатай."
    event = feedback.events.get(type=Event.Type.EXTENDED)
    assert event.is_public and event.data["days"] == 30
    email = messages_to(feedback, "bat@example.mn").last()
    assert email.subject == f"The deadline for {feedback.tracking_code} was extended"
    assert "Барилгын шалгалт шаардлагатай." in email.body
    sms = messages_to(feedback, "+97699112233").last()
    assert sms.body.startswith(f"Iltod: the deadline for {feedback.tracking_code} was extended to 2026-11-07.")
    with translation.override("en"), pytest.raises(services.FeedbackError) as again:
        services.extend_deadline(feedback, actor=world.admin, days=1, reason="Дахиад.")
    assert again.value.messages == ["The deadline has already been extended once."]
    assert reload(feedback).resolve_due == datetime(2026, 11, 7, 23, 59, 59, tzinfo=UB)


@pytest.mark.parametrize(("days", "reason"), [(0, "Шалгалт."), (31, "Шалгалт."), (10, "")])
def test_an_extension_is_from_one_to_the_policy_maximum_with_a_reason(world, days, reason):
    feedback = submit(world)
    with pytest.raises(services.FeedbackError):
        services.extend_deadline(feedback, actor=world.admin, days=days, reason=reason)
    assert not reload(feedback).was_extended


def test_a_finished_item_cannot_be_extended(world):
    feedback = in_status(world, S.RESOLVED)
    with pytest.raises(services.FeedbackError):
        services.extend_deadline(feedback, actor=world.admin, days=5, reason="Шалгалт.")


# --- duplicates ------------------------------------------------------------------------------


def test_a_latin_typed_duplicate_of_a_cyrillic_report_at_the_same_facility_is_suggested(world):
    cyrillic = submit(world, description="Сургуулийн бие засах газар муу, дулаан байхгүй байна.")
    unrelated = submit(world, description="Багш нар хичээлээ цагт нь эхлүүлдэггүй, хоцордог.")
    other_school = submit(
        world,
        service_unit=world.clinic,
        category=category("health-building"),
        description="Сургуулийн бие засах газар муу, дулаан байхгүй байна.",
    )
    finished = in_status(world, S.CLOSED, description="Сургуулийн бие засах газар муу, дулаан байхгүй.")
    latin = submit(
        world, category=category("edu-building"), description="surguuliin bie zasah gazar muu, dulaan baihgui baina"
    )
    suggested = dict(services.similar_open_items(latin))
    assert list(suggested) == [cyrillic]
    assert suggested[cyrillic] >= 0.8
    for not_suggested in (unrelated, other_school, finished):
        assert not_suggested not in suggested


def test_the_staff_page_suggests_the_duplicate_and_merges_it(world):
    original = submit(world, description="Сургуулийн бие засах газар муу, дулаан байхгүй байна.")
    duplicate = submit(
        world,
        description="surguuliin bie zasah gazar muu, dulaan baihgui",
        reporter_email="bat@example.mn",
        language="en",
    )
    client = staff_client(world.provider)
    page = client.get(duplicate.get_staff_url())
    assert [other for other, _score in page.context["similar"]] == [original]
    response = client.post(
        reverse("feedback:staff_duplicate", args=[duplicate.tracking_code]), {"original": original.tracking_code}
    )
    assert response.status_code == 302
    duplicate = reload(duplicate)
    assert (duplicate.status, duplicate.duplicate_of, duplicate.closed_at) == (S.DUPLICATE, original, TUESDAY)
    assert duplicate.events.get(type=Event.Type.MERGED).text == original.tracking_code
    told = messages_to(duplicate, "bat@example.mn").last()
    assert told.subject == f"{duplicate.tracking_code} was joined to a similar report"
    assert original.tracking_code in told.body


def test_an_item_cannot_be_merged_into_itself_or_into_its_own_duplicate(world):
    first = submit(world)
    second = submit(world)
    with pytest.raises(services.FeedbackError):
        services.mark_duplicate(first, actor=world.provider, original=first)
    services.mark_duplicate(second, actor=world.provider, original=first)
    with pytest.raises(services.FeedbackError):
        services.mark_duplicate(first, actor=world.provider, original=second)  # ``second`` as read before
    assert reload(first).status == S.RECEIVED


def test_merging_into_a_duplicate_merges_into_its_original(world):
    root = submit(world)
    merged = submit(world)
    services.mark_duplicate(merged, actor=world.provider, original=root)
    latest = submit(world)
    services.mark_duplicate(latest, actor=world.provider, original=merged)
    assert reload(latest).duplicate_of == root


def test_merging_needs_an_original_the_staff_member_can_see(world):
    duplicate = submit(world)
    hidden = submit(world, privacy=Feedback.Privacy.CONFIDENTIAL)  # handled by the department
    response = staff_client(world.provider).post(
        reverse("feedback:staff_duplicate", args=[duplicate.tracking_code]), {"original": hidden.tracking_code}
    )
    assert response.status_code == 200
    assert response.context["forms"]["duplicate"].errors["original"] == ["No item you can see has this code."]
    assert reload(duplicate).status == S.RECEIVED


# --- moderation ------------------------------------------------------------------------------


def test_moderation_publishes_the_edited_text_with_personal_details_masked(world):
    feedback = submit(world, description="Захирал Болд мөнгө авсан, утас 99112233.")
    services.moderate(
        feedback,
        actor=world.provider,
        publish=True,
        public_text="  Захирал мөнгө авсан гэж мэдээлсэн. Холбоо барих: +976 88112233  ",
    )
    feedback = reload(feedback)
    assert feedback.moderation == Feedback.Moderation.PUBLISHED
    assert feedback.public_description == f"Захирал мөнгө авсан гэж мэдээлсэн. Холбоо барих: {MASK}"
    assert feedback.events.get(type=Event.Type.MODERATED).data == {"moderation": "published"}
    services.moderate(feedback, actor=world.provider, publish=False)
    feedback = reload(feedback)
    assert feedback.moderation == Feedback.Moderation.HIDDEN
    assert feedback.public_description == f"Захирал мөнгө авсан гэж мэдээлсэн. Холбоо барих: {MASK}"


def test_moderating_from_the_page_masks_the_text(world):
    feedback = submit(world)
    staff_client(world.provider).post(
        reverse("feedback:staff_moderate", args=[feedback.tracking_code]),
        {"publish": "yes", "public_text": "Хоол муу. bat@example.mn"},
    )
    feedback = reload(feedback)
    assert feedback.public_description == f"Хоол муу. {MASK}"
    assert feedback.shows_text_publicly


# --- the citizen: reopen, rate, add information ----------------------------------------------


def test_the_citizen_may_reopen_within_thirty_days_of_the_resolution(world, time_machine):
    feedback = submit(world)
    services.change_status(feedback, S.RESOLVED, actor=world.provider, text="Засагдсан.")
    time_machine.shift(timedelta(days=29))
    services.reopen(feedback, reason="Хоол одоо ч хүйтэн.")
    feedback = reload(feedback)
    assert feedback.status == S.IN_PROGRESS
    assert feedback.reopen_until is None
    event = feedback.events.get(type=Event.Type.REOPENED)
    assert (event.old_status, event.new_status, event.text, event.is_public) == (
        S.RESOLVED,
        S.IN_PROGRESS,
        "Хоол одоо ч хүйтэн.",
        True,
    )
    assert messages_to(feedback, world.provider.email).count() == 2  # new item, then reopened


def test_the_citizen_cannot_reopen_after_the_window(world, time_machine):
    feedback = submit(world)
    services.change_status(feedback, S.RESOLVED, actor=world.provider, text="Засагдсан.")
    time_machine.shift(timedelta(days=30, seconds=1))
    with translation.override("en"), pytest.raises(services.FeedbackError) as refused:
        services.reopen(feedback, reason="Хоол одоо ч хүйтэн.")
    assert refused.value.messages == ["This item can no longer be reopened."]
    assert reload(feedback).status == S.RESOLVED


def test_an_open_item_cannot_be_reopened_and_a_reason_is_needed(world):
    open_item = submit(world)
    with pytest.raises(services.FeedbackError):
        services.reopen(open_item, reason="Яагаад?")
    resolved = submit(world)
    services.change_status(resolved, S.RESOLVED, actor=world.provider, text="Засагдсан.")
    with pytest.raises(services.FeedbackError):
        services.reopen(resolved, reason=" ")
    assert reload(resolved).status == S.RESOLVED


def test_the_track_page_reopens_the_item(world):
    feedback = submit(world)
    services.change_status(feedback, S.RESOLVED, actor=world.provider, text="Засагдсан.")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.get(feedback.citizen_url)  # the citizen's own link opens their page in this browser
    url = reverse("feedback:track", args=[feedback.tracking_code])
    assert client.get(url).context["reopen_form"] is not None
    response = client.post(url, {"action": "reopen", "reopen-reason": "Засагдаагүй байна."})
    assert response.status_code == 302
    assert reload(feedback).status == S.IN_PROGRESS


def test_the_citizen_rates_once_after_the_resolution(world):
    feedback = submit(world)
    with translation.override("en"), pytest.raises(services.FeedbackError) as too_early:
        services.rate(feedback, rating=5, problem_solved=True)
    assert too_early.value.messages == ["You can rate the answer once the item is resolved."]
    services.change_status(feedback, S.RESOLVED, actor=world.provider, text="Засагдсан.")
    services.rate(feedback, rating=4, problem_solved=True, comment="Сайн. Залгах бол 99112233.")
    feedback = reload(feedback)
    assert (feedback.rating, feedback.problem_solved, feedback.rated_at) == (4, True, TUESDAY)
    assert feedback.events.get(type=Event.Type.RATED).text == f"Сайн. Залгах бол {MASK}."
    with translation.override("en"), pytest.raises(services.FeedbackError) as twice:
        services.rate(feedback, rating=1, problem_solved=False)
    assert twice.value.messages == ["This answer has already been rated."]
    assert reload(feedback).rating == 4
    national = stats.summary(Stat.Scope.NATIONAL)
    assert (national.rating_count, national.rating_sum, national.solved_yes) == (1, 4, 1)


@pytest.mark.parametrize("rating", [0, 6, -1])
def test_a_rating_is_from_one_to_five(world, rating):
    feedback = submit(world)
    services.change_status(feedback, S.RESOLVED, actor=world.provider, text="Засагдсан.")
    with pytest.raises(services.FeedbackError):
        services.rate(feedback, rating=rating, problem_solved=None)
    assert reload(feedback).rating is None


def test_the_track_page_takes_a_rating_once(world):
    feedback = submit(world)
    services.change_status(feedback, S.RESOLVED, actor=world.provider, text="Засагдсан.")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.get(feedback.citizen_url)  # the citizen's own link opens their page in this browser
    url = reverse("feedback:track", args=[feedback.tracking_code])
    response = client.post(url, {"action": "rate", "rate-rating": "5", "rate-problem_solved": "unsure"})
    assert response.status_code == 302
    feedback = reload(feedback)
    assert (feedback.rating, feedback.problem_solved) == (5, None)
    assert client.get(url).context["rating_form"] is None
    again = client.post(url, {"action": "rate", "rate-rating": "1", "rate-problem_solved": "no"})
    assert error_messages(again) == ["This answer has already been rated."]
    assert reload(feedback).rating == 5


def test_the_citizen_adds_information_that_staff_see_and_the_public_only_after_moderation(world):
    feedback = submit(world)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.get(feedback.citizen_url)  # the citizen's own link opens their page in this browser
    url = reverse("feedback:track", args=[feedback.tracking_code])
    response = client.post(url, {"action": "update", "update-text": "Өнөөдөр ч бас хоол өгөөгүй."})
    assert response.status_code == 302
    event = feedback.events.get(type=Event.Type.CITIZEN_UPDATE)
    assert (event.text, event.moderation, event.data) == ("Өнөөдөр ч бас хоол өгөөгүй.", "pending", {"channel": "web"})
    told = messages_to(feedback, world.provider.email).last()
    assert "Өнөөдөр ч бас хоол өгөөгүй." in told.body
    assert "Өнөөдөр ч бас" not in client.get(feedback.get_absolute_url()).content.decode()
    with pytest.raises(services.FeedbackError):
        services.add_citizen_update(feedback, text="  ")


# --- the inbox -------------------------------------------------------------------------------


def test_bulk_assign_to_me(world):
    items = [submit(world) for _ in range(3)]
    response = staff_client(world.provider).post(
        INBOX, {"action": "assign_me", "items": [f.tracking_code for f in items[:2]], "query": "view=open"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{INBOX}?view=open"
    assert [reload(f).assigned_to for f in items] == [world.provider, world.provider, None]


def test_bulk_acknowledge_counts_the_items_whose_state_refuses(world):
    waiting = [submit(world) for _ in range(2)]
    resolved = in_status(world, S.RESOLVED)
    not_mine = submit(world, privacy=Feedback.Privacy.CONFIDENTIAL)
    response = staff_client(world.provider).post(
        INBOX,
        {"action": "acknowledge", "items": [f.tracking_code for f in [*waiting, resolved, not_mine]]},
        follow=True,
    )
    assert [m.message for m in response.context["messages"]] == [
        "2 items updated.",
        "1 item could not be changed (not allowed in its current state).",
    ]
    assert [reload(f).status for f in waiting] == [S.ACKNOWLEDGED, S.ACKNOWLEDGED]
    assert reload(resolved).status == S.RESOLVED
    assert reload(not_mine).status == S.RECEIVED


def test_a_bulk_request_without_a_known_action_changes_nothing(world):
    item = submit(world)
    response = staff_client(world.provider).post(
        INBOX, {"action": "delete", "items": [item.tracking_code]}, follow=True
    )
    assert [m.message for m in response.context["messages"]] == [
        "1 item could not be changed (not allowed in its current state)."
    ]
    assert reload(item).status == S.RECEIVED


def _listed(client, **params):
    response = client.get(INBOX, params)
    return [f.tracking_code for f in response.context["page"].object_list]


def test_the_inbox_views_sort_by_deadline(world, time_machine):
    time_machine.move_to(at(2026, 8, 1), tick=False)
    overdue = submit(world)  # due 31 August
    time_machine.move_to(at(2026, 8, 8), tick=False)
    soon = submit(world)  # due 7 September
    time_machine.move_to(TUESDAY, tick=False)  # 8 September 2026
    later = submit(world)  # due 8 October
    mine = submit(world)
    services.assign(mine, actor=world.provider, assignee=world.provider)
    finished = in_status(world, S.CLOSED)
    escalated = submit(world)  # a confidential one would be kept away from the school (the guard)
    Feedback.objects.filter(pk=escalated.pk).update(
        handling_organization=world.ministry, escalated_to=world.school_org, escalation_level=1
    )
    time_machine.move_to(at(2026, 9, 3), tick=False)  # "now" for the views
    client = staff_client(world.provider)
    codes = {f: f.tracking_code for f in [overdue, soon, later, mine, finished, escalated]}
    assert _listed(client) == [codes[overdue], codes[soon], codes[later], codes[mine], codes[escalated]]
    assert _listed(client, view="overdue") == [codes[overdue]]
    assert _listed(client, view="due_soon") == [codes[soon]]
    assert _listed(client, view="unassigned") == [codes[overdue], codes[soon], codes[later], codes[escalated]]
    assert _listed(client, view="mine") == [codes[mine]]
    assert _listed(client, view="escalated") == [codes[escalated]]
    assert _listed(client, view="closed") == [codes[finished]]
    assert set(_listed(client, view="all")) == set(codes.values())
    assert _listed(client, view="nonsense") == _listed(client)


def test_the_inbox_filters_by_code_text_category_channel_and_facility(world):
    meals = submit(world, description="Үдийн цай хүйтэн байна, өдөр бүр.")
    building = submit(
        world,
        category=category("edu-building"),
        channel=Feedback.Channel.PHONE,
        description="Ангийн цонх хагарсан, хүйтэн байна.",
    )
    client = staff_client(world.provider)
    assert _listed(client, q=meals.tracking_code) == [meals.tracking_code]
    assert _listed(client, q="tsonh") == [building.tracking_code]  # Latin-typed "цонх"
    assert _listed(client, category=str(category("edu-building").pk)) == [building.tracking_code]
    assert _listed(client, channel="phone") == [building.tracking_code]
    assert len(_listed(client, facility=world.school.code.lower())) == 2
    assert _listed(client, facility=world.clinic.code) == []


def test_the_inbox_exports_csv_and_xlsx(world):
    feedback = submit(world)
    services.assign(feedback, actor=world.provider, assignee=world.provider)
    client = staff_client(world.provider)
    response = client.get(INBOX, {"view": "open", "export": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "tracking_code",
        "received_at",
        "kind",
        "category",
        "facility",
        "area",
        "status",
        "handled_by",
        "assigned_to",
        "resolve_due",
        "resolved_at",
        "channel",
        "rating",
    ]
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["tracking_code"] == feedback.tracking_code
    assert row["received_at"] == "2026-09-08 10:00:00+08:00"
    assert row["facility"] == "Battsengel soum School No. 1"
    assert row["assigned_to"] == str(world.provider)
    assert row["resolve_due"] == "2026-10-08 23:59:59+08:00"
    response = client.get(INBOX, {"view": "open", "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, values = list(sheet.iter_rows(values_only=True))
    assert values[0] == feedback.tracking_code
    assert values[1] == datetime(2026, 9, 8, 10, 0)  # local time, no zone in XLSX
    assert values[header.index("resolve_due")] == datetime(2026, 10, 8, 23, 59, 59)


def test_the_inbox_list_needs_the_same_number_of_queries_for_5_and_30_items(world, django_assert_max_num_queries):
    client = staff_client(world.provider)

    def add(n):
        for i in range(n):
            item = submit(world)
            if i % 2:
                services.assign(item, actor=world.provider, assignee=world.provider)

    add(5)
    client.get(INBOX)
    with django_assert_max_num_queries(20) as few:
        assert client.get(INBOX).status_code == 200
    add(25)
    with django_assert_max_num_queries(20) as many:
        response = client.get(INBOX)
    assert len(response.context["page"].object_list) == 25
    assert len(many.captured_queries) == len(few.captured_queries)
