"""The learning pages the persona matrices did not cover, for every access level: adding a
session, printing a certificate, reporting on a strategy action point, the private follow-up and
invitation links (which answer to their token, not to who is logged in), the value page and the
resources page."""

import datetime

import pytest

from iltod.engagement.models import Action
from iltod.learning import services
from iltod.learning.models import Participation
from iltod.learning.services.assessments import invite_person

from .helpers_trainings import attend, make_training, row
from .network_helpers import *  # noqa: F403
from .test_strategy_plan import plan  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "citizen", "monitor", "coordinator", "officer", "network_admin", "admin"]
MANAGERS = {"network_admin", "admin"}


def _login(client, personas, who):
    if who != "anonymous":
        client.force_login(getattr(personas, who))


def _expected(who, allowed: bool) -> int:
    if allowed:
        return 200
    return 302 if who == "anonymous" else 404  # anonymous: the login page; others: not found


@pytest.fixture
def trained(personas):
    training = make_training(personas, days_ago=100)
    attend(personas, training, row("Бат Дорж", phone="99112233", email="bat@example.mn"))
    participation = Participation.objects.select_related("training", "person").get()
    services.issue_certificate(participation, actor=personas.network_admin)
    services.remind_follow_ups()  # gives the participant their private follow-up link
    participation.refresh_from_db()
    return participation


@pytest.mark.parametrize("who", PERSONAS)
def test_adding_a_session_and_printing_a_certificate(client, personas, trained, who):
    _login(client, personas, who)
    training = trained.training
    before = training.sessions.count()
    added = client.post(f"/learning/trainings/{training.code}/sessions/", {"held_on": training.ends_on.isoformat()})
    assert added.status_code == (404 if who not in MANAGERS and who != "anonymous" else 302)
    assert training.sessions.count() == before + (1 if who in MANAGERS else 0)
    url = f"/learning/trainings/{training.code}/people/{trained.person.code}/certificate/"
    assert client.get(url).status_code == _expected(who, who in MANAGERS)


@pytest.mark.parametrize("who", PERSONAS)
def test_the_private_links_answer_to_their_token(client, personas, trained, assessment_round, who):
    _login(client, personas, who)
    assert client.get(f"/learning/follow-up/{trained.follow_up_token}/").status_code == 200
    assert client.get("/learning/follow-up/not-a-token/").status_code == 404
    invitee = invite_person(
        actor=personas.network_admin, round_=assessment_round, organization=personas.cso, full_name="Сараа Бат"
    )
    assert client.get(f"/learning/invitations/{invitee.token}/").status_code == 200
    assert client.get("/learning/invitations/not-a-token/").status_code == 404


@pytest.mark.parametrize(
    "who, reports",
    [
        ("anonymous", False),
        ("citizen", False),
        ("monitor", True),  # acts for the CSO that leads the action point
        ("officer", False),  # an outsider
        ("network_admin", True),
        ("admin", True),
    ],
)
def test_reporting_on_a_strategy_action_point(client, personas, plan, who, reports):  # noqa: F811
    action = Action.objects.get(plan__strategic_objective__focus_area__plan=plan, lead_organization=personas.cso)
    _login(client, personas, who)
    url = f"{plan.get_absolute_url()}actions/{action.code}/report/"
    assert client.get(url).status_code == _expected(who, reports)


@pytest.mark.parametrize("who", PERSONAS)
def test_the_value_page_is_public_and_resources_are_the_administrators(client, personas, who):
    _login(client, personas, who)
    assert client.get("/learning/value/", {"year": datetime.date.today().year}).status_code == 200
    assert client.get("/learning/resources/").status_code == _expected(who, who in MANAGERS)
