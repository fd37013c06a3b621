"""Masking of personal details in text that will be public.

Phone numbers (Mongolian 8-digit numbers with or without +976, and longer international ones),
e-mail addresses and national registry numbers (two Cyrillic letters and eight digits, e.g.
УБ99012345) are replaced by a mask. Citizens often write them into complaints by mistake.
"""

import re

MASK = "▒▒▒"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# Registry number: 2 Cyrillic letters (also typed as Latin lookalikes) + 8 digits, optional space/dash.
_REGISTRY = re.compile(r"(?<!\w)[А-ЯЁӨҮA-Z]{2}[\s-]?\d{8}(?!\d)", re.IGNORECASE)
# Phones: +976 and 8 digits, or 8 digits starting 5-9 (mobile) / 7 (landline) in groups of 4, or
# an international number written with "+" and 9-15 digits with separators. Without the "+" a
# long run of digits is more often a date (2024.03.15), a span of years (2023 - 2024) or an
# amount (12 500 000 төгрөг) than a phone number, and those must stay readable.
_PHONE = re.compile(
    r"(?<!\d)(?:\+?976[\s.-]?)?[5-9]\d{3}[\s.-]?\d{4}(?!\d)"
    r"|(?<![\w+])(?P<international>\+\d[\d\s().-]{7,18}\d)(?!\d)"
)


def _mask_phone(match: re.Match) -> str:
    international = match.group("international")
    if international and not 9 <= sum(ch.isdigit() for ch in international) <= 15:
        return match.group()
    return MASK


def mask_personal_data(text: str) -> str:
    if not text:
        return ""
    text = _EMAIL.sub(MASK, text)
    text = _REGISTRY.sub(MASK, text)
    return _PHONE.sub(_mask_phone, text)
