"""The open data page (/disclosure/open-data/) and the downloads of every registered dataset as
CSV, XLSX and JSON; and the datasets of obligations and compliance, registered at start-up.

CSV and JSON are streamed row by row, so a dataset of a million rows never sits in memory. An
XLSX sheet holds at most ``XLSX_MAX_ROWS`` rows: a larger dataset is cut there, and the page
says to take the CSV.
"""

import csv
import io
import json
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import Max
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from iltod.lib.tabular import _csv_value, tabular_response

from ..opendata import datasets, get_dataset, register_dataset

FORMATS = ("csv", "xlsx", "json")
XLSX_MAX_ROWS = 1_000_000
LICENCE = getattr(settings, "OPEN_DATA_LICENCE", "CC BY 4.0")
LICENCE_URL = getattr(settings, "OPEN_DATA_LICENCE_URL", "https://creativecommons.org/licenses/by/4.0/")


def open_data(request):
    rows = []
    for dataset in datasets():
        moment = dataset.date()
        if isinstance(moment, datetime):
            moment = timezone.localtime(moment).date()
        rows.append((dataset, moment))
    return render(
        request,
        "disclosure/opendata/index.html",
        {"datasets": rows, "formats": FORMATS, "licence": LICENCE, "licence_url": LICENCE_URL},
    )


def _json_value(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, (int, float, bool)):
        return value
    return str(value)


def _stream_csv(header, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_value(value) for value in row])
        if buffer.tell() > 65536:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _stream_json(dataset, header, rows, moment):
    meta = {"dataset": dataset.code, "title": str(dataset.label), "licence": LICENCE, "date": _json_value(moment)}
    yield json.dumps(meta, ensure_ascii=False)[:-1] + ', "rows": ['
    first = True
    for row in rows:
        item = json.dumps(dict(zip(header, (_json_value(v) for v in row), strict=False)), ensure_ascii=False)
        yield item if first else "," + item
        first = False
    yield "]}"


def download(request, code, fmt):
    dataset = get_dataset(code)
    if dataset is None or fmt not in FORMATS:
        raise Http404
    header = dataset.columns()
    filename = f"iltod-{dataset.code}"
    if fmt == "xlsx":

        def capped():
            for index, row in enumerate(dataset.rows()):
                if index >= XLSX_MAX_ROWS:
                    return
                yield row

        return tabular_response(filename, header, capped(), "xlsx")
    if fmt == "csv":
        response = StreamingHttpResponse(_stream_csv(header, dataset.rows()), content_type="text/csv; charset=utf-8")
    else:
        response = StreamingHttpResponse(
            _stream_json(dataset, header, dataset.rows(), dataset.date()), content_type="application/json"
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


# --- the datasets of obligations and compliance


def _requirement_header():
    return [
        _("Code"), _("Title"), _("Frequency"), _("Deadline (days)"), _("Counted in"), _("Form"),
        _("Dataset"), _("Legal basis"), _("Types of body"), _("Example"), _("First period starts on"),
    ]  # fmt: skip


def _requirement_rows():
    from ..models import DisclosureRequirement

    for r in DisclosureRequirement.objects.active().order_by("code"):
        yield [
            r.code, r.title, r.get_frequency_display(), r.deadline_days, r.get_deadline_day_kind_display(),
            r.get_form_display(), r.dataset_code, r.legal_basis, "; ".join(r.get_organization_kinds_display()),
            r.is_example, r.starts_on,
        ]  # fmt: skip


def _requirement_date():
    from ..models import DisclosureRequirement

    return DisclosureRequirement.objects.aggregate(last=Max("created_at"))["last"]


def _disclosure_header():
    return [
        _("Code"), _("Requirement"), _("Body code"), _("Body"), _("Aimag or capital"), _("Period starts"),
        _("Period ends"), _("Due on"), _("Status"), _("Published"), _("Explanation"),
    ]  # fmt: skip


def _disclosure_rows():
    from ..models import Disclosure
    from ..permissions import public_disclosures

    labels = dict(Disclosure.Status.choices)
    rows = (
        public_disclosures()
        .order_by("pk")
        .values_list(
            "code", "requirement__code", "organization__code", "organization__name", "aimag__code",
            "period_start", "period_end", "due_on", "status", "published_at", "explanation",
        )
    )  # fmt: skip
    for values in rows.iterator(chunk_size=2000):
        row = list(values)
        row[8] = str(labels.get(row[8], row[8]))
        yield row


def _disclosure_date():
    from ..models import Disclosure

    return Disclosure.objects.aggregate(last=Max("published_at"))["last"] or timezone.localdate()


def _compliance_header():
    return [
        _("Body code"), _("Body"), _("Aimag or capital"), _("Sector"), _("Month of the deadline"),
        _("On time"), _("Late"), _("Missing"), _("Items due"), _("Not yet due"),
    ]  # fmt: skip


def _compliance_rows():
    from ..models import ComplianceSummary

    rows = (
        ComplianceSummary.objects.filter(organization__is_public=True, organization__is_active=True)
        .order_by("organization_id", "month")
        .values_list(
            "organization__code", "organization__name", "aimag__code", "sector__code", "month",
            "on_time", "late", "missing", "upcoming",
        )
    )  # fmt: skip
    for code, name, aimag, sector, month, on_time, late, missing, upcoming in rows.iterator(chunk_size=2000):
        yield [
            code,
            name,
            aimag,
            sector,
            month.strftime("%Y-%m"),
            on_time,
            late,
            missing,
            on_time + late + missing,
            upcoming,
        ]


def _feedback_area_header():
    from iltod.feedback import stats

    header, _rows = stats.export_table("areas", timezone.localdate().year)
    return [_("Year"), *header]


def _feedback_area_rows():
    from iltod.feedback import stats
    from iltod.feedback.models import Stat

    years = sorted(set(Stat.objects.filter(scope=Stat.Scope.NATIONAL).values_list("year", flat=True)))
    for year in years:
        _header, rows = stats.export_table("areas", year)
        for row in rows:
            yield [year, *row]


def register_obligation_datasets() -> None:
    register_dataset(
        "compliance",
        gettext_lazy("Compliance with disclosure requirements"),
        _compliance_rows,
        _compliance_header,
        _disclosure_date,
        gettext_lazy("Per body and month of the deadline: items published on time, late and missing."),
    )
    register_dataset(
        "disclosures",
        gettext_lazy("Disclosures due and published"),
        _disclosure_rows,
        _disclosure_header,
        _disclosure_date,
        gettext_lazy("Every item each body must publish, its deadline, status and explanation."),
    )
    register_dataset(
        "disclosure_requirements",
        gettext_lazy("Disclosure requirements"),
        _requirement_rows,
        _requirement_header,
        _requirement_date,
        gettext_lazy("What must be published, by which bodies, how often and by when."),
    )
    register_dataset(
        "feedback_areas",
        gettext_lazy("Feedback statistics by area"),
        _feedback_area_rows,
        _feedback_area_header,
        timezone.localdate,
        gettext_lazy("Feedback received, resolved and resolved on time, and ratings, per area and year."),
    )
