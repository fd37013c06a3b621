"""Who may see and change what in disclosure: one guard per rule, used by the pages, the API and
the back office alike. Views fetch through these helpers: "not found" and "not allowed" are the
same 404. One section per part of the module (docs/disclosure.md).

The ``actor`` is a person, or an organisation's API key acting for it
(``iltod.feedback.permissions.OrganizationActor``, with ``organization_id`` and ``can_write``).
"""

from django.http import Http404

from iltod.accounts.capabilities import Capability
from iltod.accounts.permissions import organization_ids_with


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _superuser(user) -> bool:
    return _active(user) and user.is_superuser


def _key_organization_id(actor) -> int | None:
    """The organisation an API key acts for (None for a person)."""
    if getattr(actor, "is_authenticated", False):
        return None
    return getattr(actor, "organization_id", None)


# --- obligations and compliance


def publisher_organization_ids(actor) -> list[int] | None:
    """Bodies for which ``actor`` publishes disclosures: those where a person holds
    ``can_publish``, or a key's own organisation. None means every body (platform admins)."""
    key_org = _key_organization_id(actor)
    if key_org is not None:
        return [key_org]
    if _superuser(actor):
        return None
    if not _active(actor):
        return []
    return organization_ids_with(actor, Capability.PUBLISH)


def is_publisher(actor) -> bool:
    """May open the publisher's pages at all."""
    ids = publisher_organization_ids(actor)
    return ids is None or bool(ids)


def can_publish_for(actor, organization_id: int) -> bool:
    """Publish, replace, explain and record events for this body (a key needs write access)."""
    if _key_organization_id(actor) is not None and not getattr(actor, "can_write", False):
        return False
    ids = publisher_organization_ids(actor)
    return ids is None or organization_id in ids


def publisher_disclosures(actor):
    """The disclosures ``actor`` may publish (the publisher's list)."""
    from .models import Disclosure

    ids = publisher_organization_ids(actor)
    if ids is None:
        return Disclosure.objects.all()
    return Disclosure.objects.filter(organization_id__in=ids)


def get_disclosure_for_publisher(actor, code: str):
    """The disclosure with this code if ``actor`` publishes for its body, else 404."""
    disclosure = publisher_disclosures(actor).select_related("requirement", "organization").filter(code=code).first()
    if disclosure is None or not can_publish_for(actor, disclosure.organization_id):
        raise Http404
    return disclosure


def public_disclosures():
    """Every disclosure of a public, active body: schedules, compliance and published items are
    public, as the Glass Account law means them to be."""
    from .models import Disclosure

    return Disclosure.objects.filter(organization__is_public=True, organization__is_active=True)


def get_public_disclosure(code: str):
    disclosure = public_disclosures().select_related("requirement", "organization", "aimag").filter(code=code).first()
    if disclosure is None:
        raise Http404
    return disclosure


# --- facility data that citizens check


# --- budgets and transfers, Local Development Fund projects
