"""A member organisation's profile: the network's questionnaire, filled in by the member and
validated by the network administrator (maker-checker). Every version is a row; the validated one
marked ``is_current`` is public, with its date."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from iltod.organizations.models import Organization
from iltod.places.models import AdminUnit, Sector

__all__ = ["BudgetRange", "FundingSource", "OrganizationProfile", "ProfileTool", "SATool"]


class SATool(models.TextChoices):
    """Social accountability tools a member uses (the directory filters by them)."""

    SCORECARD = "scorecard", _("community score card")
    REPORT_CARD = "report_card", _("citizen report card")
    SOCIAL_AUDIT = "social_audit", _("social audit")
    PETS = "pets", _("public expenditure tracking (PETS)")
    PARTICIPATORY_BUDGETING = "participatory_budgeting", _("participatory budgeting")
    PROCUREMENT_MONITORING = "procurement_monitoring", _("procurement monitoring")
    PUBLIC_HEARING = "public_hearing", _("public hearing")
    BUDGET_ANALYSIS = "budget_analysis", _("budget analysis")
    OTHER = "other", _("other tool")


class BudgetRange(models.TextChoices):
    UNDER_10M = "lt10m", _("under 10 million ₮ a year")
    FROM_10M = "10-50m", _("10–50 million ₮ a year")
    FROM_50M = "50-200m", _("50–200 million ₮ a year")
    FROM_200M = "200m-1b", _("200 million – 1 billion ₮ a year")
    OVER_1B = "gt1b", _("over 1 billion ₮ a year")


class FundingSource(models.TextChoices):
    MEMBERSHIP_FEES = "fees", _("membership fees")
    GRANTS = "grants", _("grants from donors")
    GOVERNMENT = "government", _("government contracts or grants")
    SERVICES = "services", _("paid services")
    DONATIONS = "donations", _("private donations")
    BUSINESS = "business", _("business sponsorship")
    OTHER = "other", _("other source")


class OrganizationProfile(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("waiting for validation")
        VALIDATED = "validated", _("validated")
        RETURNED = "returned", _("returned for changes")

    OPEN_STATUSES = (Status.DRAFT, Status.SUBMITTED)

    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="learning_profiles"
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    is_current = models.BooleanField(_("public version"), default=False, editable=False)
    mission = models.TextField(_("mission"))
    sectors = models.ManyToManyField(Sector, verbose_name=_("sectors covered"), blank=True, related_name="+")
    areas = models.ManyToManyField(AdminUnit, verbose_name=_("areas covered"), blank=True, related_name="+")
    staff = models.PositiveIntegerField(_("paid staff"), default=0)
    volunteers = models.PositiveIntegerField(_("volunteers"), default=0)
    budget_range = models.CharField(_("yearly budget"), max_length=16, choices=BudgetRange.choices, blank=True)
    funding_sources = models.JSONField(_("funding sources"), default=list, blank=True)
    government_partnerships = models.TextField(_("partnerships with government"), blank=True)
    governance = models.TextField(_("governance"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("written by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    return_reason = models.TextField(_("why it was returned"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("organisation profile")
        verbose_name_plural = _("organisation profiles")
        constraints = [
            models.UniqueConstraint(
                fields=["organization"], condition=Q(is_current=True), name="learning_profile_one_current"
            ),
            models.UniqueConstraint(
                fields=["organization"],
                condition=Q(status__in=["draft", "submitted"]),
                name="learning_profile_one_open",
            ),
        ]
        indexes = [models.Index(fields=["status", "submitted_at"], name="learning_profile_queue")]

    def __str__(self) -> str:
        return f"{self.organization} ({self.get_status_display()})"

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT

    def funding_source_labels(self) -> list[str]:
        labels = dict(FundingSource.choices)
        return [str(labels[v]) for v in self.funding_sources if v in labels]


class ProfileTool(models.Model):
    """A social accountability tool the member uses, with an example of its use."""

    profile = models.ForeignKey(
        OrganizationProfile, verbose_name=_("organisation profile"), on_delete=models.CASCADE, related_name="tools"
    )
    tool = models.CharField(_("tool"), max_length=32, choices=SATool.choices)
    example = models.TextField(_("example"), blank=True)

    class Meta:
        ordering = ["tool"]
        verbose_name = _("tool used")
        verbose_name_plural = _("tools used")
        constraints = [models.UniqueConstraint(fields=["profile", "tool"], name="learning_profiletool_unique")]
        indexes = [models.Index(fields=["tool", "profile"], name="learning_profiletool_tool")]

    def __str__(self) -> str:
        return self.get_tool_display()
