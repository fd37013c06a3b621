"""Obligations and compliance: what each body must publish, its schedule of disclosures, and the
compliance figures computed from it (docs/disclosure.md, "Obligations and compliance").

A requirement is data, not code: the back office adds, edits or retires them; the schedule job
(``services.obligations.generate_schedule``) gives each body one ``Disclosure`` per period. The
compliance pages read ``ComplianceSummary``, counts kept per body and month of the deadline and
per aimag, sector and month, refreshed when a disclosure changes and by the periodic job.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from iltod.places.models import new_public_code

__all__ = ["ComplianceSummary", "ComplianceYear", "DayKind", "Disclosure", "DisclosureRequirement", "quarter_label"]


def quarter_label(year: int, quarter: int) -> str:
    return _("%(year)s Q%(quarter)s") % {"year": year, "quarter": quarter}


class DayKind(models.TextChoices):
    CALENDAR = "calendar", _("calendar days")  # every day counts; a deadline on a day off is not moved
    WORKING = "working", _("working days")  # weekends, public holidays and declared days off skipped


class RequirementQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class DisclosureRequirement(models.Model):
    """What must be published, by which bodies, how often and how soon after the period ends."""

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("monthly")
        QUARTERLY = "quarterly", _("quarterly")
        YEARLY = "yearly", _("yearly")
        PER_EVENT = "per_event", _("per event")  # e.g. each transaction above the threshold

    class Form(models.TextChoices):
        DATASET = "dataset", _("structured dataset")  # rows in one of the open datasets
        DOCUMENT = "document", _("document")  # a PDF, XLSX or CSV file

    code = models.SlugField(_("code"), max_length=64, unique=True, help_text=_("A short name for the API and files."))
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    organization_kinds = models.JSONField(
        _("types of body"),
        default=list,
        blank=True,
        help_text=_("The types of organisation that must publish; none chosen means every type."),
    )
    sectors = models.ManyToManyField(
        "places.Sector",
        verbose_name=_("sectors"),
        blank=True,
        help_text=_("Only bodies working in these sectors; none chosen means every sector."),
    )
    admin_units = models.ManyToManyField(
        "places.AdminUnit",
        verbose_name=_("areas"),
        blank=True,
        help_text=_("Only bodies based in these areas or below them; none chosen means everywhere."),
    )
    frequency = models.CharField(_("frequency"), max_length=16, choices=Frequency.choices)
    threshold = models.DecimalField(
        _("threshold (MNT)"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("For a requirement per event: events of this amount or more must be disclosed."),
    )
    deadline_days = models.PositiveSmallIntegerField(
        _("deadline (days after the period ends)"),
        default=10,
        help_text=_("Example deadlines are not verified against the law: check and change them."),
    )
    deadline_day_kind = models.CharField(
        _("deadline counted in"), max_length=8, choices=DayKind.choices, default=DayKind.WORKING
    )
    legal_basis = models.CharField(_("legal basis"), max_length=255, blank=True, help_text=_("Law and article."))
    form = models.CharField(_("form"), max_length=16, choices=Form.choices, default=Form.DOCUMENT)
    dataset_code = models.CharField(
        _("dataset"),
        max_length=64,
        blank=True,
        help_text=_("For a structured dataset: the code of the open dataset that fulfils it."),
    )
    starts_on = models.DateField(_("first period starts on"), help_text=_("No disclosure is due for earlier periods."))
    is_example = models.BooleanField(
        _("example"), default=False, help_text=_("An example set for the demo, not a verified legal obligation.")
    )
    is_active = models.BooleanField(_("active"), default=True, help_text=_("Inactive: no new periods are scheduled."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = RequirementQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("disclosure requirement")
        verbose_name_plural = _("disclosure requirements")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("disclosure:requirement", args=[self.code])

    @property
    def is_per_event(self) -> bool:
        return self.frequency == self.Frequency.PER_EVENT

    def get_organization_kinds_display(self) -> list[str]:
        from iltod.organizations.models import Organization

        labels = dict(Organization.Kind.choices)
        return [str(labels.get(kind, kind)) for kind in self.organization_kinds]


class DisclosureQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status__in=[Disclosure.Status.ON_TIME, Disclosure.Status.LATE])

    def counted(self):
        """Items whose deadline has passed or that are published: what compliance counts."""
        return self.exclude(status=Disclosure.Status.DUE)


class Disclosure(models.Model):
    """One thing one body must publish for one period (or one event), and what it published."""

    class Status(models.TextChoices):
        DUE = "due", _("to be published")  # not published, the deadline has not passed
        ON_TIME = "on_time", _("published on time")
        LATE = "late", _("published late")
        MISSING = "missing", _("missing")  # not published, the deadline has passed

    code = models.CharField(_("public code"), max_length=12, unique=True, default=new_public_code, editable=False)
    requirement = models.ForeignKey(
        DisclosureRequirement, verbose_name=_("requirement"), on_delete=models.PROTECT, related_name="disclosures"
    )
    organization = models.ForeignKey(
        "organizations.Organization", verbose_name=_("body"), on_delete=models.CASCADE, related_name="disclosures"
    )
    aimag = models.ForeignKey(
        "places.AdminUnit",
        verbose_name=_("aimag or capital"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Where the body is based; empty for national bodies."),
    )
    sector = models.ForeignKey(
        "places.Sector", verbose_name=_("sector"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    period_start = models.DateField(_("period starts"))
    period_end = models.DateField(_("period ends"))
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.DUE)
    event_description = models.CharField(_("event"), max_length=255, blank=True)
    event_amount = models.DecimalField(_("amount (MNT)"), max_digits=16, decimal_places=2, null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    document = models.FileField(_("document"), upload_to="disclosure/%Y/%m/", blank=True)
    document_type = models.CharField(max_length=100, blank=True, editable=False)
    document_size = models.PositiveIntegerField(null=True, blank=True, editable=False)
    dataset_code = models.CharField(_("dataset"), max_length=64, blank=True)
    dataset_period = models.CharField(_("dataset period"), max_length=32, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    explanation = models.TextField(
        _("explanation"), blank=True, help_text=_("Why the item is late or missing: public.")
    )
    explained_at = models.DateTimeField(_("explained"), null=True, blank=True)
    reminded_before_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminded_after_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = DisclosureQuerySet.as_manager()

    class Meta:
        ordering = ["-due_on", "requirement__code"]
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")
        constraints = [
            # The schedule job inserts with ignore_conflicts: one row per body, requirement, period.
            models.UniqueConstraint(
                fields=["requirement", "organization", "period_start", "event_description"],
                name="disclosure_one_per_period",
            )
        ]
        indexes = [
            # A body's schedule (the body's page and the publisher's list), newest first.
            models.Index(fields=["organization", "-due_on"], name="disclosure_org_due"),
            # The periodic job: items still due whose deadline or reminder day has come.
            models.Index(fields=["status", "due_on"], name="disclosure_status_due"),
            # The metrics: items by deadline in an aimag or a sector.
            models.Index(fields=["aimag", "due_on"], name="disclosure_aimag_due"),
            models.Index(fields=["sector", "due_on"], name="disclosure_sector_due"),
        ]

    def __str__(self) -> str:
        return f"{self.requirement} · {self.period_label}"

    def get_absolute_url(self) -> str:
        return reverse("disclosure:disclosure", args=[self.code])

    def get_publish_url(self) -> str:
        return reverse("disclosure:publish", args=[self.code])

    @property
    def period_label(self) -> str:
        frequency = self.requirement.frequency
        Frequency = DisclosureRequirement.Frequency
        if frequency == Frequency.MONTHLY:
            return f"{self.period_start:%Y-%m}"
        if frequency == Frequency.QUARTERLY:
            return quarter_label(self.period_start.year, (self.period_start.month - 1) // 3 + 1)
        if frequency == Frequency.YEARLY:
            return str(self.period_start.year)
        return f"{self.period_start:%Y-%m-%d}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def needs_explanation(self) -> bool:
        return self.status in {self.Status.LATE, self.Status.MISSING}


class ComplianceSummary(models.Model):
    """Counts of disclosures by the month of their deadline, kept for the compliance pages.

    Two kinds of rows: one per body and month (``organization`` set), and one per aimag, sector
    and month (``organization`` empty) that adds up the bodies' rows, so the national page reads
    a few thousand rows at 20,000 bodies. ``aimag`` empty: national bodies.
    """

    organization = models.ForeignKey(
        "organizations.Organization", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    aimag = models.ForeignKey("places.AdminUnit", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    sector = models.ForeignKey("places.Sector", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # the first day of the month of the deadline
    on_time = models.PositiveIntegerField(default=0)
    late = models.PositiveIntegerField(default=0)
    missing = models.PositiveIntegerField(default=0)
    upcoming = models.PositiveIntegerField(default=0)  # still due, the deadline not passed

    class Meta:
        verbose_name = _("compliance summary")
        verbose_name_plural = _("compliance summaries")
        indexes = [
            # A body's page: its months.
            models.Index(fields=["organization", "month"], name="compliance_org_month"),
            # An aimag's page (its bodies) and the national page (the aimag rows).
            models.Index(fields=["aimag", "month"], name="compliance_aimag_month"),
            models.Index(fields=["sector", "month"], name="compliance_sector_month"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"

    @property
    def due(self) -> int:
        return self.on_time + self.late + self.missing


class ComplianceYear(models.Model):
    """A body's counts for one year of deadlines in one aimag (the sum of its ``ComplianceSummary``
    months), with its share on time, so that an aimag's page ranks its bodies in the database and
    reads one page of them: about 1,000 bodies per aimag at 20,000 bodies. Recounted with the
    summary (``services.obligations.refresh_summary``)."""

    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+")
    aimag = models.ForeignKey("places.AdminUnit", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    on_time = models.PositiveIntegerField(default=0)
    late = models.PositiveIntegerField(default=0)
    missing = models.PositiveIntegerField(default=0)
    upcoming = models.PositiveIntegerField(default=0)
    due = models.PositiveIntegerField(default=0)  # on time + late + missing
    on_time_share = models.FloatField(null=True, blank=True)  # on time / due; empty when nothing was due

    class Meta:
        verbose_name = _("yearly compliance of a body")
        verbose_name_plural = _("yearly compliance of bodies")
        indexes = [
            # An aimag's page: its bodies of one year, ranked.
            models.Index(fields=["aimag", "year"], name="complianceyear_aimag_year"),
        ]

    def __str__(self) -> str:
        return f"{self.year}"
