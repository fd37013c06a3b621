import pytest

from bench import learning
from iltod.learning.models import Assessment, GapSummary

pytestmark = pytest.mark.django_db


def test_a_tiny_run_seeds_a_round_and_measures_the_page_against_the_ratings():
    round_, admin = learning.seed(people=40, organizations=10)
    assert Assessment.objects.filter(round=round_).count() == 40
    assert GapSummary.objects.filter(round=round_, scope="aimag").exists()
    figures = learning.measure(round_, admin, repeat=2)
    assert set(figures) == {"baseline_from_ratings", "page_by_aimag", "page_by_organization", "submit"}
    assert all(f["p95_ms"] > 0 for f in figures.values())
    assert Assessment.objects.filter(round=round_).count() == 43  # the measured submissions, warm-up included
