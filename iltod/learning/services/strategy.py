"""The network's strategic plan. Its action points are engagement's actions: each objective owns a
joint action plan in a group the network convenes, so updates with evidence, their approval by the
network's administrators and the overdue reminders are engagement's (iltod.engagement.services)."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from iltod.accounts.audit import AuditAction
from iltod.accounts.services import log_event
from iltod.engagement import services as engagement
from iltod.engagement.models import Action, ActionPlan, Group
from iltod.places.models import AdminUnit

from ..models.strategy import FocusArea, Objective, StrategicPlan, StrategyReview

__all__ = [
    "Progress",
    "add_action_point",
    "add_focus_area",
    "add_objective",
    "add_review",
    "create_strategic_plan",
    "plan_progress",
    "set_visibility",
]


def _country_or_home(network) -> AdminUnit:
    unit = AdminUnit.objects.filter(level=AdminUnit.Level.COUNTRY).order_by("pk").first()
    unit = unit or network.home_unit
    if unit is None:
        raise ValidationError(_("The network needs a home area before it can have a plan."))
    return unit


@transaction.atomic
def create_strategic_plan(
    *,
    actor,
    network,
    title,
    starts_on,
    ends_on,
    summary="",
    visibility=None,
    title_en="",
    summary_en="",
    request=None,
):
    """The plan and the engagement group that carries it out. ``title`` and ``summary`` are the
    Mongolian; ``title_en`` and ``summary_en`` the English (optional: pages fall back to Mongolian)."""
    if not network.is_network:
        raise ValidationError(_("Only a network has a strategic plan."))
    if ends_on <= starts_on:
        raise ValidationError(_("A plan must end after it starts."))
    visibility = visibility or StrategicPlan.Visibility.MEMBERS
    group = Group.objects.create(
        name=f"{network.name}: {title}"[:255],
        admin_unit=_country_or_home(network),
        convening_organization=network,
        description=summary,
        is_public=visibility == StrategicPlan.Visibility.PUBLIC,
    )
    plan = StrategicPlan.objects.create(
        network=network,
        title_mn=title,
        title_en=title_en.strip(),
        summary_mn=summary,
        summary_en=summary_en,
        starts_on=starts_on,
        ends_on=ends_on,
        visibility=visibility,
        group=group,
    )
    log_event(actor, AuditAction.STRATEGY_CHANGED, plan, request=request, change="created", title=title)
    return plan


@transaction.atomic
def set_visibility(plan: StrategicPlan, visibility: str, *, actor, request=None) -> StrategicPlan:
    if visibility not in StrategicPlan.Visibility.values:
        raise ValidationError(_("Choose who may see the plan."))
    public = visibility == StrategicPlan.Visibility.PUBLIC
    old = plan.visibility
    plan.visibility = visibility
    plan.save(update_fields=["visibility"])
    Group.objects.filter(pk=plan.group_id).update(is_public=public)
    ActionPlan.objects.filter(strategic_objective__focus_area__plan=plan).update(is_public=public)
    log_event(actor, AuditAction.STRATEGY_CHANGED, plan, request=request, visibility=[old, visibility])
    return plan


@transaction.atomic
def add_focus_area(
    plan: StrategicPlan, *, actor, title, description="", title_en="", description_en="", request=None
) -> FocusArea:
    title = (title or "").strip()
    if not title:
        raise ValidationError(_("Name the focus area."))
    order = plan.focus_areas.count() + 1
    area = FocusArea.objects.create(
        plan=plan,
        title_mn=title,
        title_en=(title_en or "").strip(),
        description_mn=description,
        description_en=description_en,
        order=order,
    )
    log_event(actor, AuditAction.STRATEGY_CHANGED, plan, request=request, focus_area=title)
    return area


@transaction.atomic
def add_objective(
    area: FocusArea, *, actor, title, description="", title_en="", description_en="", request=None
) -> Objective:
    """An objective and its joint action plan (agreed at once: the plan is the network's)."""
    title = (title or "").strip()
    if not title:
        raise ValidationError(_("Name the objective."))
    plan = area.plan
    order = area.objectives.count() + 1
    objective = Objective(
        focus_area=area,
        title_mn=title,
        title_en=(title_en or "").strip(),
        description_mn=description,
        description_en=description_en,
        order=order,
    )
    action_plan = engagement.create_action_plan(
        actor=actor,
        group=plan.group,
        title=title,
        description=description,
        status=ActionPlan.Status.AGREED,
        is_public=plan.is_public,
        request=request,
    )
    objective.action_plan = action_plan
    objective.save()
    ActionPlan.objects.filter(pk=action_plan.pk).update(
        source_type=_content_type(Objective), source_id=str(objective.pk)
    )
    log_event(actor, AuditAction.STRATEGY_CHANGED, plan, request=request, objective=title)
    return objective


def _content_type(model):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(model)


@transaction.atomic
def add_action_point(
    objective: Objective,
    *,
    actor,
    title,
    lead_organization=None,
    partners=(),
    due_on=None,
    description="",
    request=None,
) -> Action:
    """An action point: engagement's action in the objective's plan (lead and partner organisations,
    due date; status and progress come from approved updates)."""
    title = (title or "").strip()
    if not title:
        raise ValidationError(_("Name the action point."))
    plan = objective.focus_area.plan
    if due_on is not None and not plan.starts_on <= due_on <= plan.ends_on:
        raise ValidationError(_("The due date must fall within the plan's years."))
    return engagement.add_action(
        actor=actor,
        plan=objective.action_plan,
        title=title,
        description=description,
        lead_organization=lead_organization,
        co_responsible=list(partners),
        due_on=due_on,
        request=request,
    )


@transaction.atomic
def add_review(plan: StrategicPlan, *, actor, held_on, decisions, summary="", request=None) -> StrategyReview:
    decisions = "\n".join(line.strip() for line in (decisions or "").splitlines() if line.strip())
    if not decisions:
        raise ValidationError(_("Write at least one decision."))
    review = StrategyReview.objects.create(
        plan=plan,
        held_on=held_on,
        summary=summary.strip(),
        decisions=decisions,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    log_event(actor, AuditAction.STRATEGY_REVIEWED, plan, request=request, held_on=str(held_on))
    return review


@dataclass
class Progress:
    """Action points counted: how many, how many done or overdue, and the sum of their progress."""

    total: int = 0
    done: int = 0
    overdue: int = 0
    progress_sum: int = 0

    def __add__(self, other):
        return Progress(
            self.total + other.total,
            self.done + other.done,
            self.overdue + other.overdue,
            self.progress_sum + other.progress_sum,
        )

    @property
    def percent(self) -> int:
        """Progress of the level: the sum of its action points' progress over their number (from the
        action points themselves at every level, never an average of averages)."""
        return round(self.progress_sum / self.total) if self.total else 0

    @property
    def done_percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def plan_progress(plan: StrategicPlan) -> dict:
    """Progress per objective, per focus area and for the plan, in one query of action points."""
    from django.utils import timezone

    today = timezone.localdate()
    counted = (
        Action.objects.filter(plan__strategic_objective__focus_area__plan=plan)
        .exclude(status=Action.Status.CANCELLED)
        .values("plan__strategic_objective")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(status=Action.Status.DONE)),
            overdue=Count("pk", filter=Q(due_on__lt=today) & ~Q(status=Action.Status.DONE)),
            progress_sum=Sum("progress"),
        )
        .order_by()
    )
    by_objective = {
        row["plan__strategic_objective"]: Progress(row["total"], row["done"], row["overdue"], row["progress_sum"] or 0)
        for row in counted
    }
    by_area, total = {}, Progress()
    for objective_id, area_id in Objective.objects.filter(focus_area__plan=plan).values_list("pk", "focus_area_id"):
        progress = by_objective.get(objective_id, Progress())
        by_area[area_id] = by_area.get(area_id, Progress()) + progress
        total = total + progress
    return {"objectives": by_objective, "areas": by_area, "plan": total}
