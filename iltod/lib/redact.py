"""Masking of personal details in text that will be public.

Phone numbers (Mongolian 8-digit numbers with or without +976, and longer international ones),
e-mail addresses and national registry numbers (two Cyrillic letters and eight digits, e.g.
УБ99012345) are replaced by a mask. Citizens often write them into complaints by mistake, and
they write them as they would on paper: ``99-11-22-33``, ``99 11 22 33``, ``99.11.22.33``, one
digit at a time (``9 9 1 1 2 2 3 3``), in full-width digits from a phone keyboard
(``９９１１２２３３``), after a word that says what follows (``утас 312345``, ``tel: …``), and the
registry number's letters in either alphabet or case (``уб 99012345``, ``UB99012345``).

What must stay readable: dates (``2024.03.15``, ``15.03.2024``), years and spans of years
(``2023 - 2024``), amounts (``12 500 000 төгрөг``), counts and school numbers. The rules below
rely on how those differ from phone numbers: a Mongolian phone number starts with 5–9 (a date
written day first starts with 0–3, a year with 1 or 2), and is written in groups of 1, 2 or 4
digits (amounts come in groups of 3).
"""

import re
import unicodedata

MASK = "▒▒▒"

# One separator between groups of digits: space, no-break space, dot, the dashes, slash.
_SEP = r"[ \u00a0.\-\u2010\u2011\u2012\u2013\u2014/]"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)

# Registry number: 2 letters (Cyrillic, or the Latin letters people type for them) and 8 digits,
# which may be grouped. The digits start with the date of birth, yymmdd, where the month is 01–12,
# or 21–32 for people born from 2000 (checked in _mask_registry).
_REGISTRY = re.compile(
    rf"(?<![^\W\d_])(?P<letters>[А-ЯЁӨҮA-Z]{{2}}){_SEP}?\s*(?P<digits>\d(?:{_SEP}?\d){{7}})(?!{_SEP}?\d)",
    re.IGNORECASE,
)

# A Mongolian number: +976 (optional) and 8 digits from 5–9, in groups separated by one character.
_PHONE = re.compile(
    rf"(?<!\d)(?<!\d{_SEP})(?P<country>(?:\+|00)?\(?976\)?{_SEP}?\s*)?(?P<number>[5-9](?:{_SEP}?\d){{7}})"
    rf"(?!\d)"
)
# An international number written with "+" and 9–15 digits with separators.
_INTERNATIONAL = re.compile(r"(?<![\w+])\+\d[\d\s().-]{7,18}\d(?!\d)")
# A word that announces a phone number; what follows it is masked when it has 6 digits or more
# (landlines of 6 digits, area codes, numbers grouped in threes).
_ANNOUNCED = re.compile(
    r"(?P<word>(?<!\w)(?:гар\s+утас|утасны\s+дугаар|утсаар|утсанд|утас|utasnii\s+dugaar|utas|"
    r"tel|phone|mobile|ph|залгах)\b[.:]?\s*(?:[:№#-]\s*)?)"
    r"(?P<number>\+?\(?\d[\d\u00a0 ().\-\u2010-\u2014/]{4,20}\d)(?!\d)",
    re.IGNORECASE,
)


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _groups(text: str) -> list[int]:
    return [len(g) for g in re.split(rf"{_SEP}+", text.strip()) if g]


# How people group the 8 digits of a number. Anything else is something else: amounts come in
# threes (99 500 000), a list of school grades one or two digits at a time (8 9 10 11 12).
_PHONE_GROUPS = {(8,), (4, 4), (2, 2, 2, 2), (1,) * 8, (4, 2, 2), (2, 2, 4)}
# A registry number is written whole, or in even groups; never like a date (2024.03.15).
_REGISTRY_GROUPS = {(8,), (4, 4), (2, 2, 2, 2), (1,) * 8}


def _mask_phone(match: re.Match) -> str:
    number = match.group("number")
    if tuple(_groups(number)) not in _PHONE_GROUPS:
        return match.group()
    separators = set(re.findall(_SEP, number))
    text = match.string
    end = match.end()
    # "99.11.22.33.44": part of a longer run written with the same separator
    if len(separators) == 1 and end + 1 < len(text) and text[end] in separators and text[end + 1].isdigit():
        return match.group()
    return MASK


def _mask_registry(match: re.Match) -> str:
    digits = match.group("digits")
    month = int(_digits(digits)[2:4])
    if tuple(_groups(digits)) not in _REGISTRY_GROUPS or not (1 <= month <= 12 or 21 <= month <= 32):
        return match.group()
    return MASK


def _mask_international(match: re.Match) -> str:
    if not 9 <= len(_digits(match.group())) <= 15:
        return match.group()
    return MASK


def _mask_announced(match: re.Match) -> str:
    if len(_digits(match.group("number"))) < 6:
        return match.group()
    return match.group("word") + MASK


def _ascii_char(ch: str) -> str:
    if ch.isdigit() and not ch.isascii():
        try:
            return str(unicodedata.digit(ch))
        except (TypeError, ValueError):
            return ch
    if "\uff01" <= ch <= "\uff5e":  # full-width forms of ASCII: ＋, －, ．, letters
        return chr(ord(ch) - 0xFEE0)
    return " " if ch == "\u3000" else ch  # ideographic space


def _ascii_digits(text: str) -> str:
    """Full-width and other Unicode digits (and the full-width signs typed with them) become
    ASCII, so that the rules see ``９９１１２２３３`` as the number it is."""
    if text.isascii():
        return text
    return "".join(_ascii_char(ch) for ch in text)


def mask_personal_data(text: str) -> str:
    if not text:
        return ""
    text = _ascii_digits(text)
    text = _EMAIL.sub(MASK, text)
    text = _REGISTRY.sub(_mask_registry, text)
    text = _INTERNATIONAL.sub(_mask_international, text)
    text = _PHONE.sub(_mask_phone, text)
    return _ANNOUNCED.sub(_mask_announced, text)
