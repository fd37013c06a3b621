"""Trainings and the people they reach.

A ``Person`` is one human being, however many trainings they attend: the network counts unique
people trained next to participations. People are found again by phone, e-mail, or name and
organisation (``services.trainings.find_person``), and duplicates that slip through are merged by
the network administrator. A ``Participation`` is one person registered for one training; it
carries the pre- and post-test scores, the certificate and the follow-up. ``SessionAttendance``
says which sessions the person came to: a person is *trained* once they attended a session.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from iltod.engagement.models import AgeBand, Sex, StakeholderType
from iltod.places.models import AdminUnit, new_public_code

__all__ = [
    "FollowUp",
    "MarginalisedGroup",
    "Participation",
    "Person",
    "SessionAttendance",
    "Training",
    "TrainingSession",
]

FOLLOW_UP_AFTER_DAYS = 90  # three months after the training ends
FOLLOW_UP_UNTIL_DAYS = 183  # six months


def new_certificate_code() -> str:
    return new_public_code(10)


class MarginalisedGroup(models.TextChoices):
    """A poor or marginalised group the person says they belong to (only with their consent)."""

    NONE = "", _("none or not stated")
    LOW_INCOME = "low_income", _("low-income household")
    HERDER = "herder", _("herder household")
    ETHNIC_MINORITY = "ethnic_minority", _("ethnic minority")
    MIGRANT = "migrant", _("internal migrant")
    LGBTI = "lgbti", _("LGBTI")
    OTHER = "other", _("other marginalised group")


def soum_error(aimag_id, soum) -> str:
    """Why ``soum`` cannot be recorded with the aimag ``aimag_id`` ("" when it can): it must be a
    soum or district directly below that aimag or the capital."""
    if soum is None:
        return ""
    if soum.level not in (AdminUnit.Level.SOUM, AdminUnit.Level.DISTRICT):
        return _("Choose a soum or a district of the capital.")
    if aimag_id is None:
        return _("Choose the aimag or the capital first: the soum or district is recorded within it.")
    if soum.parent_id != aimag_id:
        return _("This soum or district is not in the chosen aimag or capital.")
    return ""


class PersonQuerySet(models.QuerySet):
    def active(self):
        """People who were not merged into another record."""
        return self.filter(merged_into__isnull=True)


class Person(models.Model):
    """A participant of trainings. Sensitive details are kept only where the person agreed."""

    code = models.CharField(_("public code"), max_length=12, unique=True, default=new_public_code, editable=False)
    full_name = models.CharField(_("name"), max_length=255)
    sex = models.CharField(_("sex"), max_length=16, choices=Sex.choices, default=Sex.UNDISCLOSED)
    age_group = models.CharField(_("age group"), max_length=16, choices=AgeBand.choices, default=AgeBand.UNKNOWN)
    stakeholder_type = models.CharField(
        _("stakeholder type"), max_length=32, choices=StakeholderType.choices, default=StakeholderType.CSO
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="learning_people",
    )
    organization_name = models.CharField(
        _("organisation (as written)"), max_length=255, blank=True, help_text=_("When it is not on the platform.")
    )
    aimag = models.ForeignKey(
        "places.AdminUnit",
        verbose_name=_("aimag or capital"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    soum = models.ForeignKey(
        "places.AdminUnit",
        verbose_name=_("soum or district"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Optional: a soum of the aimag, or a district of the capital."),
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)  # E.164, iltod.lib.phones
    email = models.EmailField(_("e-mail"), blank=True)  # lower-case
    name_key = models.CharField(max_length=600, blank=True, editable=False)  # name + organisation, folded
    consents_to_sensitive = models.BooleanField(
        _("agrees to state group and disability"),
        default=False,
        help_text=_("Only with this consent are a marginalised group and a disability recorded."),
    )
    marginalised_group = models.CharField(
        _("poor or marginalised group"), max_length=24, choices=MarginalisedGroup.choices, blank=True
    )
    has_disability = models.BooleanField(_("person with disability"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", verbose_name=_("merged into"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    first_trained_on = models.DateField(_("first trained"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["full_name", "pk"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.CheckConstraint(
                condition=Q(consents_to_sensitive=True) | (Q(marginalised_group="") & Q(has_disability__isnull=True)),
                name="learning_person_sensitive_needs_consent",
            ),
        ]
        indexes = [
            # finding a person again when their sheet row is entered (deduplication)
            models.Index(fields=["phone"], name="learning_person_phone", condition=~Q(phone="")),
            models.Index(fields=["email"], name="learning_person_email", condition=~Q(email="")),
            models.Index(fields=["name_key"], name="learning_person_namekey"),
            # the headline: unique people trained, disaggregated (first_trained_on is set once)
            models.Index(fields=["first_trained_on", "sex", "age_group"], name="learning_person_trained"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("learning:person_detail", args=[self.code])

    def clean(self):
        super().clean()
        message = soum_error(self.aimag_id, self.soum)
        if message:
            raise ValidationError({"soum": message})

    @property
    def organization_label(self) -> str:
        return str(self.organization) if self.organization_id else self.organization_name


class Training(models.Model):
    class Kind(models.TextChoices):
        ORIENTATION = "sac101", _("SAc 101 orientation")  # the introduction to social accountability
        TOOL = "tool", _("tool training")  # one SA tool: score cards, social audit…
        MENTORING = "mentoring", _("mentoring")
        EXCHANGE = "exchange", _("exchange visit")
        WORKSHOP = "workshop", _("workshop")

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        HELD = "held", _("held")
        CANCELLED = "cancelled", _("cancelled")

    code = models.CharField(_("public code"), max_length=12, unique=True, default=new_public_code, editable=False)
    title = models.CharField(_("title"), max_length=255)
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices, default=Kind.WORKSHOP)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    description = models.TextField(_("description"), blank=True)
    organiser = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organiser"),
        on_delete=models.PROTECT,
        related_name="learning_trainings",
    )
    competencies = models.ManyToManyField(
        "learning.Competency", verbose_name=_("competencies addressed"), blank=True, related_name="trainings"
    )
    trainers = models.CharField(_("trainers"), max_length=500, blank=True, help_text=_("Names, separated by commas."))
    is_online = models.BooleanField(_("online"), default=False)
    venue = models.CharField(_("place"), max_length=255, blank=True)
    aimag = models.ForeignKey(
        "places.AdminUnit",
        verbose_name=_("aimag or capital"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    max_score = models.PositiveSmallIntegerField(
        _("highest test score"),
        default=100,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text=_("Pre- and post-test scores are between 0 and this number."),
    )
    is_public = models.BooleanField(_("public"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="learning_training_dates"),
        ]
        indexes = [
            # the training list, newest first, and the reminders before a training
            models.Index(fields=["status", "starts_on"], name="learning_training_status"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("learning:training_detail", args=[self.code])

    @property
    def follow_up_from(self) -> datetime.date:
        return self.ends_on + datetime.timedelta(days=FOLLOW_UP_AFTER_DAYS)

    @property
    def follow_up_until(self) -> datetime.date:
        return self.ends_on + datetime.timedelta(days=FOLLOW_UP_UNTIL_DAYS)


class TrainingSession(models.Model):
    """One day or half-day of a training; attendance is taken per session."""

    training = models.ForeignKey(
        Training, verbose_name=_("training"), on_delete=models.CASCADE, related_name="sessions"
    )
    title = models.CharField(_("title"), max_length=255, blank=True)
    held_on = models.DateField(_("date"))
    starts_at = models.TimeField(_("starts at"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["training", "held_on", "order", "pk"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    def __str__(self) -> str:
        return f"{self.title or self.training.title} ({self.held_on:%Y-%m-%d})"


class ParticipationQuerySet(models.QuerySet):
    def trained(self):
        """Participations with at least one session attended."""
        return self.filter(sessions_attended__gt=0)


class Participation(models.Model):
    """One person registered for one training, with what they came to and what they scored."""

    training = models.ForeignKey(
        Training, verbose_name=_("training"), on_delete=models.CASCADE, related_name="participations"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="participations"
    )
    held_on = models.DateField(_("training date"), editable=False)  # the training's start, for period counts
    sessions_attended = models.PositiveSmallIntegerField(_("sessions attended"), default=0, editable=False)
    pre_score = models.DecimalField(_("pre-test score"), max_digits=6, decimal_places=1, null=True, blank=True)
    post_score = models.DecimalField(_("post-test score"), max_digits=6, decimal_places=1, null=True, blank=True)
    certificate_code = models.CharField(
        _("certificate code"), max_length=12, unique=True, null=True, blank=True, editable=False
    )
    certificate_issued_on = models.DateField(_("certificate issued"), null=True, blank=True, editable=False)
    follow_up_token = models.CharField(max_length=32, unique=True, null=True, blank=True, editable=False)
    reminded_before_on = models.DateField(null=True, blank=True, editable=False)
    reminded_follow_up_on = models.DateField(null=True, blank=True, editable=False)
    registered_at = models.DateTimeField(_("registered"), default=timezone.now)

    objects = ParticipationQuerySet.as_manager()

    class Meta:
        ordering = ["training", "person__full_name", "pk"]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(fields=["training", "person"], name="learning_participation_once"),
        ]
        indexes = [
            # unique people and participations in a period (metrics, the network's headline)
            models.Index(
                fields=["held_on", "person"], name="learning_part_period", condition=Q(sessions_attended__gt=0)
            ),
            models.Index(fields=["person", "held_on"], name="learning_part_person"),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.training}"

    @property
    def score_change(self) -> Decimal | None:
        if self.pre_score is None or self.post_score is None:
            return None
        return self.post_score - self.pre_score

    @property
    def is_trained(self) -> bool:
        return self.sessions_attended > 0


class SessionAttendance(models.Model):
    session = models.ForeignKey(
        TrainingSession, verbose_name=_("session"), on_delete=models.CASCADE, related_name="attendances"
    )
    participation = models.ForeignKey(
        Participation, verbose_name=_("participation"), on_delete=models.CASCADE, related_name="attendances"
    )

    class Meta:
        verbose_name = _("session attendance")
        verbose_name_plural = _("session attendances")
        constraints = [
            models.UniqueConstraint(fields=["session", "participation"], name="learning_attendance_once"),
        ]

    def __str__(self) -> str:
        return f"{self.participation} @ {self.session}"


class FollowUp(models.Model):
    """Three to six months after the training: did the person apply it, with whom, what changed?
    Learning counts when practice changes (ANSA-EAP's Learning-in-Action)."""

    participation = models.OneToOneField(
        Participation, verbose_name=_("participation"), on_delete=models.CASCADE, related_name="follow_up"
    )
    answered_on = models.DateField(_("answered on"))
    applied = models.BooleanField(_("applied what they learned"))
    with_whom = models.TextField(_("with whom"), blank=True)
    what_changed = models.TextField(_("what changed"), blank=True)
    changed_practice = models.BooleanField(
        _("practice changed"), default=False, help_text=_("The person or their organisation works differently now.")
    )
    cited_records = models.TextField(
        _("platform records"),
        blank=True,
        help_text=_("Addresses or codes of score cards, action plans or monitoring cases, one per line."),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("entered"), default=timezone.now)

    class Meta:
        ordering = ["-answered_on", "-pk"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        indexes = [
            # changed practice per period (metric learning.changed_practice)
            models.Index(fields=["answered_on", "changed_practice"], name="learning_followup_period"),
        ]

    def __str__(self) -> str:
        return f"{self.participation}: {self.answered_on:%Y-%m-%d}"

    @property
    def cited_list(self) -> list[str]:
        return [line.strip() for line in self.cited_records.splitlines() if line.strip()]
