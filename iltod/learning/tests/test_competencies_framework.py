"""The competency framework is data: the seeded proposal, its public page, editing by the
network administrator, and versions frozen once a round uses them."""

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from iltod.accounts.audit import AuditAction
from iltod.accounts.models import AuditEvent
from iltod.learning.framework_seed import AREAS
from iltod.learning.models import Behaviour, Competency, CompetencyArea, Framework, Pillar, RequiredLevel
from iltod.learning.services.framework import save_competency

from .network_helpers import *  # noqa: F403
from .network_helpers import PERSONAS, login

pytestmark = pytest.mark.django_db


def test_the_seed_has_nine_areas_on_the_four_pillars_with_levels_and_requirements(framework):
    assert framework.is_proposal and framework.version == 1
    areas = list(framework.areas.all())
    assert len(areas) == 9 == len(AREAS)
    assert {a.pillar for a in areas} == set(Pillar.values)
    competencies = Competency.objects.filter(area__framework=framework)
    assert competencies.count() == sum(len(a[3]) for a in AREAS)
    # Four observable behaviours per competency, one per level, in both languages.
    assert Behaviour.objects.filter(competency__in=competencies).count() == 4 * competencies.count()
    assert not Behaviour.objects.filter(competency__in=competencies, text_en="").exists()
    assert RequiredLevel.objects.filter(competency__in=competencies).count() == 5 * competencies.count()


def test_the_framework_page_is_public_in_both_languages(client, framework):
    url = reverse("learning:framework", args=[framework.pk])
    page = client.get(url).content.decode()
    assert "Иргэдийн үнэлгээний карт" in page
    client.cookies.load({settings.LANGUAGE_COOKIE_NAME: "en"})
    page = client.get(url).content.decode()
    assert "Community score cards" in page


def form_data(competency=None, **extra):
    data = {"code": "4.9", "name_mn": "Шинэ ур чадвар", "name_en": "New competency"}
    for level in (1, 2, 3, 4):
        data[f"behaviour_{level}_mn"] = f"Түвшин {level}"
        data[f"behaviour_{level}_en"] = f"Level {level}"
    for role in ("leader", "coordinator", "monitor", "communication", "volunteer"):
        data[f"required_{role}"] = "3"
    data.update(extra)
    return data


@pytest.mark.parametrize("name", PERSONAS)
def test_editing_follows_the_matrix(client, personas, member, framework, name):
    login(client, name, personas, member)
    competency = Competency.objects.filter(area__framework=framework).first()
    url = reverse("learning:competency_edit", args=[competency.pk])
    expected = {"anonymous": 302, "member": 404, "outsider": 404, "network_admin": 200}[name]
    assert client.get(url).status_code == expected
    client.post(url, form_data(code=competency.code, name_mn="Өөрчилсөн"))
    competency.refresh_from_db()
    assert (competency.name_mn == "Өөрчилсөн") is (name == "network_admin")


def test_add_a_competency_with_behaviours_and_required_levels(client, personas, framework):
    client.force_login(personas.network_admin)
    area = framework.areas.get(position=4)
    response = client.post(reverse("learning:competency_add", args=[area.pk]), form_data())
    assert response.status_code == 302
    added = Competency.objects.get(area=area, code="4.9")
    assert added.behaviours.count() == 4
    assert set(added.required_levels.values_list("level", flat=True)) == {3}
    assert AuditEvent.objects.filter(action=AuditAction.FRAMEWORK_CHANGED).exists()


@pytest.mark.parametrize(
    "extra",
    [{"code": "4.1"}, {"name_mn": ""}, {"required_leader": "5"}, {"required_monitor": "0"}],
)
def test_bad_input_is_refused(client, personas, framework, extra):
    client.force_login(personas.network_admin)
    area = framework.areas.get(position=4)
    before = Competency.objects.count()
    response = client.post(reverse("learning:competency_add", args=[area.pk]), form_data(**extra))
    assert response.status_code == 400
    assert Competency.objects.count() == before


def test_a_version_used_by_a_round_is_frozen_and_a_new_version_copies_it(client, personas, framework, assessment_round):
    framework.refresh_from_db()
    assert framework.is_frozen
    client.force_login(personas.network_admin)
    competency = Competency.objects.filter(area__framework=framework).first()
    assert client.get(reverse("learning:competency_edit", args=[competency.pk])).status_code == 404
    with pytest.raises(ValidationError):
        save_competency(actor=personas.network_admin, area=competency.area, data=form_data(), competency=None)
    response = client.post(reverse("learning:framework_new_version", args=[framework.pk]))
    copy = Framework.objects.get(version=2)
    assert response.url == copy.get_absolute_url()
    assert copy.based_on == framework and not copy.is_frozen
    assert CompetencyArea.objects.filter(framework=copy).count() == 9
    assert (
        Competency.objects.filter(area__framework=copy).count()
        == Competency.objects.filter(area__framework=framework).count()
    )
    assert AuditEvent.objects.filter(action=AuditAction.FRAMEWORK_VERSIONED).exists()


def test_only_the_network_administrator_makes_a_new_version(client, personas, member, framework):
    client.force_login(member)
    assert client.post(reverse("learning:framework_new_version", args=[framework.pk])).status_code == 404
    assert Framework.objects.count() == 1


def test_the_back_office_follows_the_same_guard(client, personas, member, framework, assessment_round):
    client.force_login(personas.admin)
    assert client.get(reverse("admin:learning_framework_changelist")).status_code == 200
    assert client.get(reverse("admin:learning_organizationprofile_changelist")).status_code == 200
    competency = Competency.objects.filter(area__framework=framework).first()
    url = reverse("admin:learning_competency_change", args=[competency.pk])
    response = client.post(url, {"code": competency.code, "name_mn": "Өөрчилсөн", "area": competency.area_id})
    competency.refresh_from_db()
    assert competency.name_mn != "Өөрчилсөн"  # frozen by the round
    assert response.status_code in {200, 403}
