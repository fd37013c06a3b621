"""The organisation administrators' page for API keys: list, create (shown once), revoke."""

import pytest

from iltod.accounts.capabilities import Role
from iltod.accounts.models import ApiKey, AuditEvent
from iltod.accounts.services import grant_membership
from iltod.core.testing import make_user


@pytest.fixture
def org_admin(personas):
    user = make_user("head@example.mn", "Department Head")
    grant_membership(actor=personas.admin, user=user, organization=personas.education_dept, role=Role.ADMIN)
    return user


def url(personas):
    return f"/api/keys/{personas.education_dept.code}/"


def test_an_organisation_admin_creates_a_key_and_sees_it_once(client, personas, org_admin):
    client.force_login(org_admin)
    response = client.post(url(personas), {"name": "hotline CRM", "scope": "write"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    key = ApiKey.objects.get(organization=personas.education_dept)
    raw = response.context["raw_key"]
    assert raw.startswith(f"il_{key.prefix}_")
    assert raw in response.content.decode()
    assert (key.name, key.scope, key.created_by) == ("hotline CRM", "write", org_admin)
    assert AuditEvent.objects.filter(action="api_key.created", actor=org_admin).exists()
    assert ApiKey.objects.authenticate(raw) == key
    again = client.get(url(personas)).content.decode()
    assert raw not in again
    assert f"il_{key.prefix}_…" in again
    assert client.get("/api/v1/staff/feedback/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200


def test_an_organisation_admin_revokes_a_key(client, personas, org_admin):
    from iltod.accounts.services import create_api_key

    key, raw = create_api_key(actor=org_admin, organization=personas.education_dept, name="old", scope="read")
    client.force_login(org_admin)
    response = client.post(f"{url(personas)}{key.prefix}/revoke/")
    assert response.status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert client.get("/api/v1/staff/feedback/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    assert "old" in client.get(url(personas)).content.decode()


def test_invalid_form_creates_nothing(client, personas, org_admin):
    client.force_login(org_admin)
    response = client.post(url(personas), {"name": "", "scope": "admin"})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"name", "scope"}
    assert not ApiKey.objects.exists()


@pytest.mark.parametrize("persona", ["citizen", "officer", "provider", "other_officer", "network_admin", "analyst"])
def test_everyone_else_gets_404(client, personas, persona):
    """Officers handle feedback for the department but do not manage it; other organisations'
    administrators manage theirs, not this one."""
    from iltod.accounts.services import create_api_key

    key, _raw = create_api_key(actor=personas.admin, organization=personas.education_dept, name="k", scope="read")
    client.force_login(getattr(personas, persona))
    assert client.get(url(personas)).status_code == 404
    assert client.post(url(personas), {"name": "x", "scope": "write"}).status_code == 404
    assert client.post(f"{url(personas)}{key.prefix}/revoke/").status_code == 404
    assert ApiKey.objects.count() == 1


def test_anonymous_visitors_are_sent_to_log_in(client, personas):
    response = client.get(url(personas))
    assert response.status_code == 302
    assert "/account/" in response.url


def test_an_admin_cannot_revoke_another_organisations_key(client, personas, org_admin):
    from iltod.accounts.services import create_api_key

    key, _raw = create_api_key(actor=personas.admin, organization=personas.other_dept, name="k", scope="read")
    client.force_login(org_admin)
    assert client.post(f"{url(personas)}{key.prefix}/revoke/").status_code == 404
    key.refresh_from_db()
    assert key.revoked_at is None
