"""Webhooks of the intake channels: an SMS gateway and KoBoToolbox post messages here.

Each is authenticated by a shared secret (header ``X-Iltod-Secret`` or ``?secret=``), answers 404
while its secret is not configured, and never answers 500 for a bad message: whatever can be
stored is stored (docs/channels.md lists the wire formats and answers).
"""

import hmac

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpResponse, HttpResponseForbidden, HttpResponseNotAllowed, JsonResponse
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt

from .channels import kobo, sms

TWIML_EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def _refuse(request, secret: str) -> HttpResponse | None:
    """404 while the webhook is off, 403 without the right secret, 405 for other methods."""
    if not secret:
        raise Http404
    given = request.headers.get("X-Iltod-Secret") or request.GET.get("secret") or ""
    if not given or not hmac.compare_digest(given.encode(), secret.encode()):
        return HttpResponseForbidden(
            "Forbidden: missing or wrong webhook secret.\n", content_type="text/plain; charset=utf-8"
        )
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return None


def _body(request) -> bytes | None:
    try:
        return request.body
    except RequestDataTooBig:
        return None


def _too_big() -> JsonResponse:
    return JsonResponse({"status": "error", "error": "The body is too large."}, status=400)


@csrf_exempt
def sms_webhook(request):
    refused = _refuse(request, settings.SMS_WEBHOOK_SECRET)
    if refused is not None:
        return refused
    body = _body(request)
    if body is None:
        return _too_big()
    with translation.override(settings.LANGUAGE_CODE):  # stored errors are read by staff, not the gateway
        receipt = sms.receive(request.content_type, body, request.POST)
    if receipt.provider == "twilio" and receipt.status < 400:
        # Twilio expects TwiML; the tracking code goes back through the outbox, not as a reply here.
        return HttpResponse(TWIML_EMPTY, content_type="text/xml; charset=utf-8")
    return JsonResponse(receipt.data, status=receipt.status, json_dumps_params={"ensure_ascii": False})


@csrf_exempt
def kobo_webhook(request):
    refused = _refuse(request, settings.KOBO_WEBHOOK_SECRET)
    if refused is not None:
        return refused
    body = _body(request)
    if body is None:
        return _too_big()
    with translation.override(settings.LANGUAGE_CODE):
        receipt = kobo.receive(body)
    return JsonResponse(receipt.data, status=receipt.status, json_dumps_params={"ensure_ascii": False})
