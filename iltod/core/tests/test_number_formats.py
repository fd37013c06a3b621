"""Amounts on Mongolian pages are grouped in threes (265,680,000 ₮), as on English ones: Django's
Mongolian locale has no number formats, so ``intcomma`` printed 265680000."""

from django.template import Context, Template
from django.utils import translation

AMOUNT = Template("{% load humanize money %}{{ amount|floatformat:0|intcomma }} {{ code|currency }}")


def render(language: str, amount) -> str:
    with translation.override(language):
        return AMOUNT.render(Context({"amount": amount, "code": "MNT"}))


def test_amounts_are_grouped_in_threes_in_both_languages():
    assert render("mn", 265_680_000) == "265,680,000 ₮"
    assert render("en", 265_680_000) == "265,680,000 MNT"
    assert render("mn", 950) == "950 ₮"


def test_decimals_keep_the_point():
    with translation.override("mn"):
        assert Template("{{ x|floatformat:2 }}").render(Context({"x": 1234.5})) == "1234.50"
