"""Budgets followed to the facility (public expenditure tracking).

A ``BudgetLine`` is what a body (an organisation) plans and spends in a fiscal year, for itself or
for one of its facilities, in the three classifications of the state budget. A ``Transfer`` is one
step of money moving down the chain (ministry → aimag or district → facility): what was allocated,
released and received, and when. Leakage and delay are computed from those figures, never stored.
"""

from datetime import date

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["BudgetLine", "Transfer"]

AMOUNT = {"max_digits": 16, "decimal_places": 2}
YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]


class BudgetLine(models.Model):
    """One line of a body's budget for a fiscal year, in tögrög."""

    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("budget body"),
        on_delete=models.PROTECT,
        related_name="budget_lines",
    )
    service_unit = models.ForeignKey(
        "places.ServiceUnit",
        verbose_name=_("facility"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="budget_lines",
        help_text=_("Empty when the line is the body's own."),
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"), validators=YEAR_VALIDATORS)
    code = models.CharField(
        _("line code"),
        max_length=64,
        help_text=_("Unique within the body and year; an import updates the line with the same code."),
    )
    # The three classifications of the state budget (codes as the Ministry of Finance publishes them).
    administrative_code = models.CharField(_("administrative classification"), max_length=32, blank=True)
    functional_code = models.CharField(_("functional classification"), max_length=32, blank=True)
    functional_label = models.CharField(_("function"), max_length=200, blank=True)
    economic_code = models.CharField(_("economic classification"), max_length=32, blank=True)
    economic_label = models.CharField(_("economic item"), max_length=200, blank=True)
    approved = models.DecimalField(_("approved"), **AMOUNT, validators=[MinValueValidator(0)])
    adjusted = models.DecimalField(_("adjusted"), **AMOUNT, null=True, blank=True, validators=[MinValueValidator(0)])
    executed = models.DecimalField(_("executed"), **AMOUNT, null=True, blank=True, validators=[MinValueValidator(0)])
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

    class Meta:
        ordering = ["-fiscal_year", "organization_id", "code"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        constraints = [
            models.UniqueConstraint(fields=["organization", "fiscal_year", "code"], name="budgetline_unique_code"),
        ]
        indexes = [
            # the public list and the API: lines of a year, newest first
            models.Index(fields=["fiscal_year", "organization"], name="budgetline_year_org"),
            # the facility panel: a facility's lines by year
            models.Index(fields=["service_unit", "fiscal_year"], name="budgetline_unit_year"),
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year} {self.code}"

    @property
    def current(self):
        """The budget in force: the adjusted figure once there is one."""
        return self.adjusted if self.adjusted is not None else self.approved

    @property
    def execution_percent(self) -> float | None:
        """Executed as a share of the budget in force (computed from the amounts, never averaged)."""
        if self.executed is None or not self.current:
            return None
        return float(self.executed) * 100 / float(self.current)


class TransferQuerySet(models.QuerySet):
    def in_area(self, unit):
        """Steps into the area or any unit below it (three levels at most in Mongolia)."""
        return self.filter(
            models.Q(admin_unit=unit) | models.Q(admin_unit__parent=unit) | models.Q(admin_unit__parent__parent=unit)
        )


class Transfer(models.Model):
    """One step of a transfer down the chain: from a body to a lower body or to a facility."""

    code = models.CharField(
        _("transfer code"),
        max_length=64,
        help_text=_("Unique per sender and year; an import updates the step with the same code."),
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"), validators=YEAR_VALIDATORS)
    purpose = models.CharField(_("purpose"), max_length=255, help_text=_("e.g. Operating budget of schools, Q1"))
    parent = models.ForeignKey(
        "self",
        verbose_name=_("previous step"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="next_steps",
        help_text=_("The step that brought the money to the sending body."),
    )
    from_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("from"),
        on_delete=models.PROTECT,
        related_name="transfers_sent",
    )
    to_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("to body"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transfers_received",
    )
    to_service_unit = models.ForeignKey(
        "places.ServiceUnit",
        verbose_name=_("to facility"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transfers_received",
    )
    admin_unit = models.ForeignKey(
        "places.AdminUnit",
        verbose_name=_("receiving area"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The area of the receiving body or facility (the aimag page lists its steps)."),
    )
    allocated = models.DecimalField(_("allocated"), **AMOUNT, validators=[MinValueValidator(0)])
    released = models.DecimalField(_("released"), **AMOUNT, null=True, blank=True, validators=[MinValueValidator(0)])
    received = models.DecimalField(_("received"), **AMOUNT, null=True, blank=True, validators=[MinValueValidator(0)])
    allocated_on = models.DateField(_("allocated on"), null=True, blank=True)
    expected_on = models.DateField(
        _("expected on"), null=True, blank=True, help_text=_("When the money should arrive, by the schedule.")
    )
    released_on = models.DateField(_("released on"), null=True, blank=True)
    received_on = models.DateField(_("received on"), null=True, blank=True)
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

    objects = TransferQuerySet.as_manager()

    class Meta:
        ordering = ["-fiscal_year", "code"]
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        constraints = [
            models.UniqueConstraint(fields=["from_organization", "fiscal_year", "code"], name="transfer_unique_code"),
            models.CheckConstraint(
                condition=models.Q(to_organization__isnull=False) | models.Q(to_service_unit__isnull=False),
                name="transfer_has_receiver",
            ),
        ]
        indexes = [
            # the facility panel: steps into a facility
            models.Index(fields=["to_service_unit", "fiscal_year"], name="transfer_unit_year"),
            # the aimag panel and the API's area filter
            models.Index(fields=["admin_unit", "fiscal_year"], name="transfer_area_year"),
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year} {self.code}"

    @property
    def receiver(self):
        return self.to_service_unit or self.to_organization

    @property
    def leakage(self):
        """Allocated minus received, once the receipt is recorded (None before)."""
        if self.received is None:
            return None
        return self.allocated - self.received

    @property
    def leakage_percent(self) -> float | None:
        if self.leakage is None or not self.allocated:
            return None
        return float(self.leakage) * 100 / float(self.allocated)

    def delay_days(self, today: date | None = None) -> int | None:
        """Days after the expected date that the money arrived (or, not yet arrived, has been
        waiting until today); 0 when on time, None without an expected date."""
        if self.expected_on is None:
            return None
        arrived = self.received_on or today or timezone.localdate()
        return max((arrived - self.expected_on).days, 0)

    @property
    def transit_days(self) -> int | None:
        """Days between release by the sender and receipt."""
        if self.released_on is None or self.received_on is None:
            return None
        return (self.received_on - self.released_on).days
