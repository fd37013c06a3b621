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
