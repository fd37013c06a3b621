"""Webhooks authenticated by a shared secret: in a header (``X-Iltod-Secret: …`` or
``Authorization: Bearer …``), or in the URL (``?secret=…``) for gateways that cannot set a header
(docs/channels.md says why the header is better).

A webhook answers 404 while its secret is not configured, 403 without the right secret, 405 for
methods other than POST, and 400 for a body larger than Django accepts.
"""

import hmac

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpResponse, HttpResponseForbidden, HttpResponseNotAllowed, JsonResponse
from django.utils.translation import gettext as _

from .jsonbody import JsonBodyError, read_json


def refuse(request, secret: str) -> HttpResponse | None:
    """The answer refusing the request, or None when it may go on (raises Http404 while off)."""
    if not secret:
        raise Http404
    given = request.headers.get("X-Iltod-Secret") or _bearer(request) or request.GET.get("secret") or ""
    if not given or not hmac.compare_digest(given.encode(), secret.encode()):
        return HttpResponseForbidden(
            "Forbidden: missing or wrong webhook secret.\n", content_type="text/plain; charset=utf-8"
        )
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return None


def _bearer(request) -> str:
    scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def read_body(request) -> bytes | None:
    """The request body, or None when it is larger than DATA_UPLOAD_MAX_MEMORY_SIZE."""
    try:
        return request.body
    except RequestDataTooBig:
        return None


def too_big() -> JsonResponse:
    return JsonResponse({"status": "error", "error": "The body is too large."}, status=400)


def json_object(body: bytes) -> tuple[dict | None, str]:
    """The posted JSON object and "", or None and a translated reason it cannot be read (not JSON,
    nested too deeply: ``iltod.lib.jsonbody``)."""
    try:
        payload = without_nul(read_json(body, max_bytes=None))  # the body was read within Django's limit
    except JsonBodyError as exc:
        return None, exc.message
    if not isinstance(payload, dict):
        return None, _("The body must be a JSON object.")
    return payload, ""


def without_nul(value):
    """The parsed JSON without U+0000 in any string or key: PostgreSQL's text and JSON columns
    refuse it, and no message needs it. (read_json has bounded the nesting, so recursion is safe.)"""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {without_nul(key): without_nul(item) for key, item in value.items()}
    if isinstance(value, list):
        return [without_nul(item) for item in value]
    return value
