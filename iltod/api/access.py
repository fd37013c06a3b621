"""Who is calling the staff API, what they may see and do, and how an API key acts in services.

A staff request comes from a logged-in person (session) or from an organisation's system (API
key). ``Principal`` answers the access questions for both, through the feedback app's helpers
for people and by the key's organisation for keys:

- a key acts as its organisation (``iltod.feedback.permissions.OrganizationActor``): it sees what a
  handler of the organisation sees, a read key only reads, a write key acts on what the organisation
  handles, and the guard applies to it as to the organisation — a school's key never reads a
  conduct complaint about that school;
- a person has exactly the rights of the web pages (``iltod.feedback.permissions``).

Both go through the same helpers and the same service checks: a key has no rights of its own.
Who did what stays on the timeline: a person is the event's actor; a key leaves the actor empty
and its prefix in the event's data (``"api_key"``), written by the services themselves.
"""

from dataclasses import dataclass
from functools import cached_property

from django.http import Http404

from iltod.accounts.models import ApiKey
from iltod.feedback.models import Feedback
from iltod.feedback.permissions import (  # noqa: F401 (key_actor: the API's name for it)
    OrganizationActor,
    can_handle,
    handler_organization_ids,
    key_actor,
    staff_feedback,
)


def acting_key(request) -> ApiKey | None:
    """The API key the request authenticated with, if any (set by ApiKeyAuthentication)."""
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, ApiKey) else None


@dataclass(frozen=True)
class Principal:
    """A person acting through their memberships, or an API key acting for its organisation."""

    user: object = None
    api_key: ApiKey | None = None

    @classmethod
    def from_request(cls, request) -> "Principal | None":
        """The caller of a DRF request (cached on it), or None when anonymous."""
        if not hasattr(request, "_iltod_principal"):
            key = acting_key(request)
            user = getattr(request, "user", None)
            if key is not None:
                principal = cls(api_key=key)
            elif user is not None and user.is_authenticated:
                principal = cls(user=user)
            else:
                principal = None
            request._iltod_principal = principal
        return request._iltod_principal

    @cached_property
    def actor(self):
        """Who the access helpers and services see: the person, or the key's organisation."""
        return key_actor(self.api_key) if self.api_key is not None else self.user

    @cached_property
    def organization_ids(self) -> list[int]:
        """Organisations whose feedback this principal handles."""
        return handler_organization_ids(self.actor)

    @property
    def handles_feedback(self) -> bool:
        """May use the staff endpoints at all (a key always may, for its organisation)."""
        if self.api_key is not None:
            return True
        return bool(self.user.is_superuser or self.organization_ids)

    @property
    def can_write(self) -> bool:
        return self.api_key.can_write if self.api_key is not None else True

    def feedback(self):
        """Items this principal may see as staff (the same rule for people and keys)."""
        return staff_feedback(self.actor)

    def get_feedback(self, tracking_code: str, queryset=None) -> Feedback:
        """The visible item with this code, or 404: "not found" and "not allowed" look the same."""
        queryset = queryset if queryset is not None else self.feedback()
        feedback = queryset.filter(tracking_code=tracking_code.upper()).first()
        if feedback is None:
            raise Http404
        return feedback

    def can_handle(self, feedback: Feedback) -> bool:
        """Change status, respond publicly, assign, refer: the handling organisation only."""
        return can_handle(self.actor, feedback)

    def service_actor(self):
        """What to pass as ``actor`` to iltod.feedback.services: the services check it themselves."""
        return self.actor
