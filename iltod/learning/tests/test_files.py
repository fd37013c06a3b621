"""A library item's document goes through its guard: a draft's only for its author and the
network's administrators, public once published; never the raw /media/ path."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.urls import reverse

from iltod.core.views import media, public_media_path
from iltod.learning import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return services.save_item(
        actor=personas.monitor,
        network=personas.network,
        kind="guide",
        title_mn="Иргэний оноо өгөх хуудас: гарын авлага",
        file=SimpleUploadedFile("guide.pdf", b"%PDF-1.4 the guide", content_type="application/pdf"),
        submit=True,
    )


@pytest.mark.parametrize(
    ("who", "draft", "published"),
    [
        ("anonymous", 404, 200),
        ("citizen", 404, 200),
        ("coordinator", 404, 200),  # same organisation, not the author
        ("other_officer", 404, 200),
        ("monitor", 200, 200),  # the author
        ("network_admin", 200, 200),  # reviews the network's drafts
        ("admin", 200, 200),
    ],
)
def test_a_drafts_document_is_for_its_editors_until_published(client, personas, item, who, draft, published):
    url = item.file.url
    assert url.startswith("/learning/files/learning/library/")
    if who != "anonymous":
        client.force_login(getattr(personas, who))
    assert client.get(url).status_code == draft
    services.publish_item(item, actor=personas.network_admin)
    response = client.get(url)
    assert response.status_code == published
    assert b"".join(response.streaming_content) == b"%PDF-1.4 the guide"


def test_a_revisions_file_stays_with_the_editors_until_it_is_published(client, personas, item):
    services.publish_item(item, actor=personas.network_admin)
    item = services.save_item(
        actor=personas.monitor,
        item=item,
        file=SimpleUploadedFile("guide-v2.pdf", b"%PDF-1.4 draft v2", content_type="application/pdf"),
        submit=True,
    )
    assert item.is_public  # the published text stays public
    assert client.get(item.file.url).status_code == 404  # the stored file is the draft's
    client.force_login(personas.monitor)
    assert client.get(item.file.url).status_code == 200
    services.publish_item(item, actor=personas.network_admin)
    client.logout()
    assert b"".join(client.get(item.file.url).streaming_content) == b"%PDF-1.4 draft v2"


def test_the_item_page_links_the_guarded_route(client, personas, item):
    services.publish_item(item, actor=personas.network_admin)
    assert item.file.url in client.get(item.get_absolute_url()).content.decode()


def test_unknown_names_are_not_found(client, personas):
    client.force_login(personas.admin)
    for name in ["learning/library/none.pdf", "learning/other/x.pdf", "learning/library/../../x"]:
        assert client.get(reverse("learning:file", kwargs={"name": name})).status_code == 404


def test_the_raw_media_path_is_refused(rf, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "learning" / "library").mkdir(parents=True)
    (tmp_path / "learning" / "library" / "x.pdf").write_bytes(b"%PDF")
    assert public_media_path("learning/library/x.pdf") is None
    with pytest.raises(Http404):
        media(rf.get("/media/learning/library/x.pdf"), "learning/library/x.pdf")
