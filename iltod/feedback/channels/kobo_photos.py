"""Fetching the photo of a KoBoToolbox submission, for the tasks that attach it to the feedback item
(``iltod.feedback.tasks``) or to the checks of a validation campaign (``iltod.disclosure.tasks``).

A submission lists its files in ``_attachments`` with the URLs KoBo serves them from. The URL comes
from the posted JSON, so only a server listed in ``KOBO_SERVER_URLS`` is ever contacted (a redirect
too), and the API token (``KOBO_API_TOKEN``) goes to that server only. The bytes go through the one
upload checker (``iltod.feedback.uploads.clean_upload``): at most 5 MB, JPEG, PNG or WebP by content,
re-encoded without EXIF (the phone's GPS position). Network errors, timeouts, 408/429 and 5xx
answers may pass: the task retries them. Anything else is final.
"""

import http.client
import logging
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from iltod.lib.kobo import text

from ..uploads import MAX_BYTES, CleanedFile, clean_upload

log = logging.getLogger("iltod.kobo")

TRANSIENT_STATUSES = {408, 429}  # and every 5xx
CHUNK = 64 * 1024
RETRIES = 4  # after the first attempt: 30 s, 1, 2 and 4 minutes later (at once when tasks run eagerly)
FIRST_RETRY_SECONDS = 30


def backoff(retries: int) -> int:
    """Seconds before the next attempt, after ``retries`` retries."""
    return FIRST_RETRY_SECONDS * 2**retries


class PhotoNotFetched(Exception):
    """Why a photo was not fetched (translated, for the timeline); ``transient`` ones are retried."""

    def __init__(self, reason: str, *, transient: bool = False):
        super().__init__(reason)
        self.reason, self.transient = reason, transient


def attachment_url(payload: dict, name: str) -> str:
    """The download URL KoBo gives for the submission's file ``name`` (the photo question's answer)."""
    for attachment in payload.get("_attachments") or []:
        if not isinstance(attachment, dict):
            continue
        filename = text(attachment.get("filename") or attachment.get("media_file_basename"))
        if filename.rsplit("/", 1)[-1] == name:
            return text(attachment.get("download_url") or attachment.get("download_large_url"))
    return ""


def _origin(url: str) -> tuple[str, str, int] | None:
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:  # a port that is not a number
        return None
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return None
    return parts.scheme, parts.hostname.lower(), port


def is_allowed(url: str) -> bool:
    """Whether ``url`` is on one of the KoBo servers of ``KOBO_SERVER_URLS`` (scheme, host and port)."""
    origin = _origin(url)
    return origin is not None and origin in {_origin(server) for server in settings.KOBO_SERVER_URLS}


def will_fetch(url: str) -> bool:
    """Whether a task should try: a token is configured and there is a URL. (A URL off the list is
    refused by ``fetch`` itself, so the timeline says why.)"""
    return bool(settings.KOBO_API_TOKEN and url)


class _ListedServersOnly(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to a listed server, and without the token if the host changes."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: PLR0917 - urllib's signature
        if not is_allowed(newurl):
            raise PhotoNotFetched(_("KoBoToolbox redirected to a server that is not in KOBO_SERVER_URLS."))
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None and _origin(newurl) != _origin(req.full_url):
            new.remove_header("Authorization")
        return new


def _download(url: str) -> bytes:
    """The file's bytes, at most MAX_BYTES, within KOBO_FETCH_TIMEOUT seconds in all (a server that
    sends a byte at a time does not hold the worker longer)."""
    # only http(s) URLs of a listed server get here (is_allowed)
    request = urllib.request.Request(url, headers={"Authorization": f"Token {settings.KOBO_API_TOKEN}"})  # noqa: S310
    opener = urllib.request.build_opener(_ListedServersOnly)
    deadline = time.monotonic() + settings.KOBO_FETCH_TIMEOUT
    try:
        with opener.open(request, timeout=settings.KOBO_FETCH_TIMEOUT) as response:
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > MAX_BYTES:
                raise PhotoNotFetched(_("The photo is larger than 5 MB."))
            data = bytearray()
            while chunk := response.read(CHUNK):
                data += chunk
                if len(data) > MAX_BYTES:
                    raise PhotoNotFetched(_("The photo is larger than 5 MB."))
                if time.monotonic() > deadline:
                    raise TimeoutError("the download took longer than KOBO_FETCH_TIMEOUT")
    except urllib.error.HTTPError as exc:
        transient = exc.code >= 500 or exc.code in TRANSIENT_STATUSES
        raise PhotoNotFetched(
            _("KoBoToolbox answered %(status)s.") % {"status": exc.code}, transient=transient
        ) from None
    except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:  # TimeoutError too
        log.info("KoBo photo %s: %r", url, exc)
        raise PhotoNotFetched(_("KoBoToolbox could not be reached."), transient=True) from None
    return bytes(data)


def fetch(url: str, name: str) -> CleanedFile:
    """The photo at ``url``, checked and cleaned as an uploaded photo; raises PhotoNotFetched."""
    if not settings.KOBO_API_TOKEN:
        raise PhotoNotFetched(_("No KoBoToolbox API token is configured."))
    if not is_allowed(url):
        raise PhotoNotFetched(_("The photo's address is not on a server of KOBO_SERVER_URLS."))
    data = _download(url)
    try:
        return clean_upload(ContentFile(data, name=name or "photo"), photos_only=True)
    except ValidationError as error:
        raise PhotoNotFetched(" ".join(error.messages)) from None


def fetch_for_task(task, url: str, name: str) -> tuple[CleanedFile | None, str]:
    """For a bound Celery task: ``(photo, "")``; after a transient failure the task is retried with
    a growing delay (``task.retry`` raises) until ``RETRIES`` are spent; then, or at once for a
    final refusal, ``(None, why)``, logged."""
    try:
        return fetch(url, name), ""
    except PhotoNotFetched as exc:
        if exc.transient and task.request.retries < RETRIES:
            raise task.retry(countdown=backoff(task.request.retries)) from None
        log.warning("photo not fetched from %s: %s", url, exc.reason)
        return None, exc.reason


def schedule(task, *args, what: str) -> None:
    """Queue ``task(*args)`` once the transaction commits, after the webhook has answered; a broker
    that is down leaves the photo of ``what`` in KoBoToolbox, as the intake's note says."""

    def send():
        try:
            task.delay(*args)
        except Exception:
            log.warning("could not reach the task broker; the photo of %s stays in KoBoToolbox", what)

    transaction.on_commit(send)
