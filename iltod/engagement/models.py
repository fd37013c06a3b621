"""Constructive engagement: multi-stakeholder groups, their meetings, the local issues they pick and
the joint action plans they agree and follow up.

``ActionPlan`` and ``Action`` are the one model of an action plan for every tool that ends in one
(a group's plan, a score card's interface meeting…): the tool links itself as the plan's ``source``.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from iltod.places.models import AdminUnit, Sector, ServiceUnit, new_public_code


class StakeholderType(models.TextChoices):
    """Who a member or participant speaks for; attendance is disaggregated by it."""

    GOVERNORS_OFFICE = "governors_office", _("governor's office")
    KHURAL = "khural", _("citizens' representative khural")
    HEALTH_DEPARTMENT = "health_department", _("health department")
    EDUCATION_DEPARTMENT = "education_department", _("education department")
    OTHER_GOVERNMENT = "other_government", _("other government body")
    SERVICE_PROVIDER = "service_provider", _("service provider")
    CSO = "cso", _("civil society organisation")
    MEDIA = "media", _("media")
    ACADEMIA = "academia", _("academia")
    PRIVATE_SECTOR = "private_sector", _("private sector")
    DONOR = "donor", _("development partner")
    CITIZEN = "citizen", _("citizen")
    OTHER = "other", _("other")


class Sex(models.TextChoices):
    FEMALE = "female", _("female")
    MALE = "male", _("male")
    UNDISCLOSED = "undisclosed", _("not stated")


class AgeBand(models.TextChoices):
    UNDER_18 = "under_18", _("under 18")
    AGE_18_34 = "18_34", _("18–34")
    AGE_35_59 = "35_59", _("35–59")
    AGE_60_PLUS = "60_plus", _("60 and over")
    UNKNOWN = "unknown", _("not stated")


class GroupQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True, is_active=True)


class Group(models.Model):
    """A multi-stakeholder group of an aimag or district (or, when needed, of a soum or one facility)."""

    code = models.CharField(_("public code"), max_length=12, unique=True, default=new_public_code, editable=False)
    name = models.CharField(_("name"), max_length=255)
    admin_unit = models.ForeignKey(
        AdminUnit,
        verbose_name=_("area"),
        on_delete=models.PROTECT,
        related_name="engagement_groups",
        help_text=_("The aimag, district or soum the group works for."),
    )
    service_unit = models.ForeignKey(
        ServiceUnit,
        verbose_name=_("facility"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="engagement_groups",
        help_text=_("Only for a group that works for one facility."),
    )
    sectors = models.ManyToManyField(Sector, verbose_name=_("sectors"), blank=True, related_name="engagement_groups")
    convening_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("convening organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="convened_groups",
        help_text=_("Its members with the 'coordinate groups' capability coordinate the group."),
    )
    description = models.TextField(_("description"), blank=True)
    established_on = models.DateField(_("established on"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_public = models.BooleanField(_("public"), default=True, help_text=_("Show the group's public page."))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = GroupQuerySet.as_manager()

    class Meta:
        ordering = ["admin_unit__code", "name"]
        verbose_name = _("multi-stakeholder group")
        verbose_name_plural = _("multi-stakeholder groups")
        indexes = [
            # the public list of groups filtered by area (group list, area panel)
            models.Index(fields=["admin_unit", "is_public", "is_active"], name="group_area_public"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("engagement:group_detail", args=[self.code])


class GroupMemberQuerySet(models.QuerySet):
    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(
            Q(left_on__isnull=True) | Q(left_on__gt=on), Q(joined_on__isnull=True) | Q(joined_on__lte=on)
        )


class GroupMember(models.Model):
    """A person and/or an organisation in a group. A member with a user account can act in it."""

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("coordinator")  # runs the group on the platform, approves updates
        CHAIR = "chair", _("chair")
        SECRETARY = "secretary", _("secretary")
        MEMBER = "member", _("member")

    code = models.CharField(_("public code"), max_length=12, unique=True, default=new_public_code, editable=False)
    group = models.ForeignKey(Group, verbose_name=_("group"), on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="group_memberships",
    )
    person_name = models.CharField(_("name"), max_length=255, blank=True)
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="group_memberships",
    )
    position = models.CharField(_("position"), max_length=150, blank=True)
    stakeholder_type = models.CharField(_("stakeholder type"), max_length=32, choices=StakeholderType.choices)
    sex = models.CharField(_("sex"), max_length=16, choices=Sex.choices, default=Sex.UNDISCLOSED)
    age_band = models.CharField(_("age"), max_length=16, choices=AgeBand.choices, default=AgeBand.UNKNOWN)
    role = models.CharField(_("role in the group"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)

    objects = GroupMemberQuerySet.as_manager()

    class Meta:
        ordering = ["group", "role", "person_name"]
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(person_name="") | Q(organization__isnull=False),
                name="groupmember_names_someone",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(joined_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="groupmember_left_after_joined",
            ),
        ]
        indexes = [
            # "is this user a current member of this group?" (permissions)
            models.Index(fields=["user", "group"], name="groupmember_user_group"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        person = self.person_name or (self.user.get_full_name() if self.user_id else "")
        if person and self.organization_id:
            return f"{person} ({self.organization})"
        return person or str(self.organization or "")

    @property
    def is_current(self) -> bool:
        today = timezone.localdate()
        return (self.left_on is None or self.left_on > today) and (self.joined_on is None or self.joined_on <= today)


class MeetingQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True, group__is_public=True).exclude(status=Meeting.Status.CANCELLED)


class Meeting(models.Model):
    class Kind(models.TextChoices):
        REGULAR = "regular", _("regular meeting")
        EXTRAORDINARY = "extraordinary", _("extraordinary meeting")
        INTERFACE = "interface", _("interface meeting (score card)")  # community and providers meet
        PUBLIC_HEARING = "public_hearing", _("public hearing")
        WORKSHOP = "workshop", _("workshop")

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        HELD = "held", _("held")
        CANCELLED = "cancelled", _("cancelled")

    code = models.CharField(_("public code"), max_length=12, unique=True, default=new_public_code, editable=False)
    group = models.ForeignKey(Group, verbose_name=_("group"), on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.REGULAR)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    title = models.CharField(_("title"), max_length=255)
    held_on = models.DateField(_("date"))
    starts_at = models.TimeField(_("starts at"), null=True, blank=True)
    ends_at = models.TimeField(_("ends at"), null=True, blank=True)
    venue = models.CharField(_("place"), max_length=255, blank=True)
    agenda = models.TextField(_("agenda"), blank=True, help_text=_("One item per line."))
    minutes = models.TextField(_("minutes"), blank=True)
    decisions = models.TextField(_("decisions"), blank=True, help_text=_("One decision per line."))
    is_public = models.BooleanField(_("public"), default=True, help_text=_("Show a public summary of the meeting."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        indexes = [
            # a group's meetings, newest first (group page, dashboard)
            models.Index(fields=["group", "-held_on"], name="meeting_group_date"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on:%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        return reverse("engagement:meeting_detail", args=[self.code])

    @property
    def agenda_items(self) -> list[str]:
        return [line.strip() for line in self.agenda.splitlines() if line.strip()]

    @property
    def decision_items(self) -> list[str]:
        return [line.strip() for line in self.decisions.splitlines() if line.strip()]


class Attendance(models.Model):
    """One named participant of a meeting: a group member or a guest."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attendees")
    member = models.ForeignKey(
        GroupMember,
        verbose_name=_("member"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attendances",
    )
    name = models.CharField(_("name"), max_length=255)
    organization_name = models.CharField(_("organisation"), max_length=255, blank=True)
    stakeholder_type = models.CharField(_("stakeholder type"), max_length=32, choices=StakeholderType.choices)
    sex = models.CharField(_("sex"), max_length=16, choices=Sex.choices, default=Sex.UNDISCLOSED)
    age_band = models.CharField(_("age"), max_length=16, choices=AgeBand.choices, default=AgeBand.UNKNOWN)

    class Meta:
        ordering = ["meeting", "name"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member"], condition=Q(member__isnull=False), name="attendance_member_once"
            )
        ]

    def __str__(self) -> str:
        return self.name


class AttendanceCount(models.Model):
    """Participants counted, not named: how many of one stakeholder type and sex came."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attendance_counts"
    )
    stakeholder_type = models.CharField(_("stakeholder type"), max_length=32, choices=StakeholderType.choices)
    sex = models.CharField(_("sex"), max_length=16, choices=Sex.choices)
    count = models.PositiveIntegerField(_("number"), validators=[MaxValueValidator(10000)])

    class Meta:
        ordering = ["meeting", "stakeholder_type", "sex"]
        verbose_name = _("participant count")
        verbose_name_plural = _("participant counts")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "stakeholder_type", "sex"], name="attendancecount_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_stakeholder_type_display()} / {self.get_sex_display()}: {self.count}"


def engagement_upload_path(instance, filename):
    return f"engagement/{timezone.now():%Y/%m}/{new_public_code(12)}-{filename[-80:]}"


class Document(models.Model):
    """A file kept with a meeting, a local issue or an action update: minutes, a photo, a report."""

    class Kind(models.TextChoices):
        DOCUMENT = "document", _("document")
        PHOTO = "photo", _("photo")

    code = models.CharField(_("public code"), max_length=12, unique=True, default=new_public_code, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.DOCUMENT)
    title = models.CharField(_("title"), max_length=255, blank=True)
    file = models.FileField(_("file"), upload_to=engagement_upload_path)
    content_type = models.CharField(max_length=100, blank=True, editable=False)
    size = models.PositiveIntegerField(default=0, editable=False)
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, null=True, blank=True, related_name="documents"
    )
    issue = models.ForeignKey(
        "LocalIssue",
        verbose_name=_("local issue"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="documents",
    )
    update = models.ForeignKey(
        "ActionUpdate",
        verbose_name=_("update"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="documents",
    )
    is_public = models.BooleanField(_("public"), default=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.title or self.file.name.rsplit("/", 1)[-1]

    def get_absolute_url(self) -> str:
        return reverse("engagement:document", args=[self.code])


class LocalIssueQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True, group__is_public=True)


class LocalIssue(models.Model):
    """A pressing local health or education issue the group has raised, with its evidence."""

    class Status(models.TextChoices):
        RAISED = "raised", _("raised")  # put on the group's list
        PRIORITISED = "prioritised", _("prioritised")  # picked in a meeting
        IN_ACTION = "in_action", _("in an action plan")
        RESOLVED = "resolved", _("resolved")
        DROPPED = "dropped", _("dropped")

    code = models.CharField(_("public code"), max_length=12, unique=True, default=new_public_code, editable=False)
    group = models.ForeignKey(Group, verbose_name=_("group"), on_delete=models.CASCADE, related_name="issues")
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    sector = models.ForeignKey(Sector, verbose_name=_("sector"), on_delete=models.PROTECT, null=True, blank=True)
    service_unit = models.ForeignKey(
        ServiceUnit,
        verbose_name=_("facility"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="local_issues",
    )
    admin_unit = models.ForeignKey(
        AdminUnit, verbose_name=_("area"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.RAISED)
    priority = models.PositiveSmallIntegerField(
        _("priority rank"), null=True, blank=True, help_text=_("1 is the most pressing; set by prioritisation.")
    )
    raised_at = models.ForeignKey(
        Meeting,
        verbose_name=_("raised at meeting"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="raised_issues",
    )
    is_public = models.BooleanField(_("public"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = LocalIssueQuerySet.as_manager()

    class Meta:
        ordering = ["group", "priority", "-created_at"]
        verbose_name = _("local issue")
        verbose_name_plural = _("local issues")
        indexes = [
            # a group's issues in priority order (group page, dashboard)
            models.Index(fields=["group", "status", "priority"], name="localissue_group_status"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("engagement:issue_detail", args=[self.code])


class Evidence(models.Model):
    """Why an issue matters: a feedback item, a score card result, disclosed data, a link or a note.

    Items from the platform are linked generically (``target``) so that higher modules (score cards,
    disclosure) can be cited without this module importing them; feedback is linked directly.
    """

    class Kind(models.TextChoices):
        FEEDBACK = "feedback", _("citizen feedback")
        SCORECARD = "scorecard", _("score card result")
        DISCLOSURE = "disclosure", _("disclosed data")
        DOCUMENT = "document", _("document")
        LINK = "link", _("link")
        NOTE = "note", _("note")

    issue = models.ForeignKey(
        LocalIssue, verbose_name=_("local issue"), on_delete=models.CASCADE, related_name="evidence"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    feedback = models.ForeignKey(
        "feedback.Feedback",
        verbose_name=_("feedback"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    target_id = models.CharField(max_length=64, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    url = models.URLField(_("link"), blank=True)
    note = models.TextField(_("note"), blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("added by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    added_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        ordering = ["issue", "added_at", "pk"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.note[:60] or self.url or self.feedback or self.target_id}"


class Prioritisation(models.Model):
    """Votes an issue received in a meeting from one stakeholder type (or a rank they gave it)."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="prioritisations"
    )
    issue = models.ForeignKey(
        LocalIssue, verbose_name=_("local issue"), on_delete=models.CASCADE, related_name="prioritisations"
    )
    stakeholder_type = models.CharField(_("stakeholder type"), max_length=32, choices=StakeholderType.choices)
    votes = models.PositiveIntegerField(_("votes"), default=0, validators=[MaxValueValidator(10000)])

    class Meta:
        ordering = ["meeting", "issue", "stakeholder_type"]
        verbose_name = _("prioritisation vote")
        verbose_name_plural = _("prioritisation votes")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "issue", "stakeholder_type"], name="prioritisation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.issue}: {self.votes}"


class ActionPlanQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True, group__is_public=True).exclude(status=ActionPlan.Status.DRAFT)


class ActionPlan(models.Model):
    """A joint action plan: what the stakeholders agreed to do, by whom and by when."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")  # being written, not public
        AGREED = "agreed", _("agreed")
        IN_PROGRESS = "in_progress", _("in progress")
        COMPLETED = "completed", _("completed")
        CANCELLED = "cancelled", _("cancelled")

    code = models.CharField(_("public code"), max_length=12, unique=True, default=new_public_code, editable=False)
    group = models.ForeignKey(Group, verbose_name=_("group"), on_delete=models.CASCADE, related_name="action_plans")
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("agreed at meeting"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_plans",
    )
    issue = models.ForeignKey(
        LocalIssue,
        verbose_name=_("local issue"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_plans",
    )
    service_unit = models.ForeignKey(
        ServiceUnit,
        verbose_name=_("facility"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="action_plans",
    )
    # The tool that produced the plan (a score card cycle…), if any.
    source_type = models.ForeignKey(ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    source_id = models.CharField(max_length=64, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    is_public = models.BooleanField(_("public"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = ActionPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("joint action plan")
        verbose_name_plural = _("joint action plans")
        indexes = [
            # a group's plans, newest first (the group's plan list and group page)
            models.Index(fields=["group", "-created_at"], name="actionplan_group_created"),
            # a facility's public plans (facility page) and a tool's plan (score card cycle)
            models.Index(fields=["service_unit", "status"], name="actionplan_facility"),
            models.Index(fields=["source_type", "source_id"], name="actionplan_source"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("engagement:plan_detail", args=[self.code])


class ActionQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status__in=[Action.Status.DONE, Action.Status.CANCELLED])

    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.open().filter(due_on__lt=today)


class Action(models.Model):
    """One action of a plan: a lead organisation, co-responsible ones, a person, a due date."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("not started")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")
        CANCELLED = "cancelled", _("cancelled")

    code = models.CharField(_("public code"), max_length=12, unique=True, default=new_public_code, editable=False)
    plan = models.ForeignKey(
        ActionPlan, verbose_name=_("action plan"), on_delete=models.CASCADE, related_name="actions"
    )
    title = models.CharField(_("action"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    lead_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("lead organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_actions",
    )
    co_responsible = models.ManyToManyField(
        "organizations.Organization", verbose_name=_("co-responsible organisations"), blank=True, related_name="+"
    )
    responsible_person = models.CharField(_("responsible person"), max_length=255, blank=True)
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="engagement_actions",
        help_text=_("Receives overdue reminders."),
    )
    due_on = models.DateField(_("due date"), null=True, blank=True)
    resources = models.TextField(_("resources"), blank=True, help_text=_("Money, people or material the action needs."))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.NOT_STARTED)
    progress = models.PositiveSmallIntegerField(
        _("progress %"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    reminded_on = models.DateField(_("last overdue reminder"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "order", "pk"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="action_progress_at_most_100"),
        ]
        indexes = [
            # overdue sweep and dashboards: open actions by due date
            models.Index(fields=["status", "due_on"], name="action_status_due"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("engagement:action_detail", args=[self.code])

    @property
    def is_overdue(self) -> bool:
        return (
            self.due_on is not None
            and self.status not in {self.Status.DONE, self.Status.CANCELLED}
            and self.due_on < timezone.localdate()
        )


class ActionUpdate(models.Model):
    """Progress reported on an action, with evidence. A member's update waits for the coordinator's
    approval (maker-checker) before it changes the action or shows publicly."""

    class Review(models.TextChoices):
        PENDING = "pending", _("waiting for approval")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    code = models.CharField(_("public code"), max_length=12, unique=True, default=new_public_code, editable=False)
    action = models.ForeignKey(Action, verbose_name=_("action"), on_delete=models.CASCADE, related_name="updates")
    text = models.TextField(_("what was done"))
    new_status = models.CharField(_("new status"), max_length=16, choices=Action.Status.choices, blank=True)
    new_progress = models.PositiveSmallIntegerField(
        _("new progress %"), null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    review = models.CharField(_("approval"), max_length=16, choices=Review.choices, default=Review.PENDING)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("entered"), default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_note = models.TextField(_("reviewer's note"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("action update")
        verbose_name_plural = _("action updates")
        indexes = [
            # the coordinator's queue of updates waiting for approval
            models.Index(fields=["review", "created_at"], name="actionupdate_review"),
        ]

    def __str__(self) -> str:
        return f"{self.action}: {self.text[:60]}"


class OutcomeStory(models.Model):
    """What changed because of a plan: told in a few lines, with a photo if there is one."""

    code = models.CharField(_("public code"), max_length=12, unique=True, default=new_public_code, editable=False)
    plan = models.ForeignKey(
        ActionPlan, verbose_name=_("action plan"), on_delete=models.CASCADE, related_name="stories"
    )
    action = models.ForeignKey(
        Action, verbose_name=_("action"), on_delete=models.SET_NULL, null=True, blank=True, related_name="stories"
    )
    title = models.CharField(_("title"), max_length=255)
    what_changed = models.TextField(_("what changed"))
    photo = models.ImageField(_("photo"), upload_to=engagement_upload_path, blank=True)
    is_public = models.BooleanField(_("public"), default=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("outcome story")
        verbose_name_plural = _("outcome stories")

    def __str__(self) -> str:
        return self.title


class ProjectQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True)


class Project(models.Model):
    """A CSO's social accountability project: which tool it applies, where, with whom, what came of it."""

    class Tool(models.TextChoices):
        SCORECARD = "scorecard", _("community score card")
        REPORT_CARD = "report_card", _("citizen report card")
        SOCIAL_AUDIT = "social_audit", _("social audit")
        PETS = "pets", _("public expenditure tracking")
        PROCUREMENT = "procurement", _("procurement monitoring")
        LDF = "ldf", _("local development fund monitoring")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        ONGOING = "ongoing", _("ongoing")
        COMPLETED = "completed", _("completed")

    code = models.CharField(_("public code"), max_length=12, unique=True, default=new_public_code, editable=False)
    title = models.CharField(_("title"), max_length=255)
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("lead organisation"),
        on_delete=models.PROTECT,
        related_name="sa_projects",
    )
    tool = models.CharField(_("tool"), max_length=16, choices=Tool.choices)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    objectives = models.TextField(_("objectives"), blank=True)
    budget = models.DecimalField(_("budget"), max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="MNT")
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    partners = models.ManyToManyField(
        "organizations.Organization", verbose_name=_("partners"), blank=True, related_name="+"
    )
    facilities = models.ManyToManyField(
        ServiceUnit, verbose_name=_("target facilities"), blank=True, related_name="sa_projects"
    )
    groups = models.ManyToManyField(Group, verbose_name=_("groups"), blank=True, related_name="projects")
    issues = models.ManyToManyField(LocalIssue, verbose_name=_("local issues"), blank=True, related_name="projects")
    results = models.TextField(_("results"), blank=True)
    lessons = models.TextField(_("lessons learned"), blank=True)
    is_public = models.BooleanField(_("public"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "title"]
        verbose_name = _("social accountability project")
        verbose_name_plural = _("social accountability projects")
        indexes = [
            # the project list filtered by tool and status
            models.Index(fields=["tool", "status"], name="project_tool_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="project_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("engagement:project_detail", args=[self.code])
