"""The competency framework as data (areas → competencies → observable behaviours, levels 1–4,
Mongolian and English, versioned) and the learning-needs assessments made against it.

A framework version is frozen once an assessment round uses it: a later change is a new version.
Each submitted assessment adds its ratings to ``GapSummary``, one row per round, scope
(organisation, aimag, subnetwork, network) and competency, so the heat map reads sums, never the
ratings themselves."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from iltod.organizations.models import Organization
from iltod.places.models import AdminUnit, new_public_code

__all__ = [
    "Assessment",
    "AssessmentRound",
    "Behaviour",
    "CapacityItem",
    "CapacityRating",
    "Competency",
    "CompetencyArea",
    "Framework",
    "GapSummary",
    "Importance",
    "LearnerRole",
    "Pillar",
    "ProficiencyLevel",
    "Rating",
    "RequiredLevel",
    "RoundInvitee",
]

LEVEL_VALIDATORS = [MinValueValidator(1), MaxValueValidator(4)]


class Bilingual:
    """``name`` (or ``text``) in the active language, the other one when it is empty."""

    def _pick(self, field: str) -> str:
        mn, en = getattr(self, f"{field}_mn"), getattr(self, f"{field}_en")
        return (en or mn) if (get_language() or "mn").startswith("en") else (mn or en)

    @property
    def name(self) -> str:
        return self._pick("name")


class ProficiencyLevel(models.IntegerChoices):
    AWARE = 1, _("aware")
    BASIC = 2, _("basic practice")
    INDEPENDENT = 3, _("independent practice")
    TRAINER = 4, _("can train others")


class Importance(models.IntegerChoices):
    LOW = 1, _("not important for my role")
    SOME = 2, _("somewhat important")
    HIGH = 3, _("important")
    ESSENTIAL = 4, _("essential")


class Pillar(models.TextChoices):
    """ANSA-EAP's four pillars of social accountability."""

    CITIZENS = "citizens", _("organised and capable citizen groups")
    GOVERNMENT = "government", _("responsive government")
    INFORMATION = "information", _("access to information")
    CONTEXT = "context", _("context and culture sensitivity")


class LearnerRole(models.TextChoices):
    """The role a person plays in a member organisation; the required level depends on it."""

    LEADER = "leader", _("director or board member")
    COORDINATOR = "coordinator", _("programme coordinator")
    MONITOR = "monitor", _("monitor or facilitator")
    COMMUNICATION = "communication", _("communication and advocacy")
    VOLUNTEER = "volunteer", _("volunteer")


class CapacityItem(models.TextChoices):
    """The organisational-capacity block an organisation fills in once per round."""

    GOVERNANCE = "governance", _("governance and accountability to members")
    FINANCE = "finance", _("financial management")
    PEOPLE = "people", _("staff and volunteers")
    MEL = "mel", _("monitoring, evaluation and learning")
    PARTNERSHIPS = "partnerships", _("partnerships with government and others")
    FUNDRAISING = "fundraising", _("raising resources")


class Framework(Bilingual, models.Model):
    network = models.ForeignKey(
        Organization,
        verbose_name=_("network"),
        on_delete=models.CASCADE,
        related_name="competency_frameworks",
        limit_choices_to={"kind": Organization.Kind.NETWORK},
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    name_mn = models.CharField(_("name (Mongolian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description_mn = models.TextField(_("description (Mongolian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    is_proposal = models.BooleanField(
        _("proposal"), default=False, help_text=_("A proposal for the network to adapt, not yet adopted.")
    )
    based_on = models.ForeignKey(
        "self", verbose_name=_("based on"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    frozen_at = models.DateTimeField(_("frozen"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["network", "-version"]
        verbose_name = _("competency framework")
        verbose_name_plural = _("competency frameworks")
        constraints = [models.UniqueConstraint(fields=["network", "version"], name="learning_framework_version")]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    def get_absolute_url(self) -> str:
        return reverse("learning:framework", args=[self.pk])

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None

    @property
    def description(self) -> str:
        return self._pick("description")


class CompetencyArea(Bilingual, models.Model):
    framework = models.ForeignKey(
        Framework, verbose_name=_("competency framework"), on_delete=models.CASCADE, related_name="areas"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    pillar = models.CharField(_("pillar"), max_length=16, choices=Pillar.choices)
    name_mn = models.CharField(_("name (Mongolian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)

    class Meta:
        ordering = ["framework", "position", "pk"]
        verbose_name = _("competency area")
        verbose_name_plural = _("competency areas")

    def __str__(self) -> str:
        return self.name


class Competency(Bilingual, models.Model):
    area = models.ForeignKey(
        CompetencyArea, verbose_name=_("competency area"), on_delete=models.CASCADE, related_name="competencies"
    )
    code = models.CharField(_("code"), max_length=16, help_text=_("Short code shown in forms, e.g. 4.2"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name_mn = models.CharField(_("name (Mongolian)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)

    class Meta:
        ordering = ["area__position", "position", "pk"]
        verbose_name = _("competency")
        verbose_name_plural = _("competencies")
        constraints = [models.UniqueConstraint(fields=["area", "code"], name="learning_competency_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Behaviour(Bilingual, models.Model):
    """What a person at ``level`` can be seen doing."""

    competency = models.ForeignKey(
        Competency, verbose_name=_("competency"), on_delete=models.CASCADE, related_name="behaviours"
    )
    level = models.PositiveSmallIntegerField(
        _("proficiency level"), choices=ProficiencyLevel.choices, validators=LEVEL_VALIDATORS
    )
    text_mn = models.TextField(_("statement (Mongolian)"))
    text_en = models.TextField(_("statement (English)"), blank=True)

    class Meta:
        ordering = ["competency", "level", "pk"]
        verbose_name = _("observable behaviour")
        verbose_name_plural = _("observable behaviours")

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return self._pick("text")


class RequiredLevel(models.Model):
    """The level a role needs in a competency (part of the framework version)."""

    competency = models.ForeignKey(
        Competency, verbose_name=_("competency"), on_delete=models.CASCADE, related_name="required_levels"
    )
    role = models.CharField(_("role"), max_length=16, choices=LearnerRole.choices)
    level = models.PositiveSmallIntegerField(
        _("required level"), choices=ProficiencyLevel.choices, validators=LEVEL_VALIDATORS
    )

    class Meta:
        verbose_name = _("required level")
        verbose_name_plural = _("required levels")
        constraints = [models.UniqueConstraint(fields=["competency", "role"], name="learning_required_level")]

    def __str__(self) -> str:
        return f"{self.competency}: {self.role} {self.level}"


class AssessmentRound(models.Model):
    code = models.CharField(_("public code"), max_length=12, unique=True, default=new_public_code, editable=False)
    network = models.ForeignKey(
        Organization, verbose_name=_("network"), on_delete=models.CASCADE, related_name="assessment_rounds"
    )
    framework = models.ForeignKey(
        Framework, verbose_name=_("competency framework"), on_delete=models.PROTECT, related_name="rounds"
    )
    name = models.CharField(_("name"), max_length=200)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    previous = models.ForeignKey(
        "self",
        verbose_name=_("previous round"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("For a re-assessment: the round to compare with."),
    )
    invited_organizations = models.ManyToManyField(
        Organization, verbose_name=_("invited organisations"), blank=True, related_name="invited_to_rounds"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-opens_on", "-pk"]
        verbose_name = _("assessment round")
        verbose_name_plural = _("assessment rounds")
        constraints = [
            models.CheckConstraint(condition=Q(closes_on__gte=models.F("opens_on")), name="learning_round_dates")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("learning:round", args=[self.code])


class RoundInvitee(models.Model):
    """A person invited to a round (with or without an account). Their private link
    (``/learning/invitations/<token>/``) shows the invitation, takes their answers once and then
    shows what they answered."""

    round = models.ForeignKey(
        AssessmentRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="invitees"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    full_name = models.CharField(_("full name"), max_length=150)
    email = models.EmailField(_("e-mail"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    token = models.CharField(max_length=32, unique=True, null=True, blank=True, editable=False)  # the private link
    assessment = models.OneToOneField(
        "learning.Assessment",
        verbose_name=_("answers"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitation",
        editable=False,
    )
    invited_at = models.DateTimeField(_("invited"), default=timezone.now)

    class Meta:
        ordering = ["round", "full_name"]
        verbose_name = _("invited person")
        verbose_name_plural = _("invited people")

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("learning:invitation", args=[self.token])


class Assessment(models.Model):
    """One person's self-assessment in a round."""

    class Source(models.TextChoices):
        WEB = "web", _("on the site")
        PAPER = "paper", _("paper form")
        KOBO = "kobo", _("KoBo or ODK")
        API = "api", _("through the API")  # a network's or member's own system

    round = models.ForeignKey(
        AssessmentRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="assessments"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    aimag = models.ForeignKey(
        AdminUnit, verbose_name=_("aimag or capital"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    full_name = models.CharField(_("full name"), max_length=150)
    role = models.CharField(_("role"), max_length=16, choices=LearnerRole.choices)
    source = models.CharField(_("entered"), max_length=8, choices=Source.choices, default=Source.WEB)
    external_id = models.CharField(_("submission id"), max_length=64, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "user"], condition=Q(user__isnull=False), name="learning_assessment_one_per_user"
            ),
            models.UniqueConstraint(
                fields=["round", "external_id"], condition=~Q(external_id=""), name="learning_assessment_external"
            ),
        ]
        indexes = [models.Index(fields=["round", "organization"], name="learning_assessment_org")]

    def __str__(self) -> str:
        return f"{self.full_name} · {self.round}"


class Rating(models.Model):
    assessment = models.ForeignKey(
        Assessment, verbose_name=_("assessment"), on_delete=models.CASCADE, related_name="ratings"
    )
    competency = models.ForeignKey(Competency, verbose_name=_("competency"), on_delete=models.PROTECT, related_name="+")
    current = models.PositiveSmallIntegerField(
        _("current level"), choices=ProficiencyLevel.choices, validators=LEVEL_VALIDATORS
    )
    importance = models.PositiveSmallIntegerField(
        _("importance for the role"), choices=Importance.choices, validators=LEVEL_VALIDATORS
    )
    required = models.PositiveSmallIntegerField(
        _("required level"), choices=ProficiencyLevel.choices, validators=LEVEL_VALIDATORS
    )
    gap = models.SmallIntegerField(_("gap"))  # required − current; negative when above the requirement
    priority = models.PositiveSmallIntegerField(_("priority"))  # max(gap, 0) × importance

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "competency"], name="learning_rating_unique"),
            models.CheckConstraint(
                condition=Q(current__gte=1, current__lte=4, importance__gte=1, importance__lte=4),
                name="learning_rating_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.competency_id}: {self.current}/{self.required}"


class CapacityRating(models.Model):
    round = models.ForeignKey(
        AssessmentRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="capacity_ratings"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    item = models.CharField(_("capacity"), max_length=16, choices=CapacityItem.choices)
    level = models.PositiveSmallIntegerField(_("level"), choices=ProficiencyLevel.choices, validators=LEVEL_VALIDATORS)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("organisational capacity")
        verbose_name_plural = _("organisational capacity")
        constraints = [
            models.UniqueConstraint(fields=["round", "organization", "item"], name="learning_capacity_unique"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=4), name="learning_capacity_range"),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.item} {self.level}"


class GapSummary(models.Model):
    """Sums of one round's ratings for one competency in one scope, kept up to date on submit."""

    class Scope(models.TextChoices):
        ORGANIZATION = "organization", _("organisation")
        AIMAG = "aimag", _("aimag or capital")
        SUBNETWORK = "subnetwork", _("subnetwork")
        NETWORK = "network", _("network")

    round = models.ForeignKey(AssessmentRound, on_delete=models.CASCADE, related_name="summaries")
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=16, choices=Scope.choices)
    scope_id = models.PositiveIntegerField()  # an Organization or AdminUnit key
    respondents = models.PositiveIntegerField(default=0)
    sum_current = models.PositiveIntegerField(default=0)
    sum_required = models.PositiveIntegerField(default=0)
    sum_gap = models.PositiveIntegerField(default=0)  # of max(gap, 0): the shortfall
    sum_priority = models.PositiveIntegerField(default=0)
    sum_importance = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("gap summary")
        verbose_name_plural = _("gap summaries")
        constraints = [
            models.UniqueConstraint(fields=["round", "scope", "scope_id", "competency"], name="learning_gapsummary_key")
        ]

    def __str__(self) -> str:
        return f"{self.round_id} {self.scope} {self.scope_id} {self.competency_id}"

    def mean(self, field: str) -> float | None:
        return getattr(self, field) / self.respondents if self.respondents else None
