"""Answer "temporarily unavailable" while the database is down, instead of an error page.

A restarting or unreachable PostgreSQL raises ``OperationalError`` or ``InterfaceError``. Clients
then get ``503 Service Unavailable`` with ``Retry-After`` (a JSON error for the API, Open311 and
webhooks, so that gateways and programs retry; a small translated page for people), never a 500.
Nothing else is needed to recover: Django opens a new connection on the next request
(``conn_health_checks`` drops a persistent connection that died with the server).
"""

import copy
import logging
import sys

from django.conf import settings
from django.contrib.sessions.exceptions import SessionInterrupted
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.core.exceptions import BadRequest
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.csrf import csrf_failure as django_csrf_failure

log = logging.getLogger("iltod.unavailable")

DATABASE_DOWN = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 10
JSON_PREFIXES = ("/api/", "/open311/", "/webhooks/")


def unavailable_response(request) -> HttpResponse:
    """The 503 answer, in the request's language; renders without touching the database."""
    language = getattr(request, "LANGUAGE_CODE", None) or translation.get_language_from_request(request)
    with translation.override(language):
        message = _("The service is temporarily unavailable. Please try again in a few minutes.")
        if request.path.startswith(JSON_PREFIXES):
            body = {"error": {"code": "unavailable", "message": message, "fields": {}}}
            response = JsonResponse(body, status=503, json_dumps_params={"ensure_ascii": False})
        else:
            html = render_to_string(
                "core/unavailable.html", {"message": message, "language": translation.get_language()}
            )
            response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _note_database_error(sender, request=None, **kwargs):
    """A database error raised outside the view (e.g. saving the session) became a 500 before
    reaching us: mark the request so that the middleware answers 503 instead."""
    if request is not None and isinstance(sys.exc_info()[1], DATABASE_DOWN):
        request.database_unavailable = True


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        got_request_exception.connect(_note_database_error, dispatch_uid="iltod.core.database_unavailable")

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "database_unavailable", False):
            return unavailable_response(request)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_DOWN):
            log.warning("database unavailable, answering 503 to %s %s: %s", request.method, request.path, exception)
            return unavailable_response(request)
        return None


def save_session_now(request) -> None:
    """Save the session now, inside the caller's transaction, so that it is committed together
    with the change it records. The middleware then sends the cookie without saving again, unless
    the session changed once more."""
    request.session.save()
    request.session_saved_now = copy.deepcopy(dict(request.session.items()))


def _saved_already(must_create=False):
    pass


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's, except that a session that cannot be saved because the database went away is an
    outage (503), not "the session was deleted before the request completed" (400), and that a
    session saved by the view (``save_session_now``) is not saved a second time."""

    def process_response(self, request, response):
        saved = getattr(request, "session_saved_now", None)
        if saved is not None and dict(request.session.items()) == saved:
            # Saved in the view's transaction and unchanged since: only the cookie is left to send
            # (Django's response handling decides on it and on the expiry, as for any session).
            request.session.save = _saved_already
        try:
            return super().process_response(request, response)
        except SessionInterrupted as exc:
            update_error = exc.__context__  # UpdateError, raised while handling the database's error
            if update_error is None or not isinstance(update_error.__context__, DATABASE_DOWN):
                raise
            log.warning(
                "database unavailable while saving the session of %s: %s", request.path, update_error.__context__
            )
            return unavailable_response(request)


# --- The REST API's errors in its own format -------------------------------------------------
# Django answers a body over DATA_UPLOAD_MAX_MEMORY_SIZE, a malformed request and a failed CSRF
# check with an HTML page (the debug page in development). Under /api/v1/ programs expect the
# API's JSON error body instead; the site's pages (and the API keys pages under /api/keys/) keep
# their HTML.
API_PREFIXES = ("/api/v1/", "/api/schema/")


def is_api_request(request) -> bool:
    return request.path.startswith(API_PREFIXES)


def api_error(code: str, message: str, status: int) -> JsonResponse:
    """The API's error body (iltod.api.errors.error_body; core cannot import the API)."""
    body = {"error": {"code": code, "message": message, "fields": {}}}
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class ApiErrorsMiddleware:
    """Under /api/v1/: a body larger than DATA_UPLOAD_MAX_MEMORY_SIZE is refused before anything
    reads it (413, JSON), and Django's HTML answers to bad requests become JSON error bodies."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_api_request(request):
            return self.get_response(request)
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and _declared_length(request) > limit:
            message = _("The body is too large (at most %(size)s bytes).") % {"size": limit}
            return api_error("too_large", message, 413)
        response = self.get_response(request)
        if response.status_code == 400 and not response.get("Content-Type", "").startswith("application/json"):
            # SuspiciousOperation, RequestDataTooBig, TooManyFieldsSent… raised outside the API's views
            return api_error("bad_request", _("The request is malformed."), 400)
        return response


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: the API's JSON error under /api/v1/, Django's page everywhere else."""
    if is_api_request(request):
        message = _(
            "The CSRF check failed. Programs authenticate with an API key; a browser session must send "
            "the X-CSRFToken header."
        )
        return api_error("csrf_failed", message, 403)
    return django_csrf_failure(request, reason=reason)


class PermissionsPolicyMiddleware:
    """Sends ``Permissions-Policy`` (settings.PERMISSIONS_POLICY): browser features the site does
    not use are off for it and for anything it might embed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


def client_address(request) -> str:
    """The client's address for rate limits (RATELIMIT_IP_META_KEY): behind ``PROXY_COUNT``
    proxies, the entry of X-Forwarded-For that the nearest trusted proxy saw connecting (the
    others are written by the client and may be forged); REMOTE_ADDR without proxies."""
    proxies = settings.PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR", "")
    if proxies <= 0:
        return remote
    chain = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    return chain[-proxies] if len(chain) >= proxies else remote


class RefuseNulMiddleware:
    """A NUL character (U+0000, ``%00``) in the path or the query string of a site page is a 400.
    No address or parameter of the site holds one, and PostgreSQL refuses it in a query: a view
    that looks it up would answer 500. The REST API names the parameter in its own 400 (or answers
    404 for a path), and Open311 answers in its own error format (iltod.feedback.open311)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if not request.path.startswith(("/open311/", "/api/")) and (
            "\x00" in request.path or "%00" in query or "\x00" in query
        ):
            raise BadRequest("NUL character in the address")
        return self.get_response(request)
