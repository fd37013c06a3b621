"""Alerts: the SMS code's limits (tries, age, per connection, per address), and what a procurement
buyer's followers are told (new processes, new red flags, published case results), through the
outbox in their language with the one-click unsubscribe link."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from iltod.notifications.models import OutboundMessage
from iltod.procurement.models import CaseStep, ContractingProcess, Flag, MonitoringCase, Party
from iltod.results import alerts
from iltod.results.models import BuyerNotice, Subscription


def _sms(code="65", address="9911 2233"):
    return alerts.subscribe(kind="area", code=code, channel="sms", address=address, frequency="weekly", language="mn")


def _wrong(subscription):
    return "000000" if subscription.confirmation_code != "000000" else "111111"


def test_an_sms_code_is_void_after_five_wrong_tries_even_the_right_one(client, personas):
    subscription = _sms()
    url = reverse("results:confirm", args=[subscription.token])
    for _try in range(alerts.MAX_CODE_ATTEMPTS - 1):
        response = client.post(url, {"code": _wrong(subscription)}, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400
        assert "The code is not right" in response.content.decode()
    response = client.post(url, {"code": _wrong(subscription)}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Too many wrong codes. Subscribe again to get a new code." in response.content.decode()
    response = client.post(url, {"code": subscription.confirmation_code}, HTTP_ACCEPT_LANGUAGE="mn")
    assert response.status_code == 400
    subscription.refresh_from_db()
    assert subscription.confirmed_at is None
    assert subscription.confirmation_attempts == alerts.MAX_CODE_ATTEMPTS
    # the page offers to subscribe again instead of the form
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'name="code"' not in page and "kind=area&amp;code=65" in page


def test_an_sms_code_expires(client, personas):
    subscription = _sms()
    Subscription.objects.filter(pk=subscription.pk).update(
        created_at=timezone.now() - alerts.CODE_VALID - datetime.timedelta(seconds=1)
    )
    response = client.post(
        reverse("results:confirm", args=[subscription.token]),
        {"code": subscription.confirmation_code},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "This code has expired" in response.content.decode()
    subscription.refresh_from_db()
    assert subscription.confirmed_at is None


def test_a_right_code_confirms_and_a_non_ascii_code_is_simply_wrong(client, personas):
    subscription = _sms()
    url = reverse("results:confirm", args=[subscription.token])
    response = client.post(url, {"code": "١٢٣٤٥٦"}, HTTP_ACCEPT_LANGUAGE="mn")  # Arabic-Indic digits
    assert response.status_code == 400
    assert "Код буруу байна" in response.content.decode()
    client.post(url, {"code": subscription.confirmation_code})
    subscription.refresh_from_db()
    assert subscription.is_active


def test_one_connection_cannot_try_codes_on_many_subscriptions(client, personas, settings):
    settings.FEEDBACK_TRACK_RATE_PER_IP = "3/h"
    tried = [_sms(address=f"9911 22{n:02d}") for n in range(2)]
    statuses = []
    for subscription in tried:
        for _try in range(2):
            response = client.post(
                reverse("results:confirm", args=[subscription.token]),
                {"code": _wrong(subscription)},
                HTTP_ACCEPT_LANGUAGE="en",
            )
            statuses.append(response.status_code)
    assert "Too many tries from your connection" in response.content.decode()
    # the fourth try never reached the subscription
    assert sum(s.confirmation_attempts for s in Subscription.objects.all()) == 3


def test_one_address_gets_only_a_few_confirmation_messages_a_day(personas):
    for _n in range(alerts.MAX_PENDING_PER_ADDRESS):
        _sms()
    with pytest.raises(ValidationError) as error:
        _sms(address="+97699112233")
    assert "маргааш дахин оролдоно уу" in str(error.value)  # translated (Mongolian is the default)
    assert OutboundMessage.objects.count() == alerts.MAX_PENDING_PER_ADDRESS
    Subscription.objects.update(created_at=timezone.now() - alerts.PENDING_WINDOW - datetime.timedelta(seconds=1))
    _sms()


def test_the_subscription_form_is_limited_per_connection(client, personas, settings):
    settings.FEEDBACK_RATE_PER_IP = "1/h"
    data = {"target_kind": "area", "target_code": "65", "channel": "email", "frequency": "weekly"}
    assert client.post(reverse("results:subscribe"), {**data, "address": "a@example.mn"}).status_code == 302
    response = client.post(reverse("results:subscribe"), {**data, "address": "b@example.mn"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "Too many submissions from your connection" in response.content.decode()
    assert Subscription.objects.count() == 1


# --- a procurement buyer's followers


def _process(buyer, ocid, title):
    return ContractingProcess.objects.create(ocid=ocid, compiled={"ocid": ocid}, title=title, buyer=buyer)


@pytest.fixture
def buyer(personas):
    return Party.objects.create(
        scheme="MN-REG", identifier="1001", name=personas.ministry.name, organization=personas.ministry
    )


def _follow(client, personas, *, language="en", frequency="immediate"):
    client.post(
        reverse("results:subscribe"),
        {"target_kind": "buyer", "target_code": personas.ministry.code, "channel": "email",
         "address": "watch@example.mn", "frequency": frequency},
        HTTP_ACCEPT_LANGUAGE=language,
    )  # fmt: skip
    subscription = Subscription.objects.get()
    confirmation = OutboundMessage.objects.get()
    assert "contracting processes, red flags and monitoring results" in confirmation.body or language == "mn"
    client.post(reverse("results:confirm", args=[subscription.token]))
    subscription.refresh_from_db()
    assert subscription.is_active
    return subscription


def test_a_buyers_followers_hear_of_new_processes_flags_and_published_case_results(client, personas, buyer):
    old = _process(buyer, "ocds-old-1", "Old tender")
    other_buyer = Party.objects.create(scheme="MN-REG", identifier="9", name="Other", organization=personas.other_dept)
    _process(other_buyer, "ocds-other-1", "Someone else's tender")
    subscription = _follow(client, personas)
    later = timezone.now() + datetime.timedelta(seconds=1)
    assert alerts.send_due(later) == 0  # what existed at confirmation is not news

    new = _process(buyer, "ocds-new-1", "School desks & chairs")
    Flag.objects.create(scope=Flag.Scope.PROCESS, key=old.ocid, code="R018", value=1.0, process=old)
    case = MonitoringCase.objects.create(process=old, organization=personas.cso, title="Single bidder again")
    CaseStep.objects.create(
        case=case, kind=CaseStep.Kind.RESULT, public_summary="Re-tendered", moderation=CaseStep.Moderation.PUBLISHED
    )
    pending = MonitoringCase.objects.create(process=new, organization=personas.cso, title="Not yet moderated")
    CaseStep.objects.create(
        case=pending, kind=CaseStep.Kind.RESULT, public_summary="…", moderation=CaseStep.Moderation.PENDING
    )
    Flag.objects.create(scope=Flag.Scope.PROCESS, key="ocds-other-1", code="R003", value=1.0)
    assert alerts.send_due(later + datetime.timedelta(seconds=1)) == 1
    alert = OutboundMessage.objects.latest("pk")
    assert alert.language == "en" and alert.recipient == "watch@example.mn"
    body = alert.body
    assert "New contracting process: School desks & chairs" in body and new.get_absolute_url() in body
    assert "New red flag: Old tender (R018 Single bid received)" in body
    assert "Monitoring case result published: Old tender (Single bidder again)" in body
    assert case.get_absolute_url() in body
    assert "Not yet moderated" not in body and "Someone else" not in body
    assert "/results/alerts/unsubscribe/" in body

    # flags are recomputed whole: the same flag again is not news; a published result later is
    Flag.objects.all().delete()
    Flag.objects.create(scope=Flag.Scope.PROCESS, key=old.ocid, code="R018", value=1.0, process=old)
    assert alerts.send_due(later + datetime.timedelta(seconds=2)) == 0
    CaseStep.objects.filter(case=pending).update(moderation=CaseStep.Moderation.PUBLISHED)
    assert alerts.send_due(later + datetime.timedelta(seconds=3)) == 1
    assert "Not yet moderated" in OutboundMessage.objects.latest("pk").body
    assert subscription.pk and BuyerNotice.objects.filter(buyer_code=personas.ministry.code).count() == 5


def test_a_buyers_weekly_digest_is_in_the_subscribers_language(client, personas, buyer):
    _follow(client, personas, language="mn", frequency="weekly")
    _process(buyer, "ocds-new-2", "Сургуулийн ширээ")
    soon = timezone.now() + datetime.timedelta(days=1)
    assert alerts.send_due(soon) == 0  # a digest waits for its week
    assert alerts.send_due(soon + alerts.WEEK) == 1
    body = OutboundMessage.objects.latest("pk").body
    assert "Сургуулийн ширээ" in body and "Шинэ худалдан авалтын үйл явц" in body
    assert "/results/alerts/unsubscribe/" in body


def test_the_demo_follows_its_busiest_buyer_without_sending_what_already_existed(personas, buyer):
    from iltod.results.demo import _subscriptions

    _process(buyer, "ocds-demo-1", "Demo tender")
    assert _subscriptions() == 3
    follower = Subscription.objects.get(target_kind="buyer")
    assert follower.target_code == personas.ministry.code and follower.is_active
    assert alerts.send_due(timezone.now() + datetime.timedelta(days=8)) == 0
    assert _subscriptions() == 0
