from django.utils.functional import SimpleLazyObject

from .capabilities import Capability
from .permissions import has_capability


def capabilities(request):
    """Lazy flags for the navigation; each costs a query only when a template reads it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "can_handle_feedback": SimpleLazyObject(lambda: has_capability(user, Capability.HANDLE_FEEDBACK)),
        "can_run_scorecards": SimpleLazyObject(lambda: has_capability(user, Capability.RUN_SCORECARDS)),
    }
