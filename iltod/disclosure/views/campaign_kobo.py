"""The KoBoToolbox REST Service of validation campaigns: one submission of a campaign's XLSForm
per POST, turned into checks by ``iltod.disclosure.kobo``."""

from django.conf import settings
from django.http import JsonResponse
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django_ratelimit.core import is_ratelimited

from iltod.lib import kobo as kobo_fields
from iltod.lib import webhooks

from .. import kobo


def _sender(payload: dict) -> str:
    """Who sent the submission, for the rate limit: the phone (ODK's ``deviceid``), else the KoBo
    account, else the campaign's facility. The web form limits each connection; here every request
    comes from KoBo's server, so the limit follows the device instead."""
    answers = kobo_fields.fields(payload)
    for key in ("deviceid", "_submitted_by"):
        value = kobo_fields.text(answers.get(key) or payload.get(key))
        if value:
            return f"{key}:{value}"
    return f"facility:{kobo_fields.text(answers.get('campaign'))}:{kobo_fields.text(answers.get('facility'))}"


@csrf_exempt
def campaign_kobo_webhook(request):
    refused = webhooks.refuse(request, settings.KOBO_WEBHOOK_SECRET)
    if refused is not None:
        return refused
    body = webhooks.read_body(request)
    if body is None:
        return webhooks.too_big()
    with translation.override(settings.LANGUAGE_CODE):  # read by the campaign's staff in KoBo's logs
        payload, error = webhooks.json_object(body)
        if payload is None:
            return JsonResponse({"status": "error", "errors": [error]}, status=400)

        def limited() -> bool:
            return is_ratelimited(
                request,
                group="disclosure-check",
                key=lambda _group, _request: _sender(payload),
                rate=settings.FEEDBACK_RATE_PER_IP,
                method=is_ratelimited.ALL,
                increment=True,
            )

        outcome = kobo.receive(payload, limited=limited)
        data = outcome.as_json()
    return JsonResponse(data, status=outcome.status, json_dumps_params={"ensure_ascii": False})
