"""The learning API (/api/v1/learning/): public reads without personal data, the heat map for the
network only, and the two writes (a sign-in sheet by the organiser's key, an assessment by an
invited organisation's key) through learning's services and guards: anonymous, another
organisation's key, a read-only key, the right key, and the query counts of the lists."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from iltod.accounts.models import ApiKey
from iltod.accounts.services import create_api_key
from iltod.core import testing
from iltod.learning.models import (
    Assessment,
    Competency,
    GapSummary,
    OrganizationProfile,
    Participation,
    Person,
    Training,
)
from iltod.learning.services import assessments as assessment_services
from iltod.learning.services import library as library_services
from iltod.organizations.models import NetworkMembership, Organization

from .helpers_trainings import attend, make_training, row
from .network_helpers import *  # noqa: F403
from .network_helpers import login

pytestmark = pytest.mark.django_db
API = "/api/v1/learning"


def key(personas, organization, scope=ApiKey.Scope.WRITE) -> dict:
    _key, raw = create_api_key(actor=personas.admin, organization=organization, name="system", scope=scope)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def validated(org, mission="Эрхэм зорилго"):
    from django.utils import timezone

    return OrganizationProfile.objects.create(
        organization=org, mission=mission, status="validated", is_current=True, reviewed_at=timezone.now()
    )


# --- public reads -------------------------------------------------------------------------------


def test_the_member_directory_shows_validated_profiles_only(client, personas):
    validated(personas.cso)
    OrganizationProfile.objects.create(organization=personas.cso, mission="Ноорог", status="draft")
    draft_only = testing.make_org(Organization.Kind.CSO, "Шинэ ТББ", home_unit=personas.geo.aimag)
    NetworkMembership.objects.create(network=personas.network, member=draft_only)
    OrganizationProfile.objects.create(organization=draft_only, mission="Ноорог", status="submitted")
    response = client.get(f"{API}/members/", {"network": personas.network.code})
    assert response.status_code == 200, response.content
    by_code = {m["code"]: m for m in response.json()["results"]}
    assert by_code[personas.cso.code]["profile"]["mission"] == "Эрхэм зорилго"
    assert by_code[draft_only.code]["profile"] is None
    assert "Ноорог" not in response.content.decode()


@pytest.mark.parametrize(
    ("query", "field"),
    [({}, "network"), ({"network": "NOPE0000"}, "network"), ({"network": "", "tool": "magic"}, "tool")],
)
def test_the_member_directory_needs_a_known_network(client, personas, query, field):
    response = client.get(f"{API}/members/", query, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_a_subnetwork_of_another_network_is_refused(client, personas, subnetwork):
    other = testing.make_org(Organization.Kind.NETWORK, "Өөр сүлжээ")
    query = {"network": other.code, "subnetwork": subnetwork.code}
    response = client.get(f"{API}/members/", query)
    assert response.status_code == 400
    assert "subnetwork" in response.json()["error"]["fields"]
    mine = client.get(f"{API}/members/", {"network": personas.network.code, "subnetwork": subnetwork.code})
    assert [m["code"] for m in mine.json()["results"]] == [personas.cso.code]


def test_the_framework_is_listed_with_areas_competencies_and_levels(client, personas, framework):
    response = client.get(f"{API}/frameworks/", {"network": personas.network.code})
    assert response.status_code == 200
    (listed,) = response.json()["results"]
    assert listed["version"] == framework.version and listed["is_proposal"] is True
    competency = listed["areas"][3]["competencies"][0]
    assert competency["code"] == "4.1"
    assert {b["level"] for b in competency["behaviours"]} == {1, 2, 3, 4}
    assert {"role": "monitor", "level": 3} in competency["required_levels"]


def test_trainings_show_public_fields_and_no_person(client, personas):
    training = make_training(personas)
    attend(personas, training, row("Бат Дорж", phone="99112233", email="bat@example.mn"))
    hidden = make_training(personas, title="Дотоод сургалт", is_public=False)
    listed = client.get(f"{API}/trainings/")
    assert [t["code"] for t in listed.json()["results"]] == [training.code]
    detail = client.get(f"{API}/trainings/{training.code}/")
    body = detail.content.decode()
    assert detail.json()["people_trained"] == 1
    assert [s["number"] for s in detail.json()["sessions"]] == [1, 2]
    assert "Бат" not in body and "99112233" not in body and "bat@example.mn" not in body
    assert client.get(f"{API}/trainings/{hidden.code}/").status_code == 404


def test_the_library_lists_published_versions_only(client, personas):
    values = {"network": personas.network, "kind": "lesson", "title_mn": "Сургамж", "body_mn": "Нийтэлсэн текст"}
    item = library_services.save_item(actor=personas.monitor, submit=True, **values)
    library_services.publish_item(item, actor=personas.network_admin)
    library_services.save_item(actor=personas.monitor, item=item, body_mn="Шинэ ноорог")
    draft = library_services.save_item(actor=personas.monitor, **{**values, "title_mn": "Ноорог"})
    listed = client.get(f"{API}/library/", {"q": "surgamj"})
    assert [i["code"] for i in listed.json()["results"]] == [item.code]
    detail = client.get(f"{API}/library/{item.code}/").json()
    assert detail["text_mn"] == "Нийтэлсэн текст"
    assert client.get(f"{API}/library/{draft.code}/").status_code == 404


def test_people_trained_counts_each_person_once(client, personas):
    first, second = make_training(personas, days_ago=30), make_training(personas, days_ago=3)
    attend(personas, first, row("Бат", phone="99112233", sex="female"), row("Дорж", phone="99001122", sex="male"))
    attend(personas, second, row("Бат", phone="9911-2233", sex="female"))
    figures = client.get(f"{API}/people-trained/").json()
    assert (figures["people"], figures["participations"]) == (2, 3)
    assert {"value": "female", "people": 1} in figures["by_sex"]


# --- the heat map ---------------------------------------------------------------------------------


@pytest.fixture
def answered(personas, assessment_round):
    answers = {c.pk: (1, 3) for c in assessment_services.competencies_of(assessment_round)}
    assessment_services.submit_assessment(
        round_=assessment_round, organization=personas.cso, full_name="Сараа", role="monitor", answers=answers
    )
    return assessment_round


@pytest.mark.parametrize("who", ["anonymous", "outsider", "member", "other_key", "member_key"])
def test_the_heat_map_is_hidden_from_everyone_but_the_network(client, personas, member, answered, who):
    headers = {}
    if who == "other_key":
        headers = key(personas, personas.other_dept)
    elif who == "member_key":
        headers = key(personas, personas.cso)
    elif who != "anonymous":
        login(client, who, personas, member)
    assert client.get(f"{API}/rounds/{answered.code}/heat-map/", **headers).status_code == 404
    assert client.get(f"{API}/rounds/{answered.code}/", **headers).status_code == 404


@pytest.mark.parametrize("who", ["network_admin", "network_key"])
def test_the_network_reads_its_heat_map_from_the_sums(client, personas, answered, who):
    headers = key(personas, personas.network, ApiKey.Scope.READ) if who == "network_key" else {}
    if who == "network_admin":
        client.force_login(personas.network_admin)
    response = client.get(f"{API}/rounds/{answered.code}/heat-map/", {"scope": "organization"}, **headers)
    assert response.status_code == 200, response.content
    (line,) = response.json()["results"]
    assert line["code"] == personas.cso.code
    cell = next(c for c in line["cells"] if c["competency"] == "4.1")
    assert (cell["respondents"], cell["mean_gap"], cell["mean_priority"]) == (1, 2.0, 6.0)
    summary = client.get(f"{API}/rounds/{answered.code}/", **headers).json()
    assert summary["respondents"] == 1 and summary["top_gaps"]
    bad = client.get(f"{API}/rounds/{answered.code}/heat-map/", {"scope": "planet"}, **headers)
    assert bad.status_code == 400


def test_the_heat_map_pages_in_few_queries_whatever_the_rows(client, personas, answered):
    client.force_login(personas.network_admin)
    url = f"{API}/rounds/{answered.code}/heat-map/?scope=organization&page_size=2"

    def add_members(n):
        answers = {c.pk: (2, 2) for c in assessment_services.competencies_of(answered)}
        for i in range(n):
            org = testing.make_org(Organization.Kind.CSO, f"ТББ {Organization.objects.count()} {i}")
            NetworkMembership.objects.create(network=personas.network, member=org)
            answered.invited_organizations.add(org)
            assessment_services.submit_assessment(
                round_=answered, organization=org, full_name=f"Хүн {i}", role="monitor", answers=answers
            )

    add_members(2)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).json()["count"] == 3
    add_members(10)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).json()["count"] == 13
    assert len(many) == len(few) <= 12


# --- writes ---------------------------------------------------------------------------------------


def sheet(**extra):
    body = {"session": 1, "rows": [{"full_name": "Бат Дорж", "phone": "9911 2233", "sex": "female"}]}
    body.update(extra)
    return body


def test_attendance_by_the_organisers_key_finds_people_again(client, personas):
    training = make_training(personas, organiser=personas.cso)
    headers = key(personas, personas.cso)
    response = client.post(
        f"{API}/trainings/{training.code}/attendance/", sheet(), content_type="application/json", **headers
    )
    assert response.status_code == 200, response.content
    assert response.json() == {"new_people": 1, "known_people": 0, "registered": 1, "present": 1}
    again = sheet(session=2, rows=[{"full_name": "Bat Dorj", "phone": "+976 99112233"}])
    second = client.post(
        f"{API}/trainings/{training.code}/attendance/", again, content_type="application/json", **headers
    )
    assert second.json()["known_people"] == 1
    assert Person.objects.count() == 1
    assert Participation.objects.get().sessions_attended == 2


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", 401), ("other_key", 404), ("read_key", 403), ("outsider", 404), ("network_admin", 200)],
)
def test_attendance_access(client, personas, member, who, expected):
    training = make_training(personas, organiser=personas.cso)
    headers = {}
    if who == "other_key":
        headers = key(personas, personas.other_dept)
    elif who == "read_key":
        headers = key(personas, personas.cso, ApiKey.Scope.READ)
    elif who != "anonymous":
        login(client, who, personas, member)
    url = f"{API}/trainings/{training.code}/attendance/"
    response = client.post(url, sheet(), content_type="application/json", **headers)
    assert response.status_code == expected, response.content
    assert Person.objects.exists() is (expected == 200)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (sheet(rows=[{"full_name": "Бат", "phone": "12"}]), "rows.0.phone"),
        (sheet(rows=[{"full_name": "Бат", "sex": "x"}]), "rows.0.sex"),
        (sheet(session=9), "session"),
        (sheet(rows=[]), "rows"),
    ],
)
def test_a_bad_sheet_saves_nothing_and_names_the_row(client, personas, body, field):
    training = make_training(personas, organiser=personas.cso)
    url = f"{API}/trainings/{training.code}/attendance/"
    response = client.post(
        url, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="mn", **key(personas, personas.cso)
    )
    assert response.status_code == 400
    assert any(name.startswith(field) for name in response.json()["error"]["fields"])
    assert not Person.objects.exists()


def test_two_rows_for_one_person_are_refused(client, personas):
    training = make_training(personas, organiser=personas.cso)
    rows = [{"full_name": "Бат", "phone": "99112233"}, {"full_name": "Bat", "phone": "9911-2233"}]
    url = f"{API}/trainings/{training.code}/attendance/"
    response = client.post(url, sheet(rows=rows), content_type="application/json", **key(personas, personas.cso))
    assert response.status_code == 400
    assert "2" in response.json()["error"]["message"]
    assert not Person.objects.exists()


def assessment_body(round_, organization, **extra):
    body = {
        "organization": organization.code,
        "full_name": "Сараа",
        "role": "monitor",
        "answers": [
            {"competency": c.code, "current": 2, "importance": 3} for c in assessment_services.competencies_of(round_)
        ],
        "submission_id": "uuid-1",
    }
    body.update(extra)
    return body


def test_an_invited_organisations_key_records_its_people_once(client, personas, assessment_round):
    url = f"{API}/rounds/{assessment_round.code}/assessments/"
    headers = key(personas, personas.cso)
    body = assessment_body(assessment_round, personas.cso)
    first = client.post(url, body, content_type="application/json", **headers)
    assert first.status_code == 201, first.content
    assert first.json()["source"] == "api" and first.json()["recorded_before"] is False
    again = client.post(url, body, content_type="application/json", **headers)
    assert again.status_code == 200 and again.json()["recorded_before"] is True
    assert Assessment.objects.get().source == Assessment.Source.API
    assert GapSummary.objects.filter(round=assessment_round, scope="network").first().respondents == 1


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", 401), ("other_key", 404), ("read_key", 403), ("member", 404), ("network_key", 201)],
)
def test_assessment_access(client, personas, member, assessment_round, who, expected):
    headers = {}
    if who == "other_key":
        headers = key(personas, personas.other_dept)
    elif who == "read_key":
        headers = key(personas, personas.cso, ApiKey.Scope.READ)
    elif who == "network_key":
        headers = key(personas, personas.network)
    elif who == "member":
        client.force_login(member)
    url = f"{API}/rounds/{assessment_round.code}/assessments/"
    response = client.post(
        url, assessment_body(assessment_round, personas.cso), content_type="application/json", **headers
    )
    assert response.status_code == expected, response.content
    assert Assessment.objects.exists() is (expected == 201)


def test_a_members_key_cannot_answer_for_another_organisation(client, personas, assessment_round):
    other = testing.make_org(Organization.Kind.CSO, "Өөр ТББ")
    assessment_round.invited_organizations.add(other)
    url = f"{API}/rounds/{assessment_round.code}/assessments/"
    body = assessment_body(assessment_round, other)
    response = client.post(url, body, content_type="application/json", **key(personas, personas.cso))
    assert response.status_code == 404
    assert not Assessment.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda b: b["answers"][0].update(current=5), "answers.0.current"),
        (lambda b: b["answers"].append({"competency": "9.9", "current": 1, "importance": 1}), "answers"),
        (lambda b: b["answers"].pop(), "non_field_errors"),
        (lambda b: b.update(role="king"), "role"),
    ],
)
def test_impossible_answers_save_nothing(client, personas, assessment_round, change, field):
    body = assessment_body(assessment_round, personas.cso)
    change(body)
    url = f"{API}/rounds/{assessment_round.code}/assessments/"
    response = client.post(url, body, content_type="application/json", **key(personas, personas.cso))
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert field in error["fields"] or (field == "non_field_errors" and error["message"])
    assert not Assessment.objects.exists()


# --- query counts of the lists --------------------------------------------------------------------


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(captured)


def test_lists_make_the_same_number_of_queries_for_more_rows(client, personas, framework):
    def add(n):
        for i in range(n):
            org = testing.make_org(Organization.Kind.CSO, f"Гишүүн {Organization.objects.count()} {i}")
            NetworkMembership.objects.create(network=personas.network, member=org)
            validated(org)
            training = make_training(personas, title=f"Сургалт {i}")
            training.competencies.set(Competency.objects.filter(area__framework=framework)[:2])
            item = library_services.save_item(
                actor=personas.monitor, submit=True, network=personas.network, kind="lesson", title_mn=f"Сургамж {i}"
            )
            library_services.publish_item(item, actor=personas.network_admin)

    urls = [
        f"{API}/members/?network={personas.network.code}",
        f"{API}/trainings/",
        f"{API}/library/",
        f"{API}/frameworks/",
    ]
    add(2)
    for url in urls:
        client.get(url)
    before = [_count(client, url) for url in urls]
    add(6)
    assert [_count(client, url) for url in urls] == before
    assert Training.objects.count() == 8
