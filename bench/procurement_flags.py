"""Procurement red flags over 100 000 compiled releases, against merely parsing the same file.

``python -m bench.procurement_flags`` writes a deterministic JSON-lines file of realistic compiled
releases (Mongolian buyers and suppliers, amounts in MNT, bids, awards, contracts, CPV-classified
items; every red flag occurs, and so do lots, consortia, pending awards, cancelled tenders and a
few bids in dollars), then measures, each in a fresh process and alternating, ``--repeat`` times:

(a) the baseline: reading the file line by line and parsing each line with orjson, nothing else;
(b) the red flags: ``run_file`` with all eleven indicators enabled, as ``manage.py
    procurement_flags`` runs it (the settings Cardinal's ``init`` writes).

It prints and writes to ``var/bench/procurement_flags.json`` the medians, the ratio b/a (target
≤ 1.5) and the peak memory of (b), its worker processes included (target ≤ 300 MB).

Environment: ``BENCH_PROCUREMENT_RELEASES`` (default 100 000), ``BENCH_PROCUREMENT_FILE`` (where to
write the data; default var/bench/procurement_releases.jsonl, reused if it has the right size).
"""

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
RELEASES = int(os.environ.get("BENCH_PROCUREMENT_RELEASES", "").replace("_", "") or 100_000)
OUTPUT = ROOT / "var" / "bench" / "procurement_flags.json"
DATA = Path(os.environ.get("BENCH_PROCUREMENT_FILE") or ROOT / "var" / "bench" / "procurement_releases.jsonl")
SEED = 20261205
GENERATOR_VERSION = 2  # change it when the generator changes, so that old data is not reused
TARGET_RATIO = 1.5
TARGET_MB = 300

AIMAGS = ("Arkhangai", "Bayankhongor", "Darkhan-Uul", "Dornod", "Khovd", "Orkhon", "Selenge", "Uvs", "Zavkhan")
KINDS = (
    ("Hospital", "General hospital of {} aimag"),
    ("School", "Secondary school No. {} of {}"),
    ("Department", "Education and science department of {}"),
    ("Department", "Health department of {}"),
    ("Soum", "Governor's office of soum {} of {}"),
)
# CPV divisions: medicines, medical equipment, food, construction, fuel, IT, furniture, cleaning, books.
DIVISIONS = ("33", "33", "15", "45", "09", "30", "39", "90", "22", "44", "34", "50")
METHODS = (("open", "Open tender", 60), ("selective", "Restricted tender", 10),
           ("limited", "Request for quotations", 12), ("direct", "Direct contracting", 18))  # fmt: skip
WORDS = ("Supply of", "Purchase of", "Repair of", "Delivery of", "Construction of", "Maintenance of")
GOODS = ("medicines", "X-ray equipment", "school meals", "heating coal", "desks and chairs", "textbooks",
         "laboratory reagents", "computers", "a classroom block", "a boiler", "ambulance tyres")  # fmt: skip


def organisation(prefix: str, number: int) -> dict:
    return {"id": f"MN-{prefix}-{number:07d}", "name": f"{prefix} {number}"}


class Generator:
    """Deterministic compiled releases: the same seed and index give the same release."""

    def __init__(self, seed: int = SEED, buyers: int = 600, suppliers: int = 3_000):
        rng = random.Random(seed)
        self.buyers = []
        for number in range(buyers):
            kind, pattern = KINDS[number % len(KINDS)]
            aimag = AIMAGS[number % len(AIMAGS)]
            name = pattern.format(aimag) if pattern.count("{}") == 1 else pattern.format(number % 30 + 1, aimag)
            self.buyers.append({"id": f"MN-GOV-{number:06d}", "name": name, "kind": kind, "aimag": aimag})
        self.suppliers = []
        for number in range(suppliers):
            # Most suppliers keep to one or two divisions; a few supply anything.
            spread = 8 if number % 97 == 0 else rng.choice((1, 1, 1, 2, 2, 3))
            self.suppliers.append(
                {
                    "id": f"MN-REG-{5_000_000 + number}",
                    "name": f"Supplier {number} LLC",
                    "divisions": rng.sample(DIVISIONS, min(spread, len(set(DIVISIONS)))),
                }
            )
        self.divisions = {supplier["id"]: supplier["divisions"] for supplier in self.suppliers}
        self.seed = seed

    def release(self, index: int) -> dict:
        rng = random.Random(self.seed * 1_000_003 + index)
        buyer = self.buyers[rng.randrange(len(self.buyers))]
        year = 2024 + index % 3
        ocid = f"ocds-mn0001-{year}-{index:07d}"
        roll = rng.random()
        method, method_details, _ = rng.choices(METHODS, weights=[m[2] for m in METHODS])[0]
        if roll < 0.01:
            method_details = "Random selection"
        start_day = rng.randrange(1, 330)
        period_days = rng.choices((3, 7, 10, 14, 15, 20, 21, 25, 30, 45), (1, 2, 2, 3, 10, 15, 15, 15, 30, 7))[0]
        start = f"{year}-{(start_day // 28) % 12 + 1:02d}-{start_day % 28 + 1:02d}T09:00:00+08:00"
        end_day = start_day + period_days
        end = f"{year + end_day // 336}-{(end_day // 28) % 12 + 1:02d}-{end_day % 28 + 1:02d}T17:00:00+08:00"
        division = rng.choice(DIVISIONS)
        estimate = rng.choice((5, 8, 12, 20, 35, 50, 80, 120, 250, 600)) * 1_000_000
        currency = "USD" if rng.random() < 0.004 else "MNT"

        # Bids: one to eight tenderers; most valid, some disqualified; the odd invited or withdrawn one.
        count = 1 if method == "direct" or rng.random() < 0.14 else rng.randint(2, 8)
        tenderers = rng.sample(self.suppliers, count)
        base = estimate * rng.uniform(0.7, 1.05)
        # The second-lowest bid is usually 8-12 % above the lowest; a few are cover bids just above it
        # and a few lowest bids are far below the rest.
        spread = rng.uniform(0.08, 0.12)
        shape = rng.random()
        if shape < 0.03:
            spread = rng.uniform(0.0005, 0.004)
        elif shape < 0.05:
            spread = rng.uniform(0.6, 1.5)
        bids = []
        same_price = rng.random() < 0.01
        for position, tenderer in enumerate(tenderers):
            status = rng.choices(("valid", "disqualified", "pending", "withdrawn", "invited"), (80, 14, 2, 2, 2))[0]
            factor = 1.0 if position == 0 else 1 + spread + (position - 1) * rng.uniform(0.01, 0.08)
            amount = round(base * factor, -3)
            if same_price and position == 1:
                amount = bids[0]["value"]["amount"]
            bid = {
                "id": f"{ocid}-bid-{position + 1}",
                "date": f"{end[:10]}T{rng.choice(('09', '10', '12', '14', '16'))}:00:00+08:00",
                "status": status,
                "tenderers": [{"id": tenderer["id"], "name": tenderer["name"]}],
                "value": {"amount": amount, "currency": currency},
            }
            if rng.random() < 0.01:  # a consortium
                partner = self.suppliers[rng.randrange(len(self.suppliers))]
                bid["tenderers"].append({"id": partner["id"], "name": partner["name"]})
            bids.append(bid)
        rng.shuffle(bids)
        valid = [bid for bid in bids if bid["status"] == "valid"] or bids
        winning = min(valid, key=lambda bid: bid["value"]["amount"]) if rng.random() < 0.85 else rng.choice(valid)
        winner = winning["tenderers"][0]

        items = []
        divisions = self.divisions[winner["id"]]
        for number in range(rng.randint(1, 4)):
            item_division = rng.choice(divisions)
            code = f"{item_division}{rng.randrange(100_000, 999_999)}"
            items.append(
                {
                    "id": str(number + 1),
                    "description": f"{rng.choice(GOODS)} lot {number + 1}",
                    "classification": {"scheme": "CPV", "id": code, "description": f"CPV {code}"},
                    "quantity": rng.randint(1, 500),
                    "unit": {"name": rng.choice(("piece", "box", "tonne", "set")), "value": {"currency": currency}},
                }
            )
        award_status = "pending" if rng.random() < 0.03 else "active"
        awards = [
            {
                "id": f"{ocid}-award-1",
                "title": f"Award of {ocid}",
                "status": award_status,
                "date": end[:10] + "T12:00:00+08:00",
                "value": {"amount": winning["value"]["amount"], "currency": currency},
                "suppliers": [dict(tenderer) for tenderer in winning["tenderers"]],
                "items": items,
            }
        ]
        if rng.random() < 0.03:  # lots: a second active award
            second = rng.choice(bids)
            awards.append(
                {
                    "id": f"{ocid}-award-2",
                    "status": "active",
                    "suppliers": [second["tenderers"][0]],
                    "items": items[:1],
                    "value": second["value"],
                }
            )
        if rng.random() < 0.02:  # an earlier, cancelled award
            awards.append({"id": f"{ocid}-award-0", "status": "cancelled", "suppliers": [bids[0]["tenderers"][0]]})
        if rng.random() < 0.02:  # the winner's bid came late
            winning["date"] = f"{end[:10]}T23:30:00+08:00"
        tender_status = "cancelled" if rng.random() < 0.01 else "complete"
        parties = [
            {
                "id": buyer["id"],
                "name": buyer["name"],
                "roles": ["buyer", "procuringEntity"],
                "address": {"region": buyer["aimag"], "countryName": "Mongolia"},
                "contactPoint": {"name": "Procurement unit", "telephone": "+976 7000 0000"},
            }
        ]
        for tenderer in tenderers:
            parties.append(
                {
                    "id": tenderer["id"],
                    "name": tenderer["name"],
                    "roles": ["tenderer", "supplier"] if tenderer["id"] == winner["id"] else ["tenderer"],
                    "identifier": {"scheme": "MN-REG", "id": tenderer["id"][7:]},
                }
            )
        return {
            "ocid": ocid,
            "id": f"{ocid}-compiled",
            "date": f"{year}-12-31T00:00:00Z",
            "tag": ["compiled"],
            "initiationType": "tender",
            "language": "mn",
            "parties": parties,
            "buyer": {"id": buyer["id"], "name": buyer["name"]},
            "tender": {
                "id": f"{ocid}-tender",
                "title": f"{rng.choice(WORDS)} {rng.choice(GOODS)} for {buyer['name']}",
                "description": "Procurement under the Law on Public Procurement of Mongolia.",
                "status": tender_status,
                "procuringEntity": {"id": buyer["id"], "name": buyer["name"]},
                "value": {"amount": estimate, "currency": currency},
                "procurementMethod": method,
                "procurementMethodDetails": method_details,
                "mainProcurementCategory": "works" if division == "45" else "goods",
                "tenderPeriod": {"startDate": start, "endDate": end},
                "numberOfTenderers": count,
                "items": [{k: v for k, v in item.items() if k != "unit"} for item in items],
            },
            "bids": {"details": bids},
            "awards": awards,
            "contracts": [
                {
                    "id": f"{ocid}-contract-1",
                    "awardID": awards[0]["id"],
                    "status": "active",
                    "value": awards[0]["value"],
                    "period": {"startDate": end, "endDate": f"{year + 1}-06-30T00:00:00+08:00"},
                }
            ],
        }


def generate(path: Path, count: int, seed: int = SEED) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    generator = Generator(seed)
    with open(path, "wb") as handle:
        for index in range(count):
            handle.write(orjson.dumps(generator.release(index)))
            handle.write(b"\n")
    return path


def settings_text() -> str:
    return "\n".join(f"[{code}]" for code in ALL_CODES) + "\n"


ALL_CODES = ("R003", "R018", "R024", "R025", "R028", "R030", "R035", "R036", "R038", "R048", "R058")


# --- The two phases, each run in a fresh process ----------------------------------------------------


def phase_parse(path: Path) -> dict:
    loads = orjson.loads
    cpu = _cpu()
    began = time.perf_counter()
    lines = 0
    with open(path, "rb") as handle:
        for line in handle:
            loads(line)
            lines += 1
    return {"seconds": time.perf_counter() - began, "cpu_seconds": _cpu_since(cpu), "lines": lines}


def phase_flags(path: Path) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iltod.settings")
    from iltod.procurement.flags import Settings, Skipped, run_file

    settings = Settings.from_ini(settings_text())
    skipped = Skipped()
    cpu = _cpu()
    began = time.perf_counter()
    output = run_file(path, settings, skipped=skipped)
    seconds = time.perf_counter() - began
    return {
        "seconds": seconds,
        "cpu_seconds": _cpu_since(cpu),
        "results": {group: len(output.get(group, {})) for group in ("OCID", "Buyer", "ProcuringEntity", "Tenderer")},
        "flags": _flag_counts(output),
        "skipped": skipped.counts(),
    }


def _flag_counts(output: dict) -> dict:
    found = {}
    for group in ("OCID", "Buyer", "ProcuringEntity", "Tenderer"):
        for values in output.get(group, {}).values():
            for code in values:
                found[f"{group}.{code}"] = found.get(f"{group}.{code}", 0) + 1
    return dict(sorted(found.items()))


def _cpu() -> float:
    """CPU seconds of this process and of its finished workers, to the microsecond (os.times()
    counts in clock ticks: a tiny run measured 0 s and its ratio divided by zero)."""
    return sum(
        usage.ru_utime + usage.ru_stime
        for usage in (resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN))
    )


def _cpu_since(before: float) -> float:
    """CPU time of this process and of its finished workers since ``before``: a figure the other
    loads of a shared machine disturb less than the wall-clock time."""
    return _cpu() - before


def _child(phase: str, path: Path) -> dict:
    result = phase_parse(path) if phase == "parse" else phase_flags(path)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result["peak_mb"] = round(own / 1024, 1)
    result["peak_workers_mb"] = round(children / 1024, 1)
    return result


def measure(phase: str, path: Path) -> dict:
    command = [sys.executable, "-m", "bench.procurement_flags", "--phase", phase, str(path)]
    completed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)  # noqa: S603
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phase", choices=("parse", "flags"), help=argparse.SUPPRESS)
    parser.add_argument("path", nargs="?", help=argparse.SUPPRESS)
    parser.add_argument("--releases", type=int, default=RELEASES)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--data", default=str(DATA))
    parser.add_argument("--output", default=str(OUTPUT))
    args = parser.parse_args(argv)
    if args.phase:
        print(json.dumps(_child(args.phase, Path(args.path))))
        return {}

    data = Path(args.data)
    stamp = data.with_suffix(".count")
    identity = f"{args.releases} {SEED} {GENERATOR_VERSION}"
    if not (data.exists() and stamp.exists() and stamp.read_text() == identity):
        began = time.perf_counter()
        generate(data, args.releases)
        stamp.write_text(identity)
        print(f"generated {args.releases} releases in {time.perf_counter() - began:.1f} s", file=sys.stderr)
    parse_runs, flag_runs = [], []
    for _ in range(args.repeat):
        parse_runs.append(measure("parse", data))
        flag_runs.append(measure("flags", data))
    parse_seconds = statistics.median(run["seconds"] for run in parse_runs)
    flag_seconds = statistics.median(run["seconds"] for run in flag_runs)
    peak = max(run["peak_mb"] + run["peak_workers_mb"] for run in flag_runs)
    parse_cpu = statistics.median(run["cpu_seconds"] for run in parse_runs)
    flag_cpu = statistics.median(run["cpu_seconds"] for run in flag_runs)
    result = {
        "releases": args.releases,
        "file_mb": round(data.stat().st_size / 1024 / 1024, 1),
        "cpus": os.cpu_count(),
        "repeat": args.repeat,
        "baseline_parse_seconds": round(parse_seconds, 3),
        "flags_seconds": round(flag_seconds, 3),
        "ratio": round(flag_seconds / parse_seconds, 3),
        "target_ratio": TARGET_RATIO,
        "flags_per_100k_seconds": round(flag_seconds * 100_000 / args.releases, 3),
        "baseline_parse_cpu_seconds": round(parse_cpu, 3),
        "flags_cpu_seconds": round(flag_cpu, 3),
        "cpu_ratio": round(flag_cpu / parse_cpu, 3) if parse_cpu > 0 else None,
        "load_average": [round(value, 2) for value in os.getloadavg()],
        "peak_mb": round(peak, 1),
        "peak_mb_main": max(run["peak_mb"] for run in flag_runs),
        "peak_mb_largest_worker": max(run["peak_workers_mb"] for run in flag_runs),
        "baseline_peak_mb": max(run["peak_mb"] for run in parse_runs),
        "target_mb": TARGET_MB,
        "all_parse_seconds": [round(run["seconds"], 3) for run in parse_runs],
        "all_flags_seconds": [round(run["seconds"], 3) for run in flag_runs],
        "results": flag_runs[-1]["results"],
        "flags": flag_runs[-1]["flags"],
        "skipped": flag_runs[-1]["skipped"],
    }
    result["passed"] = result["ratio"] <= TARGET_RATIO and result["peak_mb"] <= TARGET_MB
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
