"""The record of a run: var/bench/results.json and the table in docs/benchmarks.md."""

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .measure import Target

START = "<!-- bench:results:start -->"
END = "<!-- bench:results:end -->"

# The targets of docs/benchmarks.md that are judged on a figure's key: (target, judged on the
# "value" or on the "ratio" value / baseline of the same run). A figure added without a target of
# its own gets its key's here (``Run.add``).
TARGETS: dict[str, tuple[Target, str]] = {
    # Closed loop, 16 clients back to back: capacity against the raw INSERT+COMMIT rate of the run.
    "intake.rate": (Target(">=", 0.03), "ratio"),
    "intake.errors": (Target("<=", 0), "value"),
    # Open loop, arrivals at a fixed rate: latency from each arrival's due time.
    "intake.open.p99": (Target("<", 100), "value"),
    "intake.open.errors": (Target("<=", 0), "value"),
    # The facility page reads a few rows whatever the scale and its raw aggregate is index-cheap,
    # so it is held to an absolute time; the aimag and national pages to 1/20 of their raw SQL.
    "stats.facility.p95": (Target("<", 50), "value"),
    "stats.aimag.p95": (Target("<", 100), "value"),
    "stats.aimag.ratio": (Target("<=", 0.05), "ratio"),
    "stats.national.p95": (Target("<", 100), "value"),
    "stats.national.ratio": (Target("<=", 0.05), "ratio"),
}


@dataclass
class Figure:
    """One measured figure, its baseline from the same run, and the target it is held to.

    ``target_on`` says whether the target applies to the value itself or to value / baseline."""

    key: str
    section: str
    name: str
    value: float | None
    unit: str
    baseline: float | None = None
    baseline_name: str = ""
    target: Target | None = None
    target_on: str = "value"
    note: str = ""
    measured: str = ""  # date of the run that measured it, when carried over from an earlier run

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.baseline:
            return None
        return self.value / self.baseline

    @property
    def passed(self) -> bool | None:
        if self.target is None:
            return None
        return self.target.met(self.ratio if self.target_on == "ratio" else self.value)

    def as_json(self) -> dict:
        data = asdict(self)
        data["target"] = None if self.target is None else {"op": self.target.op, "limit": self.target.limit}
        data["ratio"] = None if self.ratio is None else round(self.ratio, 4)
        data["pass"] = self.passed
        return data

    @classmethod
    def from_json(cls, data: dict) -> "Figure":
        target = data.get("target")
        return cls(
            key=data["key"],
            section=data["section"],
            name=data["name"],
            value=data["value"],
            unit=data["unit"],
            baseline=data.get("baseline"),
            baseline_name=data.get("baseline_name", ""),
            target=Target(target["op"], target["limit"]) if target else None,
            target_on=data.get("target_on", "value"),
            note=data.get("note", ""),
            measured=data.get("measured", ""),
        )


@dataclass
class Run:
    date: str
    machine: dict
    commit: str
    parameters: dict
    figures: list[Figure] = field(default_factory=list)
    details: dict = field(default_factory=dict)

    def add(self, figure: Figure) -> Figure:
        if figure.target is None and figure.key in TARGETS:
            figure.target, figure.target_on = TARGETS[figure.key]
        self.figures = [f for f in self.figures if f.key != figure.key] + [figure]
        return figure

    def carry_over(self, previous: dict, keys_prefix: str) -> None:
        """Keep figures of an earlier run that this run did not measure (an opt-in part)."""
        mine = {f.key for f in self.figures}
        for data in previous.get("figures", []):
            if data["key"].startswith(keys_prefix) and data["key"] not in mine:
                figure = Figure.from_json(data)
                figure.measured = figure.measured or previous.get("date", "")
                self.figures.append(figure)

    def as_json(self) -> dict:
        return {
            "date": self.date,
            "machine": self.machine,
            "commit": self.commit,
            "parameters": self.parameters,
            "figures": [f.as_json() for f in self.figures],
            "details": self.details,
        }


def write_json(run: Run, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(run.as_json(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _number(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, int) or (float(value).is_integer() and abs(value) >= 100):
        return f"{int(value):,}".replace(",", " ")
    if abs(value) >= 100:
        return f"{value:,.0f}".replace(",", " ")
    if abs(value) >= 1:
        return f"{value:.2f}".rstrip("0").rstrip(".") if abs(value) < 10 else f"{value:.1f}"
    return f"{value:.3g}"


def table(run: Run) -> str:
    """The Markdown table of every figure, grouped by section in the order they were added."""
    machine = run.machine
    lines = [
        f"Run of {run.date} at commit `{run.commit}` on {machine.get('cpus', '?')} cores "
        f"({machine.get('cpu_model', '?')}), {machine.get('memory_gib', '?')} GiB of memory; "
        + ", ".join(f"{k} = {v}" for k, v in run.parameters.items())
        + ".",
        "",
        "| section | figure | value | baseline (same run) | ratio | target | result |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for f in run.figures:
        baseline = f"{_number(f.baseline)} {f.unit if f.baseline is not None else ''}".strip()
        if f.baseline_name and f.baseline is not None:
            baseline += f" ({f.baseline_name})"
        target = (
            "—" if f.target is None else (f"ratio {f.target}" if f.target_on == "ratio" else f"{f.target} {f.unit}")
        )
        result = {True: "pass", False: "**fail**", None: "—"}[f.passed]
        name = f.name + (f" (run of {f.measured})" if f.measured else "") + (f"; {f.note}" if f.note else "")
        ratio = "—" if f.ratio is None else _number(f.ratio)
        lines.append(
            f"| {f.section} | {name} | {_number(f.value)} {f.unit} | {baseline or '—'} "
            f"| {ratio} | {target} | {result} |"
        )
    return "\n".join(lines) + "\n"


def write_table(run: Run, path: Path) -> None:
    """Replace what stands between the markers in ``path`` (added at the end when missing)."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    block = f"{START}\n{table(run)}{END}"
    if START in text and END in text:
        head, rest = text.split(START, 1)
        _old, tail = rest.split(END, 1)
        text = head + block + tail
    else:
        text = text.rstrip("\n") + "\n\n## Results\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")
