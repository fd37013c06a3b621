"""Phone numbers in E.164, with Mongolia (+976) as the default region."""

import phonenumbers

DEFAULT_REGION = "MN"


def normalize_phone(text: str, region: str = DEFAULT_REGION) -> str:
    """``9911 2233`` → ``+97699112233``; an invalid number gives ``""``."""
    if not text or not any(ch.isdigit() for ch in text):
        return ""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_valid_number(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
