"""The results framework, its computed figures, the public ranking and alert subscriptions.

A framework is a tree: the goal, its outcomes, their outputs (``Result``), each with indicators
that follow IATI's results model. An indicator's actual for a period is computed from a metric a
module registered (``iltod/core/metrics.py``) or entered by hand with evidence and approved by a
second person. ``Figure`` keeps every computed count per period, scope and breakdown, so pages
read a few rows instead of counting feedback; ``RankingEntry`` does the same for the ranking.
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from iltod.core.metrics import DIMENSIONS


def in_language(mn: str, en: str) -> str:
    """The visitor's language, the other one when it is empty."""
    if (get_language() or "mn").startswith("en"):
        return en or mn
    return mn or en


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Framework(models.Model):
    """A programme's results framework. Each change through the services makes a new version
    (``Revision``), so a report says which version it was computed with."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    title_mn = models.CharField(_("title (Mongolian)"), max_length=255)
    title_en = models.CharField(_("title (English)"), max_length=255, blank=True)
    iati_identifier = models.CharField(
        _("IATI activity identifier"),
        max_length=150,
        blank=True,
        help_text=_("The activity the results are reported under, e.g. XM-DAC-41301-MN-P123456."),
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    is_public = models.BooleanField(_("public"), default=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        ordering = ["code"]
        verbose_name = _("results framework")
        verbose_name_plural = _("results frameworks")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("results:overview", args=[self.code])

    @property
    def title(self) -> str:
        return in_language(self.title_mn, self.title_en)


class Revision(models.Model):
    """One version of a framework: who changed what, and the changed row as it became."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField(_("version"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("changed by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)
    summary = models.CharField(_("change"), max_length=255)
    snapshot = models.JSONField(_("row as changed"), default=dict)

    class Meta:
        ordering = ["framework", "-version"]
        verbose_name = _("framework version")
        verbose_name_plural = _("framework versions")
        constraints = [models.UniqueConstraint(fields=["framework", "version"], name="results_revision_unique")]

    def __str__(self) -> str:
        return f"{self.framework.code} v{self.version}"


class Result(models.Model):
    """A node of the tree: the goal, an outcome or an output."""

    class Level(models.TextChoices):
        GOAL = "goal", _("goal")  # what the programme contributes to
        OUTCOME = "outcome", _("outcome")  # IATI result type 2
        OUTPUT = "output", _("output")  # IATI result type 1

    IATI_TYPE = {Level.OUTPUT: "1", Level.OUTCOME: "2", Level.GOAL: "3"}  # 3 = impact

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="results")
    parent = models.ForeignKey(
        "self", verbose_name=_("part of"), on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    level = models.CharField(_("level"), max_length=8, choices=Level.choices)
    code = models.CharField(_("number"), max_length=12, help_text=_("e.g. 1, 1.2"))
    title_mn = models.CharField(_("title (Mongolian)"), max_length=500)
    title_en = models.CharField(_("title (English)"), max_length=500, blank=True)
    weight = models.DecimalField(
        _("weight"),
        max_digits=6,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Its share in the progress of the level above."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["framework", "order", "code"]
        verbose_name = _("result")
        verbose_name_plural = _("results")
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="results_result_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def title(self) -> str:
        return in_language(self.title_mn, self.title_en)


class Indicator(models.Model):
    """An indicator of a result, after IATI's ``result/indicator``."""

    class Measure(models.TextChoices):
        # IATI IndicatorMeasure codes
        UNIT = "1", _("number")
        PERCENTAGE = "2", _("percentage")
        NOMINAL = "3", _("nominal")
        ORDINAL = "4", _("ordinal")
        QUALITATIVE = "5", _("qualitative")

    class Vocabulary(models.TextChoices):
        # IATI IndicatorVocabulary codes of the outside frameworks an indicator may refer to
        SDG_INDICATOR = "9", _("UN Sustainable Development Goal indicator")
        GOVERNMENT = "99", _("government key performance indicator")

    result = models.ForeignKey(Result, verbose_name=_("result"), on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("number"), max_length=16)
    title_mn = models.CharField(_("title (Mongolian)"), max_length=500)
    title_en = models.CharField(_("title (English)"), max_length=500, blank=True)
    measure = models.CharField(_("measure"), max_length=1, choices=Measure.choices, default=Measure.UNIT)
    ascending = models.BooleanField(_("higher is better"), default=True)
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2, null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(
        _("baseline year"), null=True, blank=True, validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    baseline_comment = models.CharField(_("about the baseline"), max_length=500, blank=True)
    metric = models.CharField(
        _("computed from"),
        max_length=80,
        blank=True,
        help_text=_("A metric the platform computes; empty when actuals are entered by hand."),
    )
    reference_vocabulary = models.CharField(
        _("outside framework"), max_length=4, choices=Vocabulary.choices, blank=True
    )
    reference_code = models.CharField(
        _("code in that framework"), max_length=40, blank=True, help_text=_("e.g. 16.6.2")
    )
    disaggregations = models.JSONField(
        _("breakdowns"), default=list, blank=True, help_text=_("Dimensions the figures are broken down by.")
    )
    weight = models.DecimalField(
        _("weight"), max_digits=6, decimal_places=2, default=Decimal(1), validators=[MinValueValidator(Decimal(0))]
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["result__order", "result__code", "order", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [models.UniqueConstraint(fields=["result", "code"], name="results_indicator_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("results:indicator", args=[self.result.framework.code, self.pk])

    @property
    def title(self) -> str:
        return in_language(self.title_mn, self.title_en)

    @property
    def is_qualitative(self) -> bool:
        return self.measure == self.Measure.QUALITATIVE

    @property
    def is_percentage(self) -> bool:
        return self.measure == self.Measure.PERCENTAGE

    @property
    def is_computed(self) -> bool:
        return bool(self.metric)


class Period(models.Model):
    """A reporting period of a framework (a year, usually): targets and actuals are per period."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="periods")
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), help_text=_("The last day of the period."))
    # When ``compute_ranking`` last replaced the period's ranking: the ranking page lists the
    # periods that have one and keys its cached table by it.
    ranked_at = models.DateTimeField(_("ranking computed"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["framework", "start"]
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        constraints = [
            models.UniqueConstraint(fields=["framework", "start"], name="results_period_unique_start"),
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="results_period_ends_after_start"),
        ]

    def __str__(self) -> str:
        if self.start.year == self.end.year and self.start.month == 1 and self.end.month == 12:
            return str(self.start.year)
        return f"{self.start:%Y-%m-%d} – {self.end:%Y-%m-%d}"

    @property
    def label(self) -> str:
        return str(self)


class Target(models.Model):
    """An indicator's target and actual for one period. The actual is computed (``metric``) or the
    last approved manual entry; its counts are kept so a percentage is never averaged."""

    class Source(models.TextChoices):
        NONE = "", _("no actual yet")
        COMPUTED = "computed", _("computed by the platform")
        MANUAL = "manual", _("entered and approved")

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    period = models.ForeignKey(Period, verbose_name=_("period"), on_delete=models.CASCADE, related_name="targets")
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2, null=True, blank=True)
    target_comment = models.CharField(_("about the target"), max_length=500, blank=True)
    actual = models.DecimalField(_("actual"), max_digits=14, decimal_places=2, null=True, blank=True)
    numerator = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    denominator = models.BigIntegerField(null=True, blank=True)
    narrative = models.TextField(_("narrative"), blank=True)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices, blank=True, default=Source.NONE)
    computed_at = models.DateTimeField(_("computed"), null=True, blank=True)

    class Meta:
        ordering = ["indicator", "period__start"]
        verbose_name = _("target and actual")
        verbose_name_plural = _("targets and actuals")
        constraints = [models.UniqueConstraint(fields=["indicator", "period"], name="results_target_unique")]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period}"


class ManualActual(models.Model):
    """An actual entered by hand (for what the platform cannot see): the maker enters it with
    evidence, another person with the same capability approves or returns it. Every entry is kept:
    the history of the period's actual."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for approval")
        APPROVED = "approved", _("approved")  # the period's actual
        RETURNED = "returned", _("returned")  # with the reviewer's reason

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="manual_actuals")
    value = models.DecimalField(_("actual"), max_digits=14, decimal_places=2, null=True, blank=True)
    narrative = models.TextField(_("narrative"), blank=True)
    evidence_url = models.URLField(_("evidence (link)"), blank=True)
    evidence_file = models.FileField(_("evidence (file)"), upload_to="results/evidence/%Y/", blank=True)
    evidence_note = models.CharField(_("what the evidence is"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    entered_at = models.DateTimeField(_("entered"), default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_note = models.CharField(_("reviewer's note"), max_length=500, blank=True)

    class Meta:
        ordering = ["target", "-entered_at"]
        verbose_name = _("manual actual")
        verbose_name_plural = _("manual actuals")
        indexes = [
            # the approval queue: entries waiting for a checker
            models.Index(fields=["status", "entered_at"], name="results_manual_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.target} ({self.get_status_display()})"


class Figure(models.Model):
    """A metric's counts for a period and a scope, and per value of a breakdown: what every
    dashboard reads. Written by ``recompute`` (the periodic job), never edited."""

    class ScopeKind(models.TextChoices):
        NATIONAL = "national", _("country")
        AIMAG = "aimag", _("aimag")
        SECTOR = "sector", _("sector")

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="figures")
    metric = models.CharField(max_length=80)
    scope_kind = models.CharField(max_length=8, choices=ScopeKind.choices)
    scope_key = models.CharField(max_length=32, blank=True)  # the aimag's or sector's code
    dimension = models.CharField(max_length=12, blank=True, choices=[(d, d) for d in DIMENSIONS])
    category = models.CharField(max_length=40, blank=True)  # the breakdown's value
    numerator = models.DecimalField(max_digits=18, decimal_places=2)
    denominator = models.BigIntegerField(null=True)

    class Meta:
        verbose_name = _("computed figure")
        verbose_name_plural = _("computed figures")
        indexes = [
            # a page's figures: one scope (the country, an aimag, a sector) for every period
            models.Index(fields=["scope_kind", "scope_key", "metric"], name="results_figure_scope"),
        ]

    def __str__(self) -> str:
        return f"{self.metric} {self.scope_kind}:{self.scope_key} {self.dimension}={self.category}"


class RankingEntry(models.Model):
    """A body's place in the responsiveness ranking of a period (computed by the periodic job)."""

    class BodyKind(models.TextChoices):
        FACILITY = "facility", _("facility")
        DEPARTMENT = "department", _("department")
        GOVERNORS_OFFICE = "governors_office", _("governor's office")
        MINISTRY = "ministry", _("ministry or agency")

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="ranking")
    body_kind = models.CharField(_("kind of body"), max_length=20, choices=BodyKind.choices)
    body_code = models.CharField(_("public code"), max_length=12)
    name = models.CharField(_("name"), max_length=255)
    name_en = models.CharField(max_length=255, blank=True)
    aimag = models.CharField(_("aimag"), max_length=16, blank=True)  # the aimag's code
    sector = models.CharField(_("sector"), max_length=32, blank=True)  # the sector's code
    items = models.PositiveIntegerField(_("items"), default=0)  # everything the score counts
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1, null=True)  # 0–100, shrunk
    raw_score = models.DecimalField(_("score before adjustment"), max_digits=5, decimal_places=1, null=True)
    rank = models.PositiveIntegerField(_("rank"), null=True)  # among its kind, null: too few items
    components = models.JSONField(default=dict)  # metric code -> {n, d, raw, shrunk}
    # The score's change since the framework's previous period, when the body is ranked in both
    # (written by ``compute_ranking``, so "most improved" is one indexed read).
    improvement = models.DecimalField(_("change since the previous period"), max_digits=5, decimal_places=1, null=True)

    class Meta:
        ordering = ["period", "body_kind", "rank", "name"]
        verbose_name = _("ranking entry")
        verbose_name_plural = _("ranking entries")
        constraints = [
            models.UniqueConstraint(fields=["period", "body_kind", "body_code"], name="results_ranking_unique")
        ]
        indexes = [
            # the league tables: a period's bodies of one kind in rank order, by aimag or sector
            models.Index(fields=["period", "body_kind", "rank"], name="results_ranking_table"),
            # a body's own history
            models.Index(fields=["body_code", "period"], name="results_ranking_body"),
            # the league tables of one aimag and of one sector, in rank order
            models.Index(fields=["period", "body_kind", "aimag", "rank"], name="results_ranking_aimag"),
            models.Index(fields=["period", "body_kind", "sector", "rank"], name="results_ranking_sector"),
            # "most improved": the largest rises of a period's bodies of one kind
            models.Index(
                fields=["period", "body_kind", "-improvement"],
                condition=Q(improvement__gt=0),
                name="results_ranking_improved",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.name}: {self.score}"

    @property
    def display_name(self) -> str:
        return in_language(self.name, self.name_en)

    @property
    def is_ranked(self) -> bool:
        return self.rank is not None


class Subscription(models.Model):
    """Someone follows a place, a facility, a group's plans or a procurement buyer by e-mail or SMS.
    Nothing is sent before the address is confirmed (double opt-in); every message carries a
    one-click unsubscribe link."""

    class TargetKind(models.TextChoices):
        FACILITY = "facility", _("facility")
        AREA = "area", _("soum, district or aimag")
        GROUP = "group", _("multi-stakeholder group's plans")
        BUYER = "buyer", _("procurement buyer")

    class Channel(models.TextChoices):
        EMAIL = "email", _("e-mail")
        SMS = "sms", _("SMS")

    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", _("as it happens")
        WEEKLY = "weekly", _("weekly digest")

    target_kind = models.CharField(_("follows"), max_length=8, choices=TargetKind.choices)
    target_code = models.CharField(_("code"), max_length=32)
    target_name = models.CharField(_("name"), max_length=255)
    channel = models.CharField(_("by"), max_length=8, choices=Channel.choices, default=Channel.EMAIL)
    address = models.CharField(_("address"), max_length=254)
    language = models.CharField(_("language"), max_length=8, default="mn")
    frequency = models.CharField(_("how often"), max_length=10, choices=Frequency.choices, default=Frequency.IMMEDIATE)
    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    confirmation_code = models.CharField(max_length=8, blank=True, editable=False)  # for SMS
    # Wrong SMS codes tried: the code is void after ``alerts.MAX_CODE_ATTEMPTS`` (a 6-digit code
    # could otherwise be guessed by anyone holding the confirmation page).
    confirmation_attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)
    sent_until = models.DateTimeField(_("sent up to"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        indexes = [
            # the sending job: confirmed, active subscriptions of one frequency
            models.Index(
                fields=["frequency", "target_kind", "target_code"],
                condition=Q(confirmed_at__isnull=False, unsubscribed_at__isnull=True),
                name="results_subscription_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_target_kind_display()} {self.target_name}"

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None


class BuyerNotice(models.Model):
    """Something new about a procurement buyer that its followers are told about, recorded the first
    time the alert job sees it (procurement keeps no such dates: red flags are recomputed whole and
    a case step is published whenever moderation gets to it). Only public things: a contracting
    process, a red flag on one of its processes, a monitoring case's published result."""

    class Kind(models.TextChoices):
        PROCESS = "process", _("new contracting process")  # key: the process's OCID
        FLAG = "flag", _("new red flag")  # key: OCID and the flag's code
        RESULT = "result", _("monitoring case result published")  # key: the published step's code

    buyer_code = models.CharField(_("buyer"), max_length=32)  # the organisation's public code
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    key = models.CharField(max_length=200)
    process_code = models.CharField(max_length=12)  # the process's public code, for the link
    detail = models.CharField(max_length=12, blank=True)  # the flag's code or the case's public code
    seen_at = models.DateTimeField(_("seen"), default=timezone.now)

    class Meta:
        verbose_name = _("procurement buyer notice")
        verbose_name_plural = _("procurement buyer notices")
        constraints = [models.UniqueConstraint(fields=["buyer_code", "kind", "key"], name="results_buyer_notice_once")]
        # the sending job: a buyer's notices seen since a subscription's last message
        indexes = [models.Index(fields=["buyer_code", "seen_at"], name="results_buyer_notice_seen")]

    def __str__(self) -> str:
        return f"{self.buyer_code} {self.kind} {self.key}"
