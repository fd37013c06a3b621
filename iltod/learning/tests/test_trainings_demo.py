"""The demo of trainings, people, the strategic plan, the library and resources: the sizes the
brief asks for, unique people fewer than participations, deterministic and idempotent."""

import pytest

from iltod.learning import demo_trainings, services, stats
from iltod.learning.models import LibraryItem, Participation, Person, StrategicPlan, Training

pytestmark = pytest.mark.django_db


def test_demo_sizes_and_idempotence(personas):
    created = (
        demo_trainings.seed_trainings()
        + demo_trainings.seed_strategic_plan()
        + demo_trainings.seed_library()
        + demo_trainings.seed_resources()
    )
    assert created > 1000
    assert Training.objects.count() == 25
    headline = stats.headline()
    assert 600 <= Participation.objects.count() <= 800
    assert 350 <= headline["people"] <= 450 < Person.objects.count() + 1
    assert headline["people"] < headline["participations"]
    assert headline["follow_ups"] > 50 and 0 < headline["changed"] < headline["follow_ups"]
    plan = StrategicPlan.objects.get()
    progress = services.plan_progress(plan)["plan"]
    assert progress.total == 18 and 0 < progress.done < progress.total
    assert plan.title_en.startswith("Partnership strategic plan")  # the plan in both languages
    assert not plan.focus_areas.filter(title_en="").exists()
    assert LibraryItem.objects.count() == 30
    assert LibraryItem.objects.filter(published__isnull=False).count() >= 20
    (summary,) = services.yearly_summary(personas.network)
    assert summary.own_share is not None and 0 < summary.own_share < 100
    # again: nothing more
    assert (
        demo_trainings.seed_trainings()
        + demo_trainings.seed_strategic_plan()
        + demo_trainings.seed_library()
        + demo_trainings.seed_resources()
    ) == 0
