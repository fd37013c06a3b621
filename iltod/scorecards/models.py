"""Community score cards: the indicator library, cycles per facility with their stages, input
tracking, focus groups, scores (community and provider self-evaluation) with their history, and
submissions imported from KoBoToolbox / ODK Collect."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from iltod.places.models import new_public_code


class Scale(models.TextChoices):
    FIVE = "five", _("1 to 5 (faces)")  # the classic paper score card: 1 very bad … 5 very good
    HUNDRED = "hundred", _("0 to 100")  # a percentage, for programmes that score finer

    @classmethod
    def bounds(cls, scale: str) -> tuple[int, int]:
        return (1, 5) if scale == cls.FIVE else (0, 100)


FACES = {1: "😞", 2: "🙁", 3: "😐", 4: "🙂", 5: "😀"}


class Project(models.Model):
    """A programme or project that runs score cards with a common set of indicators."""

    code = models.CharField(_("public code"), max_length=12, unique=True, default=new_public_code, editable=False)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    sector = models.ForeignKey(
        "places.Sector", verbose_name=_("sector"), on_delete=models.PROTECT, null=True, blank=True
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="scorecard_projects",
        help_text=_("The organisation that runs the programme."),
    )
    indicators = models.ManyToManyField("Indicator", verbose_name=_("indicators"), blank=True, related_name="projects")
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("score card project")
        verbose_name_plural = _("score card projects")

    def __str__(self) -> str:
        return self.name


class IndicatorQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Indicator(models.Model):
    """An indicator of the library, e.g. "teachers treat pupils with respect"."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    sector = models.ForeignKey("places.Sector", verbose_name=_("sector"), on_delete=models.PROTECT)
    text = models.CharField(_("indicator"), max_length=255)
    guidance = models.TextField(
        _("guidance"), blank=True, help_text=_("What a facilitator explains before the group scores.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["sector__order", "order", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicator library")

    def __str__(self) -> str:
        return self.text or self.code


class Stage(models.TextChoices):
    PLANNING = "planning", _("planning")  # choose the facility, indicators, dates
    INPUT_TRACKING = "input_tracking", _("input tracking")  # entitlements versus reality
    COMMUNITY_SCORING = "community_scoring", _("community scoring")  # focus groups score
    SELF_EVALUATION = "self_evaluation", _("provider self-evaluation")  # staff score themselves
    INTERFACE_MEETING = "interface_meeting", _("interface meeting")  # community meets providers
    ACTION_PLANNING = "action_planning", _("action planning")  # joint action plan agreed
    MONITORING = "monitoring", _("monitoring")  # actions followed up
    CLOSED = "closed", _("closed")  # finished: the report is public

    @classmethod
    def order(cls) -> list[str]:
        return list(cls.values)

    @classmethod
    def index(cls, stage: str) -> int:
        return cls.values.index(stage)


class CycleQuerySet(models.QuerySet):
    def public(self):
        return self.filter(stage=Stage.CLOSED)

    def open(self):
        return self.exclude(stage=Stage.CLOSED)


class ScorecardCycle(models.Model):
    """One run of the score card at one facility."""

    code = models.CharField(_("public code"), max_length=12, unique=True, default=new_public_code, editable=False)
    title = models.CharField(_("title"), max_length=200)
    service_unit = models.ForeignKey(
        "places.ServiceUnit", verbose_name=_("facility"), on_delete=models.PROTECT, related_name="scorecard_cycles"
    )
    owner_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("owner organisation"),
        on_delete=models.PROTECT,
        related_name="scorecard_cycles",
    )
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("facilitator"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="facilitated_scorecards",
    )
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.SET_NULL, null=True, blank=True, related_name="cycles"
    )
    scale = models.CharField(_("scale"), max_length=8, choices=Scale.choices, default=Scale.FIVE)
    stage = models.CharField(_("stage"), max_length=24, choices=Stage.choices, default=Stage.PLANNING)
    summary = models.TextField(_("summary"), blank=True, help_text=_("Shown on the public report."))
    interface_meeting = models.ForeignKey(
        "engagement.Meeting",
        verbose_name=_("interface meeting"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="scorecard_cycles",
    )
    action_plan = models.ForeignKey(
        "engagement.ActionPlan",
        verbose_name=_("joint action plan"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="scorecard_cycles",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = CycleQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("score card cycle")
        verbose_name_plural = _("score card cycles")
        indexes = [
            # public list and aggregated views: finished cycles, newest first
            models.Index(fields=["stage", "-closed_at"], name="scorecycle_stage_closed"),
            # a facility's cycles (facility panel, change since the last cycle)
            models.Index(fields=["service_unit", "-created_at"], name="scorecycle_facility"),
            # staff list: an organisation's cycles
            models.Index(fields=["owner_organization", "stage"], name="scorecycle_owner_stage"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("scorecards:public_report", args=[self.code])

    def get_staff_url(self) -> str:
        return reverse("scorecards:cycle", args=[self.code])

    @property
    def is_public(self) -> bool:
        return self.stage == Stage.CLOSED

    @property
    def bounds(self) -> tuple[int, int]:
        return Scale.bounds(self.scale)

    @property
    def stage_index(self) -> int:
        return Stage.index(self.stage)

    def next_stage(self) -> str | None:
        index = self.stage_index
        return Stage.values[index + 1] if index + 1 < len(Stage.values) else None

    def previous_cycle(self):
        """The latest earlier cycle at the same facility, for the change since the last cycle."""
        return (
            ScorecardCycle.objects.filter(service_unit_id=self.service_unit_id, created_at__lt=self.created_at)
            .exclude(pk=self.pk)
            .order_by("-created_at", "-pk")
            .first()
        )


class StagePlan(models.Model):
    """The planned and actual end date of one stage of a cycle."""

    cycle = models.ForeignKey(ScorecardCycle, verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="plans")
    stage = models.CharField(_("stage"), max_length=24, choices=Stage.choices)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    # A coordinator may leave a stage out (e.g. no input standards exist for this kind of facility);
    # the reason is kept here and in the audit log. A skipped stage also has its completed_on.
    skip_reason = models.TextField(_("why the stage was skipped"), blank=True)
    skipped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("skipped by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["cycle", "pk"]
        verbose_name = _("stage plan")
        verbose_name_plural = _("stage plans")
        constraints = [models.UniqueConstraint(fields=["cycle", "stage"], name="stageplan_unique")]
        indexes = [
            # behind-schedule report: open stages whose planned end has passed
            models.Index(fields=["completed_on", "planned_end"], name="stageplan_due"),
        ]

    def __str__(self) -> str:
        return f"{self.cycle} · {self.get_stage_display()}"

    @property
    def is_skipped(self) -> bool:
        return bool(self.skip_reason)

    @property
    def is_late(self) -> bool:
        return self.completed_on is None and self.planned_end is not None and self.planned_end < timezone.localdate()

    @property
    def days_late(self) -> int:
        if self.planned_end is None:
            return 0
        end = self.completed_on or timezone.localdate()
        return max((end - self.planned_end).days, 0)


class CycleIndicator(models.Model):
    """An indicator scored in one cycle: copied from the library, or generated by the community."""

    cycle = models.ForeignKey(
        ScorecardCycle, verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="indicators"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("library indicator"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cycle_indicators",
    )
    text_mn = models.CharField(_("indicator (Mongolian)"), max_length=255)
    text_en = models.CharField(_("indicator (English)"), max_length=255, blank=True)
    is_community_generated = models.BooleanField(_("generated by the community"), default=False)

    class Meta:
        ordering = ["cycle", "number"]
        verbose_name = _("cycle indicator")
        verbose_name_plural = _("cycle indicators")
        constraints = [models.UniqueConstraint(fields=["cycle", "number"], name="cycleindicator_unique_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.text}"

    @property
    def text(self) -> str:
        if (get_language() or "mn").startswith("en") and self.text_en:
            return self.text_en
        return self.text_mn or self.text_en

    @property
    def field_name(self) -> str:
        """The indicator's field in the XLSForm and in the grid: i1, i2…"""
        return f"i{self.number}"


class InputItem(models.Model):
    """Input tracking: what the facility is entitled to, and what it actually has."""

    cycle = models.ForeignKey(ScorecardCycle, verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="inputs")
    name = models.CharField(_("input"), max_length=200, help_text=_("e.g. teachers, textbooks, essential medicines"))
    unit = models.CharField(_("unit"), max_length=50, blank=True, help_text=_("e.g. people, books, MNT"))
    entitled = models.DecimalField(_("entitlement"), max_digits=14, decimal_places=2, null=True, blank=True)
    actual = models.DecimalField(_("actual"), max_digits=14, decimal_places=2, null=True, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True, help_text=_("Standard, budget, register…"))
    checked_by = models.CharField(_("checked by"), max_length=150, blank=True)
    checked_on = models.DateField(_("checked on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["cycle", "pk"]
        verbose_name = _("input")
        verbose_name_plural = _("input tracking")

    def __str__(self) -> str:
        return self.name

    @property
    def gap(self):
        if self.entitled is None or self.actual is None:
            return None
        return self.actual - self.entitled

    @property
    def percent(self):
        if not self.entitled or self.actual is None:
            return None
        return round(float(self.actual) / float(self.entitled) * 100)


class FocusGroup(models.Model):
    """A group that scores the indicators: a community focus group or the provider's staff."""

    class Kind(models.TextChoices):
        WOMEN = "women", _("women")
        MEN = "men", _("men")
        YOUTH = "youth", _("youth")
        ELDERLY = "elderly", _("elderly people")
        DISABILITY = "disability", _("people with disabilities")
        PARENTS = "parents", _("parents")
        PUPILS = "pupils", _("pupils")
        PATIENTS = "patients", _("patients")
        HERDERS = "herders", _("herders")
        MIXED = "mixed", _("mixed community group")
        PROVIDER = "provider", _("service provider staff (self-evaluation)")  # not the community

    class SheetStatus(models.TextChoices):
        DRAFT = "draft", _("being entered")  # maker is still typing
        SUBMITTED = "submitted", _("waiting for approval")  # maker done, checker to look
        APPROVED = "approved", _("approved")  # counted in the report, locked
        RETURNED = "returned", _("returned for correction")  # checker sent it back

    cycle = models.ForeignKey(ScorecardCycle, verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="groups")
    code = models.CharField(_("public code"), max_length=12, default=new_public_code, editable=False)
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=150, blank=True, help_text=_("e.g. mothers of bag 3"))
    held_on = models.DateField(_("date"), null=True, blank=True)
    facilitator_name = models.CharField(_("facilitator"), max_length=150, blank=True)
    participants_female = models.PositiveIntegerField(_("women and girls"), default=0)
    participants_male = models.PositiveIntegerField(_("men and boys"), default=0)
    status = models.CharField(
        _("scores"), max_length=12, choices=SheetStatus.choices, default=SheetStatus.DRAFT, db_index=True
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    return_reason = models.TextField(_("why it was returned"), blank=True)

    class Meta:
        ordering = ["cycle", "pk"]
        verbose_name = _("focus group")
        verbose_name_plural = _("focus groups")
        constraints = [models.UniqueConstraint(fields=["cycle", "code"], name="focusgroup_unique_code")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        kind = capfirst(self.get_kind_display())
        return f"{kind}: {self.name}" if self.name else str(kind)

    @property
    def is_provider(self) -> bool:
        return self.kind == self.Kind.PROVIDER

    @property
    def participants(self) -> int:
        return self.participants_female + self.participants_male

    @property
    def is_locked(self) -> bool:
        return self.status in {self.SheetStatus.SUBMITTED, self.SheetStatus.APPROVED}


class Score(models.Model):
    """One group's score of one indicator, with the reason the group gave."""

    group = models.ForeignKey(
        FocusGroup, verbose_name=_("focus group"), on_delete=models.CASCADE, related_name="scores"
    )
    indicator = models.ForeignKey(
        CycleIndicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="scores"
    )
    value = models.PositiveSmallIntegerField(
        _("score"), null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    reason = models.TextField(_("reason"), blank=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["group", "indicator__number"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [models.UniqueConstraint(fields=["group", "indicator"], name="score_unique")]

    def __str__(self) -> str:
        return f"{self.group} · {self.indicator.number}: {self.value}"

    @property
    def face(self) -> str:
        return FACES.get(self.value, "") if self.group.cycle.scale == Scale.FIVE else ""


class ScoreRevision(models.Model):
    """The edit history of a score: one row per change, never edited."""

    class Source(models.TextChoices):
        GRID = "grid", _("typed from a paper sheet")
        KOBO = "kobo", _("field form (KoBo/ODK)")

    score = models.ForeignKey(Score, verbose_name=_("score"), on_delete=models.CASCADE, related_name="revisions")
    value = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    previous_value = models.PositiveSmallIntegerField(_("previous score"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices, default=Source.GRID)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("score change")
        verbose_name_plural = _("score history")

    def __str__(self) -> str:
        return f"{self.score_id}: {self.previous_value} → {self.value}"


class FieldSubmission(models.Model):
    """A scoring session collected with the cycle's XLSForm, by webhook or file upload. Unique on
    the submission's uuid, so importing the same submission twice imports it once."""

    class Status(models.TextChoices):
        IMPORTED = "imported", _("imported")
        ERROR = "error", _("error")

    external_id = models.CharField(_("submission id"), max_length=100, unique=True)
    cycle = models.ForeignKey(
        ScorecardCycle,
        verbose_name=_("cycle"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="submissions",
    )
    group = models.ForeignKey(
        FocusGroup, verbose_name=_("focus group"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    payload = models.JSONField(_("submission"), default=dict)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("received"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("field submission")
        verbose_name_plural = _("field submissions")
        indexes = [
            # a cycle's submissions, newest first (cycle page)
            models.Index(fields=["cycle", "-created_at"], name="fieldsub_cycle"),
        ]
        constraints = [models.CheckConstraint(condition=~Q(external_id=""), name="fieldsub_has_id")]

    def __str__(self) -> str:
        return self.external_id
