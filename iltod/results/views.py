"""Public dashboards of the results framework, the ranking, the inclusion view, the methodology,
the exports, and the M&E staff's forms (targets, manual actuals and their approval)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited

from iltod.core.replicas import reads_from_replica
from iltod.lib.tabular import tabular_response

from . import charts, dashboards, exports, forms, inclusion, permissions, ranking, services
from .models import Framework, Indicator, ManualActual, Period, RankingEntry, Subscription, Target


@reads_from_replica
def index(request):
    frameworks = list(Framework.objects.filter(is_public=True))
    if len(frameworks) == 1:
        return redirect(frameworks[0].get_absolute_url())
    return render(request, "results/index.html", {"frameworks": frameworks})


def _period(request, framework) -> Period | None:
    period_id = request.GET.get("period", "")
    if period_id.isascii() and period_id.isdigit():  # "²" is a digit to str.isdigit, not to int()
        period = Period.objects.filter(framework=framework, pk=period_id).first()
        if period is not None:
            return period
    return dashboards.latest_period(framework)


@reads_from_replica
def overview(request, code):
    """The tree of the framework for a period, drawn from the stored targets and actuals (and kept
    drawn in the cache until one of them changes: ``dashboards.overview_fragment``)."""
    framework = permissions.get_framework_for_user(request.user, code)
    periods = list(framework.periods.all())
    period_id = request.GET.get("period", "")
    period = next((p for p in periods if str(p.pk) == period_id), None) or dashboards.latest_period(framework)
    return render(
        request,
        "results/overview.html",
        {
            "framework": framework,
            "period": period,
            "periods": periods,
            "tree": dashboards.overview_fragment(framework, period),
        },
    )


@reads_from_replica
def indicator_detail(request, code, pk):
    framework = permissions.get_framework_for_user(request.user, code)
    indicator = get_object_or_404(Indicator.objects.select_related("result"), pk=pk, result__framework=framework)
    periods = list(framework.periods.all())
    targets = {t.period_id: t for t in Target.objects.filter(indicator=indicator)}
    rows = dashboards.indicator_rows(indicator, periods, targets)
    period = _period(request, framework)
    can_manage = permissions.can_manage_results(request.user)
    context = {
        "framework": framework,
        "indicator": indicator,
        "rows": rows,
        "period": period,
        "chart": charts.indicator_chart(
            [(str(r.period), r.target, r.actual, r.light) for r in rows],
            baseline=indicator.baseline,
            title=indicator.title,
            percentage=indicator.is_percentage,
        ),
        "breakdowns": dashboards.breakdowns(indicator, period),
        "minimum": inclusion.MINIMUM,
        "metric": _metric(indicator.metric),
        "narratives": [
            (r.period, targets[r.period.pk].narrative)
            for r in rows
            if r.period.pk in targets and targets[r.period.pk].narrative
        ],
        "can_manage": can_manage,
    }
    if can_manage:
        context["target_form"] = forms.TargetForm(framework=framework)
        context["actual_form"] = None if indicator.is_computed else forms.ManualActualForm(framework=framework)
        context["entries"] = list(
            ManualActual.objects.filter(target__indicator=indicator).select_related(
                "target__period", "entered_by", "reviewed_by"
            )
        )
        for entry in context["entries"]:
            entry.can_review = permissions.can_review(request.user, entry)
    return render(request, "results/indicator.html", context)


def _metric(code):
    from iltod.core import metrics

    try:
        return metrics.get(code) if code else None
    except KeyError:
        return None


def _manager_indicator(request, code, pk) -> Indicator:
    framework = permissions.get_framework_for_user(request.user, code)
    if not permissions.can_manage_results(request.user):
        raise Http404
    return get_object_or_404(Indicator.objects.select_related("result__framework"), pk=pk, result__framework=framework)


@require_POST
def target_set(request, code, pk):
    indicator = _manager_indicator(request, code, pk)
    form = forms.TargetForm(request.POST, framework=indicator.result.framework)
    if form.is_valid():
        try:
            services.set_target(
                actor=request.user,
                indicator=indicator,
                period_id=form.cleaned_data["period"],
                target=form.cleaned_data["target"],
                comment=form.cleaned_data["comment"],
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
    if form.errors:
        for message in _messages_of(form):
            messages.error(request, message)
    else:
        messages.success(request, _("The target is saved."))
    return redirect(indicator.get_absolute_url())


@require_POST
def actual_submit(request, code, pk):
    indicator = _manager_indicator(request, code, pk)
    form = forms.ManualActualForm(request.POST, request.FILES, framework=indicator.result.framework)
    if form.is_valid():
        try:
            services.submit_manual_actual(
                actor=request.user,
                indicator=indicator,
                period_id=form.cleaned_data["period"],
                value=form.cleaned_data["value"],
                narrative=form.cleaned_data["narrative"],
                evidence_url=form.cleaned_data["evidence_url"],
                evidence_file=form.cleaned_data["evidence_file"],
                evidence_note=form.cleaned_data["evidence_note"],
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
    if form.errors:
        for message in _messages_of(form):
            messages.error(request, message)
    else:
        messages.success(request, _("The actual is saved and waits for another person's approval."))
    return redirect(indicator.get_absolute_url())


@require_POST
def actual_review(request, code, pk, entry_id):
    indicator = _manager_indicator(request, code, pk)
    entry = get_object_or_404(ManualActual, pk=entry_id, target__indicator=indicator)
    approve = request.POST.get("decision") == "approve"
    try:
        services.review_manual_actual(
            actor=request.user, entry=entry, approve=approve, note=request.POST.get("note", "")[:500], request=request
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The actual is approved.") if approve else _("The actual is returned."))
    return redirect(indicator.get_absolute_url())


def _messages_of(form) -> list[str]:
    return [message for errors in form.errors.values() for message in errors]


@reads_from_replica
def scope_page(request, code, kind, key):
    framework = permissions.get_framework_for_user(request.user, code)
    from iltod.places.models import AdminUnit, Sector

    if kind not in {"aimag", "sector"}:
        raise Http404
    if kind == "aimag":
        place = AdminUnit.objects.top_level().without_shapes().filter(code=key).first()
    else:
        place = Sector.objects.filter(code=key).first()
    if place is None:
        raise Http404
    periods, rows = dashboards.scope_table(framework, kind, key)
    return render(
        request,
        "results/scope.html",
        {"framework": framework, "place": place, "kind": kind, "periods": periods, "rows": rows},
    )


def methodology(request):
    return render(
        request,
        "results/methodology.html",
        {
            "components": ranking.COMPONENTS,
            "available": {c.metric for c in ranking.available()},
            "k": ranking.K,
            "min_items": ranking.MIN_ITEMS,
            "amber": 75,
        },
    )


# --- the ranking


def _ranked_periods():
    return Period.objects.filter(framework__is_public=True, ranked_at__isnull=False).order_by("-start")


def _ranking_period(request, periods: list[Period] | None = None) -> Period | None:
    """The period asked for if its ranking is computed, else the latest ranked one."""
    periods = list(_ranked_periods()) if periods is None else periods
    period_id = request.GET.get("period", "")
    chosen = next((period for period in periods if str(period.pk) == period_id), None)
    return chosen or (periods[0] if periods else None)


@reads_from_replica
def ranking_table(request):
    """A league table read from the stored ranking: a page of ranked bodies, the counts, the most
    improved. The table is cached, keyed by the time the period's ranking was computed."""
    form = forms.RankingFilterForm(request.GET or None)
    # The aimag list never needs the boundaries (decoding 22 polygons costs more than the page).
    form.fields["aimag"].queryset = form.fields["aimag"].queryset.without_shapes()
    periods = list(_ranked_periods())
    period = _ranking_period(request, periods)
    kind, aimag, sector = RankingEntry.BodyKind.FACILITY, "", ""
    if form.is_valid():
        kind = form.cleaned_data["kind"] or kind
        aimag = form.cleaned_data["aimag"].code if form.cleaned_data["aimag"] else ""
        sector = form.cleaned_data["sector"].code if form.cleaned_data["sector"] else ""
    components = ranking.available()
    query = urlencode({k: v for k, v in request.GET.items() if k in {"period", "kind", "aimag", "sector"} and v})
    table = (
        dashboards.ranking_fragment(
            period, kind, aimag=aimag, sector=sector, page=request.GET.get("page"), components=components, query=query
        )
        if period is not None
        else ""
    )
    return render(
        request,
        "results/ranking.html",
        {
            "filters": dashboards.ranking_filters(form, period, periods),
            "period": period,
            "table": table,
            "missing": ranking.missing(),
        },
    )


@reads_from_replica
def ranking_body(request, body_code):
    entries = list(
        RankingEntry.objects.filter(body_code=body_code, period__framework__is_public=True)
        .select_related("period")
        .order_by("period__start")
    )
    if not entries:
        raise Http404
    components = ranking.available()
    rows = []
    for entry in entries:
        rows.append((entry, [entry.components.get(c.metric, {}) for c in components]))
    return render(
        request,
        "results/ranking_body.html",
        {"entry": entries[-1], "rows": rows, "components": components, "min_items": ranking.MIN_ITEMS},
    )


@reads_from_replica
def inclusion_view(request):
    period = _ranking_period(request) or Period.objects.filter(framework__is_public=True).order_by("-start").first()
    table = inclusion.table(period) if period else None
    return render(request, "results/inclusion.html", {"period": period, "table": table, "minimum": inclusion.MINIMUM})


# --- exports


@reads_from_replica
def export(request, code, fmt):
    if fmt not in {"csv", "xlsx"}:
        raise Http404
    framework = permissions.get_framework_for_user(request.user, code)
    header, rows = exports.table(framework)
    return tabular_response(f"results-{framework.code}", header, rows, fmt)


@reads_from_replica
def iati(request, code):
    framework = permissions.get_framework_for_user(request.user, code)
    response = HttpResponse(exports.iati_xml(framework), content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="results-{framework.code}-iati.xml"'
    return response


# --- alerts


def _limited(request, group: str, rate: str) -> bool:
    return is_ratelimited(request, group=group, key="ip", rate=rate, method=is_ratelimited.ALL, increment=True)


def subscribe(request):
    """The subscription form for one followed thing (``?kind=facility&code=…``); POST records it."""
    from . import alerts

    data = request.POST if request.method == "POST" else None
    initial = {"target_kind": request.GET.get("kind", ""), "target_code": request.GET.get("code", "")[:32]}
    form = forms.SubscriptionForm(data, initial=initial)
    name = None
    try:
        name, _found = alerts.target_of(
            (data or initial).get("target_kind", ""), (data or initial).get("target_code", "")
        )
    except ValidationError as error:
        form.add_error(None, error)
    if data is not None and _limited(request, "results-subscribe", settings.FEEDBACK_RATE_PER_IP):
        form.add_error(None, _("Too many submissions from your connection. Please try again later."))
    elif data is not None and form.is_valid() and name is not None:
        try:
            subscription = alerts.subscribe(
                kind=form.cleaned_data["target_kind"],
                code=form.cleaned_data["target_code"],
                channel=form.cleaned_data["channel"],
                address=form.cleaned_data["address"],
                frequency=form.cleaned_data["frequency"],
                language=request.LANGUAGE_CODE,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            # The token confirms an e-mail address: only the e-mailed link carries it, or anyone
            # could confirm someone else's address from this redirect. An SMS also needs its code.
            if subscription.channel == Subscription.Channel.EMAIL:
                return redirect("results:sent")
            return redirect("results:confirm", subscription.token)
    status = 400 if data is not None and form.errors else 200
    return render(request, "results/subscribe.html", {"form": form, "name": name}, status=status)


def sent(request):
    return render(request, "results/sent.html")


def confirm(request, token):
    from . import alerts
    from .models import Subscription

    subscription = Subscription.objects.filter(token=token, unsubscribed_at__isnull=True).first()
    if subscription is None:
        raise Http404
    form = forms.ConfirmCodeForm(request.POST or None)
    error = None
    sms = subscription.channel == Subscription.Channel.SMS
    if request.method == "POST":
        # Per connection too: the per-subscription limit alone would let one connection try a few
        # codes on each of many subscriptions.
        if sms and _limited(request, "results-confirm", settings.FEEDBACK_TRACK_RATE_PER_IP):
            error = _("Too many tries from your connection. Please try again later.")
        else:
            try:
                alerts.confirm(subscription, request.POST.get("code") if sms else None)
            except ValidationError as exc:
                error = exc.messages[0]
            else:
                messages.success(request, _("Your subscription is confirmed."))
                return redirect("results:confirm", subscription.token)
    elif sms and subscription.confirmed_at is None and alerts.code_state(subscription) != "ok":
        error = str(alerts.CODE_ERRORS[alerts.code_state(subscription)])
    retry = None
    if sms and subscription.confirmed_at is None and alerts.code_state(subscription) != "ok":
        again = {"kind": subscription.target_kind, "code": subscription.target_code}
        retry = f"{reverse('results:subscribe')}?{urlencode(again)}"
    return render(
        request,
        "results/confirm.html",
        {"subscription": subscription, "form": form, "error": error, "retry": retry},
        status=400 if error and request.method == "POST" else 200,
    )


def unsubscribe(request, token):
    from . import alerts

    if request.method == "POST":
        subscription = alerts.unsubscribe(token)
        if subscription is None:
            raise Http404
        return render(request, "results/unsubscribed.html", {"subscription": subscription})
    from django.core import signing

    try:
        signing.loads(token, salt=alerts.UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        raise Http404 from None
    return render(request, "results/unsubscribe.html", {"token": token})


@csrf_exempt  # a mail client's POST carries no CSRF token; the signed token in the address is the proof
@require_POST
def one_click_unsubscribe(request, token):
    """RFC 8058 one-click unsubscribe: only the exact body ``List-Unsubscribe=One-Click`` unsubscribes
    (a scanner following links sends GET, refused here; people use the page with the button)."""
    from . import alerts

    if request.POST.get("List-Unsubscribe") != "One-Click":
        return HttpResponse(
            _("This address only accepts a one-click unsubscribe."),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    if alerts.unsubscribe(token) is None:
        raise Http404
    return HttpResponse(_("You are unsubscribed."), content_type="text/plain; charset=utf-8")
