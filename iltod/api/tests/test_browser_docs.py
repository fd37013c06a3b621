"""The API docs page in a real browser: Swagger UI renders from the vendored files, talks to no
other origin (no CDN, no online validator) and logs no error."""

import pytest

from iltod.core.testing.browser import visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_docs_page_renders_the_schema_without_a_cdn(page):
    visit(page, "/api/docs/")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "Iltod API" in page.inner_text(".swagger-ui .info .title")
    page.wait_for_selector("text=/api/v1/staff/feedback/")
    assert page.locator(".opblock").count() >= 20
