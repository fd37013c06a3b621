"""The people list searched by name, phone or e-mail: a match, no match, and junk that matches
nothing, never an error."""

import pytest

from .helpers_trainings import attend, make_training, row

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, personas):
    training = make_training(personas)
    attend(
        personas,
        training,
        row("Бат Дорж", phone="99112233", email="bat@example.mn"),
        row("Сараа Болд", phone="88112233"),
    )
    client.force_login(personas.network_admin)
    return client


@pytest.mark.parametrize("q", ["Бат", "bat dorj", "9911 2233", "BAT@example.mn"])
def test_the_people_list_finds_a_person_by_name_phone_or_email(admin_client, q):
    response = admin_client.get("/learning/people/", {"q": q})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Бат Дорж" in page
    assert "Сараа Болд" not in page


@pytest.mark.parametrize("q", ["Нямаа", "²", "%_\\", "@"])
def test_the_people_list_shows_nobody_when_nothing_matches(admin_client, q):
    response = admin_client.get("/learning/people/", {"q": q})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Бат Дорж" not in page and "Сараа Болд" not in page
