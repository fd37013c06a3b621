"""Meetings: recording one, attendance named or counted, documents and photos, the public summary,
the printable sign-in sheet and agenda."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook
from PIL import Image

from iltod.accounts.services import events_for
from iltod.engagement import services
from iltod.engagement.models import Attendance, AttendanceCount, Document, Meeting, Sex, StakeholderType

from .helpers_groups import SOME_MEMBERS, add_members, client_for, held_meeting, pdf, png


def test_a_coordinator_records_a_meeting_with_its_agenda_minutes_and_decisions(personas, group):
    client = client_for(personas, "coordinator")
    response = client.post(
        reverse("engagement:meeting_create", args=[group.code]),
        {
            "title": "Улирлын хурал",
            "kind": Meeting.Kind.REGULAR,
            "status": Meeting.Status.HELD,
            "held_on": "2026-03-12",
            "starts_at": "10:00",
            "ends_at": "12:30",
            "venue": "Цэцэрлэг хот",
            "agenda": "Нэг\n\nХоёр\n",
            "minutes": "Тэмдэглэл",
            "decisions": "Шийдвэр 1\nШийдвэр 2",
            "is_public": "on",
        },
    )
    meeting = Meeting.objects.get(group=group)
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()
    assert meeting.agenda_items == ["Нэг", "Хоёр"] and meeting.decision_items == ["Шийдвэр 1", "Шийдвэр 2"]
    assert meeting.created_by == personas.coordinator
    assert [e.action for e in events_for(meeting)] == ["engagement.meeting_created"]


def test_a_meeting_cannot_end_before_it_starts(personas, group):
    response = client_for(personas, "coordinator").post(
        reverse("engagement:meeting_create", args=[group.code]),
        {"title": "Хурал", "kind": "regular", "status": "planned", "held_on": "2026-03-12", "starts_at": "12:00",
         "ends_at": "10:00"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "ends_at" in response.context["form"].errors
    assert not Meeting.objects.exists()


def test_editing_a_meeting_keeps_the_before_and_after_in_its_history(personas, group):
    meeting = held_meeting(group, personas.coordinator)
    client = client_for(personas, "coordinator")
    response = client.post(
        reverse("engagement:meeting_edit", args=[meeting.code]),
        {"title": meeting.title, "kind": meeting.kind, "status": meeting.status, "held_on": "2026-03-13",
         "venue": meeting.venue, "agenda": meeting.agenda, "minutes": meeting.minutes, "decisions": "Шинэ шийдвэр",
         "is_public": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    event = events_for(meeting).filter(action="engagement.meeting_updated").get()
    assert event.data["held_on"] == ["2026-03-12", "2026-03-13"]
    assert event.data["decisions"] == ["Сургуулийн халаалтыг шалгах", "Шинэ шийдвэр"]


def test_attendance_is_recorded_by_ticking_members_and_adding_guests(personas, group):
    members = add_members(group, personas.coordinator, SOME_MEMBERS)
    meeting = held_meeting(group, personas.coordinator)
    client = client_for(personas, "coordinator")
    url = reverse("engagement:meeting_attendance", args=[meeting.code])
    assert client.get(url).status_code == 200
    response = client.post(url, {"action": "members", "members": [m.pk for m in members[:3]]})
    assert response.status_code == 302
    assert set(meeting.attendees.values_list("name", flat=True)) == {"Бат Болд", "Сарнай Дорж", "Оюун Ганбат"}
    # Unticking one removes them; ticking another adds them.
    client.post(url, {"action": "members", "members": [members[0].pk, members[3].pk]})
    assert set(meeting.attendees.values_list("name", flat=True)) == {"Бат Болд", "Энх Төр"}
    response = client.post(
        url,
        {"action": "guest", "guest-name": "Зочин Ганаа", "guest-organization_name": "Сургууль",
         "guest-stakeholder_type": StakeholderType.SERVICE_PROVIDER, "guest-sex": Sex.FEMALE,
         "guest-age_band": "18_34"},
    )  # fmt: skip
    assert response.status_code == 302
    guest = Attendance.objects.get(meeting=meeting, member__isnull=True)
    assert guest.name == "Зочин Ганаа" and guest.sex == Sex.FEMALE
    # Saving the ticked members again leaves the guest alone.
    client.post(url, {"action": "members", "members": [members[0].pk]})
    assert set(meeting.attendees.values_list("name", flat=True)) == {"Бат Болд", "Зочин Ганаа"}
    client.post(url, {"action": "remove", "attendee": guest.pk})
    assert list(meeting.attendees.values_list("name", flat=True)) == ["Бат Болд"]
    actions = [e.action for e in events_for(meeting)]
    assert actions.count("engagement.attendance_recorded") == 3
    assert "engagement.guest_added" in actions and "engagement.attendee_removed" in actions


def test_members_of_another_group_cannot_be_ticked(personas, group):
    other = services.create_group(actor=personas.admin, name="Өөр", admin_unit=personas.geo.other_aimag)
    stranger = add_members(other, personas.admin, SOME_MEMBERS[:1])[0]
    meeting = held_meeting(group, personas.coordinator)
    response = client_for(personas, "coordinator").post(
        reverse("engagement:meeting_attendance", args=[meeting.code]), {"action": "members", "members": [stranger.pk]}
    )
    assert response.status_code == 400
    assert not meeting.attendees.exists()


def test_removing_an_attendee_of_another_meeting_is_not_found(personas, group):
    meeting = held_meeting(group, personas.coordinator)
    other = held_meeting(group, personas.coordinator, title="Өөр хурал")
    guest = services.add_guest(other, actor=personas.coordinator, name="Зочин", stakeholder_type="citizen")
    response = client_for(personas, "coordinator").post(
        reverse("engagement:meeting_attendance", args=[meeting.code]), {"action": "remove", "attendee": guest.pk}
    )
    assert response.status_code == 404
    assert other.attendees.count() == 1


def test_attendance_can_be_counted_by_sex_and_stakeholder_type_when_names_are_not_kept(personas, group):
    meeting = held_meeting(group, personas.coordinator)
    client = client_for(personas, "coordinator")
    url = reverse("engagement:meeting_attendance", args=[meeting.code])
    response = client.post(
        url,
        {"action": "counts", "count-n_citizen_female": "12", "count-n_citizen_male": "7",
         "count-n_khural_male": "2", "count-n_media_undisclosed": "0"},
    )  # fmt: skip
    assert response.status_code == 302
    counts = {(c.stakeholder_type, c.sex): c.count for c in AttendanceCount.objects.filter(meeting=meeting)}
    assert counts == {("citizen", "female"): 12, ("citizen", "male"): 7, ("khural", "male"): 2}
    bad = client.post(url, {"action": "counts", "count-n_citizen_female": "-3"})
    assert bad.status_code == 400 and bad.context["count_form"].errors
    nonsense = client.post(url, {"action": "counts", "count-n_citizen_female": "many"})
    assert nonsense.status_code == 400
    assert AttendanceCount.objects.filter(meeting=meeting).count() == 3
    event = events_for(meeting).filter(action="engagement.attendance_counted").get()
    assert event.data["after"] == 21


def test_the_public_summary_shows_counts_agenda_and_decisions_but_not_minutes_or_names(
    personas, group, django_assert_max_num_queries
):
    members = add_members(group, personas.coordinator, SOME_MEMBERS)
    meeting = held_meeting(group, personas.coordinator)
    services.set_named_attendance(meeting, actor=personas.coordinator, members=members)
    services.set_attendance_counts(meeting, actor=personas.coordinator, counts={("citizen", "female"): 10})
    with django_assert_max_num_queries(15):
        response = client_for(personas, "anonymous").get(meeting.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Эрүүл мэндийн асуудал" in html and "Сургуулийн халаалтыг шалгах" in html
    assert "дотоод мэдээлэл" not in html  # minutes are for members
    assert "Сарнай Дорж" not in html
    table = response.context["attendance"]
    assert table.total == 14
    assert table.by_sex() == {Sex.FEMALE: 12, Sex.MALE: 2, Sex.UNDISCLOSED: 0}
    member_view = client_for(personas, "monitor").get(meeting.get_absolute_url()).content.decode()
    assert "дотоод мэдээлэл" in member_view and "Сарнай Дорж" in member_view


def test_a_meeting_that_is_not_public_or_cancelled_has_no_public_summary(personas, group):
    private = held_meeting(group, personas.coordinator, is_public=False)
    cancelled = held_meeting(group, personas.coordinator, status=Meeting.Status.CANCELLED)
    for meeting in (private, cancelled):
        assert client_for(personas, "anonymous").get(meeting.get_absolute_url()).status_code == 404
        assert client_for(personas, "monitor").get(meeting.get_absolute_url()).status_code == 200
    page = client_for(personas, "anonymous").get(group.get_absolute_url())
    assert list(page.context["meetings"]) == []


def test_a_photo_is_stored_without_its_metadata_and_served_only_through_the_checked_view(personas, group, settings):
    meeting = held_meeting(group, personas.coordinator)
    client = client_for(personas, "coordinator")
    buffer = io.BytesIO()
    image = Image.new("RGB", (20, 10), (0, 120, 0))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # camera make
    image.save(buffer, format="JPEG", exif=exif)
    upload = SimpleUploadedFile("IMG_0001.jpg", buffer.getvalue(), content_type="image/jpeg")
    response = client.post(
        reverse("engagement:meeting_document_add", args=[meeting.code]),
        {"file": upload, "title": "Хурлын зураг", "is_public": "on"},
    )
    assert response.status_code == 302
    document = Document.objects.get(meeting=meeting)
    assert document.kind == Document.Kind.PHOTO and document.content_type == "image/jpeg"
    with document.file.open("rb") as handle:
        data = handle.read()
    assert b"SecretCam" not in data
    download = client_for(personas, "anonymous").get(document.get_absolute_url())
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == data
    assert str(settings.MEDIA_URL).rstrip("/") not in document.get_absolute_url()


def test_members_only_documents_and_documents_of_private_meetings_are_not_public(personas, group):
    meeting = held_meeting(group, personas.coordinator)
    internal = services.add_document(actor=personas.coordinator, upload=pdf(), is_public=False, meeting=meeting)
    private_meeting = held_meeting(group, personas.coordinator, is_public=False)
    hidden = services.add_document(actor=personas.coordinator, upload=png(), meeting=private_meeting)
    for document in (internal, hidden):
        assert client_for(personas, "anonymous").get(document.get_absolute_url()).status_code == 404
        assert client_for(personas, "other_officer").get(document.get_absolute_url()).status_code == 404
        assert client_for(personas, "monitor").get(document.get_absolute_url()).status_code == 200
    assert "minutes.pdf" not in client_for(personas, "anonymous").get(meeting.get_absolute_url()).content.decode()


def test_a_file_that_is_neither_a_photo_nor_a_pdf_is_refused_with_a_clear_message(personas, group):
    meeting = held_meeting(group, personas.coordinator)
    client = client_for(personas, "coordinator")
    response = client.post(
        reverse("engagement:meeting_document_add", args=[meeting.code]),
        {"file": SimpleUploadedFile("virus.exe", b"MZ\x90\x00binary", "application/octet-stream")},
        follow=True,
    )
    assert response.status_code == 200
    assert "Only photos (JPEG, PNG, WebP) and PDF documents can be attached." in response.content.decode()
    assert not Document.objects.exists()
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024 + 1), "application/pdf")
    response = client.post(reverse("engagement:meeting_document_add", args=[meeting.code]), {"file": big}, follow=True)
    assert "larger than 5 MB" in response.content.decode()
    assert not Document.objects.exists()


def test_a_coordinator_removes_a_document_and_its_file(personas, group, django_capture_on_commit_callbacks):
    meeting = held_meeting(group, personas.coordinator)
    document = services.add_document(actor=personas.coordinator, upload=pdf(), meeting=meeting)
    stored = document.file.name
    storage = document.file.storage
    assert storage.exists(stored)
    assert (
        client_for(personas, "monitor").post(reverse("engagement:document_remove", args=[document.code])).status_code
        == 404
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(personas, "coordinator").post(reverse("engagement:document_remove", args=[document.code]))
    assert response.status_code == 302
    assert not Document.objects.exists()
    assert "engagement.document_removed" in [e.action for e in events_for(meeting)]
    assert not storage.exists(stored)


def test_the_sign_in_sheet_lists_current_members_with_blank_rows_for_guests(personas, group):
    add_members(group, personas.coordinator, SOME_MEMBERS)
    services.add_member(
        actor=personas.coordinator, group=group, person_name="Гарсан гишүүн", stakeholder_type="khural",
        left_on="2025-12-31", joined_on="2024-01-01",
    )  # fmt: skip
    meeting = held_meeting(group, personas.coordinator)
    client = client_for(personas, "monitor")
    response = client.get(reverse("engagement:meeting_sign_in", args=[meeting.code]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Сарнай Дорж" in html and "Гарсан гишүүн" not in html
    assert html.count('class="blank"') == 15
    assert 'media="print"' in html and "css/print" in html

    xlsx = client.get(reverse("engagement:meeting_sign_in", args=[meeting.code]), {"format": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("No.", "Name", "Organisation", "Stakeholder type", "Sex", "Signature")
    names = [r[1] for r in rows[1:] if r[1]]
    assert sorted(names) == sorted(["Monitor", "Бат Болд", "Сарнай Дорж", "Оюун Ганбат", "Энх Төр"])
    assert len(rows) == 1 + 5 + 15
    assert rows[-1][0] == 20 and rows[-1][1] in (None, "")
    assert all(r[5] in (None, "") for r in rows[1:])


def test_the_printable_agenda_is_public_for_a_public_meeting(personas, group):
    meeting = held_meeting(group, personas.coordinator)
    response = client_for(personas, "anonymous").get(reverse("engagement:meeting_agenda", args=[meeting.code]))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<ol class="agenda">' in html and "Өмнөх шийдвэрийн биелэлт" in html
    xlsx = client_for(personas, "anonymous").get(
        reverse("engagement:meeting_agenda", args=[meeting.code]), {"format": "xlsx"}
    )
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows == [("No.", "Agenda"), (1, "Өмнөх шийдвэрийн биелэлт"), (2, "Эрүүл мэндийн асуудал"), (3, "Бусад")]
    assert (
        client_for(personas, "anonymous").get(reverse("engagement:meeting_sign_in", args=[meeting.code])).status_code
        == 302
    )
