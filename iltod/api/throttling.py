"""Rate limits of the API, counted in the default cache (local memory, or Redis at scale).

Anonymous callers are counted per address at the ``anon`` rate; a logged-in person (per user)
and an API key (per key) at the ``user`` rate. Rates come from ``REST_FRAMEWORK
["DEFAULT_THROTTLE_RATES"]`` and are read on each request, so settings overrides apply.
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from .access import acting_key


class ApiRateThrottle(SimpleRateThrottle):
    scope = "anon"

    def __init__(self):  # the rate depends on the caller: chosen in allow_request()
        self.rate = None

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view):
        key = acting_key(request)
        if key is not None:
            ident = f"key-{key.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def allow_request(self, request, view):
        authenticated = acting_key(request) is not None or bool(request.user and request.user.is_authenticated)
        self.scope = "user" if authenticated else "anon"
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)
