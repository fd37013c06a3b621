"""The learning module's front page: the networks with their member directories, the framework,
the trainings and the latest of the library, for anyone."""

import pytest
from django.conf import settings
from django.urls import reverse

from iltod.learning import services

pytestmark = pytest.mark.django_db


def test_the_front_page_leads_to_the_networks_and_the_library(client, personas, django_assert_max_num_queries):
    item = services.save_item(
        actor=personas.monitor, network=personas.network, kind="lesson", title_mn="Сургамж: онооны карт", submit=True
    )
    services.publish_item(item, actor=personas.network_admin)
    draft = services.save_item(actor=personas.monitor, network=personas.network, kind="lesson", title_mn="Ноорог")
    with django_assert_max_num_queries(12):
        page = client.get(reverse("learning:home"))
    html = page.content.decode()
    assert page.status_code == 200
    assert reverse("learning:directory", args=[personas.network.code]) in html
    assert item.get_absolute_url() in html and "Сургамж: онооны карт" in html
    assert draft.get_absolute_url() not in html  # drafts are the writers' own


def test_the_front_page_speaks_english_too(client, personas):
    client.cookies.load({settings.LANGUAGE_COOKIE_NAME: "en"})
    page = client.get(reverse("learning:home"))
    assert "Networks and their members" in page.content.decode()
