"""A draft of a published library item changes nothing public: its type, SA tool, aimag, training,
sectors and text wait on the version until the administrator publishes it. The back office cannot
change an item's text or tags around the review either."""

import pytest

from iltod.learning import services
from iltod.learning.models import LibraryItem
from iltod.places.models import Sector

from .helpers_trainings import make_training

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(personas):
    health = Sector.objects.create(code="t-health", name="Эрүүл мэнд")
    item = services.save_item(
        actor=personas.monitor,
        network=personas.network,
        submit=True,
        kind="guide",
        sa_tool="scorecard",
        aimag=personas.geo.aimag,
        sectors=[health],
        title_mn="Онооны карт",
        body_mn="Нийтэлсэн заавар",
    )
    return services.publish_item(item, actor=personas.network_admin)


def _public_fields(item):
    item = LibraryItem.objects.get(pk=item.pk)
    return (
        item.kind,
        item.sa_tool,
        item.aimag_id,
        item.training_id,
        item.title_mn,
        list(item.sectors.values_list("code", flat=True)),
    )


def test_a_draft_changes_nothing_public_until_it_is_published(client, personas, published):
    training = make_training(personas)
    education = Sector.objects.create(code="t-education", name="Боловсрол")
    before = _public_fields(published)
    for submit in (False, True):
        services.save_item(
            actor=personas.monitor,
            item=published,
            submit=submit,
            kind="workshop",
            sa_tool="social_audit",
            aimag=None,
            training=training,
            sectors=[education],
            title_mn="Ноорог гарчиг",
        )
        assert _public_fields(published) == before
        assert not training.library_items.exists()
        listing = client.get("/learning/library/", {"sa_tool": "scorecard"}).content.decode()
        assert "Онооны карт" in listing and "Ноорог гарчиг" not in listing
        assert "Онооны карт" not in client.get("/learning/library/", {"sa_tool": "social_audit"}).content.decode()

    services.publish_item(published, actor=personas.network_admin)
    assert _public_fields(published) == (
        "workshop",
        "social_audit",
        None,
        training.pk,
        "Ноорог гарчиг",
        ["t-education"],
    )
    assert list(training.library_items.all()) == [published]


def test_the_edit_form_continues_the_waiting_draft(client, personas, published):
    services.save_item(actor=personas.monitor, item=published, sa_tool="social_audit", title_mn="Ноорог гарчиг")
    client.force_login(personas.monitor)
    form = client.get(f"/learning/library/{published.code}/edit/").context["form"]
    assert form["sa_tool"].value() == "social_audit"
    assert form["title_mn"].value() == "Ноорог гарчиг"
    assert list(form["sectors"].value()) == [Sector.objects.get(code="t-health").pk]


def test_the_back_office_cannot_change_the_text_or_tags_around_the_review(client, personas, published):
    client.force_login(personas.admin)
    url = f"/admin/learning/libraryitem/{published.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="title_mn"' not in page.content.decode()
    client.post(url, {"title_mn": "Админаас", "kind": "other", "network": personas.network.pk})
    assert _public_fields(published)[4] == "Онооны карт"
    assert client.get("/admin/learning/libraryitem/add/").status_code == 403
