"""Registering people before a training, on the organiser's page (people already known, typed
rows, an uploaded list) and through the API with the organiser's key: the sign-in sheet then lists
them and the reminder before the training reaches them; bad rows save nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from iltod.accounts.models import ApiKey
from iltod.learning import services
from iltod.learning.models import Participation, Person

from .helpers_trainings import attend, make_training, row
from .test_api import API, key

pytestmark = pytest.mark.django_db


def _rows(*rows):
    data = {"action": "sheet", "row-TOTAL_FORMS": "3", "row-INITIAL_FORMS": "0"}
    for n, values in enumerate(rows):
        defaults = {"sex": "undisclosed", "age_group": "unknown", "stakeholder_type": "cso"}
        data.update({f"row-{n}-{name}": value for name, value in {**defaults, **values}.items()})
    for n in range(len(rows), 3):
        data.update(
            {f"row-{n}-sex": "undisclosed", f"row-{n}-age_group": "unknown", f"row-{n}-stakeholder_type": "cso"}
        )
    return data


def _sign_in_sheet(client, training):
    session = training.sessions.order_by("held_on")[0]
    return client.get(f"/learning/trainings/{training.code}/sessions/{session.pk}/sign-in/").content.decode()


def test_typed_rows_are_registered_listed_on_the_sign_in_sheet_and_reminded(client, personas):
    training = make_training(personas, days_ago=-2)  # starts in two days
    client.force_login(personas.network_admin)
    url = f"/learning/trainings/{training.code}/register/"
    assert client.get(url).status_code == 200
    response = client.post(url, _rows({"full_name": "Бат Дорж", "phone": "99112233"}, {"full_name": "Сараа"}))
    assert response.status_code == 302
    assert Participation.objects.filter(training=training).count() == 2
    assert not Participation.objects.trained().exists()  # registered, nobody attended yet
    sheet = _sign_in_sheet(client, training)
    assert "Бат Дорж" in sheet and "Сараа" in sheet
    assert services.remind_before_trainings() == 2


def test_people_already_known_are_found_by_search_and_picked(client, personas):
    earlier = make_training(personas, days_ago=30)
    attend(personas, earlier, row("Бат Дорж", phone="99112233"))
    person = Person.objects.get()
    training = make_training(personas, days_ago=-5, title="SAc 101")
    client.force_login(personas.network_admin)
    url = f"/learning/trainings/{training.code}/register/"
    page = client.get(url, {"q": "bat"}).content.decode()
    assert f'value="{person.code}"' in page
    assert client.post(url, {"action": "pick", "people": [person.code]}).status_code == 302
    assert Participation.objects.filter(training=training, person=person).exists()
    assert f'value="{person.code}"' not in client.get(url, {"q": "bat"}).content.decode()  # registered now
    assert Person.objects.count() == 1


def test_an_uploaded_list_registers_and_finds_people_again(client, personas):
    training = make_training(personas, days_ago=-5)
    services.register_people(training, [row("Бат", phone="99112233")], actor=personas.network_admin)
    client.force_login(personas.network_admin)
    upload = SimpleUploadedFile("list.csv", "name,phone\nBat,+976 9911 2233\nДорж,88112233\n".encode(), "text/csv")
    response = client.post(f"/learning/trainings/{training.code}/register/", {"action": "upload", "file": upload})
    assert response.status_code == 302
    assert (Person.objects.count(), training.participations.count()) == (2, 2)


@pytest.mark.parametrize(
    "data",
    [
        _rows({"full_name": "Бат", "phone": "99112233"}, {"full_name": "Bat", "phone": "9911-2233"}),
        _rows({"full_name": "Бат", "phone": "12"}),
        {"action": "pick", "people": ["nobody"]},
        {"action": "nothing"},
    ],
)
def test_bad_registrations_save_nothing_and_say_why(client, personas, data):
    training = make_training(personas, days_ago=-5)
    client.force_login(personas.network_admin)
    response = client.post(f"/learning/trainings/{training.code}/register/", data)
    assert response.status_code == 400
    assert not Participation.objects.exists()


@pytest.mark.parametrize("who", ["citizen", "monitor", "officer"])
def test_only_those_who_manage_trainings_register(client, personas, who):
    training = make_training(personas, days_ago=-5)
    client.force_login(getattr(personas, who))
    url = f"/learning/trainings/{training.code}/register/"
    assert client.get(url).status_code == 404
    assert client.post(url, _rows({"full_name": "Бат"})).status_code == 404
    assert not Participation.objects.exists()


def test_the_api_registers_with_the_organisers_key(client, personas):
    training = make_training(personas, organiser=personas.cso, days_ago=-2)
    url = f"{API}/trainings/{training.code}/registrations/"
    body = {"rows": [{"full_name": "Бат Дорж", "phone": "9911 2233"}, {"full_name": "Сараа"}]}
    read_only = client.post(
        url, body, content_type="application/json", **key(personas, personas.cso, ApiKey.Scope.READ)
    )
    assert read_only.status_code == 403
    other = client.post(url, body, content_type="application/json", **key(personas, personas.other_dept))
    assert other.status_code == 404
    bad = client.post(
        url,
        {"rows": [{"full_name": "Бат", "phone": "12"}]},
        content_type="application/json",
        **key(personas, personas.cso),
    )
    assert bad.status_code == 400 and "rows.0.phone" in bad.json()["error"]["fields"]
    assert not Participation.objects.exists()
    headers = key(personas, personas.cso)
    response = client.post(url, body, content_type="application/json", **headers)
    assert response.status_code == 200, response.content
    assert response.json() == {"new_people": 2, "known_people": 0, "registered": 2}
    again = client.post(
        url, {"rows": [{"full_name": "Bat Dorj", "phone": "+97699112233"}]}, content_type="application/json", **headers
    )
    assert again.json() == {"new_people": 0, "known_people": 1, "registered": 0}
    client.force_login(personas.network_admin)
    assert "Сараа" in _sign_in_sheet(client, training)
    assert services.remind_before_trainings() == 2
