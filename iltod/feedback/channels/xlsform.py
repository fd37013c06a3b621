"""The XLSForm (KoBoToolbox / ODK) for feedback collected in the field, built from the platform's
own categories, places and facilities, and checked by pyxform before it is handed out.

The form's field names are the contract with the KoBo webhook (``kobo.py`` reads them):
``aimag``, ``soum``, ``facility``, ``kind``, ``category``, ``description``, ``privacy``, ``phone``,
``name``, ``location``, ``photo``. Choice names are the platform's public codes (admin unit code,
facility code, category code), so a submission refers to rows by code and survives renames.
"""

import logging
from dataclasses import dataclass, field

from django.utils import timezone

from iltod.lib.xlsform import DEFAULT_LANGUAGE, XLSFormError, columns, convert, labels, translated, workbook
from iltod.places.models import AdminUnit, ServiceUnit

from ..models import Category, Feedback, Kind

log = logging.getLogger("iltod.channels")

FORM_ID = "iltod_feedback"
# Every field a submission may carry; kobo.py reads these names.
FIELDS = (
    "aimag",
    "soum",
    "facility",
    "kind",
    "category",
    "description",
    "privacy",
    "phone",
    "name",
    "location",
    "photo",
)

SOUM_LEVELS = {AdminUnit.Level.SOUM, AdminUnit.Level.DISTRICT}
TOP_LEVELS = {AdminUnit.Level.AIMAG, AdminUnit.Level.CAPITAL}


@dataclass
class GeneratedForm:
    content: bytes
    version: str
    facility_count: int
    warnings: list[str] = field(default_factory=list)


SURVEY_HEADER = [
    "type",
    "name",
    *columns("label"),
    *columns("hint"),
    "required",
    "relevant",
    "choice_filter",
    "appearance",
    "constraint",
    *columns("constraint_message"),
    "calculation",
    "default",
    "parameters",
]
NOT_ANONYMOUS = "${privacy} != 'anonymous'"


def _survey_rows() -> list[list[str]]:
    def row(
        type_,
        name,
        label=("", ""),
        hint=("", ""),
        *,
        required="",
        relevant="",
        choice_filter="",
        appearance="",
        constraint="",
        message=("", ""),
        calculation="",
        default="",
        parameters="",
    ):
        return [
            type_,
            name,
            *label,
            *hint,
            required,
            relevant,
            choice_filter,
            appearance,
            constraint,
            *message,
            calculation,
            default,
            parameters,
        ]

    return [
        row("start", "start"),
        row("end", "end"),
        row(
            "select_one aimag",
            "aimag",
            ("Аймаг, нийслэл", "Aimag or the capital"),
            required="yes",
            appearance="minimal",
        ),
        row(
            "select_one soum",
            "soum",
            ("Сум, дүүрэг", "Soum or district"),
            required="yes",
            choice_filter="aimag=${aimag}",
            appearance="minimal",
        ),
        row(
            "select_one facility",
            "facility",
            ("Байгууллага (сургууль, цэцэрлэг, эмнэлэг…)", "Facility (school, kindergarten, clinic…)"),
            (
                "Тодорхой байгууллагын тухай биш бол хоосон орхино уу.",
                "Leave empty if the feedback is not about one facility.",
            ),
            choice_filter="soum=${soum} or (soum='' and aimag=${aimag})",
            appearance="autocomplete",
        ),
        # The sector of the chosen facility narrows the categories (empty without a facility).
        row("calculate", "facility_sector", calculation="instance('facility')/root/item[name=${facility}]/sector"),
        row("select_one kind", "kind", ("Төрөл", "Type"), required="yes"),
        row(
            "select_one category",
            "category",
            ("Юуны тухай вэ?", "What is it about?"),
            required="yes",
            choice_filter="${facility_sector}='' or sector=${facility_sector} or sector='other'",
        ),
        row(
            "text",
            "description",
            ("Юу болсныг бичнэ үү", "What happened?"),
            required="yes",
            appearance="multiline",
            constraint="string-length(.) <= 5000",
            message=("5000 тэмдэгтээс ихгүй.", "At most 5000 characters."),
        ),
        row("select_one privacy", "privacy", ("Нууцлал", "Privacy"), required="yes", default="name_hidden"),
        row(
            "text",
            "phone",
            ("Утас (заавал биш)", "Phone (optional)"),
            ("Хариуг SMS-ээр мэдэгдэнэ.", "Updates are sent by SMS."),
            relevant=NOT_ANONYMOUS,
            appearance="numbers",
            constraint=r"regex(., '^\+?[0-9 ]{8,16}$')",
            message=("Утасны дугаар буруу байна.", "Not a valid phone number."),
        ),
        row("text", "name", ("Нэр (заавал биш)", "Name (optional)"), relevant=NOT_ANONYMOUS),
        row("geopoint", "location", ("Байршил (заавал биш)", "Location (optional)")),
        row("image", "photo", ("Зураг (заавал биш)", "Photo (optional)"), parameters="max-pixels=1280"),
    ]


CHOICES_HEADER = ["list_name", "name", *columns("label"), "aimag", "soum", "sector"]


def _choice_rows() -> tuple[list[list[str]], int]:
    """Rows of the choices sheet, and how many facilities they list. A handful of queries in all."""
    rows: list[list[str]] = []

    def choice(list_name, name, labels, *, aimag="", soum="", sector=""):
        rows.append([list_name, name, *labels, aimag, soum, sector])

    for value in Kind.values:
        choice("kind", value, translated(Kind(value).label))
    for category in (
        Category.objects.filter(is_active=True).select_related("sector").order_by("sector__order", "order", "code")
    ):
        choice("category", category.code, labels(category.name_mn, category.name_en), sector=category.sector.code)
    for value in Feedback.Privacy.values:
        choice("privacy", value, translated(Feedback.Privacy(value).label))

    units = {
        unit["pk"]: unit
        for unit in AdminUnit.objects.current().values("pk", "code", "level", "parent_id", "name_mn", "name_en")
    }
    top = sorted(
        (u for u in units.values() if u["level"] in TOP_LEVELS),
        key=lambda u: (u["level"] != AdminUnit.Level.CAPITAL, u["name_mn"] or ""),
    )
    for unit in top:
        choice("aimag", unit["code"], labels(unit["name_mn"], unit["name_en"]))
    soums = sorted(
        (u for u in units.values() if u["level"] in SOUM_LEVELS and u["parent_id"] in units),
        key=lambda u: (units[u["parent_id"]]["code"], u["name_mn"] or ""),
    )
    for unit in soums:
        choice("soum", unit["code"], labels(unit["name_mn"], unit["name_en"]), aimag=units[unit["parent_id"]]["code"])

    def place_of(unit_id) -> tuple[str, str]:
        """(aimag code, soum code) of an admin unit: bags and khoroos count as their soum or district."""
        aimag = soum = ""
        seen = set()
        while unit_id in units and unit_id not in seen:
            seen.add(unit_id)
            unit = units[unit_id]
            if unit["level"] in SOUM_LEVELS and not soum:
                soum = unit["code"]
            if unit["level"] in TOP_LEVELS:
                aimag = unit["code"]
                break
            unit_id = unit["parent_id"]
        return aimag, soum

    facilities = (
        ServiceUnit.objects.active()
        .values_list("code", "name", "name_mn", "name_en", "admin_unit_id", "sector__code")
        .order_by("admin_unit_id", "name")
    )
    count = 0
    for code, name, name_mn, name_en, admin_unit_id, sector in facilities.iterator(chunk_size=2000):
        aimag, soum = place_of(admin_unit_id)
        if not aimag:
            continue  # a national facility outside every aimag cannot be reached through the cascade
        choice("facility", code, labels(name_mn or name, name_en or name), aimag=aimag, soum=soum, sector=sector)
        count += 1
    return rows, count


def _settings_rows(version: str) -> list[list[str]]:
    return [
        ["form_title", "form_id", "version", "default_language"],
        ["Iltod — санал, гомдол / feedback", FORM_ID, version, DEFAULT_LANGUAGE],
    ]


def build_workbook(version: str | None = None) -> tuple[bytes, int, str]:
    """The XLSForm as XLSX bytes, the number of facilities listed and the form version."""
    version = version or timezone.localtime().strftime("%Y%m%d%H%M")
    choices, count = _choice_rows()
    content = workbook(
        (
            ("survey", SURVEY_HEADER, _survey_rows()),
            ("choices", CHOICES_HEADER, choices),
            ("settings", None, _settings_rows(version)),
        )
    )
    return content, count, version


__all__ = ["XLSFormError", "build_workbook", "convert", "generate_xlsform"]


def generate_xlsform(version: str | None = None) -> GeneratedForm:
    """Build the form and check it with pyxform's conversion (ODK Validate is left to the tests:
    it starts a Java process and takes seconds)."""
    content, count, version = build_workbook(version)
    result = convert(content)
    if result.warnings:
        log.warning("XLSForm warnings: %s", "; ".join(result.warnings))
    return GeneratedForm(content=content, version=version, facility_count=count, warnings=list(result.warnings))
