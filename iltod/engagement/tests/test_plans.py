"""Joint action plans: creating, editing and moving them along, who sees which, lists, exports, print."""

import datetime
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from iltod.accounts.models import AuditEvent
from iltod.engagement import services
from iltod.engagement.models import ActionPlan, LocalIssue
from iltod.lib.tabular import read_rows

Status = ActionPlan.Status


def client_for(personas, persona: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if persona != "anonymous":
        client.force_login(getattr(personas, persona))
    return client


def reload(obj):
    return type(obj).objects.get(pk=obj.pk)


# --- services ---------------------------------------------------------------------------------


def test_a_new_plan_is_a_draft_of_its_group_with_the_groups_facility(group, personas):
    plan = services.create_action_plan(actor=personas.coordinator, group=group, title="Plan")
    assert (plan.status, plan.group, plan.created_by) == (Status.DRAFT, group, personas.coordinator)
    event = AuditEvent.objects.get(action="engagement.plan_created")
    assert event.target_id == str(plan.pk)
    assert event.actor == personas.coordinator


def test_a_plan_goes_from_draft_to_agreed_to_in_progress_to_completed(group, personas):
    plan = services.create_action_plan(actor=personas.coordinator, group=group, title="Plan")
    services.add_action(actor=personas.coordinator, plan=plan, title="Do it")
    for status in [Status.AGREED, Status.IN_PROGRESS, Status.COMPLETED]:
        services.change_plan_status(plan, status, actor=personas.coordinator, note="ok")
        assert reload(plan).status == status
    history = AuditEvent.objects.filter(action="engagement.plan_status").order_by("pk")
    assert [(e.data["old"], e.data["new"]) for e in history] == [
        ("draft", "agreed"),
        ("agreed", "in_progress"),
        ("in_progress", "completed"),
    ]


def test_a_plan_cannot_skip_steps_or_leave_a_closed_state(group, personas):
    plan = services.create_action_plan(actor=personas.coordinator, group=group, title="Plan")
    with pytest.raises(ValidationError):
        services.change_plan_status(plan, Status.COMPLETED, actor=personas.coordinator)
    services.change_plan_status(plan, Status.CANCELLED, actor=personas.coordinator)
    with pytest.raises(ValidationError):
        services.change_plan_status(plan, Status.AGREED, actor=personas.coordinator)
    assert reload(plan).status == Status.CANCELLED


def test_a_plan_without_actions_cannot_be_agreed(group, personas):
    plan = services.create_action_plan(actor=personas.coordinator, group=group, title="Plan")
    with translation.override("en"), pytest.raises(ValidationError, match="at least one action"):
        services.change_plan_status(plan, Status.AGREED, actor=personas.coordinator)


def test_editing_a_plan_records_before_and_after(plan, personas):
    changed = services.edit_plan(plan, actor=personas.coordinator, title="New title", is_public=False)
    assert changed == {"title": ["Сургуулийн ариун цэврийн өрөөг засах", "New title"], "is_public": [True, False]}
    event = AuditEvent.objects.get(action="engagement.plan_edited")
    assert event.data["changes"]["title"][1] == "New title"
    assert services.edit_plan(plan, actor=personas.coordinator, title="New title") == {}
    assert AuditEvent.objects.filter(action="engagement.plan_edited").count() == 1


def test_the_score_card_tool_can_create_a_plan_with_a_source(group, personas):
    plan = services.create_action_plan(
        actor=personas.coordinator, group=group, title="Interface meeting plan", source=personas.school
    )
    action = services.add_action(
        actor=personas.coordinator, plan=plan, title="Fix", lead_organization=personas.school_org, order=5
    )
    assert (reload(plan).source, action.order) == (personas.school, 5)
    assert services.add_action(actor=personas.coordinator, plan=plan, title="Next").order == 6


# --- pages: permission matrix -----------------------------------------------------------------

PERSONAS = ["anonymous", "citizen", "provider", "other_officer", "monitor", "coordinator", "admin"]
MEMBERS = {"monitor", "coordinator", "admin"}
COORDINATORS = {"coordinator", "admin"}


@pytest.fixture
def draft(group, personas):
    return services.create_action_plan(actor=personas.coordinator, group=group, title="Draft plan")


@pytest.mark.parametrize("persona", PERSONAS)
def test_an_agreed_public_plan_is_public_and_a_draft_is_for_members(persona, personas, plan, draft):
    client = client_for(personas, persona)
    assert client.get(reverse("engagement:plan_detail", args=[plan.code])).status_code == 200
    expected = 200 if persona in MEMBERS else 404
    assert client.get(reverse("engagement:plan_detail", args=[draft.code])).status_code == expected
    listing = client.get(reverse("engagement:plan_list", args=[plan.group.code]))
    assert listing.status_code == 200
    assert (draft.title in listing.content.decode()) == (persona in MEMBERS)
    assert plan.title in listing.content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_private_plan_is_for_members_only(persona, personas, plan):
    services.edit_plan(plan, actor=personas.coordinator, is_public=False)
    client = client_for(personas, persona)
    expected = 200 if persona in MEMBERS else 404
    for name in ["plan_detail", "plan_print"]:
        assert client.get(reverse(f"engagement:{name}", args=[plan.code])).status_code == expected
    assert client.get(reverse("engagement:plan_export", args=[plan.code, "csv"])).status_code == expected
    assert client.get(reverse("engagement:action_detail", args=[plan.actions.get().code])).status_code == expected


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_coordinators_open_the_plan_forms(persona, personas, plan):
    client = client_for(personas, persona)
    action = plan.actions.get()
    urls = [
        reverse("engagement:plan_create", args=[plan.group.code]),
        reverse("engagement:plan_edit", args=[plan.code]),
        reverse("engagement:action_create", args=[plan.code]),
        reverse("engagement:action_edit", args=[action.code]),
        reverse("engagement:story_create", args=[plan.code]),
    ]
    for url in urls:
        response = client.get(url)
        if persona == "anonymous":
            assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
        else:
            assert response.status_code == (200 if persona in COORDINATORS else 404), url


@pytest.mark.parametrize("persona", ["citizen", "provider", "other_officer", "monitor"])
def test_people_who_do_not_coordinate_cannot_change_a_plan(persona, personas, plan):
    client = client_for(personas, persona)
    response = client.post(reverse("engagement:plan_status", args=[plan.code]), {"status": Status.IN_PROGRESS})
    assert response.status_code == 404
    response = client.post(reverse("engagement:plan_create", args=[plan.group.code]), {"title": "Mine"})
    assert response.status_code == 404
    assert reload(plan).status == Status.AGREED
    assert ActionPlan.objects.count() == 1


def test_the_status_change_is_post_only(personas, plan):
    client = client_for(personas, "coordinator")
    assert client.get(reverse("engagement:plan_status", args=[plan.code])).status_code == 405


def test_an_unknown_plan_or_group_is_not_found(personas, group):
    client = client_for(personas, "admin")
    assert client.get(reverse("engagement:plan_detail", args=["NOSUCHCODE"])).status_code == 404
    assert client.get(reverse("engagement:plan_list", args=["NOSUCHCODE"])).status_code == 404


# --- pages: what coordinators do --------------------------------------------------------------


def test_a_coordinator_creates_a_plan_from_a_meeting_and_an_issue(personas, group):
    meeting = services.create_meeting(
        actor=personas.coordinator, group=group, title="Quarterly meeting", held_on=datetime.date(2026, 2, 1)
    )
    issue = LocalIssue.objects.create(group=group, title="Broken toilets", service_unit=personas.school)
    client = client_for(personas, "coordinator")
    url = reverse("engagement:plan_create", args=[group.code])
    form = client.get(url, {"meeting": meeting.code, "issue": issue.code}).context["form"]
    assert (form.initial["meeting"], form.initial["issue"], form.initial["title"]) == (meeting, issue, issue.title)
    response = client.post(
        url,
        {
            "title": "Fix the toilets",
            "description": "Together.",
            "meeting": meeting.pk,
            "issue": issue.pk,
            "service_unit": personas.school.pk,
            "is_public": "on",
        },
    )
    plan = ActionPlan.objects.get()
    assert response.status_code == 302 and response["Location"] == plan.get_absolute_url()
    assert (plan.meeting, plan.issue, plan.service_unit, plan.status) == (meeting, issue, personas.school, Status.DRAFT)


def test_a_plan_cannot_name_another_groups_meeting_or_a_facility_outside_its_area(personas, group):
    other = services.create_group(actor=personas.admin, name="Khovd group", admin_unit=personas.geo.other_aimag)
    meeting = services.create_meeting(
        actor=personas.admin, group=other, title="Other", held_on=datetime.date(2026, 2, 1)
    )
    client = client_for(personas, "coordinator")
    response = client.post(
        reverse("engagement:plan_create", args=[group.code]),
        {"title": "Plan", "meeting": meeting.pk, "service_unit": personas.clinic.pk},
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"meeting", "service_unit"}
    assert not ActionPlan.objects.exists()


def test_a_coordinator_adds_and_edits_actions_with_co_responsible_organisations(personas, plan):
    client = client_for(personas, "coordinator")
    response = client.post(
        reverse("engagement:action_create", args=[plan.code]),
        {
            "title": "Buy pipes",
            "lead_organization": personas.school_org.pk,
            "co_responsible": [personas.education_dept.pk, personas.cso.pk],
            "responsible_person": "Director",
            "responsible_user": personas.monitor.pk,
            "due_on": "2026-04-01",
            "resources": "500 000 MNT",
        },
    )
    assert response.status_code == 302
    action = plan.actions.get(title="Buy pipes")
    assert (action.order, action.due_on, action.responsible_user) == (2, datetime.date(2026, 4, 1), personas.monitor)
    assert set(action.co_responsible.all()) == {personas.education_dept, personas.cso}
    response = client.post(
        reverse("engagement:action_edit", args=[action.code]),
        {
            "title": "Buy pipes and taps",
            "lead_organization": personas.school_org.pk,
            "co_responsible": [personas.cso.pk],
            "due_on": "2026-05-01",
        },
    )
    assert response.status_code == 302
    action = reload(action)
    assert (action.title, action.due_on, action.order) == ("Buy pipes and taps", datetime.date(2026, 5, 1), 2)
    changes = AuditEvent.objects.get(action="engagement.action_edited").data["changes"]
    assert changes["due_on"] == ["2026-04-01", "2026-05-01"]
    assert changes["co_responsible"][1] == [str(personas.cso)]
    page = client.get(action.get_absolute_url()).content.decode()
    assert "Action edited" in page  # the history of the record, in words
    assert "Due date: 2026-04-01 → 2026-05-01" in page
    before, after = re.search(r"<li>Co-responsible organisations: ([^<]*) → ([^<]*)</li>", page).groups()
    assert set(before.split(", ")) == {str(personas.education_dept), str(personas.cso)}
    assert after == str(personas.cso)


def test_an_action_form_with_bad_input_says_what_is_wrong(personas, plan):
    client = client_for(personas, "coordinator")
    response = client.post(
        reverse("engagement:action_create", args=[plan.code]),
        {
            "title": "",
            "due_on": "not a date",
            "lead_organization": personas.cso.pk,
            "co_responsible": [personas.cso.pk],
        },
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"title", "due_on", "co_responsible"}
    assert plan.actions.count() == 1


def test_the_coordinator_moves_the_plan_on_from_its_page(personas, plan):
    client = client_for(personas, "coordinator")
    page = client.get(plan.get_absolute_url())
    assert [c[0] for c in page.context["status_form"].fields["status"].choices] == ["in_progress", "cancelled"]
    response = client.post(reverse("engagement:plan_status", args=[plan.code]), {"status": "completed"})
    assert response.status_code == 302
    assert reload(plan).status == Status.AGREED
    client.post(reverse("engagement:plan_status", args=[plan.code]), {"status": "in_progress", "note": "Started"})
    assert reload(plan).status == Status.IN_PROGRESS


def test_the_plan_page_shows_progress_by_status_and_only_approved_updates(personas, plan):
    action = plan.actions.get()
    services.add_action(actor=personas.coordinator, plan=plan, title="Second", due_on=datetime.date(2026, 1, 1))
    services.post_update(action, actor=personas.coordinator, text="Budget approved", new_progress=40)
    services.post_update(action, actor=personas.monitor, text="Secret draft news")
    response = client_for(personas, "anonymous").get(plan.get_absolute_url())
    progress = response.context["progress"]
    assert {bar.status: bar.count for bar in progress.bars} == {
        "not_started": 1,
        "in_progress": 1,
        "done": 0,
        "cancelled": 0,
    }
    assert (progress.total, progress.average) == (2, 20)
    page = response.content.decode()
    assert "Budget approved" in page
    assert "Secret draft news" not in page
    assert "History of changes" not in page  # the history is for members


def test_the_group_plan_list_keeps_its_queries_bounded(personas, group, django_assert_max_num_queries):
    for number in range(12):
        plan = services.create_action_plan(actor=personas.coordinator, group=group, title=f"Plan {number}")
        services.add_action(actor=personas.coordinator, plan=plan, title="Step")
        services.change_plan_status(plan, Status.AGREED, actor=personas.coordinator)
    client = client_for(personas, "anonymous")
    with django_assert_max_num_queries(8):
        response = client.get(reverse("engagement:plan_list", args=[group.code]))
    assert len(response.context["page"].object_list) == 12


def test_the_plan_page_keeps_its_queries_bounded(personas, plan, django_assert_max_num_queries):
    action = plan.actions.get()
    for number in range(10):
        services.add_action(
            actor=personas.coordinator, plan=plan, title=f"Step {number}", co_responsible=[personas.cso]
        )
        services.post_update(action, actor=personas.coordinator, text=f"Update {number}", new_progress=number)
    client = client_for(personas, "coordinator")
    with django_assert_max_num_queries(20):
        response = client.get(plan.get_absolute_url())
    assert response.status_code == 200
    with django_assert_max_num_queries(10):
        response = client_for(personas, "anonymous").get(plan.get_absolute_url())
    assert len(response.context["timeline"].object_list) == 10


# --- exports and print ------------------------------------------------------------------------


def _export(personas, plan, fmt, persona="anonymous"):
    response = client_for(personas, persona).get(reverse("engagement:plan_export", args=[plan.code, fmt]))
    assert response.status_code == 200
    return response


def test_the_plan_exports_as_xlsx_that_opens_back(personas, plan):
    action = plan.actions.get()
    services.post_update(action, actor=personas.coordinator, text="Budget approved", new_progress=40)
    response = _export(personas, plan, "xlsx")
    assert response["Content-Disposition"] == f'attachment; filename="action-plan-{plan.code}.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("No.", "Action", "Description")
    assert rows[1][0] == 1
    assert rows[1][1] == "Засварын төсөв гаргах"
    assert rows[1][3] == str(personas.education_dept)
    assert rows[1][4] == str(personas.school_org)
    assert rows[1][6].date() == datetime.date(2026, 3, 1)
    assert rows[1][8:10] == ("in progress", 40)
    assert rows[1][12] == "Budget approved"


def test_the_plan_exports_as_csv(personas, plan):
    rows = read_rows(_export(personas, plan, "csv").content, "plan.csv")
    assert [(r.get("action"), r.get("status"), r.get("progress %")) for r in rows] == [
        ("Засварын төсөв гаргах", "not started", "0")
    ]


def test_an_unknown_export_format_is_not_found(personas, plan):
    assert client_for(personas, "admin").get(f"/engagement/plans/{plan.code}/export.pdf").status_code == 404


def test_the_print_view_lists_every_action_on_one_page(personas, plan):
    services.add_action(actor=personas.coordinator, plan=plan, title="Second step", responsible_person="Дулмаа")
    page = client_for(personas, "anonymous").get(reverse("engagement:plan_print", args=[plan.code])).content.decode()
    for text in ["Засварын төсөв гаргах", "Second step", "Дулмаа", "2026-03-01", "2 сая төгрөг"]:
        assert text in page


# --- the facility page ------------------------------------------------------------------------


def test_the_facility_page_shows_its_public_plans_with_progress(personas, plan, draft):
    services.edit_plan(draft, actor=personas.coordinator, service_unit=personas.school)
    page = client_for(personas, "anonymous").get(personas.school.get_absolute_url()).content.decode()
    assert "Joint action plans" in page
    assert plan.title in page
    assert draft.title not in page
    assert "Overall progress: 0%" in page


def test_the_facility_panel_costs_two_queries_however_many_plans(personas, group, rf, django_assert_max_num_queries):
    from iltod.engagement.views.plans import facility_panel

    for number in range(5):
        plan = services.create_action_plan(
            actor=personas.coordinator, group=group, title=f"Plan {number}", service_unit=personas.school
        )
        for step in range(3):
            services.add_action(actor=personas.coordinator, plan=plan, title=f"Step {step}")
        services.change_plan_status(plan, Status.AGREED, actor=personas.coordinator)
    request = rf.get("/")
    with django_assert_max_num_queries(2):
        html = facility_panel(request, personas.school)
    assert html.count("<progress") == 5 * 5  # overall and four statuses for each plan


def test_a_facility_without_plans_shows_no_plan_section(personas, plan):
    page = client_for(personas, "anonymous").get(personas.clinic.get_absolute_url()).content.decode()
    assert "Joint action plans" not in page


def test_the_action_page_keeps_its_queries_bounded(personas, plan, django_assert_max_num_queries):
    action = plan.actions.get()
    for number in range(12):
        services.post_update(action, actor=personas.monitor, text=f"Update {number}", new_progress=number)
    client = client_for(personas, "coordinator")
    with django_assert_max_num_queries(16):
        response = client.get(action.get_absolute_url())
    assert len(response.context["page"].object_list) == 12
    assert "Plan status changed" not in response.content.decode()  # the plan's history stays on the plan
