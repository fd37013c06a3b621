import re
from datetime import datetime

import pytest
import time_machine
from django.core import mail

from iltod.core.models import Holiday
from iltod.core.testing import make_org
from iltod.feedback import services
from iltod.feedback.deadlines import policy_for
from iltod.feedback.models import DeadlinePolicy, Event, Feedback, Reporter, RoutingRule
from iltod.lib.redact import MASK
from iltod.notifications.models import OutboundMessage
from iltod.organizations.models import Organization

from .helpers import TUESDAY, UB, at, category, submit

Privacy = Feedback.Privacy
TRACKING_CODE = re.compile(r"^IL-(\d\d)-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{5}$")


def end_of_day(year, month, day):
    return datetime(year, month, day, 23, 59, 59, tzinfo=UB)


def outbox_for(feedback):
    return OutboundMessage.objects.for_object(feedback).order_by("channel", "recipient")


# --- tracking code ---------------------------------------------------------------------------


@pytest.mark.parametrize(("year", "yy"), [(2025, "25"), (2026, "26")])
def test_the_tracking_code_is_il_year_and_five_characters_easy_to_read_aloud(world, year, yy):
    with time_machine.travel(at(year, 9, 8), tick=False):
        feedback = submit(world)
    match = TRACKING_CODE.match(feedback.tracking_code)
    assert match, feedback.tracking_code
    assert match.group(1) == yy


def test_two_submissions_get_different_tracking_codes(world):
    codes = {submit(world).tracking_code for _ in range(5)}
    assert len(codes) == 5


# --- routing ---------------------------------------------------------------------------------


def test_feedback_about_a_facility_goes_to_its_operator_by_default(world):
    feedback = submit(world)
    assert feedback.handling_organization == world.school_org
    routed = feedback.events.get(type=Event.Type.ROUTED)
    assert routed.organization == world.school_org
    assert routed.data == {"rule": None}


@pytest.mark.parametrize("privacy", [Privacy.PUBLIC, Privacy.NAME_HIDDEN, Privacy.ANONYMOUS])
def test_non_confidential_feedback_about_a_facility_stays_with_the_operator(world, privacy):
    feedback = submit(world, privacy=privacy, reporter_name="Дорж" if privacy == Privacy.PUBLIC else "")
    assert feedback.handling_organization == world.school_org


def test_confidential_feedback_never_goes_to_the_facility_but_to_the_aimag_education_department(world):
    feedback = submit(world, privacy=Privacy.CONFIDENTIAL, reporter_phone="99112233")
    assert feedback.handling_organization == world.education_dept
    assert feedback.events.get(type=Event.Type.ROUTED).organization == world.education_dept


def test_confidential_feedback_is_rerouted_even_when_a_rule_names_the_facility_operator(world):
    RoutingRule.objects.create(priority=1, target=RoutingRule.Target.ORGANIZATION, organization=world.school_org)
    feedback = submit(world, privacy=Privacy.CONFIDENTIAL)
    assert feedback.handling_organization == world.education_dept


def test_confidential_feedback_never_goes_to_an_organisation_that_speaks_for_the_facility(world):
    board = make_org(Organization.Kind.SERVICE_PROVIDER, "Сургуулийн зөвлөл", "School board", home_unit=world.geo.soum)
    board.covered_service_units.set([world.school])
    RoutingRule.objects.create(priority=1, target=RoutingRule.Target.ORGANIZATION, organization=board)
    assert submit(world).handling_organization == board
    assert submit(world, privacy=Privacy.CONFIDENTIAL).handling_organization == world.education_dept


def test_confidential_feedback_goes_to_the_ministry_when_no_department_covers_the_area(world):
    world.education_dept.covered_admin_units.clear()
    feedback = submit(world, privacy=Privacy.CONFIDENTIAL)
    assert feedback.handling_organization == world.ministry


def _governors_office(world):
    return make_org(
        Organization.Kind.GOVERNORS_OFFICE,
        "Архангай аймгийн ЗДТГ",
        "Arkhangai Governor's Office",
        home_unit=world.geo.aimag,
        covers=[world.geo.aimag],
    )


def test_a_routing_rule_for_the_area_overrides_the_default(world):
    governor = _governors_office(world)
    rule = RoutingRule.objects.create(
        priority=20,
        category=category("edu-meals"),
        admin_unit=world.geo.aimag,
        target=RoutingRule.Target.GOVERNORS_OFFICE,
    )
    feedback = submit(world)
    assert feedback.handling_organization == governor
    assert feedback.events.get(type=Event.Type.ROUTED).data == {"rule": rule.pk}


def test_a_routing_rule_for_another_aimag_does_not_apply(world):
    RoutingRule.objects.create(
        priority=1,
        admin_unit=world.geo.other_aimag,
        target=RoutingRule.Target.ORGANIZATION,
        organization=world.other_dept,
    )
    assert submit(world).handling_organization == world.school_org


def test_the_matching_rule_with_the_lowest_priority_number_wins(world):
    governor = _governors_office(world)
    RoutingRule.objects.create(priority=50, admin_unit=world.geo.aimag, target=RoutingRule.Target.GOVERNORS_OFFICE)
    RoutingRule.objects.create(priority=10, admin_unit=world.geo.soum, target=RoutingRule.Target.SECTOR_DEPARTMENT)
    assert submit(world).handling_organization == world.education_dept
    RoutingRule.objects.filter(priority=10).update(priority=60)
    assert submit(world).handling_organization == governor


def test_inactive_rules_and_rules_for_other_categories_or_kinds_are_ignored(world):
    RoutingRule.objects.create(priority=1, target=RoutingRule.Target.SECTOR_DEPARTMENT, is_active=False)
    RoutingRule.objects.create(
        priority=2, target=RoutingRule.Target.SECTOR_DEPARTMENT, category=category("edu-dormitory")
    )
    RoutingRule.objects.create(priority=3, target=RoutingRule.Target.SECTOR_DEPARTMENT, kind="proposal")
    assert submit(world, kind="complaint").handling_organization == world.school_org
    assert submit(world, kind="proposal").handling_organization == world.education_dept


def test_feedback_about_a_place_goes_to_the_department_covering_the_soums_aimag(world):
    education = submit(world, service_unit=None, admin_unit=world.geo.soum, location_text="Багийн төв")
    assert education.handling_organization == world.education_dept
    assert education.admin_unit == world.geo.soum
    assert education.location_text == "Багийн төв"
    health = submit(world, service_unit=None, admin_unit=world.geo.other_soum, category=category("health-waiting"))
    assert health.handling_organization == world.other_dept


def test_feedback_without_a_facility_or_a_place_is_refused(world):
    with pytest.raises(services.FeedbackError):
        submit(world, service_unit=None)
    assert not Feedback.objects.exists()


def test_the_area_of_a_facility_wins_over_a_different_area_given_with_it(world):
    feedback = submit(world, admin_unit=world.geo.other_soum)
    assert feedback.admin_unit == world.geo.soum


# --- deadlines -------------------------------------------------------------------------------


def test_received_on_the_friday_before_naadam_acknowledge_skips_the_weekend_and_the_holidays(world):
    # Friday 10 July 2026; Naadam is Saturday 11 to Wednesday 15 July (from the holiday migration).
    with time_machine.travel(at(2026, 7, 10, 15), tick=False):
        feedback = submit(world)
    assert feedback.received_at == at(2026, 7, 10, 15)
    # Three working days: Thursday 16, Friday 17, Monday 20 July.
    assert feedback.acknowledge_due == end_of_day(2026, 7, 20)
    # Thirty calendar days, end of the day in Ulaanbaatar.
    assert feedback.resolve_due == end_of_day(2026, 8, 9)
    assert feedback.original_resolve_due == feedback.resolve_due


def test_deadlines_count_from_the_date_in_ulaanbaatar_not_in_utc(world):
    # 00:30 on Friday in Ulaanbaatar is still Thursday in UTC.
    with time_machine.travel(at(2026, 7, 10, 0, 30), tick=False):
        feedback = submit(world)
    assert feedback.acknowledge_due == end_of_day(2026, 7, 20)
    assert feedback.resolve_due == end_of_day(2026, 8, 9)


def test_a_weekend_declared_a_working_day_counts_towards_the_acknowledgement(world):
    Holiday.objects.create(date=datetime(2026, 9, 12).date(), name="Ажлын өдөр", kind=Holiday.Kind.WORKED_WEEKEND)
    with time_machine.travel(at(2026, 9, 10), tick=False):  # Thursday
        feedback = submit(world)
    # Friday 11, Saturday 12 (worked), Monday 14.
    assert feedback.acknowledge_due == end_of_day(2026, 9, 14)


def test_the_most_specific_deadline_policy_applies(world):
    safety = category("edu-safety")
    DeadlinePolicy.objects.create(name="safety", category=safety, resolve_days=10, resolve_day_kind="working")
    DeadlinePolicy.objects.create(
        name="safety petitions", kind="petition", category=safety, resolve_days=5, resolve_day_kind="working"
    )
    DeadlinePolicy.objects.create(name="proposals", kind="proposal", resolve_days=60)
    assert policy_for("complaint", safety).name == "safety"
    assert policy_for("petition", safety).name == "safety petitions"
    assert policy_for("proposal", safety).name == "safety"
    assert policy_for("proposal", category("edu-meals")).name == "proposals"
    assert policy_for("complaint", category("edu-meals")).name_en == "Petitions law default"
    with time_machine.travel(TUESDAY, tick=False):  # Tuesday 8 September 2026
        feedback = submit(world, kind="petition", category=safety)
    # Five working days: 9, 10, 11, 14, 15 September.
    assert feedback.resolve_due == end_of_day(2026, 9, 15)


# --- the reporter ----------------------------------------------------------------------------


def test_anonymous_feedback_stores_no_reporter_even_when_contact_details_are_given(world):
    feedback = submit(
        world,
        privacy=Privacy.ANONYMOUS,
        reporter_name="Бат",
        reporter_phone="99112233",
        reporter_email="bat@example.mn",
    )
    assert not Reporter.objects.exists()
    assert not hasattr(feedback, "reporter")
    # Only the handlers are told; nothing goes to the contact details that were typed in.
    assert list(outbox_for(feedback).values_list("recipient", flat=True)) == [world.provider.email]


def test_a_named_reporter_is_stored_apart_with_a_normalised_phone_and_lower_case_email(world):
    feedback = submit(
        world,
        privacy=Privacy.NAME_HIDDEN,
        reporter_name=" Бат Дорж ",
        reporter_phone="9911 2233",
        reporter_email="Bat.Dorj@Example.MN ",
    )
    reporter = Reporter.objects.get(feedback=feedback)
    assert (reporter.name, reporter.phone, reporter.email) == ("Бат Дорж", "+97699112233", "bat.dorj@example.mn")


def test_the_public_text_masks_phone_numbers_and_registry_numbers_but_the_original_is_kept(world):
    text = "Захирал мөнгө авч байна. Надтай 9911 2233 утсаар холбогдоно уу. РД УБ99012345. 2024 онд 1200 сурагч."
    feedback = submit(world, description=text)
    assert feedback.description == text
    assert feedback.public_description == (
        f"Захирал мөнгө авч байна. Надтай {MASK} утсаар холбогдоно уу. РД {MASK}. 2024 онд 1200 сурагч."
    )
    assert feedback.moderation == Feedback.Moderation.PENDING


# --- inbound channels are idempotent ---------------------------------------------------------


def test_the_same_channel_message_id_twice_gives_the_first_item(world):
    first, created_first = services.submit_feedback(
        services.Submission(
            kind="complaint",
            category=category("edu-meals"),
            description=f"{'Хоол муу. ' * 3}",
            service_unit=world.school,
            channel=Feedback.Channel.SMS,
            external_id="sms-0001",
            reporter_phone="99112233",
        )
    )
    again, created_again = services.submit_feedback(
        services.Submission(
            kind="complaint",
            category=category("edu-meals"),
            description="other text",
            service_unit=world.school,
            channel=Feedback.Channel.SMS,
            external_id="sms-0001",
            reporter_phone="99112233",
        )
    )
    assert (created_first, created_again) == (True, False)
    assert again.pk == first.pk
    assert Feedback.objects.count() == 1
    assert Reporter.objects.count() == 1
    assert outbox_for(first).filter(channel="sms").count() == 1


def test_the_same_message_id_on_another_channel_is_another_item(world):
    submit(world, channel=Feedback.Channel.SMS, external_id="42")
    submit(world, channel=Feedback.Channel.KOBO, external_id="42")
    assert Feedback.objects.count() == 2


# --- confirmations in the outbox -------------------------------------------------------------


def test_the_reporter_gets_an_english_email_and_sms_when_they_wrote_in_english(world):
    with time_machine.travel(TUESDAY, tick=False):
        feedback = submit(world, language="en", reporter_phone="99112233", reporter_email="bat@example.mn")
    code = feedback.tracking_code
    email = outbox_for(feedback).get(channel="email", recipient="bat@example.mn")
    sms = outbox_for(feedback).get(channel="sms")
    assert email.language == "en"
    assert email.subject == f"We received your feedback {code}"
    assert "It was sent to Battsengel soum School No. 1." in email.body
    assert "The law gives them until 2026-10-08 to answer." in email.body
    assert f"/feedback/track/{code}/" in email.body
    assert sms.recipient == "+97699112233"
    assert sms.body.startswith(f"Iltod: your feedback {code} was received. Answer due by 2026-10-08.")
    assert email.dedupe_key == f"received:{feedback.pk}:email"
    assert sms.dedupe_key == f"received:{feedback.pk}:sms"


def test_the_reporter_gets_a_mongolian_email_and_sms_when_they_wrote_in_mongolian(world):
    with time_machine.travel(TUESDAY, tick=False):
        feedback = submit(world, language="mn", reporter_phone="99112233", reporter_email="bat@example.mn")
    code = feedback.tracking_code
    email = outbox_for(feedback).get(channel="email", recipient="bat@example.mn")
    sms = outbox_for(feedback).get(channel="sms")
    assert email.subject == f"Таны санал хүсэлтийг бүртгэлээ: {code}"
    assert "Батцэнгэл сумын 1-р сургууль" in email.body
    assert sms.body.startswith(f"Илтод: таны {code} кодтой хүсэлтийг бүртгэлээ.")
    assert "2026-10-08" in sms.body


def test_a_reporter_who_wants_no_updates_gets_no_message(world):
    feedback = submit(world, reporter_phone="99112233", reporter_email="bat@example.mn", notify=False)
    assert not outbox_for(feedback).filter(recipient__in=["bat@example.mn", "+97699112233"]).exists()


def test_everyone_who_handles_feedback_in_the_handling_body_gets_an_email_in_their_language(world):
    world.officer.language = "en"
    world.officer.save(update_fields=["language"])
    school_item = submit(world)
    confidential = submit(world, privacy=Privacy.CONFIDENTIAL)
    to_director = outbox_for(school_item).get(recipient=world.provider.email)
    assert to_director.subject == f"Шийдвэрлэх шинэ санал хүсэлт: {school_item.tracking_code}"
    to_officer = outbox_for(confidential).get(recipient=world.officer.email)
    assert to_officer.subject == f"New feedback to handle: {confidential.tracking_code}"
    assert f"/staff/feedback/{confidential.tracking_code}/" in to_officer.body
    # The facility's staff hear nothing of the confidential report.
    assert not outbox_for(confidential).filter(recipient=world.provider.email).exists()


def test_imports_are_quiet(world):
    feedback = submit(world, reporter_email="bat@example.mn", quiet=True)
    assert not outbox_for(feedback).exists()


def test_the_confirmation_is_delivered_once_the_submission_commits(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        feedback = submit(world, language="en", reporter_email="bat@example.mn", reporter_phone="99112233")
    assert len(callbacks) == 1  # one delivery run for the three messages
    assert sorted(m.to[0] for m in mail.outbox) == ["bat@example.mn", world.provider.email]
    assert set(outbox_for(feedback).values_list("status", flat=True)) == {OutboundMessage.Status.SENT}


def test_the_submission_and_routing_are_on_the_public_timeline(world):
    feedback = submit(world, channel=Feedback.Channel.PHONE)
    events = list(feedback.events.order_by("pk").values_list("type", "is_public", "new_status"))
    assert events == [("submitted", True, "received"), ("routed", True, "")]
    assert feedback.events.get(type="submitted").data == {"channel": "phone"}
