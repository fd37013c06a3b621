"""A NUL character in an Open311 parameter is the specification's 400, never a 500 (PostgreSQL
refuses U+0000 in a query; found by the schemathesis run of iltod/api/tests/test_schema_fuzz.py)."""

import pytest


@pytest.mark.parametrize(
    "url",
    [
        "/open311/v2/services.json?jurisdiction_id=%00",
        "/open311/v2/requests.json?service_code=edu%00meals",
        "/open311/v2/servicerequestupdates.json?after=%00",
    ],
)
def test_a_nul_character_in_an_open311_parameter_is_a_400_not_a_500(client, db, url):
    # found by the schemathesis run on PostgreSQL, which refuses U+0000 in a query
    response = client.get(url)
    assert response.status_code == 400
    assert response.json()[0]["code"] == 400
