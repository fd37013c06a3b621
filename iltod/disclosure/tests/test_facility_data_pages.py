"""Pages of facility data: who sees and does what (a persona matrix), bad input, query budgets."""

import datetime
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from iltod.core import testing
from iltod.disclosure.models import CampaignAssignment, FacilityIndicator, FacilityValue, ValidationCampaign, ValueCheck
from iltod.disclosure.services import facility_data as services

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 6, 15, 10, 0, tzinfo=datetime.UTC)
PERSONAS = [
    "citizen",
    "monitor",
    "provider",
    "officer",
    "other_officer",
    "ministry_officer",
    "coordinator",
    "network_admin",
    "analyst",
    "admin",
]


@pytest.fixture(autouse=True)
def _frozen(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def published(personas):
    for year, pupils, teachers in (("2023", "280", "14"), ("2024", "290", "14"), ("2025", "300", "12")):
        services.publish_values(
            personas.school, year, {"pupils": pupils, "teachers": teachers, "heating": "1"}, actor=personas.provider
        )
    return FacilityValue.objects.get(facility=personas.school, indicator__code="teachers", period="2025")


def login(client, user):
    client.force_login(user)
    return client


def test_the_facility_page_shows_the_figures_with_status_medians_and_trend(client, personas, published):
    response = client.get(personas.school.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert "Нийтэлсэн тоо мэдээ" in page  # the panel, in Mongolian
    assert reverse("disclosure:facility_value", args=[published.code]) in page
    data = client.get(reverse("disclosure:facility_data", args=[personas.school.code])).content.decode()
    assert '<svg class="trend"' in data and "<polyline" in data
    assert "<table" in data  # the numbers as a table too


@pytest.mark.parametrize("persona", [None, *PERSONAS])
def test_public_pages_answer_everyone(client, personas, published, persona):
    if persona:
        login(client, getattr(personas, persona))
    for url in (
        reverse("disclosure:facility_data", args=[personas.school.code]),
        reverse("disclosure:facility_value", args=[published.code]),
        reverse("disclosure:values_export") + f"?facility={personas.school.code}",
        reverse("disclosure:campaign_list"),
    ):
        assert client.get(url).status_code == 200, url


PUBLISHERS = {"provider", "admin"}


@pytest.mark.parametrize("persona", [None, *PERSONAS])
def test_only_publishers_open_the_form_and_the_upload(client, personas, persona):
    if persona:
        login(client, getattr(personas, persona))
    form = client.get(reverse("disclosure:values_publish", args=[personas.school.code]))
    upload = client.get(reverse("disclosure:values_upload"))
    if persona is None:
        assert form.status_code == upload.status_code == 302  # to the login page
    elif persona in PUBLISHERS:
        assert form.status_code == upload.status_code == 200
    elif persona == "other_officer":  # publishes for the Khovd clinic, not for the school
        assert (form.status_code, upload.status_code) == (404, 200)
    else:
        assert form.status_code == upload.status_code == 404, persona


def test_the_form_publishes_and_shows_errors_without_saving(client, personas):
    login(client, personas.provider)
    url = reverse("disclosure:values_publish", args=[personas.school.code])
    bad = client.post(url, {"period": "2025", "v_pupils": "-5", "v_teachers": "abc"})
    assert bad.status_code == 200
    assert not FacilityValue.objects.exists()
    assert bad.content.decode().count('class="errorlist') >= 2
    future = client.post(url, {"period": "2031", "v_pupils": "5"})
    assert future.status_code == 200 and not FacilityValue.objects.exists()
    good = client.post(url, {"period": "2025", "v_pupils": "300", "v_teachers": "12", "v_heating": "1"})
    assert good.status_code == 302
    assert FacilityValue.objects.get(indicator__code="pupils_per_teacher").value == 25


def test_the_upload_reads_csv_and_xlsx_and_refuses_a_false_file(client, personas, published):
    login(client, personas.provider)
    url = reverse("disclosure:values_upload")
    export = client.get(reverse("disclosure:values_export") + f"?facility={personas.school.code}&format=xlsx")
    workbook = load_workbook(io.BytesIO(export.content))
    assert [c.value for c in next(workbook.active.iter_rows())][:4] == [
        "facility_code",
        "facility_name",
        "indicator",
        "period",
    ]
    again = client.post(url, {"file": SimpleUploadedFile("values.xlsx", export.content)})
    assert again.status_code == 302
    csv = f"facility_code,indicator,period,value\n{personas.school.code},teachers,2025,15\n".encode()
    assert client.post(url, {"file": SimpleUploadedFile("v.csv", csv)}).status_code == 302
    assert FacilityValue.objects.get(pk=published.pk).value == 15
    # a PDF named .csv, and an .xlsx that is text
    for name, content in (("v.csv", b"%PDF-1.4\x00\x00binary"), ("v.xlsx", b"PK\x03\x04not a zip")):
        response = client.post(url, {"file": SimpleUploadedFile(name, content)})
        assert response.status_code == 200 and 'class="errorlist' in response.content.decode(), name
    wrong = f"facility_code,indicator,period,value\n{personas.clinic.code},doctors,2025,3\n".encode()
    response = client.post(url, {"file": SimpleUploadedFile("v.csv", wrong)})
    assert response.status_code == 200
    assert "2" in response.content.decode() and not FacilityValue.objects.filter(facility=personas.clinic).exists()


def test_an_anonymous_citizen_disputes_and_the_publisher_corrects(client, personas, published):
    url = reverse("disclosure:facility_value", args=[published.code])
    response = client.post(url, {"verdict": "dispute", "observed_value": "4", "comment": "Only four teachers"})
    assert response.status_code == 302
    check = ValueCheck.objects.get()
    assert check.feedback is not None and check.checked_by is None
    assert check.moderation == "pending"
    # not public before moderation
    assert "Only four teachers" not in client.get(url).content.decode()
    login(client, personas.officer)
    queue = client.get(reverse("disclosure:check_moderation")).content.decode()
    assert "Only four teachers" in queue
    assert client.post(reverse("disclosure:check_publish", args=[check.code])).status_code == 302
    client.logout()
    page = client.get(url).content.decode()
    assert "Only four teachers" in page and check.feedback.tracking_code in page
    login(client, personas.provider)
    assert "Only four teachers" in client.get(url).content.decode()
    assert client.post(reverse("disclosure:value_correct", args=[published.code]), {"value": "4"}).status_code == 302
    published.refresh_from_db()
    assert (published.value, published.status) == (4, "corrected")


@pytest.mark.parametrize("persona", ["citizen", "provider", "monitor", "other_officer"])
def test_those_who_may_not_moderate_or_correct_get_a_404(client, personas, published, persona):
    check = services.check_value(published, verdict="confirm", user=personas.citizen)
    login(client, getattr(personas, persona))
    assert client.post(reverse("disclosure:check_publish", args=[check.code])).status_code == 404
    if persona != "provider":
        assert (
            client.post(reverse("disclosure:value_correct", args=[published.code]), {"value": "1"}).status_code == 404
        )
    check.refresh_from_db()
    assert check.moderation == "pending"


def test_bad_checks_are_refused(client, personas, published):
    url = reverse("disclosure:facility_value", args=[published.code])
    for data in (
        {"verdict": "dispute"},
        {"verdict": "dispute", "observed_value": "-1"},
        {"verdict": "dispute", "observed_value": "many"},
        {"verdict": "maybe"},
        {"verdict": "confirm", "website": "spam"},
    ):
        response = client.post(url, data)
        assert response.status_code == 200, data
    photo = SimpleUploadedFile("photo.jpg", b"this is not a photo", content_type="image/jpeg")
    assert client.post(url, {"verdict": "confirm", "photo": photo}).status_code == 200
    assert not ValueCheck.objects.exists()


def test_checks_are_rate_limited_like_feedback(client, personas, published, settings):
    settings.FEEDBACK_RATE_PER_IP = "2/h"
    url = reverse("disclosure:facility_value", args=[published.code])
    for _ in range(2):
        assert client.post(url, {"verdict": "confirm"}).status_code == 302
    assert client.post(url, {"verdict": "confirm"}).status_code == 200
    assert ValueCheck.objects.count() == 2


def test_the_data_page_and_the_panel_stay_within_a_query_budget(
    client, personas, published, django_assert_max_num_queries
):
    for year in range(2015, 2023):
        services.publish_values(
            personas.school, str(year), {"pupils": "200", "teachers": "10"}, actor=personas.provider
        )
    with django_assert_max_num_queries(10):
        assert client.get(reverse("disclosure:facility_data", args=[personas.school.code])).status_code == 200


def test_campaign_progress_checklist_and_xlsform(client, personas, published):
    campaign = services.create_campaign(
        actor=personas.monitor,
        organization=personas.cso,
        title="Сургуулийн тоо мэдээг шалгах",
        admin_unit=personas.geo.aimag,
        period="2025",
        indicators=FacilityIndicator.objects.filter(code__in=["teachers", "heating"]),
    )
    services.assign_volunteer(campaign, personas.school, personas.monitor, actor=personas.monitor)
    services.check_value(published, verdict="dispute", observed_value=2, user=personas.monitor, campaign=campaign)
    assert services.campaign_progress(campaign) == {
        "facilities": 1,
        "checked": 1,
        "checks": 1,
        "disputes_raised": 1,
        "disputes_answered": 0,
    }
    page = client.get(reverse("disclosure:campaign_detail", args=[campaign.code]))
    assert page.status_code == 200 and "<progress" in page.content.decode()
    checklist = client.get(reverse("disclosure:campaign_checklist", args=[campaign.code, personas.school.code]))
    assert checklist.status_code == 200 and "checklist-print.css" in checklist.content.decode()
    assert (
        client.get(reverse("disclosure:campaign_checklist", args=[campaign.code, personas.clinic.code])).status_code
        == 404
    )
    xlsform = client.get(reverse("disclosure:campaign_xlsform", args=[campaign.code]))
    from iltod.lib.xlsform import convert

    convert(xlsform.content)  # pyxform accepts it
    assert CampaignAssignment.objects.get().checked_at is not None
    assert ValidationCampaign.objects.count() == 1


def test_unknown_codes_are_404(client, db):
    assert client.get(reverse("disclosure:facility_data", args=["NOPE1234"])).status_code == 404
    assert client.get(reverse("disclosure:facility_value", args=["NOPE1234"])).status_code == 404
    assert client.get(reverse("disclosure:values_export") + "?facility=NOPE").status_code == 404
    assert testing.PASSWORD  # the shared personas' password stays importable


def test_the_back_office_does_not_name_who_checked_a_value(client, personas, published):
    """A platform administrator holds no membership that lets them see reporters."""
    check = services.check_value(published, verdict="confirm", user=personas.citizen)
    url = reverse("admin:disclosure_valuecheck_change", args=[check.pk])
    login(client, personas.admin)
    page = client.get(url).content.decode()
    assert check.code in page
    assert personas.citizen.email not in page
    assert personas.citizen.full_name not in page
    listing = client.get(reverse("admin:disclosure_valuecheck_changelist")).content.decode()
    assert personas.citizen.email not in listing


def test_an_aimag_department_downloads_its_facilities_and_uploads_the_file_back_unchanged(client, personas, published):
    services.publish_values(personas.clinic, "2025", {"doctors": "3"}, actor=personas.other_officer)
    login(client, personas.other_officer)
    page = client.get(reverse("disclosure:values_upload")).content.decode()
    link = reverse("disclosure:values_export") + "?mine=1&amp;format=xlsx"
    assert link in page
    export = client.get(link.replace("&amp;", "&"))
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(min_row=2, values_only=True))
    assert rows and {row[0] for row in rows} == {personas.clinic.code}  # not the Arkhangai school
    response = client.post(
        reverse("disclosure:values_upload"),
        {"file": SimpleUploadedFile("values.xlsx", export.content)},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert 'class="errorlist' not in response.content.decode()
    assert f"0 values added, 0 changed, {len(rows)} unchanged." in response.content.decode()


def test_a_download_above_the_limit_says_so_instead_of_cutting_the_file(client, personas, published, monkeypatch):
    from iltod.disclosure.views import facility_data as views

    monkeypatch.setattr(views, "EXPORT_LIMIT", 2)
    response = client.get(reverse("disclosure:values_export"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "more than the 2 one file can hold" in response.content.decode()
    narrower = client.get(reverse("disclosure:values_export"), {"period": "2025", "facility": personas.clinic.code})
    assert narrower.status_code == 200 and narrower["Content-Type"].startswith("text/csv")
    assert client.get(reverse("disclosure:values_export") + "?mine=1").status_code == 302  # to the login page


def test_a_values_history_and_checks_are_paginated_each_on_its_own(client, personas, published):
    from iltod.disclosure.models import FacilityValueChange

    start = NOW - datetime.timedelta(days=200)
    FacilityValueChange.objects.bulk_create(
        FacilityValueChange(
            value=published, new_value=7000 + i, source="form", changed_at=start + datetime.timedelta(days=i)
        )
        for i in range(60)
    )
    ValueCheck.objects.bulk_create(
        ValueCheck(
            value=published,
            verdict="dispute",
            comment=f"check-{i:02}",
            moderation=ValueCheck.Moderation.PUBLISHED,
            created_at=start + datetime.timedelta(days=i),
        )
        for i in range(55)
    )
    url = reverse("disclosure:facility_value", args=[published.code])
    first = client.get(url).content.decode()
    assert ">7059<" in first and ">7000<" not in first
    assert "check-54" in first and "check-00" not in first
    assert "?checks=2" in first and "?history=2" in first
    second = client.get(url, {"checks": "2"}).content.decode()
    assert "check-00" in second and "check-54" not in second
    assert ">7059<" in second  # the history stays on its first page
    assert "?checks=2&amp;history=2" in second  # the other list's page is kept in the links
    older = client.get(url, {"history": "2", "checks": "2"}).content.decode()
    assert ">7000<" in older and "check-00" in older


def test_a_volunteer_sees_their_assignments_from_the_campaign_page(
    client, personas, published, django_assert_max_num_queries
):
    campaign = services.create_campaign(
        actor=personas.monitor,
        organization=personas.cso,
        title="Сургуулийн тоо мэдээг шалгах",
        admin_unit=personas.geo.aimag,
        period="2025",
        indicators=FacilityIndicator.objects.filter(code__in=["teachers", "heating", "doctors"]),
    )
    services.assign_volunteer(campaign, personas.school, personas.monitor, actor=personas.monitor)
    services.assign_volunteer(campaign, personas.clinic, personas.coordinator, actor=personas.monitor)
    mine = reverse("disclosure:my_assignments")
    assert client.get(mine).status_code == 302  # to the login page
    login(client, personas.monitor)
    campaign_page = client.get(reverse("disclosure:campaign_detail", args=[campaign.code])).content.decode()
    link = f"{mine}?campaign={campaign.code}"
    assert link in campaign_page
    with django_assert_max_num_queries(10):
        response = client.get(link, HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 200 and personas.school.name in page
    assert personas.clinic.name not in page  # another volunteer's facility
    heating = FacilityValue.objects.get(facility=personas.school, indicator__code="heating", period="2025")
    check_form = reverse("disclosure:facility_value", args=[heating.code]) + f"?campaign={campaign.code}"
    assert check_form in page
    assert reverse("disclosure:facility_value", args=[published.code]) in page  # teachers
    assert "Doctors" not in page and "doctors" not in page  # not an indicator schools publish
    assert reverse("disclosure:campaign_checklist", args=[campaign.code, personas.school.code]) in page
    login(client, personas.citizen)
    assert link not in client.get(reverse("disclosure:campaign_detail", args=[campaign.code])).content.decode()
    assert "You have no assignments." in client.get(mine, HTTP_ACCEPT_LANGUAGE="en").content.decode()
