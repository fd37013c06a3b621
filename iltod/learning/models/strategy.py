"""The network's strategic plan: focus areas → objectives → action points, and dated reviews.

Action points are engagement's actions: each objective owns a joint action plan
(``engagement.ActionPlan``, its ``source`` pointing back at the objective) in a group the network
convenes, so lead and partner organisations, due dates, status, progress, updates with evidence,
the maker-checker approval and the overdue reminders are the same machinery as every other plan.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from iltod.places.models import new_public_code

__all__ = ["FocusArea", "Objective", "Resource", "StrategicPlan", "StrategyReview"]


class StrategicPlan(models.Model):
    class Visibility(models.TextChoices):
        PUBLIC = "public", _("public")
        MEMBERS = "members", _("members only")  # the network's members and their people

    code = models.CharField(_("public code"), max_length=12, unique=True, default=new_public_code, editable=False)
    network = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("network"),
        on_delete=models.PROTECT,
        related_name="strategic_plans",
    )
    title = models.CharField(_("title"), max_length=255)
    summary = models.TextField(_("summary"), blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    visibility = models.CharField(
        _("visibility"), max_length=16, choices=Visibility.choices, default=Visibility.MEMBERS
    )
    group = models.OneToOneField(
        "engagement.Group",
        verbose_name=_("group that carries it out"),
        on_delete=models.PROTECT,
        related_name="strategic_plan",
        editable=False,
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("strategic plan")
        verbose_name_plural = _("strategic plans")
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gt=models.F("starts_on")), name="learning_plan_dates"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("learning:strategy_detail", args=[self.code])

    @property
    def is_public(self) -> bool:
        return self.visibility == self.Visibility.PUBLIC


class FocusArea(models.Model):
    plan = models.ForeignKey(
        StrategicPlan, verbose_name=_("strategic plan"), on_delete=models.CASCADE, related_name="focus_areas"
    )
    title = models.CharField(_("focus area"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["plan", "order", "pk"]
        verbose_name = _("focus area")
        verbose_name_plural = _("focus areas")

    def __str__(self) -> str:
        return self.title


class Objective(models.Model):
    focus_area = models.ForeignKey(
        FocusArea, verbose_name=_("focus area"), on_delete=models.CASCADE, related_name="objectives"
    )
    title = models.CharField(_("objective"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    action_plan = models.OneToOneField(
        "engagement.ActionPlan",
        verbose_name=_("action points"),
        on_delete=models.PROTECT,
        related_name="strategic_objective",
        editable=False,
    )

    class Meta:
        ordering = ["focus_area", "order", "pk"]
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")

    def __str__(self) -> str:
        return self.title


class StrategyReview(models.Model):
    """A dated review of the plan, with the decisions taken."""

    plan = models.ForeignKey(
        StrategicPlan, verbose_name=_("strategic plan"), on_delete=models.CASCADE, related_name="reviews"
    )
    held_on = models.DateField(_("date"))
    summary = models.TextField(_("what was reviewed"), blank=True)
    decisions = models.TextField(_("decisions"), help_text=_("One decision per line."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self) -> str:
        return f"{self.plan}: {self.held_on:%Y-%m-%d}"

    @property
    def decision_items(self) -> list[str]:
        return [line.strip() for line in self.decisions.splitlines() if line.strip()]


class Resource(models.Model):
    """What keeps the network going: membership fees, grants (from idea to won or lost), paid
    services (trainings for government, facilitation) and in-kind support."""

    class Kind(models.TextChoices):
        FEE = "fee", _("membership fee")
        GRANT = "grant", _("grant")
        SERVICE = "service", _("paid service")  # trainings given to government, facilitation
        IN_KIND = "in_kind", _("in-kind support")  # valued at what it would have cost

    class Status(models.TextChoices):
        IDEA = "idea", _("idea")  # grants only
        SUBMITTED = "submitted", _("submitted")  # grants only
        WON = "won", _("won")  # grants only
        LOST = "lost", _("lost")  # grants only
        RECEIVED = "received", _("received")  # fees, services, in-kind

    OWN_INCOME = {Kind.FEE, Kind.SERVICE}
    GRANT_STATUSES = {Status.IDEA, Status.SUBMITTED, Status.WON, Status.LOST}

    code = models.CharField(_("public code"), max_length=12, unique=True, default=new_public_code, editable=False)
    network = models.ForeignKey(
        "organizations.Organization", verbose_name=_("network"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.RECEIVED)
    title = models.CharField(_("title"), max_length=255)
    source = models.CharField(
        _("funder or payer"),
        max_length=255,
        blank=True,
        help_text=_("The funder of a grant, the payer of a fee or a service."),
    )
    amount = models.DecimalField(_("amount (₮)"), max_digits=14, decimal_places=0, validators=[MinValueValidator(0)])
    starts_on = models.DateField(_("from"), help_text=_("The date received, or the start of a grant's period."))
    ends_on = models.DateField(_("until"), null=True, blank=True, help_text=_("The end of a grant's period."))
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="learning_resource_amount"),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="learning_resource_period",
            ),
        ]
        indexes = [
            # the yearly summary: a network's resources by date
            models.Index(fields=["network", "starts_on"], name="learning_resource_year"),
        ]

    def __str__(self) -> str:
        return self.title
