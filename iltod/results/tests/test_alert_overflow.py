"""An alert lists at most 20 items of each kind, but says how many more there are, with a link to
the followed thing's page, and counts them all (the SMS too): nothing is dropped silently."""

import datetime

from django.utils import timezone

from iltod.feedback.models import Category, Event, Feedback
from iltod.notifications.models import OutboundMessage
from iltod.results import alerts
from iltod.results.models import Subscription


def follow(personas, channel, address, language):
    subscription = alerts.subscribe(
        kind="facility", code=personas.school.code, channel=channel, address=address, frequency="immediate",
        language=language,
    )  # fmt: skip
    Subscription.objects.filter(pk=subscription.pk).update(confirmed_at=timezone.now() - datetime.timedelta(hours=1))
    return subscription


def publish(personas, number):
    category = Category.objects.get(code="edu-meals")
    codes = []
    for index in range(number):
        item = Feedback.objects.create(
            category=category,
            service_unit=personas.school,
            admin_unit=personas.school.admin_unit,
            description=f"Хоол хүйтэн {index}",
            public_description="Хоол хүйтэн",
            moderation=Feedback.Moderation.PUBLISHED,
        )
        Event.objects.create(
            feedback=item, type=Event.Type.RESPONSE, is_public=True, text="Засна", published_at=timezone.now()
        )
        codes.append(item.tracking_code)
    return codes


def test_an_e_mail_alert_says_how_many_more_and_links_to_them(personas):
    follow(personas, "email", "bat@example.mn", "en")
    follow(personas, "sms", "99112233", "en")
    codes = publish(personas, 23)
    OutboundMessage.objects.all().delete()  # the confirmations
    assert alerts.send_due(timezone.now() + datetime.timedelta(seconds=1)) == 2
    mail = OutboundMessage.objects.get(channel="email")
    assert sum(code in mail.body for code in codes) == alerts.MESSAGE_ITEMS
    assert "and 3 more: http" in mail.body
    assert personas.school.get_absolute_url() in mail.body.split("and 3 more:", 1)[1]
    sms = OutboundMessage.objects.get(channel="sms")
    assert "23 updates" in sms.body


def test_without_more_items_the_message_says_nothing_more(personas):
    follow(personas, "email", "bat@example.mn", "mn")
    publish(personas, 2)
    OutboundMessage.objects.all().delete()
    assert alerts.send_due(timezone.now() + datetime.timedelta(seconds=1)) == 1
    assert "бас" not in OutboundMessage.objects.get().body


def test_the_more_line_is_in_mongolian(personas):
    follow(personas, "email", "bat@example.mn", "mn")
    publish(personas, 21)
    OutboundMessage.objects.all().delete()
    alerts.send_due(timezone.now() + datetime.timedelta(seconds=1))
    assert "… бас 1 мэдээ: http" in OutboundMessage.objects.get().body
