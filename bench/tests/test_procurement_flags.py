import json

import orjson

from bench import procurement_flags
from iltod.procurement.flags import Settings, run


def test_the_generator_is_deterministic_and_realistic():
    first, again = procurement_flags.Generator(), procurement_flags.Generator()
    release = first.release(12)
    assert release == again.release(12)
    assert release != first.release(13)
    assert release["ocid"].startswith("ocds-mn0001-")
    assert release["tender"]["value"]["currency"] in {"MNT", "USD"}
    assert {"parties", "buyer", "tender", "bids", "awards", "contracts"} <= set(release)


def test_the_generated_data_raises_the_flags(tmp_path):
    path = procurement_flags.generate(tmp_path / "releases.jsonl", 3_000)
    releases = [orjson.loads(line) for line in path.read_bytes().splitlines()]
    output = run(releases, Settings.from_ini(procurement_flags.settings_text()))
    codes = {code for group in ("OCID", "Tenderer") for values in output[group].values() for code in values}
    assert codes >= {"R003", "R018", "R024", "R028", "R030", "R035", "R036", "R058"}


def test_a_tiny_run_writes_both_figures_and_the_ratio(tmp_path):
    output = tmp_path / "procurement_flags.json"
    result = procurement_flags.main(
        ["--releases", "400", "--repeat", "1", "--data", str(tmp_path / "data.jsonl"), "--output", str(output)]
    )
    assert json.loads(output.read_text()) == result
    assert result["releases"] == 400
    assert result["baseline_parse_seconds"] > 0 and result["flags_seconds"] > 0
    # the ratio is of the unrounded times: within what rounding each time to a millisecond allows
    flags, parse = result["flags_seconds"], result["baseline_parse_seconds"]
    lowest = (flags - 0.0005) / (parse + 0.0005)
    highest = (flags + 0.0005) / max(parse - 0.0005, 1e-6)
    assert lowest - 0.001 <= result["ratio"] <= highest + 0.001
    assert 0 < result["peak_mb"] < 1_000
    assert result["results"]["OCID"] > 0
    assert set(result["skipped"]) == {"lots", "consortium", "multiple_suppliers", "currency"}
