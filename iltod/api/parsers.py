"""The API's JSON parser: DRF's, reading through ``iltod.lib.jsonbody`` so that a body nested
too deeply is a 400 and one larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` a 413, never a 500 (DRF
reads the request as a stream and would otherwise skip Django's size limit)."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, parsers

from iltod.lib.jsonbody import JsonBodyError, read_json


class RequestTooLarge(exceptions.APIException):
    status_code = 413
    default_code = "too_large"
    default_detail = _("The body is too large.")


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            return read_json(stream, encoding=encoding)
        except JsonBodyError as exc:
            if exc.code == "too_large":
                raise RequestTooLarge(exc.message) from None
            raise exceptions.ParseError(exc.message, code=exc.code) from None
