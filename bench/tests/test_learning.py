import pytest

from bench import learning
from iltod.learning.models import Assessment, GapSummary

pytestmark = pytest.mark.django_db


def test_a_tiny_run_seeds_a_round_and_measures_the_page_against_the_ratings():
    round_, admin = learning.seed(people=40, organizations=10)
    assert Assessment.objects.filter(round=round_).count() == 40
    assert GapSummary.objects.filter(round=round_, scope="aimag").exists()
    figures = learning.measure(round_, admin, repeat=2)
    timed = {"baseline_from_ratings", "page_by_aimag", "page_by_organization", "submit"}
    assert set(figures) == timed | {"queries_by_aimag", "queries_by_organization"}
    assert all(figures[name]["p95_ms"] > 0 for name in timed)
    assert 0 < figures["queries_by_aimag"] <= 14 and 0 < figures["queries_by_organization"] <= 14
    assert learning.seeded() == (round_, admin)  # what --reuse measures again
    assert Assessment.objects.filter(round=round_).count() == 43  # the measured submissions, warm-up included
