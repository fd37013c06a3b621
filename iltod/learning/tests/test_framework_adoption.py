"""The network administrator adopts the proposed framework (audited; the next version is not a
proposal either) and edits its competency areas on the site; others cannot, and a version used by a
round does not change."""

import pytest
from django.urls import reverse

from iltod.accounts.audit import AuditAction
from iltod.accounts.models import AuditEvent
from iltod.learning.models import CompetencyArea, Framework
from iltod.learning.services.framework import new_version

from .network_helpers import *  # noqa: F403

pytestmark = pytest.mark.django_db


def test_the_administrator_adopts_the_proposal_and_its_next_version_stays_adopted(client, personas, framework):
    client.force_login(personas.network_admin)
    url = reverse("learning:framework_adopt", args=[framework.pk])
    assert (
        reverse("learning:framework_adopt", args=[framework.pk])
        in client.get(framework.get_absolute_url()).content.decode()
    )
    assert client.post(url).status_code == 302
    framework.refresh_from_db()
    assert not framework.is_proposal
    event = AuditEvent.objects.get(action=AuditAction.FRAMEWORK_CHANGED)
    assert event.data["adopted"] is True and event.actor == personas.network_admin
    assert url not in client.get(framework.get_absolute_url()).content.decode()
    again = client.post(url, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "This version is already adopted." in again.content.decode()
    assert not new_version(actor=personas.network_admin, framework=framework).is_proposal


@pytest.mark.parametrize("who", ["monitor", "coordinator", "officer"])
def test_others_cannot_adopt_or_edit_areas(client, personas, framework, who):
    client.force_login(getattr(personas, who))
    area = framework.areas.first()
    assert client.post(reverse("learning:framework_adopt", args=[framework.pk])).status_code == 404
    assert client.get(reverse("learning:area_edit", args=[area.pk])).status_code == 404
    assert client.post(reverse("learning:area_add", args=[framework.pk]), {"name_mn": "Шинэ"}).status_code == 404
    assert Framework.objects.get(pk=framework.pk).is_proposal
    assert not CompetencyArea.objects.filter(name_mn="Шинэ").exists()


def test_the_administrator_edits_and_adds_areas(client, personas, framework):
    client.force_login(personas.network_admin)
    area = framework.areas.order_by("position").first()
    data = {"name_mn": "Иргэдийн оролцоо", "name_en": "Citizen participation", "pillar": area.pillar, "position": 1}
    assert client.post(reverse("learning:area_edit", args=[area.pk]), data).status_code == 302
    area.refresh_from_db()
    assert (area.name_mn, area.name_en) == ("Иргэдийн оролцоо", "Citizen participation")
    count = framework.areas.count()
    added = client.post(
        reverse("learning:area_add", args=[framework.pk]), {**data, "name_mn": "Шинэ талбар", "position": 10}
    )
    assert added.status_code == 302
    assert framework.areas.count() == count + 1
    bad = client.post(reverse("learning:area_add", args=[framework.pk]), {**data, "pillar": "x", "position": "a"})
    assert bad.status_code == 400
    assert framework.areas.count() == count + 1


def test_areas_of_a_version_used_by_a_round_do_not_change(client, personas, framework, assessment_round):
    client.force_login(personas.network_admin)
    area = framework.areas.first()
    data = {"name_mn": "Өөрчилсөн", "name_en": "", "pillar": area.pillar, "position": 1}
    response = client.post(reverse("learning:area_edit", args=[area.pk]), data)
    assert response.status_code == 404
    assert CompetencyArea.objects.get(pk=area.pk).name_mn != "Өөрчилсөн"
