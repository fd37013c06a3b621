"""Joint action plans, actions, updates and their approval, outcome stories, overdue reminders."""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from iltod.accounts.services import log_event

from ..models import Action, ActionPlan

__all__ = ["add_action", "create_action_plan"]


@transaction.atomic
def create_action_plan(
    *,
    actor,
    group,
    title,
    description="",
    meeting=None,
    issue=None,
    service_unit=None,
    source=None,
    request=None,
    **fields,
) -> ActionPlan:
    """A new plan of ``group``. ``source`` is the object of the tool that produced it (a score card cycle…)."""
    plan = ActionPlan(
        group=group,
        title=title,
        description=description,
        meeting=meeting,
        issue=issue,
        service_unit=service_unit or group.service_unit,
        created_by=actor,
        **fields,
    )
    if source is not None:
        plan.source_type = ContentType.objects.get_for_model(source)
        plan.source_id = str(source.pk)
    plan.save()
    log_event(actor, "engagement.plan_created", plan, request=request, group=group.code, title=title)
    return plan


@transaction.atomic
def add_action(
    *,
    actor,
    plan,
    title,
    description="",
    lead_organization=None,
    due_on=None,
    co_responsible=(),
    request=None,
    **fields,
) -> Action:
    order = fields.pop("order", None)
    if order is None:
        order = (plan.actions.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    action = Action.objects.create(
        plan=plan,
        title=title,
        description=description,
        lead_organization=lead_organization,
        due_on=due_on,
        order=order,
        **fields,
    )
    if co_responsible:
        action.co_responsible.set(co_responsible)
    log_event(
        actor, "engagement.action_added", action, request=request, plan=plan.code, title=title, due_on=str(due_on or "")
    )
    return action
