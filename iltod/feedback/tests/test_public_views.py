import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from PIL import Image

from iltod.core.testing.files import pdf_bytes
from iltod.feedback import services
from iltod.feedback.models import Attachment, Feedback, Reporter
from iltod.lib.redact import MASK

from .helpers import TUESDAY, category, submit

Privacy = Feedback.Privacy
SUBMIT = reverse("feedback:submit")
GPS_INFO = 34853  # the EXIF tag that holds the phone's position
DESCRIPTION = "Үдийн цай хүйтэн, хоол хангалтгүй байна."


@pytest.fixture(autouse=True)
def _tuesday(time_machine):
    """Frozen time: deadlines, statistics years and rate-limit windows do not move under the tests."""
    time_machine.move_to(TUESDAY, tick=False)


@pytest.fixture
def client():
    """An anonymous visitor reading the site in English."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def form_data(world, **overrides):
    data = {
        "facility": world.school.code,
        "kind": "complaint",
        "category": str(category("edu-meals").pk),
        "description": DESCRIPTION,
        "privacy": Privacy.NAME_HIDDEN,
        "name": "",
        "phone": "",
        "email": "",
        "website": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def jpeg_bytes(*, gps=False) -> bytes:
    image = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    if gps:
        exif[271] = "SpyPhone"  # camera make
        exif[GPS_INFO] = {1: "N", 2: (47.0, 45.0, 30.0), 3: "E", 4: (101.0, 45.0, 0.0)}
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


# --- step 1: choose the facility or the place ------------------------------------------------


def test_the_first_step_finds_the_school_by_its_latin_name(world, client):
    response = client.get(SUBMIT, {"q": "battsengel"})
    assert response.status_code == 200
    assert list(response.context["results"]) == [world.school]
    assert f"?facility={world.school.code}" in response.content.decode()


def test_the_first_step_finds_nothing_for_an_unknown_name(world, client):
    response = client.get(SUBMIT, {"q": "zzzqqq"})
    assert response.status_code == 200
    assert list(response.context["results"]) == []


def test_choosing_an_aimag_lists_its_soums_to_report_about_a_place(world, client):
    response = client.get(SUBMIT, {"area": "65"})
    assert list(response.context["children"]) == [world.geo.soum]
    assert "?place=6504" in response.content.decode()


def test_the_form_names_the_chosen_facility(world, client):
    response = client.get(SUBMIT, {"facility": world.school.code})
    assert response.status_code == 200
    assert "Battsengel soum School No. 1" in response.content.decode()


@pytest.mark.parametrize("query", [{"facility": "NOSUCHCODE"}, {"place": "65"}, {"place": "MN"}, {"place": "0000"}])
def test_an_unknown_facility_or_an_aimag_instead_of_a_soum_is_not_found(world, client, query):
    assert client.get(SUBMIT, query).status_code == 404


# --- the form --------------------------------------------------------------------------------


def test_a_valid_submission_is_saved_and_redirects_to_the_thanks_page_with_the_code(world, client):
    response = client.post(SUBMIT, form_data(world, phone="9911 2233", email="bat@example.mn"))
    feedback = Feedback.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("feedback:thanks", args=[feedback.tracking_code])
    assert feedback.service_unit == world.school
    assert feedback.language == "en"
    assert feedback.channel == Feedback.Channel.WEB
    assert Reporter.objects.get(feedback=feedback).phone == "+97699112233"
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    assert feedback.tracking_code in thanks.content.decode()
    assert "Battsengel soum School No. 1" in thanks.content.decode()


def test_a_submission_about_a_place_is_saved_with_the_soum(world, client):
    data = form_data(world, facility=None, place="6504", location_text="Багийн төвийн худаг")
    response = client.post(SUBMIT, data)
    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert (feedback.service_unit, feedback.admin_unit, feedback.location_text) == (
        None,
        world.geo.soum,
        "Багийн төвийн худаг",
    )
    assert feedback.handling_organization == world.education_dept


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"category": ""}, "category"),
        ({"category": None}, "category"),
        ({"category": "health-waiting"}, "category"),  # a health topic for a school: not offered
        ({"kind": "rumour"}, "kind"),
        ({"description": "short"}, "description"),
        ({"description": ""}, "description"),
        ({"phone": "12345"}, "phone"),
        ({"email": "not-an-email"}, "email"),
        ({"privacy": Privacy.PUBLIC, "name": ""}, "name"),
        ({"privacy": "everyone"}, "privacy"),
        ({"website": "http://cheap-pills.example"}, "website"),  # the honeypot
    ],
)
def test_bad_input_shows_the_form_again_with_an_error_and_saves_nothing(world, client, overrides, field):
    if overrides.get("category") == "health-waiting":
        overrides = {"category": str(category("health-waiting").pk)}
    response = client.post(SUBMIT, form_data(world, **overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Feedback.objects.exists()
    assert not Reporter.objects.exists()


def test_the_error_for_a_short_description_is_translated(world, client):
    response = client.post(SUBMIT, form_data(world, description="short"))
    assert "Ensure this value has at least 10 characters (it has 5)." in response.content.decode()
    response = client.post(SUBMIT, form_data(world, description="short"), HTTP_ACCEPT_LANGUAGE="mn")
    assert "Ensure this value" not in response.content.decode()


def test_anonymous_privacy_drops_what_was_typed_into_the_contact_fields(world, client):
    response = client.post(
        SUBMIT, form_data(world, privacy=Privacy.ANONYMOUS, name="Бат", phone="99112233", email="bat@example.mn")
    )
    assert response.status_code == 302
    assert Feedback.objects.get().privacy == Privacy.ANONYMOUS
    assert not Reporter.objects.exists()


# --- attachments -----------------------------------------------------------------------------


def test_more_than_three_files_are_refused(world, client):
    files = [SimpleUploadedFile(f"p{i}.jpg", jpeg_bytes(), "image/jpeg") for i in range(4)]
    response = client.post(SUBMIT, {**form_data(world), "files": files})
    assert response.status_code == 200
    assert response.context["form"].errors["files"] == ["Attach at most 3 files."]
    assert not Feedback.objects.exists()


def test_a_file_that_is_not_an_image_is_refused_even_when_named_jpg(world, client):
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 this is a windows program", "image/jpeg")
    response = client.post(SUBMIT, {**form_data(world), "files": [fake]})
    assert response.status_code == 200
    assert response.context["form"].errors["files"] == [
        "Only photos (JPEG, PNG, WebP) and PDF documents can be attached."
    ]
    assert not Feedback.objects.exists()
    assert not Attachment.objects.exists()


def test_a_photo_is_stored_without_its_exif_location(world, client):
    original = jpeg_bytes(gps=True)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_INFO)  # the test photo does carry a position
    upload = SimpleUploadedFile("IMG_2024.jpg", original, "image/jpeg")
    response = client.post(SUBMIT, {**form_data(world), "files": [upload]})
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.original_name == "IMG_2024.jpg"
    assert attachment.content_type == "image/jpeg"
    assert attachment.file.name.endswith(".jpg")
    assert "IMG_2024" not in attachment.file.name
    with attachment.file.open("rb") as handle:
        stored = handle.read()
    assert attachment.size == len(stored)
    image = Image.open(io.BytesIO(stored))
    assert image.size == (40, 30)
    assert "exif" not in image.info
    assert dict(image.getexif()) == {}
    assert b"SpyPhone" not in stored


def test_a_pdf_is_accepted(world, client):
    pdf = SimpleUploadedFile("letter.pdf", pdf_bytes(), "application/pdf")
    assert client.post(SUBMIT, {**form_data(world), "files": [pdf]}).status_code == 302
    assert Attachment.objects.get().content_type == "application/pdf"


# --- the thanks page and tracking ------------------------------------------------------------


def test_the_thanks_page_is_only_for_the_session_that_submitted(world, client):
    client.post(SUBMIT, form_data(world))
    code = Feedback.objects.get().tracking_code
    assert client.get(reverse("feedback:thanks", args=[code])).status_code == 200
    stranger = Client()
    response = stranger.get(reverse("feedback:thanks", args=[code]))
    assert response.status_code == 302
    assert response["Location"] == reverse("feedback:track", args=[code])


@pytest.mark.parametrize("typed", ["{code}", "{lower}", " {lower} ", "{compact}"])
def test_track_lookup_finds_the_code_however_it_is_typed(world, client, typed):
    code = submit(world).tracking_code
    year_and_code = code[3:].replace("-", "")  # "26ABCDE"
    text = typed.format(code=code, lower=code.lower(), compact=year_and_code)
    response = client.get(reverse("feedback:track_lookup"), {"code": text})
    assert response.status_code == 302
    assert response["Location"] == reverse("feedback:track", args=[code])


def test_track_lookup_of_an_unknown_code_says_so(world, client):
    response = client.get(reverse("feedback:track_lookup"), {"code": "IL-26-ZZZZZ"})
    assert response.status_code == 200
    assert response.context["form"].errors["code"] == ["No feedback has this code. Check it and try again."]


def test_the_track_page_shows_the_citizen_their_own_text_and_the_deadline(world, client):
    feedback = submit(world)
    response = client.get(feedback.citizen_url, follow=True)  # the link from the SMS or e-mail
    assert response.status_code == 200
    assert DESCRIPTION.split(",", maxsplit=1)[0] in response.content.decode()
    assert "2026-10-08" in response.content.decode()


# --- limits ----------------------------------------------------------------------------------


def test_the_third_submission_in_a_minute_from_one_address_is_refused(world, client, settings):
    settings.FEEDBACK_RATE_PER_IP = "2/m"
    assert client.post(SUBMIT, form_data(world)).status_code == 302
    assert client.post(SUBMIT, form_data(world)).status_code == 302
    response = client.post(SUBMIT, form_data(world))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Too many submissions from your connection. Please try again later."
    ]
    assert Feedback.objects.count() == 2
    other_address = client.post(SUBMIT, form_data(world), REMOTE_ADDR="10.1.2.3")
    assert other_address.status_code == 302


def test_one_phone_number_may_submit_only_so_many_times_a_day(world, client, settings, time_machine):
    settings.FEEDBACK_PER_PHONE_PER_DAY = 2
    assert client.post(SUBMIT, form_data(world, phone="99112233")).status_code == 302
    assert client.post(SUBMIT, form_data(world, phone="9911-2233")).status_code == 302
    response = client.post(SUBMIT, form_data(world, phone="+976 9911 2233"))
    assert response.status_code == 200
    assert response.context["form"].errors["phone"] == ["Too many submissions from this phone number today."]
    assert Feedback.objects.count() == 2
    assert client.post(SUBMIT, form_data(world, phone="88112233")).status_code == 302
    time_machine.shift(60 * 60 * 25)
    assert client.post(SUBMIT, form_data(world, phone="99112233")).status_code == 302


# --- the public record -----------------------------------------------------------------------


def _reported(world, privacy):
    feedback = submit(
        world,
        privacy=privacy,
        reporter_name="Батын Дорж",
        reporter_phone="99112233",
        reporter_email="dorj@example.mn",
        description="Захирал хоолны мөнгө авсан. Утас 99112233, dorj@example.mn.",
    )
    return feedback


@pytest.mark.parametrize(
    ("privacy", "name_shown"),
    [(Privacy.PUBLIC, True), (Privacy.NAME_HIDDEN, False), (Privacy.CONFIDENTIAL, False), (Privacy.ANONYMOUS, False)],
)
def test_the_public_page_shows_the_name_only_when_the_reporter_chose_public(world, client, privacy, name_shown):
    feedback = _reported(world, privacy)
    services.moderate(feedback, actor=world.admin, publish=True)
    page = client.get(feedback.get_absolute_url()).content.decode()
    assert ("Батын Дорж" in page) is name_shown
    for private in ("99112233", "+97699112233", "dorj@example.mn"):
        assert private not in page
    assert f"Захирал хоолны мөнгө авсан. Утас {MASK}, {MASK}." in page


@pytest.mark.parametrize("moderation", [Feedback.Moderation.PENDING, Feedback.Moderation.HIDDEN])
def test_the_public_page_does_not_show_text_that_was_not_published(world, client, moderation):
    feedback = _reported(world, Privacy.PUBLIC)
    Feedback.objects.filter(pk=feedback.pk).update(moderation=moderation)
    page = client.get(feedback.get_absolute_url()).content.decode()
    assert "Захирал хоолны мөнгө" not in page
    assert "The text of this feedback is not public." in page
    assert feedback.tracking_code in page


def test_the_public_page_shows_the_moderators_edited_text_with_personal_details_masked(world, client):
    feedback = _reported(world, Privacy.NAME_HIDDEN)
    services.moderate(
        feedback,
        actor=world.admin,
        publish=True,
        public_text="Хоолны мөнгө зүй бусаар зарцуулагдсан. Надад 88112233-аар залгаарай.",
    )
    page = client.get(feedback.get_absolute_url()).content.decode()
    assert f"Хоолны мөнгө зүй бусаар зарцуулагдсан. Надад {MASK}-аар залгаарай." in page
    assert "Захирал" not in page


def test_a_duplicate_has_no_public_page(world, client):
    original = submit(world)
    duplicate = submit(world)
    services.mark_duplicate(duplicate, actor=world.admin, original=original)
    assert client.get(duplicate.get_absolute_url()).status_code == 404
    assert client.get(original.get_absolute_url()).status_code == 200


def _codes(response):
    return {f.tracking_code for f in response.context["page"].object_list}


def test_the_public_list_filters_by_text_sector_type_status_and_aimag(world, client):
    meals = submit(world, description="Үдийн хоол хүйтэн байна, сайжруулаач.")
    services.moderate(meals, actor=world.admin, publish=True)
    waiting = submit(
        world,
        service_unit=world.clinic,
        category=category("health-waiting"),
        kind="petition",
        description="Эмчийн дугаар авахад гурван цаг хүлээлээ.",
    )
    services.change_status(waiting, Feedback.Status.RESOLVED, actor=world.admin, text="Цаг авах журам шинэчлэгдлээ.")
    building = submit(
        world,
        service_unit=None,
        admin_unit=world.geo.soum,
        category=category("edu-building"),
        kind="proposal",
        description="Сургуулийн дулаан хүрэлцэхгүй, хоол ч муу.",
    )
    url = reverse("feedback:public_list")
    assert _codes(client.get(url)) == {meals.tracking_code, waiting.tracking_code, building.tracking_code}
    assert _codes(client.get(url, {"sector": "education"})) == {meals.tracking_code, building.tracking_code}
    assert _codes(client.get(url, {"sector": "health"})) == {waiting.tracking_code}
    assert _codes(client.get(url, {"kind": "petition"})) == {waiting.tracking_code}
    assert _codes(client.get(url, {"status": "open"})) == {meals.tracking_code, building.tracking_code}
    assert _codes(client.get(url, {"status": "resolved"})) == {waiting.tracking_code}
    assert _codes(client.get(url, {"area": "65"})) == {meals.tracking_code, building.tracking_code}
    assert _codes(client.get(url, {"area": "84"})) == {waiting.tracking_code}
    # Text search: only published text, Cyrillic or Latin-typed.
    assert _codes(client.get(url, {"q": "хоол"})) == {meals.tracking_code}
    assert _codes(client.get(url, {"q": "hool"})) == {meals.tracking_code}
    assert _codes(client.get(url, {"q": "hool", "sector": "health"})) == set()


def test_the_public_list_shows_published_text_only(world, client):
    published = submit(world, description="Нийтлэгдсэн текст байна энэ.")
    services.moderate(published, actor=world.admin, publish=True)
    submit(world, description="Нийтлэгдээгүй нууц текст байна.")
    page = client.get(reverse("feedback:public_list")).content.decode()
    assert "Нийтлэгдсэн текст байна энэ." in page
    assert "Нийтлэгдээгүй" not in page


def test_the_public_list_pages_by_twenty_with_a_constant_number_of_queries(
    world, client, django_assert_max_num_queries
):
    url = reverse("feedback:public_list")
    for _ in range(5):
        services.moderate(submit(world), actor=world.admin, publish=True)
    client.get(url)  # warm the map cache
    with django_assert_max_num_queries(30) as few:
        assert client.get(url).status_code == 200
    for _ in range(25):
        services.moderate(submit(world), actor=world.admin, publish=True)
    with django_assert_max_num_queries(30) as many:
        first = client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(first.context["page"].object_list) == 20
    second = client.get(url, {"page": "2"})
    assert len(second.context["page"].object_list) == 10
    assert _codes(first).isdisjoint(_codes(second))
    assert client.get(url, {"page": "99"}).context["page"].number == 2


def test_the_statistics_page_shows_the_national_and_aimag_numbers(world, client):
    for _ in range(3):
        submit(world)
    resolved = submit(world, service_unit=world.clinic, category=category("health-waiting"))
    services.change_status(resolved, Feedback.Status.RESOLVED, actor=world.admin, text="Шийдвэрлэлээ.")
    response = client.get(reverse("feedback:statistics"), {"year": "2026"})
    assert response.status_code == 200
    national = response.context["national"]
    assert (national.received, national.resolved, national.on_time_percent) == (4, 1, 100.0)
    rows = {unit.code: summary for unit, summary in response.context["rows"]}
    assert (rows["65"].received, rows["65"].resolved) == (3, 0)
    assert (rows["84"].received, rows["84"].resolved, rows["84"].median_days) == (1, 1, 0)
    assert client.get(reverse("feedback:statistics"), {"year": "2025"}).context["national"].received == 0


def test_the_organisation_report_is_a_page_a_csv_and_an_xlsx(world, client):
    for _ in range(3):
        submit(world)
    resolved = submit(world)
    services.change_status(resolved, Feedback.Status.RESOLVED, actor=world.admin, text="Хоол сайжирлаа.")
    submit(world, privacy=Privacy.CONFIDENTIAL)  # handled by the department, not by the school
    url = reverse("feedback:organization_report", args=[world.school_org.code])

    page = client.get(url, {"year": "2026"})
    assert page.status_code == 200
    assert page.context["report"].totals["Received"] == 4
    assert page.context["report"].totals["Resolved"] == 1

    csv_response = client.get(url, {"year": "2026", "format": "csv"})
    assert csv_response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Section", "Item", "Count"]
    assert ["Totals", "Received", "4"] in rows
    assert ["Totals", "Still open", "3"] in rows

    xlsx_response = client.get(url, {"year": "2026", "format": "xlsx"})
    assert xlsx_response["Content-Disposition"] == (
        f'attachment; filename="iltod-petitions-{world.school_org.code}-2026.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(xlsx_response.content)).active
    values = {(row[0], row[1]): row[2] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert values[("Totals", "Received")] == 4
    assert values[("Totals", "Resolved")] == 1


def test_the_report_of_an_unknown_or_private_organisation_is_not_found(world, client):
    assert client.get(reverse("feedback:organization_report", args=["NOSUCH"])).status_code == 404
    world.school_org.is_public = False
    world.school_org.save(update_fields=["is_public"])
    assert client.get(reverse("feedback:organization_report", args=[world.school_org.code])).status_code == 404


def test_the_public_list_counts_by_aimag_link_each_aimag_by_its_name(world, client):
    for _ in range(2):
        submit(world)
    submit(world, service_unit=world.clinic, category=category("health-waiting"))
    response = client.get(reverse("feedback:public_list"), {"year": "2026"})
    counts = [(unit.code, n) for unit, n in response.context["area_counts"]]
    assert counts == [("65", 2), ("84", 1)]  # Архангай before Ховд
    html = response.content.decode()
    assert f'<a href="?area=65">{world.geo.aimag.name}</a>' in html
    assert '<a href="?area=84">' in html
