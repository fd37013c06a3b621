"""Staff pages: inbox, case handling, hotline/walk-in intake, legacy import."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST, require_safe

from iltod.core.forms import ImportUploadForm
from iltod.core.panels import render_panels
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
from .models import Feedback, normalize_tracking_code
from .permissions import (
    assignees,
    can_extend,
    can_handle,
    can_oversee,
    can_view_identity,
    get_feedback_for_staff,
    guarded_from,
    handler_organization_ids,
    referral_targets,
    staff_feedback,
    work_list,
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
    overseen = view == "overseen"
    views = {
        "open": lambda qs: qs.open(),
        "overdue": lambda qs: qs.overdue(),
        "due_soon": lambda qs: qs.due_soon(),
        "unassigned": lambda qs: qs.open().filter(assigned_to__isnull=True),
        "mine": lambda qs: qs.filter(assigned_to=user).open(),
        "escalated": lambda qs: qs.open().filter(escalated_to_id__in=own),
        # read only: open items handled by the facilities (or bodies) the organisation oversees
        "overseen": lambda qs: qs,
        "closed": lambda qs: qs.exclude(status__in=Feedback.OPEN_STATUSES),
        "all": lambda qs: qs,
    }
    steps.append(views.get(view, views["open"]))

    def narrow(qs):
        for step in steps:
            qs = step(qs)
        return qs

    visible = staff_feedback(user).select_related(
        "category", "service_unit", "admin_unit", "assigned_to", "handling_organization"
    )
    items = narrow(work_list(user, visible, overseen=overseen))
    if view in {"closed", "all"}:
        return items.order_by("-received_at", "-pk"), view, None
    items = items.order_by("resolve_due", "pk")
    if overseen or not own or user.is_superuser:
        return items, view, None
    sides = [
        narrow(guarded_from(user, Feedback.objects.filter(handling_organization_id__in=own))),
        narrow(
            guarded_from(
                user, Feedback.objects.filter(escalated_to_id__in=own).exclude(handling_organization_id__in=own)
            )
        ),
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
    return assignees(feedback).order_by("full_name", "email")


NOT_REFERRAL_TARGETS = [
    Organization.Kind.CSO,
    Organization.Kind.NETWORK,
    Organization.Kind.MEDIA,
    Organization.Kind.DONOR,
    Organization.Kind.ACADEMIA,
]


def _referral_targets(feedback, search: str = ""):
    """Bodies the item may be referred to: public bodies and providers, never one the guard keeps
    away from it; narrowed by ``search`` (name, in Cyrillic or Latin letters)."""
    targets = Organization.objects.filter(is_active=True).exclude(kind__in=NOT_REFERRAL_TARGETS)
    if search:
        targets = targets.search(search)
    return referral_targets(feedback, targets).select_related("home_unit").order_by("kind", "name")


def _grouped_targets(targets) -> list:
    """The referral list grouped by kind of body, each option naming its area."""
    groups: dict[str, list] = {}
    for org in targets:
        label = f"{org.name} · {org.home_unit.name}" if org.home_unit_id else org.name
        groups.setdefault(org.get_kind_display(), []).append((org.pk, label))
    return [("", "---------"), *((kind.capitalize(), options) for kind, options in groups.items())]


def _refer_form(feedback, data=None, search: str = ""):
    targets = _referral_targets(feedback, search)
    form = ReferForm(data, organizations=targets)
    form.fields["organization"].choices = _grouped_targets(targets)
    return form


# The reporter's privacy choice as staff read it: about the reporter, in the third person (the
# model's labels speak for the citizen choosing: "my name may be shown").
PRIVACY_FOR_STAFF = {
    Feedback.Privacy.PUBLIC: gettext_lazy("Public: the reporter agreed that their name be shown."),
    Feedback.Privacy.NAME_HIDDEN: gettext_lazy(
        "Name hidden: the reporter asked that their name be hidden from the public."
    ),
    Feedback.Privacy.CONFIDENTIAL: gettext_lazy(
        "Confidential: the reporter asked that only the handling body know who they are."
    ),
    Feedback.Privacy.ANONYMOUS: gettext_lazy("Anonymous: the reporter left nothing about themselves."),
}


def _forms(feedback, refer_search: str = "") -> dict:
    return {
        "status": StatusForm(allowed=services.TRANSITIONS.get(feedback.status, ())),
        "respond": ResponseForm(),
        "assign": AssignForm(handlers=_handlers(feedback), initial={"assignee": feedback.assigned_to_id}),
        "refer": _refer_form(feedback, search=refer_search),
        "extend": ExtendForm(),
        "duplicate": DuplicateForm(),
        "moderate": ModerationForm(
            initial={
                "public_text": feedback.public_description,
                "publish": "yes" if feedback.shows_text_publicly else "no",
            }
        ),
    }


def _render_case(request, feedback, *, bound=None, reporter=None, status=200):
    """The case page; ``bound`` replaces one of its forms with the one just posted (with errors)."""
    user = request.user
    handler = can_handle(user, feedback)
    refer_search = (request.GET.get("refer_q") or "").strip()[:100]
    forms = _forms(feedback, refer_search)
    forms.update(bound or {})
    timeline = feedback.events.select_related("actor", "organization").order_by("created_at", "pk")
    return render(
        request,
        "feedback/staff/detail.html",
        {
            "feedback": feedback,
            "timeline": timeline,
            "forms": forms,
            "refer_search": refer_search,
            "can_handle": handler,
            "can_extend": handler and can_extend(user, feedback) and not feedback.was_extended and feedback.is_open,
            "can_oversee": can_oversee(user, feedback),
            "can_view_identity": can_view_identity(user, feedback),
            "privacy_for_staff": PRIVACY_FOR_STAFF.get(feedback.privacy, ""),
            # resolving reuses the public response just posted: nobody types the answer twice
            "latest_response": services.latest_public_response(feedback) if handler and feedback.is_open else "",
            "reporter": reporter,
            "similar": (
                services.similar_open_items(feedback, within=staff_feedback(user))
                if handler and feedback.is_open
                else []
            ),
            "attachments": feedback.attachments.all(),
            "outbox": OutboundMessage.objects.for_object(feedback).order_by("-created_at")[:20],
            # what the item came from, before moderation too (slot "feedback_staff")
            "panels": render_panels("feedback_staff", request, feedback),
        },
        status=status,
    )


@login_required
@require_safe
def detail(request, code):
    return _render_case(request, get_feedback_for_staff(request.user, code))


# --- One view per action on the case page -------------------------------------------------------
# Each fetches the item as the case page does (404 if the user may not see it), checks the right
# to act, validates its form and calls one service. A refusal or a rule the service enforces comes
# back as a message on the case page; an invalid form re-renders the page with its errors.


def _refused(request, feedback):
    messages.error(request, _("You cannot do this for this item."))
    return redirect("feedback:staff_detail", code=feedback.tracking_code)


def _run(request, feedback, name, form, *, action, success):
    """Validate ``form`` and run ``action(data)``; ``success`` is the message (or a function of the
    data giving it). Returns the response."""
    if not form.is_valid():
        return _render_case(request, feedback, bound={name: form})
    try:
        response = action(form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success(form.cleaned_data) if callable(success) else success)
        if isinstance(response, HttpResponse):
            return response
    return redirect("feedback:staff_detail", code=feedback.tracking_code)


def _handled_case(request, code):
    """The item, and whether the user may act on it as its handler."""
    feedback = get_feedback_for_staff(request.user, code)
    return feedback, can_handle(request.user, feedback)


@login_required
@require_POST
def change_status(request, code):
    feedback, allowed = _handled_case(request, code)
    if not allowed:
        return _refused(request, feedback)
    form = StatusForm(request.POST, allowed=services.TRANSITIONS.get(feedback.status, ()))
    return _run(
        request,
        feedback,
        "status",
        form,
        action=lambda data: services.change_status(feedback, data["status"], actor=request.user, text=data["text"]),
        success=_("Status changed."),
    )


@login_required
@require_POST
def respond(request, code):
    """A public response (the handler) or an internal note (anyone who sees the item)."""
    feedback = get_feedback_for_staff(request.user, code)
    form = ResponseForm(request.POST)
    if form.is_valid() and form.cleaned_data["public"] and not can_handle(request.user, feedback):
        return _refused(request, feedback)
    return _run(
        request,
        feedback,
        "respond",
        form,
        action=lambda data: services.respond(feedback, actor=request.user, text=data["text"], public=data["public"]),
        success=_("Saved."),
    )


@login_required
@require_POST
def assign(request, code):
    feedback, allowed = _handled_case(request, code)
    if not allowed:
        return _refused(request, feedback)
    form = AssignForm(request.POST, handlers=_handlers(feedback))
    return _run(
        request,
        feedback,
        "assign",
        form,
        action=lambda data: services.assign(feedback, actor=request.user, assignee=data["assignee"]),
        success=_("Assignment saved."),
    )


@login_required
@require_POST
def refer(request, code):
    feedback, allowed = _handled_case(request, code)
    if not allowed:
        return _refused(request, feedback)
    form = _refer_form(feedback, request.POST)

    def run(data):
        services.refer(feedback, actor=request.user, organization=data["organization"], reason=data["reason"])
        if not staff_feedback(request.user).filter(pk=feedback.pk).exists():
            return redirect("feedback:inbox")
        return None

    return _run(
        request,
        feedback,
        "refer",
        form,
        action=run,
        success=lambda data: _("Referred to %(org)s.") % {"org": data["organization"]},
    )


@login_required
@require_POST
def extend(request, code):
    feedback, allowed = _handled_case(request, code)
    if not (allowed and can_extend(request.user, feedback)):
        return _refused(request, feedback)
    return _run(
        request,
        feedback,
        "extend",
        ExtendForm(request.POST),
        action=lambda data: services.extend_deadline(feedback, actor=request.user, **data),
        success=_("Deadline extended; the citizen will be told."),
    )


@login_required
@require_POST
def mark_duplicate(request, code):
    feedback, allowed = _handled_case(request, code)
    if not allowed:
        return _refused(request, feedback)
    form = DuplicateForm(request.POST)
    if form.is_valid():
        original = (
            staff_feedback(request.user)
            .filter(tracking_code=normalize_tracking_code(form.cleaned_data["original"]))
            .first()
        )
        if original is None:
            form.add_error("original", _("No item you can see has this code."))
    return _run(
        request,
        feedback,
        "duplicate",
        form,
        action=lambda data: services.mark_duplicate(feedback, actor=request.user, original=original),
        success=lambda data: _("Marked as a duplicate of %(code)s.") % {"code": original.tracking_code},
    )


@login_required
@require_POST
def moderate(request, code):
    feedback, allowed = _handled_case(request, code)
    if not allowed:
        return _refused(request, feedback)
    return _run(
        request,
        feedback,
        "moderate",
        ModerationForm(request.POST),
        action=lambda data: services.moderate(
            feedback, actor=request.user, publish=data["publish"], public_text=data["public_text"]
        ),
        success=_("Moderation saved."),
    )


@login_required
@require_POST
def show_identity(request, code):
    """The reporter's identity, on the case page: for the identity capability only, audited."""
    feedback = get_feedback_for_staff(request.user, code)
    if not can_view_identity(request.user, feedback):
        return _refused(request, feedback)
    reporter = services.reporter_for(feedback, actor=request.user, request=request)
    response = _render_case(request, feedback, reporter=reporter)
    response["Cache-Control"] = "no-store"  # the reporter's details must not stay in any cache
    return response


@login_required
@require_POST
def take_over(request, code):
    """The oversight body (or the body the item was escalated to) becomes its handler."""
    feedback = get_feedback_for_staff(request.user, code)
    if not can_oversee(request.user, feedback):
        return _refused(request, feedback)
    try:
        feedback = services.take_over(feedback, actor=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("Taken over: %(org)s now handles this item.") % {"org": feedback.handling_organization}
        )
    return redirect("feedback:staff_detail", code=feedback.tracking_code)


@login_required
@require_POST
def escalate(request, code):
    """The oversight body sends the item one level up now."""
    feedback = get_feedback_for_staff(request.user, code)
    if not can_oversee(request.user, feedback):
        return _refused(request, feedback)
    try:
        feedback = services.escalate(feedback, actor=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Escalated to %(org)s.") % {"org": feedback.escalated_to})
    if staff_feedback(request.user).filter(pk=feedback.pk).exists():
        return redirect("feedback:staff_detail", code=feedback.tracking_code)
    return redirect("feedback:inbox")


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
