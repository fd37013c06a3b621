"""Public procurement pages: search, a process, a buyer's or supplier's profile, fixed rates, and the
sections the facility and aimag pages show through ``iltod.core.panels``."""

from decimal import Decimal
from urllib.parse import urlencode

from django.apps import apps
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from iltod.lib.tabular import tabular_response

from .. import forms, permissions, timeline
from ..models import ContractingProcess, Flag, MonitoringCase, Party, ProcessFeedback, SkippedCheck

PER_PAGE = 25
MAIN_CURRENCY = "MNT"  # amounts are summed and filtered in tögrög; other currencies apart
EXPORT_LIMIT = 10_000
LIST_RELATED = ("buyer", "aimag", "sector")


def explanations(codes) -> dict[str, tuple[str, str]]:
    """What each red flag means and why it may be innocent, in the page's language."""
    try:
        from ..flags import explain
    except ImportError:
        return {}
    language = (get_language() or "mn")[:2]
    result = {}
    for code in codes:
        try:
            result[code] = explain(code, language)
        except Exception:  # an indicator the engine does not know: shown by its code alone
            result[code] = ("", "")
    return result


def indicator_title(code: str) -> str:
    """An indicator's display name in the page's language (its code if the engine does not know it)."""
    try:
        from ..flags import title

        return title(code)
    except (ImportError, KeyError):
        return code


def search_processes(data) -> tuple[forms.SearchForm, object]:
    form = forms.SearchForm(data or None)
    processes = ContractingProcess.objects.all()
    if form.is_valid():
        d = form.cleaned_data
        if d["q"]:
            processes = processes.filter(Q(title__icontains=d["q"]) | Q(ocid=d["q"].strip()))
        if d["buyer"]:
            processes = processes.filter(Q(buyer__code=d["buyer"]) | Q(buyer__name__icontains=d["buyer"]))
        if d["supplier"]:
            suppliers = Party.objects.filter(Q(code=d["supplier"]) | Q(name__icontains=d["supplier"]))
            processes = processes.filter(
                Exists(
                    ContractingProcess.suppliers.through.objects.filter(
                        contractingprocess_id=OuterRef("pk"), party__in=suppliers
                    )
                )
            )
        if d["aimag"]:
            processes = processes.filter(aimag=d["aimag"])
        if d["sector"]:
            processes = processes.filter(sector=d["sector"])
        if d["method"]:
            processes = processes.filter(method=d["method"])
        if d["status"]:
            processes = processes.filter(status=d["status"])
        if d["year"]:
            processes = processes.filter(year=d["year"])
        # the amounts are in tögrög: a process in another currency cannot be compared with them
        if d["min_amount"] is not None:
            processes = processes.filter(currency=MAIN_CURRENCY, tender_value__gte=d["min_amount"])
        if d["max_amount"] is not None:
            processes = processes.filter(currency=MAIN_CURRENCY, tender_value__lte=d["max_amount"])
        if d["flag"]:
            processes = processes.filter(Exists(Flag.objects.filter(process=OuterRef("pk"), code=d["flag"])))
        if d["skipped"]:
            processes = processes.filter(
                Exists(SkippedCheck.objects.filter(process=OuterRef("pk"), reason=d["skipped"]))
            )
    elif form.is_bound:
        processes = processes.none()
    return form, processes


def process_list(request):
    form, processes = search_processes(request.GET)
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        return _export(processes, export)
    processes = processes.select_related(*LIST_RELATED).order_by("-date", "ocid")
    page = Paginator(processes, PER_PAGE).get_page(request.GET.get("page"))
    flagged = set(Flag.objects.filter(process__in=[p.pk for p in page]).values_list("process_id", flat=True).distinct())
    query = urlencode({k: v for k, v in request.GET.items() if k not in ("page", "export") and v})
    return render(
        request,
        "procurement/process_list.html",
        {"form": form, "page": page, "query": query, "flagged": flagged},
    )


def _export(processes, fmt):
    processes = processes.select_related(*LIST_RELATED).order_by("-date", "ocid")[:EXPORT_LIMIT]
    header = [
        _("OCID"),
        _("Title"),
        _("Buyer"),
        _("Aimag or the capital"),
        _("Sector"),
        _("Procurement method"),
        _("Status"),
        _("Year"),
        _("Estimated value"),
        _("Awarded amount"),
        _("Currency"),
        _("Number of tenderers"),
    ]
    rows = (
        [
            p.ocid,
            p.title,
            p.buyer.name if p.buyer else "",
            p.aimag.name if p.aimag else "",
            p.sector.name if p.sector else "",
            p.get_method_display(),
            p.get_status_display(),
            p.year,
            p.tender_value,
            p.awarded_amount,
            p.currency,
            p.number_of_tenderers,
        ]
        for p in processes
    )
    return tabular_response("procurement", header, rows, fmt)


def process_detail(request, code):
    process = get_object_or_404(
        ContractingProcess.objects.select_related("buyer", "procuring_entity", "aimag", "sector"), code=code
    )
    # the process's own flags, then its parties' flags raised in it
    flags = sorted(
        process.flags.select_related("party").order_by("code", "party__name"),
        key=lambda f: f.scope != Flag.Scope.PROCESS,
    )
    texts = explanations([f.code for f in flags])
    flag_rows = [(f, *texts.get(f.code, ("", ""))) for f in flags]
    skipped = [
        (check.get_reason_display(), [indicator_title(code) for code in check.codes])
        for check in process.skipped_checks.order_by("reason")
    ]
    feedback = list(
        ProcessFeedback.objects.filter(process=process, feedback__moderation="published").select_related("feedback")[
            :20
        ]
    )
    cases = list(
        MonitoringCase.objects.public().filter(process=process).select_related("organization").order_by("-opened_at")
    )
    context = {
        "process": process,
        "view": timeline.view(process.compiled),
        "suppliers": list(process.suppliers.all()),
        "flags": flag_rows,
        "skipped": skipped,
        "feedback": feedback,
        "cases": cases,
        "can_monitor": permissions.can_monitor(request.user),
        "can_give_feedback": bool(process.buyer and process.buyer.organization_id),
    }
    return render(request, "procurement/process_detail.html", context)


def _rate(numerator: int, denominator: int) -> float | None:
    return numerator * 100 / denominator if denominator else None


def amounts(processes, **sums) -> tuple[dict, list[dict]]:
    """Sums of amounts in tögrög, and the same sums per other currency (each with its code; an
    amount whose currency is not given is listed apart, with an empty code)."""
    mnt = Q(currency=MAIN_CURRENCY)
    main = processes.aggregate(**{name: Sum(field, filter=mnt) for name, field in sums.items()})
    others = [
        row
        for row in processes.exclude(mnt)
        .values("currency")
        .annotate(**{name: Sum(field) for name, field in sums.items()})
        .order_by("currency")
        if any(row[name] is not None for name in sums)
    ]
    return main, others


def _took_part(parties):
    """Processes these parties bid in or won (subqueries: no duplicate rows to count)."""
    links = (ContractingProcess.suppliers.through, ContractingProcess.tenderers.through)
    return ContractingProcess.objects.filter(
        Q(pk__in=links[0].objects.filter(party__in=parties).values("contractingprocess_id"))
        | Q(pk__in=links[1].objects.filter(party__in=parties).values("contractingprocess_id"))
    )


def supplier_flag_rate(party: Party) -> dict:
    """As a supplier: the processes it bid in or won and how many have a red flag, against its peers
    (the processes other suppliers bid in or won in the same sectors: its organisation's, else its
    processes'). Rates are counts divided once, never averages of percentages."""
    mine = _took_part([party.pk])
    flagged = Exists(Flag.objects.filter(process=OuterRef("pk")))
    count = mine.count()
    result = {"count": count, "flagged": mine.filter(flagged).count(), "peers": None}
    result["percent"] = _rate(result["flagged"], count)
    if not count:
        return result
    if party.organization_id:
        sector_ids = list(party.organization.sectors.values_list("pk", flat=True))
    else:
        sector_ids = []
    sector_ids = sector_ids or list(mine.exclude(sector=None).values_list("sector", flat=True).distinct())
    if sector_ids:
        others = Party.objects.exclude(pk=party.pk).values("pk")
        peers = _took_part(others).filter(sector__in=sector_ids)
        peer_count = peers.count()
        peer_flagged = peers.filter(flagged).count()
        result["peers"] = {"count": peer_count, "flagged": peer_flagged, "percent": _rate(peer_flagged, peer_count)}
    return result


def party_profile(party: Party) -> dict:
    """Volumes, methods, the share of processes with a red flag (against peers: buyers linked to
    organisations of the same kind and sector), monitoring cases and their outcomes."""
    bought = ContractingProcess.objects.filter(buyer=party)
    totals = bought.aggregate(count=Count("pk"))
    in_mnt, bought_other = amounts(bought, value="tender_value", awarded="awarded_amount")
    totals.update(in_mnt)
    methods = list(bought.values("method").annotate(count=Count("pk")).order_by("-count"))
    method_labels = dict(ContractingProcess.Method.choices)
    for row in methods:
        row["label"] = method_labels.get(row["method"], row["method"])
        row["percent"] = _rate(row["count"], totals["count"])
    flagged = bought.filter(Exists(Flag.objects.filter(process=OuterRef("pk")))).count()
    peers = None
    if party.organization_id:
        peer_parties = Party.objects.filter(organization__kind=party.organization.kind).exclude(pk=party.pk)
        sector_ids = list(party.organization.sectors.values_list("pk", flat=True))
        if sector_ids:
            peer_parties = peer_parties.filter(organization__sectors__in=sector_ids)
        peer_processes = ContractingProcess.objects.filter(buyer__in=peer_parties.values("pk"))
        peer_count = peer_processes.count()
        peer_flagged = peer_processes.filter(Exists(Flag.objects.filter(process=OuterRef("pk")))).count()
        peers = {"count": peer_count, "flagged": peer_flagged, "percent": _rate(peer_flagged, peer_count)}
    supplied = ContractingProcess.objects.filter(suppliers=party)
    supplier = supplier_flag_rate(party)
    supplied_totals = supplied.aggregate(count=Count("pk"))
    in_mnt, supplied_other = amounts(supplied, awarded="awarded_amount")
    supplied_totals.update(in_mnt)
    cases = MonitoringCase.objects.public().filter(Q(process__buyer=party) | Q(process__suppliers=party)).distinct()
    closed = cases.filter(state=MonitoringCase.State.CLOSED)
    outcomes = {row["outcome"]: row["count"] for row in closed.values("outcome").annotate(count=Count("pk"))}
    party_flags = list(Flag.objects.filter(party=party, process__isnull=True).order_by("code"))
    texts = explanations({f.code for f in party_flags})
    return {
        "bought": totals,
        "bought_other": bought_other,
        "methods": methods,
        "flagged": flagged,
        "flag_percent": _rate(flagged, totals["count"]),
        "peers": peers,
        "supplied": supplied_totals,
        "supplied_other": supplied_other,
        "supplier": supplier,
        "cases": list(cases.select_related("process", "organization")[:20]),
        "closed": closed.count(),
        "fixed": outcomes.get(MonitoringCase.Outcome.SUCCESS, 0),
        "fixed_percent": _rate(outcomes.get(MonitoringCase.Outcome.SUCCESS, 0), sum(outcomes.values())),
        "party_flags": [(f, *texts.get(f.code, ("", ""))) for f in party_flags],
    }


def profile_charts(profile: dict) -> dict:
    """The profile's shares as SVG bars (the same numbers are in the tables below them)."""
    from iltod.scorecards.charts import bar_chart

    flags = [(_("This buyer"), [profile["flag_percent"]])]
    if profile["peers"]:
        flags.append((_("Peers of the same kind and sector"), [profile["peers"]["percent"]]))
    supplier = profile["supplier"]
    supplier_rows = [(_("This supplier"), [supplier["percent"]])]
    if supplier["peers"]:
        supplier_rows.append((_("Suppliers of the same sector"), [supplier["peers"]["percent"]]))
    return {
        "flags": bar_chart(
            flags, [(_("processes with a red flag, %"), "s-provider")], low=0, high=100, title=_("Red flag rate")
        )
        if profile["bought"]["count"]
        else "",
        "supplier_flags": bar_chart(
            supplier_rows,
            [(_("processes bid in or won with a red flag, %"), "s-provider")],
            low=0,
            high=100,
            title=_("Red flag rate as a supplier"),
        )
        if supplier["count"]
        else "",
        "methods": bar_chart(
            [(str(row["label"] or _("unknown")), [row["percent"]]) for row in profile["methods"]],
            [(_("share of processes, %"), "s-community")],
            low=0,
            high=100,
            title=_("Procurement methods"),
        ),
    }


def party_detail(request, code):
    party = get_object_or_404(Party.objects.select_related("organization", "facility"), code=code)
    profile = party_profile(party)
    recent = list(
        ContractingProcess.objects.filter(Q(buyer=party) | Q(suppliers=party))
        .distinct()
        .select_related(*LIST_RELATED)
        .order_by("-date")[:10]
    )
    return render(
        request,
        "procurement/party_detail.html",
        {"party": party, "profile": profile, "charts": profile_charts(profile), "recent": recent},
    )


def fixed_rates(scope_field: str, label_field: str, limit: int = 50) -> list[dict]:
    """Cases closed and fixed, per buyer, aimag or monitoring organisation: the rate is fixed / closed."""
    rows = (
        MonitoringCase.objects.filter(state=MonitoringCase.State.CLOSED)
        .values(scope_field, label_field)
        .annotate(
            closed=Count("pk"),
            fixed=Count("pk", filter=Q(outcome=MonitoringCase.Outcome.SUCCESS)),
        )
        .order_by("-closed")[:limit]
    )
    return [
        {
            "key": r[scope_field],
            "label": r[label_field],
            "closed": r["closed"],
            "fixed": r["fixed"],
            "percent": _rate(r["fixed"], r["closed"]),
        }
        for r in rows
    ]


def monitoring(request):
    """DOZORRO's figure: how many cases ended with the violation fixed, per buyer, aimag and network."""
    Organization = apps.get_model("organizations", "Organization")
    NetworkMembership = apps.get_model("organizations", "NetworkMembership")
    total = MonitoringCase.objects.public().aggregate(
        cases=Count("pk"),
        closed=Count("pk", filter=Q(state=MonitoringCase.State.CLOSED)),
        fixed=Count("pk", filter=Q(state=MonitoringCase.State.CLOSED, outcome=MonitoringCase.Outcome.SUCCESS)),
    )
    total["percent"] = _rate(total["fixed"], total["closed"])
    networks = []
    for network in Organization.objects.networks().public().order_by("name"):
        members = NetworkMembership.objects.current().filter(network=network).values("member_id")
        counts = (
            MonitoringCase.objects.public()
            .filter(Q(organization=network) | Q(organization__in=members))
            .aggregate(
                cases=Count("pk"),
                closed=Count("pk", filter=Q(state=MonitoringCase.State.CLOSED)),
                fixed=Count("pk", filter=Q(state=MonitoringCase.State.CLOSED, outcome=MonitoringCase.Outcome.SUCCESS)),
            )
        )
        if counts["cases"]:
            networks.append({"network": network, **counts, "percent": _rate(counts["fixed"], counts["closed"])})
    return render(
        request,
        "procurement/monitoring.html",
        {
            "total": total,
            "by_buyer": fixed_rates("process__buyer__code", "process__buyer__name"),
            "by_aimag": fixed_rates("process__aimag__code", "process__aimag__name"),
            "networks": networks,
            "recent": list(
                MonitoringCase.objects.public().select_related("process", "organization").order_by("-opened_at")[:20]
            ),
        },
    )


def network_cases(request, code):
    Organization = apps.get_model("organizations", "Organization")
    NetworkMembership = apps.get_model("organizations", "NetworkMembership")
    network = get_object_or_404(Organization.objects.networks().public(), code=code)
    members = NetworkMembership.objects.current().filter(network=network).values("member_id")
    cases = (
        MonitoringCase.objects.public()
        .filter(Q(organization=network) | Q(organization__in=members))
        .select_related("process", "organization")
        .order_by("-opened_at")
    )
    counts = cases.aggregate(
        closed=Count("pk", filter=Q(state=MonitoringCase.State.CLOSED)),
        fixed=Count("pk", filter=Q(state=MonitoringCase.State.CLOSED, outcome=MonitoringCase.Outcome.SUCCESS)),
    )
    page = Paginator(cases, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "procurement/network_cases.html",
        {"network": network, "page": page, "counts": counts, "percent": _rate(counts["fixed"], counts["closed"])},
    )


# ---------------------------------------------------------------------------------------------
# Panels on other apps' pages


def facility_panel(request, facility):
    """What this hospital or school buys: its processes as buyer, with totals."""
    processes = ContractingProcess.objects.for_facility(facility)
    totals = processes.aggregate(count=Count("pk"), value=Sum("tender_value"))
    if not totals["count"]:
        return ""
    flagged = processes.filter(Exists(Flag.objects.filter(process=OuterRef("pk")))).count()
    recent = list(processes.select_related("buyer").order_by("-date")[:5])
    party = Party.objects.filter(facility=facility).first()
    return render_to_string(
        "procurement/panels/facility.html",
        {"facility": facility, "totals": totals, "recent": recent, "flagged": flagged, "party": party},
        request=request,
    )


def admin_unit_panel(request, unit):
    """An aimag's procurement: processes, value, the share flagged, cases fixed."""
    if unit.level == "country":
        return ""
    processes = ContractingProcess.objects.filter(Q(aimag=unit) | Q(admin_unit=unit))
    totals = processes.aggregate(count=Count("pk"), value=Sum("tender_value"))
    if not totals["count"]:
        return ""
    flagged = processes.filter(Exists(Flag.objects.filter(process=OuterRef("pk")))).count()
    cases = MonitoringCase.objects.filter(process__in=processes.values("pk")).aggregate(
        closed=Count("pk", filter=Q(state=MonitoringCase.State.CLOSED)),
        fixed=Count("pk", filter=Q(state=MonitoringCase.State.CLOSED, outcome=MonitoringCase.Outcome.SUCCESS)),
    )
    return render_to_string(
        "procurement/panels/admin_unit.html",
        {
            "unit": unit,
            "totals": totals,
            "flagged": flagged,
            "flag_percent": _rate(flagged, totals["count"]),
            "cases": cases,
            "fixed_percent": _rate(cases["fixed"], cases["closed"]),
            "value": totals["value"] or Decimal(0),
        },
        request=request,
    )
