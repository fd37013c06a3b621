"""The OpenAPI schema is valid and complete; the docs page works without any CDN."""

import json
import re

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command


def test_schema_validates_without_warnings(tmp_path, db):
    out = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    assert "openapi: 3" in out.read_text()


def test_schema_endpoint_documents_every_operation(client, db):
    response = client.get("/api/schema/?format=json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    schema = json.loads(response.content)
    paths = schema["paths"]
    assert {
        "/api/v1/admin-units/",
        "/api/v1/admin-units/{code}/",
        "/api/v1/facilities/",
        "/api/v1/facilities/{code}/",
        "/api/v1/organizations/",
        "/api/v1/organizations/{code}/",
        "/api/v1/feedback/",
        "/api/v1/feedback/{tracking_code}/",
        "/api/v1/statistics/",
        "/api/v1/statistics/admin-units/{code}/",
        "/api/v1/statistics/facilities/{code}/",
        "/api/v1/staff/feedback/",
        "/api/v1/staff/feedback/{tracking_code}/",
        "/api/v1/staff/feedback/{tracking_code}/status/",
        "/api/v1/staff/feedback/{tracking_code}/respond/",
        "/api/v1/staff/feedback/{tracking_code}/assign/",
        "/api/v1/staff/feedback/{tracking_code}/refer/",
    } <= set(paths)
    assert set(schema["components"]["securitySchemes"]) == {"ApiKeyBearer", "ApiKeyHeader", "cookieAuth"}
    for path, item in paths.items():
        assert "{id}" not in path and "{pk}" not in path  # public codes only
        for method, operation in item.items():
            assert {"400", "401", "403", "404", "429"} <= set(operation["responses"]), (method, path)
            anonymous = {} in operation["security"]
            # reading public data and giving feedback need no key; the staff API and every other
            # write (a publisher's) do
            # (an OCDS import's status is its publisher's only)
            private = path == "/api/v1/procurement/ocds/jobs/{code}/"
            public = (method == "get" and not private) or (method, path) == ("post", "/api/v1/feedback/")
            assert anonymous is (not path.startswith("/api/v1/staff/") and public), (method, path)
    # public feedback has no reporter fields at all
    public = schema["components"]["schemas"]["PublicFeedbackDetail"]["properties"]
    assert not {"name", "phone", "email", "reporter", "privacy"} & set(public)


def test_docs_page_uses_the_vendored_swagger_ui(client, db):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets
    script = "/api/docs/?script="  # the start-up script, served apart for the Content-Security-Policy
    for asset in assets:
        if asset == script:
            continue
        assert asset.startswith(settings.STATIC_URL), asset
        assert finders.find(asset.removeprefix(settings.STATIC_URL)), asset
    assert script in assets
    assert "cdn" not in html.lower()
    start_up = client.get(script).content.decode()
    assert '"validatorUrl": null' in start_up  # Swagger UI would otherwise call an online validator
    assert client.get("/api/").url == "/api/docs/"
