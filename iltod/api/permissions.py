"""DRF permission classes: who may call an endpoint at all. Which items they see is decided by
fetching through ``iltod.api.access.Principal`` (404 for anything else)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, permissions

from .access import Principal, acting_key

READ_ONLY_KEY = _("This API key can only read. Use a read and write key to make changes.")


class PublicReadOrSubmit(permissions.BasePermission):
    """Public data: anyone reads. Anyone may also submit feedback, except with a read-only key."""

    message = READ_ONLY_KEY

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        key = acting_key(request)
        return key is None or key.can_write


class HandlesFeedback(permissions.BasePermission):
    """Staff endpoints: people who handle feedback (session) or an organisation's API key;
    changes need a read and write key."""

    message = _("Only people who handle feedback for an organisation, or its API key, can use this.")

    def has_permission(self, request, view) -> bool:
        principal = Principal.from_request(request)
        if principal is None:
            return False  # DRF answers 401 (not authenticated)
        if not principal.handles_feedback:
            return False
        if request.method not in permissions.SAFE_METHODS and not principal.can_write:
            self.message = READ_ONLY_KEY
            return False
        return True


class KnownCaller(permissions.BasePermission):
    """Someone known: a signed-in person or an organisation's API key (the action then checks what
    they may publish). Anonymous callers get a 401, and the schema says a key is needed."""

    def has_permission(self, request, view) -> bool:
        if Principal.from_request(request) is None:
            raise exceptions.NotAuthenticated()
        return True
