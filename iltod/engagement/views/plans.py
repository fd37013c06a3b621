"""Pages of joint action plans, actions, updates and their approval, outcome stories.

The plan page has a slot, ``render_panels("action_plan", request, plan)``, where a higher module
(score cards) shows where the plan came from."""

import mimetypes
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.db.models import Avg, Count, Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from iltod.accounts.services import events_for
from iltod.core.panels import render_panels
from iltod.lib.tabular import tabular_response

from .. import services
from ..forms.plans import ActionForm, PlanForm, PlanStatusForm, ReviewForm, StoryForm, UpdateForm
from ..models import Action, ActionPlan, ActionUpdate, Document, OutcomeStory
from ..permissions import (
    COORDINATE,
    MEMBER,
    VIEW,
    can_review_updates,
    coordinated_groups,
    get_action,
    get_group,
    get_plan,
    get_update,
    group_role,
    is_member,
)
from ..services.plans import OPEN_FOR_UPDATES, PLAN_TRANSITIONS

PLANS_PER_PAGE = 20
UPDATES_PER_PAGE = 20
QUEUE_PER_PAGE = 25
GROUP_TIMELINE = 10  # latest approved updates on a group's plan list

# ---------------------------------------------------------------------------------------------
# Progress: actions by status, for the progress bars


@dataclass
class StatusBar:
    status: str
    label: str
    count: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.count / self.total) if self.total else 0


@dataclass
class Progress:
    bars: list[StatusBar]
    total: int
    average: int  # mean progress % of the actions that are not cancelled
    overdue: int


def _progress(rows, today) -> Progress:
    counts = {status: 0 for status in Action.Status.values}
    progress_sum = progress_n = overdue = 0
    for status, progress, due_on in rows:
        counts[status] += 1
        if status != Action.Status.CANCELLED:
            progress_sum += progress
            progress_n += 1
        if due_on and due_on < today and status in {Action.Status.NOT_STARTED, Action.Status.IN_PROGRESS}:
            overdue += 1
    total = sum(counts.values())
    bars = [StatusBar(s, Action.Status(s).label, counts[s], total) for s in Action.Status.values]
    return Progress(bars, total, round(progress_sum / progress_n) if progress_n else 0, overdue)


def progress_of(actions) -> Progress:
    """Progress of a plan (or several together) from its actions, in one query."""
    return _progress(actions.values_list("status", "progress", "due_on"), timezone.localdate())


def progress_by_plan(plans) -> dict[int, Progress]:
    """Progress of each of ``plans``, by plan id, in one query."""
    rows: dict[int, list] = {plan.pk: [] for plan in plans}
    actions = Action.objects.filter(plan__in=list(rows)).values_list("plan_id", "status", "progress", "due_on")
    for plan_id, *row in actions:
        rows[plan_id].append(row)
    today = timezone.localdate()
    return {plan_id: _progress(plan_rows, today) for plan_id, plan_rows in rows.items()}


def _field_label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def _status_label(value) -> str:
    for choices in (ActionPlan.Status, Action.Status):
        if value in choices.values:
            return str(choices(value).label)
    return value


def _shown(name: str, value):
    if name == "status":
        return _status_label(value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or None
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return value


def _history(obj):
    """The record's audit events, newest first, each with a label and its changes in words."""
    model = type(obj)
    events = list(events_for(obj)[:200])
    for event in events:
        data = event.data or {}
        event.label = event.get_action_display()
        event.changes = []
        if "old" in data and "new" in data:
            event.changes.append((_("status"), _status_label(data["old"]), _status_label(data["new"])))
        for name, values in (data.get("changes") or {}).items():
            before, after = (_shown(name, value) for value in values)
            event.changes.append((_field_label(model, name), before, after))
        event.note = data.get("note", "")
        event.update_code = data.get("update", "")
    return events


def _documents(public: bool):
    documents = Document.objects.order_by("uploaded_at", "pk")
    return Prefetch("documents", queryset=documents.filter(is_public=True) if public else documents)


# ---------------------------------------------------------------------------------------------
# Plans


def plan_list(request, code):
    """A group's action plans with their progress; the public sees agreed public plans only."""
    group = get_group(request.user, code, VIEW)
    role = group_role(request.user, group)
    visible = group.action_plans.all() if role else group.action_plans.public()
    # The group's progress: every action of the plans shown, by status, and the latest approved updates.
    latest = (
        ActionUpdate.objects.filter(action__plan__in=visible, review=ActionUpdate.Review.APPROVED)
        .select_related("action", "action__plan", "action__plan__group")
        .prefetch_related(_documents(not role))
        .order_by("-reviewed_at", "-pk")[:GROUP_TIMELINE]
    )
    plans = visible.select_related("meeting", "issue", "service_unit").annotate(
        action_count=Count("actions", distinct=True),
        done_count=Count("actions", filter=Q(actions__status=Action.Status.DONE), distinct=True),
        average_progress=Avg("actions__progress", filter=~Q(actions__status=Action.Status.CANCELLED)),
    )
    page = Paginator(plans.order_by("-created_at", "-pk"), PLANS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "engagement/plan_list.html",
        {
            "group": group,
            "page": page,
            "can_coordinate": role == COORDINATE,
            "is_member": bool(role),
            "progress": progress_of(Action.objects.filter(plan__in=visible)),
            "timeline": latest,
        },
    )


def _initial_from_query(request, group) -> dict:
    """``?meeting=<code>&issue=<code>`` from a meeting's or an issue's page preselects them."""
    initial = {}
    meeting = group.meetings.filter(code=request.GET.get("meeting", "")).first()
    if meeting:
        initial["meeting"] = meeting
    issue = group.issues.filter(code=request.GET.get("issue", "")).first()
    if issue:
        initial["issue"] = issue
        initial["title"] = issue.title
        if issue.service_unit_id:
            initial["service_unit"] = issue.service_unit
    return initial


@login_required
def plan_create(request, code):
    group = get_group(request.user, code, COORDINATE)
    if request.method == "POST":
        form = PlanForm(request.POST, group=group)
        if form.is_valid():
            plan = services.create_action_plan(actor=request.user, group=group, request=request, **form.cleaned_data)
            messages.success(request, _("The plan was created as a draft. Add its actions, then mark it agreed."))
            return redirect(plan)
    else:
        form = PlanForm(group=group, initial=_initial_from_query(request, group))
    return render(request, "engagement/plan_form.html", {"group": group, "form": form})


@login_required
def plan_edit(request, code):
    plan = get_plan(request.user, code, COORDINATE)
    if request.method == "POST":
        form = PlanForm(request.POST, instance=plan, group=plan.group)
        if form.is_valid():
            services.edit_plan(plan, actor=request.user, request=request, **form.cleaned_data)
            messages.success(request, _("The plan was saved."))
            return redirect(plan)
    else:
        form = PlanForm(instance=plan, group=plan.group)
    return render(request, "engagement/plan_form.html", {"group": plan.group, "form": form, "plan": plan})


@login_required
@require_POST
def plan_status(request, code):
    plan = get_plan(request.user, code, COORDINATE)
    form = PlanStatusForm(request.POST, plan=plan)
    if not form.is_valid():
        messages.error(request, _("Choose one of the statuses offered."))
        return redirect(plan)
    try:
        services.change_plan_status(
            plan, form.cleaned_data["status"], actor=request.user, note=form.cleaned_data["note"], request=request
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("The plan is now “%(status)s”.") % {"status": plan.get_status_display()})
    return redirect(plan)


def _actions(plan):
    return plan.actions.select_related("lead_organization", "responsible_user").prefetch_related("co_responsible")


def _timeline(plan, *, public: bool):
    """Approved updates of the plan's actions, newest first: the public timeline."""
    return (
        ActionUpdate.objects.filter(action__plan=plan, review=ActionUpdate.Review.APPROVED)
        .select_related("action", "author")
        .prefetch_related(_documents(public))
        .order_by("-reviewed_at", "-pk")
    )


def plan_detail(request, code):
    plan = get_plan(request.user, code, VIEW)
    role = group_role(request.user, plan.group)
    stories = plan.stories.select_related("action").order_by("-created_at", "-pk")
    if not role:
        stories = stories.filter(is_public=True)
    context = {
        "plan": plan,
        "group": plan.group,
        "role": role,
        "can_coordinate": role == COORDINATE,
        "actions": _actions(plan),
        "progress": progress_of(plan.actions.all()),
        "timeline": Paginator(_timeline(plan, public=not role), UPDATES_PER_PAGE).get_page(request.GET.get("page")),
        "stories": stories,
        "today": timezone.localdate(),
        # A higher module (score cards…) says where the plan came from.
        "panels": render_panels("action_plan", request, plan),
    }
    if role:
        context["history"] = _history(plan)
        context["pending"] = ActionUpdate.objects.filter(action__plan=plan, review=ActionUpdate.Review.PENDING).count()
    if role == COORDINATE and PLAN_TRANSITIONS[plan.status]:
        context["status_form"] = PlanStatusForm(plan=plan)
    return render(request, "engagement/plan_detail.html", context)


def plan_print(request, code):
    """The plan on A4, for a meeting: actions, who, by when, status and progress."""
    plan = get_plan(request.user, code, VIEW)
    return render(
        request,
        "engagement/plan_print.html",
        {"plan": plan, "actions": _actions(plan), "progress": progress_of(plan.actions.all()), "now": timezone.now()},
    )


EXPORT_FORMATS = {"csv", "xlsx"}


def plan_export(request, code, fmt):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    plan = get_plan(request.user, code, VIEW)
    public = not group_role(request.user, plan.group)
    latest = ActionUpdate.objects.filter(review=ActionUpdate.Review.APPROVED).order_by("-reviewed_at", "-pk")
    actions = _actions(plan).prefetch_related(Prefetch("updates", queryset=latest, to_attr="approved_updates"))
    header = [
        _("No."),
        _("Action"),
        _("Description"),
        _("Lead organisation"),
        _("Co-responsible organisations"),
        _("Responsible person"),
        _("Due date"),
        _("Resources"),
        _("Status"),
        _("Progress %"),
        _("Completed on"),
        _("Overdue"),
        _("Latest approved update"),
        _("Updated on"),
    ]
    rows = []
    for number, action in enumerate(actions, start=1):
        last = action.approved_updates[0] if action.approved_updates else None
        person = action.responsible_person or (
            action.responsible_user.get_full_name() if action.responsible_user_id and not public else ""
        )
        rows.append(
            [
                number,
                action.title,
                action.description,
                str(action.lead_organization or ""),
                "; ".join(sorted(str(o) for o in action.co_responsible.all())),
                person,
                action.due_on,
                action.resources,
                action.get_status_display(),
                action.progress,
                action.completed_on,
                _("yes") if action.is_overdue else _("no"),
                last.text if last else "",
                timezone.localtime(last.reviewed_at).date() if last and last.reviewed_at else None,
            ]
        )
    return tabular_response(f"action-plan-{plan.code}", header, rows, fmt)


# ---------------------------------------------------------------------------------------------
# Actions and their updates


@login_required
def action_create(request, code):
    plan = get_plan(request.user, code, COORDINATE)
    if plan.status in {ActionPlan.Status.COMPLETED, ActionPlan.Status.CANCELLED}:
        raise Http404
    form = ActionForm(request.POST if request.method == "POST" else None, plan=plan, instance=Action(plan=plan))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        services.add_action(
            actor=request.user,
            plan=plan,
            request=request,
            co_responsible=list(data.pop("co_responsible") or []),
            **data,
        )
        messages.success(request, _("The action was added."))
        if "another" in request.POST:
            return redirect("engagement:action_create", plan.code)
        return redirect(plan)
    return render(request, "engagement/action_form.html", {"plan": plan, "form": form})


@login_required
def action_edit(request, code):
    action = get_action(request.user, code, COORDINATE)
    plan = action.plan
    if request.method == "POST":
        form = ActionForm(request.POST, plan=plan, instance=action)
        if form.is_valid():
            data = dict(form.cleaned_data)
            co_responsible = list(data.pop("co_responsible") or [])
            if data.get("order") is None:
                data["order"] = Action.objects.get(pk=action.pk).order
            services.edit_action(action, actor=request.user, co_responsible=co_responsible, request=request, **data)
            messages.success(request, _("The action was saved."))
            return redirect(action)
    else:
        form = ActionForm(plan=plan, instance=action)
    return render(request, "engagement/action_form.html", {"plan": plan, "form": form, "action": action})


def _render_action(request, action, *, update_form=None, status=200):
    plan = action.plan
    role = group_role(request.user, plan.group)
    updates = action.updates.select_related("author", "reviewed_by").prefetch_related(_documents(not role))
    if not role:
        updates = updates.filter(review=ActionUpdate.Review.APPROVED)
    can_update = bool(role) and plan.status in OPEN_FOR_UPDATES
    context = {
        "action": action,
        "plan": plan,
        "group": plan.group,
        "role": role,
        "can_coordinate": role == COORDINATE,
        "co_responsible": action.co_responsible.all(),
        "page": Paginator(updates.order_by("-created_at", "-pk"), UPDATES_PER_PAGE).get_page(request.GET.get("page")),
        "can_update": can_update,
        "update_form": update_form or (UpdateForm() if can_update else None),
        "review_form": ReviewForm() if role == COORDINATE else None,
        "stories": action.stories.filter(is_public=True) if not role else action.stories.all(),
    }
    if role:
        context["history"] = _history(action)
    return render(request, "engagement/action_detail.html", context, status=status)


def action_detail(request, code):
    return _render_action(request, get_action(request.user, code, VIEW))


@login_required
@require_POST
def update_create(request, code):
    """A member reports progress on an action; a coordinator's report applies at once."""
    action = get_action(request.user, code, MEMBER)
    form = UpdateForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_action(request, action, update_form=form, status=400)
    data = form.cleaned_data
    try:
        update = services.post_update(
            action,
            actor=request.user,
            text=data["text"],
            new_status=data["new_status"],
            new_progress=data["new_progress"],
            files=form.evidence(),
            request=request,
        )
    except ValidationError as exc:
        form.add_error(None, exc.messages[0])
        return _render_action(request, action, update_form=form, status=400)
    if update.review == ActionUpdate.Review.APPROVED:
        messages.success(request, _("The update was recorded and applied."))
    else:
        messages.success(request, _("The update was sent to the group's coordinator for approval."))
    return redirect(action)


@login_required
def update_queue(request):
    """Every update waiting for approval in the groups the user coordinates."""
    if not can_review_updates(request.user):
        raise Http404
    groups = coordinated_groups(request.user)
    pending = (
        ActionUpdate.objects.filter(review=ActionUpdate.Review.PENDING, action__plan__group__in=groups)
        .select_related("action", "action__plan", "action__plan__group", "author")
        .prefetch_related(_documents(False))
        .order_by("created_at", "pk")
    )
    page = Paginator(pending, QUEUE_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "engagement/update_queue.html", {"page": page, "review_form": ReviewForm()})


@login_required
@require_POST
def update_review(request, code):
    update = get_update(request.user, code, COORDINATE)
    form = ReviewForm(request.POST)
    back = redirect("engagement:update_queue") if request.POST.get("next") == "queue" else redirect(update.action)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, errors[0])
        return back
    approve = form.cleaned_data["decision"] == "approve"
    try:
        services.review_update(
            update, actor=request.user, approve=approve, note=form.cleaned_data["note"], request=request
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return back
    if approve:
        messages.success(request, _("The update was approved and applied to “%(action)s”.") % {"action": update.action})
    else:
        messages.success(request, _("The update was rejected; its author can read your note."))
    return back


# ---------------------------------------------------------------------------------------------
# Outcome stories


@login_required
def story_create(request, code):
    plan = get_plan(request.user, code, COORDINATE)
    form = StoryForm(*((request.POST, request.FILES) if request.method == "POST" else ()), plan=plan)
    if request.method == "POST" and form.is_valid():
        services.add_story(plan, actor=request.user, request=request, **form.cleaned_data)
        messages.success(request, _("The story was added."))
        return redirect(plan)
    return render(request, "engagement/story_form.html", {"plan": plan, "form": form})


def story_photo(request, code):
    """A story's photo, for those who may read the story (never served from the media folder)."""
    story = OutcomeStory.objects.select_related("plan__group").filter(code=code).first()
    if story is None or not story.photo:
        raise Http404
    plan = get_plan(request.user, story.plan.code, VIEW)
    if not story.is_public and not is_member(request.user, plan.group):
        raise Http404
    content_type = mimetypes.guess_type(story.photo.name)[0] or "application/octet-stream"
    if not content_type.startswith("image/"):
        raise Http404
    try:
        handle = story.photo.open("rb")
    except FileNotFoundError:
        raise Http404 from None  # the file was removed from the storage
    response = FileResponse(handle, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


# ---------------------------------------------------------------------------------------------
# The facility page's section (registered in apps.py)


def facility_panel(request, facility):
    """Public action plans about a facility, with their progress by status."""
    plans = list(
        ActionPlan.objects.public()
        .filter(service_unit=facility)
        .select_related("group")
        .order_by("-created_at", "-pk")[:5]
    )
    if not plans:
        return ""
    progress = progress_by_plan(plans)
    for plan in plans:
        plan.progress = progress[plan.pk]
    return render_to_string(
        "engagement/panels/facility_plans.html", {"plans": plans, "facility": facility}, request=request
    )


urlpatterns = [
    path("groups/<str:code>/plans/", plan_list, name="plan_list"),
    path("groups/<str:code>/plans/new/", plan_create, name="plan_create"),
    path("plans/<str:code>/", plan_detail, name="plan_detail"),
    path("plans/<str:code>/edit/", plan_edit, name="plan_edit"),
    path("plans/<str:code>/status/", plan_status, name="plan_status"),
    path("plans/<str:code>/print/", plan_print, name="plan_print"),
    path("plans/<str:code>/export.<str:fmt>", plan_export, name="plan_export"),
    path("plans/<str:code>/actions/new/", action_create, name="action_create"),
    path("plans/<str:code>/stories/new/", story_create, name="story_create"),
    path("stories/<str:code>/photo/", story_photo, name="story_photo"),
    path("actions/<str:code>/", action_detail, name="action_detail"),
    path("actions/<str:code>/edit/", action_edit, name="action_edit"),
    path("actions/<str:code>/updates/new/", update_create, name="update_create"),
    path("updates/", update_queue, name="update_queue"),
    path("updates/<str:code>/review/", update_review, name="update_review"),
]
