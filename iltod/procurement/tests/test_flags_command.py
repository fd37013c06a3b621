"""``manage.py procurement_flags``: a drop-in for ``ocdscardinal indicators``."""

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import translation

from iltod.procurement.flags import INDICATORS, explain
from iltod.procurement.flags.explain import title

EXAMPLES = Path(__file__).parent / "fixtures" / "cardinal" / "examples"
R024 = EXAMPLES / "R-024.jsonl"


def flags(*args):
    out, err = StringIO(), StringIO()
    call_command("procurement_flags", *map(str, args), stdout=out, stderr=err)
    return json.loads(out.getvalue()), err.getvalue()


def test_the_output_is_cardinals_with_meta():
    output, err = flags("--settings", EXAMPLES / "R-024.ini", R024)
    assert output == {
        "OCID": {"F": {"R024": 1.0}},
        "Tenderer": {"W": {"R024": 0.0}, "L": {"R024": 0.0}},
        "Meta": {"R024": {"q1": 66.3333, "q3": 99.0, "lower_fence": 17.3333}},
    }
    assert err == ""


def test_no_meta_map_and_count_behave_as_in_cardinal():
    output, err = flags("-s", EXAMPLES / "R-024.ini", "--no-meta", "--map", "--count", R024)
    assert "Meta" not in output
    assert output["Maps"]["ocid_tenderer_r024"] == {"F": ["L", "W"]}
    assert set(output["Maps"]) == {
        "ocid_buyer_r038",
        "ocid_procuringentity_r038",
        "ocid_tenderer",
        "ocid_tenderer_r024",
        "ocid_tenderer_r028",
        "ocid_tenderer_r030",
        "ocid_tenderer_r035",
        "ocid_tenderer_r058",
    }
    assert err.splitlines() == ["OCID: 1", "Tenderer: 2"]


def test_without_a_settings_file_no_indicator_runs():
    assert flags(R024)[0] == {"Meta": {}}


def test_skipped_processes_are_listed_on_request(tmp_path):
    data = tmp_path / "lots.jsonl"
    release = {
        "ocid": "lots",
        "bids": {
            "details": [{"status": "valid", "tenderers": [{"id": "A"}], "value": {"amount": 1, "currency": "MNT"}}]
        },
        "awards": [{"status": "active", "suppliers": [{"id": "A"}]}, {"status": "active", "suppliers": [{"id": "B"}]}],
    }
    data.write_text(json.dumps(release) + "\n")
    with translation.override("en"):
        _output, err = flags("--settings", EXAMPLES / "settings.ini", "--skipped", data)
    assert "Several lots: more than one active award: 1" in err


def test_a_wrong_settings_key_is_a_clear_translated_error(tmp_path):
    ini = tmp_path / "settings.ini"
    ini.write_text("[R024]\nthreshhold = 0.05\n")
    with translation.override("mn"), pytest.raises(CommandError) as caught:
        flags("--settings", ini, R024)
    assert str(caught.value) == f"{ini}: 2-р мөр: “[R024]” хэсэгт “threshhold” гэсэн түлхүүр байхгүй."


def test_a_broken_line_is_skipped_with_its_number_or_stops_a_strict_run(tmp_path):
    data = tmp_path / "broken.jsonl"
    lines = R024.read_text().splitlines()
    lines[2:2] = ["", '{"ocid": "half', "   "]
    data.write_text("\n".join(lines) + "\n")
    with translation.override("en"):
        output, err = flags("--settings", EXAMPLES / "R-024.ini", "--no-meta", data)
        assert output["OCID"] == {"F": {"R024": 1.0}}
        assert err.startswith("Line 4 is not valid JSON and was skipped:")
        with pytest.raises(CommandError, match="Line 4 is not valid JSON"):
            flags("--settings", EXAMPLES / "R-024.ini", "--strict", data)


def test_missing_files_and_folders_are_clear_errors(tmp_path):
    with translation.override("en"):
        with pytest.raises(CommandError, match="no such file"):
            flags(tmp_path / "missing.jsonl")
        with pytest.raises(CommandError, match="is a folder"):
            flags(tmp_path)
        with pytest.raises(CommandError, match="cannot be read"):
            flags("--settings", tmp_path / "missing.ini", R024)


def test_manage_py_takes_settings_as_the_ini_file_and_exits_non_zero_without_a_traceback(tmp_path):
    """The real command line: Django would otherwise read --settings as its own settings module."""
    manage = Path(settings.BASE_DIR) / "manage.py"
    ok = subprocess.run(
        [sys.executable, manage, "procurement_flags", "--settings", EXAMPLES / "R-024.ini", "--no-meta", R024],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout) == {"OCID": {"F": {"R024": 1.0}}, "Tenderer": {"W": {"R024": 0.0}, "L": {"R024": 0.0}}}
    ini = tmp_path / "bad.ini"
    ini.write_text("[R024]\nthreshhold = 0.05\n")
    bad = subprocess.run(
        [sys.executable, manage, "procurement_flags", f"--settings={ini}", R024],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 1
    assert "threshhold" in bad.stderr and "Traceback" not in bad.stderr
    assert bad.stdout == ""


# --- Explanations --------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", INDICATORS)
def test_every_flag_is_explained_in_mongolian_and_english(code):
    meaning_mn, innocent_mn = explain(code, "mn")
    meaning_en, innocent_en = explain(code, "en")
    assert meaning_en != meaning_mn and innocent_en != innocent_mn
    assert all(len(text) > 60 for text in (meaning_mn, innocent_mn, meaning_en, innocent_en))
    assert not any(character.isascii() and character.isalpha() for character in meaning_mn + innocent_mn)
    assert title(code, "mn") != title(code, "en")


def test_an_unknown_flag_has_no_explanation():
    with pytest.raises(KeyError):
        explain("R999", "en")


def test_a_dash_reads_standard_input(monkeypatch):
    import io

    data = (EXAMPLES / "R-036.jsonl").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    output, _err = flags("--settings", EXAMPLES / "settings.ini", "--no-meta", "-")
    assert output == {"OCID": {"F": {"R036": 1.0}}}
