"""Citizen feedback: what was reported, about what, who handles it, by when, and what happened."""

import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from iltod.core import memo
from iltod.lib.redact import mask_personal_data
from iltod.lib.translit import search_key
from iltod.places.models import CODE_ALPHABET, AdminUnit, Sector, ServiceUnit


def new_citizen_key() -> str:
    """The secret in the citizen's own link: the tracking code alone is public."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))


def new_tracking_code() -> str:
    """``IL-26-4F7K2``: year of receipt and five characters that are easy to read out on the phone."""
    year = timezone.localdate().strftime("%y")
    return f"IL-{year}-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(5))


def normalize_tracking_code(raw: str) -> str:
    """The code as people type or read it out: ``il26abcde``, ``IL 26 ABCDE``, ``26-abcde`` all
    become ``IL-26-ABCDE``. Anything else is returned upper-cased, to be looked up as it is."""
    compact = "".join(ch for ch in (raw or "").upper() if ch.isalnum())
    if compact.startswith(("IL", "ИЛ")):
        compact = compact[2:]
    if len(compact) == 7 and compact[:2].isdigit():
        return f"IL-{compact[:2]}-{compact[2:]}"
    return (raw or "").strip().upper()


class Kind(models.TextChoices):
    COMPLAINT = "complaint", _("complaint")  # гомдол: something is wrong
    PETITION = "petition", _("petition or request")  # өргөдөл: asks for something
    PROPOSAL = "proposal", _("proposal")  # санал: an idea to improve
    QUESTION = "question", _("question")
    COMPLIMENT = "compliment", _("compliment")


class CategoryQuerySet(memo.QuerySet):
    memo_name = "feedback.active_categories"  # the intake form checks a posted topic in memory


class Category(models.Model):
    """What the feedback is about, per sector (configurable in the back office)."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    sector = models.ForeignKey(
        Sector, verbose_name=_("sector"), on_delete=models.PROTECT, related_name="feedback_categories"
    )
    name = models.CharField(_("name"), max_length=150)
    description = models.CharField(_("description"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    is_conduct = models.BooleanField(
        _("conduct or integrity topic"),
        default=False,
        help_text=_(
            "Unofficial payments, staff misconduct, abuse, corruption: such items go to the oversight body, "
            "never to the facility they name or its staff."
        ),
    )

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ["sector__order", "order", "code"]
        verbose_name = _("feedback category")
        verbose_name_plural = _("feedback categories")

    def __str__(self) -> str:
        return self.name


class CategoryQuestion(models.Model):
    """An extra question a category asks (e.g. "which medicine was missing?"). Served as an
    attribute of the Open311 service definition and asked on intake forms."""

    class Datatype(models.TextChoices):
        STRING = "string", _("short text")
        TEXT = "text", _("long text")
        NUMBER = "number", _("number")
        DATETIME = "datetime", _("date and time")
        SINGLE = "singlevaluelist", _("one choice")
        MULTI = "multivaluelist", _("several choices")

    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.CASCADE, related_name="questions"
    )
    code = models.SlugField(_("code"), max_length=64)
    question = models.CharField(_("question"), max_length=255)
    datatype = models.CharField(_("answer type"), max_length=16, choices=Datatype.choices, default=Datatype.STRING)
    required = models.BooleanField(_("required"), default=False)
    choices = models.JSONField(
        _("choices"), default=list, blank=True, help_text=_('For choice questions: [{"key": "a", "name": "…"}].')
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["category", "order", "pk"]
        verbose_name = _("category question")
        verbose_name_plural = _("category questions")
        constraints = [models.UniqueConstraint(fields=["category", "code"], name="categoryquestion_unique_code")]

    def __str__(self) -> str:
        return self.question


class DeadlinePolicyQuerySet(memo.QuerySet):
    memo_name = "feedback.deadline_policies"  # deadlines.policy_for reads them from memory


class DeadlinePolicy(models.Model):
    """How long the handling body has, per type and category. The most specific policy applies;
    the defaults follow the Law on Resolving Citizens' Petitions and Complaints."""

    class DayKind(models.TextChoices):
        CALENDAR = "calendar", _("calendar days")
        WORKING = "working", _("working days")

    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(
        _("feedback type"), max_length=16, choices=Kind.choices, blank=True, help_text=_("Empty: every type.")
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        help_text=_("Empty: every category."),
    )
    acknowledge_days = models.PositiveSmallIntegerField(_("days to acknowledge"), default=3)
    acknowledge_day_kind = models.CharField(
        _("acknowledge in"), max_length=8, choices=DayKind.choices, default=DayKind.WORKING
    )
    resolve_days = models.PositiveSmallIntegerField(_("days to resolve"), default=30)
    resolve_day_kind = models.CharField(
        _("resolve in"), max_length=8, choices=DayKind.choices, default=DayKind.CALENDAR
    )
    max_extension_days = models.PositiveSmallIntegerField(_("longest extension (days)"), default=30)
    reopen_days = models.PositiveSmallIntegerField(
        _("days the citizen may reopen"), default=30, help_text=_("Counted from the resolution.")
    )
    escalate_after_days = models.PositiveSmallIntegerField(
        _("escalate again after (days)"),
        default=7,
        help_text=_("An overdue item moves one level up, then again after this many days."),
    )

    objects = DeadlinePolicyQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "category"]
        verbose_name = _("deadline policy")
        verbose_name_plural = _("deadline policies")
        constraints = [
            # one policy per scope (a NULL category is "every category", so it gets its own rule)
            models.UniqueConstraint(
                fields=["kind", "category"], condition=Q(category__isnull=False), name="deadlinepolicy_unique_scope"
            ),
            models.UniqueConstraint(
                fields=["kind"], condition=Q(category__isnull=True), name="deadlinepolicy_unique_default"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RoutingRuleQuerySet(memo.QuerySet):
    memo_name = "feedback.routing_rules"  # routing.route reads the active ones from memory


class RoutingRule(models.Model):
    """Who handles feedback: the first matching rule by priority decides.

    Without a matching rule the facility's operator handles it, then the sector's department
    covering the area, then the governor's office, then the sector's ministry.
    """

    class Target(models.TextChoices):
        OPERATOR = "operator", _("the facility's operator")
        SECTOR_DEPARTMENT = "sector_department", _("the area's health or education department")
        GOVERNORS_OFFICE = "governors_office", _("the area's governor's office")
        ORGANIZATION = "organization", _("a named organisation")

    priority = models.PositiveSmallIntegerField(_("priority"), default=100, help_text=_("Lower runs first."))
    sector = models.ForeignKey(Sector, verbose_name=_("sector"), on_delete=models.CASCADE, null=True, blank=True)
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.CASCADE, null=True, blank=True)
    kind = models.CharField(_("feedback type"), max_length=16, choices=Kind.choices, blank=True)
    facility_kind = models.CharField(_("facility kind"), max_length=32, choices=ServiceUnit.Kind.choices, blank=True)
    admin_unit = models.ForeignKey(
        AdminUnit,
        verbose_name=_("area"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        help_text=_("Applies to this area and everything in it."),
    )
    target = models.CharField(_("handled by"), max_length=20, choices=Target.choices)
    organization = models.ForeignKey(
        "organizations.Organization", verbose_name=_("organisation"), on_delete=models.CASCADE, null=True, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = RoutingRuleQuerySet.as_manager()

    class Meta:
        ordering = ["priority", "pk"]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")

    def __str__(self) -> str:
        return f"{self.priority}: {self.get_target_display()}"


class FeedbackQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=Feedback.OPEN_STATUSES)

    def overdue(self, now=None):
        return self.open().filter(resolve_due__lt=now or timezone.now())

    def due_soon(self, days=5, now=None):
        now = now or timezone.now()
        return self.open().filter(resolve_due__gte=now, resolve_due__lt=now + timedelta(days=days))

    def public(self):
        """Items whose text passed moderation and may appear on the public record."""
        return self.filter(moderation=Feedback.Moderation.PUBLISHED)


class Feedback(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", _("received")  # submitted, nobody has looked yet
        ACKNOWLEDGED = "acknowledged", _("acknowledged")  # the handling body confirmed receipt
        IN_PROGRESS = "in_progress", _("in progress")  # being looked into
        ACTION_SCHEDULED = "action_scheduled", _("action scheduled")  # a fix is planned with a date
        REFERRED = "referred", _("referred")  # sent to another body, which must acknowledge it
        RESOLVED = "resolved", _("resolved")  # answered with a public response
        DUPLICATE = "duplicate", _("duplicate")  # merged into another item
        NO_FURTHER_ACTION = "no_further_action", _("no further action")  # closed with a reason
        CLOSED = "closed", _("closed")  # final: the reopen window has passed or the citizen agreed

    OPEN_STATUSES = [Status.RECEIVED, Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.ACTION_SCHEDULED, Status.REFERRED]

    class Privacy(models.TextChoices):
        PUBLIC = "public", _("public: my name may be shown")
        NAME_HIDDEN = "name_hidden", _("name hidden: the public sees the text, not my name")
        CONFIDENTIAL = "confidential", _("confidential: only the handling body knows who I am")
        ANONYMOUS = "anonymous", _("anonymous: nothing about me is stored")

    class Channel(models.TextChoices):
        WEB = "web", _("web form")
        PHONE = "phone", _("hotline call")
        WALK_IN = "walk_in", _("walk-in")
        LETTER = "letter", _("letter")
        SMS = "sms", _("SMS")
        OPEN311 = "open311", _("Open311")
        API = "api", _("API")
        KOBO = "kobo", _("field form (KoBo/ODK)")
        IMPORT = "import", _("imported")

    class Moderation(models.TextChoices):
        PENDING = "pending", _("waiting for moderation")
        PUBLISHED = "published", _("published")
        HIDDEN = "hidden", _("not published")

    tracking_code = models.CharField(
        _("tracking code"), max_length=16, unique=True, default=new_tracking_code, editable=False
    )
    citizen_key = models.CharField(
        _("citizen's key"),
        max_length=16,
        default=new_citizen_key,
        editable=False,
        help_text=_("Secret part of the citizen's link; the tracking code is public."),
    )
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices, default=Kind.COMPLAINT)
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="+")
    service_unit = models.ForeignKey(
        ServiceUnit,
        verbose_name=_("facility"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="feedback",
    )
    admin_unit = models.ForeignKey(AdminUnit, verbose_name=_("area"), on_delete=models.PROTECT, related_name="feedback")
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    location_text = models.CharField(_("place"), max_length=255, blank=True)
    description = models.TextField(_("description"))
    transliteration = models.TextField(
        _("transliteration"),
        blank=True,
        help_text=_("Cyrillic reading of Mongolian typed in Latin letters (SMS, field forms), for staff and search."),
    )
    public_description = models.TextField(
        _("public text"), blank=True, help_text=_("Moderated text with personal details masked.")
    )
    language = models.CharField(_("language"), max_length=8, default="mn")
    privacy = models.CharField(_("privacy"), max_length=16, choices=Privacy.choices, default=Privacy.NAME_HIDDEN)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.WEB)
    external_id = models.CharField(_("id in the source channel"), max_length=128, blank=True)
    moderation = models.CharField(
        _("moderation"), max_length=10, choices=Moderation.choices, default=Moderation.PENDING
    )
    attributes = models.JSONField(_("answers to the category's questions"), default=dict, blank=True)

    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    handling_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("handled by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handled_feedback",
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    escalated_to = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("escalated to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="escalated_feedback",
    )
    oversight_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("overseen by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="overseen_feedback",
        help_text=_("The body that oversees the handler (the sector department of the area); kept after escalation."),
    )
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
    )

    received_at = models.DateTimeField(_("received"), default=timezone.now)
    acknowledge_due = models.DateTimeField(_("acknowledge by"), null=True, blank=True)
    resolve_due = models.DateTimeField(_("resolve by"), null=True, blank=True)
    original_resolve_due = models.DateTimeField(_("first deadline"), null=True, blank=True)
    extension_reason = models.TextField(_("reason for extension"), blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    reopen_until = models.DateTimeField(_("may be reopened until"), null=True, blank=True)
    public_response = models.TextField(_("public response"), blank=True)

    rating = models.PositiveSmallIntegerField(
        _("rating"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    problem_solved = models.BooleanField(_("problem solved"), null=True, blank=True)
    rated_at = models.DateTimeField(_("rated"), null=True, blank=True)

    search_key = models.TextField(blank=True, editable=False)  # staff search: the private text
    public_search_key = models.TextField(blank=True, editable=False)  # public search: the moderated text
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = FeedbackQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        indexes = [
            # staff inbox: an organisation's open items by deadline (overdue / due soon)
            models.Index(fields=["handling_organization", "status", "resolve_due"], name="feedback_inbox"),
            # escalated items shown to the oversight body
            models.Index(fields=["escalated_to", "status"], name="feedback_escalated"),
            # facility page and duplicate suggestions: a facility's items, newest first
            models.Index(fields=["service_unit", "-received_at"], name="feedback_facility"),
            # public list filtered by area and date
            models.Index(fields=["admin_unit", "-received_at"], name="feedback_area"),
            # escalation sweep over open items past their deadline
            models.Index(fields=["status", "resolve_due"], name="feedback_overdue"),
            # "assigned to me"
            models.Index(fields=["assigned_to", "status"], name="feedback_assignee"),
            # staff inbox, deadline views (staff.DeadlineOrder): an organisation's open items and the
            # open items escalated to it, each read in deadline order; also the inbox's count
            models.Index(
                fields=["handling_organization", "resolve_due", "id"],
                condition=Q(status__in=["received", "acknowledged", "in_progress", "action_scheduled", "referred"]),
                include=["category", "service_unit"],  # the inbox's filters, read from the index alone
                name="feedback_open_handler",
            ),
            models.Index(  # the oversight inbox: open items a department oversees, by deadline
                fields=["oversight_organization", "resolve_due", "id"],
                condition=Q(status__in=["received", "acknowledged", "in_progress", "action_scheduled", "referred"]),
                include=["category", "service_unit"],
                name="feedback_open_oversight",
            ),
            models.Index(
                fields=["escalated_to", "resolve_due", "id"],
                condition=Q(status__in=["received", "acknowledged", "in_progress", "action_scheduled", "referred"]),
                include=["category", "service_unit"],  # the inbox's filters, read from the index alone
                name="feedback_open_escalated",
            ),
        ]
        constraints = [
            # inbound channels are idempotent on the sender's message id
            models.UniqueConstraint(
                fields=["channel", "external_id"], condition=~Q(external_id=""), name="feedback_unique_external_id"
            ),
        ]

    def __str__(self) -> str:
        return self.tracking_code

    def save(self, *args, **kwargs):
        keys = [search_key(self.description)]
        transliterated = search_key(self.transliteration)
        if transliterated and transliterated != keys[0]:
            keys.append(transliterated)
        self.search_key = "|".join(keys)[:4000]
        # Public search must never match the private text (it would reveal a name or a number), nor
        # a number the masking catches (the text may have been masked by an older, weaker rule).
        self.public_search_key = search_key(mask_personal_data(self.public_description))[:4000]
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_key", "public_search_key"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("feedback:public_detail", args=[self.tracking_code])

    @property
    def citizen_url(self) -> str:
        """The reporter's own page: their full text, and the forms to rate, reopen, add information."""
        return reverse("feedback:track", args=[self.tracking_code]) + f"?key={self.citizen_key}"

    def get_staff_url(self) -> str:
        return reverse("feedback:staff_detail", args=[self.tracking_code])

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return bool(self.is_open and self.resolve_due and self.resolve_due < timezone.now())

    @property
    def was_extended(self) -> bool:
        return bool(self.original_resolve_due and self.resolve_due != self.original_resolve_due)

    @property
    def can_be_reopened(self) -> bool:
        return bool(
            self.status in {self.Status.RESOLVED, self.Status.NO_FURTHER_ACTION}
            and self.reopen_until
            and timezone.now() <= self.reopen_until
        )

    @property
    def acknowledged_late(self) -> bool:
        """Acknowledged after its deadline: shown as late, never with a tick."""
        return bool(self.acknowledged_at and self.acknowledge_due and self.acknowledged_at > self.acknowledge_due)

    @property
    def acknowledgement_overdue(self) -> bool:
        """Not acknowledged yet, and the deadline to acknowledge has passed."""
        return bool(
            not self.acknowledged_at and self.is_open and self.acknowledge_due and self.acknowledge_due < timezone.now()
        )

    @property
    def shows_text_publicly(self) -> bool:
        return self.moderation == self.Moderation.PUBLISHED

    @property
    def public_body(self) -> str:
        """The text every public surface shows: the moderated text, masked again as it is read
        (rows masked by an older rule are caught too); empty until it is published."""
        return mask_personal_data(self.public_description) if self.shows_text_publicly else ""


class Reporter(models.Model):
    """Who reported: kept apart from the feedback so every read is deliberate and audited.
    Anonymous feedback has no Reporter row at all."""

    feedback = models.OneToOneField(Feedback, on_delete=models.CASCADE, related_name="reporter")
    name = models.CharField(_("name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    notify = models.BooleanField(_("send me updates"), default=True)

    class Meta:
        verbose_name = _("reporter")
        verbose_name_plural = _("reporters")
        indexes = [
            # rate limits and "your other reports" by phone number
            models.Index(fields=["phone"], name="reporter_phone"),
        ]

    def __str__(self) -> str:
        return self.name or self.phone or self.email or "—"


class Follow(models.Model):
    """A user with an account follows an item's public progress: it is listed under "My feedback"
    and they are told when its public status changes or a public answer is posted."""

    # user first in the unique constraint's index: it serves the user's look-ups
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False, verbose_name=_("user")
    )
    feedback = models.ForeignKey(  # indexed: the followers of an item, told of its progress
        Feedback, on_delete=models.CASCADE, related_name="follows", verbose_name=_("feedback")
    )
    created_at = models.DateTimeField(_("followed since"), default=timezone.now)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [models.UniqueConstraint(fields=["user", "feedback"], name="follow_unique_user_feedback")]
        indexes = [
            # "My feedback": what the user follows, latest first
            models.Index(fields=["user", "-created_at"], name="follow_user_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.feedback}"


def attachment_path(instance, filename):
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"feedback/{instance.feedback.received_at:%Y/%m}/{secrets.token_hex(16)}.{ext}"


class Attachment(models.Model):
    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    is_public = models.BooleanField(
        _("public"), default=False, help_text=_("Shown on the public page after moderation.")
    )
    created_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        from .attachments import token_of

        return reverse("feedback:attachment", args=[token_of(self)])


class EventQuerySet(models.QuerySet):
    def public(self):
        """What the public may read of a timeline: public events, and of the citizen's own words
        (a rating's comment, an update) only those a moderator published. Every public surface
        (pages, API, Open311) reads timelines through this."""
        return self.filter(is_public=True, moderation=Feedback.Moderation.PUBLISHED)

    def awaiting_moderation(self):
        return self.filter(moderation=Feedback.Moderation.PENDING)

    def submitted_by(self, user):
        """The submission of a citizen logged in on the public form when they gave feedback. Staff
        who record a call, a walk-in or an import are its actor too, as ``recorded_by``: that never
        makes the item theirs. (Web submissions stored before ``submitted_by`` was written had only
        the citizen as actor; staff never record through the web channel.)"""
        return self.filter(type=Event.Type.SUBMITTED, actor=user).filter(
            Q(data__submitted_by=user.pk) | (Q(data__channel=Feedback.Channel.WEB) & ~Q(data__has_key="recorded_by"))
        )

    def submitted_through(self, organization_id):
        """The submissions an organisation's system (an API key, an Open311 client) made."""
        return self.filter(type=Event.Type.SUBMITTED, data__api_organization=organization_id)

    def for_citizen(self):
        """The citizen's own page: the public timeline, and their own words whatever their moderation."""
        return self.filter(
            Q(is_public=True, moderation=Feedback.Moderation.PUBLISHED) | Q(type__in=Event.CITIZEN_TYPES)
        )


class Event(models.Model):
    """One entry of a feedback item's timeline: a status change, response, note, assignment…"""

    class Type(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        ROUTED = "routed", _("routed")
        STATUS = "status", _("status changed")
        RESPONSE = "response", _("public response")
        NOTE = "note", _("internal note")
        ASSIGNED = "assigned", _("assigned")
        REFERRED = "referred", _("referred")
        EXTENDED = "extended", _("deadline extended")
        ESCALATED = "escalated", _("escalated")
        TAKEN_OVER = "taken_over", _("taken over by the oversight body")
        MERGED = "merged", _("marked as duplicate")
        REOPENED = "reopened", _("reopened by the citizen")
        RATED = "rated", _("rated by the citizen")
        CITIZEN_UPDATE = "citizen_update", _("update from the citizen")
        MODERATED = "moderated", _("moderated")
        IDENTITY_VIEWED = "identity_viewed", _("reporter's identity viewed")

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(_("type"), max_length=16, choices=Type.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_public = models.BooleanField(_("public"), default=False)
    text = models.TextField(_("text"), blank=True)
    # What a citizen writes (a rating's comment, an update) is public only once moderated, like the
    # item's own text; staff events are published as they are written.
    moderation = models.CharField(
        _("moderation"), max_length=10, choices=Feedback.Moderation.choices, default=Feedback.Moderation.PUBLISHED
    )
    public_text = models.TextField(
        _("public text"), blank=True, help_text=_("Moderated text with personal details masked.")
    )
    old_status = models.CharField(max_length=20, blank=True)
    new_status = models.CharField(max_length=20, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    # When the public could first read it: at creation for the handling body's public events, when
    # a moderator publishes them for the citizen's words; empty while not public. Open311's
    # updates feed is read by this time, so that an update published late is not missed.
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    objects = EventQuerySet.as_manager()

    # The citizen's own words: shown publicly as ``public_text`` (masked, moderated), never ``text``.
    CITIZEN_TYPES = frozenset({Type.RATED, Type.CITIZEN_UPDATE, Type.REOPENED})

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")
        indexes = [
            models.Index(fields=["feedback", "created_at"], name="feedbackevent_timeline"),
            # Open311 servicerequestupdates: public events of every item by publication time (window and cursor)
            models.Index(
                fields=["published_at", "id"],
                condition=Q(is_public=True, moderation="published"),
                name="feedbackevent_published",
            ),
            # ... and each update's state: the item's last public status change published before it
            models.Index(
                fields=["feedback", "published_at", "id"],
                condition=Q(is_public=True, moderation="published"),
                name="feedbackevent_item_published",
            ),
            # the moderation queue (feedback.moderation): citizens' words waiting, oldest first
            models.Index(fields=["created_at", "id"], condition=Q(moderation="pending"), name="feedbackevent_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.feedback} {self.type}"

    def save(self, *args, **kwargs):
        # Events created public (anywhere: services, imports, the back office) are published as they
        # are written; services.moderate_event publishes the citizen's words.
        if self.published_at is None and self.is_published:
            self.published_at = self.created_at
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "published_at"}
        super().save(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.is_public and self.moderation == Feedback.Moderation.PUBLISHED

    @property
    def is_from_citizen(self) -> bool:
        return self.type in self.CITIZEN_TYPES

    @property
    def public_body(self) -> str:
        """The text a public surface shows: the handling body's words as written, the citizen's
        only as moderated and masked (a reopening's reason is never published)."""
        if self.type in self.CITIZEN_TYPES:
            if self.moderation != Feedback.Moderation.PUBLISHED:
                return ""
            return mask_personal_data(self.public_text)
        return self.text

    # The status columns hold the item's statuses without choices of their own: label them here,
    # so that no timeline shows a raw value such as ``in_progress``.
    def get_old_status_display(self) -> str:
        return _status_label(self.old_status)

    def get_new_status_display(self) -> str:
        return _status_label(self.new_status)


def _status_label(value: str) -> str:
    return str(Feedback.Status(value).label) if value in Feedback.Status.values else value


class Stat(models.Model):
    """Pre-aggregated counters per scope and year, updated by the services as things happen.

    Public pages read these rows instead of scanning feedback. ``resolve_days`` is a histogram
    (index = whole days to resolve, last bucket = 120 days or more) from which the median is exact.
    """

    class Scope(models.TextChoices):
        NATIONAL = "national", _("national")
        ADMIN_UNIT = "admin_unit", _("area")
        FACILITY = "facility", _("facility")
        ORGANIZATION = "organization", _("organisation")

    HISTOGRAM_DAYS = 121

    scope = models.CharField(max_length=16, choices=Scope.choices)
    scope_id = models.BigIntegerField(default=0)
    year = models.PositiveSmallIntegerField()
    received = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    resolved_on_time = models.PositiveIntegerField(default=0)
    rating_sum = models.PositiveIntegerField(default=0)
    rating_count = models.PositiveIntegerField(default=0)
    solved_yes = models.PositiveIntegerField(default=0)
    resolve_days = models.JSONField(default=list)

    class Meta:
        verbose_name = _("feedback statistic")
        verbose_name_plural = _("feedback statistics")
        constraints = [models.UniqueConstraint(fields=["scope", "scope_id", "year"], name="feedbackstat_unique")]

    def __str__(self) -> str:
        return f"{self.scope}:{self.scope_id}:{self.year}"


class InboundMessage(models.Model):
    """A message an intake channel delivered (an SMS, a KoBoToolbox submission), kept as received.

    Channels are idempotent on the sender's message id: a retried delivery finds this row and
    creates nothing new. A message that cannot become feedback is never dropped: it stays here
    with its error until staff fix the data and retry it (see ``feedback/channels/``).
    """

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        KOBO = "kobo", _("field form (KoBo/ODK)")

    class Status(models.TextChoices):
        RECEIVED = "received", _("received")  # stored; not processed yet, or processing was interrupted
        PROCESSED = "processed", _("processed")  # became feedback, an update to feedback or a status reply
        ERROR = "error", _("error")  # could not be processed as it stands: waits for staff to fix and retry
        DUPLICATE = "duplicate", _("duplicate")  # repeats an item already recorded: nothing new was created

    class Outcome(models.TextChoices):
        FEEDBACK = "feedback", _("new feedback")
        UPDATE = "update", _("update to existing feedback")
        STATUS = "status", _("status sent to the sender")

    code = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    external_id = models.CharField(
        _("message id in the channel"), max_length=128, help_text=_("Without an id of its own, a hash of the body.")
    )
    sender = models.CharField(
        _("sender"),
        max_length=64,
        blank=True,
        help_text=_("Phone number as the gateway sent it, or the field worker's account."),
    )
    payload = models.JSONField(_("message as received"), default=dict, blank=True)
    text = models.TextField(_("text"), blank=True)
    transliteration = models.TextField(_("transliteration"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    error = models.TextField(_("error"), blank=True)
    corrections = models.JSONField(
        _("corrections"),
        default=dict,
        blank=True,
        help_text=_("Values staff corrected before a retry; the payload stays as received."),
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    feedback = models.ForeignKey(
        Feedback,
        verbose_name=_("feedback"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound_messages",
    )
    created_at = models.DateTimeField(_("received"), default=timezone.now)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("inbound message")
        verbose_name_plural = _("inbound messages")
        constraints = [
            # a retried or concurrent delivery of the same message finds the first row
            models.UniqueConstraint(fields=["channel", "external_id"], name="inboundmessage_unique_external_id"),
        ]
        indexes = [
            # staff page: messages in error, newest first
            models.Index(fields=["status", "-created_at"], name="inboundmessage_status"),
        ]

    def __str__(self) -> str:
        return f"{self.channel}:{self.external_id}"
