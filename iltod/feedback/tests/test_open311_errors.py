"""Everything under /open311/v2/ answers in the specification's error form, in the asked format:
``[{"code": 404, "description": "…"}]`` or ``<errors><error><code>404</code>…`` — never one of
Django's HTML pages (nor the debug page in development)."""

import pytest
import xmltodict
from django.test import Client

from iltod.accounts.models import ApiKey
from iltod.accounts.services import create_api_key
from iltod.feedback.models import Feedback


def spec_error(response, fmt: str) -> dict:
    if fmt == "json":
        assert response["Content-Type"].startswith("application/json")
        errors = response.json()
        assert isinstance(errors, list) and len(errors) == 1
        return errors[0]
    assert response["Content-Type"].startswith("text/xml")
    return xmltodict.parse(response.content)["errors"]["error"]


@pytest.mark.parametrize(
    ("path", "fmt"),
    [
        ("/open311/v2/requests/IL-26-4F7K2.JSON", "json"),  # upper-case format
        ("/open311/v2/services.XML", "xml"),
        ("/open311/v2/requests/IL 26.json", "json"),  # odd ids
        ("/open311/v2/requests/a.b.xml", "xml"),
        ("/open311/v2/requests/%2e%2e.xml", "xml"),
        ("/open311/v2/tokens/%00.json", "json"),
        ("/open311/v2/nothing-here", "json"),
        ("/open311/v2/", "json"),
        ("/open311/v2/services.csv", "json"),
    ],
)
def test_unknown_paths_odd_ids_and_upper_case_formats_are_the_specs_404(db, path, fmt):
    response = Client().get(path)
    assert response.status_code == 404
    error = spec_error(response, fmt)
    assert int(error["code"]) == 404 and error["description"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_post_without_a_csrf_token_is_never_djangos_csrf_page(personas, fmt):
    browser_like = Client(enforce_csrf_checks=True)
    for path in (f"/open311/v2/requests.{fmt}", f"/open311/v2/servicerequestupdates.{fmt}"):
        response = browser_like.post(path, {"service_code": "edu-meals", "description": "x"})
        assert response.status_code == 403
        assert "api_key" in spec_error(response, fmt)["description"]
    response = browser_like.post(f"/open311/v2/no-such-endpoint.{fmt}", {"a": "b"})
    assert response.status_code == 404 and spec_error(response, fmt)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_oversized_body_is_a_413_and_stores_nothing(personas, settings, fmt):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000
    _key, write = create_api_key(actor=personas.admin, organization=personas.cso, name="app", scope=ApiKey.Scope.WRITE)
    before = Feedback.objects.count()
    response = Client().post(
        f"/open311/v2/requests.{fmt}",
        {"api_key": write, "service_code": "other", "lat": "47.75", "long": "101.75", "description": "ё" * 3000},
    )
    assert response.status_code == 413
    assert int(spec_error(response, fmt)["code"]) == 413
    assert Feedback.objects.count() == before


def test_too_many_fields_is_a_400_in_the_specs_form(personas, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    response = Client().post("/open311/v2/requests.xml", {f"attribute[q{i}]": "x" for i in range(20)})
    assert response.status_code == 400
    assert int(spec_error(response, "xml")["code"]) == 400


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("put", "/open311/v2/requests.json"),
        ("delete", "/open311/v2/servicerequestupdates.json"),
        ("post", "/open311/v2/services.json"),
        ("post", "/open311/v2/discovery.xml"),
    ],
)
def test_a_method_an_endpoint_does_not_take_is_a_405(db, method, path):
    response = getattr(Client(), method)(path)
    assert response.status_code == 405
    assert "GET" in response["Allow"]
    assert int(spec_error(response, path.rsplit(".", 1)[1])["code"]) == 405
