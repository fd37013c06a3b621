"""The outbox and inbound-message admin pages never show a reporter's contact details to staff
without the reporter-identity capability; holders see them, audited; secret links are masked."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from iltod.accounts.capabilities import Role
from iltod.accounts.models import AuditEvent
from iltod.accounts.services import grant_membership
from iltod.core.testing import make_user
from iltod.feedback.models import InboundMessage
from iltod.notifications.models import OutboundMessage
from iltod.organizations.models import Organization

PHONE = "+97699112233"
EMAIL = "oyunchimeg@example.mn"
KEY = "Q7M2X9KD4PTB"
BODY = f"Таны санал IL-26-4F7K2 бүртгэгдлээ. Явцыг харах: https://iltod.mn/feedback/track/IL-26-4F7K2/?key={KEY}"


@pytest.fixture
def messages(db):
    sms = OutboundMessage.objects.create(channel="sms", recipient=PHONE, body=BODY)
    mail = OutboundMessage.objects.create(channel="email", recipient=EMAIL, subject="Iltod", body=BODY)
    inbound = InboundMessage.objects.create(
        channel=InboundMessage.Channel.SMS,
        external_id="gw-1",
        sender=PHONE,
        payload={"from": PHONE, "text": f"my link ?key={KEY}"},
        text=f"my link ?key={KEY}",
    )
    return sms, mail, inbound


@pytest.fixture
def clerk(db):
    """Back-office staff who may read the outbox but hold no reporter-identity capability."""
    user = make_user("clerk@example.mn", "Clerk", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_outboundmessage", "view_inboundmessage"]))
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def holder(db):
    """A platform administrator who is also a case manager: reporter identity through a membership."""
    user = make_user("root@example.mn", "Root", is_staff=True, is_superuser=True)
    organization = Organization.objects.create(name="Gomdol", kind=Organization.Kind.GOVERNORS_OFFICE)
    grant_membership(actor=None, user=user, organization=organization, role=Role.CASE_MANAGER)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client, user


def test_a_superuser_without_the_membership_sees_contacts_masked(db, messages):
    user = make_user("super@example.mn", "Super", is_staff=True, is_superuser=True)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    sms, _mail, _inbound = messages
    html = page(client, reverse("admin:notifications_outboundmessage_change", args=[sms.pk]))
    assert PHONE not in html and "+976••••••33" in html
    assert not AuditEvent.objects.filter(is_sensitive_read=True).exists()


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_outbox_list_and_export_show_recipients_masked_and_never_the_text(clerk, holder, messages):
    for client in (clerk, holder[0]):
        html = page(client, reverse("admin:notifications_outboundmessage_changelist"))
        assert PHONE not in html and EMAIL not in html and KEY not in html
        assert "+976••••••33" in html and "o•••@example.mn" in html
    export = clerk.post(
        reverse("admin:notifications_outboundmessage_changelist"),
        {"action": "export_csv", "_selected_action": [m.pk for m in messages[:2]]},
    )
    assert export.status_code == 200
    data = b"".join(getattr(export, "streaming_content", [export.content])).decode()
    assert PHONE not in data and EMAIL not in data and KEY not in data


def test_staff_without_the_capability_see_no_contact_details_and_no_text(clerk, messages):
    sms, _mail, _inbound = messages
    html = page(clerk, reverse("admin:notifications_outboundmessage_change", args=[sms.pk]))
    assert PHONE not in html and KEY not in html and "бүртгэгдлээ" not in html
    assert "+976••••••33" in html
    assert not AuditEvent.objects.filter(is_sensitive_read=True).exists()


def test_searching_by_phone_number_is_for_identity_holders_only(clerk, messages):
    html = page(clerk, reverse("admin:notifications_outboundmessage_changelist") + "?q=99112233")
    assert "0 results" in html or "+976••••••33" not in html


def test_an_identity_holder_sees_them_with_the_secret_link_masked_and_the_read_is_audited(holder, messages):
    client, user = holder
    sms, _mail, _inbound = messages
    html = page(client, reverse("admin:notifications_outboundmessage_change", args=[sms.pk]))
    assert PHONE in html and "бүртгэгдлээ" in html
    assert KEY not in html and "?key=•••" in html
    event = AuditEvent.objects.get(is_sensitive_read=True)
    assert (event.actor, event.target_id, event.data["where"]) == (user, str(sms.pk), "outbox")


def test_inbound_messages_guard_the_sender_and_mask_secret_links_the_same_way(clerk, holder, messages):
    _sms, _mail, inbound = messages
    url = reverse("admin:feedback_inboundmessage_change", args=[inbound.pk])
    html = page(clerk, url)
    assert PHONE not in html and KEY not in html and "+976••••••33" in html
    assert not AuditEvent.objects.filter(is_sensitive_read=True).exists()
    client, _user = holder
    html = page(client, url)
    assert PHONE in html and KEY not in html and "?key=•••" in html
    assert AuditEvent.objects.get(is_sensitive_read=True).data["where"] == "inbound"
