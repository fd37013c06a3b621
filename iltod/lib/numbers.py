"""Whole numbers typed into a URL or a form field by a person or a crawler.

``str.isdigit`` is true for "²" and "٣", which ``int`` refuses or reads as another number, and a
hundred digits overflow a database id. Every query parameter or posted value that names an id, a
year or a version goes through :func:`whole_number`, which answers None for anything that is not a
plain ASCII number of a sensible length.
"""

BIGINT_DIGITS = 18  # fits a PostgreSQL bigint (and SQLite's integer)


def whole_number(text, max_digits: int = BIGINT_DIGITS) -> int | None:
    """``text`` as a non-negative int, or None if it is not 1 to ``max_digits`` ASCII digits."""
    text = str(text if text is not None else "").strip()
    if not text or len(text) > max_digits or not (text.isascii() and text.isdigit()):
        return None
    return int(text)
