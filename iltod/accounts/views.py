import re

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_ratelimit import ALL
from django_ratelimit.core import get_usage

from .audit import AuditAction
from .capabilities import Capability
from .forms import DisableTwoFactorForm, LoginForm, TokenForm
from .permissions import has_capability
from .services import log_event

PENDING_USER = "iltod_2fa_pending_user"
PENDING_BACKEND = "iltod_2fa_pending_backend"
PENDING_NEXT = "iltod_2fa_pending_next"
BACKUP_CODES = "iltod_2fa_backup_codes"


def _safe_next(request, default="accounts:account"):
    """The ``next`` URL if it stays on this site, else the URL of ``default`` (a URL name or "")."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(default) if default else ""


def _landing(user) -> str:
    """Where a login without ``next`` ends: the inbox for those who handle feedback (their daily
    work), the account page for everyone else. A URL name, not an import: accounts stays below
    feedback."""
    if has_capability(user, Capability.HANDLE_FEEDBACK):
        return resolve_url("feedback:inbox")
    return resolve_url("accounts:account")


def _has_second_factor(user) -> bool:
    return any(True for _device in devices_for_user(user, confirmed=True))


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login_view(request):
    if request.user.is_authenticated and request.method == "GET" and not _safe_next(request, ""):
        # With a ``next`` (e.g. from /admin/ for a user without access) show the form instead:
        # redirecting back would loop, and the user may want to log in as someone else.
        return redirect("accounts:account")
    if request.method == "POST" and _address_throttled(request):
        return locked_out(request, per_address=True)
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        if _has_second_factor(user):
            request.session[PENDING_USER] = user.pk
            request.session[PENDING_BACKEND] = user.backend
            request.session[PENDING_NEXT] = _safe_next(request, "")
            return redirect("accounts:login_verify")
        login(request, user)
        log_event(user, AuditAction.LOGIN, user, request=request, second_factor=False)
        return HttpResponseRedirect(_safe_next(request, "") or _landing(user))
    if request.method == "POST" and form.has_error(NON_FIELD_ERRORS, "invalid_login"):
        _address_throttled(request, count_failure=True)
    return render(request, "accounts/login.html", {"form": form, "next": _safe_next(request, "")})


@sensitive_post_parameters("token")
@csrf_protect
@never_cache
def login_verify(request):
    """Second step of a login: the one-time code."""
    User = get_user_model()
    user = User.objects.filter(pk=request.session.get(PENDING_USER), is_active=True).first()
    if user is None:
        return redirect("accounts:login")
    form = TokenForm(user, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        next_url = request.session.get(PENDING_NEXT) or _landing(user)
        backend = request.session.get(PENDING_BACKEND)
        login(request, user, backend=backend)
        otp_login(request, form.verified_device)
        log_event(user, AuditAction.LOGIN, user, request=request, second_factor=True)
        return HttpResponseRedirect(next_url)
    if request.method == "POST":
        log_event(None, AuditAction.SECOND_FACTOR_FAILED, user, request=request)
    return render(request, "accounts/login_verify.html", {"form": form})


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        log_event(request.user, AuditAction.LOGOUT, request.user, request=request)
    logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


@login_required
def account(request):
    memberships = request.user.memberships.filter(is_active=True).select_related("organization")
    return render(
        request,
        "accounts/account.html",
        {
            "memberships": memberships,
            "has_second_factor": _has_second_factor(request.user),
            "second_factor_required": settings.REQUIRE_STAFF_2FA and request.user.acts_for_organization,
        },
    )


def _qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=4, dark="#111", light="#fff")


@login_required
@never_cache
def two_factor_setup(request):
    user = request.user
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if confirmed and request.user.is_verified():
        codes = request.session.pop(BACKUP_CODES, None)
        return render(request, "accounts/two_factor_done.html", {"backup_codes": codes})
    if confirmed:
        # Enrolled but this session is not verified yet: ask for a code.
        form = TokenForm(user, data=request.POST or None)
        if request.method == "POST" and form.is_valid():
            otp_login(request, form.verified_device)
            return HttpResponseRedirect(_safe_next(request))
        return render(request, "accounts/login_verify.html", {"form": form})

    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    form = TokenForm(user, data=request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            static, _created = StaticDevice.objects.get_or_create(
                user=user, name="backup", defaults={"confirmed": True}
            )
            static.token_set.all().delete()
            codes = [StaticToken.random_token() for _ in range(10)]
            StaticToken.objects.bulk_create(StaticToken(device=static, token=c) for c in codes)
            log_event(user, AuditAction.SECOND_FACTOR_ENABLED, user, request=request)
        otp_login(request, device)
        request.session[BACKUP_CODES] = codes
        messages.success(request, _("Two-step verification is on."))
        return redirect("accounts:two_factor_setup")
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": _qr_svg(device.config_url),
            "secret": _base32(device.bin_key),
            "required": request.GET.get("required") == "1",
        },
    )


def _base32(key: bytes) -> str:
    import base64

    raw = base64.b32encode(key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


@login_required
@never_cache
def two_factor_disable(request):
    if settings.REQUIRE_STAFF_2FA and request.user.acts_for_organization:
        messages.error(request, _("Two-step verification is required for your account."))
        return redirect("accounts:account")
    form = DisableTwoFactorForm(request.user, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            TOTPDevice.objects.filter(user=request.user).delete()
            StaticDevice.objects.filter(user=request.user).delete()
            log_event(request.user, AuditAction.SECOND_FACTOR_DISABLED, request.user, request=request)
        messages.success(request, _("Two-step verification is off."))
        return redirect("accounts:account")
    return render(request, "accounts/two_factor_disable.html", {"form": form})


def _address_throttled(request, *, count_failure: bool = False) -> bool:
    """Whether the request's address has failed to log in LOGIN_FAILURES_PER_IP times already,
    whichever accounts it tried (django-axes locks each account per address; this stops one address
    trying a few passwords on many accounts). With ``count_failure`` one more failure is counted."""
    usage = get_usage(
        request,
        group="accounts.login.address",
        key="ip",
        rate=settings.LOGIN_FAILURES_PER_IP,
        method=ALL,
        increment=count_failure,
    )
    return usage is not None and usage["count"] >= usage["limit"]


def _window_minutes(rate: str) -> int:
    """The window of a django-ratelimit rate ("20/15m": 15) in whole minutes, at least 1."""
    number, unit = re.fullmatch(r"\d+/(\d*)([smhd])", rate).groups()
    seconds = int(number or 1) * {"s": 1, "m": 60, "h": 3600, "d": 86400}[unit]
    return max(1, round(seconds / 60))


def locked_out(request, credentials=None, *args, per_address=False, **kwargs):
    """Shown by django-axes after too many failed logins on an account, and after too many from
    one address (``per_address``)."""
    if per_address:
        minutes = _window_minutes(settings.LOGIN_FAILURES_PER_IP)
    else:
        minutes = int(settings.AXES_COOLOFF_TIME * 60)
    return render(
        request,
        "accounts/locked_out.html",
        {"minutes": minutes, "per_address": per_address},
        status=429,
    )
