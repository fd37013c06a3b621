"""Attachments are served through this view, never straight from the media folder: a photo in a
confidential report must not be reachable by URL alone. Files are always downloads, never rendered
by the browser in the application's origin."""

import mimetypes
import re

from django.http import FileResponse, Http404

from .models import Attachment
from .permissions import staff_feedback

TOKEN = re.compile(r"^[0-9a-f]{32}$")


def token_of(attachment: Attachment) -> str:
    return attachment.file.name.rsplit("/", 1)[-1].split(".", 1)[0]


def can_download(request, attachment: Attachment) -> bool:
    feedback = attachment.feedback
    if attachment.is_public and feedback.shows_text_publicly:
        return True
    if feedback.tracking_code in request.session.get("my_feedback", []):  # views.SESSION_KEY
        return True  # the citizen who submitted it, in the same browser session
    user = request.user
    return bool(user.is_authenticated and staff_feedback(user).filter(pk=feedback.pk).exists())


def download(request, token):
    if not TOKEN.match(token):
        raise Http404
    attachment = Attachment.objects.select_related("feedback").filter(file__contains=f"/{token}.").first()
    if attachment is None or not can_download(request, attachment):
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    content_type = attachment.content_type or mimetypes.guess_type(attachment.original_name)[0]
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, max-age=0" if not attachment.is_public else "public, max-age=3600"
    return response
