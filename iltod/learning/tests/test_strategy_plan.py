"""The network's strategic plan: focus areas → objectives → action points carried by engagement's
action plans, progress rolled up from the action points, members' updates approved by the
network administrator (engagement's maker-checker), reviews, and who sees a public or
members-only plan."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from iltod.engagement import services as engagement
from iltod.engagement.models import Action, ActionPlan, ActionUpdate
from iltod.engagement.permissions import can_coordinate
from iltod.learning import services
from iltod.learning.models import Objective, StrategicPlan

pytestmark = pytest.mark.django_db

START = datetime.date(2025, 1, 1)
END = datetime.date(2027, 12, 31)


@pytest.fixture
def plan(personas):
    plan = services.create_strategic_plan(
        actor=personas.network_admin, network=personas.network, title="Стратеги 2025–2027", starts_on=START, ends_on=END
    )
    area = services.add_focus_area(plan, actor=personas.network_admin, title="Гишүүдийн чадавх")
    objective = services.add_objective(area, actor=personas.network_admin, title="НХ-ын сургалт")
    other = services.add_objective(area, actor=personas.network_admin, title="Сүлжээний тогтвортой байдал")
    for title, lead in (("SAc 101 сургалт 5 аймагт", personas.cso), ("Гарын авлага", personas.network)):
        services.add_action_point(
            objective,
            actor=personas.network_admin,
            title=title,
            lead_organization=lead,
            due_on=datetime.date(2026, 6, 30),
        )
    services.add_action_point(other, actor=personas.network_admin, title="Хандив", due_on=datetime.date(2027, 6, 1))
    return plan


def test_objectives_own_engagement_plans_linked_back(plan, personas):
    objective = Objective.objects.get(title="НХ-ын сургалт")
    action_plan = objective.action_plan
    assert action_plan.source == objective
    assert action_plan.group == plan.group
    assert action_plan.status == ActionPlan.Status.AGREED
    assert can_coordinate(personas.network_admin, plan.group)  # a network's admin coordinates its group
    assert not can_coordinate(personas.monitor, plan.group)


def test_progress_rolls_up_from_action_points(plan, personas):
    first = Action.objects.get(title="SAc 101 сургалт 5 аймагт")
    engagement.post_update(first, actor=personas.network_admin, text="Гурван аймагт хийсэн", new_progress=60)
    second = Action.objects.get(title="Гарын авлага")
    engagement.post_update(second, actor=personas.network_admin, text="Хэвлэсэн", new_status=Action.Status.DONE)
    progress = services.plan_progress(plan)
    objective = Objective.objects.get(title="НХ-ын сургалт")
    assert progress["objectives"][objective.pk].percent == 80  # (60 + 100) / 2
    area_progress = progress["areas"][objective.focus_area_id]
    assert (area_progress.total, area_progress.done, area_progress.progress_sum) == (3, 1, 160)
    assert progress["plan"].percent == 53  # 160 / 3 action points, never an average of the objectives' 80 and 0


def test_a_members_update_waits_for_the_network_admin(client, plan, personas):
    action = Action.objects.get(title="SAc 101 сургалт 5 аймагт")  # led by the persona CSO
    client.force_login(personas.monitor)
    url = f"/learning/strategy/{plan.code}/actions/{action.code}/report/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"text": "Хоёр аймагт хийсэн", "new_progress": "40"})
    assert response.status_code == 302
    update = ActionUpdate.objects.get(action=action)
    assert update.review == ActionUpdate.Review.PENDING
    action.refresh_from_db()
    assert action.progress == 0
    engagement.review_update(update, actor=personas.network_admin, approve=True)
    action.refresh_from_db()
    assert action.progress == 40
    # someone who acts for neither the lead nor a partner cannot report
    client.force_login(personas.officer)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "call",
    [
        lambda p, a: services.add_action_point(
            Objective.objects.first(), actor=a, title="Хожуу", due_on=datetime.date(2030, 1, 1)
        ),
        lambda p, a: services.add_action_point(Objective.objects.first(), actor=a, title="  "),
        lambda p, a: services.add_review(p, actor=a, held_on=START, decisions="\n  \n"),
        lambda p, a: services.create_strategic_plan(
            actor=a, network=p.network, title="x", starts_on=END, ends_on=START
        ),
        lambda p, a: services.set_visibility(p, "everyone", actor=a),
    ],
)
def test_bad_input_is_refused(plan, personas, call):
    before = Action.objects.count(), StrategicPlan.objects.count()
    with pytest.raises(ValidationError):
        call(plan, personas.network_admin)
    assert (Action.objects.count(), StrategicPlan.objects.count()) == before


def test_review_with_decisions(plan, personas):
    review = services.add_review(
        plan, actor=personas.network_admin, held_on=datetime.date(2026, 1, 15), decisions="Нэг\n\n Хоёр "
    )
    assert review.decision_items == ["Нэг", "Хоёр"]


@pytest.mark.parametrize(
    "who, members_only, public",
    [
        ("anonymous", 404, 200),
        ("citizen", 404, 200),
        ("officer", 404, 200),  # an outsider
        ("monitor", 200, 200),  # a member organisation's person
        ("network_admin", 200, 200),
        ("admin", 200, 200),
    ],
)
def test_visibility_persona_matrix(client, plan, personas, who, members_only, public):
    if who != "anonymous":
        client.force_login(getattr(personas, who))
    assert client.get(plan.get_absolute_url()).status_code == members_only
    services.set_visibility(plan, StrategicPlan.Visibility.PUBLIC, actor=personas.network_admin)
    response = client.get(plan.get_absolute_url())
    assert response.status_code == public
    assert "SAc 101 сургалт 5 аймагт" in response.content.decode()
    assert ActionPlan.objects.filter(group=plan.group, is_public=True).count() == 2
    manage = client.post(f"/learning/strategy/{plan.code}/area/add/", {"area-title": "Шинэ"})
    manager = who in {"network_admin", "admin"}
    assert (plan.focus_areas.filter(title="Шинэ").exists()) is manager
    if who == "anonymous":
        assert manage.status_code == 302
    elif not manager:
        assert manage.status_code == 404


def test_plan_page_query_count(client, plan, personas, django_assert_max_num_queries):
    client.force_login(personas.network_admin)
    with django_assert_max_num_queries(30):
        assert client.get(plan.get_absolute_url()).status_code == 200
