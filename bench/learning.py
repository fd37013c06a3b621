"""Learning at national scale: the competency heat map of an assessment round of 50 000 people.

``python -m bench.learning`` creates a fresh PostgreSQL database (``iltod_bench_learning``),
migrates it, and writes a network of ``--organizations`` member organisations over the 21 aimags
and the capital (two subnetworks share them), the proposed competency framework and one round of
``--people`` assessments (18 ratings each), written in bulk, with the round's sums rebuilt. It
then measures, ``--repeat`` times each:

(a) the baseline: the aimag heat map computed straight from the ratings (one GROUP BY over every
    rating of the round), which is what the page would cost without the summary table;
(b) the round page as the network administrator sees it (heat map by aimag, top gaps), rendered
    through Django's test client; and the same page grouped by organisation (first page of 30);
(c) one more person's submission, which adds its ratings to the sums in four scopes;
(d) the number of queries of each page (the session and the user included).

It prints and writes to ``var/bench/learning.json`` the p50/p95 of each in milliseconds (target:
page p95 < 150 ms). The database is dropped at the end unless ``--keep``; ``--reuse`` measures
again in a kept database without seeding it.
Environment: ``BENCH_PG`` (server, default ``postgres://postgres@127.0.0.1:5432``),
``BENCH_LEARNING_DB``, ``BENCH_LEARNING_PEOPLE`` (default 50 000).
"""

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "var" / "bench" / "learning.json"
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DATABASE = os.environ.get("BENCH_LEARNING_DB", "iltod_bench_learning")
PEOPLE = int(os.environ.get("BENCH_LEARNING_PEOPLE", "").replace("_", "") or 50_000)
TARGET_PAGE_P95_MS = 150
AIMAG_CODES = ("11", "21", "22", "23", "41", "42", "43", "44", "45", "46", "48", "61", "62", "63", "64", "65",
               "67", "81", "82", "83", "84", "85")  # fmt: skip


def log(message: str) -> None:
    print(f"[bench.learning] {message}", file=sys.stderr, flush=True)


def _prepare_environment(database_url: str) -> None:
    for name in [n for n in os.environ if n.startswith("DJANGO_")]:
        del os.environ[name]
    os.environ.update(
        DJANGO_SETTINGS_MODULE="iltod.settings",
        DJANGO_ENV="development",
        DEBUG="0",
        LOG_LEVEL="WARNING",
        DATABASE_URL=database_url,
    )


def _psql(sql: str) -> None:
    command = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", f"{PG}/postgres", "-c", sql]
    subprocess.run(command, check=True, capture_output=True)  # noqa: S603 - psql from PATH, as bench.run calls it


def seed(people: int, organizations: int):
    """The network, its members, the framework and one round of ``people`` assessments; returns
    (round, network administrator)."""
    from iltod.accounts.capabilities import Role
    from iltod.accounts.models import User
    from iltod.accounts.services import grant_membership
    from iltod.core.testing import ensure_migration_data
    from iltod.learning.demo_network import bulk_assessments
    from iltod.learning.models import AssessmentRound
    from iltod.learning.services.assessments import rebuild_summaries
    from iltod.learning.services.framework import seed_proposal
    from iltod.organizations.models import NetworkMembership, Organization
    from iltod.places.models import AdminUnit

    ensure_migration_data()
    country, _ = AdminUnit.objects.get_or_create(code="MN", defaults={"level": "country", "name": "Монгол Улс"})
    aimags = []
    for code in AIMAG_CODES:
        level = "capital" if code == "11" else "aimag"
        unit, _ = AdminUnit.objects.get_or_create(
            code=code, defaults={"level": level, "name": f"Аймаг {code}", "parent": country}
        )
        aimags.append(unit)
    network = Organization(kind="network", name="Сүлжээ", name_mn="Сүлжээ", name_en="Network")
    network.save()
    subnetworks = []
    for name in ("Худалдан авалтын дэд сүлжээ", "Залуучуудын дэд сүлжээ"):
        sub = Organization(kind="network", name=name, name_mn=name, parent=network)
        sub.save()
        subnetworks.append(sub)
    members = Organization.objects.bulk_create(
        Organization(
            kind="cso",
            name=f"ТББ {i:05d}",
            name_mn=f"ТББ {i:05d}",
            name_en=f"NGO {i:05d}",
            code=f"B{i:07d}",
            home_unit=aimags[i % len(aimags)],
            search_key=f"tbb {i:05d}",
        )
        for i in range(organizations)
    )
    links = [NetworkMembership(network=network, member=m) for m in members]
    links += [NetworkMembership(network=subnetworks[i % 2], member=m) for i, m in enumerate(members) if i % 3]
    NetworkMembership.objects.bulk_create(links, batch_size=5000)
    admin = User.objects.create_user(email="bench-network@example.mn", password="bench-password-1234")
    grant_membership(actor=None, user=admin, organization=network, role=Role.NETWORK_ADMIN)
    framework = seed_proposal(network)
    today = datetime.date.today()
    round_ = AssessmentRound.objects.create(
        network=network, framework=framework, name="Bench", opens_on=today, closes_on=today
    )
    round_.invited_organizations.set(members)
    members = list(Organization.objects.filter(pk__in=[m.pk for m in members]).select_related("home_unit__parent"))
    bulk_assessments(round_, members, people, seed="bench-learning", batch=5000)
    rebuild_summaries(round_)
    return round_, admin


def seeded():
    """The round and the administrator of an earlier run (``--keep``), to measure again."""
    from iltod.accounts.models import User
    from iltod.learning.models import AssessmentRound

    return AssessmentRound.objects.get(name="Bench"), User.objects.get(email="bench-network@example.mn")


def _percentiles(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)], 1),
        "max_ms": round(ordered[-1], 1),
    }


def _time(function, repeat: int) -> dict:
    function()  # warm up
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return _percentiles(samples)


def measure(round_, admin, repeat: int) -> dict:
    from django.db import connection
    from django.db.models import Count, F, Sum
    from django.db.models.functions import Greatest
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from iltod.learning.models import Rating
    from iltod.learning.services.assessments import competencies_of, submit_assessment

    def baseline():
        list(
            Rating.objects.filter(assessment__round=round_)
            .values("assessment__aimag_id", "competency_id")
            .annotate(n=Count("pk"), gap=Sum(Greatest(F("gap"), 0)), pri=Sum("priority"))
        )

    client = Client()
    client.force_login(admin)
    url = reverse("learning:round", args=[round_.code])

    def page(scope):
        def get():
            response = client.get(url, {"scope": scope}, HTTP_HOST="localhost")
            assert response.status_code == 200, response.status_code

        return get

    competencies = competencies_of(round_)
    organizations = list(round_.invited_organizations.order_by("pk")[: repeat + 1])
    counter = iter(range(10**6))

    def submit():
        i = next(counter)
        submit_assessment(
            round_=round_,
            organization=organizations[i % len(organizations)],
            full_name=f"Bench {i}",
            role="monitor",
            answers={c.pk: (1 + i % 4, 3) for c in competencies},
        )

    def queries(scope) -> int:
        with CaptureQueriesContext(connection) as captured:
            page(scope)()
        return len(captured)

    return {
        "baseline_from_ratings": _time(baseline, max(3, repeat // 4)),
        "page_by_aimag": _time(page("aimag"), repeat),
        "page_by_organization": _time(page("organization"), repeat),
        "queries_by_aimag": queries("aimag"),
        "queries_by_organization": queries("organization"),
        "submit": _time(submit, repeat),
    }


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=PEOPLE)
    parser.add_argument("--organizations", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument(
        "--reuse", action="store_true", help="measure again in the database a --keep run left (no seeding)"
    )
    parser.add_argument("--database-url", default="", help="an existing database to use instead")
    parser.add_argument("--output", default=str(OUTPUT))
    args = parser.parse_args(argv)
    own_database = not args.database_url and not args.reuse
    if own_database:
        _psql(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        _psql(f'CREATE DATABASE "{DATABASE}"')
    _prepare_environment(args.database_url or f"{PG}/{DATABASE}")
    import django

    django.setup()
    from django.core.management import call_command

    try:
        call_command("migrate", verbosity=0, interactive=False)
        start = time.perf_counter()
        if args.reuse:
            round_, admin = seeded()
            args.people = round_.assessments.count()
            args.organizations = round_.invited_organizations.count()
        else:
            round_, admin = seed(args.people, args.organizations)
        log(f"{args.people} people seeded in {time.perf_counter() - start:.0f} s; measuring")
        from iltod.learning.models import GapSummary, Rating

        figures = measure(round_, admin, args.repeat)
        result = {
            "people": args.people,
            "organizations": args.organizations,
            "ratings": Rating.objects.filter(assessment__round=round_).count(),
            "summary_rows": GapSummary.objects.filter(round=round_).count(),
            "target_page_p95_ms": TARGET_PAGE_P95_MS,
            **figures,
        }
        result["passed"] = (
            max(result["page_by_aimag"]["p95_ms"], result["page_by_organization"]["p95_ms"]) < TARGET_PAGE_P95_MS
        )
        # --- trainings: the unique-people count (sections 3 to 6) is added here
    finally:
        from django.db import connections

        connections.close_all()
        if own_database and not args.keep:
            _psql(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(json.dumps(result, ensure_ascii=False))
    return result


if __name__ == "__main__":
    main()
