"""The REST framework's own messages (required fields, bad pages, missing keys) answer in Mongolian,
the API's default language, as the API's own do. Django REST framework ships no Mongolian catalogue:
Iltod keeps one (iltod/api/framework/locale) and this checks that it covers every message the
framework has, and that each is listed in iltod/api/framework/messages.py, which makemessages reads."""

import gettext
from pathlib import Path

import pytest
import rest_framework
from django.utils import translation

from iltod.api.framework.messages import MESSAGES

# Words of the browsable API and of the token app, which Iltod does not use.
NOT_SHOWN = {
    "Auth Token", "Created", "Extra Actions", "Filters", "Key", "None", "Ordering", "Password", "Search",
    "Token", "Tokens", "User", "Username", "UUID string", "content", "main content", "navbar", "request form",
    "request info", "response info", "unique integer value", "unique value",
}  # fmt: skip


def framework_messages() -> set[str]:
    catalogue = Path(rest_framework.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.mo"
    with catalogue.open("rb") as handle:
        keys = gettext.GNUTranslations(handle)._catalog
    return {key[0] if isinstance(key, tuple) else key for key in keys if key} - NOT_SHOWN


def test_every_message_of_the_framework_has_a_mongolian_translation():
    messages = framework_messages()
    assert len(messages) > 80
    with translation.override("mn"):
        missing = sorted(m for m in messages if translation.gettext(m) == m)
    assert not missing, "Django REST framework messages with no Mongolian translation:\n" + "\n".join(missing)
    assert messages <= set(MESSAGES), sorted(messages - set(MESSAGES))


@pytest.mark.django_db
def test_the_api_answers_the_frameworks_errors_in_the_visitors_language(client):
    unauthenticated = client.get("/api/v1/procurement/ocds/", HTTP_ACCEPT_LANGUAGE="mn").json()
    assert unauthenticated["error"]["message"].startswith("Нэвтрэх мэдээлэл")
    required = client.post("/api/v1/feedback/", "{}", content_type="application/json", HTTP_ACCEPT_LANGUAGE="mn")
    assert required.json()["error"]["fields"]["description"] == ["Энэ талбарыг бөглөх шаардлагатай."]
    english = client.get("/api/v1/procurement/ocds/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["error"]["message"] == "Authentication credentials were not provided."
