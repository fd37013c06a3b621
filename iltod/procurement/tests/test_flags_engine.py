"""The fast engine against a plain implementation, on generated and deliberately broken data; the
quartiles, rounding, currencies, skipped processes and parallel reading."""

import copy
import json
import math
import random
from fractions import Fraction

import numpy as np
import orjson
import pytest

from bench.procurement_flags import Generator
from iltod.procurement.flags import Settings, Skipped, dumps, run, run_file, runner, stats
from iltod.procurement.flags.dates import parse, whole_days
from iltod.procurement.flags.engine import Partial
from iltod.procurement.tests import cardinal_reference as reference

SETTINGS = {
    "defaults": Settings.all_enabled(),
    "configured": Settings(
        currency="MNT",
        no_price_comparison_procurement_methods="Random selection",
        exclusions={"procurement_method_details": "Direct contracting"},
        indicators={
            "R003": {"threshold": 20, "procurement_methods": "open|limited", "procurement_method_details": {"X": 3}},
            "R018": {"procurement_methods": "open"},
            "R024": {"threshold": 0.05},
            "R025": {"percentile": 60, "threshold": 0.5},
            "R028": {},
            "R030": {},
            "R035": {"threshold": 2},
            "R036": {},
            "R038": {"threshold": 0.2, "minimum_submitted_bids": 1, "minimum_contracting_processes": 1},
            "R048": {"digits": 3, "threshold": 2, "minimum_contracting_processes": 1},
            "R058": {"threshold": 0.3},
        },
    ),
    "allow list": Settings(
        price_comparison_procurement_methods="Open tender|Request for quotations",
        indicators={code: {} for code in ("R024", "R028", "R036", "R058", "R048")}
        | {"R048": {"minimum_contracting_processes": 2}},
    ),
}


def mutate(release: dict, rng: random.Random) -> dict:
    """Break a release the ways real data is broken: wrong types, missing keys, odd statuses."""
    release = copy.deepcopy(release)
    bids = release["bids"]["details"]
    choice = rng.randrange(24)
    bid = rng.choice(bids)
    if choice == 0:
        bid["value"]["amount"] = str(bid["value"]["amount"])
    elif choice == 1:
        bid["tenderers"] = bid["tenderers"][0]
    elif choice == 2:
        bid["status"] = rng.choice((None, "Qualified", 1, "pending", "withdrawn", "invited"))
    elif choice == 3:
        del bid["value"]["currency"]
    elif choice == 4:
        bid["value"]["amount"] = rng.choice((0, True, None, 1.5, -3))
    elif choice == 5:
        release["awards"][0]["status"] = rng.choice(("pending", "invalid", None, "cancelled", "unsuccessful"))
    elif choice == 6:
        release["awards"][0]["suppliers"] = [{"id": 5}, {"name": "no id"}]
    elif choice == 7:
        release["tender"]["numberOfTenderers"] = rng.choice((1.0, "1", True, 1, None))
    elif choice == 8:
        release["tender"]["tenderPeriod"]["endDate"] = rng.choice(
            ("2024-13-01T00:00:00Z", "2024-02-30T10:00:00Z", "2024-01-01", "2024-01-05T10:00:00.123456789+08:00")
        )
    elif choice == 9:
        release["tender"] = rng.choice((None, "tender", []))
    elif choice == 10:
        release["bids"] = {"details": {"not": "a list"}}
    elif choice == 11:
        release["awards"].append("not an award")
    elif choice == 12:
        release["ocid"] = rng.choice((None, 123))
    elif choice == 13:
        bid["value"]["currency"] = "USD"
    elif choice == 14:
        release["tender"]["procurementMethodDetails"] = rng.choice(("X", None, 5, "Random selection"))
    elif choice == 15:
        release["awards"][0]["items"] = [{"classification": {"id": 33100000}}, {"classification": "x"}, 3]
    elif choice == 16:
        bid["date"] = "9999-12-31T00:00:00Z"
    elif choice == 17:
        for other in bids:
            other["value"] = dict(bids[0]["value"])
    elif choice == 18:
        release["buyer"] = {"id": 42}
    elif choice == 19:
        release["tender"]["procuringEntity"] = "entity"
    elif choice == 20:
        release["awards"] = {"not": "a list"}
    elif choice == 21:
        bid["tenderers"] = [{"id": "MN-REG-5000001"}, {"id": "MN-REG-5000002"}, "x", {"id": None}]
    elif choice == 22:
        release["tender"]["status"] = "cancelled"
    else:
        bids.insert(0, "not a bid")
    return release


@pytest.fixture(scope="module")
def dataset():
    generator = Generator(seed=7, buyers=40, suppliers=300)
    rng = random.Random(11)
    releases = []
    for index in range(1500):
        release = generator.release(index)
        releases.append(mutate(release, rng) if rng.random() < 0.35 else release)
    releases[40:40] = [{"ocid": "ocds-duplicate"} | releases[3], "not an object", [1, 2], None]
    return releases


def run_reference(releases, settings, maps):
    partial = reference.Partial()
    fold = reference.make_fold(settings, partial, maps=maps)
    for release in releases:
        fold(release)
    skipped = Skipped()
    return runner.finalize(partial, settings, meta=True, maps=maps, skipped=skipped), skipped


@pytest.mark.parametrize("name", SETTINGS)
@pytest.mark.parametrize("maps", [False, True])
def test_the_fast_engine_gives_the_plain_implementations_result(dataset, name, maps):
    settings = SETTINGS[name]
    skipped = Skipped()
    expected, expected_skipped = run_reference(dataset, settings, maps)
    assert orjson.loads(dumps(run(dataset, settings, maps=maps, skipped=skipped))) == orjson.loads(dumps(expected))
    for reason in ("lots", "multiple_suppliers", "currency"):
        assert skipped.ocids[reason] == expected_skipped.ocids[reason], reason


def test_the_generated_data_raises_every_flag(dataset):
    output = run(dataset, Settings.all_enabled())
    found = {
        code
        for group in ("OCID", "Buyer", "ProcuringEntity", "Tenderer")
        for v in output.get(group, {}).values()
        for code in v
    }
    assert found >= {"R003", "R018", "R028", "R030", "R035", "R036", "R038", "R058"}


@pytest.mark.parametrize("name", SETTINGS)
def test_reading_the_file_in_parts_on_two_cores_gives_the_same_result(dataset, name, tmp_path, monkeypatch):
    path = tmp_path / "releases.jsonl"
    path.write_bytes(b"".join(orjson.dumps(release) + b"\n" for release in dataset))
    monkeypatch.setattr(runner, "SMALL_FILE", 0)
    settings = SETTINGS[name]
    expected = run(dataset, settings, maps=True)
    assert run_file(path, settings, maps=True, workers=2) == expected
    assert run_file(path, settings, maps=True, workers=1) == expected


# --- Currencies --------------------------------------------------------------------------------------


def process(ocid, currency, amounts=(100, 110), statuses=("valid", "valid")):
    bids = [
        {"status": status, "tenderers": [{"id": f"T{i}"}], "value": {"amount": amount, "currency": currency}}
        for i, (amount, status) in enumerate(zip(amounts, statuses, strict=True))
    ]
    return {"ocid": ocid, "bids": {"details": bids}, "awards": [{"status": "active", "suppliers": [{"id": "T0"}]}]}


def test_the_main_currency_is_the_first_met_and_other_currencies_are_skipped_and_listed():
    releases = [process("a", "MNT"), process("b", "USD"), process("c", "MNT", (100, 101))]
    skipped = Skipped()
    output = run(releases, Settings(indicators={"R024": {"threshold": 0.05}}), skipped=skipped)
    assert output["OCID"] == {"c": {"R024": 0.01}}
    assert skipped.ocids["currency"] == ["b"]
    assert skipped.currency == "MNT"
    # A configured currency wins over the first met.
    output = run(releases, Settings(currency="USD", indicators={"R024": {"threshold": 0.5}}), skipped=skipped)
    assert output["OCID"] == {"b": {"R024": 0.1}}
    assert skipped.ocids["currency"] == ["a", "c"]


def test_a_part_of_the_file_that_met_another_currency_first_is_folded_again(tmp_path, monkeypatch):
    releases = [process(f"m{i}", "MNT", (100, 101)) for i in range(30)] + [
        process(f"u{i}", "USD", (100, 101)) for i in range(30)
    ]
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b"".join(orjson.dumps(release) + b"\n" for release in releases))
    monkeypatch.setattr(runner, "SMALL_FILE", 0)
    settings = Settings(indicators={"R024": {"threshold": 0.05}, "R036": {}})
    skipped = Skipped()
    output = run_file(path, settings, workers=2, skipped=skipped)
    assert output == run(releases, settings)
    assert set(output["OCID"]) == {f"m{i}" for i in range(30)}
    assert skipped.ocids["currency"] == [f"u{i}" for i in range(30)]


def test_lots_consortia_and_multiple_suppliers_are_counted_and_listed():
    lots = process("lots", "MNT")
    lots["awards"].append({"status": "active", "suppliers": [{"id": "T1"}]})
    consortium = process("consortium", "MNT")
    consortium["bids"]["details"][1]["tenderers"].append({"id": "T9"})
    several = process("several", "MNT")
    several["awards"][0]["suppliers"].append({"id": "T1"})
    several["awards"][0]["items"] = [{"classification": {"id": "33100000"}}]
    skipped = Skipped()
    run([lots, consortium, several, process("fine", "MNT")], Settings.all_enabled(), skipped=skipped)
    assert skipped.ocids == {
        "lots": ["lots"],
        "consortium": ["consortium"],
        "multiple_suppliers": ["several"],
        "currency": [],
    }
    assert skipped.counts() == {"lots": 1, "consortium": 1, "multiple_suppliers": 1, "currency": 0}


def test_skipping_changes_nothing_in_cardinals_output():
    releases = [process("a", "MNT"), process("b", "USD")]
    settings = Settings.all_enabled()
    assert run(releases, settings, skipped=Skipped()) == run(releases, settings)


# --- Numbers ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 2, 3, 4, 5, 9, 10, 101, 1000])
def test_quartiles_are_hyndman_and_fans_method_8(size):
    values = np.random.default_rng(size).random(size) * 100
    for tau in (0.25, 0.5, 0.75, 0.6):
        assert stats.quantile(values, tau) == pytest.approx(np.quantile(values, tau, method="median_unbiased"))


def test_quartiles_of_nothing_are_nan_and_print_as_null():
    assert math.isnan(stats.quantile([], 0.25))
    output = run([], Settings(indicators={"R024": {}}))
    assert output == {"Meta": {"R024": {"q1": None, "q3": None, "lower_fence": None}}}
    assert dumps(output) == b'{"Meta":{"R024":{"q1":null,"q3":null,"lower_fence":null}}}'


def test_meta_rounds_half_away_from_zero_to_four_decimals():
    assert stats.round4(0.00005) == 0.0001
    assert stats.round4(-0.00005) == -0.0001
    assert stats.round4(66.66666666) == 66.6667
    assert stats.round4(2.5e-5) == 0.0
    assert stats.round4(1.0) == 1.0


def test_fences_are_one_fused_multiply_add():
    q1, q3 = 0.1, 0.7
    assert stats.lower_fence(q1, q3) == float(Fraction(q3 - q1) * Fraction(-1.5) + Fraction(q1))
    assert stats.upper_fence(1.0, 1.0) == 1.0


def test_a_winning_bid_of_zero_gives_an_infinite_ratio_not_an_error():
    output = run([process("zero", "MNT", (0, 5))], Settings(indicators={"R058": {"threshold": 1.0}}))
    assert output["OCID"]["zero"]["R058"] == math.inf


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        ("2000-01-01T18:00:00Z", "2000-01-06T17:59:59Z", 4),
        ("2000-01-01T18:00:00Z", "2000-01-06T18:00:00Z", 5),
        ("2000-01-01T00:00:00+08:00", "2000-01-01T00:00:00Z", 0),
        ("2000-01-02T00:00:00Z", "2000-01-01T00:00:00.5Z", 0),
        ("2000-01-03T00:00:00Z", "2000-01-01T00:00:00Z", -2),
        ("2024-02-28t10:00:00z", "2024-03-01 10:00:00+00:00", 2),
    ],
)
def test_whole_days_between_dates_as_chrono_counts_them(start, end, days):
    assert whole_days(parse(start), parse(end)) == days


@pytest.mark.parametrize("text", ["2024-02-30T00:00:00Z", "2024-01-01", "2024-01-01T25:00:00Z", "2024-01-01T10:00:00"])
def test_dates_chrono_refuses_are_ignored(text):
    assert parse(text) is None


def test_the_output_prints_like_cardinals():
    output = run([process("F", "MNT", (1, 100))], Settings(indicators={"R058": {"threshold": 0.5}}), meta=False)
    assert dumps(output) == b'{"OCID":{"F":{"R058":99.0}},"Tenderer":{"T0":{"R058":0.0}}}'
    assert json.loads(dumps(output)) == output


def test_the_accumulators_merge_in_file_order():
    first, second = Partial(), Partial()
    first.r038_buyer["B"] = [1, 2]
    second.r038_buyer["B"] = [0, 3]
    second.r048["S"] = [2, {"33"}]
    first.merge(second)
    assert first.r038_buyer == {"B": [1, 5]}
    assert first.r048 == {"S": [2, {"33"}]}


def test_the_quick_path_for_common_timestamps_agrees_with_the_exact_one():
    from iltod.procurement.flags import dates

    rng = random.Random(5)
    for _ in range(20_000):
        text = "{}-{}-{}{}{}:{}:{}{}".format(
            rng.choice(["2024", "0001", "9999", "2023"]),
            rng.choice(["01", "02", "12", "13", "00"]),
            rng.choice(["01", "28", "29", "30", "31", "32"]),
            rng.choice("TTt "),
            rng.choice(["00", "09", "23", "24"]),
            rng.choice(["00", "59", "60"]),
            rng.choice(["00", "59", "60", "61"]),
            rng.choice(["Z", "z", "+08:00", "-05:30", "+23:59", "+24:00", "+05:60", "-00:00", "+0800"]),
        )
        at = rng.randrange(len(text))
        for variant in (text, text[:at] + rng.choice("0:-T+.Zx ٣") + text[at + 1 :]):
            assert dates.parse(variant) == dates._parse_exactly(variant), variant


# --- Reading lines: msgspec for the fields the flags read, orjson for whatever it refuses ------------


def test_a_line_is_read_as_orjson_reads_it_even_where_msgspec_would_differ(tmp_path):
    good = process("ok", "MNT", (100, 101))
    deep_line = orjson.dumps(process("deep", "MNT", (100, 101)))[:-1] + b',"note":' + b"[" * 1010 + b"]" * 1010 + b"}"
    deep = orjson.loads(deep_line)
    keyed = (
        b'{"oc\\u0069d":"escaped","tender":{"status":"cancelled"},'
        b'"tender":{"procurementMethod":"open","numberOfTenderers":1}}'
    )
    lines = [
        orjson.dumps(good),
        deep_line,  # msgspec's nesting limit is below orjson's: orjson reads it
        orjson.dumps(process("bad-utf8", "MNT", (100, 101)))[:-1] + b',"note":"\xff"}',  # not UTF-8: broken
        orjson.dumps(process("кирилл", "MNT", (100, 101)) | {"note": "Эмнэлэг"}),  # UTF-8 text: read
        keyed,  # an escaped key, and the last of two keys wins
        orjson.dumps(process("huge", "MNT", (100, 101)))[:-1].replace(b"100", b"1" + b"0" * 309, 1) + b"}",
        b"  ",
        b"[1, 2]",
        b"null",
    ]
    path = tmp_path / "releases.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    settings = Settings(indicators={"R018": {}, "R024": {"threshold": 0.05}})
    errors = []
    output = run_file(path, settings, errors=errors, workers=1)
    assert [error.line for error in errors] == [3, 6]  # not UTF-8; an amount beyond a double's range
    assert "surrogates not allowed" in errors[0].message  # orjson's own message, as before
    expected = run([good, deep, process("кирилл", "MNT", (100, 101)), orjson.loads(keyed)], settings)
    assert output == expected
    assert set(output["OCID"]) == {"ok", "deep", "кирилл", "escaped"}
    assert output["OCID"]["escaped"] == {"R018": 1.0}
    assert runner.parse(lines[1]).ocid == "deep"
    with pytest.raises(orjson.JSONDecodeError):
        runner.parse(lines[2])
