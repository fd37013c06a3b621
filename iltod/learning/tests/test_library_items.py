"""The library: drafts reviewed by the network administrator before they are public, every save a
version (the published one stays public while a new draft waits), filters, search in both scripts
(also on PostgreSQL, with its full-text search), workshop documentation tied to a training or a
meeting, and who may do what."""

import pytest
from django.core.exceptions import ValidationError

from iltod.learning import services
from iltod.learning.models import LibraryItem

pytestmark = pytest.mark.django_db

DEFINITION = "Нийгмийн хариуцлага гэдэг нь иргэд засаг захиргаанаас хариуцлага нэхэх бүтээлч оролцоо юм."


def _publish(personas, **fields):
    values = {
        "network": personas.network,
        "kind": "definition",
        "title_mn": "Нийгмийн хариуцлагын тодорхойлолт",
        "body_mn": DEFINITION,
    }
    values.update(fields)
    item = services.save_item(actor=personas.monitor, submit=True, **values)
    return services.publish_item(item, actor=personas.network_admin)


def test_draft_review_publish_and_history(personas, client):
    item = services.save_item(
        actor=personas.monitor, network=personas.network, kind="definition", title_mn="Тодорхойлолт", body_mn="v1"
    )
    assert client.get(item.get_absolute_url()).status_code == 404  # a draft is not public
    with pytest.raises(ValidationError):
        services.publish_item(item, actor=personas.network_admin)  # not sent for review
    item = services.save_item(actor=personas.monitor, item=item, submit=True, body_mn=DEFINITION, note="засвар")
    with pytest.raises(ValidationError):
        services.return_item(item, actor=personas.network_admin, note="  ")
    services.publish_item(item, actor=personas.network_admin)
    page = client.get(item.get_absolute_url())
    assert page.status_code == 200 and "бүтээлч оролцоо" in page.content.decode()
    # a revision waits for review while version 2 stays public
    services.save_item(actor=personas.monitor, item=item, submit=True, body_mn="Шинэ тодорхойлолт")
    page = client.get(item.get_absolute_url()).content.decode()
    assert "бүтээлч оролцоо" in page and "Шинэ тодорхойлолт" not in page
    assert item.versions.count() == 3
    old = client.get(item.get_absolute_url() + "?version=1")
    assert "v1" not in old.content.decode()  # unpublished versions are the editors'


def test_search_finds_cyrillic_from_latin_typing(personas):
    _publish(personas)
    _publish(personas, title_mn="Онооны хуудас бөглөх заавар", body_mn="Бүлэг бүр", kind="guide", sa_tool="scorecard")
    items = LibraryItem.objects.filter(published__isnull=False)
    assert services.search_library(items, "zasag zahirgaa").count() == 1
    assert services.search_library(items, "засаг").count() == 1
    assert services.search_library(items, "hudas").count() == 1
    assert services.search_library(items, "nothingmatches").count() == 0


def test_search_on_postgresql(personas):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    _publish(personas)
    items = LibraryItem.objects.filter(published__isnull=False)
    assert services.search_library(items, "хариуцлага оролцоо").count() == 1
    assert services.search_library(items, "hariutslaga").count() == 1


def test_workshop_documentation_needs_a_training_or_meeting(personas):
    with pytest.raises(ValidationError):
        services.save_item(actor=personas.monitor, network=personas.network, kind="workshop", title_mn="Семинар")
    assert not LibraryItem.objects.exists()


def test_filters_and_pages(client, personas):
    _publish(personas)
    _publish(personas, title_mn="Архангайн туршлага", kind="case_study", aimag=personas.geo.aimag)
    assert "Архангайн туршлага" in client.get("/learning/library/", {"aimag": "65"}).content.decode()
    listed = client.get("/learning/library/", {"kind": "definition"}).content.decode()
    assert "Архангайн туршлага" not in listed and "Нийгмийн хариуцлагын тодорхойлолт" in listed
    assert client.get("/learning/library/", {"kind": "nonsense"}).status_code == 200


@pytest.mark.parametrize(
    "who, can_write, can_review",
    [
        ("anonymous", False, False),
        ("citizen", False, False),
        ("officer", False, False),
        ("monitor", True, False),
        ("network_admin", True, True),
    ],
)
def test_persona_matrix(client, personas, who, can_write, can_review):
    item = services.save_item(
        actor=personas.coordinator, network=personas.network, title_mn="Сургамж", kind="lesson", submit=True
    )
    if who != "anonymous":
        client.force_login(getattr(personas, who))
    new = client.get("/learning/library/new/")
    assert new.status_code == (200 if can_write else (302 if who == "anonymous" else 404))
    assert client.get(item.get_absolute_url()).status_code == (200 if can_review else 404)
    client.post(f"/learning/library/{item.code}/review/", {"decision": "publish"})
    item.refresh_from_db()
    assert item.is_public is can_review
    if can_write:
        response = client.post(
            "/learning/library/new/",
            {"kind": "lesson", "title_mn": "Миний сургамж", "body_mn": "Текст", "submit": "on"},
        )
        assert response.status_code == 302
        assert LibraryItem.objects.get(title_mn="Миний сургамж").status == LibraryItem.Status.IN_REVIEW


def test_list_query_count(client, personas, django_assert_max_num_queries):
    for n in range(8):
        _publish(personas, title_mn=f"Сургамж {n}", kind="lesson")
    with django_assert_max_num_queries(15):
        assert client.get("/learning/library/").status_code == 200


@pytest.mark.parametrize("version", ["²", "9" * 40, "-1", "x"])
def test_a_version_that_is_no_number_shows_the_published_text(personas, client, version):
    item = _publish(personas)
    page = client.get(item.get_absolute_url(), {"version": version})
    assert page.status_code == 200 and "бүтээлч оролцоо" in page.content.decode()


@pytest.mark.parametrize("year", ["²", "20255", "1999"])
def test_the_value_page_takes_this_year_for_a_year_that_is_no_year(client, year):
    page = client.get("/learning/value/", {"year": year})
    assert page.status_code == 200
    assert page.context["year"] == page.context["years"][0]
