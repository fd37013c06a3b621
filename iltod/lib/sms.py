"""SMS transports. The gateway is chosen by settings: ``console`` for development, ``http`` for a
generic JSON-over-HTTPS gateway in production. Each send carries the outbox message id so that a
gateway can drop a retried duplicate."""

import base64
import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings

from .jsonbody import JsonBodyError, read_json

log = logging.getLogger("iltod.sms")


class SmsError(Exception):
    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


@dataclass
class ConsoleGateway:
    """Writes messages to the log; for development and the embedded default."""

    sent: list | None = None

    def send(self, to: str, text: str, message_id: str) -> str:
        log.info("SMS to %s [%s]: %s", to, message_id, text)
        return message_id


@dataclass
class HttpGateway:
    """POSTs ``{"to", "text", "message_id"}`` as JSON with a bearer token.

    2xx is delivered; 429 and 5xx are retried; other 4xx are permanent failures.
    """

    url: str
    token: str = ""
    timeout: float = 10.0

    def send(self, to: str, text: str, message_id: str) -> str:
        body = json.dumps({"to": to, "text": text, "message_id": message_id}).encode()
        request = urllib.request.Request(self.url, data=body, method="POST")  # noqa: S310 - URL from settings
        request.add_header("Content-Type", "application/json")
        request.add_header("Idempotency-Key", message_id)
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                payload = response.read(4096)
        except urllib.error.HTTPError as exc:
            permanent = 400 <= exc.code < 500 and exc.code not in {408, 429}
            raise SmsError(f"gateway answered {exc.code}", permanent=permanent) from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise SmsError(f"gateway unreachable: {exc}") from exc
        try:
            answer = read_json(payload or b"{}", max_bytes=None)  # at most 4 kB were read
        except JsonBodyError:
            return message_id
        return str((answer.get("id") if isinstance(answer, dict) else None) or message_id)


def get_gateway():
    kind = settings.SMS_GATEWAY
    if kind == "http":
        return HttpGateway(settings.SMS_GATEWAY_URL, settings.SMS_GATEWAY_TOKEN, settings.SMS_GATEWAY_TIMEOUT)
    return ConsoleGateway()


# --- Twilio's request signature on inbound webhooks ---------------------------------------------
# Twilio signs each webhook request: X-Twilio-Signature is the Base64 HMAC-SHA1, keyed with the
# account's auth token, of the full URL it requested (scheme, host, path and query) followed by every
# POST parameter's name and value, sorted by name (and by value for a repeated name).


def twilio_signature(url: str, params, auth_token: str) -> str:
    """The signature Twilio sends for a POST of ``params`` (a dict or a QueryDict) to ``url``."""
    data = url
    for name in sorted(set(params)):
        values = params.getlist(name) if hasattr(params, "getlist") else [params[name]]
        for value in sorted(set(values)):
            data += name + value
    digest = hmac.new(auth_token.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def valid_twilio_signature(request, auth_token: str) -> bool:
    """Whether the request carries Twilio's signature of itself, made with ``auth_token``."""
    given = request.headers.get("X-Twilio-Signature", "")
    if not given or not auth_token:
        return False
    expected = twilio_signature(request.build_absolute_uri(), request.POST, auth_token)
    return hmac.compare_digest(given.encode(), expected.encode())
