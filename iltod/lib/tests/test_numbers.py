import pytest

from iltod.lib.numbers import whole_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2025", 2025), (" 7 ", 7), ("0", 0), (12, 12), ("1" * 18, int("1" * 18))],
)
def test_plain_numbers_are_read(text, expected):
    assert whole_number(text) == expected


@pytest.mark.parametrize("text", ["", None, "²", "٣", "12a", "-1", "1.5", "1" * 19, "１２"])
def test_anything_else_is_none(text):
    assert whole_number(text) is None


def test_the_length_can_be_limited():
    assert whole_number("12345", max_digits=4) is None
    assert whole_number("1234", max_digits=4) == 1234
