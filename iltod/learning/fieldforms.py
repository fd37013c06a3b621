"""The XLSForm (KoBoToolbox / ODK Collect) of an assessment round, and reading what KoBo posts back.

One submission is one person's assessment. Field names are the contract between the two:
``round`` (the round's public code, fixed in the form), ``organization`` (an invited organisation's
public code), ``full_name``, ``role``, and per competency ``c<code>`` (the current level) and
``c<code>_importance``, where ``<code>`` is the competency's code with dots as underscores
(4.2 → ``c4_2``). The languages, the sheets and pyxform's check are ``iltod.lib.xlsform``'s."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from iltod.lib import kobo
from iltod.lib.xlsform import DEFAULT_LANGUAGE, columns, convert, translated, workbook
from iltod.lib.xlsform import labels as both
from iltod.organizations.models import Organization

from .models import Assessment, AssessmentRound, Importance, LearnerRole, ProficiencyLevel
from .services.assessments import competencies_of, submit_assessment

SURVEY_HEADER = ["type", "name", *columns("label"), "required", "appearance", "calculation"]
CHOICES_HEADER = ["list_name", "name", *columns("label")]


def field_name(competency) -> str:
    return "c" + competency.code.replace(".", "_").replace(" ", "")


def form_id(round_) -> str:
    return f"iltod_learning_{round_.code.lower()}"


def _row(type_, name, label=("", ""), *, required="", appearance="", calculation=""):
    return [type_, name, *label, required, appearance, calculation]


def build_workbook(round_: AssessmentRound, version: str | None = None) -> tuple[bytes, str]:
    version = version or timezone.localtime().strftime("%Y%m%d%H%M")
    survey = [
        _row("start", "start"),
        _row("end", "end"),
        _row("calculate", "round", calculation=f"'{round_.code}'"),
        _row("note", "intro", both(round_.name, round_.name)),
        _row("select_one organization", "organization", both("Байгууллага", "Organisation"), required="yes"),
        _row("text", "full_name", both("Таны нэр", "Your name"), required="yes"),
        _row("select_one role", "role", both("Таны үүрэг", "Your role"), required="yes"),
    ]
    for competency in competencies_of(round_):
        name = field_name(competency)
        label = both(f"{competency.code} {competency.name_mn}", f"{competency.code} {competency.name_en}")
        survey.append(_row("begin_group", f"g_{name}", label))
        survey.append(
            _row(
                "select_one level",
                name,
                both("Одоогийн түвшин", "Current level"),
                required="yes",
                appearance="horizontal",
            )
        )
        survey.append(
            _row(
                "select_one importance",
                f"{name}_importance",
                both("Ажилд тань хэр чухал вэ?", "Importance for your role"),
                required="yes",
                appearance="horizontal",
            )
        )
        survey.append(_row("end_group", f"g_{name}_end"))
    choices = [
        ["organization", o.code, o.name_mn or o.name, o.name_en or o.name]
        for o in round_.invited_organizations.order_by("name")
    ]
    choices += [["role", value, *translated(label)] for value, label in LearnerRole.choices]
    choices += [
        ["level", str(value), *[f"{value} {t}" for t in translated(label)]] for value, label in ProficiencyLevel.choices
    ]
    choices += [
        ["importance", str(value), *[f"{value} {t}" for t in translated(label)]] for value, label in Importance.choices
    ]
    settings_rows = [
        ["form_title", "form_id", "version", "default_language"],
        [f"Iltod — {round_.name}", form_id(round_), version, DEFAULT_LANGUAGE],
    ]
    content = workbook(
        (("survey", SURVEY_HEADER, survey), ("choices", CHOICES_HEADER, choices), ("settings", None, settings_rows))
    )
    return content, version


def generate_xlsform(round_: AssessmentRound) -> tuple[bytes, str]:
    """The round's form, checked by pyxform (raises XLSFormError with pyxform's message)."""
    content, version = build_workbook(round_)
    convert(content)
    return content, version


@dataclass
class Outcome:
    status: int
    assessment: Assessment | None = None
    errors: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "status": "ok" if self.status < 300 else "error",
            "assessment": self.assessment.pk if self.assessment else None,
            "errors": self.errors,
        }


def receive(payload: dict) -> Outcome:
    """Record one KoBo submission: 201 when new, 200 when seen before, 400 with the reasons."""
    answers = kobo.fields(payload)
    external_id = kobo.submission_id(payload)
    round_ = (
        AssessmentRound.objects.select_related("network", "framework")
        .filter(code=kobo.text(answers.get("round")))
        .first()
    )
    if round_ is None:
        return Outcome(400, errors=[_("The submission names no known assessment round.")])
    if not external_id:
        return Outcome(400, errors=[_("The submission has no identifier (_uuid).")])
    existing = Assessment.objects.filter(round=round_, external_id=external_id).first()
    if existing is not None:
        return Outcome(200, existing)
    organization = Organization.objects.filter(code=kobo.text(answers.get("organization"))).first()
    if organization is None:
        return Outcome(400, errors=[_("The submission names no known organisation.")])
    ratings = {}
    for competency in competencies_of(round_):
        name = field_name(competency)
        ratings[competency.pk] = (kobo.text(answers.get(name)), kobo.text(answers.get(f"{name}_importance")))
    try:
        assessment = submit_assessment(
            round_=round_,
            organization=organization,
            full_name=kobo.text(answers.get("full_name")),
            role=kobo.text(answers.get("role")),
            answers=ratings,
            source=Assessment.Source.KOBO,
            external_id=external_id,
        )
    except ValidationError as error:
        return Outcome(400, errors=list(error.messages))
    return Outcome(201, assessment)
