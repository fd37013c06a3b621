"""Budgets and transfers: the public lists with their exports, the imports for publishers, and the
sections of the facility and aimag pages that show where money stopped."""

from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, DateField, DurationField, ExpressionWrapper, F, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from iltod.lib.tabular import TabularError, read_rows, tabular_response

from .. import permissions
from ..forms.budgets import BUDGET_COLUMNS, TRANSFER_COLUMNS, BudgetFilterForm, FiscalDataPackageForm, ImportForm
from ..models import BudgetLine, Transfer
from ..services import budgets as services
from . import budget_charts as charts

PER_PAGE = 25
TRANSFER_RELATED = ("from_organization", "to_organization", "to_service_unit", "admin_unit")
TRANSFER_DEFERRED = ("admin_unit__boundary",)  # pages never draw the unit's shape from a transfer


def _export_format(request) -> str | None:
    fmt = request.GET.get("format")
    return fmt if fmt in {"csv", "xlsx"} else None


def _filtered_lines(request):
    form = BudgetFilterForm(request.GET or None)
    lines = BudgetLine.objects.select_related("organization", "service_unit")
    if form.is_valid():
        if form.cleaned_data["year"]:
            lines = lines.filter(fiscal_year=form.cleaned_data["year"])
        if form.cleaned_data["body"]:
            lines = lines.filter(organization__code=form.cleaned_data["body"].strip().upper())
    return form, lines.order_by("-fiscal_year", "organization__name", "code")


def budget_list(request):
    form, lines = _filtered_lines(request)
    fmt = _export_format(request)
    if fmt:
        return tabular_response("budget-lines", BUDGET_COLUMNS, services.budget_export_rows(lines), fmt)
    totals = lines.aggregate(approved=Sum("approved"), adjusted=Sum("adjusted"), executed=Sum("executed"))
    page = Paginator(lines, PER_PAGE).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in request.GET.items() if k != "page" and v})
    return render(
        request,
        "disclosure/budgets/list.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "totals": totals,
            "can_publish": permissions.budget_body_ids(request.user) != [],
        },
    )


def _filtered_transfers(request):
    form = BudgetFilterForm(request.GET or None)
    transfers = Transfer.objects.select_related(*TRANSFER_RELATED).defer(*TRANSFER_DEFERRED)
    if form.is_valid():
        if form.cleaned_data["year"]:
            transfers = transfers.filter(fiscal_year=form.cleaned_data["year"])
        if form.cleaned_data["body"]:
            transfers = transfers.filter(from_organization__code=form.cleaned_data["body"].strip().upper())
    return form, transfers.order_by("-fiscal_year", "from_organization__name", "code")


def transfer_list(request):
    form, transfers = _filtered_transfers(request)
    fmt = _export_format(request)
    if fmt:
        return tabular_response("transfers", TRANSFER_COLUMNS, services.transfer_export_rows(transfers), fmt)
    page = Paginator(transfers, PER_PAGE).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in request.GET.items() if k != "page" and v})
    return render(
        request,
        "disclosure/budgets/transfers.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "can_publish": permissions.budget_body_ids(request.user) != [],
        },
    )


def _require_publisher(user) -> None:
    if permissions.budget_body_ids(user) == []:
        raise Http404


def _run_import(request, importer, template: str, title: str, columns: list[str]):
    _require_publisher(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            rows = read_rows(form.cleaned_data["file"])
        except TabularError as exc:
            form.add_error("file", str(exc))
        else:
            report = importer(
                rows, actor=request.user, dry_run=form.cleaned_data["dry_run"], source=form.cleaned_data["file"].name
            )
            if report.ok and not report.dry_run:
                messages.success(
                    request,
                    _("%(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
                    % {"created": report.created, "updated": report.updated, "unchanged": report.unchanged},
                )
                return redirect(request.path)
    status = 400 if request.method == "POST" and (not form.is_valid() or (report and not report.ok)) else 200
    return render(
        request,
        template,
        {"form": form, "report": report, "title": title, "columns": columns},
        status=status,
    )


@login_required
def budget_import(request):
    return _run_import(
        request,
        services.import_budget_lines,
        "disclosure/budgets/import.html",
        _("Import budget lines"),
        BUDGET_COLUMNS,
    )


@login_required
def transfer_import(request):
    return _run_import(
        request, services.import_transfers, "disclosure/budgets/import.html", _("Import transfers"), TRANSFER_COLUMNS
    )


@login_required
def budget_package_import(request):
    _require_publisher(request.user)
    form = FiscalDataPackageForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = services.import_fiscal_data_package(
            upload.read(), actor=request.user, dry_run=form.cleaned_data["dry_run"], source=upload.name
        )
        report = result.report
        if not result.package_errors and report.ok and not report.dry_run:
            messages.success(
                request,
                _("%(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
                % {"created": report.created, "updated": report.updated, "unchanged": report.unchanged},
            )
            return redirect(request.path)
    failed = result is not None and (result.package_errors or not result.report.ok)
    status = 400 if request.method == "POST" and (not form.is_valid() or failed) else 200
    return render(
        request,
        "disclosure/budgets/package.html",
        {"form": form, "result": result, "report": result.report if result else None},
        status=status,
    )


# ---------------------------------------------------------------------------------------------
# Panels: where money stopped.


def facility_panel(request, facility):
    """Section of the facility page: the latest year's transfers into the facility, each with the
    chain that brought the money, and the facility's budget lines of that year."""
    steps = list(
        Transfer.objects.select_related(*TRANSFER_RELATED)
        .defer(*TRANSFER_DEFERRED)
        .filter(to_service_unit=facility)
        .order_by("-fiscal_year", "code")[:5]
    )
    if not steps:
        lines = list(BudgetLine.objects.filter(service_unit=facility).order_by("-fiscal_year", "code")[:10])
        if not lines:
            return ""
        return render_to_string(
            "disclosure/budgets/panel_facility.html", {"lines": lines, "chains": []}, request=request
        )
    year = steps[0].fiscal_year
    chains = []
    for step in steps:
        if step.fiscal_year != year:
            continue
        annotated = services.annotate_chain(services.chain_to(step))
        chains.append({"steps": annotated, "chart": charts.chain_chart(annotated), "last": step})
    lines = list(BudgetLine.objects.filter(service_unit=facility, fiscal_year=year).order_by("code")[:10])
    return render_to_string(
        "disclosure/budgets/panel_facility.html",
        {"chains": chains, "lines": lines, "year": year, "facility": facility, "dispute_url": _dispute_url(facility)},
        request=request,
    )


# The facility data indicator for the budget a facility received: citizens dispute the published
# figure there (a dispute beyond its tolerance becomes a feedback item for the publisher).
RECEIVED_INDICATOR = "budget_received"


def _dispute_url(facility) -> str:
    """Where a citizen says the money received is wrong: the facility's data page when the facility
    publishes the "budget received" figure, else the feedback form for the facility."""
    from ..models import FacilityIndicator, FacilityValue

    indicator = FacilityIndicator.objects.filter(code=RECEIVED_INDICATOR, is_active=True).first()
    if indicator is not None and FacilityValue.objects.filter(facility=facility, indicator=indicator).exists():
        return reverse("disclosure:facility_data", args=[facility.code])
    return reverse("feedback:submit") + "?" + urlencode({"facility": facility.code})


def admin_unit_panel(request, unit):
    """Section of an aimag or soum page: the latest year's transfer steps into the area, the money
    lost at each step and the steps with the largest loss first."""
    if unit.level == "country":
        return ""
    steps = Transfer.objects.in_area(unit)
    latest = steps.order_by("-fiscal_year").values_list("fiscal_year", flat=True).first()
    if latest is None:
        return ""
    year_steps = steps.filter(fiscal_year=latest)
    # Totals and the count over every step of the year, in SQL; the tables are the top ten by loss
    # and by delay, ordered by the database, so the panel is right however many steps there are.
    sums = year_steps.aggregate(
        steps=Count("pk"),
        allocated_total=Coalesce(Sum("allocated"), Decimal(0)),
        received_total=Coalesce(Sum("received"), Decimal(0)),
        not_received=Count("pk", filter=Q(received__isnull=True)),
    )
    totals = {"allocated": sums["allocated_total"], "received": sums["received_total"], "pending": sums["not_received"]}
    shown = year_steps.select_related(*TRANSFER_RELATED).defer(*TRANSFER_DEFERRED)
    leaking = list(
        shown.filter(received__isnull=False)
        .annotate(loss=F("allocated") - F("received"))
        .filter(loss__gt=0)
        .order_by("-loss", "code")[:10]
    )
    today = timezone.localdate()
    late = list(
        shown.filter(expected_on__isnull=False)
        .filter(Q(received_on__gt=F("expected_on")) | Q(received_on__isnull=True, expected_on__lt=today))
        .annotate(
            delay=ExpressionWrapper(
                Coalesce("received_on", Value(today, output_field=DateField())) - F("expected_on"),
                output_field=DurationField(),
            )
        )
        .order_by("-delay", "code")[:10]
    )
    return render_to_string(
        "disclosure/budgets/panel_area.html",
        {
            "unit": unit,
            "year": latest,
            "count": sums["steps"],
            "totals": totals,
            "leaking": leaking,
            "late": late,
            "chart": charts.leakage_chart(leaking),
        },
        request=request,
    )


# ---------------------------------------------------------------------------------------------
# Open data: budgets, transfers and Local Development Fund projects, in the import's columns.


def _latest(model):
    def date():
        value = model.objects.order_by("-updated_at").values_list("updated_at", flat=True).first()
        return value.date() if value else None

    return date


def register_datasets() -> None:
    from ..forms.projects import PROJECT_COLUMNS
    from ..models import LdfProject
    from ..opendata import register_dataset
    from ..services import projects as project_services

    register_dataset(
        "budget_lines",
        _lazy("Budget lines"),
        lambda: services.budget_export_rows(BudgetLine.objects.order_by("-fiscal_year", "organization_id", "code")),
        BUDGET_COLUMNS,
        _latest(BudgetLine),
        _lazy("Approved, adjusted and executed budgets of bodies and facilities, by classification (MNT)."),
    )
    register_dataset(
        "transfers",
        _lazy("Transfers"),
        lambda: services.transfer_export_rows(
            Transfer.objects.order_by("-fiscal_year", "from_organization_id", "code")
        ),
        TRANSFER_COLUMNS,
        _latest(Transfer),
        _lazy("Each step of money from ministries to aimags, districts and facilities: allocated, released, received."),
    )
    register_dataset(
        "ldf_projects",
        _lazy("Local Development Fund projects"),
        lambda: project_services.project_export_rows(LdfProject.objects.order_by("-fiscal_year", "external_id")),
        PROJECT_COLUMNS,
        _latest(LdfProject),
        _lazy("Projects of the soums' and districts' Local Development Funds: money, contractor, status and progress."),
    )
