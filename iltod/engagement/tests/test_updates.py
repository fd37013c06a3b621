"""Updates on actions with evidence, and their maker-checker approval by a coordinator."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from PIL import Image
from pypdf import PdfReader

from iltod.accounts.models import AuditEvent
from iltod.core.testing.files import pdf_bytes
from iltod.engagement import services
from iltod.engagement.models import Action, ActionPlan, ActionUpdate, Document
from iltod.notifications.models import OutboundMessage

Review = ActionUpdate.Review


def client_for(personas, persona: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if persona != "anonymous":
        client.force_login(getattr(personas, persona))
    return client


def reload(obj):
    return type(obj).objects.get(pk=obj.pk)


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make: metadata that must not be kept
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


PDF = pdf_bytes()  # stored as re-written without metadata (iltod.feedback.uploads.clean_pdf)


# --- the approval flow (services) -------------------------------------------------------------


def test_a_members_update_waits_and_changes_nothing_until_approved(personas, action):
    update = services.post_update(action, actor=personas.monitor, text="Quotes collected", new_progress=30)
    assert update.review == Review.PENDING
    assert (reload(action).status, reload(action).progress) == (Action.Status.NOT_STARTED, 0)
    services.review_update(update, actor=personas.coordinator, approve=True, note="Thanks")
    update = reload(update)
    assert (update.review, update.reviewed_by, update.review_note) == (Review.APPROVED, personas.coordinator, "Thanks")
    action = reload(action)
    assert (action.status, action.progress) == (Action.Status.IN_PROGRESS, 30)  # progress means it started
    assert action.plan.status == ActionPlan.Status.IN_PROGRESS  # the first progress starts the plan
    verbs = list(AuditEvent.objects.filter(target_id=str(action.pk)).values_list("action", flat=True))
    assert {"engagement.update_posted", "engagement.update_approved"} <= set(verbs)


def test_a_rejected_update_changes_nothing_and_needs_a_note(personas, action):
    update = services.post_update(action, actor=personas.monitor, text="All done", new_status=Action.Status.DONE)
    with pytest.raises(ValidationError):
        services.review_update(update, actor=personas.coordinator, approve=False, note="  ")
    services.review_update(update, actor=personas.coordinator, approve=False, note="No evidence attached")
    assert reload(update).review == Review.REJECTED
    assert (reload(action).status, reload(action).progress) == (Action.Status.NOT_STARTED, 0)
    event = AuditEvent.objects.get(action="engagement.update_rejected")
    assert event.data["note"] == "No evidence attached"


def test_an_update_is_reviewed_only_once(personas, action):
    update = services.post_update(action, actor=personas.monitor, text="Half", new_progress=50)
    services.review_update(update, actor=personas.coordinator, approve=True)
    with translation.override("en"), pytest.raises(ValidationError, match="already been reviewed"):
        services.review_update(update, actor=personas.coordinator, approve=False, note="No")
    assert reload(update).review == Review.APPROVED


def test_the_coordinators_own_update_applies_at_once_approved_by_themself(personas, action):
    update = services.post_update(action, actor=personas.coordinator, text="Done", new_status=Action.Status.DONE)
    update = reload(update)
    assert (update.review, update.reviewed_by) == (Review.APPROVED, personas.coordinator)
    action = reload(action)
    assert (action.status, action.progress, action.completed_on is not None) == (Action.Status.DONE, 100, True)


def test_updates_are_reported_on_agreed_and_running_plans_only(personas, group):
    plan = services.create_action_plan(actor=personas.coordinator, group=group, title="Draft")
    action = services.add_action(actor=personas.coordinator, plan=plan, title="Step")
    with translation.override("en"), pytest.raises(ValidationError, match="agreed plans"):
        services.post_update(action, actor=personas.coordinator, text="Early")
    assert not ActionUpdate.objects.exists()


def test_the_coordinators_hear_of_a_pending_update_and_the_author_of_the_decision(
    personas, action, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        update = services.post_update(action, actor=personas.monitor, text="Quotes collected", new_progress=30)
    to_coordinator = OutboundMessage.objects.get(recipient=personas.coordinator.email)
    assert "Quotes collected" in to_coordinator.body
    with django_capture_on_commit_callbacks(execute=True):
        services.review_update(update, actor=personas.coordinator, approve=False, note="Attach the quotes")
    to_author = OutboundMessage.objects.get(recipient=personas.monitor.email)
    assert "Attach the quotes" in to_author.body
    assert to_author.language == personas.monitor.language


# --- pages ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("citizen", 404), ("provider", 404), ("other_officer", 404), ("monitor", 302), ("coordinator", 302)],
)
def test_members_post_updates_and_others_cannot(persona, expected, personas, action):
    response = client_for(personas, persona).post(
        reverse("engagement:update_create", args=[action.code]), {"text": "Progress", "new_progress": "10"}
    )
    assert response.status_code == expected
    assert ActionUpdate.objects.count() == (1 if expected == 302 else 0)


def test_anonymous_visitors_are_sent_to_log_in_to_post_an_update(personas, action):
    response = client_for(personas, "anonymous").post(reverse("engagement:update_create", args=[action.code]), {})
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_a_member_posts_an_update_with_a_photo_and_a_document(personas, action, settings):
    response = client_for(personas, "monitor").post(
        reverse("engagement:update_create", args=[action.code]),
        {
            "text": "The roof is fixed",
            "new_status": "in_progress",
            "new_progress": "60",
            "photo": SimpleUploadedFile("roof.jpg", jpeg_with_gps(), content_type="image/jpeg"),
            "document": SimpleUploadedFile("invoice.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    update = ActionUpdate.objects.get()
    photo, document = update.documents.order_by("kind")[::-1]
    assert (photo.kind, photo.content_type) == (Document.Kind.PHOTO, "image/jpeg")
    assert (document.kind, document.content_type, document.size) == (
        Document.Kind.DOCUMENT,
        "application/pdf",
        document.file.size,
    )
    assert PdfReader(document.file.open("rb")).pages
    with Image.open(photo.file) as stored:
        assert 0x010F not in stored.getexif()  # re-encoded without the camera's metadata
    assert photo.uploaded_by == personas.monitor


def test_a_pending_updates_files_are_for_members_until_approved(personas, action):
    client_for(personas, "monitor").post(
        reverse("engagement:update_create", args=[action.code]),
        {"text": "Invoice", "document": SimpleUploadedFile("invoice.pdf", PDF, content_type="application/pdf")},
    )
    document = Document.objects.get()
    url = document.get_absolute_url()
    assert client_for(personas, "anonymous").get(url).status_code == 404
    assert client_for(personas, "monitor").get(url).status_code == 200
    services.review_update(document.update, actor=personas.coordinator, approve=True)
    assert client_for(personas, "anonymous").get(url).status_code == 200


@pytest.mark.parametrize(
    ("field", "upload", "message"),
    [
        ("photo", ("notes.txt", b"hello", "text/plain"), "Only photos"),
        ("photo", ("invoice.pdf", PDF, "application/pdf"), "A photo must be"),
        ("document", ("big.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024), "application/pdf"), "larger than 5 MB"),
    ],
)
def test_a_bad_file_is_refused_with_a_clear_message(field, upload, message, personas, action):
    name, content, content_type = upload
    response = client_for(personas, "monitor").post(
        reverse("engagement:update_create", args=[action.code]),
        {"text": "Evidence", field: SimpleUploadedFile(name, content, content_type=content_type)},
    )
    assert response.status_code == 400
    assert message in str(response.context["update_form"].errors[field])
    assert not ActionUpdate.objects.exists()


def test_an_update_with_bad_values_says_what_is_wrong(personas, action):
    response = client_for(personas, "monitor").post(
        reverse("engagement:update_create", args=[action.code]),
        {"text": " ", "new_progress": "140", "new_status": "finished"},
    )
    assert response.status_code == 400
    assert set(response.context["update_form"].errors) == {"text", "new_progress", "new_status"}
    response = client_for(personas, "monitor").post(
        reverse("engagement:update_create", args=[action.code]),
        {"text": "Done", "new_status": "done", "new_progress": "50"},
    )
    assert "A done action is complete" in str(response.context["update_form"].errors["new_progress"])


def test_members_see_pending_updates_and_the_public_sees_approved_ones(personas, action):
    services.post_update(action, actor=personas.monitor, text="Waiting text")
    services.post_update(action, actor=personas.coordinator, text="Approved text")
    member_page = client_for(personas, "monitor").get(action.get_absolute_url()).content.decode()
    public_page = client_for(personas, "anonymous").get(action.get_absolute_url()).content.decode()
    assert "Waiting text" in member_page and "Approved text" in member_page
    assert "Waiting text" not in public_page and "Approved text" in public_page
    assert "Report progress" in member_page and "Report progress" not in public_page


# --- the approval queue -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("citizen", 404),
        ("provider", 404),
        ("other_officer", 404),
        ("monitor", 404),
        ("coordinator", 200),
        ("admin", 200),
    ],
)
def test_the_approval_queue_is_for_coordinators(persona, expected, personas, action):
    assert client_for(personas, persona).get(reverse("engagement:update_queue")).status_code == expected


def test_the_queue_lists_pending_updates_of_every_coordinated_group_only(personas, action, plan):
    other = services.create_group(actor=personas.admin, name="Khovd group", admin_unit=personas.geo.other_aimag)
    other_plan = services.create_action_plan(actor=personas.admin, group=other, title="Other plan")
    other_action = services.add_action(actor=personas.admin, plan=other_plan, title="Other action")
    services.change_plan_status(other_plan, ActionPlan.Status.AGREED, actor=personas.admin)
    mine = services.post_update(action, actor=personas.monitor, text="Mine to approve")
    services.post_update(action, actor=personas.coordinator, text="Already applied")
    theirs = services.post_update(other_action, actor=personas.other_officer, text="Not my group")
    response = client_for(personas, "coordinator").get(reverse("engagement:update_queue"))
    assert list(response.context["page"].object_list) == [mine]
    response = client_for(personas, "admin").get(reverse("engagement:update_queue"))
    assert set(response.context["page"].object_list) == {mine, theirs}


def test_the_queue_keeps_its_queries_bounded(personas, action, django_assert_max_num_queries):
    for number in range(15):
        services.post_update(action, actor=personas.monitor, text=f"Update {number}")
    client = client_for(personas, "coordinator")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("engagement:update_queue"))
    assert len(response.context["page"].object_list) == 15


def test_the_coordinator_approves_from_the_queue(personas, action):
    update = services.post_update(action, actor=personas.monitor, text="Half way", new_progress=50)
    client = client_for(personas, "coordinator")
    response = client.post(
        reverse("engagement:update_review", args=[update.code]), {"decision": "approve", "next": "queue"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("engagement:update_queue")
    assert reload(update).review == Review.APPROVED
    assert reload(action).progress == 50
    page = client_for(personas, "anonymous").get(action.plan.get_absolute_url()).content.decode()
    assert "Half way" in page


def test_rejecting_without_a_note_is_refused_with_a_message(personas, action):
    update = services.post_update(action, actor=personas.monitor, text="Done", new_status="done")
    client = client_for(personas, "coordinator")
    response = client.post(reverse("engagement:update_review", args=[update.code]), {"decision": "reject"}, follow=True)
    assert "Say why the update is rejected" in response.content.decode()
    assert reload(update).review == Review.PENDING
    client.post(reverse("engagement:update_review", args=[update.code]), {"decision": "reject", "note": "No photo"})
    assert reload(update).review == Review.REJECTED
    assert reload(action).status == Action.Status.NOT_STARTED


@pytest.mark.parametrize("persona", ["citizen", "provider", "other_officer", "monitor"])
def test_only_a_coordinator_reviews(persona, personas, action):
    update = services.post_update(action, actor=personas.monitor, text="Half", new_progress=50)
    response = client_for(personas, persona).post(
        reverse("engagement:update_review", args=[update.code]), {"decision": "approve"}
    )
    assert response.status_code == 404
    assert reload(update).review == Review.PENDING


# --- outcome stories --------------------------------------------------------------------------


def test_a_coordinator_adds_a_story_with_a_photo_served_by_access(personas, plan):
    client = client_for(personas, "coordinator")
    response = client.post(
        reverse("engagement:story_create", args=[plan.code]),
        {
            "title": "Children have warm toilets",
            "what_changed": "The school repaired its toilets.",
            "action": plan.actions.get().pk,
            "photo": SimpleUploadedFile("p.jpg", jpeg_with_gps(), content_type="image/jpeg"),
            "is_public": "on",
        },
    )
    assert response.status_code == 302
    story = plan.stories.get()
    assert story.photo.name.endswith(".jpg")
    photo_url = reverse("engagement:story_photo", args=[story.code])
    public = client_for(personas, "anonymous")
    assert "Children have warm toilets" in public.get(plan.get_absolute_url()).content.decode()
    response = public.get(photo_url)
    assert (response.status_code, response["Content-Type"]) == (200, "image/jpeg")
    services.edit_plan(plan, actor=personas.coordinator, is_public=False)
    assert public.get(photo_url).status_code == 404
    assert client.get(photo_url).status_code == 200


def test_a_private_story_is_for_members(personas, plan):
    services.add_story(plan, actor=personas.coordinator, title="Inside", what_changed="x", is_public=False)
    assert "Inside" not in client_for(personas, "anonymous").get(plan.get_absolute_url()).content.decode()
    assert "Inside" in client_for(personas, "monitor").get(plan.get_absolute_url()).content.decode()


def test_a_story_form_with_bad_input_says_what_is_wrong(personas, plan):
    response = client_for(personas, "coordinator").post(
        reverse("engagement:story_create", args=[plan.code]),
        {"title": "", "what_changed": "", "photo": SimpleUploadedFile("p.txt", b"text", content_type="text/plain")},
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"title", "what_changed", "photo"}
