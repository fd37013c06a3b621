"""A NUL character (%00) in an address is a 400, never a 500: PostgreSQL refuses it in a query,
and pages that looked a parameter up answered 500 there."""

import pytest

from iltod.api.tests.test_errors import error


@pytest.mark.parametrize(
    "url",
    [
        "/facilities/?area=%00",
        "/places/%00/",
        "/feedback/new/?facility=%00",
        "/facilities/?q=abc%00",
        "/feedback/track/?code=%00",
    ],
)
def test_a_nul_in_a_site_address_is_a_400(client, db, url):
    assert client.get(url).status_code == 400


def test_the_api_answers_it_in_its_own_format(client, db):
    assert error(client.get("/api/v1/facilities/?area=%00"), 400)["code"] == "invalid"


def test_ordinary_addresses_are_untouched(client, db):
    assert client.get("/facilities/?q=100").status_code == 200
