"""Workshop documentation in the library and its training or meeting link both ways: the training
page lists the published items tied to it (not drafts), the item page links to its training and
meeting."""

import datetime

import pytest

from iltod.core.testing import sector
from iltod.engagement import services as engagement
from iltod.learning import services

from .helpers_trainings import make_training

pytestmark = pytest.mark.django_db


def _item(personas, title, *, publish=True, **links):
    item = services.save_item(
        actor=personas.monitor, network=personas.network, submit=publish, kind="workshop", title_mn=title, **links
    )
    return services.publish_item(item, actor=personas.network_admin) if publish else item


def test_the_training_page_lists_its_published_documentation(client, personas):
    training = make_training(personas)
    published = _item(personas, "Сургалтын тайлан", training=training)
    _item(personas, "Ноорог тайлан", publish=False, training=training)
    _item(personas, "Өөр сургалтын тайлан", training=make_training(personas, title="Өөр"))
    page = client.get(training.get_absolute_url()).content.decode()
    assert "Сургалтын тайлан" in page and published.get_absolute_url() in page
    assert "Ноорог тайлан" not in page and "Өөр сургалтын тайлан" not in page


def test_the_item_page_links_its_training_and_meeting(client, personas):
    training = make_training(personas)
    group = engagement.create_group(
        actor=personas.coordinator,
        name="Архангай аймгийн олон талт бүлэг",
        admin_unit=personas.geo.aimag,
        convening_organization=personas.cso,
        sectors=[sector("health")],
    )
    meeting = engagement.create_meeting(
        actor=personas.coordinator, group=group, title="Улирлын хурал", held_on=datetime.date(2026, 3, 12)
    )
    item = _item(personas, "Хурлын тайлан", training=training, meeting=meeting)
    page = client.get(item.get_absolute_url()).content.decode()
    assert f'href="{training.get_absolute_url()}"' in page
    assert f'href="{meeting.get_absolute_url()}"' in page
