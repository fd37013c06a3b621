"""Alerts (double opt-in, sending, one-click unsubscribe), Atom feeds, and the exports (CSV and
IATI activity XML, validated against IATI's schema vendored in iltod/results/schema/)."""

import datetime
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from iltod.feedback.models import Event, Feedback
from iltod.notifications.models import OutboundMessage
from iltod.results import alerts
from iltod.results.exports import iati_xml
from iltod.results.models import Subscription

SCHEMA = Path(__file__).resolve().parents[1] / "schema" / "iati-activities-schema.xsd"


def test_a_malformed_subscription_is_refused_with_a_translated_error(client, personas):
    url = reverse("results:subscribe")
    cases = [
        ({"target_kind": "facility", "target_code": personas.school.code, "channel": "email", "address": "not-an-email",
          "frequency": "immediate"}, "Зөв и-мэйл хаяг оруулна уу."),
        ({"target_kind": "facility", "target_code": "NOPE", "channel": "email", "address": "a@example.mn",
          "frequency": "immediate"}, "Энэ кодоор дагах зүйл олдсонгүй."),
        ({"target_kind": "area", "target_code": "65", "channel": "sms", "address": "12",
          "frequency": "weekly"}, "Монголын гар утасны зөв дугаар оруулна уу."),
        ({"target_kind": "planet", "target_code": "65", "channel": "pigeon", "address": "x",
          "frequency": "hourly"}, ""),
    ]  # fmt: skip
    for data, message in cases:
        response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="mn")
        assert response.status_code == 400
        assert message in response.content.decode()
    assert not Subscription.objects.exists()
    assert not OutboundMessage.objects.exists()


def test_double_opt_in_by_e_mail_then_alerts_then_one_click_unsubscribe(
    client, personas, django_capture_on_commit_callbacks
):
    response = client.post(
        reverse("results:subscribe"),
        {"target_kind": "facility", "target_code": personas.school.code, "channel": "email",
         "address": "Bat@Example.mn", "frequency": "immediate"},
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    subscription = Subscription.objects.get()
    assert response.status_code == 302
    assert subscription.address == "bat@example.mn" and subscription.language == "en"
    assert subscription.confirmed_at is None
    message = OutboundMessage.objects.get()
    assert subscription.token in message.body and message.language == "en"
    assert alerts.send_due() == 0  # nothing before the confirmation
    client.post(reverse("results:confirm", args=[subscription.token]))
    subscription.refresh_from_db()
    assert subscription.confirmed_at is not None

    item = Feedback.objects.create(
        category_id=Feedback._meta.get_field("category").related_model.objects.get(code="edu-meals").pk,
        service_unit=personas.school,
        admin_unit=personas.school.admin_unit,
        description="Нууц нэр: Дорж 99112233",
        public_description="Хоол хүйтэн",
        moderation=Feedback.Moderation.PUBLISHED,
    )
    Event.objects.create(
        feedback=item, type=Event.Type.RESPONSE, is_public=True, text="Засна", published_at=timezone.now()
    )
    Event.objects.create(
        feedback=item, type=Event.Type.NOTE, is_public=False, text="дотоод", published_at=timezone.now()
    )
    assert alerts.send_due(timezone.now() + datetime.timedelta(seconds=1)) == 1
    alert = OutboundMessage.objects.latest("pk")
    assert item.tracking_code in alert.body
    assert "/results/alerts/unsubscribe/" in alert.body
    assert alerts.send_due(timezone.now() + datetime.timedelta(seconds=2)) == 0  # nothing new

    link = alert.body.split("/results/alerts/unsubscribe/", 1)[1].split()[0]
    url = f"/results/alerts/unsubscribe/{link}"
    assert client.get(url).status_code == 200
    client.post(url)
    subscription.refresh_from_db()
    assert subscription.unsubscribed_at is not None
    assert client.get("/results/alerts/unsubscribe/forged-token/").status_code == 404


def test_sms_subscriptions_confirm_with_the_code(client, personas):
    subscription = alerts.subscribe(
        kind="area", code="65", channel="sms", address="9911 2233", frequency="weekly", language="mn"
    )
    assert subscription.address == "+97699112233"
    assert subscription.confirmation_code in OutboundMessage.objects.get().body
    response = client.post(reverse("results:confirm", args=[subscription.token]), {"code": "000000x"})
    assert response.status_code == 400
    client.post(reverse("results:confirm", args=[subscription.token]), {"code": subscription.confirmation_code})
    subscription.refresh_from_db()
    assert subscription.is_active
    with pytest.raises(ValidationError):
        alerts.subscribe(kind="area", code="MN", channel="sms", address="99112233", frequency="weekly", language="mn")


def test_feeds_show_only_what_moderation_published(client, personas):
    category = Feedback._meta.get_field("category").related_model.objects.get(code="edu-meals")
    published = Feedback.objects.create(
        category=category, service_unit=personas.school, admin_unit=personas.school.admin_unit,
        description="Дорж 99112233 гэдэг багш", public_description="Багш хоцордог",
        moderation=Feedback.Moderation.PUBLISHED,
    )  # fmt: skip
    Event.objects.create(feedback=published, type=Event.Type.SUBMITTED, is_public=True, published_at=timezone.now())
    Event.objects.create(feedback=published, type=Event.Type.NOTE, is_public=False, text="Дотоод тэмдэглэл")
    Event.objects.create(
        feedback=published, type=Event.Type.CITIZEN_UPDATE, is_public=True, public_text="Хүлээгдэж буй",
        moderation=Feedback.Moderation.PENDING,
    )  # fmt: skip
    for url in (
        reverse("results:facility_feed", args=[personas.school.code]),
        reverse("results:area_feed", args=["65"]),
    ):
        response = client.get(url)
        text = response.content.decode()
        assert response["Content-Type"].startswith("application/atom+xml")
        assert "Багш хоцордог" in text
        assert "99112233" not in text and "Дотоод" not in text and "Хүлээгдэж" not in text
    assert client.get(reverse("results:facility_feed", args=["NOPE"])).status_code == 404


def _activity(framework_code="masam"):
    from iltod.results.models import Framework

    return etree.parse(io.BytesIO(iati_xml(Framework.objects.get(code=framework_code))))


def test_the_iati_export_follows_the_activity_schema_order(computed):
    tree = _activity()
    activity = tree.getroot()[0]
    children = [child.tag for child in activity]
    assert children[:7] == [
        "iati-identifier", "reporting-org", "title", "description", "participating-org", "activity-status",
        "activity-date",
    ]  # fmt: skip
    results = activity.findall("result")
    assert len(results) >= 8 and {r.get("type") for r in results} == {"1", "2", "3"}
    indicator = tree.xpath("//indicator[title/narrative[starts-with(., '0.2')]]")[0]
    assert indicator.get("measure") == "2" and indicator.get("ascending") == "1"
    assert [child.tag for child in indicator][:2] == ["title", "baseline"]
    period = indicator.xpath("period[period-start/@iso-date='2025-01-01']")[0]
    assert [child.tag for child in period] == ["period-start", "period-end", "target", "actual"]
    assert period.find("actual").get("value") == "80"
    sdg = tree.xpath("//indicator/reference[@vocabulary='9']")[0]
    assert sdg.get("code") == "16.6.2"


def _iati_schema():
    # The schema is vendored (iltod/results/schema/README.md); its imports resolve beside it, offline.
    return etree.XMLSchema(etree.parse(str(SCHEMA), etree.XMLParser(no_network=True)))


def test_the_iati_export_is_valid_against_iatis_activity_schema(computed):
    schema = _iati_schema()
    document = _activity()
    assert schema.validate(document), schema.error_log


@pytest.mark.django_db
def test_a_sparse_framework_still_exports_valid_iati_xml():
    """No periods, no English titles, a result without indicators, a qualitative indicator (no
    @value anywhere, as IATI asks) whose target and actual are a comment and a narrative."""
    from iltod.results.models import Framework, Indicator, Period, Result, Target

    schema = _iati_schema()
    framework = Framework.objects.create(code="sparse", title_mn="Туршилт")
    result = Result.objects.create(framework=framework, level=Result.Level.OUTPUT, code="1", title_mn="Гарц")
    Result.objects.create(framework=framework, level=Result.Level.OUTCOME, code="2", title_mn="Үр дүн")  # no indicator
    indicator = Indicator.objects.create(
        result=result, code="1.1", title_mn="Чанар", measure=Indicator.Measure.QUALITATIVE,
        baseline_year=2024, baseline_comment="Эхлэл",
    )  # fmt: skip
    document = etree.parse(io.BytesIO(iati_xml(framework)))
    assert schema.validate(document), schema.error_log
    assert document.xpath("//activity-date/@type") == ["2"]

    period = Period.objects.create(
        framework=framework, start=datetime.date(2025, 1, 1), end=datetime.date(2025, 12, 31)
    )
    Target.objects.create(
        indicator=indicator, period=period, target=Decimal("1"), target_comment="Зорилт", narrative="Хийгдсэн"
    )
    Target.objects.create(
        indicator=Indicator.objects.create(result=result, code="1.2", title_mn="Тоо", baseline=Decimal("12.50")),
        period=period, target=Decimal("20"), actual=Decimal("7.25"),
    )  # fmt: skip
    document = etree.parse(io.BytesIO(iati_xml(framework)))
    assert schema.validate(document), schema.error_log
    assert len(document.xpath("//result")) == 1  # IATI's result needs an indicator
    qualitative = document.xpath("//indicator[@measure='5']")[0]
    assert qualitative.xpath("baseline/@value | period/target/@value | period/actual/@value") == []
    assert qualitative.xpath("period/target/comment/narrative/text()") == ["Зорилт"]
    assert qualitative.xpath("period/actual/comment/narrative/text()") == ["Хийгдсэн"]
    assert document.xpath("//indicator[@measure='1']/period/actual/@value") == ["7.25"]


def test_the_csv_export_has_a_row_per_indicator_and_period(client, computed):
    framework, _period = computed
    response = client.get(reverse("results:export", args=[framework.code, "csv"]))
    text = response.content.decode("utf-8-sig")
    assert "0.2" in text and "80" in text
    assert text.count("\n") > 30
