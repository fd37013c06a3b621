"""Webhooks of the intake channels: an SMS gateway and KoBoToolbox post messages here.

Each is authenticated by a shared secret (``iltod.lib.webhooks``: header ``X-Iltod-Secret`` or
``Authorization: Bearer``, or ``?secret=``), and Twilio's requests also by Twilio's signature when
``TWILIO_AUTH_TOKEN`` is set. Each answers 404 while its secret is not configured, and never 500
for a bad message: whatever can be stored is stored (docs/channels.md lists the wire formats and answers).
"""

from django.conf import settings
from django.http import HttpResponse, HttpResponseForbidden, JsonResponse
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt

from iltod.lib.sms import valid_twilio_signature
from iltod.lib.webhooks import read_body, refuse, too_big

from .channels import kobo, sms

TWIML_EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


@csrf_exempt
def sms_webhook(request):
    refused = refuse(request, settings.SMS_WEBHOOK_SECRET)
    if refused is not None:
        return refused
    body = read_body(request)
    if body is None:
        return too_big()
    if (
        settings.TWILIO_AUTH_TOKEN
        and _twilio_format(request)
        and not valid_twilio_signature(request, settings.TWILIO_AUTH_TOKEN)
    ):
        # With Twilio's auth token configured, a Twilio-shaped request must carry its signature.
        return HttpResponseForbidden(
            "Forbidden: missing or wrong X-Twilio-Signature.\n", content_type="text/plain; charset=utf-8"
        )
    with translation.override(settings.LANGUAGE_CODE):  # stored errors are read by staff, not the gateway
        receipt = sms.receive(request.content_type, body, request.POST)
    if receipt.provider == "twilio" and receipt.status < 400:
        # Twilio expects TwiML; the tracking code goes back through the outbox, not as a reply here.
        return HttpResponse(TWIML_EMPTY, content_type="text/xml; charset=utf-8")
    return JsonResponse(receipt.data, status=receipt.status, json_dumps_params={"ensure_ascii": False})


def _twilio_format(request) -> bool:
    return "MessageSid" in request.POST  # form-encoded (as Twilio posts) or multipart


@csrf_exempt
def kobo_webhook(request):
    refused = refuse(request, settings.KOBO_WEBHOOK_SECRET)
    if refused is not None:
        return refused
    body = read_body(request)
    if body is None:
        return too_big()
    with translation.override(settings.LANGUAGE_CODE):
        receipt = kobo.receive(body)
    return JsonResponse(receipt.data, status=receipt.status, json_dumps_params={"ensure_ascii": False})
