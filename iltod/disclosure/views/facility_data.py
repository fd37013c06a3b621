"""Pages of facility data that citizens check: a facility's data with trends and medians, one
value with its history and checks (where citizens confirm or dispute it), the publishers' form,
upload, correction and download, the moderation of checks, validation campaigns with their
printable checklist and XLSForm, and the facility page's panel."""

from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.crypto import get_random_string
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited

from iltod.lib.tabular import TabularError, read_rows, tabular_response
from iltod.places.models import ServiceUnit

from ..forms.facility_data import CheckForm, CorrectionForm, UploadForm, ValuesForm
from ..models.facility_data import (
    CampaignAssignment,
    FacilityMedian,
    FacilityValue,
    ValidationCampaign,
    ValueCheck,
)
from ..permissions import can_moderate_checks, can_publish_values, moderated_facilities, publishable_facilities
from ..services import facility_data as services

PER_PAGE = 25
HISTORY_PER_PAGE = 50  # a value's checks and changes, a project's reports
EXPORT_LIMIT = 200_000
PROGRESS_TTL = 3600


def _facility(code: str) -> ServiceUnit:
    facility = (
        ServiceUnit.objects.select_related("admin_unit__parent", "sector", "operator")
        .defer("admin_unit__boundary", "admin_unit__parent__boundary")
        .filter(code=code.upper(), is_active=True)
        .first()
    )
    if facility is None:
        raise Http404
    return facility


def _public_value(code: str) -> FacilityValue:
    value = (
        FacilityValue.objects.select_related("indicator", "facility__admin_unit", "facility__sector", "publisher")
        .filter(code=code.upper(), facility__is_active=True)
        .first()
    )
    if value is None:
        raise Http404
    return value


# --- the trend chart ------------------------------------------------------------------------------

CHART_WIDTH, CHART_HEIGHT, PAD = 240, 60, 6


def trend_chart(points: list[tuple[str, Decimal]], title: str):
    """A small line chart of one indicator over the periods, drawn on the server (no script)."""
    if len(points) < 2:
        return ""
    values = [float(v) for _p, v in points]
    low, high = min(values), max(values)
    span = (high - low) or 1
    step = (CHART_WIDTH - 2 * PAD) / (len(points) - 1)
    coords = [
        (PAD + i * step, CHART_HEIGHT - PAD - (v - low) / span * (CHART_HEIGHT - 2 * PAD)) for i, v in enumerate(values)
    ]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    dots = "".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="#1d4ed8"/>' for x, y in coords)
    return mark_safe(  # noqa: S308 - numbers and an escaped title only
        f'<svg class="trend" viewBox="0 0 {CHART_WIDTH} {CHART_HEIGHT}" width="{CHART_WIDTH}" height="{CHART_HEIGHT}" '
        f'role="img" aria-label="{escape(title)}">'
        f'<polyline points="{line}" fill="none" stroke="#1d4ed8" stroke-width="2"/>{dots}</svg>'
    )


# --- public pages ---------------------------------------------------------------------------------


def _latest(facility, limit_periods: int = 8):
    """Per indicator: the latest value, its trend over the last periods and the medians to compare with."""
    values = list(
        FacilityValue.objects.filter(facility=facility)
        .select_related("indicator")
        .order_by("indicator__order", "indicator__code", "period_start", "period")
    )
    # Each value's status label and link made once here: a template's ``get_status_display`` and
    # ``{% url %}`` per value were a third of the page's time.
    labels = {status: str(label) for status, label in FacilityValue.Status.choices}
    link = reverse("disclosure:facility_value", args=["-"])
    by_indicator = defaultdict(list)
    for value in values:
        value.status_label = labels.get(value.status, value.status)
        value.url = link.replace("/-/", f"/{value.code}/")
        by_indicator[value.indicator].append(value)
    areas = [facility.admin_unit_id, facility.admin_unit.parent_id, None]
    latest = [series[-1] for series in by_indicator.values()]
    medians = defaultdict(dict)
    if latest:
        condition = Q()
        for value in latest:
            condition |= Q(indicator_id=value.indicator_id, period=value.period)
        for row in FacilityMedian.objects.filter(condition).filter(
            Q(admin_unit_id__in=[a for a in areas if a]) | Q(admin_unit=None)
        ):
            medians[(row.indicator_id, row.period)][row.admin_unit_id] = row
    rows = []
    for indicator, series in by_indicator.items():
        value = series[-1]
        found = medians[(indicator.pk, value.period)]
        rows.append(
            {
                "indicator": indicator,
                "value": value,
                "display": indicator.display(value.value),
                "soum": found.get(areas[0]),
                "aimag": found.get(areas[1]) if areas[1] else None,
                "nation": found.get(None),
                "chart": trend_chart(
                    [(v.period, v.value) for v in series[-limit_periods:]],
                    _("%(indicator)s over time") % {"indicator": indicator.name},
                ),
                "series": series[-limit_periods:],
            }
        )
    return rows


def facility_data(request, code):
    """A facility's published data: latest values with their status, trends and medians, and every period."""
    facility = _facility(code)
    rows = _latest(facility)
    return render(
        request,
        "disclosure/facility_data/facility.html",
        {
            "facility": facility,
            "rows": rows,
            "can_publish": can_publish_values(request.user, facility) if request.user.is_authenticated else False,
        },
    )


def facility_panel(request, facility):
    """The facility page's section: the latest values with their status, a trend and the medians."""
    rows = _latest(facility, limit_periods=5)
    can_publish = can_publish_values(request.user, facility) if request.user.is_authenticated else False
    if not rows and not can_publish:
        return ""
    return render_to_string(
        "disclosure/facility_data/panel.html",
        {"facility": facility, "rows": rows, "can_publish": can_publish},
        request=request,
    )


def _limited(request) -> bool:
    return is_ratelimited(
        request,
        group="disclosure-check",
        key="ip",
        rate=settings.FEEDBACK_RATE_PER_IP,
        method=is_ratelimited.ALL,
        increment=True,
    )


def _paged(request, queryset, param: str, per_page: int = HISTORY_PER_PAGE):
    """One page of a list read from ``?<param>=``, with the page's other GET parameters (the
    other list's page, the campaign) to keep in its links."""
    page = Paginator(queryset, per_page).get_page(request.GET.get(param))
    others = request.GET.copy()
    others.pop(param, None)
    return page, others.urlencode()


def value_detail(request, code):
    """One value: its history, the published checks, and the form to confirm or dispute it."""
    value = _public_value(code)
    form = CheckForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if _limited(request):
            form.add_error(None, _("Too many submissions from your connection. Please try again later."))
        elif form.is_valid():
            data = form.cleaned_data
            try:
                check = services.check_value(
                    value,
                    verdict=data["verdict"],
                    observed_value=data["observed_value"],
                    comment=data["comment"],
                    photo=data["photo"] or None,
                    user=request.user,
                    campaign=ValidationCampaign.objects.filter(code=request.GET.get("campaign", "")).first(),
                    language=(get_language() or "mn")[:2],
                    request=request,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                if check.feedback_id:
                    messages.success(
                        request,
                        _("Thank you. Your dispute was sent to the publisher as feedback %(code)s.")
                        % {"code": check.feedback.tracking_code},
                    )
                else:
                    messages.success(request, _("Thank you. Your check will be public once it is moderated."))
                return redirect("disclosure:facility_value", code=value.code)
    checks, checks_query = _paged(
        request,
        value.checks.filter(moderation=ValueCheck.Moderation.PUBLISHED)
        .select_related("feedback")
        .order_by("-created_at", "-id"),
        "checks",
    )
    history, history_query = _paged(
        request, value.changes.select_related("organization").order_by("-changed_at", "-id"), "history"
    )
    can_publish = can_publish_values(request.user, value.facility) if request.user.is_authenticated else False
    disputes = []
    if can_publish:  # the publisher sees every open dispute, moderated or not, to answer it
        disputes = value.checks.filter(outcome=ValueCheck.Outcome.OPEN).select_related("feedback")
    return render(
        request,
        "disclosure/facility_data/value.html",
        {
            "value": value,
            "indicator": value.indicator,
            "facility": value.facility,
            "display": value.indicator.display(value.value),
            "form": form,
            "checks": checks,
            "checks_query": checks_query,
            "history": history,
            "history_query": history_query,
            "can_publish": can_publish,
            "disputes": disputes,
            "correction": CorrectionForm() if can_publish else None,
        },
    )


def export(request):
    """Every published value (of a facility, of the caller's facilities with ``mine``, or all) as
    CSV or XLSX: the file the upload reads back. Above ``EXPORT_LIMIT`` values nothing is cut: a
    page says so and offers the narrower downloads."""
    values = FacilityValue.objects.filter(facility__is_active=True)
    facility_code = request.GET.get("facility", "")
    name = "facility-values"
    if request.GET.get("mine"):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        # Only the facilities the caller publishes: the upload refuses rows of any other.
        values = values.filter(facility__in=publishable_facilities(request.user).values("pk"))
        name = "facility-values-mine"
    if facility_code:
        facility = _facility(facility_code)
        values = values.filter(facility=facility)
        name = f"facility-values-{facility.code}"
    period = request.GET.get("period", "").strip().upper()
    if period:
        values = values.filter(period=period)
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    count = values.count()
    if count > EXPORT_LIMIT:
        return render(
            request,
            "disclosure/facility_data/export_too_large.html",
            {"count": count, "limit": EXPORT_LIMIT, "period": period, "mine": bool(request.GET.get("mine"))},
            status=400,
        )
    return tabular_response(name, services.EXPORT_HEADER, services.export_rows(values), fmt)


# --- publishers -----------------------------------------------------------------------------------


@login_required
def my_facilities(request):
    """The facilities the user publishes data for, with links to their forms and the upload."""
    facilities = publishable_facilities(request.user).select_related("admin_unit").order_by("name", "pk")
    query = request.GET.get("q", "").strip()
    if query:
        facilities = facilities.filter(Q(name__icontains=query) | Q(code__iexact=query))
    page = Paginator(facilities, PER_PAGE).get_page(request.GET.get("page"))
    if not page.paginator.count and not query:
        raise Http404
    return render(request, "disclosure/facility_data/mine.html", {"page": page, "q": query})


@login_required
def publish(request, code):
    """The publisher's form: one facility's values for one period."""
    facility = _facility(code)
    if not can_publish_values(request.user, facility):
        raise Http404
    indicators = services.indicators_for(facility.kind)
    period = (request.POST.get("period") or request.GET.get("period") or str(services.today().year - 1)).strip()
    current = {
        v.indicator.code: (
            str(int(v.value)) if v.indicator.value_type == "yes_no" else v.indicator.display(v.value).replace(" ", "")
        )
        for v in FacilityValue.objects.filter(facility=facility, period=period.upper()).select_related("indicator")
    }
    form = ValuesForm(request.POST or None, indicators=indicators, current=current, initial={"period": period})
    if request.method == "POST" and form.is_valid():
        try:
            created, updated, _unchanged = services.publish_values(
                facility, form.cleaned_data["period"], form.raw_values(), actor=request.user, request=request
            )
        except services.FacilityDataError as exc:
            if hasattr(exc, "error_dict"):
                for key, errors in exc.error_dict.items():
                    field = f"v_{key}" if f"v_{key}" in form.fields else None
                    for error in errors:
                        form.add_error(field, error.messages[0] if hasattr(error, "messages") else error)
            else:
                form.add_error(None, exc.messages[0])
        else:
            messages.success(
                request,
                _("Published: %(created)s new, %(updated)s changed.") % {"created": created, "updated": updated},
            )
            return redirect("disclosure:facility_data", code=facility.code)
    return render(
        request,
        "disclosure/facility_data/publish.html",
        {"facility": facility, "form": form, "ratios": [i for i in indicators if i.is_ratio]},
    )


@login_required
@require_POST
def correct(request, code):
    """The publisher's correction of a disputed value."""
    value = _public_value(code)
    if not can_publish_values(request.user, value.facility):
        raise Http404
    form = CorrectionForm(request.POST)
    if form.is_valid():
        try:
            services.correct_value(value, form.cleaned_data["value"], actor=request.user, request=request)
        except services.FacilityDataError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, _("The value is corrected; its disputes are marked corrected."))
    else:
        messages.error(request, _("Enter the corrected value."))
    return redirect("disclosure:facility_value", code=value.code)


def _progress_key(user, token: str) -> str:
    return f"disclosure:upload:{user.pk}:{token}"


@login_required
def upload(request):
    """Upload a CSV/XLSX file of values; every row is checked and nothing is saved if one is wrong.
    A script shows the upload's progress and then the import's, read from ``upload_progress``."""
    if not publishable_facilities(request.user).exists():
        raise Http404
    form = UploadForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        token = (form.cleaned_data.get("token") or "")[:40]
        key = _progress_key(request.user, token) if token else None

        def progress(done, total):
            if key:
                cache.set(key, {"done": done, "total": total}, PROGRESS_TTL)

        upload_file = form.cleaned_data["file"]
        try:
            rows = read_rows(upload_file, upload_file.name)
        except TabularError as exc:
            form.add_error("file", str(exc))
        else:
            report = services.import_values(rows, actor=request.user, source=upload_file.name, progress=progress)
            if report.ok:
                messages.success(
                    request,
                    _("%(created)s values added, %(updated)s changed, %(unchanged)s unchanged.")
                    % {"created": report.created, "updated": report.updated, "unchanged": report.unchanged},
                )
                return redirect("disclosure:values_upload")
    return render(
        request,
        "disclosure/facility_data/upload.html",
        {
            "form": form,
            "report": report,
            "errors": report.errors[:200] if report else [],
            "token": get_random_string(24),
        },
    )


@login_required
def upload_progress(request, token):
    """How far the import of an upload is (JSON), for the upload page's progress bar."""
    return JsonResponse(cache.get(_progress_key(request.user, token[:40])) or {"done": 0, "total": 0})


# --- moderation -----------------------------------------------------------------------------------


@login_required
def moderation(request):
    """Citizens' checks waiting for moderation, for the facilities the user moderates."""
    facilities = moderated_facilities(request.user)
    checks = (
        ValueCheck.objects.filter(moderation=ValueCheck.Moderation.PENDING, value__facility__in=facilities.values("pk"))
        .select_related("value__indicator", "value__facility", "feedback")
        .order_by("created_at")
    )
    page = Paginator(checks, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "disclosure/facility_data/moderation.html", {"page": page})


def _moderate(request, code, publish: bool):
    check = ValueCheck.objects.select_related("value__facility__admin_unit").filter(code=code.upper()).first()
    if check is None or not can_moderate_checks(request.user, check.value.facility):
        raise Http404
    services.moderate_check(check, actor=request.user, publish=publish, request=request)
    messages.success(request, _("Check published.") if publish else _("Check hidden."))
    return redirect("disclosure:check_moderation")


@login_required
@require_POST
def check_publish(request, code):
    return _moderate(request, code, True)


@login_required
@require_POST
def check_hide(request, code):
    return _moderate(request, code, False)


# --- campaigns ------------------------------------------------------------------------------------


def campaign_list(request):
    campaigns = ValidationCampaign.objects.select_related("organization", "admin_unit").order_by("-created_at")
    page = Paginator(campaigns, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "disclosure/facility_data/campaigns.html", {"page": page})


def _campaign(code) -> ValidationCampaign:
    return get_object_or_404(ValidationCampaign.objects.select_related("organization", "admin_unit"), code=code.upper())


def campaign_detail(request, code):
    """A campaign's progress: facilities checked, disputes raised and answered, per facility."""
    campaign = _campaign(code)
    assignments = campaign.assignments.select_related("facility", "volunteer").order_by("facility__name")
    page = Paginator(assignments, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "disclosure/facility_data/campaign.html",
        {
            "campaign": campaign,
            "progress": services.campaign_progress(campaign),
            "page": page,
            "indicators": list(campaign.indicators.all()),
            "assigned_to_me": request.user.is_authenticated
            and campaign.assignments.filter(volunteer=request.user).exists(),
        },
    )


@login_required
def my_assignments(request):
    """The facilities the logged-in volunteer is sent to check (of one campaign with
    ``?campaign=``): the indicators to check, each linked to its value's check form, and the
    printable checklist."""
    assignments = (
        CampaignAssignment.objects.filter(volunteer=request.user)
        .select_related("campaign__admin_unit", "facility")
        .order_by("-campaign__created_at", "campaign_id", "facility__name", "pk")
    )
    campaign = None
    if request.GET.get("campaign"):
        campaign = _campaign(request.GET["campaign"])
        assignments = assignments.filter(campaign=campaign)
    page = Paginator(assignments, PER_PAGE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    indicators = defaultdict(list)
    for link in ValidationCampaign.indicators.through.objects.filter(
        validationcampaign_id__in={a.campaign_id for a in rows}
    ).select_related("facilityindicator"):
        indicators[link.validationcampaign_id].append(link.facilityindicator)
    values = {
        (v.facility_id, v.indicator_id, v.period): v
        for v in FacilityValue.objects.filter(
            facility_id__in={a.facility_id for a in rows}, period__in={a.campaign.period for a in rows}
        ).only("code", "facility_id", "indicator_id", "period")
    }
    for assignment in rows:
        assignment.to_check = [
            {
                "indicator": indicator,
                "value": values.get((assignment.facility_id, indicator.pk, assignment.campaign.period)),
            }
            for indicator in sorted(indicators[assignment.campaign_id], key=lambda i: (i.order, i.code))
            if indicator.applies_to(assignment.facility.kind)
        ]
    return render(
        request,
        "disclosure/facility_data/assignments.html",
        {"page": page, "rows": rows, "campaign": campaign, "query": f"campaign={campaign.code}" if campaign else ""},
    )


def campaign_checklist(request, code, facility_code):
    """A printable A4 checklist for one facility: the published values and boxes to fill in."""
    campaign = _campaign(code)
    facility = _facility(facility_code)
    if not campaign.assignments.filter(facility=facility).exists():
        raise Http404
    values = {
        v.indicator_id: v
        for v in FacilityValue.objects.filter(facility=facility, period=campaign.period).select_related("indicator")
    }
    rows = [
        {"indicator": indicator, "value": values.get(indicator.pk)}
        for indicator in campaign.indicators.all()
        if indicator.applies_to(facility.kind)
    ]
    return render(
        request,
        "disclosure/facility_data/checklist.html",
        {"campaign": campaign, "facility": facility, "rows": rows},
    )


def campaign_xlsform(request, code):
    """The campaign's checklist as an XLSForm for KoBoToolbox / ODK Collect."""
    campaign = _campaign(code)
    data = services.campaign_xlsform(campaign)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="check-{campaign.code}.xlsx"'
    return response
