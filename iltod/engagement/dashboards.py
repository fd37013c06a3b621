"""Figures about a group: meetings held, who took part (by sex and stakeholder type), its issues,
and the actions of its plans by status, overdue ones included. Read-only; a handful of queries."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Sum
from django.utils import timezone

from .models import (
    Action,
    ActionPlan,
    Attendance,
    AttendanceCount,
    GroupMember,
    LocalIssue,
    Meeting,
    Sex,
    StakeholderType,
)

SEXES = [Sex.FEMALE, Sex.MALE, Sex.UNDISCLOSED]


@dataclass
class Disaggregation:
    """People counted by stakeholder type and sex: ``cells[type][sex]``."""

    cells: dict = field(default_factory=lambda: defaultdict(Counter))

    def add(self, stakeholder_type: str, sex: str, number: int) -> None:
        self.cells[stakeholder_type][sex] += number

    @property
    def total(self) -> int:
        return sum(sum(row.values()) for row in self.cells.values())

    def by_sex(self) -> dict[str, int]:
        totals = Counter()
        for row in self.cells.values():
            totals.update(row)
        return {sex: totals[sex] for sex in SEXES}

    def rows(self):
        """(stakeholder type label, [female, male, not stated], total) for the types that have anyone."""
        for value, label in StakeholderType.choices:
            row = self.cells.get(value)
            if row and sum(row.values()):
                yield value, label, [row[sex] for sex in SEXES], sum(row.values())


def members_summary(group) -> Disaggregation:
    """Current members by stakeholder type and sex: the only thing the public sees of the membership."""
    summary = Disaggregation()
    rows = GroupMember.objects.current().filter(group=group).values("stakeholder_type", "sex").annotate(n=Count("pk"))
    for row in rows:
        summary.add(row["stakeholder_type"], row["sex"], row["n"])
    return summary


def attendance(meetings) -> Disaggregation:
    """Participants of ``meetings`` (a queryset): named ones and counted ones together."""
    summary = Disaggregation()
    named = Attendance.objects.filter(meeting__in=meetings).values("stakeholder_type", "sex").annotate(n=Count("pk"))
    for row in named:
        summary.add(row["stakeholder_type"], row["sex"], row["n"])
    counted = (
        AttendanceCount.objects.filter(meeting__in=meetings).values("stakeholder_type", "sex").annotate(n=Sum("count"))
    )
    for row in counted:
        summary.add(row["stakeholder_type"], row["sex"], row["n"] or 0)
    return summary


@dataclass
class GroupDashboard:
    meetings_held: int
    meetings_planned: int
    attendance: Disaggregation
    issues_by_status: list  # (value, label, number)
    issues_total: int
    actions_by_status: list  # (value, label, number)
    actions_total: int
    actions_overdue: int
    plans: int


def group_dashboard(group, *, public: bool) -> GroupDashboard:
    """The figures of a group's page. ``public`` leaves out what the public does not see (non-public
    meetings and issues, draft plans)."""
    meetings = Meeting.objects.filter(group=group)
    issues = LocalIssue.objects.filter(group=group)
    plans = ActionPlan.objects.filter(group=group)
    if public:
        meetings = meetings.filter(is_public=True)
        issues = issues.filter(is_public=True)
        plans = plans.filter(is_public=True).exclude(status=ActionPlan.Status.DRAFT)
    meeting_counts = dict(meetings.values_list("status").annotate(n=Count("pk")).order_by())
    held = meetings.filter(status=Meeting.Status.HELD)
    issue_counts = dict(issues.values_list("status").annotate(n=Count("pk")).order_by())
    actions = Action.objects.filter(plan__in=plans)
    action_counts = dict(actions.values_list("status").annotate(n=Count("pk")).order_by())
    return GroupDashboard(
        meetings_held=meeting_counts.get(Meeting.Status.HELD, 0),
        meetings_planned=meeting_counts.get(Meeting.Status.PLANNED, 0),
        attendance=attendance(held),
        issues_by_status=[(v, label, issue_counts.get(v, 0)) for v, label in LocalIssue.Status.choices],
        issues_total=sum(issue_counts.values()),
        actions_by_status=[(v, label, action_counts.get(v, 0)) for v, label in Action.Status.choices],
        actions_total=sum(action_counts.values()),
        actions_overdue=actions.overdue(timezone.localdate()).count(),
        plans=plans.count(),
    )
