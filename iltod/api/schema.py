"""OpenAPI 3 schema additions (drf-spectacular) and the human docs page.

- API keys appear as two security schemes, ``ApiKeyBearer`` and ``ApiKeyHeader``, either of which
  is enough;
- every operation documents the error body (400, 401, 403, 404, 429);
- ``/api/docs/`` is drf-spectacular's Swagger UI with the assets vendored in
  ``static/vendor/swagger-ui`` (no CDN).
"""

from django.templatetags.static import static
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.views import SpectacularSwaggerSplitView

ERROR_STATUSES = {
    "400": "The request is not valid: a malformed parameter, body or JSON (see error.fields).",
    "401": "No valid credentials: an unknown or revoked API key, or none where one is needed.",
    "403": "Not allowed: e.g. a read-only key that tries to change something.",
    "404": "No such object, or not one you may see.",
    "429": "Too many requests: wait for the number of seconds in the Retry-After header.",
}

ERROR_SCHEMA = {
    "type": "object",
    "description": "The body of every error response.",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {
                    "type": "string",
                    "description": "Stable, for programs: invalid, parse_error, not_authenticated, "
                    "authentication_failed, permission_denied, not_found, method_not_allowed, "
                    "unsupported_media_type, not_acceptable, throttled.",
                },
                "message": {"type": "string", "description": "For people, in the language of Accept-Language."},
                "fields": {
                    "type": "object",
                    "description": "Messages per field or parameter (may be empty).",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            },
            "required": ["code", "message", "fields"],
        }
    },
    "required": ["error"],
}


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "iltod.api.authentication.ApiKeyAuthentication"
    name = ["ApiKeyBearer", "ApiKeyHeader"]

    def get_security_requirement(self, auto_schema):
        return [{"ApiKeyBearer": []}, {"ApiKeyHeader": []}]  # either one

    def get_security_definition(self, auto_schema):
        return [
            {
                "type": "http",
                "scheme": "bearer",
                "description": "An organisation's API key: `Authorization: Bearer il_…`.",
            },
            {
                "type": "apiKey",
                "in": "header",
                "name": "X-API-Key",
                "description": "The same key in a header of its own: `X-API-Key: il_…`.",
            },
        ]


def add_error_responses(result, generator, request, public):
    """Postprocessing hook: the shared Error component and the error responses of each operation."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_STATUSES.items():
                responses.setdefault(
                    status, {"description": description, "content": {"application/json": {"schema": ref}}}
                )
    return result


class ApiDocsView(SpectacularSwaggerSplitView):
    """Swagger UI from the vendored copy, through ``static()`` so production gets hashed names.
    The page's start-up script comes from ``?script`` rather than inline, as the
    Content-Security-Policy allows scripts from the site's own files only."""

    @staticmethod
    def _swagger_ui_resource(filename):
        return static(f"vendor/swagger-ui/{filename}")

    @staticmethod
    def _swagger_ui_favicon():
        return static("vendor/swagger-ui/favicon-32x32.png")
