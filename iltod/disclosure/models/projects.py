"""Local Development Fund projects, watched to the end.

A soum, district, bag or khoroo decides each year what its Local Development Fund builds or buys.
Each ``LdfProject`` carries its money (approved, spent), its contractor, a status with a progress
percentage and dated ``Milestone`` rows with photos. Citizens send ``MonitoringReport`` rows (what
they saw, a photo, a rating, problems); a report is public only once moderated, and a report with
a problem becomes a feedback item for the governor's office of the area.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from iltod.places.models import new_public_code

__all__ = ["LdfProject", "Milestone", "MonitoringReport"]

AMOUNT = {"max_digits": 16, "decimal_places": 2}
PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


class LdfProjectQuerySet(models.QuerySet):
    def in_area(self, unit):
        """Projects of the area or of any unit below it (an IN list on the indexed column, not joins)."""
        return self.filter(admin_unit_id__in=unit.descendant_ids())


class LdfProject(models.Model):
    class Category(models.TextChoices):
        ROADS = "roads", _("roads and bridges")
        WATER = "water", _("water supply and wells")
        EDUCATION = "education", _("schools and kindergartens")
        HEALTH = "health", _("health")
        CULTURE = "culture", _("culture and sports")
        PUBLIC_SPACE = "public_space", _("public spaces and lighting")
        ENVIRONMENT = "environment", _("environment and waste")
        LIVESTOCK = "livestock", _("livestock and agriculture")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")  # chosen by the citizens' khural, nothing signed yet
        PROCUREMENT = "procurement", _("in procurement")  # tender open or being evaluated
        IN_PROGRESS = "in_progress", _("in progress")  # contract signed, work under way
        COMPLETED = "completed", _("completed")  # handed over
        SUSPENDED = "suspended", _("suspended")  # stopped, may resume
        CANCELLED = "cancelled", _("cancelled")  # will not be done

    code = models.CharField(_("public code"), max_length=12, unique=True, default=new_public_code, editable=False)
    external_id = models.CharField(
        _("external id"),
        max_length=64,
        unique=True,
        help_text=_("The publisher's own identifier; an import updates the project with the same id."),
    )
    admin_unit = models.ForeignKey(
        "places.AdminUnit",
        verbose_name=_("area"),
        on_delete=models.PROTECT,
        related_name="ldf_projects",
        help_text=_("The soum, district, bag or khoroo whose fund pays for the project."),
    )
    fiscal_year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    title_mn = models.CharField(_("title (Mongolian)"), max_length=255)
    title_en = models.CharField(_("title (English)"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices, default=Category.OTHER)
    latitude = models.FloatField(
        _("latitude"), null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.FloatField(
        _("longitude"), null=True, blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    amount_approved = models.DecimalField(_("amount approved"), **AMOUNT, validators=[MinValueValidator(0)])
    amount_spent = models.DecimalField(_("amount spent"), **AMOUNT, default=0, validators=[MinValueValidator(0)])
    contractor = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("contractor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ldf_contracts",
    )
    ocid = models.CharField(
        _("OCID"), max_length=128, blank=True, help_text=_("The open contracting identifier of the procurement.")
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0, validators=PERCENT)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    updated_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = LdfProjectQuerySet.as_manager()

    class Meta:
        ordering = ["-fiscal_year", "title_mn"]
        verbose_name = _("Local Development Fund project")
        verbose_name_plural = _("Local Development Fund projects")
        indexes = [
            # the list per area and year
            models.Index(fields=["admin_unit", "fiscal_year"], name="ldfproject_area_year"),
            # the national list filtered by year and status
            models.Index(fields=["fiscal_year", "status"], name="ldfproject_year_status"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("disclosure:project_detail", args=[self.code])

    @property
    def title(self) -> str:
        if (get_language() or "mn").startswith("en") and self.title_en:
            return self.title_en
        return self.title_mn

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def spent_percent(self) -> float | None:
        if not self.amount_approved:
            return None
        return float(self.amount_spent) * 100 / float(self.amount_approved)


class Milestone(models.Model):
    project = models.ForeignKey(
        LdfProject, verbose_name=_("project"), on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("milestone"), max_length=255)
    planned_on = models.DateField(_("planned for"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    photo = models.FileField(_("photo"), upload_to="ldf/milestones/%Y/%m/", blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["project", "planned_on", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.title


class MonitoringReportQuerySet(models.QuerySet):
    def public(self):
        return self.filter(moderation=MonitoringReport.Moderation.PUBLISHED)

    def awaiting_moderation(self):
        return self.filter(moderation=MonitoringReport.Moderation.PENDING)


class MonitoringReport(models.Model):
    """What a citizen saw of a project on a visit."""

    class Moderation(models.TextChoices):
        PENDING = "pending", _("awaiting moderation")  # not shown to the public yet
        PUBLISHED = "published", _("published")
        REJECTED = "rejected", _("not published")  # abusive, personal data, off topic

    class Rating(models.IntegerChoices):
        VERY_BAD = 1, _("very bad")
        BAD = 2, _("bad")
        FAIR = 3, _("fair")
        GOOD = 4, _("good")
        VERY_GOOD = 5, _("very good")

    code = models.CharField(_("public code"), max_length=12, unique=True, default=new_public_code, editable=False)
    project = models.ForeignKey(LdfProject, verbose_name=_("project"), on_delete=models.CASCADE, related_name="reports")
    submitted_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=150, blank=True, help_text=_("Shown with the report if given."))
    visited_on = models.DateField(_("visited on"))
    progress_seen = models.PositiveSmallIntegerField(_("progress seen (%)"), validators=PERCENT)
    rating = models.PositiveSmallIntegerField(_("rating"), choices=Rating.choices)
    problems = models.TextField(_("problems"), blank=True)
    comment = models.TextField(_("comment"), blank=True)
    photo = models.FileField(_("photo"), upload_to="ldf/reports/%Y/%m/", blank=True)
    moderation = models.CharField(
        _("moderation"), max_length=16, choices=Moderation.choices, default=Moderation.PENDING
    )
    moderated_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("moderated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    feedback = models.ForeignKey(
        "feedback.Feedback",
        verbose_name=_("feedback item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ldf_reports",
        help_text=_("The feedback item the report's problems became."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = MonitoringReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("monitoring report")
        verbose_name_plural = _("monitoring reports")
        indexes = [
            # the project page: its published reports, newest first; the moderation queue
            models.Index(fields=["project", "moderation", "-created_at"], name="ldfreport_project_mod"),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.visited_on}"
