"""People invited to an assessment round: the network administrator invites them, each gets a
private link (by e-mail through the outbox) where they answer once and then see their answers."""

import pytest
from django.utils import translation

from iltod.accounts.audit import AuditAction
from iltod.accounts.models import AuditEvent
from iltod.core import testing
from iltod.learning.models import Assessment, GapSummary, RoundInvitee
from iltod.learning.services import assessments as services
from iltod.notifications.models import OutboundMessage
from iltod.organizations.models import Organization

from .network_helpers import *  # noqa: F403
from .network_helpers import login

pytestmark = pytest.mark.django_db


def invite(client, round_, org, HTTP_ACCEPT_LANGUAGE="mn", **extra):
    data = {"invite-organization": org.pk, "invite-full_name": "Сараа Бат", "invite-email": "Saraa@Example.mn"}
    data.update(extra)
    return client.post(f"/learning/rounds/{round_.code}/invite/", data, HTTP_ACCEPT_LANGUAGE=HTTP_ACCEPT_LANGUAGE)


def answers(round_, current="1", importance="4", **extra):
    data = {"full_name": "Сараа Бат", "organization": "", "role": "monitor"}
    for c in services.competencies_of(round_):
        data[f"current_{c.pk}"] = current
        data[f"importance_{c.pk}"] = importance
    data.update(extra)
    return data


def test_an_invited_person_answers_through_their_link_once_and_then_sees_their_answers(
    client, personas, assessment_round
):
    client.force_login(personas.network_admin)
    response = invite(client, assessment_round, personas.cso)
    assert response.status_code == 302
    invitee = RoundInvitee.objects.get()
    assert (invitee.email, invitee.organization, len(invitee.token)) == ("saraa@example.mn", personas.cso, 22)
    assert AuditEvent.objects.filter(action=AuditAction.ASSESSMENT_INVITED).count() == 1
    email = OutboundMessage.objects.get(channel="email")
    assert email.recipient == "saraa@example.mn"
    assert f"/learning/invitations/{invitee.token}/" in email.body
    invited_page = client.get(f"/learning/rounds/{assessment_round.code}/invite/").content.decode()
    assert "Сараа Бат" in invited_page and invitee.get_absolute_url() in invited_page
    assert (
        f"/learning/rounds/{assessment_round.code}/invite/"
        in client.get(assessment_round.get_absolute_url()).content.decode()
    )

    client.logout()  # the person needs no account
    page = client.get(invitee.get_absolute_url())
    assert page.status_code == 200 and "Сараа Бат" in page.content.decode()
    data = answers(assessment_round, organization=personas.cso.pk)
    done = client.post(invitee.get_absolute_url(), data)
    assert done.status_code == 302
    invitee.refresh_from_db()
    assessment = invitee.assessment
    assert (assessment.organization, assessment.role, assessment.source) == (personas.cso, "monitor", "web")
    assert GapSummary.objects.filter(round=assessment_round, scope="network").first().respondents == 1
    shown = client.get(invitee.get_absolute_url()).content.decode()
    assert "4.1" in shown and 'name="role"' not in shown  # the answers, no longer the form
    client.post(invitee.get_absolute_url(), data)
    assert Assessment.objects.count() == 1
    with pytest.raises(Exception, match="already answered"), translation.override("en"):
        services.answer_invitation(invitee, full_name="Сараа", role="monitor", answers={})


def test_an_unknown_link_is_not_found(client, personas, assessment_round):
    assert client.get("/learning/invitations/nope/").status_code == 404
    RoundInvitee.objects.create(round=assessment_round, organization=personas.cso, full_name="Хуучин")
    assert client.get("/learning/invitations/None/").status_code == 404


@pytest.mark.parametrize(("who", "status"), [("anonymous", 302), ("member", 404), ("outsider", 404)])
def test_only_the_network_administrator_invites(client, personas, member, assessment_round, who, status):
    login(client, who, personas, member)
    assert client.get(f"/learning/rounds/{assessment_round.code}/invite/").status_code == status
    response = invite(client, assessment_round, personas.cso)
    assert response.status_code == status
    assert not RoundInvitee.objects.exists()
    assert not OutboundMessage.objects.exists()


def test_bad_invitations_are_refused_with_a_translated_reason(client, personas, assessment_round):
    client.force_login(personas.network_admin)
    outsider_org = testing.make_org(Organization.Kind.CSO, "Уригдаагүй ТББ")
    with translation.override("mn"):
        refused = invite(client, assessment_round, outsider_org, HTTP_ACCEPT_LANGUAGE="mn")
        invite(client, assessment_round, personas.cso)
        response = invite(client, assessment_round, personas.cso, **{"invite-full_name": "Өөр хүн"})
    assert refused.status_code == 400 and response.status_code == 400
    assert RoundInvitee.objects.count() == 1
    assert "Энэ и-мэйл хаяг энэ шатанд аль хэдийн уригдсан." in response.content.decode()


def test_impossible_answers_through_the_link_save_nothing(client, personas, assessment_round):
    invitee = services.invite_person(
        actor=personas.network_admin, round_=assessment_round, organization=personas.cso, full_name="Бат"
    )
    assert not OutboundMessage.objects.exists()  # no address, no message: the administrator hands the link over
    response = client.post(invitee.get_absolute_url(), answers(assessment_round, current="7"))
    assert response.status_code == 400
    assert not Assessment.objects.exists()
    invitee.refresh_from_db()
    assert invitee.assessment is None
