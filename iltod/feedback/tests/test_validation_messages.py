"""Validation messages say what the rule is, in Mongolian as in English."""

import pytest
from django.utils import translation

from iltod.feedback.forms import FeedbackForm


def description_errors(text: str, language: str) -> list[str]:
    with translation.override(language):
        form = FeedbackForm({"description": text})
        form.is_valid()
        return [str(e) for e in form.errors["description"]]


@pytest.mark.django_db
def test_too_short_a_text_is_told_the_minimum_in_mongolian():
    assert description_errors("богино", "mn") == ["Хамгийн багадаа 10 тэмдэгт бичнэ үү (одоо 6 тэмдэгт байна)."]


@pytest.mark.django_db
def test_too_short_a_text_is_told_the_minimum_in_english():
    assert description_errors("short", "en") == ["Ensure this value has at least 10 characters (it has 5)."]


@pytest.mark.django_db
def test_too_long_a_text_is_told_the_maximum_in_mongolian():
    (message,) = description_errors("а" * 5001, "mn")
    assert message == "Хамгийн ихдээ 5000 тэмдэгт бичнэ үү (одоо 5001 тэмдэгт байна)."


def test_number_limits_are_said_plainly_in_mongolian():
    """Django's own Mongolian puts a case suffix on the number; ours says the limit."""
    from django import forms

    class Score(forms.Form):
        score = forms.IntegerField(min_value=1, max_value=5)

    with translation.override("mn"):
        assert Score({"score": 0}).errors["score"] == ["Энэ утга хамгийн багадаа 1 байх ёстой."]
        assert Score({"score": 9}).errors["score"] == ["Энэ утга хамгийн ихдээ 5 байх ёстой."]
