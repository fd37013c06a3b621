from iltod.results.demo import seed_results_demo
from iltod.results.models import Figure, ManualActual, Period, RankingEntry, Subscription, Target


def test_the_demo_seeder_fills_three_years_and_is_idempotent(personas):
    created = seed_results_demo()
    assert created > 50
    assert Period.objects.count() == 3
    assert Figure.objects.exists()
    assert RankingEntry.objects.filter(body_code=personas.ministry.code).count() == 3  # every body, every year
    assert Target.objects.filter(source=Target.Source.MANUAL).count() == 5
    assert ManualActual.objects.filter(status=ManualActual.Status.APPROVED).count() == 5
    assert Subscription.objects.filter(confirmed_at__isnull=False).count() == 2
    assert seed_results_demo() == 0
    assert ManualActual.objects.count() == 5
