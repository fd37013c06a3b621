"""One Mongolian term for "score card" in every compiled catalogue: «үнэлгээний карт» (the
glossary's term, «иргэдийн үнэлгээний карт» for the community score card), never a variant, so
that a facilitator reads the same word on every page, in the back office and in e-mails."""

import gettext
import re
from pathlib import Path

from django.conf import settings

TERM = "үнэлгээний карт"
# Variants seen in translations of "score card" or of a score card's cycle; each would be a second
# word for the same thing. "Score sheet" (онооны хуудас) is a different thing and stays.
VARIANTS = re.compile(
    r"онооны карт|оноон карт|оноо өгөх карт|скор\s?карт|скоркард|үнэлгээний хуудас"
    r"|(?<!картын )үнэлгээний мөчлөг|score\s?card",
    re.IGNORECASE,
)
SCORE_CARD = re.compile(r"score\s?cards?", re.IGNORECASE)


def catalogues() -> dict[str, dict]:
    """The project's compiled Mongolian catalogues (main and per app), msgid -> msgstr."""
    root = Path(settings.BASE_DIR) / "iltod"
    found = {}
    for path in sorted(root.glob("**/locale/mn/LC_MESSAGES/django.mo")):
        with path.open("rb") as handle:
            catalog = gettext.GNUTranslations(handle)._catalog
        found[str(path.relative_to(root))] = {
            # a key is the msgid ("context\x04msgid" with a context), or (msgid, n) for a plural form
            (key[0] if isinstance(key, tuple) else key).split("\x04")[-1]: value
            for key, value in catalog.items()
            if key
        }
    return found


def test_the_project_compiles_its_mongolian_catalogues():
    names = set(catalogues())
    assert {
        "locale/mn/LC_MESSAGES/django.mo",
        "scorecards/locale/mn/LC_MESSAGES/django.mo",
        "engagement/locale/mn/LC_MESSAGES/django.mo",
    } <= names


def test_every_translation_of_score_card_uses_the_one_term():
    wrong = [
        f"{name}: {msgid!r} -> {msgstr!r}"
        for name, catalog in catalogues().items()
        for msgid, msgstr in catalog.items()
        if SCORE_CARD.search(msgid) and TERM not in msgstr.lower()
    ]
    assert not wrong, "\n".join(wrong)


def test_no_other_word_for_score_card_appears_in_any_translation():
    found = [
        f"{name}: {msgid!r} -> {msgstr!r}"
        for name, catalog in catalogues().items()
        for msgid, msgstr in catalog.items()
        if VARIANTS.search(msgstr)
    ]
    assert not found, "\n".join(found)
