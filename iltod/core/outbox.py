"""How the layers below the outbox send a message: through the outbox, never ``send_mail``.

The outbox (``iltod.notifications``) sits above accounts, so accounts cannot import it; the outbox
registers its queuing function here in its ``AppConfig.ready`` (as periodic jobs and page panels
register in ``periodic.py`` and ``panels.py``), and accounts calls ``queue_email``. Messages so
sent are retried, logged and visible in the back office like every other.
"""

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

_QUEUE: dict[str, Callable] = {}


def register(queue_message: Callable) -> None:
    """``queue_message(*, channel, recipient, body, subject, language)``: the outbox's service."""
    _QUEUE["message"] = queue_message


def queue_email(*, recipient: str, subject: str, body: str, language: str):
    """Queue one e-mail in the caller's transaction; it leaves once the transaction commits."""
    if "message" not in _QUEUE:
        raise ImproperlyConfigured("iltod.notifications must be installed to send messages")
    return _QUEUE["message"](channel="email", recipient=recipient, subject=subject, body=body, language=language)
