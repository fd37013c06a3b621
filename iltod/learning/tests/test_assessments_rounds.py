"""Assessment rounds: answers, gap and priority, the sums behind the heat map, top gaps, the
re-assessment's change, the organisation's capacity block and the paper form."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from iltod.accounts.audit import AuditAction
from iltod.accounts.models import AuditEvent
from iltod.core import testing
from iltod.learning.models import Assessment, CapacityRating, GapSummary, Rating
from iltod.learning.services import assessments as services
from iltod.organizations.models import NetworkMembership, Organization

from .network_helpers import *  # noqa: F403
from .network_helpers import PERSONAS, login

pytestmark = pytest.mark.django_db
Scope = GapSummary.Scope


def all_answers(round_, current=2, importance=3):
    return {c.pk: (current, importance) for c in services.competencies_of(round_)}


def post_data(round_, org, current="2", importance="3", **extra):
    data = {"full_name": "Бат Дорж", "organization": org.pk, "role": "monitor"}
    for c in services.competencies_of(round_):
        data[f"current_{c.pk}"] = current
        data[f"importance_{c.pk}"] = importance
    data.update(extra)
    return data


def test_gap_and_priority_follow_the_required_level_of_the_role(personas, assessment_round):
    answers = all_answers(assessment_round, current=1, importance=4)
    first = services.competencies_of(assessment_round)[0]
    answers[first.pk] = (4, 2)  # above the requirement: a negative gap, no priority
    assessment = services.submit_assessment(
        round_=assessment_round, organization=personas.cso, full_name="Сараа", role="monitor", answers=answers
    )
    ratings = {r.competency_id: r for r in assessment.ratings.all()}
    above = ratings[first.pk]
    assert (above.required, above.gap, above.priority) == (2, -2, 0)  # area 1 is not a monitor's focus
    tools = next(r for r in ratings.values() if r.competency.code == "4.1")
    assert (tools.required, tools.gap, tools.priority) == (3, 2, 8)  # area 4 is: level 3 required


@pytest.mark.parametrize(
    ("answers", "code"),
    [
        (lambda r: {**all_answers(r), services.competencies_of(r)[0].pk: (5, 3)}, "range"),
        (lambda r: {**all_answers(r), services.competencies_of(r)[0].pk: (0, 3)}, "range"),
        (lambda r: {**all_answers(r), services.competencies_of(r)[0].pk: (2, "x")}, "range"),
        (lambda r: {**all_answers(r), 999999: (2, 3)}, "unknown"),
        (lambda r: dict(list(all_answers(r).items())[1:]), "missing"),
    ],
)
def test_impossible_or_missing_scores_save_nothing(personas, assessment_round, answers, code):
    with pytest.raises(ValidationError) as error:
        services.submit_assessment(
            round_=assessment_round,
            organization=personas.cso,
            full_name="Сараа",
            role="monitor",
            answers=answers(assessment_round),
        )
    assert code in {e.code for e in error.value.error_list}
    assert not Assessment.objects.exists() and not GapSummary.objects.exists()


def test_duplicate_answers_are_refused(personas, member, assessment_round):
    kwargs = {"round_": assessment_round, "organization": personas.cso, "full_name": "Бат", "role": "monitor"}
    services.submit_assessment(**kwargs, answers=all_answers(assessment_round), user=member)
    with pytest.raises(ValidationError) as error:
        services.submit_assessment(**kwargs, answers=all_answers(assessment_round), user=member)
    assert [e.code for e in error.value.error_list] == ["duplicate"]
    # The same KoBo submission twice is one assessment.
    one = services.submit_assessment(**kwargs, answers=all_answers(assessment_round), external_id="uuid-1")
    two = services.submit_assessment(**kwargs, answers=all_answers(assessment_round), external_id="uuid-1")
    assert one == two and Assessment.objects.count() == 2


def test_an_organisation_not_invited_cannot_answer(personas, assessment_round):
    with pytest.raises(ValidationError) as error:
        services.submit_assessment(
            round_=assessment_round,
            organization=personas.education_dept,
            full_name="Сараа",
            role="monitor",
            answers=all_answers(assessment_round),
        )
    assert [e.code for e in error.value.error_list] == ["not_invited"]


def test_the_sums_on_submit_equal_a_rebuild_from_the_ratings(personas, subnetwork, assessment_round):
    khovd = testing.make_org(Organization.Kind.CSO, "Ховдын төв", home_unit=personas.geo.other_soum)
    NetworkMembership.objects.create(network=personas.network, member=khovd)
    assessment_round.invited_organizations.add(khovd)
    for i, (org, current) in enumerate([(personas.cso, 1), (personas.cso, 3), (khovd, 2)]):
        services.submit_assessment(
            round_=assessment_round,
            organization=org,
            full_name=f"Хүн {i}",
            role=["monitor", "leader", "volunteer"][i],
            answers=all_answers(assessment_round, current=current, importance=i + 1),
        )
    incremental = set(
        GapSummary.objects.values_list(
            "scope", "scope_id", "competency_id", "respondents", "sum_current", "sum_gap", "sum_priority"
        )
    )
    services.rebuild_summaries(assessment_round)
    rebuilt = set(
        GapSummary.objects.values_list(
            "scope", "scope_id", "competency_id", "respondents", "sum_current", "sum_gap", "sum_priority"
        )
    )
    assert incremental == rebuilt
    scopes = {(s, i) for s, i, *_ in rebuilt}
    assert scopes == {
        (Scope.ORGANIZATION, personas.cso.pk),
        (Scope.ORGANIZATION, khovd.pk),
        (Scope.AIMAG, personas.geo.aimag.pk),
        (Scope.AIMAG, personas.geo.other_aimag.pk),
        (Scope.SUBNETWORK, subnetwork.pk),
        (Scope.NETWORK, personas.network.pk),
    }
    # The network's cell is a mean over people, from counts.
    c = services.competencies_of(assessment_round)[0]
    network = GapSummary.objects.get(scope=Scope.NETWORK, competency=c)
    ratings = Rating.objects.filter(competency=c)
    assert network.respondents == 3 and network.sum_current == sum(r.current for r in ratings)


def round_url(round_, name="learning:round"):
    return reverse(name, args=[round_.code])


# persona -> (round page, heat map shown, may answer)
MATRIX = {
    "anonymous": (302, False, False),
    "member": (200, False, True),
    "network_admin": (200, True, False),
    "outsider": (404, False, False),
}


@pytest.mark.parametrize("name", PERSONAS)
def test_round_pages_follow_the_matrix(client, personas, member, assessment_round, name):
    login(client, name, personas, member)
    status, heat, answers = MATRIX[name]
    response = client.get(round_url(assessment_round))
    assert response.status_code == status
    if status == 200:
        assert ('class="heat"' in response.content.decode()) is heat
    answer = client.post(
        round_url(assessment_round, "learning:round_answer"), post_data(assessment_round, personas.cso)
    )
    assert Assessment.objects.exists() is answers
    if not answers:
        assert answer.status_code in {302, 404}
    assert client.get(round_url(assessment_round, "learning:round_print")).status_code == (
        200 if name in {"member", "network_admin"} else status
    )
    rounds = client.get(reverse("learning:rounds", args=[personas.network.code]))
    assert rounds.status_code == {"anonymous": 302, "network_admin": 200}.get(name, 404)


def test_a_member_answers_on_the_site_once(client, personas, member, assessment_round):
    client.force_login(member)
    response = client.post(
        round_url(assessment_round, "learning:round_answer"), post_data(assessment_round, personas.cso)
    )
    assert response.status_code == 302
    assessment = Assessment.objects.get()
    assert assessment.user == member and assessment.aimag == personas.geo.aimag
    assert AuditEvent.objects.filter(action=AuditAction.ASSESSMENT_SUBMITTED).exists()
    again = client.get(round_url(assessment_round, "learning:round_answer"))
    assert again.status_code == 302 and Assessment.objects.count() == 1


@pytest.mark.parametrize(
    "extra",
    [{"role": "boss"}, {"full_name": ""}, {"organization": "999999"}],
)
def test_bad_answers_on_the_site_are_400_and_save_nothing(client, personas, member, assessment_round, extra):
    client.force_login(member)
    response = client.post(
        round_url(assessment_round, "learning:round_answer"), post_data(assessment_round, personas.cso, **extra)
    )
    assert response.status_code == 400
    assert not Assessment.objects.exists()


@pytest.mark.parametrize(("opens", "closes"), [(-30, -2), (2, 30)])
def test_the_site_takes_answers_only_while_the_round_is_open(client, personas, member, assessment_round, opens, closes):
    today = datetime.date.today()
    assessment_round.opens_on = today + datetime.timedelta(days=opens)
    assessment_round.closes_on = today + datetime.timedelta(days=closes)
    assessment_round.save()
    client.force_login(member)
    response = client.post(
        round_url(assessment_round, "learning:round_answer"), post_data(assessment_round, personas.cso)
    )
    assert response.status_code == 400
    assert assessment_round.closes_on.isoformat() in response.content.decode()
    assert not Assessment.objects.exists()


@pytest.mark.parametrize("value", ["5", "0", "", "два"])
def test_impossible_scores_on_the_site_are_400(client, personas, member, assessment_round, value):
    client.force_login(member)
    data = post_data(assessment_round, personas.cso)
    first = services.competencies_of(assessment_round)[0]
    data[f"current_{first.pk}"] = value
    response = client.post(round_url(assessment_round, "learning:round_answer"), data)
    assert response.status_code == 400
    assert not Assessment.objects.exists()


def test_heat_map_top_gaps_and_change_since_the_previous_round(client, personas, framework, assessment_round):
    for current in (1, 2):
        services.submit_assessment(
            round_=assessment_round,
            organization=personas.cso,
            full_name=f"Хүн {current}",
            role="coordinator",
            answers=all_answers(assessment_round, current=current, importance=4),
        )
    later = services.create_round(
        actor=personas.network_admin,
        network=personas.network,
        framework=framework,
        name="Давтан үнэлгээ",
        opens_on=datetime.date.today(),
        closes_on=datetime.date.today(),
        organizations=[personas.cso],
        previous=assessment_round,
    )
    services.submit_assessment(
        round_=later,
        organization=personas.cso,
        full_name="Хүн 3",
        role="coordinator",
        answers=all_answers(later, current=3, importance=4),
    )
    client.force_login(personas.network_admin)
    response = client.get(round_url(assessment_round), {"scope": "organization"})
    page = response.content.decode()
    assert personas.cso.name in page and "1.5" in page  # mean gap (3-1 + 3-2) / 2
    top = response.context["top"]
    assert len(top) == 5 and top[0][1].mean_priority == 6.0
    change = client.get(round_url(later)).context["change"]
    assert change[0][1] == 1.5 and change[0][2] == 3.0 and change[0][3] == 1.5
    assert "+1.50" in client.get(round_url(later)).content.decode()


def test_the_round_page_reads_a_fixed_number_of_queries(
    client, personas, assessment_round, django_assert_max_num_queries
):
    for i in range(30):
        org = testing.make_org(Organization.Kind.CSO, f"ТББ {i}", home_unit=personas.geo.aimag)
        assessment_round.invited_organizations.add(org)
        services.submit_assessment(
            round_=assessment_round,
            organization=org,
            full_name=f"Хүн {i}",
            role="monitor",
            answers=all_answers(assessment_round, current=1 + i % 4),
        )
    client.force_login(personas.network_admin)
    with django_assert_max_num_queries(20):
        response = client.get(round_url(assessment_round), {"scope": "organization"})
    assert response.context["heat_rows"].count("<tr>") == 30


def test_the_network_admin_creates_a_round_and_bad_dates_are_refused(client, personas, framework):
    client.force_login(personas.network_admin)
    url = reverse("learning:rounds", args=[personas.network.code])
    data = {
        "name": "2027 он",
        "framework": framework.pk,
        "opens_on": "2027-03-01",
        "closes_on": "2027-02-01",
        "organizations": [personas.cso.pk],
    }
    assert client.post(url, data).status_code == 400
    framework.refresh_from_db()
    assert not framework.is_frozen
    response = client.post(url, {**data, "closes_on": "2027-04-01"})
    assert response.status_code == 302
    framework.refresh_from_db()
    assert framework.is_frozen
    assert AuditEvent.objects.filter(action=AuditAction.ASSESSMENT_ROUND_CREATED).exists()


def test_the_capacity_block_is_for_the_organisation_editors(client, personas, member, assessment_round):
    url = reverse("learning:round_capacity", args=[assessment_round.code, personas.cso.code])
    data = {}
    for item in ("governance", "finance", "people", "mel", "partnerships", "fundraising"):
        data[f"level_{item}"] = "2"
        data[f"note_{item}"] = ""
    client.force_login(personas.monitor)  # acts for the CSO but may not edit its profile
    assert client.post(url, data).status_code == 404
    client.force_login(member)
    assert client.post(url, {**data, "level_finance": "7"}).status_code == 400
    assert not CapacityRating.objects.exists()
    assert client.post(url, data).status_code == 302
    assert client.post(url, {**data, "level_finance": "4"}).status_code == 302
    assert CapacityRating.objects.count() == 6
    assert CapacityRating.objects.get(item="finance").level == 4


def test_the_paper_form_lists_every_competency(client, personas, member, assessment_round):
    client.force_login(member)
    page = client.get(round_url(assessment_round, "learning:round_print")).content.decode()
    for c in services.competencies_of(assessment_round):
        assert c.name_mn in page
