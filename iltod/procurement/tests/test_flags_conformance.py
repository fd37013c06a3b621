"""Every golden fixture of Cardinal gives exactly its expected output (compared as JSON values).

The settings of each fixture come from its file name, as Cardinal's own test build derives them:
only the named indicator is enabled; ``R003-threshold-10`` sets ``threshold = 10``;
``R003-procurement_methods-open+selective`` sets a string (``+`` stands for ``|``); more parts make a
map (``R003-procurement_method_details-x-5-y-10``); and every fixture also sets
``no_price_comparison_procurement_methods = NPC`` and excludes the method details ``EXC``.
"""

import json
from pathlib import Path

import orjson
import pytest

from iltod.procurement.flags import Settings, run, run_file

FIXTURES = Path(__file__).parent / "fixtures" / "cardinal"
NAMES = sorted(path.stem for path in FIXTURES.glob("*.jsonl"))


def settings_for(name: str) -> Settings:
    code, *parts = name.replace("+", "|").split("-")
    options = {}
    if len(parts) == 2:
        key, value = parts
        options[key] = int(value) if value.isdigit() else value
    elif len(parts) > 2:
        key, *pairs = parts
        options[key] = {pairs[i]: int(pairs[i + 1]) for i in range(0, len(pairs), 2)}
    return Settings(
        no_price_comparison_procurement_methods="NPC",
        exclusions={"procurement_method_details": "EXC"},
        indicators={code: options},
    )


def expected(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.expected").read_text())


def releases(name: str) -> list:
    lines = (FIXTURES / f"{name}.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def test_the_fixtures_are_all_there():
    assert len(NAMES) == 15
    assert {name.split("-")[0] for name in NAMES} == {
        "R003", "R018", "R024", "R025", "R028", "R030", "R035", "R036", "R038", "R048", "R058",
    }  # fmt: skip


@pytest.mark.parametrize("name", NAMES)
def test_run_gives_cardinals_result(name):
    assert run(releases(name), settings_for(name), meta=False) == expected(name)


@pytest.mark.parametrize("name", NAMES)
def test_run_file_gives_cardinals_result(name):
    result = run_file(FIXTURES / f"{name}.jsonl", settings_for(name), meta=False)
    assert orjson.loads(orjson.dumps(result)) == expected(name)


@pytest.mark.parametrize("name", NAMES)
def test_the_settings_survive_the_ini_format(name):
    settings = settings_for(name)
    again = Settings.from_ini(settings.to_ini())
    assert again == settings
    assert run(releases(name), again, meta=False) == expected(name)


@pytest.mark.parametrize("name", NAMES)
def test_the_fixtures_cut_in_parts_give_the_same_result(name, tmp_path, monkeypatch):
    """Several processes over several parts give what one pass gives."""
    from iltod.procurement.flags import runner

    monkeypatch.setattr(runner, "SMALL_FILE", 0)
    monkeypatch.setattr(runner, "PARTS_PER_WORKER", 3)
    result = run_file(FIXTURES / f"{name}.jsonl", settings_for(name), meta=False, workers=2)
    assert result == expected(name)


# --- The worked examples of Cardinal's documentation -----------------------------------------------
# Each page runs `ocdscardinal indicators --settings <ini> --no-meta <jsonl>` and shows the output:
# with all eleven indicators enabled (settings.ini) or only the page's own (R-0xx.ini).

EXAMPLES = FIXTURES / "examples"
EXAMPLE_NAMES = sorted(path.stem for path in EXAMPLES.glob("R-*.jsonl"))


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_the_documented_examples_give_the_documented_output(name):
    ini = EXAMPLES / f"{name}.ini"
    settings = Settings.from_ini((ini if ini.exists() else EXAMPLES / "settings.ini").read_text())
    expected_output = json.loads((EXAMPLES / f"{name}.expected").read_text())
    assert run_file(EXAMPLES / f"{name}.jsonl", settings, meta=False) == expected_output
