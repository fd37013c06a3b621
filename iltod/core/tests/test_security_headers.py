"""Every page carries a Content-Security-Policy without inline script or style, a
Permissions-Policy and a Referrer-Policy; no template holds inline script or style."""

import re
from pathlib import Path

import pytest
from django.conf import settings

TEMPLATE_DIRS = [Path(settings.BASE_DIR) / "iltod"]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.parametrize("url", ["/", "/account/login/", "/feedback/new/", "/api/docs/", "/api/v1/sectors/"])
def test_pages_send_a_content_security_policy_without_inline_code(client, db, url):
    response = client.get(url, follow=True)
    assert response.status_code == 200
    directives = policy(response)
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert not any("'unsafe-inline'" in values or "'unsafe-eval'" in values for values in directives.values())


def test_pages_send_a_permissions_policy_and_a_referrer_policy(client, db):
    response = client.get("/")
    assert "camera=()" in response["Permissions-Policy"]
    assert "microphone=()" in response["Permissions-Policy"]
    assert "geolocation=(self)" in response["Permissions-Policy"]  # "facilities near me"
    assert response["Referrer-Policy"] == "same-origin"  # a citizen's tracking link never leaves the site


def test_the_api_docs_page_loads_its_start_up_script_from_a_file(client, db):
    page = client.get("/api/docs/").content.decode()
    assert not INLINE_SCRIPT.search(page)
    assert not INLINE_STYLE.search(page)
    script_url = re.search(r'<script src="([^"]*script=[^"]*)"', page).group(1).replace("&amp;", "&")
    script = client.get(script_url)
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle(" in script.content


def test_no_template_holds_inline_script_event_handlers_or_inline_style():
    offenders = []
    for folder in TEMPLATE_DIRS:
        for path in folder.rglob("*.html"):
            text = path.read_text(encoding="utf-8")
            for pattern in (INLINE_SCRIPT, EVENT_HANDLER, INLINE_STYLE):
                if pattern.search(text):
                    offenders.append(f"{path.relative_to(settings.BASE_DIR)}: {pattern.search(text).group(0)}")
    assert offenders == []
