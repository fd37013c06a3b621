import pytest

from bench import results


@pytest.mark.django_db
def test_a_tiny_run_measures_pages_recompute_and_the_baseline():
    framework = results.seed(feedback=300, facilities=30)
    figures = results.measure(framework, repeat=2)
    assert figures["figures_written"] > 20
    assert figures["ranked_bodies"] >= 30
    assert figures["recompute_s"] >= 0 and figures["ranking_s"] >= 0
    for name in ("baseline_count_at_each_view", "page_overview", "page_indicator", "page_aimag", "page_ranking"):
        assert figures[name]["p95_ms"] > 0
