"""One error body for every API error:

    {"error": {"code": "invalid", "message": "…", "fields": {"description": ["…"]}}}

``code`` is stable and meant for programs; ``message`` is translated (Accept-Language);
``fields`` maps a field or parameter name to its messages (empty when the error is not about a field).
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

NON_FIELD_KEYS = {"non_field_errors", "__all__"}


def _messages(value) -> list[str]:
    if isinstance(value, dict):
        return [m for item in value.values() for m in _messages(item)]
    if isinstance(value, list | tuple):
        return [m for item in value for m in _messages(item)]
    return [str(value)]


def _fields(detail, prefix: str = "") -> dict[str, list[str]]:
    """Flatten nested serializer errors: ``{"a": {"b": ["x"]}}`` becomes ``{"a.b": ["x"]}``."""
    fields: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for name, value in detail.items():
            key = f"{prefix}.{name}" if prefix else str(name)
            if isinstance(value, dict):
                fields.update(_fields(value, key))
            else:
                fields[key] = _messages(value)
    return fields


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def _body_for(exc: exceptions.APIException) -> dict:
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        if isinstance(detail, dict):
            general = [m for key in NON_FIELD_KEYS for m in _messages(detail.get(key, []))]
            fields = _fields({k: v for k, v in detail.items() if k not in NON_FIELD_KEYS})
        else:
            general, fields = _messages(detail), {}
        message = " ".join(general) or _("Some fields are not valid; see “fields”.")
        return error_body("invalid", message, fields)
    if isinstance(exc, exceptions.Throttled):
        if exc.wait:
            message = _("Too many requests. Try again in %(seconds)s seconds.") % {"seconds": int(exc.wait) + 1}
        else:
            message = _("Too many requests. Try again later.")
        return error_body("throttled", message)
    if isinstance(exc, exceptions.NotFound):
        detail = str(exc.detail)  # a page past the end says so; anything else is just "not found"
        return error_body("not_found", detail if detail != str(exceptions.NotFound.default_detail) else _("Not found."))
    if isinstance(exc, exceptions.ParseError):
        if exc.get_codes() == "too_deep":  # iltod.api.parsers: valid JSON, nested beyond the limit
            return error_body("too_deep", str(exc.detail))
        return error_body("parse_error", _("The request body is not valid JSON."))
    code = exc.get_codes()
    return error_body(code if isinstance(code, str) else exc.default_code, " ".join(_messages(exc.detail)))


def exception_handler(exc, context):
    """DRF's handler (status codes, WWW-Authenticate and Retry-After headers) with our body."""
    if isinstance(exc, DjangoValidationError):  # e.g. FeedbackError from a service: a rule, not a bug
        exc = exceptions.ValidationError(detail=as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is not None:
        response.data = _body_for(exc)
    return response


def not_found(request, *args, **kwargs):
    """Unknown paths under /api/v1/ answer in the API's format, not with the HTML 404 page."""
    return JsonResponse(
        error_body("not_found", _("There is no API endpoint at this address. Paths end with a slash.")), status=404
    )
