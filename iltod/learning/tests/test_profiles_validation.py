"""The profile questionnaire: the member writes and submits, the network administrator validates
or returns it with a reason; the validated version is public with its date, every version kept."""

import pytest
from django.urls import reverse

from iltod.accounts.audit import AuditAction
from iltod.accounts.models import AuditEvent
from iltod.core import testing
from iltod.learning.models import OrganizationProfile
from iltod.organizations.models import Organization

from .network_helpers import *  # noqa: F403
from .network_helpers import PERSONAS, login

pytestmark = pytest.mark.django_db
Status = OrganizationProfile.Status


def answers(**extra):
    data = {
        "mission": "Иргэдийн оролцоог нэмэгдүүлэх",
        "sectors": ["education"],
        "areas": ["65"],
        "staff": "4",
        "volunteers": "20",
        "budget_range": "10-50m",
        "funding_sources": ["grants", "fees"],
        "tool_scorecard": "on",
        "example_scorecard": "2025 онд 3 сургуульд",
        "government_partnerships": "Аймгийн ЗДТГ-тай санамж бичиг",
        "governance": "Удирдах зөвлөл жилд 2 удаа",
    }
    data.update(extra)
    return data


def edit_url(personas):
    return reverse("learning:profile_edit", args=[personas.cso.code])


def submit(client, personas, **extra):
    return client.post(edit_url(personas), {**answers(**extra), "submit": "1"})


# persona -> (may open the questionnaire, may validate)
MATRIX = {"anonymous": (302, False), "member": (200, False), "network_admin": (404, True), "outsider": (404, False)}


@pytest.mark.parametrize("name", PERSONAS)
def test_questionnaire_and_validation_follow_the_matrix(client, personas, member, name):
    login(client, name, personas, member)
    assert client.get(edit_url(personas)).status_code == MATRIX[name][0]
    client.force_login(member)
    submit(client, personas)
    profile = OrganizationProfile.objects.get()
    client.logout()
    login(client, name, personas, member)
    version = client.get(reverse("learning:profile_version", args=[profile.pk]))
    assert version.status_code == (200 if name in {"member", "network_admin"} else 404)
    client.post(reverse("learning:profile_review", args=[profile.pk]), {"decision": "validate"})
    profile.refresh_from_db()
    assert (profile.status == Status.VALIDATED) is MATRIX[name][1]


def test_draft_submit_validate_then_public_with_date_and_history(client, personas, member):
    client.force_login(member)
    response = client.post(edit_url(personas), {**answers(), "save": "1"})
    assert response.status_code == 302
    draft = OrganizationProfile.objects.get()
    assert draft.status == Status.DRAFT and list(draft.tools.values_list("tool", flat=True)) == ["scorecard"]
    # The public page shows nothing yet.
    public = reverse("learning:profile", args=[personas.cso.code])
    assert "Иргэдийн оролцоог" not in client.get(public).content.decode()
    submit(client, personas)
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED and draft.submitted_by == member
    # Nothing can change while it waits.
    assert client.get(edit_url(personas)).status_code == 302
    client.force_login(personas.network_admin)
    queue = client.get(reverse("learning:profile_queue"))
    assert personas.cso.name in queue.content.decode()
    client.post(reverse("learning:profile_review", args=[draft.pk]), {"decision": "validate"})
    draft.refresh_from_db()
    assert draft.status == Status.VALIDATED and draft.is_current and draft.reviewed_by == personas.network_admin
    personas.cso.refresh_from_db()
    assert personas.cso.mission == "Иргэдийн оролцоог нэмэгдүүлэх"
    assert list(personas.cso.sectors.values_list("code", flat=True)) == ["education"]
    client.logout()
    page = client.get(public).content.decode()
    assert "Иргэдийн оролцоог нэмэгдүүлэх" in page and draft.reviewed_at.strftime("%Y-%m-%d") in page
    # A second version: the first stays, as history, and stays public until the second is validated.
    client.force_login(member)
    submit(client, personas, mission="Шинэ эрхэм зорилго")
    assert OrganizationProfile.objects.count() == 2
    client.force_login(personas.network_admin)
    second = OrganizationProfile.objects.get(status=Status.SUBMITTED)
    client.logout()
    assert "Иргэдийн оролцоог нэмэгдүүлэх" in client.get(public).content.decode()
    client.force_login(personas.network_admin)
    client.post(reverse("learning:profile_review", args=[second.pk]), {"decision": "validate"})
    assert OrganizationProfile.objects.filter(is_current=True).get() == second
    client.logout()
    page = client.get(public).content.decode()
    assert "Шинэ эрхэм зорилго" in page
    assert reverse("learning:profile_version", args=[draft.pk]) in page  # the earlier version, linked
    assert client.get(reverse("learning:profile_version", args=[draft.pk])).status_code == 200
    actions = list(AuditEvent.objects.filter(action__startswith="learning.profile").values_list("action", flat=True))
    assert actions.count(AuditAction.PROFILE_SUBMITTED) == 2 and actions.count(AuditAction.PROFILE_VALIDATED) == 2


def test_a_returned_profile_needs_a_reason_and_the_next_edit_starts_a_new_version(client, personas, member):
    client.force_login(member)
    submit(client, personas)
    profile = OrganizationProfile.objects.get()
    client.force_login(personas.network_admin)
    url = reverse("learning:profile_review", args=[profile.pk])
    client.post(url, {"decision": "return", "reason": "  "})
    profile.refresh_from_db()
    assert profile.status == Status.SUBMITTED
    client.post(url, {"decision": "return", "reason": "Төсвийн мэдээллээ нэмнэ үү"})
    profile.refresh_from_db()
    assert profile.status == Status.RETURNED and profile.return_reason == "Төсвийн мэдээллээ нэмнэ үү"
    client.force_login(member)
    page = client.get(edit_url(personas))
    assert "Төсвийн мэдээллээ нэмнэ үү" in page.content.decode()
    assert page.context["form"].initial["mission"] == "Иргэдийн оролцоог нэмэгдүүлэх"
    submit(client, personas)
    assert OrganizationProfile.objects.count() == 2
    assert OrganizationProfile.objects.filter(status=Status.RETURNED).count() == 1


def test_the_submitter_cannot_validate_their_own_version(client, personas):
    # The network administrator is also an editor of the network's own profile, and a member of a
    # parent network: they may not check what they made.
    parent = testing.make_org(Organization.Kind.NETWORK, "Үндэсний сүлжээ")
    from iltod.organizations.models import NetworkMembership

    NetworkMembership.objects.create(network=parent, member=personas.network)
    from iltod.accounts.capabilities import Role
    from iltod.accounts.services import grant_membership

    grant_membership(actor=None, user=personas.network_admin, organization=parent, role=Role.NETWORK_ADMIN)
    client.force_login(personas.network_admin)
    client.post(reverse("learning:profile_edit", args=[personas.network.code]), {**answers(), "submit": "1"})
    profile = OrganizationProfile.objects.get(organization=personas.network)
    client.post(reverse("learning:profile_review", args=[profile.pk]), {"decision": "validate"})
    profile.refresh_from_db()
    assert profile.status == Status.SUBMITTED


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"mission": ""}, "mission"),
        ({"staff": "-1"}, "staff"),
        ({"volunteers": "many"}, "volunteers"),
        ({"budget_range": "huge"}, "budget_range"),
        ({"funding_sources": ["oil"]}, "funding_sources"),
        ({"sectors": ["nothing"]}, "sectors"),
        ({"tool_scorecard": "", "example_pets": "Зардлын хяналт"}, "tool_pets"),
    ],
)
def test_bad_answers_are_clear_errors_and_save_nothing(client, personas, member, extra, field):
    client.force_login(member)
    response = submit(client, personas, **extra)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not OrganizationProfile.objects.exists()


def test_review_of_a_draft_or_unknown_decision_changes_nothing(client, personas, member):
    client.force_login(member)
    client.post(edit_url(personas), {**answers(), "save": "1"})
    profile = OrganizationProfile.objects.get()
    client.force_login(personas.network_admin)
    assert client.get(reverse("learning:profile_version", args=[profile.pk])).status_code == 200
    client.post(reverse("learning:profile_review", args=[profile.pk]), {"decision": "validate"})
    client.post(reverse("learning:profile_review", args=[profile.pk]), {"decision": "approve"})
    profile.refresh_from_db()
    assert profile.status == Status.DRAFT


def test_the_organisation_page_links_the_profile(client, personas, member):
    client.force_login(member)
    page = client.get(personas.cso.get_absolute_url()).content.decode()
    assert edit_url(personas) in page
