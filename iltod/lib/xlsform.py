"""XLSForms (KoBoToolbox, ODK Collect) in Mongolian and English: the form languages, the bilingual
labels, writing the sheets as XLSX and the check by pyxform.

Domain-free: the feedback form and the score card forms build their own rows and hand them here.
"""

import io
from collections.abc import Iterable, Sequence

from django.utils import translation
from openpyxl import Workbook

# (Django language code, XLSForm language column suffix), Mongolian first.
LANGUAGES = (("mn", "Mongolian (mn)"), ("en", "English (en)"))
DEFAULT_LANGUAGE = "Mongolian (mn)"


class XLSFormError(Exception):
    """pyxform rejected the form; the message lists its errors."""


def columns(name: str) -> list[str]:
    """One column per language: ``label`` gives ``label::Mongolian (mn)``, ``label::English (en)``."""
    return [f"{name}::{lang}" for _code, lang in LANGUAGES]


def labels(mn: str, en: str) -> list[str]:
    """A label in both languages; a missing one is filled by the other."""
    return [mn or en, en or mn]


def translated(text) -> list[str]:
    """A translatable string (gettext_lazy) in every form language."""
    out = []
    for code, _lang in LANGUAGES:
        with translation.override(code):
            out.append(str(text))
    return out


def workbook(sheets: Iterable[tuple[str, Sequence[str] | None, Iterable[Sequence]]]) -> bytes:
    """The XLSX bytes of the sheets given as (title, header row or None, rows)."""
    book = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title)
        if header:
            sheet.append(list(header))
        for row in rows:
            sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def convert(content: bytes, *, validate: bool = False):
    """Convert XLSX bytes to an XForm with pyxform. ``validate=True`` also runs ODK Validate
    (bundled with pyxform; needs Java, works offline). Raises XLSFormError with pyxform's message."""
    from pyxform.errors import PyXFormError
    from pyxform.validators.odk_validate import ODKValidateError
    from pyxform.xls2xform import convert as pyxform_convert

    warnings: list[str] = []
    try:
        result = pyxform_convert(
            io.BytesIO(content), warnings=warnings, validate=validate, file_type=".xlsx", form_name="data"
        )
    except (PyXFormError, ODKValidateError, ValueError) as exc:
        raise XLSFormError(str(exc)) from exc
    return result
