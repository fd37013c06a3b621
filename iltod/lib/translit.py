"""Cyrillic ⇄ Latin transliteration for Mongolian, and the folded keys used for search.

Two libraries were evaluated (see docs/languages.md):

* ``cyrtranslit`` (language ``mn``) turns Cyrillic into the Latin spelling that the reference
  data's English names use (Khentii, Ömnögovi, Bayan-Ölgii), so it is used for Cyrillic → Latin.
* ``mn-translit`` follows MNS 5217:2012 and, unlike cyrtranslit, reads Latin digraphs typed on
  phones (``kh``/``h`` → х, ``ts`` → ц, ``sh`` → ш), so it is used for Latin → Cyrillic.

People type Mongolian in Latin letters inconsistently: Өвөрхангай is written Övörkhangai,
Ovorkhangai or Uvurhangai, and long vowels are often typed single. ``search_key`` folds every
spelling to one skeleton so that a substring match on keys finds the place or facility however
its name was typed.
"""

import re
import unicodedata

import cyrtranslit
import mn_translit

_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_REPEATS = re.compile(r"([a-z])\1+")

# Applied in order to lower-case Latin text. Digraphs first, then single letters.
_FOLDS = (
    ("kh", "h"),
    ("zh", "j"),
    ("ye", "e"),
    ("yo", "o"),
    ("yu", "u"),
    ("ya", "a"),
    ("ö", "u"),
    ("ü", "u"),
    ("o", "u"),
    ("y", "i"),
    ("w", "v"),
    ("q", "k"),
    ("x", "h"),
)


def has_cyrillic(text: str) -> bool:
    return bool(_CYRILLIC.search(text or ""))


def to_latin(text: str) -> str:
    """Mongolian Cyrillic → Latin (Khentii, Ömnögovi). Latin input is returned unchanged."""
    if not text:
        return ""
    return cyrtranslit.to_latin(text, "mn")


def to_cyrillic(text: str) -> str:
    """Latin-typed Mongolian → Cyrillic (MNS 5217:2012 via mn-translit)."""
    if not text:
        return ""
    return mn_translit.latin_to_cyrillic(text)


def search_key(text: str) -> str:
    """A folded, spelling-insensitive key: ``Өвөрхангай``, ``Uvurhangai`` → ``uvurhangai``."""
    if not text:
        return ""
    latin = to_latin(text.lower()).lower()
    # Strip accents that are not Mongolian letters (é → e) but keep ö/ü for the folds below.
    latin = "".join(ch if ch in "öü" else unicodedata.normalize("NFKD", ch)[0] for ch in latin)
    for source, target in _FOLDS:
        latin = latin.replace(source, target)
    latin = _NOT_ALNUM.sub("", latin)
    return _REPEATS.sub(r"\1", latin)


def search_keys(*texts: str) -> str:
    """Join the keys of several names (Mongolian, English, codes) into one searchable field."""
    keys = [search_key(t) for t in texts if t]
    return "|".join(k for k in keys if k)


_DIGIT_LETTER = re.compile(r"(?<=\d)(?=[^\d\W])|(?<=[^\d\W])(?=\d)")
_WORD_SPLIT = re.compile(r"[^\w]+|_")


def search_words(text: str) -> list[str]:
    """The folded words of ``text``, in order, for word-by-word search.

    Full-width characters are read as ordinary ones (``１`` is 1), and digits are cut from the
    letters around them, so ``1-р``, ``1р``, ``No.1`` and ``№1`` all give the word ``1``
    (next to ``r`` or ``no``, which the search leaves out)."""
    if not text:
        return []
    text = _DIGIT_LETTER.sub(" ", unicodedata.normalize("NFKC", text))
    words = (search_key(part) for part in _WORD_SPLIT.split(text))
    return [word for word in words if word]
