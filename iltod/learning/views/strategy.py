"""Pages of the network's strategic plan: the list, the plan as focus areas → objectives → action
points with progress rolled up, reviews with decisions, and the report of progress on an action
point (engagement's update with evidence; the approval queue is engagement's)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from iltod.accounts.capabilities import Capability
from iltod.accounts.permissions import organization_ids_with
from iltod.engagement import services as engagement
from iltod.engagement.forms.plans import UpdateForm
from iltod.engagement.models import Action, ActionUpdate
from iltod.engagement.views.shared import page_of, query_without_page
from iltod.organizations.models import Organization

from .. import services
from ..forms.strategy import ActionPointForm, FocusAreaForm, ObjectiveForm, PlanForm, ReviewForm, VisibilityForm
from ..models.strategy import Objective, StrategicPlan
from ..permissions import can_manage_plan, can_report_on, can_view_plan, get_strategic_plan


def _managed_networks(user):
    networks = Organization.objects.networks().filter(is_active=True)
    if user.is_superuser:
        return networks
    return networks.filter(pk__in=organization_ids_with(user, Capability.MANAGE_NETWORK))


def strategy_list(request):
    plans = [p for p in StrategicPlan.objects.select_related("network") if can_view_plan(request.user, p)]
    can_create = request.user.is_authenticated and _managed_networks(request.user).exists()
    return render(request, "learning/strategy_list.html", {"plans": plans, "can_create": can_create})


@login_required
def strategy_create(request):
    networks = _managed_networks(request.user)
    if not networks.exists():
        raise Http404
    form = PlanForm(request.POST or None, networks=networks)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.create_strategic_plan(actor=request.user, request=request, **form.service_arguments())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The plan was created."))
            return redirect(plan)
    return render(
        request, "learning/strategy_form.html", {"form": form}, status=400 if request.method == "POST" else 200
    )


def strategy_detail(request, code):
    plan = get_strategic_plan(request.user, code)
    manager = can_manage_plan(request.user, plan)
    actions = (
        Action.objects.select_related("lead_organization").prefetch_related("co_responsible").order_by("order", "pk")
    )
    areas = plan.focus_areas.prefetch_related(
        Prefetch(
            "objectives",
            queryset=Objective.objects.select_related("action_plan").prefetch_related(
                Prefetch("action_plan__actions", queryset=actions)
            ),
        )
    )
    context = {
        "plan": plan,
        "areas": areas,
        "progress": services.plan_progress(plan),
        "reviews": page_of(request, plan.reviews.all(), 20),
        "query": query_without_page(request),
        "manager": manager,
    }
    if manager:
        context.update(
            area_form=FocusAreaForm(prefix="area"),
            objective_form=ObjectiveForm(prefix="objective", plan=plan),
            action_form=ActionPointForm(prefix="action", plan=plan),
            review_form=ReviewForm(prefix="review"),
            visibility_form=VisibilityForm(initial={"visibility": plan.visibility}),
            pending=ActionUpdate.objects.filter(
                action__plan__group=plan.group, review=ActionUpdate.Review.PENDING
            ).count(),
        )
    return render(request, "learning/strategy_detail.html", context)


@login_required
@require_POST
def strategy_change(request, code, what):
    """The administrator adds a focus area, an objective, an action point or a review, or changes
    who may see the plan."""
    plan = get_strategic_plan(request.user, code, manage=True)
    forms = {
        "area": lambda: FocusAreaForm(request.POST, prefix="area"),
        "objective": lambda: ObjectiveForm(request.POST, prefix="objective", plan=plan),
        "action": lambda: ActionPointForm(request.POST, prefix="action", plan=plan),
        "review": lambda: ReviewForm(request.POST, prefix="review"),
        "visibility": lambda: VisibilityForm(request.POST),
    }
    if what not in forms:
        raise Http404
    form = forms[what]()
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(plan)
    data = dict(form.cleaned_data)
    try:
        if what == "area":
            services.add_focus_area(plan, actor=request.user, request=request, **data)
        elif what == "objective":
            area = data.pop("focus_area")
            services.add_objective(area, actor=request.user, request=request, **data)
        elif what == "action":
            objective = data.pop("objective")
            services.add_action_point(objective, actor=request.user, request=request, **data)
        elif what == "review":
            services.add_review(plan, actor=request.user, request=request, **data)
        else:
            services.set_visibility(plan, data["visibility"], actor=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The plan was saved."))
    return redirect(plan)


@login_required
def action_report(request, code, action_code):
    """Progress on an action point with evidence; a member's report waits for the administrator."""
    plan = get_strategic_plan(request.user, code)
    action = (
        Action.objects.select_related("plan__group", "lead_organization")
        .filter(code=action_code, plan__strategic_objective__focus_area__plan=plan)
        .first()
    )
    if action is None or not can_report_on(request.user, action):
        raise Http404
    form = UpdateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            update = engagement.post_update(
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
        else:
            if update.review == ActionUpdate.Review.APPROVED:
                messages.success(request, _("The update was recorded and applied."))
            else:
                messages.success(request, _("The update waits for the network administrator's approval."))
            return redirect(plan)
    updates = page_of(
        request, action.updates.filter(review=ActionUpdate.Review.APPROVED).order_by("-created_at", "-pk"), 20
    )
    return render(
        request,
        "learning/strategy_report.html",
        {"plan": plan, "action": action, "form": form, "updates": updates, "query": query_without_page(request)},
        status=400 if request.method == "POST" else 200,
    )


urlpatterns = [
    path("strategy/", strategy_list, name="strategy_list"),
    path("strategy/new/", strategy_create, name="strategy_create"),
    path("strategy/<str:code>/", strategy_detail, name="strategy_detail"),
    path("strategy/<str:code>/<str:what>/add/", strategy_change, name="strategy_change"),
    path("strategy/<str:code>/actions/<str:action_code>/report/", action_report, name="strategy_report"),
]
