from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

EXEMPT_PREFIXES = ("/static/", "/media/", "/i18n/", "/health")


class StaffSecondFactorMiddleware:
    """With REQUIRE_STAFF_2FA on, anyone acting for an organisation must pass a second factor.

    A logged-in staff user whose session has not been verified with a one-time password is sent
    to enrol (or to verify) before anything else; logging out is always possible.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            settings.REQUIRE_STAFF_2FA
            and user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(EXEMPT_PREFIXES)
            and request.path not in self.exempt_paths()
            and user.acts_for_organization
        ):
            return redirect(f"{reverse('accounts:two_factor_setup')}?required=1")
        return self.get_response(request)

    @staticmethod
    def exempt_paths() -> set[str]:
        return {reverse("accounts:two_factor_setup"), reverse("accounts:logout")}
