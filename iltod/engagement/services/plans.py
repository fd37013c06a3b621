"""Joint action plans, actions, updates and their approval, outcome stories, overdue reminders."""

import hashlib
import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from iltod.accounts.audit import AuditAction
from iltod.accounts.capabilities import Capability
from iltod.accounts.models import Membership, User
from iltod.accounts.services import log_event
from iltod.notifications.models import OutboundMessage
from iltod.notifications.services import queue_templated

from ..models import Action, ActionPlan, ActionUpdate, Document, GroupMember, OutcomeStory
from ..permissions import can_coordinate

log = logging.getLogger("iltod.engagement")

__all__ = [
    "PLAN_TRANSITIONS",
    "REMINDER_INTERVAL_DAYS",
    "PlanError",
    "add_action",
    "add_story",
    "change_plan_status",
    "coordinator_users",
    "create_action_plan",
    "edit_action",
    "edit_plan",
    "post_update",
    "remind_overdue_actions",
    "review_update",
]

# Where a plan may go from each status. Completed and cancelled plans are closed.
PLAN_TRANSITIONS = {
    ActionPlan.Status.DRAFT: [ActionPlan.Status.AGREED, ActionPlan.Status.CANCELLED],
    ActionPlan.Status.AGREED: [ActionPlan.Status.IN_PROGRESS, ActionPlan.Status.CANCELLED],
    ActionPlan.Status.IN_PROGRESS: [ActionPlan.Status.COMPLETED, ActionPlan.Status.CANCELLED],
    ActionPlan.Status.COMPLETED: [],
    ActionPlan.Status.CANCELLED: [],
}
# Plans whose actions are being carried out: members report progress on them.
OPEN_FOR_UPDATES = {ActionPlan.Status.AGREED, ActionPlan.Status.IN_PROGRESS}
# An overdue action is reminded of again after this many days while it stays overdue.
REMINDER_INTERVAL_DAYS = 7


class PlanError(ValidationError):
    """A change the plan's state does not allow; the message is shown to the user."""


def _changes(obj, fields: dict) -> dict:
    """Set ``fields`` on ``obj``; return {field: [before, after]} for those that changed."""
    changed = {}
    for name, value in fields.items():
        before = getattr(obj, name)
        if before != value:
            changed[name] = [_plain(before), _plain(value)]
            setattr(obj, name, value)
    return changed


def _plain(value):
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return str(value)


# ---------------------------------------------------------------------------------------------
# Plans


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
    log_event(actor, AuditAction.PLAN_CREATED, plan, request=request, group=group.code, title=title)
    return plan


PLAN_FIELDS = ("title", "description", "meeting", "issue", "service_unit", "is_public")


@transaction.atomic
def edit_plan(plan: ActionPlan, *, actor, request=None, **fields) -> dict:
    """Change a plan's description fields; returns what changed (also written to its history)."""
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")
    plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    changed = _changes(plan, fields)
    if changed:
        plan.save(update_fields=[name for name in changed])
        log_event(actor, AuditAction.PLAN_EDITED, plan, request=request, changes=changed)
    return changed


@transaction.atomic
def change_plan_status(plan: ActionPlan, status: str, *, actor, note="", request=None) -> ActionPlan:
    """Move a plan along draft → agreed → in progress → completed (or cancelled at any open step)."""
    locked = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    if status not in PLAN_TRANSITIONS.get(locked.status, []):
        raise PlanError(
            _("A plan that is “%(old)s” cannot become “%(new)s”.")
            % {"old": locked.get_status_display(), "new": ActionPlan.Status(status).label}
        )
    if status == ActionPlan.Status.AGREED and not locked.actions.exists():
        raise PlanError(_("Add at least one action before the plan is agreed."))
    old = locked.status
    locked.status = status
    locked.save(update_fields=["status"])
    log_event(actor, AuditAction.PLAN_STATUS, locked, request=request, old=old, new=status, note=note.strip())
    plan.status = status
    return locked


# ---------------------------------------------------------------------------------------------
# Actions


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
        actor, AuditAction.ACTION_ADDED, action, request=request, plan=plan.code, title=title, due_on=str(due_on or "")
    )
    return action


ACTION_FIELDS = (
    "title",
    "description",
    "lead_organization",
    "responsible_person",
    "responsible_user",
    "due_on",
    "resources",
    "order",
)


@transaction.atomic
def edit_action(action: Action, *, actor, co_responsible=None, request=None, **fields) -> dict:
    """Change what an action is, who does it and by when. Status and progress change only through
    updates, so that every change of progress has its evidence."""
    unknown = set(fields) - set(ACTION_FIELDS)
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")
    action = Action.objects.select_for_update().get(pk=action.pk)
    changed = _changes(action, fields)
    if "due_on" in changed:
        action.reminded_on = None  # a new deadline: remind again once it passes
    if changed:
        action.save()
    if co_responsible is not None:
        before = sorted(str(o) for o in action.co_responsible.all())
        after = sorted(str(o) for o in co_responsible)
        if before != after:
            action.co_responsible.set(co_responsible)
            changed["co_responsible"] = [before, after]
    if changed:
        log_event(actor, AuditAction.ACTION_EDITED, action, request=request, changes=changed)
    return changed


def _apply(update: ActionUpdate) -> dict:
    """Apply an approved update's status and progress to its action; returns what changed."""
    action = Action.objects.select_for_update().get(pk=update.action_id)
    fields = {}
    status = update.new_status or action.status
    progress = update.new_progress if update.new_progress is not None else action.progress
    if status == Action.Status.DONE:
        progress = 100
    elif status == Action.Status.NOT_STARTED and progress > 0:
        status = Action.Status.IN_PROGRESS  # progress reported on an action means it has started
    fields["status"], fields["progress"] = status, progress
    fields["completed_on"] = (action.completed_on or timezone.localdate()) if status == Action.Status.DONE else None
    changed = _changes(action, fields)
    if changed:
        action.save(update_fields=[*changed, "updated_at"])
    plan = action.plan
    if plan.status == ActionPlan.Status.AGREED and status != Action.Status.NOT_STARTED:
        # The first reported progress starts the plan.
        ActionPlan.objects.filter(pk=plan.pk, status=ActionPlan.Status.AGREED).update(
            status=ActionPlan.Status.IN_PROGRESS
        )
        log_event(update.reviewed_by, AuditAction.PLAN_STATUS, plan, old=plan.status, new="in_progress", auto=True)
    update.action = action
    return changed


# ---------------------------------------------------------------------------------------------
# Updates with evidence, and their approval (maker-checker)


@transaction.atomic
def post_update(
    action: Action,
    *,
    actor,
    text,
    new_status="",
    new_progress=None,
    files=(),
    request=None,
) -> ActionUpdate:
    """A member reports progress with evidence. ``files`` are ``(kind, CleanedFile)`` pairs
    (see iltod.feedback.uploads.clean_upload). A coordinator's own update is applied at once,
    recorded as approved by themself; a member's waits for a coordinator."""
    plan = action.plan
    if plan.status not in OPEN_FOR_UPDATES:
        raise PlanError(_("Progress is reported on agreed plans and plans in progress only."))
    text = (text or "").strip()
    if not text:
        raise PlanError(_("Write what was done."))
    if new_progress is not None and not 0 <= int(new_progress) <= 100:
        raise PlanError(_("Progress is a percentage from 0 to 100."))
    if new_status and new_status not in Action.Status.values:
        raise PlanError(_("Choose a status from the list."))
    update = ActionUpdate.objects.create(
        action=action,
        text=text,
        new_status=new_status or "",
        new_progress=new_progress,
        author=actor,
    )
    for kind, cleaned in files:
        document = Document(
            kind=kind,
            title=cleaned.name,
            update=update,
            content_type=cleaned.content_type,
            size=cleaned.size,
            uploaded_by=actor,
        )
        document.file.save(cleaned.name, cleaned.file, save=False)
        document.save()
    log_event(
        actor,
        AuditAction.UPDATE_POSTED,
        action,
        request=request,
        update=update.code,
        new_status=update.new_status,
        new_progress=new_progress,
        documents=len(files),
    )
    if can_coordinate(actor, plan.group):
        _review(update, actor=actor, approve=True, note="", request=request)
    else:
        transaction.on_commit(lambda: _tell_coordinators_of_update(update.pk))
    return update


def _review(update: ActionUpdate, *, actor, approve: bool, note: str, request=None) -> dict:
    update.review = ActionUpdate.Review.APPROVED if approve else ActionUpdate.Review.REJECTED
    update.reviewed_by = actor
    update.reviewed_at = timezone.now()
    update.review_note = note
    update.save(update_fields=["review", "reviewed_by", "reviewed_at", "review_note"])
    applied = _apply(update) if approve else {}
    log_event(
        actor,
        AuditAction.UPDATE_APPROVED if approve else AuditAction.UPDATE_REJECTED,
        update.action,
        request=request,
        update=update.code,
        note=note,
        changes=applied,
    )
    return applied


@transaction.atomic
def review_update(update: ActionUpdate, *, actor, approve: bool, note="", request=None) -> ActionUpdate:
    """A coordinator approves an update (its status and progress apply to the action and it shows
    publicly) or rejects it with a note (nothing changes). Each update is reviewed once."""
    note = (note or "").strip()
    if not approve and not note:
        raise PlanError(_("Say why the update is rejected: its author reads the note."))
    locked = ActionUpdate.objects.select_for_update().select_related("action__plan__group").get(pk=update.pk)
    if locked.review != ActionUpdate.Review.PENDING:
        raise PlanError(_("This update has already been reviewed."))
    _review(locked, actor=actor, approve=approve, note=note, request=request)
    transaction.on_commit(lambda: _tell_author_of_review(locked.pk))
    return locked


def _email_user(user, template: str, context: dict, *, related, dedupe_key=None):
    if user is None or not user.is_active or not user.email:
        return None
    return queue_templated(
        channel=OutboundMessage.Channel.EMAIL,
        recipient=user.email,
        template=f"engagement/messages/{template}",
        context={"site_url": settings.SITE_URL, "recipient": user, **context},
        language=user.language,
        related=related,
        dedupe_key=dedupe_key,
    )


def coordinator_users(group):
    """Users who coordinate ``group``: its coordinator members and the convening organisation's
    members with the "coordinate groups" capability (or, for a network, "manage the network")."""
    as_member = GroupMember.objects.current().filter(group=group, role=GroupMember.Role.COORDINATOR, user__isnull=False)
    convening = Membership.objects.with_capability(Capability.COORDINATE_GROUPS).filter(
        organization_id=group.convening_organization_id
    )
    if group.convening_organization_id and group.convening_organization.is_network:
        # a network's administrators coordinate the groups it convenes (engagement.permissions)
        convening = convening | Membership.objects.with_capability(Capability.MANAGE_NETWORK).filter(
            organization_id=group.convening_organization_id
        )
    return User.objects.filter(
        Q(pk__in=as_member.values("user_id")) | Q(pk__in=convening.values("user_id")), is_active=True
    ).order_by("pk")


def _tell_coordinators_of_update(update_pk: int) -> None:
    update = ActionUpdate.objects.select_related("action__plan__group", "author").filter(pk=update_pk).first()
    if update is None or update.review != ActionUpdate.Review.PENDING:
        return
    with transaction.atomic(durable=True):  # runs after the update's commit, on its own
        for user in coordinator_users(update.action.plan.group):
            if user.pk != update.author_id:
                _email_user(
                    user,
                    "update_pending",
                    {"update": update, "action": update.action},
                    related=update.action,
                    dedupe_key=f"engagement:update_pending:{update.code}:{user.pk}",
                )


def _tell_author_of_review(update_pk: int) -> None:
    update = ActionUpdate.objects.select_related("action__plan", "author", "reviewed_by").filter(pk=update_pk).first()
    if update is None or update.author_id is None or update.author_id == update.reviewed_by_id:
        return
    with transaction.atomic(durable=True):  # runs after the review's commit, on its own
        _email_user(
            update.author,
            "update_reviewed",
            {"update": update, "action": update.action},
            related=update.action,
            dedupe_key=f"engagement:update_reviewed:{update.code}",
        )


# ---------------------------------------------------------------------------------------------
# Outcome stories


@transaction.atomic
def add_story(plan: ActionPlan, *, actor, title, what_changed, action=None, photo=None, is_public=True, request=None):
    """What changed because of the plan. ``photo`` is a cleaned upload (metadata already removed)."""
    if action is not None and action.plan_id != plan.pk:
        raise PlanError(_("Choose an action of this plan."))
    story = OutcomeStory(
        plan=plan,
        action=action,
        title=title.strip(),
        what_changed=what_changed.strip(),
        is_public=is_public,
        author=actor,
    )
    if photo is not None:
        story.photo.save(photo.name, photo.file, save=False)
    story.save()
    log_event(actor, AuditAction.STORY_ADDED, plan, request=request, story=story.code, title=story.title)
    return story


# ---------------------------------------------------------------------------------------------
# Overdue reminders (periodic, safe to run twice)


def _reminder_recipients(action: Action) -> list[tuple[str, str, str]]:
    """(channel, recipient, language) for an overdue action: its responsible user; without one,
    the group's coordinators — by e-mail where an address is known, else by SMS."""
    Channel = OutboundMessage.Channel
    user = action.responsible_user
    if user is not None and user.is_active and user.email:
        return [(Channel.EMAIL, user.email, user.language)]
    group = action.plan.group
    recipients: list[tuple[str, str, str]] = []
    seen: set[str] = set()

    def add(channel, recipient, language):
        if recipient and recipient.lower() not in seen:
            seen.add(recipient.lower())
            recipients.append((channel, recipient, language or settings.LANGUAGE_CODE))

    members = (
        GroupMember.objects.current()
        .filter(group=group, role=GroupMember.Role.COORDINATOR)
        .select_related("user")
        .order_by("pk")
    )
    for member in members:
        if member.user_id and member.user.is_active and member.user.email:
            add(Channel.EMAIL, member.user.email, member.user.language)
        elif member.email:
            add(Channel.EMAIL, member.email, settings.LANGUAGE_CODE)
        elif member.phone or (member.user_id and member.user.phone):
            add(Channel.SMS, member.phone or member.user.phone, member.user.language if member.user_id else "")
    for coordinator in coordinator_users(group):
        add(Channel.EMAIL, coordinator.email, coordinator.language)
    return recipients


def _digest(recipient: str) -> str:
    """A short stand-in for an address in a dedupe key (keys are at most 200 characters)."""
    return hashlib.sha256(recipient.strip().lower().encode()).hexdigest()[:20]


def remind_overdue_actions(today=None) -> int:
    """Remind of every open action past its due date in a plan being carried out, once per
    ``REMINDER_INTERVAL_DAYS`` while it stays overdue. Each action is claimed with a conditional
    update of ``reminded_on`` and every message carries a dedupe key, so running this twice (or
    concurrently) sends nothing twice. Returns the number of actions reminded of."""
    today = today or timezone.localdate()
    since = today - timedelta(days=REMINDER_INTERVAL_DAYS)
    due = Q(reminded_on__isnull=True) | Q(reminded_on__lte=since)
    overdue = (
        Action.objects.overdue(today)
        .filter(due, plan__status__in=OPEN_FOR_UPDATES)
        .select_related("plan__group", "responsible_user", "lead_organization")
        .order_by("due_on", "pk")
    )
    count = 0
    for action in overdue.iterator(chunk_size=200):
        with transaction.atomic(durable=True):
            claimed = Action.objects.filter(Q(pk=action.pk), due).update(reminded_on=today)
            if not claimed:
                continue  # another run took it
            recipients = _reminder_recipients(action)
            for channel, recipient, language in recipients:
                queue_templated(
                    channel=channel,
                    recipient=recipient,
                    template="engagement/messages/action_overdue",
                    context={
                        "action": action,
                        "plan": action.plan,
                        "days": (today - action.due_on).days,
                        "site_url": settings.SITE_URL,
                    },
                    language=language,
                    related=action,
                    dedupe_key=f"engagement:overdue:{action.code}:{today.isoformat()}:{channel}:{_digest(recipient)}",
                )
            log_event(
                None,
                AuditAction.ACTION_REMINDED,
                action,
                due_on=str(action.due_on),
                recipients=len(recipients),
            )
            if not recipients:
                log.info("overdue action %s has nobody to remind", action.code)
        count += 1
    return count
