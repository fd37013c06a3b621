from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class EmailOrPhoneBackend(ModelBackend):
    """Log in with an e-mail address or a phone number (any common Mongolian format)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        User = get_user_model()
        identifier = username or kwargs.get(User.USERNAME_FIELD)
        if not identifier or password is None:
            return None
        try:
            user = User.objects.get_by_identifier(identifier)
        except User.DoesNotExist:
            User().set_password(password)  # same work as a real check: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def login_identifier(request, credentials) -> str:
    """The key failed logins are counted under: one per account, however it was typed.

    An identifier that names an account (its e-mail in any case, or its phone in any format) is
    counted under the account's e-mail, which is also the key a successful login resets.
    """
    from iltod.lib.phones import normalize_phone

    raw = (credentials or {}).get("username") or request.POST.get("identifier", "")
    raw = raw.strip().lower()
    User = get_user_model()
    try:
        return User.objects.get_by_identifier(raw).email.lower()
    except User.DoesNotExist:
        pass
    if "@" in raw:
        return raw
    return normalize_phone(raw) or raw
