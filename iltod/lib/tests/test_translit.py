import pytest

from iltod.lib.translit import has_cyrillic, search_key, search_keys, to_cyrillic, to_latin


@pytest.mark.parametrize(
    "spellings",
    [
        ["Өвөрхангай", "Övörkhangai", "Ovorkhangai", "Uvurhangai", "ovorhangai", "ӨВӨРХАНГАЙ"],
        ["Хэнтий", "Khentii", "Hentii", "Khentiy"],
        ["Улаанбаатар", "Ulaanbaatar", "Ulanbatar", "ulaanbaatar"],
        ["Сүхбаатар", "Sükhbaatar", "Sukhbaatar", "Suhbaatar"],
        ["Хөвсгөл", "Khövsgöl", "Khuvsgul", "Hovsgol"],
        ["Жаргалант", "Jargalant", "Zhargalant"],
        ["Баян-Өлгий", "Bayan-Ölgii", "Bayan-Ulgii", "Bayan Olgii", "bayanulgii"],
        ["Шарын гол", "Sharyn gol", "Sharin gol", "Sharyngol"],
        ["Батцэнгэл", "Battsengel", "Batsengel"],
    ],
)
def test_search_key_folds_every_spelling_of_a_name_to_one_key(spellings):
    keys = {search_key(s) for s in spellings}
    assert len(keys) == 1, dict(zip(spellings, [search_key(s) for s in spellings], strict=True))


def test_search_key_of_ovorkhangai_is_the_documented_skeleton():
    assert search_key("Өвөрхангай") == "uvurhangai"


def test_a_latin_part_of_a_name_is_a_substring_of_the_cyrillic_names_key():
    key = search_key("Батцэнгэл сумын 1-р сургууль")
    assert search_key("surguuli") in key
    assert search_key("сургууль") in key
    assert search_key("Battsengel") in key
    assert search_key("Khovd") not in key


def test_search_key_keeps_digits_and_drops_spaces_and_punctuation():
    assert search_key("5-р сургууль") == search_key("5 r surguuli")
    assert search_key("No. 12") == "nu12"


def test_search_key_strips_foreign_accents():
    assert search_key("Café") == search_key("cafe")


def test_search_key_of_nothing_is_empty():
    assert search_key("") == ""
    assert search_key("  - . ") == ""


def test_search_keys_joins_the_non_empty_keys_of_several_names():
    assert search_keys("Архангай", "", "Arkhangai", "65", "--") == "arhangai|arhangai|65"


def test_to_latin_uses_the_reference_datas_spelling():
    assert to_latin("Хэнтий") == "Khentii"
    assert to_latin("Өмнөговь") == "Ömnögovi"
    assert to_latin("Arkhangai") == "Arkhangai"
    assert to_latin("") == ""


@pytest.mark.parametrize(
    ("latin", "cyrillic"),
    [
        ("Khentii", "Хэнтий"),
        ("Hentii", "Хэнтий"),
        ("tsetserleg", "цэцэрлэг"),
        ("shine", "шинэ"),
        ("Zavkhan", "Завхан"),
        ("Ulaanbaatar", "Улаанбаатар"),
        ("Choibalsan", "Чойбалсан"),
    ],
)
def test_to_cyrillic_reads_mongolian_typed_in_latin_letters(latin, cyrillic):
    assert to_cyrillic(latin) == cyrillic


def test_to_cyrillic_of_nothing_is_empty():
    assert to_cyrillic("") == ""


def test_has_cyrillic_tells_the_scripts_apart():
    assert has_cyrillic("5-р сургууль")
    assert has_cyrillic("Ө")
    assert not has_cyrillic("Övörkhangai")
    assert not has_cyrillic("")
    assert not has_cyrillic(None)
