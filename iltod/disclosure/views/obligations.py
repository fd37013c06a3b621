"""Obligations and compliance pages: the requirements, public compliance (national, per aimag,
per sector, per body), each disclosure, and the publisher's pages.

Compliance is read from ``ComplianceSummary`` (counts per body and month, and per aimag, sector
and month), never from the disclosures themselves, so a page reads a few thousand rows at most.
"""

from dataclasses import dataclass, field
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import F, Q, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from iltod.lib.tabular import tabular_response
from iltod.organizations.models import Organization
from iltod.places.models import AdminUnit, Sector

from .. import permissions
from ..files import send_document
from ..forms.obligations import ComplianceFilterForm, EventForm, ExplainForm, PublishForm, ScheduleFilterForm
from ..models import ComplianceSummary, ComplianceYear, Disclosure, DisclosureRequirement, quarter_label
from ..services import obligations as services

PAGE_SIZE = 25
QUARTERS_SHOWN = 12


# --- figures


@dataclass
class Figures:
    """On time, late and missing items of one row of a compliance table; percentages from counts."""

    label: str = ""
    code: str = ""
    url: str = ""
    on_time: int = 0
    late: int = 0
    missing: int = 0
    upcoming: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def due(self) -> int:
        return self.on_time + self.late + self.missing

    def _percent(self, count: int) -> float | None:
        return round(count * 100 / self.due, 1) if self.due else None

    @property
    def on_time_percent(self) -> float | None:
        return self._percent(self.on_time)

    @property
    def late_percent(self) -> float | None:
        return self._percent(self.late)

    @property
    def missing_percent(self) -> float | None:
        return self._percent(self.missing)

    def add(self, row: dict) -> None:
        for name in ("on_time", "late", "missing", "upcoming"):
            setattr(self, name, getattr(self, name) + (row.get(name) or 0))


SUMS = {name: Sum(name) for name in ("on_time", "late", "missing", "upcoming")}


def _year(queryset, year: int):
    return queryset.filter(month__gte=date(year, 1, 1), month__lt=date(year + 1, 1, 1))


def totals(queryset) -> Figures:
    figures = Figures()
    figures.add(queryset.aggregate(**SUMS))
    return figures


def grouped(queryset, by: str) -> dict:
    result: dict = {}
    for row in queryset.values(by).annotate(**SUMS).order_by():
        result.setdefault(row[by], Figures()).add(row)
    return result


def by_quarter(queryset, today: date | None = None) -> list[Figures]:
    """The last ``QUARTERS_SHOWN`` quarters up to the current one, oldest first."""
    today = today or timezone.localdate()
    index = today.year * 4 + (today.month - 1) // 3
    first = index - QUARTERS_SHOWN + 1
    quarters = [
        Figures(label=quarter_label(i // 4, i % 4 + 1), code=f"{i // 4}-Q{i % 4 + 1}") for i in range(first, index + 1)
    ]
    start = date(first // 4, (first % 4) * 3 + 1, 1)
    for row in queryset.filter(month__gte=start).values("month").annotate(**SUMS).order_by():
        month = row["month"]
        position = month.year * 4 + (month.month - 1) // 3 - first
        if 0 <= position < len(quarters):
            quarters[position].add(row)
    return quarters


def ranked(rows: list[Figures]) -> list[Figures]:
    """Best first: the share on time, then the most items; rows without items due last."""
    return sorted(rows, key=lambda f: (f.on_time_percent is None, -(f.on_time_percent or 0), -f.due, f.label))


def _with_status_labels(page):
    """Each item's status label, translated once per page rather than once per item."""
    labels = {value: str(label) for value, label in Disclosure.Status.choices}
    for item in page.object_list:
        item.status_label = labels.get(item.status, item.status)
    return page


# --- the chart

CHART_WIDTH = 420
LABEL_WIDTH = 120
BAR = 14
GAP = 8


def stacked_chart(rows: list[Figures], title: str) -> SafeString:
    """One bar per row (a quarter), split into on time, late and missing, as shares of the items
    due; drawn on the server as SVG, the numbers are in the table next to it."""
    if not any(row.due for row in rows):
        return mark_safe("")
    series = [
        ("on_time", _("on time"), "s-on-time"),
        ("late", _("late"), "s-late"),
        ("missing", _("missing"), "s-missing"),
    ]
    legend = 24
    height = legend + len(rows) * (BAR + GAP)
    plot = CHART_WIDTH - LABEL_WIDTH - 40
    parts = [
        f'<svg class="chart" viewBox="0 0 {CHART_WIDTH} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    x = 0
    for _name, label, css in series:
        parts.append(f'<rect class="{css}" x="{x}" y="4" width="12" height="12" rx="2"/>')
        parts.append(f'<text x="{x + 16}" y="14" class="legend">{escape(label)}</text>')
        x += 28 + 7 * len(label)
    for index, row in enumerate(rows):
        y = legend + index * (BAR + GAP)
        parts.append(f'<text x="0" y="{y + 11}" class="label">{escape(row.label)}</text>')
        parts.append(f'<rect class="track" x="{LABEL_WIDTH}" y="{y}" width="{plot}" height="{BAR}"/>')
        left = LABEL_WIDTH
        for name, label, css in series:
            count = getattr(row, name)
            if not row.due or not count:
                continue
            width = count / row.due * plot
            parts.append(
                f'<rect class="{css}" x="{left:.1f}" y="{y}" width="{width:.1f}" height="{BAR}">'
                f"<title>{escape(row.label)}: {escape(label)} {count}</title></rect>"
            )
            left += width
        text = f"{row.on_time_percent:g}%" if row.on_time_percent is not None else "–"
        parts.append(f'<text x="{LABEL_WIDTH + plot + 4}" y="{y + 11}" class="value">{text}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


# --- exports

EXPORT_FORMATS = {"csv", "xlsx"}


def _export_header(scope_label) -> list:
    return [
        scope_label,
        _("Code"),
        _("Month of the deadline"),
        _("On time"),
        _("Late"),
        _("Missing"),
        _("Items due"),
        _("On time (%)"),
    ]


def _export_rows(queryset, by: str, names: dict):
    rows = queryset.values(by, "month").annotate(**SUMS).order_by(by, "month")
    for row in rows:
        figures = Figures()
        figures.add(row)
        name, code = names.get(row[by], ("", ""))
        yield [
            name,
            code,
            row["month"].strftime("%Y-%m"),
            figures.on_time,
            figures.late,
            figures.missing,
            figures.due,
            figures.on_time_percent,
        ]


def _export(request, filename: str, queryset, *, by: str, names: dict, scope_label):
    fmt = request.GET.get("export")
    return tabular_response(filename, _export_header(scope_label), _export_rows(queryset, by, names), fmt)


def _aimag_names() -> dict:
    units = AdminUnit.objects.filter(level__in=[AdminUnit.Level.AIMAG, AdminUnit.Level.CAPITAL]).only(
        "pk", "name", "code"
    )
    names = {u.pk: (u.name, u.code) for u in units}
    names[None] = (_("National bodies"), "")
    return names


def _sector_names() -> dict:
    names = {s.pk: (s.name, s.code) for s in Sector.objects.all()}
    names[None] = (_("No sector"), "")
    return names


# --- public pages


def requirement_list(request):
    requirements = DisclosureRequirement.objects.active().prefetch_related("sectors", "admin_units")
    return render(request, "disclosure/obligations/requirement_list.html", {"requirements": requirements})


def requirement_detail(request, code):
    requirements = DisclosureRequirement.objects.prefetch_related("sectors", "admin_units")
    if not request.user.is_staff:
        # a withdrawn requirement is no longer an obligation: only the back office opens it; the
        # items it scheduled stay on the bodies' schedules and their own pages
        requirements = requirements.active()
    requirement = get_object_or_404(requirements, code=code)
    return render(request, "disclosure/obligations/requirement_detail.html", {"requirement": requirement})


def compliance(request):
    """National compliance: per aimag (and national bodies), per sector, over time."""
    form = ComplianceFilterForm(request.GET or None)
    year = form.chosen_year()
    areas = ComplianceSummary.objects.filter(organization__isnull=True)
    in_year = _year(areas, year)
    if request.GET.get("export") in EXPORT_FORMATS:
        label = _("Aimag or capital")
        return _export(request, f"compliance-{year}", in_year, by="aimag_id", names=_aimag_names(), scope_label=label)
    aimag_names = _aimag_names()
    per_aimag = []
    for aimag_id, figures in grouped(in_year, "aimag_id").items():
        figures.label, figures.code = aimag_names.get(aimag_id, ("", ""))
        if figures.code:
            figures.url = reverse("disclosure:compliance_area", args=[figures.code])
        per_aimag.append(figures)
    sector_names = _sector_names()
    per_sector = []
    for sector_id, figures in grouped(in_year, "sector_id").items():
        figures.label, figures.code = sector_names.get(sector_id, ("", ""))
        if figures.code:
            figures.url = reverse("disclosure:compliance_sector", args=[figures.code])
        per_sector.append(figures)
    quarters = by_quarter(areas)
    return render(
        request,
        "disclosure/obligations/compliance.html",
        {
            "form": form,
            "year": year,
            "total": totals(in_year),
            "per_aimag": ranked(per_aimag),
            "per_sector": ranked(per_sector),
            "quarters": quarters,
            "chart": stacked_chart(quarters, _("Disclosures on time, late and missing by quarter")),
        },
    )


YEAR_FIELDS = ("on_time", "late", "missing", "upcoming")


def _body_figures(row: ComplianceYear) -> Figures:
    organization = row.organization
    return Figures(
        label=organization.name,
        code=organization.code,
        url=reverse("disclosure:compliance_body", args=[organization.code]),
        **{name: getattr(row, name) for name in YEAR_FIELDS},
    )


def compliance_area(request, code):
    """An aimag (or the capital): its bodies ranked, its sectors, over time."""
    unit = get_object_or_404(
        AdminUnit.objects.only("pk", "name", "code", "level"),
        code=code,
        level__in=[AdminUnit.Level.AIMAG, AdminUnit.Level.CAPITAL],
    )
    form = ComplianceFilterForm(request.GET or None)
    year = form.chosen_year()
    if request.GET.get("export") in EXPORT_FORMATS:
        bodies_rows = _year(ComplianceSummary.objects.filter(aimag=unit, organization__isnull=False), year)
        names = {
            o.pk: (o.name, o.code)
            for o in Organization.objects.public()
            .filter(pk__in=bodies_rows.values("organization_id"))
            .only("pk", "name", "code")
        }
        return _export(
            request,
            f"compliance-{unit.code}-{year}",
            bodies_rows.filter(organization_id__in=names),
            by="organization_id",
            names=names,
            scope_label=_("Body"),
        )
    # The bodies ranked by the database from their yearly rows (as ``ranked`` orders them): the
    # page reads 25 of an aimag's thousand bodies, not all their months.
    bodies = (
        ComplianceYear.objects.filter(aimag=unit, year=year, organization__is_active=True, organization__is_public=True)
        .select_related("organization")
        .only(
            *YEAR_FIELDS, "organization__code", "organization__name", "organization__name_mn", "organization__name_en"
        )
        .order_by(F("on_time_share").desc(nulls_last=True), "-due", "organization__name", "pk")
    )
    page = Paginator(bodies, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = [_body_figures(row) for row in page.object_list]
    areas = ComplianceSummary.objects.filter(organization__isnull=True, aimag=unit)
    sector_names = _sector_names()
    per_sector = []
    for sector_id, figures in grouped(_year(areas, year), "sector_id").items():
        figures.label, figures.code = sector_names.get(sector_id, ("", ""))
        per_sector.append(figures)
    quarters = by_quarter(areas)
    return render(
        request,
        "disclosure/obligations/compliance_area.html",
        {
            "unit": unit,
            "form": form,
            "year": year,
            "total": totals(_year(areas, year)),
            "page": page,
            "query": f"year={year}",
            "per_sector": ranked(per_sector),
            "quarters": quarters,
            "chart": stacked_chart(quarters, _("Disclosures on time, late and missing by quarter")),
        },
    )


def compliance_sector(request, code):
    sector = get_object_or_404(Sector, code=code)
    form = ComplianceFilterForm(request.GET or None)
    year = form.chosen_year()
    areas = ComplianceSummary.objects.filter(organization__isnull=True, sector=sector)
    in_year = _year(areas, year)
    aimag_names = _aimag_names()
    if request.GET.get("export") in EXPORT_FORMATS:
        label = _("Aimag or capital")
        filename = f"compliance-{sector.code}-{year}"
        return _export(request, filename, in_year, by="aimag_id", names=aimag_names, scope_label=label)
    per_aimag = []
    for aimag_id, figures in grouped(in_year, "aimag_id").items():
        figures.label, figures.code = aimag_names.get(aimag_id, ("", ""))
        if figures.code:
            figures.url = reverse("disclosure:compliance_area", args=[figures.code])
        per_aimag.append(figures)
    quarters = by_quarter(areas)
    return render(
        request,
        "disclosure/obligations/compliance_sector.html",
        {
            "sector": sector,
            "form": form,
            "year": year,
            "total": totals(in_year),
            "per_aimag": ranked(per_aimag),
            "quarters": quarters,
            "chart": stacked_chart(quarters, _("Disclosures on time, late and missing by quarter")),
        },
    )


def compliance_body(request, code):
    """One body: its compliance over time and its schedule, item by item."""
    organization = get_object_or_404(Organization.objects.public().select_related("home_unit"), code=code)
    rows = ComplianceSummary.objects.filter(organization=organization)
    if request.GET.get("export") in EXPORT_FORMATS:
        names = {organization.pk: (organization.name, organization.code)}
        return _export(
            request, f"compliance-{organization.code}", rows, by="organization_id", names=names, scope_label=_("Body")
        )
    form = ScheduleFilterForm(request.GET or None)
    schedule = form.apply(
        permissions.public_disclosures().filter(organization=organization).select_related("requirement")
    ).order_by("-due_on", "requirement__code", "pk")
    page = _with_status_labels(Paginator(schedule, PAGE_SIZE).get_page(request.GET.get("page")))
    quarters = by_quarter(rows)
    query = "&".join(f"{k}={escape(v)}" for k, v in request.GET.items() if k in {"status", "year"} and v)
    return render(
        request,
        "disclosure/obligations/compliance_body.html",
        {
            "organization": organization,
            "form": form,
            "total": totals(rows.filter(month__gte=date(timezone.localdate().year, 1, 1))),
            "page": page,
            "query": query,
            "quarters": quarters,
            "chart": stacked_chart(quarters, _("Disclosures on time, late and missing by quarter")),
            "can_publish": permissions.can_publish_for(request.user, organization.pk),
        },
    )


def disclosure_detail(request, code):
    disclosure = permissions.get_public_disclosure(code)
    dataset = None
    if disclosure.dataset_code:
        from ..opendata import get_dataset

        dataset = get_dataset(disclosure.dataset_code)
    return render(
        request,
        "disclosure/obligations/disclosure_detail.html",
        {
            "disclosure": disclosure,
            "dataset": dataset,
            "can_publish": permissions.can_publish_for(request.user, disclosure.organization_id),
        },
    )


def disclosure_document(request, code):
    """The document, behind the same guard as its file route (``disclosure.files``)."""
    disclosure = get_object_or_404(Disclosure.objects.select_related("requirement", "organization"), code=code)
    return send_document(request, disclosure)


# --- the publisher's pages

NEEDS_ACTION = "action"


@login_required
def publisher(request):
    """The items of the bodies the person publishes for: what is due or missing first."""
    if not permissions.is_publisher(request.user):
        raise Http404
    form = ScheduleFilterForm(request.GET or None)
    disclosures = permissions.publisher_disclosures(request.user).select_related("requirement", "organization")
    if not request.GET.get("status") and not request.GET.get("year"):
        disclosures = disclosures.filter(
            Q(status__in=[Disclosure.Status.DUE, Disclosure.Status.MISSING])
            | Q(status=Disclosure.Status.LATE, explanation="")
        ).order_by("due_on", "pk")
        showing_action = True
    else:
        disclosures = form.apply(disclosures).order_by("-due_on", "pk")
        showing_action = False
    page = _with_status_labels(Paginator(disclosures, PAGE_SIZE).get_page(request.GET.get("page")))
    query = "&".join(f"{k}={escape(v)}" for k, v in request.GET.items() if k in {"status", "year"} and v)
    return render(
        request,
        "disclosure/obligations/publisher.html",
        {"form": form, "page": page, "query": query, "showing_action": showing_action, "today": timezone.localdate()},
    )


@login_required
def publish(request, code):
    disclosure = permissions.get_disclosure_for_publisher(request.user, code)
    publish_form = PublishForm(disclosure=disclosure)
    explain_form = ExplainForm(initial={"explanation": disclosure.explanation})
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "publish":
            publish_form = PublishForm(request.POST, request.FILES, disclosure=disclosure)
            if publish_form.is_valid():
                data = publish_form.cleaned_data
                try:
                    disclosure = services.publish(
                        disclosure,
                        actor=request.user,
                        document=data["document"],
                        dataset_code=data["dataset_code"],
                        dataset_period=data["dataset_period"],
                        note=data["note"],
                    )
                except ValidationError as error:
                    publish_form.add_error(None, error)
                else:
                    if disclosure.status == Disclosure.Status.LATE and not disclosure.explanation:
                        messages.warning(request, _("Published late. Please explain the delay below: it is public."))
                    else:
                        messages.success(request, _("Published."))
                    return redirect(disclosure.get_publish_url())
        elif action == "explain":
            explain_form = ExplainForm(request.POST)
            if explain_form.is_valid():
                try:
                    services.explain(disclosure, actor=request.user, text=explain_form.cleaned_data["explanation"])
                except ValidationError as error:
                    explain_form.add_error(None, error)
                else:
                    messages.success(request, _("The explanation is published."))
                    return redirect(disclosure.get_publish_url())
        else:
            raise Http404
    return render(
        request,
        "disclosure/obligations/publish.html",
        {"disclosure": disclosure, "publish_form": publish_form, "explain_form": explain_form},
    )


@login_required
def record_event(request):
    ids = permissions.publisher_organization_ids(request.user)
    if ids is not None and not ids:
        raise Http404
    organizations = Organization.objects.filter(is_active=True)
    if ids is not None:
        organizations = organizations.filter(pk__in=ids)
    form = EventForm(request.POST or None, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not permissions.can_publish_for(request.user, data["organization"].pk):
            raise Http404
        try:
            disclosure = services.record_event(
                data["requirement"],
                data["organization"],
                actor=request.user,
                event_date=data["event_date"],
                description=data["description"],
                amount=data["amount"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The event is recorded. Publish its disclosure before the deadline."))
            return redirect(disclosure.get_publish_url())
    return render(request, "disclosure/obligations/record_event.html", {"form": form})


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- the panel on an aimag's page


def admin_unit_panel(request, unit) -> str:
    if unit.level not in {AdminUnit.Level.AIMAG, AdminUnit.Level.CAPITAL}:
        return ""
    year = timezone.localdate().year
    figures = totals(_year(ComplianceSummary.objects.filter(organization__isnull=True, aimag=unit), year))
    if not figures.due:
        return ""
    return render_to_string(
        "disclosure/obligations/panel_admin_unit.html", {"unit": unit, "total": figures, "year": year}, request=request
    )
