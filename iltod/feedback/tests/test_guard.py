"""The guard: a complaint about conduct (or any confidential report) about a school never reaches
the school or the people who work there; the aimag education department opens and handles it.

Every path is tried: the intake channels, the staff pages, the REST API (people and API keys),
referral, assignment and escalation.
"""

import json

import pytest
from django.test import Client
from django.urls import reverse

from iltod.accounts.capabilities import Role
from iltod.accounts.models import ApiKey
from iltod.accounts.services import create_api_key, grant_membership
from iltod.core.testing import make_user
from iltod.feedback import routing, services
from iltod.feedback.channels import inbound
from iltod.feedback.models import Feedback, InboundMessage, RoutingRule
from iltod.feedback.permissions import (
    can_handle,
    excluded_organization_ids,
    is_guarded,
    may_act,
    may_handle,
    staff_feedback,
)

from .helpers import TUESDAY, at, category, form_data, reload, submit

PAYMENTS = "Багш нар хичээлийн дараа төлбөртэй давтлага заавал авахыг шаардаж, мөнгө нэхэж байна."
JUST_AFTER_DEADLINE = at(2026, 10, 9, 12)


@pytest.fixture(autouse=True)
def _tuesday(time_machine):
    time_machine.move_to(TUESDAY, tick=False)


def conduct(world, **fields) -> Feedback:
    """A complaint about unofficial payments at the Battsengel school."""
    return submit(world, category=category("edu-payments"), description=PAYMENTS, **fields)


def staff(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def assert_kept_from_the_school(world, feedback):
    """The director neither lists nor opens it; the aimag officer opens it and may handle it."""
    feedback = reload(feedback)
    assert feedback.handling_organization == world.education_dept
    assert not staff_feedback(world.provider).filter(pk=feedback.pk).exists()
    director = staff(world.provider)
    for view in ("open", "all", "overseen", "escalated"):
        listed = director.get(reverse("feedback:inbox"), {"view": view}).context["page"].object_list
        assert feedback.tracking_code not in [f.tracking_code for f in listed], view
    assert director.get(feedback.get_staff_url()).status_code == 404
    officer = staff(world.officer).get(feedback.get_staff_url())
    assert officer.status_code == 200
    assert officer.context["can_handle"] is True


# --- the flag and the rule -------------------------------------------------------------------------


def test_the_default_conduct_topics_carry_the_flag(world):
    assert category("edu-payments").is_conduct
    assert category("edu-teacher-conduct").is_conduct
    assert not category("edu-meals").is_conduct


def test_a_conduct_complaint_or_a_confidential_report_about_a_facility_is_guarded(world):
    payments = conduct(world)
    confidential = submit(world, privacy=Feedback.Privacy.CONFIDENTIAL)
    meals = submit(world)
    about_a_place = submit(world, service_unit=None, admin_unit=world.geo.soum, category=category("edu-payments"))
    assert is_guarded(payments) and is_guarded(confidential)
    assert not is_guarded(meals) and not is_guarded(about_a_place)
    assert excluded_organization_ids(payments) == {world.school_org.pk}
    assert not may_handle(world.school_org, payments)
    assert may_handle(world.education_dept, payments)
    assert not may_act(world.provider, payments)
    assert may_act(world.officer, payments)


def test_an_organisation_covering_exactly_the_school_is_kept_away_too(world):
    from iltod.core.testing import make_org
    from iltod.organizations.models import Organization

    parents = make_org(Organization.Kind.CSO, "Эцэг эхийн зөвлөл", home_unit=world.geo.soum)
    parents.covered_service_units.set([world.school])
    payments = conduct(world)
    assert excluded_organization_ids(payments) == {world.school_org.pk, parents.pk}


# --- every intake channel ---------------------------------------------------------------------------


def test_the_web_form_sends_a_conduct_complaint_to_the_aimag_department(world):
    response = Client().post(
        reverse("feedback:submit"), form_data(world, category=str(category("edu-payments").pk), description=PAYMENTS)
    )
    assert response.status_code == 302
    assert_kept_from_the_school(world, Feedback.objects.get())


def test_a_call_the_director_records_on_the_hotline_still_goes_to_the_department(world):
    data = {**form_data(world, category=str(category("edu-payments").pk), description=PAYMENTS), "channel": "phone"}
    response = staff(world.provider).post(f"{reverse('feedback:intake')}?facility={world.school.code}", data)
    assert response.status_code == 302
    assert response["Location"] == reverse("feedback:inbox")  # the director cannot open what he recorded
    assert_kept_from_the_school(world, Feedback.objects.get())


def test_the_public_api_sends_a_conduct_complaint_to_the_department(world):
    body = {"category": "edu-payments", "facility": world.school.code, "kind": "complaint", "description": PAYMENTS}
    response = Client().post("/api/v1/feedback/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert_kept_from_the_school(world, Feedback.objects.get(tracking_code=response.json()["tracking_code"]))


def test_open311_sends_a_conduct_complaint_to_the_department(world):
    _key, raw = create_api_key(actor=world.admin, organization=world.cso, name="app", scope=ApiKey.Scope.WRITE)
    response = Client().post(
        "/open311/v2/requests.json",
        {"api_key": raw, "service_code": "edu-payments", "address_id": world.school.code, "description": PAYMENTS},
    )
    assert response.status_code == 200, response.content
    code = json.loads(response.content)[0]["service_request_id"]
    assert_kept_from_the_school(world, Feedback.objects.get(tracking_code=code))


def test_a_kobo_field_form_sends_a_conduct_complaint_to_the_department(world, settings):
    settings.KOBO_WEBHOOK_SECRET = "kobo-secret"
    settings.FEEDBACK_TRIAGE_ORGANIZATION = ""
    from .test_kobo_channel import submission

    payload = submission(world, category="edu-payments", description=PAYMENTS)
    response = Client().post(
        "/webhooks/kobo/",
        json.dumps(payload),
        content_type="application/json",
        headers={"X-Iltod-Secret": "kobo-secret"},
    )
    assert response.status_code in {200, 201}, response.content
    assert_kept_from_the_school(world, Feedback.objects.get())


def test_an_sms_the_triage_desk_files_under_a_conduct_topic_goes_to_the_department(world, settings):
    settings.SMS_WEBHOOK_SECRET = "sms-secret"
    settings.FEEDBACK_TRIAGE_ORGANIZATION = ""
    settings.FEEDBACK_PER_PHONE_PER_DAY = 0  # held for staff: the desk reads it and names its topic
    response = Client().post(
        "/webhooks/sms/",
        json.dumps({"message_id": "gw-9", "from": "+97699112233", "text": f"{world.school.code} {PAYMENTS}"}),
        content_type="application/json",
        headers={"X-Iltod-Secret": "sms-secret"},
    )
    assert response.status_code in {200, 202}, response.content
    message = InboundMessage.objects.get()
    assert message.status == InboundMessage.Status.ERROR
    message = inbound.retry(message, actor=world.admin, corrections={"category": "edu-payments"})
    assert message.feedback is not None
    assert_kept_from_the_school(world, message.feedback)


def test_a_routing_rule_naming_the_school_is_passed_over(world):
    RoutingRule.objects.create(priority=1, target=RoutingRule.Target.ORGANIZATION, organization=world.school_org)
    RoutingRule.objects.create(priority=2, target=RoutingRule.Target.OPERATOR)
    assert submit(world).handling_organization == world.school_org  # the rules work
    assert_kept_from_the_school(world, conduct(world))


def test_a_confidential_report_is_guarded_whatever_its_topic(world):
    assert_kept_from_the_school(world, submit(world, privacy=Feedback.Privacy.CONFIDENTIAL))


# --- handling: referral, assignment, escalation -------------------------------------------------------


def test_the_refer_list_does_not_offer_the_school_and_the_service_refuses_it(world):
    feedback = conduct(world)
    page = staff(world.officer).get(feedback.get_staff_url())
    offered = {value for value, _label in _options(page.context["forms"]["refer"].fields["organization"].choices)}
    assert str(world.school_org.pk) not in offered
    assert str(world.ministry.pk) in offered
    response = staff(world.officer).post(
        reverse("feedback:staff_refer", args=[feedback.tracking_code]),
        {"organization": str(world.school_org.pk), "reason": "Сургууль өөрөө шийдэг."},
    )
    assert response.status_code == 200  # not a valid choice
    assert reload(feedback).handling_organization == world.education_dept
    with pytest.raises(services.FeedbackError):
        services.refer(feedback, actor=world.officer, organization=world.school_org, reason="Сургууль шийдэг.")
    assert reload(feedback).handling_organization == world.education_dept


def _options(choices):
    for value, label in choices:
        if isinstance(label, (list, tuple)):
            yield from _options(label)
        else:
            yield str(value), label


def test_the_refer_list_is_grouped_by_kind_and_searchable_without_javascript(world):
    feedback = submit(world, service_unit=None, admin_unit=world.geo.soum, category=category("edu-building"))
    page = staff(world.officer).get(feedback.get_staff_url())
    choices = page.context["forms"]["refer"].fields["organization"].choices
    groups = [group for group, options in choices if isinstance(options, (list, tuple))]
    assert "Ministry" in groups and "Service provider" in groups
    found = staff(world.officer).get(feedback.get_staff_url(), {"refer_q": "Боловсролын"})
    offered = {value for value, _label in _options(found.context["forms"]["refer"].fields["organization"].choices)}
    assert offered == {"", str(world.ministry.pk)}
    assert 'name="refer_q"' in found.content.decode()


def test_nobody_who_works_at_the_school_can_be_assigned_the_complaint(world):
    teacher = make_user("teacher@example.mn", "Багш, хэлтсийн гишүүн")
    grant_membership(actor=world.admin, user=teacher, organization=world.education_dept, role=Role.OFFICER)
    grant_membership(actor=world.admin, user=teacher, organization=world.school_org, role=Role.MEMBER)
    feedback = conduct(world)
    page = staff(world.officer).get(feedback.get_staff_url())
    assignees = list(page.context["forms"]["assign"].fields["assignee"].queryset)
    assert world.officer in assignees and teacher not in assignees
    with pytest.raises(services.FeedbackError):
        services.assign(feedback, actor=world.officer, assignee=teacher)
    # and the teacher, although a member of the department, does not see it at all
    assert not staff_feedback(teacher).filter(pk=feedback.pk).exists()
    assert not can_handle(teacher, feedback)


def test_escalation_never_climbs_through_the_school(world, time_machine):
    feedback = conduct(world)
    assert world.school_org not in routing.oversight_chain(feedback)
    time_machine.move_to(JUST_AFTER_DEADLINE, tick=False)
    assert services.escalate_overdue() == 1
    feedback = reload(feedback)
    assert feedback.escalated_to == world.ministry
    assert not staff_feedback(world.provider).filter(pk=feedback.pk).exists()


def test_a_guarded_item_handled_elsewhere_escalates_to_the_department_not_the_school(world, time_machine):
    from iltod.core.testing import make_org
    from iltod.organizations.models import Organization

    office = make_org(Organization.Kind.GOVERNORS_OFFICE, "Засаг даргын тамгын газар", home_unit=world.geo.soum)
    feedback = conduct(world)
    feedback.handling_organization = office
    feedback.save(update_fields=["handling_organization"])
    assert routing.next_oversight(reload(feedback)) == world.education_dept


# --- API keys act as their organisation ---------------------------------------------------------------


@pytest.fixture
def school_key(world):
    _key, raw = create_api_key(
        actor=world.admin, organization=world.school_org, name="school system", scope=ApiKey.Scope.WRITE
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_a_school_key_cannot_read_or_refer_a_conduct_complaint_about_the_school(world, school_key):
    feedback = conduct(world)
    # even if, from data written before the guard, the school handled it
    Feedback.objects.filter(pk=feedback.pk).update(handling_organization=world.school_org)
    client = Client()
    url = f"/api/v1/staff/feedback/{feedback.tracking_code}/"
    assert client.get(url, **school_key).status_code == 404
    listed = client.get("/api/v1/staff/feedback/?view=all", **school_key).json()["results"]
    assert feedback.tracking_code not in [row["tracking_code"] for row in listed]
    refer = client.post(
        f"{url}refer/",
        {"organization": world.ministry.code, "reason": "Яам шийдэг."},
        content_type="application/json",
        **school_key,
    )
    assert refer.status_code == 404
    assert reload(feedback).handling_organization == world.school_org


def test_a_school_key_has_no_superuser_rights_in_the_services(world, school_key):
    from iltod.api.access import key_actor

    school = ApiKey.objects.get(organization=world.school_org)
    department_item = conduct(world)
    with pytest.raises(services.FeedbackError):
        services.change_status(department_item, Feedback.Status.ACKNOWLEDGED, actor=key_actor(school))
    assert reload(department_item).status == Feedback.Status.RECEIVED
    own_item = submit(world)  # meals: the school's own item
    services.change_status(own_item, Feedback.Status.ACKNOWLEDGED, actor=key_actor(school))
    assert reload(own_item).status == Feedback.Status.ACKNOWLEDGED


def test_the_department_key_refers_through_the_guard(world):
    _key, raw = create_api_key(
        actor=world.admin, organization=world.education_dept, name="crm", scope=ApiKey.Scope.WRITE
    )
    feedback = conduct(world)
    response = Client().post(
        f"/api/v1/staff/feedback/{feedback.tracking_code}/refer/",
        {"organization": world.school_org.code, "reason": "Сургууль шийдэг."},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 400
    assert reload(feedback).handling_organization == world.education_dept


def test_the_director_gets_404_on_every_action_of_a_conduct_complaint(world):
    feedback = conduct(world)
    director = staff(world.provider)
    for name in (
        "staff_status",
        "staff_respond",
        "staff_assign",
        "staff_refer",
        "staff_extend",
        "staff_duplicate",
        "staff_moderate",
        "staff_identity",
        "staff_take_over",
        "staff_escalate",
    ):
        assert director.post(reverse(f"feedback:{name}", args=[feedback.tracking_code])).status_code == 404, name


def test_the_back_office_lists_and_filters_the_conduct_topics(world):
    response = staff(world.admin).get(reverse("admin:feedback_category_changelist"), {"is_conduct__exact": "1"})
    assert response.status_code == 200
    codes = {c.code for c in response.context["cl"].result_list}
    assert {"edu-payments", "edu-teacher-conduct", "health-payments"} <= codes
    assert "edu-meals" not in codes
    assert "is_conduct" in response.context["cl"].list_editable


def test_items_recorded_before_the_guard_are_moved_away_from_the_school_once(world):
    from django.core.management import call_command

    feedback = conduct(world)
    meals = submit(world)
    # as the data stood before the guard and oversight existed
    Feedback.objects.filter(pk=feedback.pk).update(
        handling_organization=world.school_org, assigned_to=world.provider, oversight_organization=None
    )
    Feedback.objects.filter(pk=meals.pk).update(oversight_organization=None)
    assert services.apply_guard_to_open_items(dry_run=True) == (1, 1)
    assert reload(feedback).handling_organization == world.school_org  # a dry run changes nothing
    call_command("apply_feedback_guard", verbosity=0)
    feedback = reload(feedback)
    assert (feedback.handling_organization, feedback.assigned_to) == (world.education_dept, None)
    event = feedback.events.filter(type="routed").last()
    assert event.data == {"guard": True, "from_org": world.school_org.pk}
    assert event.is_public is False
    assert reload(meals).oversight_organization == world.education_dept
    assert_kept_from_the_school(world, feedback)
    assert services.apply_guard_to_open_items() == (0, 0)  # safe to run twice


def test_a_register_cannot_give_a_conduct_complaint_to_the_school_it_is_about(world):
    from iltod.feedback.imports import import_feedback
    from iltod.lib.tabular import read_rows

    from .test_import import csv_bytes, register

    rows = register(world)
    rows[0][3] = "edu-payments"  # the first row: unofficial payments at the school…
    rows[0][14] = world.school_org.code  # …which the register says the school handles
    report = import_feedback(read_rows(csv_bytes(rows)))
    assert not report.ok
    assert [(e.row, e.column) for e in report.errors] == [(2, "handled_by")]
    assert not Feedback.objects.exists()
    rows[0][14] = ""  # left to routing: the department
    report = import_feedback(read_rows(csv_bytes(rows)))
    assert report.ok
    assert_kept_from_the_school(world, Feedback.objects.get(external_id="AR-2026-001"))
