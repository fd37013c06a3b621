"""The back office lists and opens the records of trainings, people, the plan, the library and
resources for platform staff, and refuses others."""

import pytest

from iltod.learning import services
from iltod.learning.models import Person

from .helpers_trainings import attend, make_training, row

pytestmark = pytest.mark.django_db

MODELS = ["training", "person", "participation", "followup", "strategicplan", "objective", "resource", "libraryitem"]


def test_back_office_pages(client, personas):
    training = make_training(personas)
    attend(personas, training, row("Бат", phone="99112233"))
    services.save_item(actor=personas.monitor, network=personas.network, title_mn="Сургамж", kind="lesson")
    client.force_login(personas.admin)
    for model in MODELS:
        assert client.get(f"/admin/learning/{model}/").status_code == 200, model
    assert client.get(f"/admin/learning/training/{training.pk}/change/").status_code == 200
    assert client.get(f"/admin/learning/person/{Person.objects.get().pk}/change/").status_code == 200
    client.force_login(personas.network_admin)
    assert client.get("/admin/learning/person/").status_code == 302  # not staff: the login page
