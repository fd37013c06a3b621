"""Cardinal's settings file: what it accepts, what it refuses (with the line), and the round trip."""

import pytest
from django.utils import translation

from iltod.procurement.flags import INDICATORS, Settings, SettingsError

# What `ocdscardinal init` writes (every key commented out), with every section Cardinal knows.
INIT_FILE = """\
; currency = USD
; no_price_comparison_procurement_methods = Random Selection
; price_comparison_procurement_methods = Reverse Auction

[defaults]
; currency = USD

[redactions]
; amount = 0

[corrections]
; award_status_by_contract_status = true

[modifications]
; move_auctions = true

[codelists.bid_status]
; qualified = valid

[codelists.award_status]
; Active = active

[exclusions]
; procurement_method_details = Random Selection

[R003]
; threshold = 15

[R003.procurement_method_details]
; emergency = 10

[R018]
[R024]
[R025]
[R028]
[R030]
[R035]
[R036]
[R038]
[R048]
[R058]
"""


def test_the_file_cardinal_init_writes_enables_every_indicator_with_defaults():
    settings = Settings.from_ini(INIT_FILE)
    assert sorted(settings.indicators) == sorted(INDICATORS)
    assert settings.indicators["R024"] == {}
    assert settings.indicators["R003"] == {"procurement_method_details": {}}
    assert settings.currency is None
    assert settings == Settings.from_ini(settings.to_ini())


def test_every_key_and_type_is_read():
    settings = Settings.from_ini(
        """
currency = MNT
no_price_comparison_procurement_methods = Random Selection|Sorteo
# a comment
[exclusions]
procurement_method_details = Test
[R003]
threshold = 10
procurement_methods = open|selective
[R003.procurement_method_details]
Шууд гэрээ = 5
Licitación de Seguros = -1
[R018]
procurement_methods = open
[R024]
threshold = 0.05
[R025]
percentile = 80
threshold = 0.1
[R035]
threshold = 2
[R038]
threshold = 0.5
minimum_submitted_bids = 3
minimum_contracting_processes = 4
[R048]
digits = 3
threshold = 10 ; an inline comment
minimum_contracting_processes = 1
[R058]
threshold = "0.5"
[defaults]
party_roles = yes
[codelists.bid_status]
Qualified = valid
"""
    )
    assert settings.currency == "MNT"
    assert settings.no_price_comparison_procurement_methods == "Random Selection|Sorteo"
    assert settings.exclusions == {"procurement_method_details": "Test"}
    assert settings.indicators["R003"] == {
        "threshold": 10,
        "procurement_methods": "open|selective",
        "procurement_method_details": {"Шууд гэрээ": 5, "Licitación de Seguros": -1},
    }
    assert settings.indicators["R025"] == {"percentile": 80, "threshold": 0.1}
    assert settings.indicators["R038"] == {
        "threshold": 0.5,
        "minimum_submitted_bids": 3,
        "minimum_contracting_processes": 4,
    }
    assert settings.indicators["R048"] == {"digits": 3, "threshold": 10, "minimum_contracting_processes": 1}
    assert settings.indicators["R058"] == {"threshold": 0.5}
    assert settings.prepare == {"defaults": {"party_roles": True}, "codelists.bid_status": {"Qualified": "valid"}}
    assert Settings.from_ini(settings.to_ini()) == settings


def test_the_nested_section_alone_enables_r003_as_in_cardinal():
    settings = Settings.from_ini("[R003.procurement_method_details]\nx = 5\n")
    assert settings.indicators == {"R003": {"procurement_method_details": {"x": 5}}}


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("[R024]\nthreshhold = 0.05\n", 2, "threshhold"),
        ("[R099]\n", 1, "R099"),
        ("curency = USD\n", 1, "curency"),
        ("[R024]\nthreshold = low\n", 2, "low"),
        ("[R035]\nthreshold = -1\n", 2, "-1"),
        ("[R048]\ndigits = 2.5\n", 2, "2.5"),
        ("[R003]\nthreshold = ten\n", 2, "ten"),
        ("[R003.procurement_method_details]\nx = soon\n", 2, "soon"),
        ("[defaults]\nparty_roles = maybe\n", 2, "maybe"),
        ("[R024\n", 1, "]"),
        ("[R024]\njust words\n", 2, "="),
        ("[R058]\nthreshold = nan\n", 2, "nan"),
    ],
)
def test_a_wrong_file_is_refused_with_its_line(text, line, words):
    with translation.override("en"), pytest.raises(SettingsError) as caught:
        Settings.from_ini(text)
    assert f"Line {line}:" in str(caught.value)
    assert words in str(caught.value)


def test_the_refusal_is_in_mongolian_by_default():
    with translation.override("mn"), pytest.raises(SettingsError) as caught:
        Settings.from_ini("[R024]\nthreshhold = 0.05\n")
    assert str(caught.value) == "2-р мөр: “[R024]” хэсэгт “threshhold” гэсэн түлхүүр байхгүй."


def test_sections_are_read_whatever_their_case_and_written_as_cardinal_spells_them():
    settings = Settings.from_ini("[r024]\n[Defaults]\ncurrency = MNT\n")
    assert settings.indicators == {"R024": {}}
    assert "[R024]" in settings.to_ini() and "[defaults]" in settings.to_ini()


def test_all_enabled_is_every_indicator_with_its_defaults():
    settings = Settings.all_enabled()
    assert list(settings.indicators) == list(INDICATORS)
    assert settings.option("R048", "minimum_contracting_processes", 20) == 20
