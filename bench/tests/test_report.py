import json

from bench.measure import Target
from bench.report import END, START, Figure, Run, table, write_json, write_table


def make_run(**figures) -> Run:
    run = Run(
        date="2026-12-02 06:00 UTC",
        machine={"cpus": 2, "cpu_model": "Test CPU", "memory_gib": 24.0},
        commit="abc1234",
        parameters={"BENCH_ROWS": 1000},
    )
    run.add(
        Figure(
            "intake.rate",
            "1 Intake",
            "submissions/s",
            50.0,
            "/s",
            baseline=1000.0,
            baseline_name="INSERT+COMMIT/s",
            target=Target(">=", 0.2),
            target_on="ratio",
        )
    )
    run.add(Figure("intake.p99", "1 Intake", "p99", figures.get("p99", 80.0), "ms", target=Target("<", 100)))
    return run


def test_a_ratio_target_is_judged_on_value_over_baseline():
    run = make_run()
    rate = run.figures[0]
    assert rate.ratio == 0.05
    assert rate.passed is False
    assert run.figures[1].passed is True


def test_the_json_holds_date_machine_commit_and_every_figure_with_its_verdict(tmp_path):
    path = tmp_path / "bench" / "results.json"
    write_json(make_run(), path)
    data = json.loads(path.read_text())
    assert (data["date"], data["commit"], data["machine"]["cpus"]) == ("2026-12-02 06:00 UTC", "abc1234", 2)
    rate = data["figures"][0]
    assert (rate["value"], rate["baseline"], rate["ratio"], rate["pass"]) == (50.0, 1000.0, 0.05, False)
    assert rate["target"] == {"op": ">=", "limit": 0.2}


def test_the_table_replaces_only_what_stands_between_the_markers(tmp_path):
    doc = tmp_path / "benchmarks.md"
    doc.write_text(f"# Benchmarks\n\nMethod.\n\n{START}\nold table\n{END}\n\nWhat was slow.\n")
    write_table(make_run(), doc)
    write_table(make_run(p99=120.0), doc)
    text = doc.read_text()
    assert text.startswith("# Benchmarks\n\nMethod.\n\n")
    assert text.endswith("\n\nWhat was slow.\n")
    assert "old table" not in text
    assert text.count(START) == 1
    assert "| 1 Intake | p99 | 120 ms | — | — | < 100 ms | **fail** |" in text


def test_without_markers_the_table_is_added_at_the_end(tmp_path):
    doc = tmp_path / "benchmarks.md"
    doc.write_text("# Benchmarks\n")
    write_table(make_run(), doc)
    assert doc.read_text().index(START) > doc.read_text().index("# Benchmarks")


def test_the_table_names_machine_commit_and_verdicts():
    text = table(make_run())
    assert "commit `abc1234` on 2 cores (Test CPU), 24.0 GiB" in text
    assert (
        "| 1 Intake | submissions/s | 50.0 /s | 1 000 /s (INSERT+COMMIT/s) | 0.05 | ratio >= 0.2 | **fail** |" in text
    )
    assert "| 1 Intake | p99 | 80.0 ms | — | — | < 100 ms | pass |" in text


def test_figures_of_an_opt_in_part_are_carried_over_with_their_date():
    previous = make_run()
    previous.add(Figure("suite.SQLite", "5 Suite", "make test on SQLite", 200.0, "s", target=Target("<", 300)))
    run = make_run()
    run.date = "2026-12-03 06:00 UTC"
    run.carry_over(previous.as_json(), "suite.")
    suite = [f for f in run.figures if f.key == "suite.SQLite"]
    assert suite[0].measured == "2026-12-02 06:00 UTC"
    assert suite[0].passed is True
    assert "(run of 2026-12-02 06:00 UTC)" in table(run)
