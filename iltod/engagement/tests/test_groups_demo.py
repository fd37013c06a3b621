"""The demo groups: one per demo area, 40–60 members of every stakeholder type, meetings with
attendance, issues with evidence from the demo feedback, a project; idempotent."""

from io import StringIO

from django.core.management import call_command
from django.db.models import Count
from django.test import TestCase

from iltod.accounts.models import AuditEvent
from iltod.demo.data import demo_email
from iltod.engagement.demo import demo_areas, seed_engagement_demo
from iltod.engagement.models import (
    Attendance,
    AttendanceCount,
    Evidence,
    Group,
    GroupMember,
    LocalIssue,
    Meeting,
    Prioritisation,
    Project,
    StakeholderType,
)
from iltod.engagement.permissions import coordinated_groups, is_member
from iltod.organizations.models import Organization


class SeededEngagementDemoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("seed_demo", stdout=StringIO())  # seeds the groups too, and score card cycles' facility groups
        cls.output = StringIO()
        call_command("seed_engagement_demo", stdout=cls.output)
        # the groups of areas; a network's own group (it carries the network's strategic plan) is not one
        cls.area_groups = Group.objects.filter(service_unit__isnull=True).exclude(
            convening_organization__kind=Organization.Kind.NETWORK
        )

    def test_every_demo_area_has_one_public_group_with_40_to_60_members_of_every_type(self):
        areas = demo_areas()
        assert len(areas) == 13
        assert self.area_groups.count() == 13
        for group in self.area_groups.public().annotate(n=Count("members")):
            current = GroupMember.objects.current().filter(group=group)
            assert 40 <= current.count() <= 63, group  # the persona group also has three accounts
            types = set(current.values_list("stakeholder_type", flat=True))
            assert types == set(StakeholderType.values), group
            assert GroupMember.objects.filter(group=group, left_on__isnull=False).count() == 1

    def test_the_persona_coordinator_coordinates_the_arkhangai_group_where_the_monitor_is_a_member(self):
        from django.contrib.auth import get_user_model

        users = get_user_model().objects
        coordinator = users.get(email=demo_email("coordinator"))
        monitor = users.get(email=demo_email("monitor"))
        group = Group.objects.get(admin_unit__code="65")
        assert group in coordinated_groups(coordinator)
        assert is_member(monitor, group) and group not in coordinated_groups(monitor)

    def test_meetings_have_named_and_counted_attendance_and_issues_are_ranked_with_evidence(self):
        meetings = Meeting.objects.filter(group__in=self.area_groups)
        assert meetings.filter(status=Meeting.Status.HELD).count() == 26
        assert meetings.filter(status=Meeting.Status.PLANNED).count() == 13
        assert Attendance.objects.filter(member__isnull=True).exists()
        assert Attendance.objects.filter(meeting__in=meetings).values("meeting").distinct().count() == 13
        assert AttendanceCount.objects.filter(meeting__in=meetings).values("meeting").distinct().count() == 13
        assert LocalIssue.objects.filter(group__in=self.area_groups).count() == 39
        assert LocalIssue.objects.filter(priority=1).count() == 13
        assert Prioritisation.objects.exists()
        assert Evidence.objects.filter(kind=Evidence.Kind.FEEDBACK).count() > 13
        project = Project.objects.get()
        assert project.groups.get().admin_unit.code == "65" and project.issues.count() == 3

    def test_the_group_pages_of_the_demo_render(self):
        group = Group.objects.get(admin_unit__code="65")
        response = self.client.get(group.get_absolute_url())
        assert response.status_code == 200
        assert response.context["members"].total >= 40
        meeting = group.meetings.filter(status=Meeting.Status.HELD).first()
        assert self.client.get(meeting.get_absolute_url()).status_code == 200

    def test_running_it_again_creates_nothing(self):
        events = AuditEvent.objects.count()
        result = seed_engagement_demo()
        assert result.groups == 13 and result.groups_created == 0
        assert AuditEvent.objects.count() == events
        assert "13 groups (0 new)" in self.output.getvalue()  # seed_demo had already made them
