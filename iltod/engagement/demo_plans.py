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
HEALTH_CENTRES = (
    ServiceUnit.Kind.SOUM_HEALTH_CENTRE,
    ServiceUnit.Kind.FAMILY_HEALTH_CENTRE,
)
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


# The demo's local issues (demo.py) that the plans answer, by their Mongolian titles.
LUNCH_ISSUE = "Сургуулийн үдийн цай хангалтгүй"
DOCTORS_ISSUE = "Эрүүл мэндийн төвд эмчийн хүртээмж муу"
KINDERGARTEN_ISSUE = "Цэцэрлэгийн орон тоо хүрэлцэхгүй"


def _issue(group, title):
    return group.issues.filter(title=title).order_by("pk").first()


def _facility(group, issue, *kinds):
    """The issue's facility if it is of one of ``kinds``, else the first such facility of the area."""
    if issue is not None and issue.service_unit_id and issue.service_unit.kind in kinds:
        return issue.service_unit
    if group.service_unit_id:
        return group.service_unit
    return ServiceUnit.objects.active().in_area(group.admin_unit).filter(kind__in=kinds).order_by("pk").first()


ACTIONS = [
    # (title, days from today to the due date, what happens: approved done / approved progress / pending /
    #  rejected / overdue)
    ("Үдийн цайны нэг хүүхдэд ногдох зардлыг аймгийн төсөвт нэмэгдүүлэх", -40, "done"),
    ("Үдийн цай нийлүүлэгчийг нээлттэй тендерээр сонгох", 20, "progress"),
    ("Эцэг эхчүүдэд үдийн цайны цэс, зардлыг танилцуулах", 30, "pending"),
    ("Гал тогооны ариун цэврийн шалгалт хийлгэх", 45, "rejected"),
    ("Сар бүрийн цэс, зардлыг сургуулийн самбарт нийтлэх", -10, "overdue"),
]


@transaction.atomic
def _seed_group(group, coordinator, result: PlansSeedResult) -> None:
    today = timezone.localdate()
    meeting = group.meetings.order_by("-held_on").first()
    issue = _issue(group, LUNCH_ISSUE)
    leads = _leads(group)
    title = "Сургуулийн үдийн цайг сайжруулах хамтарсан төлөвлөгөө"
    if not ActionPlan.objects.filter(group=group, title=title).exists():
        plan = services.create_action_plan(
            actor=coordinator,
            group=group,
            title=title,
            description=(
                "Олон талт бүлгийн хурлаар тохиролцсон: үдийн цайны төсөв, нийлүүлэгчийг сонгох, эцэг "
                "эхчүүдэд мэдээлэх, гал тогооны ариун цэвэр, цэс ба зардлын ил тод байдал."
            ),
            meeting=meeting,
            issue=issue,
            service_unit=_facility(group, issue, ServiceUnit.Kind.GENERAL_SCHOOL),
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
                    resources="Аймгийн төсөв: нэг хүүхдэд өдөрт 1 500 төгрөг нэмэх" if number == 0 else "",
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
            title="Хүүхдүүд өдөр бүр халуун, хангалттай үдийн цай авдаг боллоо",
            what_changed=(
                "Эцэг эхчүүдийн гомдлыг олон талт бүлэг хэлэлцэж, сургууль, аймгийн боловсролын газар, "
                "иргэдийн Төлөөлөгчдийн Хурал хамтран үдийн цайны зардлыг нэмэгдүүлснээр хүүхдүүдийн "
                "үдийн цай хангалттай боллоо."
            ),
            action=actions[0],
        )
    _seed_simple_plan(
        group,
        coordinator,
        "Эрүүл мэндийн төвийн эмчийн хүртээмжийг сайжруулах",
        issue=_issue(group, DOCTORS_ISSUE),
        kinds=HEALTH_CENTRES,
        status=ActionPlan.Status.AGREED,
        leads=leads,
        result=result,
    )
    _seed_simple_plan(
        group,
        coordinator,
        "Цэцэрлэгийн орон тоог нэмэгдүүлэх (төсөл)",
        issue=_issue(group, KINDERGARTEN_ISSUE),
        kinds=(ServiceUnit.Kind.KINDERGARTEN,),
        status=ActionPlan.Status.DRAFT,
        leads=leads,
        result=result,
    )


def _seed_updates(action, outcome, *, coordinator, author, result) -> None:
    if outcome == "done":
        services.post_update(
            action,
            actor=coordinator,
            text="Аймгийн ИТХ-ын хуралдаанаар үдийн цайны нэмэлт төсвийг баталлаа.",
            new_status=Action.Status.DONE,
        )
        result.updates_created += 1
    elif outcome == "progress":
        services.post_update(
            action, actor=coordinator, text="Тендерийн урилгыг нийтэлж, гурван санал ирсэн.", new_progress=40
        )
        update = services.post_update(
            action,
            actor=author,
            text="Үнэлгээний хороо нийлүүлэгчийг сонгож, гэрээний төслийг бэлтгэж байна.",
            new_progress=60,
        )
        if update.review == ActionUpdate.Review.PENDING:
            services.review_update(update, actor=coordinator, approve=True, note="Баярлалаа.")
        result.updates_created += 2
    elif outcome == "pending":
        services.post_update(
            action,
            actor=author,
            text="Эцэг эхийн хурлыг 2 ангид зохион байгуулж, шинэ цэс, зардлыг танилцуулсан.",
            new_progress=30,
        )
        result.updates_created += 1
    elif outcome == "rejected":
        update = services.post_update(action, actor=author, text="Шалгалт хийгдсэн.", new_status=Action.Status.DONE)
        if update.review == ActionUpdate.Review.PENDING:
            services.review_update(update, actor=coordinator, approve=False, note="Шалгалтын дүгнэлтийг хавсаргана уу.")
        result.updates_created += 1


def _seed_simple_plan(group, coordinator, title, *, issue, kinds, status, leads, result) -> None:
    if ActionPlan.objects.filter(group=group, title=title).exists():
        return
    plan = services.create_action_plan(
        actor=coordinator, group=group, title=title, issue=issue, service_unit=_facility(group, issue, *kinds)
    )
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
    # Area groups only: a facility's group (made by a score card's interface meeting) gets its plan there.
    area_groups = Group.objects.filter(service_unit__isnull=True).select_related("admin_unit").order_by("pk")
    own = list(area_groups.filter(pk__in=coordinated_groups(demo_coordinator).values("pk")))
    for group in own:
        yield group, demo_coordinator
    admin = _user("admin")
    others = area_groups.exclude(pk__in=[g.pk for g in own])
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
