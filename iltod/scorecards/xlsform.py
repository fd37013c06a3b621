"""The XLSForm (KoBoToolbox / ODK Collect) for the scoring sessions of one cycle.

One submission is one group's score sheet. Field names are the contract with the import
(``fieldwork.py``): ``cycle`` (the cycle's public code, fixed in the form), ``group`` (the focus
group's code, chosen from the groups registered for the cycle), and per indicator ``i<number>``
(the score) and ``i<number>_reason``. The languages, the writing of the sheets and the check by
pyxform are ``iltod.lib.xlsform``'s, as for the feedback form.
"""

from dataclasses import dataclass, field

from django.utils import timezone, translation

from iltod.lib.xlsform import DEFAULT_LANGUAGE, XLSFormError, columns, convert, workbook
from iltod.lib.xlsform import labels as _both

from .models import FACES, Scale, ScorecardCycle

__all__ = ["XLSFormError", "build_workbook", "form_id", "generate_xlsform"]

SURVEY_HEADER = [
    "type",
    "name",
    *columns("label"),
    *columns("hint"),
    "required",
    "appearance",
    "constraint",
    *columns("constraint_message"),
    "calculation",
]
CHOICES_HEADER = ["list_name", "name", *columns("label")]


@dataclass
class GeneratedForm:
    content: bytes
    version: str
    form_id: str
    warnings: list[str] = field(default_factory=list)


def form_id(cycle: ScorecardCycle) -> str:
    return f"iltod_scorecard_{cycle.code.lower()}"


def _row(type_, name, label=("", ""), hint=("", ""), *, required="", appearance="", constraint="", message=("", ""),
         calculation=""):  # fmt: skip
    return [type_, name, *label, *hint, required, appearance, constraint, *message, calculation]


def build_workbook(cycle: ScorecardCycle, version: str | None = None) -> tuple[bytes, str]:
    version = version or timezone.localtime().strftime("%Y%m%d%H%M")
    low, high = cycle.bounds
    facility = cycle.service_unit
    survey = [
        _row("start", "start"),
        _row("end", "end"),
        _row("calculate", "cycle", calculation=f"'{cycle.code}'"),
        _row(
            "note",
            "intro",
            _both(
                f"{facility.name_mn or facility.name}: {cycle.title}",
                f"{facility.name_en or facility.name}: {cycle.title}",
            ),
        ),
        _row("select_one group", "group", _both("Фокус бүлэг", "Focus group"), required="yes"),
    ]
    for indicator in cycle.indicators.order_by("number"):
        label = _both(f"{indicator.number}. {indicator.text_mn}", f"{indicator.number}. {indicator.text_en}")
        if cycle.scale == Scale.FIVE:
            survey.append(_row("select_one score", indicator.field_name, label, appearance="horizontal"))
        else:
            survey.append(
                _row(
                    "integer",
                    indicator.field_name,
                    label,
                    _both("0-ээс 100 хүртэл", "From 0 to 100"),
                    constraint=f". >= {low} and . <= {high}",
                    message=_both("0-ээс 100 хүртэлх тоо оруулна уу.", "Enter a number from 0 to 100."),
                )
            )
        survey.append(
            _row(
                "text",
                f"{indicator.field_name}_reason",
                _both("Яагаад ийм оноо өгсөн бэ?", "Why this score?"),
                appearance="multiline",
            )
        )
    choices = []
    for group in cycle.groups.order_by("pk"):
        with translation.override("mn"):
            label_mn = group.label
        with translation.override("en"):
            label_en = group.label
        choices.append(["group", group.code, label_mn, label_en])
    if cycle.scale == Scale.FIVE:
        for value in range(low, high + 1):
            choices.append(["score", str(value), f"{FACES[value]} {value}", f"{FACES[value]} {value}"])
    settings_rows = [
        ["form_title", "form_id", "version", "default_language"],
        [f"Iltod — {cycle.title}", form_id(cycle), version, DEFAULT_LANGUAGE],
    ]
    content = workbook(
        (
            ("survey", SURVEY_HEADER, survey),
            ("choices", CHOICES_HEADER, choices),
            ("settings", None, settings_rows),
        )
    )
    return content, version


def generate_xlsform(cycle: ScorecardCycle, version: str | None = None) -> GeneratedForm:
    """The cycle's form, converted by pyxform (raises XLSFormError with pyxform's message).
    The cycle needs at least one focus group and one indicator."""
    content, version = build_workbook(cycle, version)
    result = convert(content)
    return GeneratedForm(content=content, version=version, form_id=form_id(cycle), warnings=list(result.warnings))
