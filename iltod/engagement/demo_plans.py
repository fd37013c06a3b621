"""Demo joint action plans for the demo's multi-stakeholder groups (see ``demo.py``).

``seed_plans_demo`` gives three groups (the demo coordinator's first) a plan being
carried out (actions done, under way, overdue; updates approved, waiting for approval and rejected;
an outcome story), an agreed plan and a draft. It runs after the groups are seeded, creates only
what is missing (plans are keyed by group and title) and does nothing when there are no groups.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from iltod.organizations.models import Organization
from iltod.places.models import ServiceUnit

from . import services
from .models import Action, ActionPlan, ActionUpdate, Group, GroupMember
from .permissions import can_coordinate, coordinated_groups

DEMO_DOMAIN = "demo.iltod.mn"
GROUPS_WITH_PLANS = 3


@dataclass
class PlansSeedResult:
    groups: int = 0
    plans_created: int = 0
    actions_created: int = 0
    updates_created: int = 0

    def summary(self) -> str:
        return (
            f"Action plans: {self.plans_created} plans, {self.actions_created} actions and "
            f"{self.updates_created} updates created for {self.groups} groups."
        )


def _user(local: str):
    return get_user_model().objects.filter(email=f"{local}@{DEMO_DOMAIN}").first()


def _organization(local: str):
    return Organization.objects.filter(email=f"{local}@{DEMO_DOMAIN}").first()


def _aimag_code(group) -> str:
    unit = group.admin_unit
    while unit.parent_id and unit.level not in {unit.Level.AIMAG, unit.Level.CAPITAL, unit.Level.DISTRICT}:
        unit = unit.parent
    return unit.code


def _leads(group) -> list:
    """Organisations to lead actions: the area's departments, else the members' organisations."""
    code = _aimag_code(group)
    found = [_organization(f"education-dept-{code}"), _organization(f"health-dept-{code}")]
    leads = [org for org in found if org is not None]
    members = (
        GroupMember.objects.filter(group=group, organization__isnull=False)
        .select_related("organization")
        .order_by("pk")[:10]
    )
    for member in members:
        if member.organization not in leads:
            leads.append(member.organization)
    if group.convening_organization and group.convening_organization not in leads:
        leads.append(group.convening_organization)
    return leads or [None]


def _member_author(group, coordinator):
    """A member who is not a coordinator, so that their updates wait for approval."""
    candidates = (
        GroupMember.objects.current()
        .filter(group=group, user__isnull=False)
        .exclude(role=GroupMember.Role.COORDINATOR)
        .select_related("user")
        .order_by("pk")
    )
    for member in candidates:
        if member.user_id != coordinator.pk and not can_coordinate(member.user, group):
            return member.user
    return _user("monitor")


def _facility(group, issue):
    if issue is not None and issue.service_unit_id:
        return issue.service_unit
    if group.service_unit_id:
        return group.service_unit
    return ServiceUnit.objects.active().in_area(group.admin_unit).order_by("pk").first()


ACTIONS = [
    # (title, days from today to the due date, what happens: approved done / approved progress / pending /
    #  rejected / overdue)
    ("Засварын төсвийг аймгийн төсөвт тусгуулах", -40, "done"),
    ("Ариун цэврийн өрөөний засварын гүйцэтгэгчийг сонгох", 20, "progress"),
    ("Эцэг эхчүүдэд засварын явцыг мэдээлэх", 30, "pending"),
    ("Сургуулийн усан хангамжийг шалгуулах", 45, "rejected"),
    ("Эмийн сангийн нөөцийг сар бүр нийтлэх", -10, "overdue"),
]


@transaction.atomic
def _seed_group(group, coordinator, result: PlansSeedResult) -> None:
    today = timezone.localdate()
    meeting = group.meetings.order_by("-held_on").first()
    issue = group.issues.order_by("priority", "pk").first()
    leads = _leads(group)
    title = "Сургуулийн ариун цэврийн нөхцөлийг сайжруулах хамтарсан төлөвлөгөө"
    if not ActionPlan.objects.filter(group=group, title=title).exists():
        plan = services.create_action_plan(
            actor=coordinator,
            group=group,
            title=title,
            description=(
                "Олон талт бүлгийн хурлаар тохиролцсон: засварын төсөв, гүйцэтгэгч, эцэг эхчүүдэд "
                "мэдээлэх, ус хангамж, эмийн сангийн нөөцийн ил тод байдал."
            ),
            meeting=meeting,
            issue=issue,
            service_unit=_facility(group, issue),
        )
        result.plans_created += 1
        actions = []
        for number, (action_title, due_in, _outcome) in enumerate(ACTIONS):
            lead = leads[number % len(leads)]
            co = [org for org in leads if org is not None and org != lead][:2]
            actions.append(
                services.add_action(
                    actor=coordinator,
                    plan=plan,
                    title=action_title,
                    lead_organization=lead,
                    co_responsible=co,
                    responsible_person="Б. Мөнхзул" if number % 2 else "Д. Ганзориг",
                    due_on=today + timedelta(days=due_in),
                    resources="Орон нутгийн хөгжлийн сан: 4.5 сая төгрөг" if number == 0 else "",
                )
            )
            result.actions_created += 1
        services.change_plan_status(plan, ActionPlan.Status.AGREED, actor=coordinator, note="Хурлаар баталсан.")
        author = _member_author(group, coordinator)
        for action, (_title, _due, outcome) in zip(actions, ACTIONS, strict=True):
            _seed_updates(action, outcome, coordinator=coordinator, author=author, result=result)
        services.add_story(
            plan,
            actor=coordinator,
            title="Хүүхдүүд дулаан ариун цэврийн өрөөтэй боллоо",
            what_changed=(
                "Иргэд, сургууль, аймгийн боловсролын газар хамтран төсвийг шийдвэрлэснээр сургуулийн "
                "барилгын доторх ариун цэврийн өрөө ашиглалтад орж, өвлийн улиралд хүүхдүүд гадаа гарахгүй боллоо."
            ),
            action=actions[0],
        )
    _seed_simple_plan(
        group,
        coordinator,
        "Өрхийн эрүүл мэндийн төвийн хүлээлгийн хугацааг богиносгох",
        status=ActionPlan.Status.AGREED,
        leads=leads,
        result=result,
    )
    _seed_simple_plan(
        group,
        coordinator,
        "Цэцэрлэгийн хүртээмжийг нэмэгдүүлэх (төсөл)",
        status=ActionPlan.Status.DRAFT,
        leads=leads,
        result=result,
    )


def _seed_updates(action, outcome, *, coordinator, author, result) -> None:
    if outcome == "done":
        services.post_update(
            action,
            actor=coordinator,
            text="Аймгийн ИТХ-ын хуралдаанаар төсвийг баталлаа.",
            new_status=Action.Status.DONE,
        )
        result.updates_created += 1
    elif outcome == "progress":
        services.post_update(action, actor=coordinator, text="Гурван компаниас үнийн санал авсан.", new_progress=40)
        update = services.post_update(
            action, actor=author, text="Гүйцэтгэгчийг сонгож, гэрээ байгуулахаар бэлтгэж байна.", new_progress=60
        )
        if update.review == ActionUpdate.Review.PENDING:
            services.review_update(update, actor=coordinator, approve=True, note="Баярлалаа.")
        result.updates_created += 2
    elif outcome == "pending":
        services.post_update(
            action,
            actor=author,
            text="Эцэг эхийн хурлыг 2 ангид зохион байгуулж, засварын явцыг танилцуулсан.",
            new_progress=30,
        )
        result.updates_created += 1
    elif outcome == "rejected":
        update = services.post_update(action, actor=author, text="Шалгалт хийгдсэн.", new_status=Action.Status.DONE)
        if update.review == ActionUpdate.Review.PENDING:
            services.review_update(update, actor=coordinator, approve=False, note="Шалгалтын дүгнэлтийг хавсаргана уу.")
        result.updates_created += 1


def _seed_simple_plan(group, coordinator, title, *, status, leads, result) -> None:
    if ActionPlan.objects.filter(group=group, title=title).exists():
        return
    plan = services.create_action_plan(actor=coordinator, group=group, title=title)
    result.plans_created += 1
    today = timezone.localdate()
    for number, action_title in enumerate(["Одоогийн байдлын судалгаа хийх", "Иргэдийн саналыг нэгтгэх"]):
        services.add_action(
            actor=coordinator,
            plan=plan,
            title=action_title,
            lead_organization=leads[number % len(leads)],
            due_on=today + timedelta(days=60 + 30 * number),
        )
        result.actions_created += 1
    if status != ActionPlan.Status.DRAFT:
        services.change_plan_status(plan, status, actor=coordinator)


def _groups_with_coordinators(demo_coordinator):
    """The demo coordinator's groups first, then other groups with their coordinator (the platform
    administrator where no coordinator has an account)."""
    own = list(coordinated_groups(demo_coordinator).select_related("admin_unit").order_by("pk"))
    for group in own:
        yield group, demo_coordinator
    admin = _user("admin")
    others = Group.objects.exclude(pk__in=[g.pk for g in own]).select_related("admin_unit").order_by("pk")
    for group in others:
        coordinator = services.coordinator_users(group).first() or admin
        if coordinator is not None:
            yield group, coordinator


def seed_plans_demo() -> PlansSeedResult:
    """Add demo action plans to the demo coordinator's groups (then others); safe to run again."""
    result = PlansSeedResult()
    demo_coordinator = _user("coordinator")
    if demo_coordinator is None:
        return result
    for group, coordinator in _groups_with_coordinators(demo_coordinator):
        if result.groups == GROUPS_WITH_PLANS:
            break
        _seed_group(group, coordinator, result)
        result.groups += 1
    return result
