from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from iltod.core.testing.files import pdf_bytes

from ..models import Disclosure
from ..services import obligations as services
from .obligations_fixtures import make_requirement

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


Status = Disclosure.Status
PERSONAS = [
    "citizen", "monitor", "provider", "officer", "other_officer", "ministry_officer", "coordinator",
    "network_admin", "analyst", "admin",
]  # fmt: skip


@pytest.fixture
def schedule(personas):
    """Up to today: the school and the Arkhangai department have a monthly report since January
    2026; everything past its deadline is missing, except the school's January (on time) and
    February (late, explained)."""
    make_requirement(starts_on=date(2026, 1, 1))
    services.generate_schedule()
    school = Disclosure.objects.filter(organization=personas.school_org)
    january, february = school.get(period_start=date(2026, 1, 1)), school.get(period_start=date(2026, 2, 1))
    from django.utils import timezone

    services.publish(
        january, actor=personas.provider, dataset_code="compliance", dataset_period="2026-01",
        now=timezone.make_aware(timezone.datetime(2026, 2, 5, 12)),
    )  # fmt: skip
    services.publish(
        february,
        actor=personas.provider,
        document=services.clean_document(SimpleUploadedFile("r.pdf", pdf_bytes())),
        now=timezone.make_aware(timezone.datetime(2026, 4, 1, 12)),
    )
    services.explain(Disclosure.objects.get(pk=february.pk), actor=personas.provider, text="Хоцорсон шалтгаан")
    services.refresh_summary()
    return personas


def client_as(client, user):
    if user is not None:
        client.force_login(user)
    return client


PUBLIC_PAGES = [
    ("disclosure:requirements", lambda p: []),
    ("disclosure:requirement", lambda p: ["monthly-report"]),
    ("disclosure:compliance", lambda p: []),
    ("disclosure:compliance_area", lambda p: [p.geo.aimag.code]),
    ("disclosure:compliance_sector", lambda p: ["education"]),
    ("disclosure:compliance_body", lambda p: [p.school_org.code]),
    ("disclosure:open_data", lambda p: []),
]


@pytest.mark.parametrize("who", [None, *PERSONAS])
@pytest.mark.parametrize(("name", "args"), PUBLIC_PAGES)
def test_public_pages_open_for_everyone(client, schedule, who, name, args):
    client_as(client, getattr(schedule, who) if who else None)
    response = client.get(reverse(name, args=args(schedule)))
    assert response.status_code == 200


def test_the_national_page_counts_by_aimag_and_sector(client, schedule):
    response = client.get(reverse("disclosure:compliance"), {"year": 2026})
    page = response.content.decode()
    assert "Архангай" in page and "<svg" in page
    aimag_row = next(f for f in response.context["per_aimag"] if f.code == schedule.geo.aimag.code)
    assert aimag_row.on_time == 1 and aimag_row.late == 1
    assert aimag_row.due == aimag_row.on_time + aimag_row.late + aimag_row.missing
    assert aimag_row.on_time_percent == round(100 / aimag_row.due, 1)


def test_the_body_page_shows_the_schedule_and_the_explanation(client, schedule):
    response = client.get(reverse("disclosure:compliance_body", args=[schedule.school_org.code]))
    page = response.content.decode()
    assert "Сарын тайлан" in page and "status-late" in page and "status-on_time" in page
    february = Disclosure.objects.get(organization=schedule.school_org, period_start=date(2026, 2, 1))
    detail = client.get(february.get_absolute_url()).content.decode()
    assert "Хоцорсон шалтгаан" in detail
    document = client.get(reverse("disclosure:disclosure_document", args=[february.code]))
    assert document.status_code == 200 and document["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize(("name", "args"), PUBLIC_PAGES[2:6])
def test_compliance_exports(client, schedule, fmt, name, args):
    response = client.get(reverse(name, args=args(schedule)), {"export": fmt})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
@pytest.mark.parametrize("code", ["compliance", "disclosures", "disclosure_requirements", "feedback_areas"])
def test_open_data_downloads(client, schedule, fmt, code):
    response = client.get(reverse("disclosure:open_data_download", args=[code, fmt]))
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if fmt == "json":
        import json

        data = json.loads(body)
        assert data["dataset"] == code and "licence" in data
        if code == "compliance":
            school = [row for row in data["rows"] if schedule.school_org.code in row.values()]
            assert sum(list(row.values())[5] for row in school) == 1  # the on-time column: January
    assert body


def test_open_data_unknown_dataset_or_format_is_404(client, schedule):
    assert client.get(reverse("disclosure:open_data_download", args=["nothing", "csv"])).status_code == 404
    assert client.get(reverse("disclosure:open_data_download", args=["compliance", "exe"])).status_code == 404


PUBLISHERS = {"provider": True, "admin": True}  # the school's staff hold can_publish; admins everywhere


@pytest.mark.parametrize("who", [None, *PERSONAS])
def test_only_the_body_s_publishers_open_its_publish_page(client, schedule, who):
    item = Disclosure.objects.filter(organization=schedule.school_org, status=Status.MISSING).first()
    client_as(client, getattr(schedule, who) if who else None)
    response = client.get(item.get_publish_url())
    if who is None:
        assert response.status_code == 302
    else:
        assert response.status_code == (200 if PUBLISHERS.get(who) else 404)


@pytest.mark.parametrize("who", [None, *PERSONAS])
def test_the_publisher_list_is_for_publishers(client, schedule, who):
    client_as(client, getattr(schedule, who) if who else None)
    response = client.get(reverse("disclosure:publisher"))
    publishes = who in {"provider", "admin", "other_officer", "ministry_officer"}
    if who is None:
        assert response.status_code == 302
    else:
        assert response.status_code == (200 if publishes else 404)
    if who == "provider":
        shown = {d.organization_id for d in response.context["page"].object_list}
        assert shown == {schedule.school_org.pk}


def test_a_publisher_publishes_a_late_item_and_explains_it(client, schedule):
    item = Disclosure.objects.filter(organization=schedule.school_org, status=Status.MISSING).first()
    client.force_login(schedule.provider)
    upload = SimpleUploadedFile("тайлан.pdf", pdf_bytes(), content_type="application/pdf")
    response = client.post(item.get_publish_url(), {"action": "publish", "document": upload})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == Status.LATE
    response = client.post(item.get_publish_url(), {"action": "explain", "explanation": "Төсөв хоцорсон."})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.explanation == "Төсөв хоцорсон."


@pytest.mark.parametrize(
    "data",
    [
        {"action": "publish"},
        {"action": "publish", "document": "fake"},
        {"action": "publish", "dataset_code": "compliance"},
        {"action": "publish", "dataset_code": "no-such-dataset", "dataset_period": "2026"},
        {"action": "explain", "explanation": ""},
    ],
)
def test_bad_input_on_the_publish_page_saves_nothing(client, schedule, data):
    item = Disclosure.objects.filter(organization=schedule.school_org, status=Status.MISSING).first()
    client.force_login(schedule.provider)
    if data.get("document") == "fake":
        data = {**data, "document": SimpleUploadedFile("report.pdf", b"MZ not a pdf")}
    response = client.post(item.get_publish_url(), data)
    assert response.status_code == 200
    assert b"errorlist" in response.content
    item.refresh_from_db()
    assert item.status == Status.MISSING and not item.explanation


def test_another_body_s_publisher_cannot_post(client, schedule):
    item = Disclosure.objects.filter(organization=schedule.school_org, status=Status.MISSING).first()
    client.force_login(schedule.other_officer)
    response = client.post(item.get_publish_url(), {"action": "explain", "explanation": "x"})
    assert response.status_code == 404
    item.refresh_from_db()
    assert not item.explanation


def test_a_bad_year_or_unknown_area_is_not_an_error(client, schedule):
    assert client.get(reverse("disclosure:compliance"), {"year": "abc"}).status_code == 200
    assert client.get(reverse("disclosure:compliance_area", args=["9999"])).status_code == 404
    assert client.get(reverse("disclosure:compliance_body", args=["NOPE"])).status_code == 404
    assert client.get(reverse("disclosure:disclosure", args=["NOPE"])).status_code == 404


def test_list_pages_keep_their_query_count(client, schedule, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        client.get(reverse("disclosure:compliance"))
    with django_assert_max_num_queries(14):
        client.get(reverse("disclosure:compliance_area", args=[schedule.geo.aimag.code]))
    with django_assert_max_num_queries(14):
        client.get(reverse("disclosure:compliance_body", args=[schedule.school_org.code]))
    client.force_login(schedule.provider)
    with django_assert_max_num_queries(16):
        client.get(reverse("disclosure:publisher"))


# The open data page also lists the datasets of the other parts, with their own descriptions.
@pytest.mark.parametrize(("name", "args"), [p for p in PUBLIC_PAGES if p[0] != "disclosure:open_data"])
def test_mongolian_pages_show_no_english_words_and_no_raw_codes(client, schedule, name, args):
    import re

    from iltod.core.testing.visible_text import english_words, raw_codes, visible_text

    codes = set(Disclosure.objects.values_list("code", flat=True)) | {schedule.school_org.code, "monthly-report"}
    data = re.compile("|".join(re.escape(code) for code in codes))
    response = client.get(reverse(name, args=args(schedule)), HTTP_ACCEPT_LANGUAGE="mn")
    parts = visible_text(response.content.decode())
    assert not english_words(parts, data), english_words(parts, data)
    assert not raw_codes(parts), raw_codes(parts)
