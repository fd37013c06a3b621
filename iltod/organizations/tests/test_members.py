import re

import pytest
from django.core import mail
from django.urls import reverse

from iltod.accounts.capabilities import Role
from iltod.accounts.models import AuditEvent, Membership, User
from iltod.accounts.permissions import has_capability


@pytest.fixture
def org_admin(personas, password):
    from iltod.accounts.services import grant_membership
    from iltod.core.testing import make_user

    user = make_user("head@example.mn", "Department Head")
    grant_membership(actor=personas.admin, user=user, organization=personas.education_dept, role=Role.ADMIN)
    return user


def members_url(org):
    return reverse("organizations:members", args=[org.code])


@pytest.mark.parametrize(
    "who",
    ["citizen", "monitor", "provider", "officer", "other_officer", "coordinator", "analyst"],
)
def test_people_without_the_capability_get_not_found(client, personas, who):
    client.force_login(getattr(personas, who))
    assert client.get(members_url(personas.education_dept)).status_code == 404


def test_anonymous_visitors_are_sent_to_login(client, personas):
    response = client.get(members_url(personas.education_dept))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_an_organisation_admin_sees_its_members(client, personas, org_admin, django_assert_max_num_queries):
    client.force_login(org_admin)
    with django_assert_max_num_queries(12):
        response = client.get(members_url(personas.education_dept))
    assert response.status_code == 200
    assert personas.officer.email in response.content.decode()


def test_admin_of_one_organisation_cannot_manage_another(client, personas, org_admin):
    client.force_login(org_admin)
    assert client.get(members_url(personas.other_dept)).status_code == 404


def test_adding_a_new_person_creates_an_account_and_mails_a_set_password_link(
    client, personas, org_admin, django_capture_on_commit_callbacks
):
    client.force_login(org_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            members_url(personas.education_dept),
            {
                "email": "New.Officer@Example.mn",
                "full_name": "Шинэ ажилтан",
                "role": Role.OFFICER,
                "title": "мэргэжилтэн",
            },
        )
    assert response.status_code == 302
    user = User.objects.get(email="new.officer@example.mn")
    assert not user.has_usable_password()
    assert has_capability(user, "can_handle_feedback", personas.education_dept)
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/account/password-reset/\S+/", mail.outbox[0].body).group(0)
    path = link.split("testserver", 1)[1]
    client.logout()
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-long-new-pass-2026", "new_password2": "a-long-new-pass-2026"},
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-long-new-pass-2026")
    assert AuditEvent.objects.filter(action="membership.granted", target_id=str(user.memberships.get().pk)).exists()


def test_changing_the_role_of_an_existing_member_updates_capabilities(client, personas, org_admin):
    client.force_login(org_admin)
    client.post(members_url(personas.education_dept), {"email": personas.officer.email, "role": Role.ANALYST})
    membership = Membership.objects.get(user=personas.officer, organization=personas.education_dept)
    assert membership.role == Role.ANALYST
    assert not membership.can_handle_feedback
    assert not membership.can_view_reporter_identity
    assert len(mail.outbox) == 0


def test_a_network_admin_cannot_grant_the_admin_role(client, personas):
    client.force_login(personas.network_admin)
    response = client.post(members_url(personas.network), {"email": "someone@example.mn", "role": Role.ADMIN})
    assert response.status_code == 200
    assert "role" in response.context["form"].errors
    assert not User.objects.filter(email="someone@example.mn").exists()


def test_bad_input_is_reported_and_nothing_is_saved(client, personas, org_admin):
    client.force_login(org_admin)
    before = Membership.objects.count()
    response = client.post(members_url(personas.education_dept), {"email": "not-an-email", "role": "emperor"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"email", "role"}
    assert Membership.objects.count() == before


def test_removing_a_member_keeps_the_history(client, personas, org_admin):
    client.force_login(org_admin)
    membership = Membership.objects.get(user=personas.officer, organization=personas.education_dept)
    url = reverse("organizations:member_remove", args=[personas.education_dept.code, membership.pk])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    membership.refresh_from_db()
    assert membership.is_active is False
    assert not has_capability(personas.officer, "can_handle_feedback")
    assert AuditEvent.objects.filter(action="membership.revoked", target_id=str(membership.pk)).exists()


def test_a_member_of_another_organisation_cannot_be_removed_through_this_one(client, personas, org_admin):
    client.force_login(org_admin)
    foreign = Membership.objects.get(user=personas.other_officer)
    url = reverse("organizations:member_remove", args=[personas.education_dept.code, foreign.pk])
    assert client.post(url).status_code == 404
    foreign.refresh_from_db()
    assert foreign.is_active


def test_admins_cannot_remove_themselves(client, personas, org_admin):
    client.force_login(org_admin)
    own = Membership.objects.get(user=org_admin)
    client.post(reverse("organizations:member_remove", args=[personas.education_dept.code, own.pk]))
    own.refresh_from_db()
    assert own.is_active
