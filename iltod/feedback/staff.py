"""Staff pages: inbox, case handling, hotline/walk-in intake, legacy import."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from iltod.core.forms import ImportUploadForm
from iltod.lib.tabular import TabularError, read_rows, tabular_response
from iltod.lib.translit import search_key
from iltod.notifications.models import OutboundMessage
from iltod.notifications.services import retry_now
from iltod.organizations.models import Organization
from iltod.places.models import AdminUnit, ServiceUnit

from . import services
from .forms import (
    AssignForm,
    DuplicateForm,
    ExtendForm,
    InboxFilterForm,
    ModerationForm,
    ReferForm,
    ResponseForm,
    StaffIntakeForm,
    StatusForm,
)
from .imports import import_feedback
from .models import Feedback
from .permissions import (
    can_extend,
    can_handle,
    can_view_identity,
    get_feedback_for_staff,
    handler_organization_ids,
    staff_feedback,
)
from .views import choose_place

PER_PAGE = 25
BULK_ACTIONS = {
    "acknowledge": Feedback.Status.ACKNOWLEDGED,
    "in_progress": Feedback.Status.IN_PROGRESS,
}


def _require_handler(user):
    if not (user.is_superuser or handler_organization_ids(user)):
        raise Http404


def _filtered(request, form):
    """The inbox's items, their view, and for staff of organisations the two sides to page by deadline."""
    user = request.user
    steps = []
    view = "open"
    if form.is_valid():
        data = form.cleaned_data
        view = data["view"] or "open"
        if data["q"]:
            q = data["q"].strip()
            steps.append(lambda qs: qs.filter(Q(tracking_code__iexact=q) | Q(search_key__contains=search_key(q))))
        if data["category"]:
            steps.append(lambda qs: qs.filter(category=data["category"]))
        if data["channel"]:
            steps.append(lambda qs: qs.filter(channel=data["channel"]))
        if data["facility"]:
            steps.append(lambda qs: qs.filter(service_unit__code=data["facility"].strip().upper()))
    own = handler_organization_ids(user)
    views = {
        "open": lambda qs: qs.open(),
        "overdue": lambda qs: qs.overdue(),
        "due_soon": lambda qs: qs.due_soon(),
        "unassigned": lambda qs: qs.open().filter(assigned_to__isnull=True),
        "mine": lambda qs: qs.filter(assigned_to=user).open(),
        "escalated": lambda qs: qs.open().filter(escalated_to_id__in=own),
        "closed": lambda qs: qs.exclude(status__in=Feedback.OPEN_STATUSES),
        "all": lambda qs: qs,
    }
    steps.append(views.get(view, views["open"]))

    def narrow(qs):
        for step in steps:
            qs = step(qs)
        return qs

    items = narrow(
        staff_feedback(user).select_related(
            "category", "service_unit", "admin_unit", "assigned_to", "handling_organization"
        )
    )
    if view in {"closed", "all"}:
        return items.order_by("-received_at", "-pk"), view, None
    items = items.order_by("resolve_due", "pk")
    if not own or user.is_superuser:
        return items, view, None
    sides = [
        narrow(Feedback.objects.filter(handling_organization_id__in=own)),
        narrow(Feedback.objects.filter(escalated_to_id__in=own).exclude(handling_organization_id__in=own)),
    ]
    return items, view, DeadlineOrder(items, sides)


class DeadlineOrder:
    """An inbox view in deadline order, paginated without sorting every open item.

    Staff see what one of their organisations handles *or* what was escalated to it. Under that OR
    PostgreSQL cannot read an index in deadline order, so at national scale every page read and
    sorted all open items of the organisation (tens of thousands of rows spread over the table,
    half a second; docs/benchmarks.md). Here the two sides of the OR (``sides``: handled by, and
    escalated to but not handled by, the user's organisations) are counted and read in deadline
    order separately, each from its own index (``feedback_open_handler``, ``feedback_open_escalated``)
    and only up to the end of the page; they are merged, and the page's rows are fetched by key.
    Five queries whatever the number of items.
    """

    def __init__(self, items, sides):
        self.items = items
        self.sides = sides

    def count(self) -> int:
        return sum(side.count() for side in self.sides)

    def __getitem__(self, index: slice):
        if not isinstance(index, slice) or index.step is not None:
            raise TypeError("an inbox is read one page (a slice) at a time")
        stop = index.stop if index.stop is not None else self.count()
        keys = []
        for side in self.sides:
            keys += side.order_by("resolve_due", "pk").values_list("resolve_due", "pk")[:stop]
        # Ascending deadlines, items without one last (as PostgreSQL and SQLite sort them), then pk.
        merged = sorted(keys, key=lambda key: (key[0] is None, key[0] or 0, key[1]))[index]
        rows = self.items.order_by().in_bulk([pk for _due, pk in merged])
        return [rows[pk] for _due, pk in merged if pk in rows]


@login_required
def inbox(request):
    _require_handler(request.user)
    if request.method == "POST":
        return _bulk(request)
    form = InboxFilterForm(request.GET or None)
    items, view, by_deadline = _filtered(request, form)
    export = request.GET.get("export")
    if export in {"csv", "xlsx"}:
        return _export(items, export)
    page = Paginator(by_deadline or items, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "feedback/staff/inbox.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "view": view,
            "now": timezone.now(),
            "views": InboxFilterForm.VIEWS,
        },
    )


def _bulk(request):
    action = request.POST.get("action")
    codes = request.POST.getlist("items")[: PER_PAGE * 4]
    items = staff_feedback(request.user).filter(tracking_code__in=codes)
    done, failed = 0, 0
    for feedback in items:
        try:
            if action == "assign_me":
                services.assign(feedback, actor=request.user, assignee=request.user)
            elif action in BULK_ACTIONS:
                services.change_status(feedback, BULK_ACTIONS[action], actor=request.user)
            else:
                raise services.FeedbackError(_("Choose an action."))
            done += 1
        except ValidationError:
            failed += 1
    if done:
        messages.success(request, ngettext("%(n)s item updated.", "%(n)s items updated.", done) % {"n": done})
    if failed:
        messages.error(
            request,
            ngettext(
                "%(n)s item could not be changed (not allowed in its current state).",
                "%(n)s items could not be changed (not allowed in their current state).",
                failed,
            )
            % {"n": failed},
        )
    return redirect(f"{request.path}?{request.POST.get('query', '')}")


def _export(items, fmt):
    header = [
        "tracking_code",
        "received_at",
        "kind",
        "category",
        "facility",
        "area",
        "status",
        "handled_by",
        "assigned_to",
        "resolve_due",
        "resolved_at",
        "channel",
        "rating",
    ]
    rows = (
        [
            f.tracking_code,
            timezone.localtime(f.received_at),
            f.get_kind_display(),
            str(f.category),
            f.service_unit.name if f.service_unit else "",
            f.admin_unit.name,
            f.get_status_display(),
            str(f.handling_organization or ""),
            str(f.assigned_to or ""),
            timezone.localtime(f.resolve_due) if f.resolve_due else "",
            timezone.localtime(f.resolved_at) if f.resolved_at else "",
            f.get_channel_display(),
            f.rating or "",
        ]
        for f in items[:50_000].iterator(chunk_size=2000)
    )
    return tabular_response("iltod-feedback", header, rows, fmt)


def _handlers(feedback):
    return (
        get_user_model()
        .objects.filter(
            memberships__organization_id=feedback.handling_organization_id,
            memberships__is_active=True,
            memberships__can_handle_feedback=True,
            is_active=True,
        )
        .order_by("full_name", "email")
    )


def _referral_targets(feedback):
    return (
        Organization.objects.filter(is_active=True)
        .exclude(pk=feedback.handling_organization_id)
        .exclude(
            kind__in=[
                Organization.Kind.CSO,
                Organization.Kind.NETWORK,
                Organization.Kind.MEDIA,
                Organization.Kind.DONOR,
                Organization.Kind.ACADEMIA,
            ]
        )
        .order_by("name")
    )


@login_required
def detail(request, code):
    feedback = get_feedback_for_staff(request.user, code)
    handler = can_handle(request.user, feedback)
    reporter = None
    forms = {
        "status": StatusForm(allowed=services.TRANSITIONS.get(feedback.status, ())),
        "respond": ResponseForm(),
        "assign": AssignForm(handlers=_handlers(feedback), initial={"assignee": feedback.assigned_to_id}),
        "refer": ReferForm(organizations=_referral_targets(feedback)),
        "extend": ExtendForm(),
        "duplicate": DuplicateForm(),
        "moderate": ModerationForm(
            initial={
                "public_text": feedback.public_description,
                "publish": "yes" if feedback.shows_text_publicly else "no",
            }
        ),
    }
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "identity":
                reporter = services.reporter_for(feedback, actor=request.user, request=request)
            else:
                result = _act(request, feedback, action, forms)
                if result is not None:
                    return result
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            feedback = get_feedback_for_staff(request.user, code)
    timeline = feedback.events.select_related("actor", "organization").order_by("created_at", "pk")
    return render(
        request,
        "feedback/staff/detail.html",
        {
            "feedback": feedback,
            "timeline": timeline,
            "forms": forms,
            "can_handle": handler,
            "can_extend": handler
            and can_extend(request.user, feedback)
            and not feedback.was_extended
            and feedback.is_open,
            "can_view_identity": can_view_identity(request.user, feedback),
            "reporter": reporter,
            "similar": (
                services.similar_open_items(feedback, within=staff_feedback(request.user))
                if handler and feedback.is_open
                else []
            ),
            "attachments": feedback.attachments.all(),
            "outbox": OutboundMessage.objects.for_object(feedback).order_by("-created_at")[:20],
        },
    )


def _act(request, feedback, action, forms):
    """Run one action from the case page; returns a redirect on success, None to re-render."""
    user = request.user
    done = redirect("feedback:staff_detail", code=feedback.tracking_code)
    if action == "status":
        form = forms["status"] = StatusForm(request.POST, allowed=services.TRANSITIONS.get(feedback.status, ()))
        if form.is_valid():
            services.change_status(feedback, form.cleaned_data["status"], actor=user, text=form.cleaned_data["text"])
            messages.success(request, _("Status changed."))
            return done
    elif action == "respond":
        form = forms["respond"] = ResponseForm(request.POST)
        if form.is_valid():
            services.respond(feedback, actor=user, text=form.cleaned_data["text"], public=form.cleaned_data["public"])
            messages.success(request, _("Saved."))
            return done
    elif action == "assign":
        form = forms["assign"] = AssignForm(request.POST, handlers=_handlers(feedback))
        if form.is_valid():
            services.assign(feedback, actor=user, assignee=form.cleaned_data["assignee"])
            messages.success(request, _("Assignment saved."))
            return done
    elif action == "refer":
        form = forms["refer"] = ReferForm(request.POST, organizations=_referral_targets(feedback))
        if form.is_valid():
            services.refer(
                feedback, actor=user, organization=form.cleaned_data["organization"], reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("Referred to %(org)s.") % {"org": form.cleaned_data["organization"]})
            return redirect("feedback:inbox") if not staff_feedback(user).filter(pk=feedback.pk).exists() else done
    elif action == "extend":
        form = forms["extend"] = ExtendForm(request.POST)
        if form.is_valid():
            services.extend_deadline(feedback, actor=user, **form.cleaned_data)
            messages.success(request, _("Deadline extended; the citizen will be told."))
            return done
    elif action == "duplicate":
        form = forms["duplicate"] = DuplicateForm(request.POST)
        if form.is_valid():
            original = staff_feedback(user).filter(tracking_code=form.cleaned_data["original"].strip().upper()).first()
            if original is None:
                form.add_error("original", _("No item you can see has this code."))
            else:
                services.mark_duplicate(feedback, actor=user, original=original)
                messages.success(request, _("Marked as a duplicate of %(code)s.") % {"code": original.tracking_code})
                return done
    elif action == "moderate":
        form = forms["moderate"] = ModerationForm(request.POST)
        if form.is_valid():
            services.moderate(
                feedback, actor=user, publish=form.cleaned_data["publish"], public_text=form.cleaned_data["public_text"]
            )
            messages.success(request, _("Moderation saved."))
            return done
    else:
        messages.error(request, _("Unknown action."))
        return done
    return None


@login_required
def intake(request):
    """Record a hotline call, a walk-in or a letter for a citizen."""
    _require_handler(request.user)
    facility = area = None
    code = request.POST.get("facility") or request.GET.get("facility")
    place = request.POST.get("place") or request.GET.get("place")
    if code:
        facility = ServiceUnit.objects.active().select_related("admin_unit", "sector").filter(code=code.upper()).first()
    elif place:
        area = (
            AdminUnit.objects.current()
            .filter(code=place)
            .exclude(level__in=[AdminUnit.Level.COUNTRY, AdminUnit.Level.CAPITAL, AdminUnit.Level.AIMAG])
            .first()
        )
    if facility is None and area is None:
        return choose_place(request, staff_intake=True)
    form = StaffIntakeForm(request.POST or None, request.FILES or None, sector=facility.sector if facility else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            feedback, _created = services.submit_feedback(
                form.submission(facility=facility, area=area, channel=data["channel"], received_at=data["received_at"]),
                actor=request.user,
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("Recorded as %(code)s. Give this code to the citizen.") % {"code": feedback.tracking_code}
            )
            if staff_feedback(request.user).filter(pk=feedback.pk).exists():
                return redirect("feedback:staff_detail", code=feedback.tracking_code)
            return redirect("feedback:inbox")
    return render(request, "feedback/staff/intake.html", {"form": form, "facility": facility, "area": area})


@login_required
def import_view(request):
    _require_handler(request.user)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = read_rows(upload)
        except TabularError as exc:
            form.add_error("file", str(exc))
        else:
            report = import_feedback(rows, actor=request.user, dry_run=form.cleaned_data["dry_run"], source=upload.name)
            if report.ok and not report.dry_run:
                messages.success(
                    request,
                    _("Imported: %(created)s created, %(unchanged)s already there.")
                    % {"created": report.created, "unchanged": report.unchanged},
                )
                return redirect("feedback:inbox")
    return render(request, "feedback/staff/import.html", {"form": form, "report": report})


@login_required
@require_POST
def retry_message(request, code, message_id):
    feedback = get_feedback_for_staff(request.user, code)
    if not can_handle(request.user, feedback):
        raise Http404
    message = OutboundMessage.objects.for_object(feedback).filter(message_id=message_id).first()
    if message is None:
        raise Http404
    retry_now(message)
    messages.success(request, _("The message will be sent again."))
    return redirect("feedback:staff_detail", code=code)
