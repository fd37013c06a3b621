"""The back office speaks Mongolian for the third-party apps too: django-otp's and django-axes'
apps, models, fields and sections have Mongolian labels."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from iltod.core.testing.visible_text import english_words, visible_text

PAGES = [
    reverse("admin:index"),
    reverse("admin:otp_totp_totpdevice_changelist"),
    reverse("admin:otp_static_staticdevice_changelist"),
    reverse("admin:axes_accessattempt_changelist"),
    reverse("admin:axes_accesslog_changelist"),
    reverse("admin:axes_accessfailurelog_changelist"),
]


# What stays English and is not ours to translate: the admin's boolean icons name Python's values,
# axes' and django-otp's objects name themselves in English, and the help texts of read-only
# fields come from django-otp's model fields (changing them would change its migration state).
NOT_OURS = re.compile(r"^(True|False|None|<unknown>|Access Log for .*|.*\(root@example\.mn\)|phone|backup)$")
READ_ONLY_HELP = {
    "The date and time when this device was initially created in the system.",
    "The most recent date and time this device was used.",
}


@pytest.fixture
def admin_client_mn(client, db):
    admin = get_user_model().objects.create_superuser(email="root@example.mn", password="x" * 20)
    client.force_login(admin)
    client.cookies["django_language"] = "mn"
    TOTPDevice.objects.create(user=admin, name="phone", confirmed=True)
    StaticDevice.objects.create(user=admin, name="backup", confirmed=True)
    client.get(reverse("admin:index"))  # a login and a page view: rows for axes' access log
    return client, admin


def english_on(client, path) -> list[str]:
    response = client.get(path)
    assert response.status_code == 200, path
    page = response.content.decode()
    main = page[page.index('<div id="content"') :]  # the page, not the admin's own header
    parts = visible_text('<html lang="mn">' + main)
    return [p for p in english_words(parts) if not NOT_OURS.match(p.split(" - ")[-1]) and p not in READ_ONLY_HELP]


@pytest.mark.parametrize("path", PAGES)
def test_third_party_apps_lists_show_no_english_in_mongolian(admin_client_mn, path):
    client, _admin = admin_client_mn
    assert english_on(client, path) == []


def test_the_change_pages_of_the_second_factor_devices_show_no_english_in_mongolian(admin_client_mn):
    client, admin = admin_client_mn
    for path in (
        reverse("admin:otp_totp_totpdevice_change", args=[TOTPDevice.objects.get(user=admin).pk]),
        reverse("admin:otp_static_staticdevice_change", args=[StaticDevice.objects.get(user=admin).pk]),
    ):
        assert english_on(client, path) == [], path


def test_the_index_names_the_apps_and_models_in_mongolian(admin_client_mn):
    client, _admin = admin_client_mn
    html = client.get(reverse("admin:index")).content.decode()
    for name in (
        "Хоёр шаттай баталгаажуулалт: баталгаажуулах аппликейшн",
        "Нэвтрэх оролдлого, түгжээ",
        "Нөөц кодын багцууд",
    ):
        assert name in html


def test_the_labels_change_no_migration():
    """Only labels change at run time: the fields' original arguments stay as django-otp wrote them."""
    assert TOTPDevice._meta.get_field("key")._verbose_name is None
    assert "verbose_name" not in TOTPDevice._meta.get_field("key").deconstruct()[3]
    assert TOTPDevice._meta.original_attrs["verbose_name"] == "TOTP device"
