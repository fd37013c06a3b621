from iltod.scorecards.demo import seed_scorecards_demo
from iltod.scorecards.models import ScorecardCycle, Stage


def test_the_demo_seeder_is_idempotent(personas):
    total, created = seed_scorecards_demo(
        monitor=personas.monitor, coordinator=personas.coordinator, provider=personas.provider
    )
    assert (total, created) == (2, 2)  # the test geography has one school in the aimag
    closed = ScorecardCycle.objects.get(stage=Stage.CLOSED)
    assert closed.action_plan.status == "agreed" and closed.groups.count() == 4
    assert ScorecardCycle.objects.get(stage=Stage.COMMUNITY_SCORING).service_unit == personas.school
    assert seed_scorecards_demo(
        monitor=personas.monitor, coordinator=personas.coordinator, provider=personas.provider
    ) == (2, 0)
