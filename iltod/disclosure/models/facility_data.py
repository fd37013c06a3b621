"""Facility data that citizens check (Check My School): a catalogue of indicators per facility
kind, values published per facility and period with their history, citizens' confirmations and
disputes, validation campaigns, and the medians each value is compared with."""

import datetime
import re
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from iltod.places.models import new_public_code

__all__ = [
    "CampaignAssignment",
    "FacilityIndicator",
    "FacilityMedian",
    "FacilityValue",
    "FacilityValueChange",
    "ValidationCampaign",
    "ValueCheck",
    "parse_period",
]

PERIOD_RE = re.compile(r"^(\d{4})(?:-Q([1-4]))?$")


def parse_period(text: str) -> tuple[datetime.date, datetime.date] | None:
    """``"2025"`` or ``"2025-Q3"`` as (first day, first day after); None if it is neither."""
    match = PERIOD_RE.match((text or "").strip().upper())
    if not match:
        return None
    year = int(match.group(1))
    if not 2000 <= year <= 2100:
        return None
    if match.group(2) is None:
        return datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
    quarter = int(match.group(2))
    start = datetime.date(year, 3 * quarter - 2, 1)
    end = datetime.date(year + 1, 1, 1) if quarter == 4 else datetime.date(year, 3 * quarter + 1, 1)
    return start, end


class FacilityIndicator(models.Model):
    """What a school or a clinic publishes, e.g. "teachers" or "pupils per teacher"."""

    class ValueType(models.TextChoices):
        INTEGER = "integer", _("whole number")  # pupils, teachers, beds
        DECIMAL = "decimal", _("number")  # a budget in million tögrög, an exam average
        YES_NO = "yes_no", _("yes or no")  # drinking water, heating; stored as 1 or 0
        RATIO = "ratio", _("ratio computed from two indicators")  # pupils per teacher

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=60, blank=True, help_text=_("e.g. pupils, million tögrög."))
    kinds = models.JSONField(
        _("facility kinds"), default=list, help_text=_("The kinds of facility that publish this indicator.")
    )
    value_type = models.CharField(_("value type"), max_length=10, choices=ValueType.choices)
    numerator = models.ForeignKey(
        "self",
        verbose_name=_("numerator"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("For a ratio: the indicator divided."),
    )
    denominator = models.ForeignKey(
        "self",
        verbose_name=_("denominator"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("For a ratio: the indicator divided by."),
    )
    factor = models.PositiveIntegerField(
        _("factor"), default=1, help_text=_("For a ratio: 1000 for 'per 1,000 people served'.")
    )
    maximum = models.DecimalField(
        _("largest possible value"),
        max_digits=16,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("A larger value is refused as impossible (e.g. 200 pupils per teacher)."),
    )
    tolerance_percent = models.DecimalField(
        _("tolerance for disputes (%)"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("10"),
        help_text=_(
            "A citizen's observed value further than this from the published one becomes a feedback item "
            "to the publisher. Any disagreement on a yes/no indicator does."
        ),
    )
    feedback_category = models.ForeignKey(
        "feedback.Category",
        verbose_name=_("feedback topic of disputes"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    higher_is_better = models.BooleanField(_("higher is better"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("facility indicator")
        verbose_name_plural = _("facility indicators")

    def __str__(self) -> str:
        return self.name

    @property
    def is_ratio(self) -> bool:
        return self.value_type == self.ValueType.RATIO

    def applies_to(self, kind: str) -> bool:
        return kind in (self.kinds or [])

    def display(self, value) -> str:
        """A value as people read it: yes/no in words, whole numbers without decimals."""
        if value is None:
            return ""
        if self.value_type == self.ValueType.YES_NO:
            return str(_("yes") if value else _("no"))
        value = Decimal(value)
        if self.value_type == self.ValueType.INTEGER or value == value.to_integral():
            return number_format(int(value), force_grouping=True)  # 15,800 as the page's language groups it
        return f"{value:.2f}".rstrip("0").rstrip(".")


class ValueStatus(models.TextChoices):
    PUBLISHED = "published", _("published")  # nobody has checked it yet
    CONFIRMED = "confirmed", _("confirmed")  # citizens confirmed it, no open dispute
    DISPUTED = "disputed", _("disputed")  # a dispute beyond the tolerance is open
    CORRECTED = "corrected", _("corrected")  # the publisher corrected it after a dispute


class FacilityValueQuerySet(models.QuerySet):
    def for_period(self, period: str):
        return self.filter(period=period)


class FacilityValue(models.Model):
    """One indicator's value for one facility and period, as its publisher last set it."""

    Status = ValueStatus

    code = models.CharField(_("public code"), max_length=12, unique=True, default=new_public_code, editable=False)
    facility = models.ForeignKey(
        "places.ServiceUnit", verbose_name=_("facility"), on_delete=models.CASCADE, related_name="disclosed_values"
    )
    indicator = models.ForeignKey(
        FacilityIndicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="values"
    )
    period = models.CharField(_("period"), max_length=7, help_text=_("A year (2025) or a quarter (2025-Q3)."))
    period_start = models.DateField(_("period start"))
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=4)
    status = models.CharField(_("status"), max_length=10, choices=ValueStatus.choices, default=ValueStatus.PUBLISHED)
    confirmations = models.PositiveIntegerField(_("confirmed by"), default=0)
    open_disputes = models.PositiveIntegerField(_("open disputes"), default=0)
    publisher = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("published by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    objects = FacilityValueQuerySet.as_manager()

    class Meta:
        ordering = ["facility", "indicator__order", "-period_start"]
        verbose_name = _("facility value")
        verbose_name_plural = _("facility values")
        constraints = [
            models.UniqueConstraint(fields=["facility", "indicator", "period"], name="facilityvalue_one_per_period")
        ]
        indexes = [
            # the facility panel and the trend charts: one facility's values by indicator and period
            models.Index(fields=["facility", "indicator", "period_start"], name="facilityvalue_trend"),
            # medians and the open data export: every facility's value of one indicator and period
            models.Index(fields=["indicator", "period"], name="facilityvalue_indicator_period"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period}"


class FacilityValueChange(models.Model):
    """The history of a value: who set it to what, when, and how."""

    class Source(models.TextChoices):
        FORM = "form", _("web form")
        UPLOAD = "upload", _("file upload")
        API = "api", _("API")
        CORRECTION = "correction", _("correction after a dispute")
        COMPUTED = "computed", _("computed")  # a ratio recomputed from its two indicators

    value = models.ForeignKey(FacilityValue, verbose_name=_("value"), on_delete=models.CASCADE, related_name="changes")
    old_value = models.DecimalField(_("old value"), max_digits=16, decimal_places=4, null=True, blank=True)
    new_value = models.DecimalField(_("new value"), max_digits=16, decimal_places=4)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    api_key = models.CharField(_("API key"), max_length=16, blank=True)
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("change of a value")
        verbose_name_plural = _("history of values")

    def __str__(self) -> str:
        return f"{self.old_value} → {self.new_value}"


class ValueCheck(models.Model):
    """A citizen's or a monitor's check of a published value: confirmed, or disputed with what they saw."""

    class Verdict(models.TextChoices):
        CONFIRM = "confirm", _("confirms the value")
        DISPUTE = "dispute", _("disputes the value")

    class Moderation(models.TextChoices):
        PENDING = "pending", _("waiting for moderation")
        PUBLISHED = "published", _("published")
        HIDDEN = "hidden", _("not published")

    class Outcome(models.TextChoices):
        NONE = "", _("none")  # a confirmation, or a dispute within the tolerance
        OPEN = "open", _("waiting for an answer")  # sent to the publisher as feedback
        ANSWERED = "answered", _("answered")  # the publisher answered without changing the value
        CORRECTED = "corrected", _("corrected")  # the publisher changed the value

    code = models.CharField(_("public code"), max_length=12, unique=True, default=new_public_code, editable=False)
    value = models.ForeignKey(FacilityValue, verbose_name=_("value"), on_delete=models.CASCADE, related_name="checks")
    verdict = models.CharField(_("verdict"), max_length=8, choices=Verdict.choices)
    observed_value = models.DecimalField(_("value observed"), max_digits=16, decimal_places=4, null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    photo = models.FileField(_("photo"), upload_to="disclosure/checks/%Y/%m/", blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    campaign = models.ForeignKey(
        "ValidationCampaign",
        verbose_name=_("campaign"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="checks",
    )
    moderation = models.CharField(
        _("moderation"), max_length=10, choices=Moderation.choices, default=Moderation.PENDING
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default="", blank=True)
    feedback = models.OneToOneField(
        "feedback.Feedback",
        verbose_name=_("feedback item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="disclosure_check",
    )
    external_id = models.CharField(
        _("id in the source channel"),
        max_length=128,
        blank=True,
        help_text=_("The KoBoToolbox or ODK submission this check came from (its uuid)."),
    )
    created_at = models.DateTimeField(_("checked"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("check of a value")
        verbose_name_plural = _("checks of values")
        indexes = [
            # the moderation queue: pending checks, oldest first
            models.Index(fields=["created_at"], condition=Q(moderation="pending"), name="valuecheck_pending"),
        ]
        constraints = [
            # a KoBo submission checks each value once, however often it is delivered; its index
            # (external id first) also finds a submission seen before
            models.UniqueConstraint(
                fields=["external_id", "value"], condition=~Q(external_id=""), name="valuecheck_one_per_submission"
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def beyond_tolerance(self) -> bool:
        return self.outcome in {self.Outcome.OPEN, self.Outcome.ANSWERED, self.Outcome.CORRECTED}


class ValidationCampaign(models.Model):
    """A Check My School round: an area, a period, the indicators to check, volunteers at facilities."""

    code = models.CharField(_("public code"), max_length=12, unique=True, default=new_public_code, editable=False)
    title = models.CharField(_("title"), max_length=200)
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("run by"),
        on_delete=models.PROTECT,
        related_name="validation_campaigns",
    )
    admin_unit = models.ForeignKey(
        "places.AdminUnit", verbose_name=_("area"), on_delete=models.PROTECT, related_name="validation_campaigns"
    )
    period = models.CharField(_("period"), max_length=7)
    indicators = models.ManyToManyField(FacilityIndicator, verbose_name=_("indicators"), related_name="campaigns")
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("validation campaign")
        verbose_name_plural = _("validation campaigns")

    def __str__(self) -> str:
        return self.title


class CampaignAssignment(models.Model):
    """A volunteer sent to check one facility in a campaign."""

    campaign = models.ForeignKey(
        ValidationCampaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="assignments"
    )
    facility = models.ForeignKey(
        "places.ServiceUnit", verbose_name=_("facility"), on_delete=models.CASCADE, related_name="+"
    )
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("volunteer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True)

    class Meta:
        ordering = ["facility__name"]
        verbose_name = _("facility of a campaign")
        verbose_name_plural = _("facilities of a campaign")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "facility"], name="campaignassignment_one_per_facility")
        ]

    def __str__(self) -> str:
        return str(self.facility)


class FacilityMedian(models.Model):
    """The median of an indicator for one period over a soum, an aimag or the country (area empty),
    computed when values are published so that a facility page reads one row per comparison."""

    indicator = models.ForeignKey(FacilityIndicator, verbose_name=_("indicator"), on_delete=models.CASCADE)
    period = models.CharField(_("period"), max_length=7)
    admin_unit = models.ForeignKey(
        "places.AdminUnit", verbose_name=_("area"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    median = models.DecimalField(_("median"), max_digits=16, decimal_places=4)
    facilities = models.PositiveIntegerField(_("facilities"))

    class Meta:
        verbose_name = _("median of an indicator")
        verbose_name_plural = _("medians of indicators")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period", "admin_unit"],
                condition=Q(admin_unit__isnull=False),
                name="facilitymedian_one_per_area",
            ),
            models.UniqueConstraint(
                fields=["indicator", "period"], condition=Q(admin_unit__isnull=True), name="facilitymedian_one_national"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period}: {self.median}"
