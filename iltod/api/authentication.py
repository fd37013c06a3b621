"""API keys: ``Authorization: Bearer il_…`` or ``X-API-Key: il_…``.

A key acts for its organisation, not for a person: the request's user stays anonymous and
``request.auth`` holds the key (see ``iltod.api.access.Principal``). Nothing is stored about a
request except the key's "last used" time, written at most once a minute.
"""

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication

from iltod.accounts.models import ApiKey
from iltod.accounts.services import touch_api_key

KEYWORD = "Bearer"
HEADER = "HTTP_X_API_KEY"


class ApiKeyAuthentication(BaseAuthentication):
    def authenticate(self, request):
        raw = self.raw_key(request)
        if raw is None:
            return None
        key = ApiKey.objects.authenticate(raw) if raw else None
        if key is None:
            raise exceptions.AuthenticationFailed(_("The API key is not valid, or it has been revoked."))
        touch_api_key(key)
        return AnonymousUser(), key

    @staticmethod
    def raw_key(request) -> str | None:
        """The key sent with the request, "" for an empty one, None when none was sent.

        Other ``Authorization`` schemes are left to the other authentication classes.
        """
        header = request.META.get("HTTP_AUTHORIZATION", "")
        scheme, _space, value = header.partition(" ")
        if scheme.lower() == KEYWORD.lower():
            return value.strip()
        value = request.META.get(HEADER)
        return value.strip() if value is not None else None

    def authenticate_header(self, request) -> str:
        return f'{KEYWORD} realm="api"'
