"""The production switch, checked in a fresh process as a deployment would start it."""

import os
import secrets
import string
import subprocess
import sys

from django.conf import settings

MANAGE = str(settings.BASE_DIR / "manage.py")
# Variables that would change what is checked; the test sets the ones it needs.
CLEARED = {
    "DJANGO_ENV",
    "SECRET_KEY",
    "SECRET_KEY_FILE",
    "DEBUG",
    "ALLOWED_HOSTS",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "BEHIND_TLS_PROXY",
    "DJANGO_SETTINGS_MODULE",
    "REQUIRE_STAFF_2FA",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # set while a browser test runs; check --deploy warns about it
}


def manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if k not in CLEARED}
    environment.update(env)
    return subprocess.run(
        [sys.executable, MANAGE, *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=str(settings.BASE_DIR),
    )


def random_secret_key(length=50):
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    return "".join(secrets.choice(alphabet) for _ in range(length))


def test_check_deploy_passes_without_warnings_under_production_settings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_ENV="production",
        SECRET_KEY=random_secret_key(),
        ALLOWED_HOSTS="example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stderr


def test_check_deploy_warns_about_a_weak_secret_key():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_ENV="production",
        SECRET_KEY="short",
        ALLOWED_HOSTS="example.org",
    )
    assert result.returncode != 0
    assert "security.W009" in result.stderr


def test_production_without_a_secret_key_refuses_to_start():
    result = manage("check", DJANGO_ENV="production", ALLOWED_HOSTS="example.org")
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY (or SECRET_KEY_FILE) must be set in production" in result.stderr


def test_an_unknown_environment_name_refuses_to_start():
    result = manage("check", DJANGO_ENV="prod")
    assert result.returncode != 0
    assert "DJANGO_ENV must be development, production or test" in result.stderr


def test_a_mistyped_boolean_refuses_to_start():
    result = manage(
        "check", DJANGO_ENV="production", SECRET_KEY=random_secret_key(), ALLOWED_HOSTS="example.org", DEBUG="flase"
    )
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


def test_production_settings_switch_on_the_hardening_with_the_secret_key_read_from_a_file(tmp_path):
    secret = tmp_path / "secret_key"
    secret.write_text(random_secret_key() + "\n", encoding="utf-8")
    code = (
        "from django.conf import settings as s;"
        "print(len(s.SECRET_KEY), s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS, s.REQUIRE_STAFF_2FA, s.ALLOWED_HOSTS, s.PASSWORD_HASHERS[0].rsplit('.', 1)[1])"
    )
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        code,
        DJANGO_ENV="production",
        SECRET_KEY_FILE=str(secret),
        ALLOWED_HOSTS="example.org",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "50",
        "False",
        "True",
        "True",
        "True",
        "31536000",
        "True",
        "['example.org']",
        "PBKDF2PasswordHasher",
    ]


def test_the_test_settings_use_a_fast_password_hasher():
    assert settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.MD5PasswordHasher"]
