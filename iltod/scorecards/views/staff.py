"""Staff pages around the cycles: the lists, starting a cycle, a group's score sheet, the
report before the cycle is public, the cycle's XLSForm, and the KoBo webhook."""

import logging
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from iltod.lib import webhooks
from iltod.lib.tabular import XLSX_CONTENT_TYPE, tabular_response
from iltod.organizations.models import Organization

from .. import fieldwork, forms, permissions, services
from ..models import FACES, FocusGroup, Indicator, Scale, ScoreRevision, Stage, StagePlan
from ..xlsform import XLSFormError, generate_xlsform
from .cycle import form_errors
from .public import CYCLE_RELATED, EXPORT_LIMIT, PER_PAGE, _render_report

log = logging.getLogger("iltod.scorecards")

# ---------------------------------------------------------------------------------------------
# Staff pages


@login_required
def staff_list(request):
    can_start = permissions.can_start_cycles(request.user)
    visible = permissions.staff_cycles(request.user)
    if not can_start and not visible.exists():
        raise Http404
    form = forms.StaffFilterForm(request.GET or None)
    cycles = (
        visible.select_related(*CYCLE_RELATED, "facilitator")
        .annotate(
            group_count=Count("groups"),
            waiting=Count("groups", filter=Q(groups__status=FocusGroup.SheetStatus.SUBMITTED)),
        )
        .order_by("-created_at", "-pk")
    )
    if form.is_valid():
        if form.cleaned_data["stage"]:
            cycles = cycles.filter(stage=form.cleaned_data["stage"])
        if form.cleaned_data["q"]:
            text = form.cleaned_data["q"]
            cycles = cycles.filter(Q(title__icontains=text) | Q(service_unit__name__icontains=text))
    export = request.GET.get("export")
    if export in {"csv", "xlsx"}:
        header = [_("Code"), _("Title"), _("Facility"), _("Owner organisation"), _("Stage"), _("Focus groups")]
        rows = (
            [c.code, c.title, c.service_unit.name, c.owner_organization.name, c.get_stage_display(), c.group_count]
            for c in cycles[:EXPORT_LIMIT]
        )
        return tabular_response("iltod-scorecard-cycles", header, rows, export)
    page = Paginator(cycles, PER_PAGE).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in request.GET.items() if k not in {"page", "export"} and v})
    return render(
        request,
        "scorecards/staff_list.html",
        {"form": form, "page": page, "query": query, "can_start": can_start},
    )


@login_required
def behind_schedule(request):
    """Open cycles whose current stage should have ended by now, the most late first."""
    today = timezone.localdate()
    plans = (
        StagePlan.objects.filter(
            cycle__in=permissions.staff_cycles(request.user).open(),
            stage=F("cycle__stage"),
            completed_on__isnull=True,
            planned_end__lt=today,
        )
        .select_related("cycle__service_unit__admin_unit", "cycle__owner_organization", "cycle__facilitator")
        .order_by("planned_end", "pk")
    )
    export = request.GET.get("export")
    if export in {"csv", "xlsx"}:
        header = [
            _("Code"),
            _("Title"),
            _("Facility"),
            _("Owner organisation"),
            _("Stage"),
            _("Planned end"),
            _("Days late"),
        ]
        rows = (
            [
                p.cycle.code,
                p.cycle.title,
                p.cycle.service_unit.name,
                p.cycle.owner_organization.name,
                p.get_stage_display(),
                p.planned_end,
                p.days_late,
            ]
            for p in plans[:EXPORT_LIMIT]
        )
        return tabular_response("iltod-scorecards-behind-schedule", header, rows, export)
    page = Paginator(plans, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "scorecards/behind_schedule.html", {"page": page})


@login_required
def library(request):
    if not (permissions.can_start_cycles(request.user) or permissions.staff_cycles(request.user).exists()):
        raise Http404
    indicators = Indicator.objects.active().select_related("sector").prefetch_related("projects")
    page = Paginator(indicators, 100).get_page(request.GET.get("page"))
    return render(request, "scorecards/library.html", {"page": page})


@login_required
def cycle_create(request):
    if not permissions.can_start_cycles(request.user):
        raise Http404
    if request.user.is_superuser:
        organizations = Organization.objects.filter(is_active=True)
    else:
        organizations = Organization.objects.filter(pk__in=permissions.runner_organization_ids(request.user))
    form = forms.CycleForm(
        request.POST or None,
        organizations=organizations,
        initial={"facility": request.GET.get("facility", "")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        cycle = services.create_cycle(
            actor=request.user,
            service_unit=data["facility"],
            owner_organization=data["owner_organization"],
            title=data["title"],
            scale=data["scale"],
            facilitator=data["facilitator"] or request.user,
            project=data["project"],
            request=request,
        )
        messages.success(request, _("The cycle is started. Plan its stages and add its indicators."))
        return redirect(cycle.get_staff_url())
    return render(request, "scorecards/cycle_form.html", {"form": form})


@login_required
def sheet(request, code, group_code):
    """A group's score sheet: the grid to type a paper sheet in (saved, or saved and sent for
    approval), the approval and return buttons (their own views below), and the edit history."""
    cycle = permissions.get_cycle_for_staff(request.user, code)
    group = permissions.get_group(cycle, group_code)
    can_enter = permissions.can_enter(request.user, group)
    can_approve = permissions.can_approve(request.user, group)
    indicators = list(cycle.indicators.all())
    scores = {s.indicator_id: s for s in group.scores.all()}
    initial = {}
    for indicator in indicators:
        score = scores.get(indicator.pk)
        if score is not None:
            initial[f"score_{indicator.number}"] = score.value
            initial[f"reason_{indicator.number}"] = score.reason
    form = forms.SheetForm(initial=initial, indicators=indicators, scale=cycle.scale)
    return_form = forms.ReturnForm()
    if request.method == "POST":
        action = request.POST.get("action", "save")
        try:
            if action in {"save", "submit"}:
                if not can_enter:
                    raise Http404
                form = forms.SheetForm(request.POST, indicators=indicators, scale=cycle.scale)
                if form.is_valid():
                    changed = services.save_scores(
                        actor=request.user,
                        group=group,
                        entries=form.entries(),
                        submit=action == "submit",
                        request=request,
                    )
                    if action == "submit":
                        messages.success(request, _("The scores are saved and sent for approval."))
                    else:
                        messages.success(request, _("%(count)s scores saved.") % {"count": changed})
                    return redirect("scorecards:sheet", cycle.code, group.code)
                messages.error(request, _("Some scores are not valid: see the marked lines."))
            else:
                messages.error(request, _("Unknown action."))
        except services.ScorecardError as exc:
            messages.error(request, str(exc))
            group.refresh_from_db()
    history = (
        ScoreRevision.objects.filter(score__group=group)
        .select_related("score__indicator", "changed_by")
        .order_by("-changed_at", "-pk")[:200]
    )
    return render(
        request,
        "scorecards/sheet.html",
        {
            "cycle": cycle,
            "group": group,
            "form": form,
            "return_form": return_form,
            "can_enter": can_enter and not group.is_locked,
            "can_approve": can_approve and group.status == FocusGroup.SheetStatus.SUBMITTED,
            "can_return": permissions.can_run(request.user, cycle)
            and group.status in {FocusGroup.SheetStatus.SUBMITTED, FocusGroup.SheetStatus.APPROVED}
            and cycle.stage != Stage.CLOSED,
            "history": history,
            "low": cycle.bounds[0],
            "high": cycle.bounds[1],
            "faces": sorted(FACES.items()) if cycle.scale == Scale.FIVE else [],
        },
    )


def _to_sheet(cycle, group):
    return redirect("scorecards:sheet", cycle.code, group.code)


@login_required
@require_POST
def sheet_approve(request, code, group_code):
    """The checker approves a sheet sent for approval (a runner who did not enter it)."""
    cycle = permissions.get_cycle_to_run(request.user, code)
    group = permissions.get_group(cycle, group_code)
    try:
        services.approve_sheet(actor=request.user, group=group, request=request)
    except services.ScorecardError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The scores are approved."))
    return _to_sheet(cycle, group)


@login_required
@require_POST
def sheet_return(request, code, group_code):
    """A runner sends a submitted or approved sheet back for correction, saying why."""
    cycle = permissions.get_cycle_to_run(request.user, code)
    group = permissions.get_group(cycle, group_code)
    form = forms.ReturnForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return _to_sheet(cycle, group)
    try:
        services.return_sheet(actor=request.user, group=group, reason=form.cleaned_data["reason"], request=request)
    except services.ScorecardError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The sheet is returned for correction."))
    return _to_sheet(cycle, group)


@login_required
def staff_report(request, code):
    cycle = permissions.get_cycle_for_staff(request.user, code)
    return _render_report(request, cycle, public=False)


@login_required
def xlsform_download(request, code):
    cycle = permissions.get_cycle_for_staff(request.user, code)
    if not permissions.can_run(request.user, cycle):
        raise Http404
    if not cycle.groups.exists() or not cycle.indicators.exists():
        messages.error(request, _("Add the indicators and the focus groups before making the field form."))
        return redirect(cycle.get_staff_url())
    try:
        form = generate_xlsform(cycle)
    except XLSFormError as exc:
        log.error("the score card XLSForm of %s does not convert: %s", cycle.code, exc)
        messages.error(request, _("The field form could not be made: %(error)s") % {"error": exc})
        return redirect(cycle.get_staff_url())
    response = HttpResponse(form.content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{form.form_id}-{form.version}.xlsx"'
    return response


@csrf_exempt
def kobo_webhook(request):
    """KoBoToolbox REST Service: one JSON submission per POST, same secret as the feedback form's."""
    refused = webhooks.refuse(request, settings.KOBO_WEBHOOK_SECRET)
    if refused is not None:
        return refused
    body = webhooks.read_body(request)
    if body is None:
        return webhooks.too_big()
    with translation.override(settings.LANGUAGE_CODE):
        outcome = fieldwork.receive(body)
    if outcome.submission is None:
        status = 400
    elif outcome.error:
        status = 202  # kept with its error; KoBo need not retry
    elif outcome.duplicate:
        status = 200
    else:
        status = 201
    return JsonResponse(outcome.as_json(), status=status, json_dumps_params={"ensure_ascii": False})
