import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from iltod.accounts.capabilities import Capability, Role
from iltod.accounts.models import AuditEvent, Membership
from iltod.accounts.permissions import (
    can_edit_organization,
    can_manage_members,
    has_capability,
    organization_ids_with,
)
from iltod.accounts.services import events_for, grant_membership, revoke_membership
from iltod.core.testing import make_user

C = Capability
ALL = set(C.values)

# The role table of docs/accounts.md, written out so that a change to the defaults shows up here.
EXPECTED = {
    "citizen": set(),
    "monitor": {C.RUN_SCORECARDS, C.MONITOR_PROCUREMENT, C.VIEW_STATISTICS},
    "provider": {C.HANDLE_FEEDBACK, C.PUBLISH, C.EDIT_PROFILE},
    "officer": {C.HANDLE_FEEDBACK, C.VIEW_REPORTER_IDENTITY, C.VIEW_STATISTICS},  # a case manager
    "other_officer": {C.HANDLE_FEEDBACK, C.PUBLISH, C.VIEW_STATISTICS},
    "ministry_officer": {C.HANDLE_FEEDBACK, C.PUBLISH, C.VIEW_STATISTICS},
    "coordinator": {C.COORDINATE_GROUPS, C.RUN_SCORECARDS, C.VIEW_STATISTICS},
    "network_admin": {C.MANAGE_NETWORK, C.MANAGE_MEMBERS, C.EDIT_PROFILE, C.VIEW_STATISTICS},
    "analyst": {C.VIEW_STATISTICS, C.MANAGE_RESULTS},
    "admin": ALL,
}


def test_each_persona_holds_exactly_the_capabilities_of_its_role(personas):
    for persona, expected in EXPECTED.items():
        user = getattr(personas, persona)
        held = {c for c in C.values if has_capability(user, c)}
        assert held == expected, persona


def test_a_capability_is_held_only_in_the_organisation_of_the_membership(personas):
    assert has_capability(personas.officer, C.HANDLE_FEEDBACK, personas.education_dept)
    assert not has_capability(personas.officer, C.HANDLE_FEEDBACK, personas.other_dept)
    assert has_capability(personas.other_officer, C.HANDLE_FEEDBACK, personas.other_dept)
    assert not has_capability(personas.other_officer, C.HANDLE_FEEDBACK, personas.education_dept)


def test_a_superuser_holds_every_capability_in_every_organisation(personas):
    for capability in C.values:
        assert has_capability(personas.admin, capability, personas.other_dept)


def test_an_inactive_superuser_holds_nothing(personas):
    personas.admin.is_active = False
    assert not has_capability(personas.admin, C.HANDLE_FEEDBACK)


def test_an_inactive_membership_grants_nothing(personas):
    membership = Membership.objects.get(user=personas.provider)
    revoke_membership(actor=personas.admin, membership=membership)
    assert not any(has_capability(personas.provider, c) for c in C.values)
    assert organization_ids_with(personas.provider, C.HANDLE_FEEDBACK) == []
    assert not membership.has(C.HANDLE_FEEDBACK)


def test_a_membership_of_an_inactive_organisation_grants_nothing(personas):
    personas.school_org.is_active = False
    personas.school_org.save(update_fields=["is_active"])
    assert not has_capability(personas.provider, C.HANDLE_FEEDBACK)


def test_an_inactive_or_anonymous_user_holds_nothing(personas):
    personas.provider.is_active = False
    assert not has_capability(personas.provider, C.HANDLE_FEEDBACK)
    assert not has_capability(AnonymousUser(), C.HANDLE_FEEDBACK)
    assert not has_capability(None, C.HANDLE_FEEDBACK)


def test_asking_for_an_unknown_capability_is_a_programming_error(personas):
    with pytest.raises(ValueError, match="can_fly"):
        has_capability(personas.admin, "can_fly")
    with pytest.raises(ValueError, match="can_fly"):
        Membership.objects.with_capability("can_fly")


def test_organization_ids_with_lists_where_a_user_holds_a_capability(personas):
    org = personas.other_dept
    grant_membership(actor=personas.admin, user=personas.officer, organization=org, role=Role.OFFICER)
    assert sorted(organization_ids_with(personas.officer, C.HANDLE_FEEDBACK)) == sorted(
        [personas.education_dept.pk, org.pk]
    )
    assert organization_ids_with(personas.officer, C.VIEW_REPORTER_IDENTITY) == [personas.education_dept.pk]


def test_member_management_and_profile_editing_helpers(personas):
    assert can_manage_members(personas.network_admin, personas.network)
    assert not can_manage_members(personas.network_admin, personas.cso)
    assert can_edit_organization(personas.provider, personas.school_org)
    assert not can_manage_members(personas.provider, personas.school_org)
    assert can_manage_members(personas.admin, personas.cso)


# grant_membership


def test_granting_applies_the_role_defaults_and_the_overrides(personas):
    user = make_user("new@example.mn")
    membership = grant_membership(
        actor=personas.admin,
        user=user,
        organization=personas.other_dept,
        role=Role.OFFICER,
        title="Head",
        capabilities={"can_view_reporter_identity": True, "can_publish": False},
    )
    held = {c for c in C.values if getattr(membership, c)}
    assert held == {C.HANDLE_FEEDBACK, C.VIEW_STATISTICS, C.VIEW_REPORTER_IDENTITY}
    assert membership.role == Role.OFFICER
    assert membership.title == "Head"
    assert membership.is_active


def test_granting_writes_an_audit_event_with_every_value(personas):
    user = make_user("new@example.mn")
    membership = grant_membership(actor=personas.admin, user=user, organization=personas.cso, role=Role.ANALYST)
    event = events_for(membership).get()
    assert event.action == "membership.granted"
    assert event.actor == personas.admin
    assert event.data["user"] == "new@example.mn"
    assert event.data["organization"] == str(personas.cso)
    assert event.data["changes"]["role"] == [Role.ANALYST, Role.ANALYST]
    assert event.data["changes"][C.VIEW_STATISTICS] == [False, True]
    assert event.data["changes"][C.HANDLE_FEEDBACK] == [False, False]


def test_changing_a_role_records_only_what_changed(personas):
    membership = Membership.objects.get(user=personas.analyst)
    grant_membership(
        actor=personas.admin,
        user=personas.analyst,
        organization=personas.ministry,
        role=Role.ANALYST,
        capabilities={"can_publish": True},
    )
    event = events_for(membership).filter(action="membership.changed").get()
    assert event.data["changes"] == {C.PUBLISH: [False, True]}

    grant_membership(actor=personas.admin, user=personas.analyst, organization=personas.ministry, role=Role.OFFICER)
    event = events_for(membership).filter(action="membership.changed").first()
    assert event.data["changes"] == {
        "role": [Role.ANALYST, Role.OFFICER],
        C.HANDLE_FEEDBACK: [False, True],
        C.MANAGE_RESULTS: [True, False],
    }
    membership.refresh_from_db()
    assert membership.role == Role.OFFICER
    assert Membership.objects.filter(user=personas.analyst).count() == 1


def test_granting_again_reactivates_a_revoked_membership_and_keeps_the_title(personas):
    membership = grant_membership(
        actor=personas.admin, user=personas.citizen, organization=personas.cso, role=Role.MEMBER, title="Volunteer"
    )
    revoke_membership(actor=personas.admin, membership=membership)
    membership.refresh_from_db()
    assert not membership.is_active
    again = grant_membership(actor=personas.admin, user=personas.citizen, organization=personas.cso, role=Role.MONITOR)
    assert again.pk == membership.pk
    assert again.is_active
    assert again.title == "Volunteer"
    assert [e.action for e in events_for(membership)] == [
        "membership.changed",
        "membership.revoked",
        "membership.granted",
    ]


def test_granting_an_unknown_capability_saves_nothing(personas):
    user = make_user("new@example.mn")
    with pytest.raises(ValueError, match="can_fly"):
        grant_membership(
            actor=personas.admin, user=user, organization=personas.cso, role=Role.MEMBER, capabilities={"can_fly": True}
        )
    assert not Membership.objects.filter(user=user).exists()
    assert not AuditEvent.objects.filter(action="membership.granted", data__user="new@example.mn").exists()


def test_acting_for_an_organisation_means_an_active_membership_or_back_office_access(personas):
    assert personas.provider.acts_for_organization
    assert personas.admin.acts_for_organization
    assert not personas.citizen.acts_for_organization
    Membership.objects.filter(user=personas.provider).update(is_active=False)
    assert not personas.provider.acts_for_organization


def test_adding_a_membership_in_the_back_office_applies_the_role_defaults_and_is_recorded(client, personas):
    client.force_login(personas.admin)
    user = make_user("new@example.mn")
    response = client.post(
        reverse("admin:accounts_membership_add"),
        {"user": user.pk, "organization": personas.cso.pk, "role": Role.COORDINATOR, "title": "", "is_active": "on"},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    membership = Membership.objects.get(user=user)
    assert {c for c in C.values if getattr(membership, c)} == EXPECTED["coordinator"]
    event = events_for(membership).get()
    assert event.action == "membership.granted"
    assert event.actor == personas.admin


# The account page


def test_the_account_page_needs_a_login(client, db):
    response = client.get(reverse("accounts:account"))
    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={reverse('accounts:account')}"


def test_the_account_page_lists_memberships_with_role_and_capabilities(client, personas):
    grant_membership(
        actor=personas.admin, user=personas.officer, organization=personas.other_dept, role=Role.MEMBER, title="Adviser"
    )
    client.force_login(personas.officer)
    response = client.get(reverse("accounts:account"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    text = response.content.decode()
    assert [m.organization for m in response.context["memberships"]] == [personas.education_dept, personas.other_dept]
    assert "Arkhangai Education Department" in text
    assert "case manager" in text
    assert "see who reported (confidential)" in text
    assert "Adviser" in text
    assert "No special rights" in text
    assert "officer@example.mn" in text


def test_the_account_page_hides_revoked_memberships(client, personas):
    revoke_membership(actor=personas.admin, membership=Membership.objects.get(user=personas.analyst))
    client.force_login(personas.analyst)
    response = client.get(reverse("accounts:account"), HTTP_ACCEPT_LANGUAGE="en")
    assert list(response.context["memberships"]) == []
    assert "You are not a member of any organisation yet." in response.content.decode()


def test_every_persona_can_open_their_account_page(client, personas):
    for persona in EXPECTED:
        user = getattr(personas, persona)
        client.force_login(user)
        response = client.get(reverse("accounts:account"))
        assert response.status_code == 200, persona
        assert user.email in response.content.decode()
        assert ("/admin/" in response.content.decode()) == user.is_staff, persona
