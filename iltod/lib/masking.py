"""Masks for what identifies a person or opens a private page, in back-office lists.

``mask_recipient`` keeps enough of a phone number or an e-mail address to tell messages apart,
not to call or write to anyone; ``mask_secret_links`` hides the secret of a citizen's private
link (``?key=…``) that SMS and e-mail bodies carry.
"""

import re

SECRET_LINK = re.compile(r"([?&](?:key|citizen_key)=)[^&#\s]+", re.IGNORECASE)
HIDDEN = "•••"


def mask_recipient(value: str) -> str:
    """+97699112233 → +976••••••33; dorj@example.mn → d•••@example.mn."""
    value = value or ""
    if "@" in value:
        local, _at, domain = value.rpartition("@")
        return (local[:1] + HIDDEN if local else HIDDEN) + "@" + domain
    if len(value) <= 6:
        return "•" * len(value)
    return value[:4] + "•" * (len(value) - 6) + value[-2:]


def mask_secret_links(text: str) -> str:
    """``…/track/IL-26-4F7K2?key=ABCDEF`` → ``…/track/IL-26-4F7K2?key=•••``."""
    return SECRET_LINK.sub(lambda match: match.group(1) + HIDDEN, text or "")
