import pytest

from iltod.lib.phones import normalize_phone


@pytest.mark.parametrize(
    "typed",
    [
        "99112233",
        "9911 2233",
        "99 11 22 33",
        "9911-2233",
        "+976 99112233",
        "+976-9911-2233",
        "(+976) 9911 2233",
        "976 99112233",
        "97699112233",
        "+97699112233",
    ],
)
def test_every_common_way_of_typing_a_mongolian_mobile_gives_one_e164_number(typed):
    assert normalize_phone(typed) == "+97699112233"


def test_other_mongolian_operators_and_landlines_are_valid():
    assert normalize_phone("8811 2233") == "+97688112233"
    assert normalize_phone("7011 2233") == "+97670112233"


def test_a_foreign_number_keeps_its_country_code():
    assert normalize_phone("+7 912 345 67 89") == "+79123456789"


@pytest.mark.parametrize("typed", ["", "   ", "abc", "1234", "9911", "+976 1", "citizen@example.mn", None])
def test_what_is_not_a_valid_number_gives_an_empty_string(typed):
    assert normalize_phone(typed) == ""
