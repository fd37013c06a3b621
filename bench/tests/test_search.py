from bench import run as bench_run
from bench import search
from bench.report import Run


def test_the_search_figure_is_fifty_distinct_queries():
    assert len(set(search.QUERIES)) == 50


def test_make_bench_records_the_search_p95_against_its_target(monkeypatch):
    result = {"p50_ms": 12.5, "p95_ms": 61.0, "max_ms": 80.0, "queries": {}, "facilities": 102819}
    monkeypatch.setattr(bench_run, "drive", lambda module, **kwargs: result | {"uses_fulltext_index": True})
    monkeypatch.setattr(bench_run, "log", lambda message: None)
    run = Run(date="2026-12-05 00:00 UTC", machine={}, commit="abc", parameters={})
    bench_run.bench_search(bench_run.Settings(), run)
    figures = {f.key: f for f in run.figures}
    assert figures["search.p95"].value == 61.0 and figures["search.p95"].passed is False
    assert "102 819 facilities" in figures["search.p95"].name
    assert figures["search.p50"].value == 12.5
