"""Alert e-mails carry List-Unsubscribe and List-Unsubscribe-Post (RFC 8058): the mail client's
POST of ``List-Unsubscribe=One-Click`` unsubscribes without a CSRF token; anything else does not."""

import datetime

from django.core import mail
from django.test import Client
from django.utils import timezone

from iltod.feedback.models import Category, Event, Feedback
from iltod.notifications.models import OutboundMessage
from iltod.notifications.services import deliver_due
from iltod.results import alerts
from iltod.results.models import Subscription


def alert(personas):
    subscription = alerts.subscribe(
        kind="facility", code=personas.school.code, channel="email", address="bat@example.mn",
        frequency="immediate", language="en",
    )  # fmt: skip
    Subscription.objects.filter(pk=subscription.pk).update(confirmed_at=timezone.now() - datetime.timedelta(hours=1))
    item = Feedback.objects.create(
        category=Category.objects.get(code="edu-meals"),
        service_unit=personas.school,
        admin_unit=personas.school.admin_unit,
        description="Хоол хүйтэн",
        public_description="Хоол хүйтэн",
        moderation=Feedback.Moderation.PUBLISHED,
    )
    Event.objects.create(
        feedback=item, type=Event.Type.RESPONSE, is_public=True, text="Засна", published_at=timezone.now()
    )
    OutboundMessage.objects.all().delete()  # the confirmation
    assert alerts.send_due(timezone.now() + datetime.timedelta(seconds=1)) == 1
    return subscription


def test_alert_e_mails_carry_one_click_unsubscribe_headers(personas, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    alert(personas)
    deliver_due()
    (sent,) = mail.outbox
    assert sent.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    header = sent.extra_headers["List-Unsubscribe"]
    assert header.startswith("<http") and "/results/alerts/one-click/" in header and header.endswith(">")
    assert sent.extra_headers["Message-ID"]
    message = sent.message()
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_one_click_post_unsubscribes_without_csrf_and_nothing_else_does(personas):
    subscription = alert(personas)
    url = OutboundMessage.objects.get().headers["List-Unsubscribe"].strip("<>").split("/results/", 1)[1]
    url = "/results/" + url
    client = Client(enforce_csrf_checks=True)
    assert client.get(url).status_code == 405  # a link scanner's GET
    assert client.post(url, {"List-Unsubscribe": "Yes"}).status_code == 400
    forged = url.rstrip("/").rsplit("/", 1)[0] + "/forged/"
    assert client.post(forged, {"List-Unsubscribe": "One-Click"}).status_code == 404
    subscription.refresh_from_db()
    assert subscription.unsubscribed_at is None
    response = client.post(url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    subscription.refresh_from_db()
    assert subscription.unsubscribed_at is not None


def test_an_sms_has_no_headers(personas):
    subscription = alerts.subscribe(
        kind="area", code="65", channel="sms", address="99112233", frequency="immediate", language="mn"
    )
    assert OutboundMessage.objects.get(channel="sms").headers == {}
    assert subscription.pk
