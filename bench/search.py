"""The facility search on PostgreSQL at national scale: p95 over a fixed set of 50 queries.

``python -m bench.search`` creates a fresh PostgreSQL database (``iltod_bench_search``), migrates
it (which creates the full-text and trigram indexes), loads the reference data and writes about
100 000 facilities named as the demo names them, spread over all 21 aimags and 9 districts (the
demo's planner at a larger scale; the figure's note gives the exact count). It then runs each
query of ``QUERIES`` as the facility list page does (the first page of 25 with each facility's soum
and aimag, and the count up to 1 000), once to
warm up and ``--repeat`` times measured, and prints one JSON line: the p50/p95/max over the
queries of each query's median time, in milliseconds. ``make bench`` runs it as its search
figure (target p95 < 50 ms). The database is dropped at the end unless ``--keep``.

Environment: ``BENCH_PG`` (server, default ``postgres://postgres@127.0.0.1:5432``),
``BENCH_SEARCH_DB``, ``BENCH_SEARCH_FACILITIES`` (default 100 000).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DATABASE = os.environ.get("BENCH_SEARCH_DB", "iltod_bench_search")
FACILITIES = int(os.environ.get("BENCH_SEARCH_FACILITIES", "").replace("_", "") or 100_000)

# What citizens and officers type: names in either script, places by every name, kinds,
# numbers written several ways, typos, and a few long or odd ones.
QUERIES = (
    "erdenebulgan 1-r surguuli",
    "surguuli erdenebulgan",
    "Erdenebulgan School No. 1",
    "Bayanzurkh 4",
    "arkhangai hospital",
    "Эрдэнэбулган 1",
    "Tsetserleg",
    "Цэцэрлэг",
    "Erdenbulgan 1-r surguuli",
    "arkhangai hospitl",
    "Батцэнгэл сургууль",
    "battsengel",
    "УБ 12-р сургууль",
    "БЗД 4",
    "СХД эмнэлэг",
    "songinohairhan 25 tsetserleg",
    "Мөрөн",
    "Moron emneleg",
    "Khovd",
    "Ховд аймгийн нэгдсэн эмнэлэг",
    "Ölgii",
    "Улаангом сургууль",
    "Choibalsan hospital",
    "Dornod",
    "Хэрлэн сумын 2-р сургууль",
    "ЭМТ",
    "өрхийн эрүүл мэндийн төв Нарлаг",
    "narlag",
    "Enkhjin family health centre",
    "эмийн сан",
    "Ariun pharmacy",
    "apteka",
    "kindergarten",
    "Чингэлтэй 7-р цэцэрлэг",
    "chingeltei kindergarten No. 7",
    "amarjih gazar",
    "maternity home 2",
    "polytechnic college",
    "Политехник коллеж Өвөрхангай",
    "Arvaikheer school",
    "uvurhangai",
    "Övörkhangai",
    "Ovorkhangai surguuli",
    "Sainshand",
    "Zuunmod school No. 2",
    "dotuur bair",
    "mongolian national university of education",
    "Bayan-Ölgii hospital",
    "bayanulgii",
    "Хөвсгөл Цэцэрлэг сум 1-р сургууль",
)
assert len(QUERIES) == 50


def _prepare_environment() -> None:
    for name in [n for n in os.environ if n.startswith("DJANGO_")]:
        del os.environ[name]
    os.environ.update(
        DJANGO_SETTINGS_MODULE="iltod.settings",
        DJANGO_ENV="development",
        DEBUG="0",
        LOG_LEVEL="WARNING",
        DATABASE_URL=f"{PG}/{DATABASE}",
    )


def _psql(sql: str) -> None:
    command = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", f"{PG}/postgres", "-c", sql]
    subprocess.run(command, check=True, capture_output=True)  # noqa: S603 - psql from PATH, as bench.run calls it


def log(message: str) -> None:
    print(f"[bench.search] {message}", file=sys.stderr, flush=True)


def seed(count: int) -> int:
    """Reference data and ``count`` or a few more facilities, named by the demo's planner."""
    from iltod.demo import seed as demo
    from iltod.places.models import AdminUnit, ServiceUnit
    from iltod.places.services import load_reference_data

    load_reference_data()
    units = {u.code: u for u in AdminUnit.objects.current().select_related("parent")}

    def by_code(unit):
        return unit.code

    aimags = sorted((u for u in units.values() if u.level == "aimag"), key=by_code)
    geo = demo.Geography(
        country=units["MN"],
        capital=units["11"],
        aimags=aimags,
        soums={a.code: sorted((u for u in units.values() if u.parent_id == a.pk), key=by_code) for a in aimags},
        districts=sorted((u for u in units.values() if u.level == "district"), key=by_code),
    )
    per_scale = len(demo.plan_facilities(geo, 1))
    scale = -(-count // per_scale)  # enough replicas to reach ``count``
    specs = demo.plan_facilities(geo, scale)
    log(f"writing {len(specs)} facilities (scale {scale})")
    started = time.perf_counter()
    demo._write_facilities(specs, geo, {}, demo.SeedResult())
    log(f"written in {time.perf_counter() - started:.0f} s")
    return ServiceUnit.objects.count()


def measure(repeat: int) -> dict:
    from django.db import connection

    from iltod.places.search import search_facilities
    from iltod.places.views import FACILITIES_PER_PAGE, RankedPaginator

    with connection.cursor() as cursor:  # as autovacuum leaves a table after a bulk load
        cursor.execute("VACUUM ANALYZE")
    per_query = {}
    for text in QUERIES:
        times = []
        for attempt in range(repeat + 1):
            started = time.perf_counter()
            page = RankedPaginator(search_facilities(text), FACILITIES_PER_PAGE).get_page(1)
            rows = [(f.name, f.admin_unit.name, f.admin_unit.parent.name) for f in page]  # as the page shows them
            total = f"{page.paginator.cap}+" if page.paginator.capped else page.paginator.count
            if attempt:  # the first run warms the caches
                times.append(time.perf_counter() - started)
        first = f"{rows[0][0]} ({rows[0][1]}, {rows[0][2]})" if rows else ""
        per_query[text] = {"median_ms": round(statistics.median(times) * 1000, 2), "found": total, "first": first}
    medians = sorted(q["median_ms"] for q in per_query.values())
    from .measure import percentile

    # The plan of one query: the full-text GIN index must be what finds the rows.
    sql, params = search_facilities("erdenebulgan 1-r surguuli").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return {
        "p50_ms": round(percentile(medians, 50), 2),
        "p95_ms": round(percentile(medians, 95), 2),
        "max_ms": round(medians[-1], 2),
        "queries": per_query,
        "uses_fulltext_index": "serviceunit_search_fts" in plan,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facilities", type=int, default=FACILITIES)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep (and reuse) the database")
    args = parser.parse_args(argv)
    _prepare_environment()
    if not args.keep:
        _psql(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    try:
        _psql(f'CREATE DATABASE "{DATABASE}"')
        fresh = True
    except subprocess.CalledProcessError:
        fresh = False  # kept from an earlier run
    import django

    django.setup()
    from django.core.management import call_command

    from iltod.places.models import ServiceUnit

    try:
        call_command("migrate", verbosity=0, interactive=False)
        count = seed(args.facilities) if fresh else ServiceUnit.objects.count()
        log(f"{count} facilities; measuring {len(QUERIES)} queries × {args.repeat}")
        result = measure(args.repeat) | {"facilities": count}
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            _psql(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    slowest = sorted(result["queries"].items(), key=lambda kv: -kv[1]["median_ms"])[:5]
    log(
        f"p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, max {result['max_ms']} ms over {count} facilities; "
        f"full-text index used: {result['uses_fulltext_index']}; slowest: "
        + ", ".join(f"{q!r} {v['median_ms']} ms" for q, v in slowest)
    )
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
