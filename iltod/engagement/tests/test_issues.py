"""Local issues: raising one, citing evidence from the platform, documents, the public issue page,
and prioritisation votes per stakeholder type that rank the issues."""

from django.urls import reverse

from iltod.accounts.services import events_for
from iltod.core.testing import sector
from iltod.engagement import services
from iltod.engagement.models import Evidence, LocalIssue, Prioritisation, StakeholderType
from iltod.feedback import services as feedback_services
from iltod.feedback.tests.helpers import submit

from .helpers_groups import SOME_MEMBERS, add_members, client_for, held_meeting, pdf


def make_issue(group, actor, title="Сургуулийн хоол", **fields) -> LocalIssue:
    return services.create_issue(actor=actor, group=group, title=title, **fields)


def test_a_coordinator_raises_an_issue_about_a_facility(personas, group):
    meeting = held_meeting(group, personas.coordinator)
    client = client_for(personas, "coordinator")
    response = client.post(
        reverse("engagement:issue_create", args=[group.code]),
        {
            "title": "Сургуулийн үдийн хоол хангалтгүй",
            "description": "Олон эцэг эх гомдол гаргасан.",
            "facility": personas.school.code,
            "status": LocalIssue.Status.RAISED,
            "raised_at": meeting.pk,
            "is_public": "on",
        },
    )
    issue = LocalIssue.objects.get(group=group)
    assert response.status_code == 302 and response["Location"] == issue.get_absolute_url()
    assert issue.service_unit == personas.school
    assert issue.sector == sector("education")  # taken from the facility when not given
    assert issue.admin_unit == personas.school.admin_unit
    assert issue.raised_at == meeting
    assert [e.action for e in events_for(issue)] == ["engagement.issue_created"]


def test_an_unknown_facility_code_is_a_clear_error(personas, group):
    response = client_for(personas, "coordinator").post(
        reverse("engagement:issue_create", args=[group.code]),
        {"title": "Асуудал", "facility": "ZZZZ", "status": "raised"},
    )
    assert response.status_code == 200
    assert "No facility has the code" in str(response.context["form"].errors["facility"])


def test_evidence_cites_feedback_by_tracking_code_links_and_notes(personas, group):
    issue = make_issue(group, personas.coordinator)
    feedback = submit(personas)
    client = client_for(personas, "coordinator")
    url = reverse("engagement:issue_evidence", args=[issue.code])
    assert client.post(url, {"kind": "feedback", "feedback_code": feedback.tracking_code.lower()}).status_code == 302
    again = client.post(url, {"kind": "feedback", "feedback_code": feedback.tracking_code})
    assert again.status_code == 400 and "already cited" in again.content.decode()
    unknown = client.post(url, {"kind": "feedback", "feedback_code": "NOPE1234"})
    assert unknown.status_code == 400 and "No feedback has this code." in unknown.content.decode()
    link = "https://example.mn/scorecards/result/42"
    assert client.post(url, {"kind": "scorecard", "url": link}).status_code == 302
    assert client.post(url, {"kind": "link"}).status_code == 400
    assert client.post(url, {"kind": "note", "note": "Хяналтын хуудсаар шалгасан."}).status_code == 302
    assert client.post(url, {"kind": "made-up"}).status_code == 400
    kinds = list(issue.evidence.order_by("pk").values_list("kind", flat=True))
    assert kinds == [Evidence.Kind.FEEDBACK, Evidence.Kind.SCORECARD, Evidence.Kind.NOTE]
    assert [e.action for e in events_for(issue)].count("engagement.evidence_added") == 3


def test_evidence_can_link_any_platform_record_through_the_generic_target(personas, group):
    issue = make_issue(group, personas.coordinator)
    evidence = services.add_evidence(
        actor=personas.coordinator, issue=issue, kind=Evidence.Kind.DISCLOSURE, target=personas.school
    )
    assert evidence.target == personas.school
    page = client_for(personas, "anonymous").get(issue.get_absolute_url())
    assert personas.school.get_absolute_url() in page.content.decode()


def test_the_public_issue_page_shows_public_evidence_and_the_citizens_words_only_once_published(personas, group):
    issue = make_issue(group, personas.coordinator)
    feedback = submit(personas)
    services.add_evidence(actor=personas.coordinator, issue=issue, kind="feedback", feedback=feedback)
    public_doc = services.add_document(actor=personas.coordinator, upload=pdf(), title="Тайлан", issue=issue)
    services.add_document(actor=personas.coordinator, upload=pdf(), title="Дотоод", is_public=False, issue=issue)
    anonymous = client_for(personas, "anonymous")
    html = anonymous.get(issue.get_absolute_url()).content.decode()
    assert feedback.tracking_code in html
    assert "Үдийн цай хүйтэн" not in html  # not moderated yet
    assert "Тайлан" in html and "Дотоод" not in html
    assert anonymous.get(public_doc.get_absolute_url()).status_code == 200
    feedback_services.moderate(feedback, actor=personas.admin, publish=True, public_text="Үдийн цай хүйтэн байна.")
    assert "Үдийн цай хүйтэн байна." in anonymous.get(issue.get_absolute_url()).content.decode()


def test_an_issue_that_is_not_public_is_seen_by_members_only(personas, group):
    issue = make_issue(group, personas.coordinator, is_public=False)
    assert client_for(personas, "anonymous").get(issue.get_absolute_url()).status_code == 404
    assert client_for(personas, "provider").get(issue.get_absolute_url()).status_code == 404
    assert client_for(personas, "monitor").get(issue.get_absolute_url()).status_code == 200
    page = client_for(personas, "anonymous").get(group.get_absolute_url())
    assert issue.title not in page.content.decode()


def test_editing_an_issue_records_the_change_of_status(personas, group):
    issue = make_issue(group, personas.coordinator)
    response = client_for(personas, "coordinator").post(
        reverse("engagement:issue_edit", args=[issue.code]),
        {"title": issue.title, "status": LocalIssue.Status.RESOLVED, "is_public": "on"},
    )
    assert response.status_code == 302
    event = events_for(issue).filter(action="engagement.issue_updated").get()
    assert event.data["status"] == ["raised", "resolved"]


def test_votes_per_stakeholder_type_rank_the_issues(personas, group):
    add_members(group, personas.coordinator, SOME_MEMBERS)
    meals = make_issue(group, personas.coordinator, "Хоол")
    heating = make_issue(group, personas.coordinator, "Халаалт")
    doctors = make_issue(group, personas.coordinator, "Эмчийн хомсдол")
    meeting = held_meeting(group, personas.coordinator)
    client = client_for(personas, "coordinator")
    url = reverse("engagement:meeting_prioritise", args=[meeting.code])
    page = client.get(url)
    assert page.status_code == 200
    # Only the stakeholder types of the group's members are columns.
    assert {v for v, _ in page.context["form"].types} == {"cso", "governors_office", "citizen", "media"}
    response = client.post(
        url,
        {
            f"v_{meals.code}_citizen": "5",
            f"v_{meals.code}_media": "1",
            f"v_{heating.code}_citizen": "9",
            f"v_{heating.code}_governors_office": "2",
            f"v_{doctors.code}_cso": "0",
        },
    )
    assert response.status_code == 302
    for issue in (meals, heating, doctors):
        issue.refresh_from_db()
    assert (heating.priority, meals.priority, doctors.priority) == (1, 2, None)
    assert heating.status == meals.status == LocalIssue.Status.PRIORITISED
    assert doctors.status == LocalIssue.Status.RAISED
    assert Prioritisation.objects.filter(meeting=meeting).count() == 4
    summary = client_for(personas, "anonymous").get(meeting.get_absolute_url())
    ranking = summary.context["ranking"]
    assert [(issue.title, total) for issue, total, _ in ranking] == [("Халаалт", 11), ("Хоол", 6)]
    assert ranking[0][2][0] == (StakeholderType.CITIZEN.label, 9)
    ranked = events_for(heating).filter(action="engagement.issue_ranked").get()
    assert ranked.data["priority"] == [None, 1] and ranked.data["votes"] == 11
    # Voting again replaces the meeting's votes and re-ranks.
    client.post(url, {f"v_{meals.code}_citizen": "20"})
    meals.refresh_from_db()
    assert meals.priority == 1
    assert Prioritisation.objects.filter(meeting=meeting).count() == 1


def test_votes_must_be_whole_numbers_from_zero(personas, group):
    issue = make_issue(group, personas.coordinator)
    meeting = held_meeting(group, personas.coordinator)
    url = reverse("engagement:meeting_prioritise", args=[meeting.code])
    response = client_for(personas, "coordinator").post(url, {f"v_{issue.code}_cso": "-1"})
    assert response.status_code == 200 and response.context["form"].errors
    response = client_for(personas, "coordinator").post(url, {f"v_{issue.code}_cso": "lots"})
    assert response.status_code == 200 and response.context["form"].errors
    assert not Prioritisation.objects.exists()


def test_the_group_page_lists_issues_in_priority_order_with_few_queries(personas, group, django_assert_max_num_queries):
    for n in range(12):
        make_issue(group, personas.coordinator, f"Асуудал {n}", priority=12 - n, sector=sector("health"))
    with django_assert_max_num_queries(25):
        response = client_for(personas, "anonymous").get(group.get_absolute_url())
    assert [i.priority for i in response.context["issues"]] == list(range(1, 13))
