"""Public pages: give feedback, track it by code, read the public record and statistics."""

import hmac

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited

from iltod.accounts.permissions import can_view_statistics
from iltod.core.middleware import save_session_now
from iltod.core.panels import render_panels
from iltod.core.replicas import reads_from_replica
from iltod.lib.tabular import tabular_response
from iltod.lib.translit import search_key
from iltod.notifications.models import OutboundMessage
from iltod.organizations.models import Organization
from iltod.places import maps
from iltod.places.forms import FacilitySearchForm
from iltod.places.models import AdminUnit, ServiceUnit
from iltod.places.search import facilities_by_kind, search_facilities

from . import services, stats
from .forms import CitizenUpdateForm, FeedbackForm, PublicFilterForm, RatingForm, ReopenForm, TrackForm
from .models import Event, Feedback, Follow, Stat, normalize_tracking_code
from .reports import annual_report

PER_PAGE = 20


def _limited(request, group: str, rate: str) -> bool:
    return is_ratelimited(request, group=group, key="ip", rate=rate, method=is_ratelimited.ALL, increment=True)


def choose_place(request, *, staff_intake=False):
    """Step 1 of giving feedback (also of the staff intake): find the facility, or pick an
    aimag and then a soum/district for feedback about a place. Links keep the current URL."""
    search = FacilitySearchForm(request.GET or None)
    results = []
    if search.is_valid() and search.cleaned_data["q"]:
        results = search_facilities(search.cleaned_data["q"])[:20]
    area = None
    if request.GET.get("area"):
        area = (
            AdminUnit.objects.select_related("parent")
            .defer("boundary", "parent__boundary")
            .filter(code=request.GET["area"])
            .first()
        )
    top = AdminUnit.objects.current().top_level().without_shapes().order_by("level", "name")
    children = area.children.current().without_shapes().order_by("name") if area is not None else []
    by_kind = facilities_by_kind(area) if area is not None and not area.is_top_level else []
    return render(
        request,
        "feedback/choose_place.html",
        {
            "search": search,
            "results": results,
            "top_units": top,
            "area": area,
            "children": children,
            "facilities_by_kind": by_kind,
            "staff_intake": staff_intake,
        },
    )


def submit(request):
    facility = None
    area = None
    if request.GET.get("facility") or request.POST.get("facility"):
        code = request.POST.get("facility") or request.GET.get("facility")
        # everything routing reads: the operator, the area chain up to the country, the sector
        facility = (
            ServiceUnit.objects.active().with_areas(3).select_related("sector", "operator").filter(code=code).first()
        )
        if facility is None:
            raise Http404
    elif request.GET.get("place") or request.POST.get("place"):
        code = request.POST.get("place") or request.GET.get("place")
        area = (
            AdminUnit.objects.current()
            .filter(code=code)
            .exclude(level__in=[AdminUnit.Level.COUNTRY, AdminUnit.Level.CAPITAL, AdminUnit.Level.AIMAG])
            .select_related("parent__parent")  # the area chain routing walks
            .defer("boundary", "parent__boundary", "parent__parent__boundary")
            .first()
        )
        if area is None:
            raise Http404
    else:
        return choose_place(request)

    form = FeedbackForm(request.POST or None, request.FILES or None, sector=facility.sector if facility else None)
    if request.method == "POST":
        if _limited(request, "feedback-submit", settings.FEEDBACK_RATE_PER_IP):
            form.add_error(None, _("Too many submissions from your connection. Please try again later."))
        elif form.is_valid():
            data = form.cleaned_data
            if (
                data["phone"]
                and services.recent_submissions_by_phone(data["phone"]) >= settings.FEEDBACK_PER_PHONE_PER_DAY
            ):
                form.add_error("phone", _("Too many submissions from this phone number today."))
            else:
                try:
                    feedback, _created = services.submit_feedback(
                        form.submission(facility=facility, area=area, channel=Feedback.Channel.WEB),
                        submitted_by=request.user,  # a logged-in citizen finds it again under "My feedback"
                        request=request,
                        on_stored=lambda feedback: _remember_submission(request, feedback),
                    )
                except ValidationError as exc:
                    form.add_error(None, exc)
                else:
                    return redirect("feedback:thanks", code=feedback.tracking_code)
    return render(request, "feedback/submit.html", {"form": form, "facility": facility, "area": area})


SESSION_KEY = "my_feedback"


def grant_citizen_access(request, code: str) -> None:
    """Remember in the session that this browser holds the citizen's key for ``code``."""
    codes = [c for c in request.session.get(SESSION_KEY, []) if c != code]
    request.session[SESSION_KEY] = [code, *codes][:20]


def _remember_submission(request, feedback) -> None:
    """Grant the browser the new item, saving the session in the item's transaction: once the item
    is committed nothing is left to fail, so a stored submission is never answered with an error
    (the session middleware then only sends the cookie)."""
    grant_citizen_access(request, feedback.tracking_code)
    save_session_now(request)


def _key_in(request) -> str:
    return (request.GET.get("key") or request.POST.get("key") or "").strip().upper()


def has_citizen_access(request, feedback) -> bool:
    """The citizen's own page needs the secret key from their link, the browser that submitted,
    or the account that submitted it."""
    key = _key_in(request)
    # bytes: compare_digest refuses a str with characters beyond ASCII (a mistyped or forged key)
    if key and hmac.compare_digest(key.encode(), feedback.citizen_key.encode()):
        grant_citizen_access(request, feedback.tracking_code)
        return True
    if feedback.tracking_code in request.session.get(SESSION_KEY, []):
        return True
    return bool(request.user.is_authenticated and feedback.events.submitted_by(request.user).exists())


def _holds_cookies(request) -> bool:
    """Did the browser send its session cookie back? Only then may the key leave the address."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES


def _canonical_redirect(request, view: str, code: str):
    """``il26abcde`` → ``IL-26-ABCDE``, keeping the query (the private link's ``?key=``)."""
    canonical = normalize_tracking_code(code)
    if canonical == code:
        return None
    url = reverse(view, args=[canonical])
    return redirect(f"{url}?{request.META['QUERY_STRING']}" if request.META.get("QUERY_STRING") else url)


def _delivery(feedback) -> list[str]:
    """What the thanks page may truthfully say about the link's messages: what was queued for
    the reporter, and how far it went."""
    keys = {f"received:{feedback.pk}:{channel}": channel for channel in OutboundMessage.Channel.values}
    rows = OutboundMessage.objects.filter(dedupe_key__in=list(keys)).values_list("dedupe_key", "status")
    Status, Channel = OutboundMessage.Status, OutboundMessage.Channel
    said = []
    for key, status in sorted(rows, key=lambda row: row[0]):
        channel = keys[key]
        if status == Status.FAILED:
            said.append(_("We could not send you this link. Keep it, or write down the code."))
        elif channel == Channel.SMS:
            said.append(
                _("We sent this link to your phone by SMS.")
                if status == Status.SENT
                else _("We are sending this link to your phone by SMS.")
            )
        else:
            said.append(
                _("We sent this link to your e-mail.")
                if status == Status.SENT
                else _("We are sending this link to your e-mail.")
            )
    return said or [_("We did not send you this link: keep it, or write down the code.")]


def thanks(request, code):
    if (response := _canonical_redirect(request, "feedback:thanks", code)) is not None:
        return response
    if code not in request.session.get(SESSION_KEY, []):
        return redirect("feedback:track", code=code)
    feedback = get_object_or_404(Feedback.objects.select_related("handling_organization"), tracking_code=code)
    return render(request, "feedback/thanks.html", {"feedback": feedback, "delivery": _delivery(feedback)})


def track_lookup(request):
    form = TrackForm(request.GET or None)
    if form.is_valid():
        if _limited(request, "feedback-track", settings.FEEDBACK_TRACK_RATE_PER_IP):
            form.add_error(None, _("Too many look-ups from your connection. Please try again later."))
        elif Feedback.objects.filter(tracking_code=form.cleaned_data["code"]).exists():
            return redirect("feedback:track", code=form.cleaned_data["code"])
        else:
            form.add_error("code", _("No feedback has this code. Check it and try again."))
    return render(request, "feedback/track_lookup.html", {"form": form})


def _public_timeline(feedback):
    return feedback.events.public().select_related("organization").order_by("created_at", "pk")


def track(request, code):
    """The citizen's page, reached with the tracking code: their own text, the public timeline
    with their own words (moderated or not), and the forms to rate, reopen or add information."""
    if (response := _canonical_redirect(request, "feedback:track", code)) is not None:
        return response
    feedback = get_object_or_404(
        Feedback.objects.select_related(
            "category", "service_unit", "admin_unit__parent", "handling_organization", "duplicate_of"
        ),
        tracking_code=code,
    )
    if not has_citizen_access(request, feedback):
        # The tracking code is public: without the key it shows what everyone may see.
        return redirect("feedback:public_detail", code=code)
    # Keep the secret out of the address bar once the browser has shown it keeps the session's
    # cookie: a first visit goes round once more to find out. A browser that keeps no cookies goes
    # on with the key in the address and in its forms.
    key = _key_in(request) if not _holds_cookies(request) else ""
    if request.GET.get("key") and not key:
        return redirect("feedback:track", code=code)
    if request.method == "GET" and key and not request.GET.get("checked"):
        return redirect(reverse("feedback:track", args=[code]) + f"?key={feedback.citizen_key}&checked=1")
    after = reverse("feedback:track", args=[code]) + (f"?key={feedback.citizen_key}" if key else "")
    rating_form = RatingForm(prefix="rate")
    reopen_form = ReopenForm(prefix="reopen")
    update_form = CitizenUpdateForm(prefix="update")
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "rate":
                rating_form = RatingForm(request.POST, prefix="rate")
                if rating_form.is_valid():
                    services.rate(feedback, **rating_form.cleaned_data)
                    messages.success(request, _("Thank you for your rating."))
                    return redirect(after)
            elif action == "reopen":
                reopen_form = ReopenForm(request.POST, prefix="reopen")
                if reopen_form.is_valid():
                    services.reopen(feedback, reason=reopen_form.cleaned_data["reason"])
                    messages.success(request, _("Your feedback was reopened."))
                    return redirect(after)
            elif action == "update":
                update_form = CitizenUpdateForm(request.POST, prefix="update")
                if update_form.is_valid():
                    services.add_citizen_update(feedback, text=update_form.cleaned_data["text"])
                    messages.success(
                        request, _("Your information was added. The public sees it once a moderator has read it.")
                    )
                    return redirect(after)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return render(
        request,
        "feedback/track.html",
        {
            "feedback": feedback,
            "timeline": feedback.events.for_citizen().select_related("organization").order_by("created_at", "pk"),
            "own": True,
            "key": feedback.citizen_key if key else "",
            "rating_form": rating_form if feedback.rating is None and feedback.resolved_at else None,
            "reopen_form": reopen_form if feedback.can_be_reopened else None,
            "update_form": update_form if feedback.is_open else None,
            # a higher module links what the item came from (disclosure: a disputed figure, a project report)
            "panels": render_panels("feedback", request, feedback),
        },
    )


def _public_queryset():
    return Feedback.objects.exclude(status=Feedback.Status.DUPLICATE)


def public_list(request):
    form = PublicFilterForm(request.GET or None)
    items = (
        _public_queryset()
        .select_related("category", "service_unit", "admin_unit__parent")
        .defer("admin_unit__boundary", "admin_unit__parent__boundary")
    )
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            items = items.filter(
                moderation=Feedback.Moderation.PUBLISHED, public_search_key__contains=search_key(data["q"])
            )
        if data["sector"]:
            items = items.filter(category__sector=data["sector"])
        if data["kind"]:
            items = items.filter(kind=data["kind"])
        if data["status"] == "open":
            items = items.open()
        elif data["status"] == "resolved":
            items = items.filter(status__in=[Feedback.Status.RESOLVED, Feedback.Status.CLOSED])
        if data["area"]:
            items = items.filter(admin_unit__in=data["area"].descendant_ids())
    page = Paginator(items.order_by("-received_at", "-pk"), PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    year = timezone.localdate().year
    national = stats.summary(Stat.Scope.NATIONAL, 0)
    return render(
        request,
        "feedback/public_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "national": national,
            "map": maps.national_map(),
            "area_counts": _area_counts(year),
            "year": year,
        },
    )


def _area_counts(year):
    """Received items per aimag/capital this year, from the statistics table: (unit, count), by name."""
    top = {unit.pk: unit for unit in AdminUnit.objects.top_level().without_shapes()}
    rows = Stat.objects.filter(scope=Stat.Scope.ADMIN_UNIT, scope_id__in=list(top), year=year)
    return sorted(((top[r.scope_id], r.received) for r in rows), key=lambda pair: pair[0].name)


def public_detail(request, code):
    if (response := _canonical_redirect(request, "feedback:public_detail", code)) is not None:
        return response
    feedback = get_object_or_404(
        _public_queryset()
        .select_related("category", "service_unit", "admin_unit__parent", "handling_organization")
        .defer("admin_unit__boundary", "admin_unit__parent__boundary"),
        tracking_code=code,
    )
    reporter_name = ""
    if feedback.privacy == Feedback.Privacy.PUBLIC:
        reporter_name = feedback.reporter.name if hasattr(feedback, "reporter") else ""
    attachments = feedback.attachments.filter(is_public=True) if feedback.shows_text_publicly else []
    return render(
        request,
        "feedback/public_detail.html",
        {
            "feedback": feedback,
            "timeline": _public_timeline(feedback),
            "reporter_name": reporter_name,
            "attachments": attachments,
            "following": request.user.is_authenticated
            and Follow.objects.filter(user=request.user, feedback=feedback).exists(),
            "panels": render_panels("feedback", request, feedback),
        },
    )


@reads_from_replica
def statistics(request):
    year = _year_param(request)
    national = stats.summary(Stat.Scope.NATIONAL, 0, year)
    units = list(AdminUnit.objects.current().top_level().without_shapes().order_by("level", "name"))
    by_unit = {
        s.scope_id: s
        for s in Stat.objects.filter(scope=Stat.Scope.ADMIN_UNIT, year=year, scope_id__in=[u.pk for u in units])
    }
    rows = []
    for unit in units:
        row = by_unit.get(unit.pk)
        summary = stats.Summary(histogram=row.resolve_days if row else None)
        if row:
            for name in ("received", "resolved", "resolved_on_time", "rating_sum", "rating_count", "solved_yes"):
                setattr(summary, name, getattr(row, name))
        rows.append((unit, summary))
    return render(
        request,
        "feedback/statistics.html",
        {
            "year": year,
            "national": national,
            "rows": rows,
            "years": _years(),
            "exports": stats.EXPORTS if can_view_statistics(request.user) else {},
        },
    )


@reads_from_replica
def statistics_export(request, name, fmt):
    """The statistics of every area, facility or handling organisation for a year, as CSV or XLSX,
    for those who may see the statistics (others: not found)."""
    if name not in stats.EXPORTS or fmt not in {"csv", "xlsx"} or not can_view_statistics(request.user):
        raise Http404
    year = _year_param(request)
    header, rows = stats.export_table(name, year)
    return tabular_response(f"iltod-statistics-{name}-{year}", header, rows, fmt)


def _year_param(request) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


def _years() -> list[int]:
    years = sorted(set(Stat.objects.filter(scope=Stat.Scope.NATIONAL).values_list("year", flat=True)), reverse=True)
    return years or [timezone.localdate().year]


def organization_report(request, org_code):
    """The annual petition statistics an organisation must publish, as a page, CSV or XLSX."""
    organization = get_object_or_404(Organization.objects.public(), code=org_code)
    year = _year_param(request)
    report = annual_report(organization, year)
    fmt = request.GET.get("format")
    if fmt in {"csv", "xlsx"}:
        return tabular_response(f"iltod-petitions-{organization.code}-{year}", report.header, report.rows(), fmt)
    return render(
        request, "feedback/organization_report.html", {"organization": organization, "year": year, "report": report}
    )


def facility_panel(request, facility):
    """Section of the facility page: statistics and the latest public items."""
    summary = stats.summary(Stat.Scope.FACILITY, facility.pk)
    latest = _public_queryset().filter(service_unit=facility).select_related("category").order_by("-received_at")[:5]
    return render_to_string(
        "feedback/panels/facility.html", {"summary": summary, "latest": latest, "facility": facility}, request=request
    )


def admin_unit_panel(request, unit):
    """Section of an aimag/soum page: statistics of everything received in the area."""
    summary = stats.summary(Stat.Scope.ADMIN_UNIT, unit.pk)
    return render_to_string("feedback/panels/admin_unit.html", {"summary": summary, "unit": unit}, request=request)


# ---------------------------------------------------------------------------------------------
# "My feedback": a citizen with an account

MY_FEEDBACK_LIMIT = 50


@login_required
@require_POST
def follow(request, code):
    """Follow (or stop following) an item's public progress: it is listed under "My feedback" and
    its public status changes and answers come by e-mail."""
    feedback = get_object_or_404(_public_queryset(), tracking_code=code)
    if request.POST.get("follow") != "no":
        services.follow(feedback, user=request.user)
        messages.success(request, _("You follow this feedback. Find it under “My feedback”."))
    else:
        services.unfollow(feedback, user=request.user)
        messages.success(request, _("You no longer follow this feedback."))
    return redirect("feedback:public_detail", code=feedback.tracking_code)


@login_required
def my_feedback(request):
    """What the citizen submitted while logged in, opened with their private link in this browser,
    or follows."""
    submitted = Feedback.objects.filter(pk__in=Event.objects.submitted_by(request.user).values("feedback_id"))
    own_codes = request.session.get(SESSION_KEY, [])
    columns = ("category", "service_unit", "admin_unit")
    mine = list(
        (submitted | Feedback.objects.filter(tracking_code__in=own_codes))
        .select_related(*columns)
        .defer("admin_unit__boundary")
        .order_by("-received_at", "-pk")[:MY_FEEDBACK_LIMIT]
    )
    followed = list(
        _public_queryset()
        .filter(follows__user=request.user)
        .exclude(pk__in=[f.pk for f in mine])
        .select_related(*columns)
        .defer("admin_unit__boundary")
        .order_by("-follows__created_at", "-pk")[:MY_FEEDBACK_LIMIT]
    )
    return render(request, "feedback/my_feedback.html", {"mine": mine, "followed": followed})
