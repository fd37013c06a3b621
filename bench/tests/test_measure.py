import pytest

from bench.measure import Target, latency_summary, percentile, ratio


def test_percentiles_interpolate_between_ranks_like_numpy():
    values = list(range(1, 101))  # 1 … 100
    assert percentile(values, 50) == pytest.approx(50.5)
    assert percentile(values, 95) == pytest.approx(95.05)
    assert percentile(values, 99) == pytest.approx(99.01)
    assert percentile(values, 0) == 1
    assert percentile(values, 100) == 100


def test_percentiles_do_not_depend_on_the_order_of_the_samples():
    assert percentile([5, 1, 4, 2, 3], 50) == 3
    assert percentile([10.0, 0.0], 25) == pytest.approx(2.5)


def test_a_single_sample_is_every_percentile_and_no_sample_is_none():
    assert percentile([7], 99) == 7
    assert percentile([], 50) is None


def test_a_percentile_outside_0_to_100_is_refused():
    with pytest.raises(ValueError):
        percentile([1, 2], 101)


def test_latencies_in_seconds_are_summarised_in_milliseconds():
    summary = latency_summary([0.010] * 98 + [0.200, 0.400])
    assert summary["count"] == 100
    assert summary["p50_ms"] == 10.0
    assert summary["p99_ms"] == pytest.approx(202.0)
    assert summary["max_ms"] == 400.0
    assert latency_summary([])["p95_ms"] is None


def test_targets_and_ratios():
    assert Target("<", 100).met(99.9) is True
    assert Target("<", 100).met(100) is False
    assert Target(">=", 0.2).met(0.2) is True
    assert Target("<=", 0).met(None) is None
    assert ratio(50, 200) == 0.25
    assert ratio(50, 0) is None
