import uuid

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from iltod.lib.masking import mask_recipient


class OutboundMessageQuerySet(models.QuerySet):
    def due(self, now=None):
        now = now or timezone.now()
        return self.filter(status=OutboundMessage.Status.PENDING, next_attempt_at__lte=now)

    def for_object(self, obj):
        return self.filter(related_type=ContentType.objects.get_for_model(obj), related_id=str(obj.pk))


class OutboundMessage(models.Model):
    """An e-mail or SMS to send, written in the same transaction as the change that causes it.

    A worker claims due messages with a conditional UPDATE, sends them, and marks the outcome;
    failures are retried with backoff. Nothing is lost if the worker, the SMTP server or the SMS
    gateway is down: the row waits.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("e-mail")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")  # new, or waiting for a retry
        SENDING = "sending", _("being sent")  # claimed by a worker
        SENT = "sent", _("sent")  # accepted by the SMTP server or gateway
        FAILED = "failed", _("failed")  # gave up: permanent error or too many attempts

    message_id = models.UUIDField(_("message id"), default=uuid.uuid4, unique=True, editable=False)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    recipient = models.CharField(_("recipient"), max_length=254)
    language = models.CharField(_("language"), max_length=8, default="mn")
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("text"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    provider_id = models.CharField(_("provider's id"), max_length=128, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    may_be_duplicate = models.BooleanField(
        _("may have been delivered twice"),
        default=False,
        help_text=_(
            "A worker stopped while sending this message, so it was sent again with the same message id; "
            "the receiving server can use the id to drop the copy."
        ),
    )
    dedupe_key = models.CharField(
        _("deduplication key"),
        max_length=200,
        null=True,
        blank=True,
        unique=True,
        help_text=_("Queuing twice with the same key sends once."),
    )
    # e.g. List-Unsubscribe (RFC 8058) on alert e-mails; Message-ID is always set by delivery
    headers = models.JSONField(_("extra e-mail headers"), default=dict, blank=True)
    related_type = models.ForeignKey(ContentType, on_delete=models.SET_NULL, null=True, blank=True)
    related_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = OutboundMessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        indexes = [
            # the worker's claim: pending messages whose next attempt is due
            models.Index(fields=["status", "next_attempt_at"], name="outbound_due"),
            # delivery state shown on an object's page (e.g. a feedback item)
            models.Index(fields=["related_type", "related_id"], name="outbound_related"),
        ]

    def __str__(self) -> str:
        # masked: the name appears in admin pages, logs and audit events' target_repr
        return f"{self.get_channel_display()} → {mask_recipient(self.recipient)} ({self.get_status_display()})"
