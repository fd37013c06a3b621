"""Who may do what in results. One guard per rule; the web pages, the API and the admin use them.

- Everyone reads a public framework, its dashboards, the ranking, the inclusion view and the feeds.
- Members holding ``can_manage_results`` (M&E staff; platform administrators) edit the framework,
  set targets, enter manual actuals and approve those someone else entered (never their own).
"""

from django.http import Http404

from iltod.accounts.capabilities import Capability
from iltod.accounts.permissions import has_capability

from .models import Framework, ManualActual


def can_manage_results(user) -> bool:
    return has_capability(user, Capability.MANAGE_RESULTS)


def can_review(user, entry: ManualActual) -> bool:
    """The checker: a results manager who is not the maker, on an entry still waiting."""
    return (
        can_manage_results(user)
        and entry.status == ManualActual.Status.PENDING
        and entry.entered_by_id is not None
        and entry.entered_by_id != user.pk
    )


def visible_frameworks(user):
    """Public frameworks for everyone; hidden ones too for results managers (pages and API)."""
    frameworks = Framework.objects.all()
    return frameworks if can_manage_results(user) else frameworks.filter(is_public=True)


def get_framework_for_user(user, code: str) -> Framework:
    """A framework the user may read (``visible_frameworks``). 404 otherwise."""
    framework = visible_frameworks(user).filter(code=code).first()
    if framework is None:
        raise Http404
    return framework


def can_read_evidence(user, entry: ManualActual) -> bool:
    """The evidence file of a manual actual: for those who enter and approve actuals only (the
    entries are not public; the approved value is)."""
    return can_manage_results(user)
