"""The demo's action plans: every review state, a story, and nothing twice."""

from iltod.accounts.capabilities import Role
from iltod.accounts.services import grant_membership
from iltod.core.testing import make_user
from iltod.engagement import services
from iltod.engagement.demo_plans import seed_plans_demo
from iltod.engagement.models import Action, ActionPlan, ActionUpdate, OutcomeStory


def test_without_the_demo_coordinator_nothing_is_seeded(group):
    result = seed_plans_demo()
    assert (result.groups, result.plans_created) == (0, 0)
    assert not ActionPlan.objects.exists()


def test_the_demo_coordinators_groups_get_plans_in_every_state_once(personas, group):
    coordinator = make_user("coordinator@demo.iltod.mn", "Demo Coordinator")
    grant_membership(actor=personas.admin, user=coordinator, organization=personas.cso, role=Role.COORDINATOR)
    result = seed_plans_demo()
    assert (result.groups, result.plans_created, result.actions_created) == (1, 3, 9)
    assert set(ActionPlan.objects.values_list("status", flat=True)) == {
        ActionPlan.Status.IN_PROGRESS,
        ActionPlan.Status.AGREED,
        ActionPlan.Status.DRAFT,
    }
    assert set(ActionUpdate.objects.values_list("review", flat=True)) == set(ActionUpdate.Review.values)
    assert Action.objects.overdue().filter(plan__status=ActionPlan.Status.IN_PROGRESS).count() == 1
    assert Action.objects.filter(status=Action.Status.DONE).count() == 1
    assert OutcomeStory.objects.count() == 1
    again = seed_plans_demo()
    assert (again.plans_created, again.updates_created) == (0, 0)
    assert ActionPlan.objects.count() == 3


def test_a_facility_group_made_later_gets_no_demo_plans(personas, group):
    coordinator = make_user("coordinator@demo.iltod.mn", "Demo Coordinator")
    grant_membership(actor=personas.admin, user=coordinator, organization=personas.cso, role=Role.COORDINATOR)
    seed_plans_demo()
    facility_group = services.ensure_facility_group(
        actor=coordinator, service_unit=personas.school, convening_organization=personas.cso
    )
    again = seed_plans_demo()
    assert again.plans_created == 0
    assert not ActionPlan.objects.filter(group=facility_group).exists()
