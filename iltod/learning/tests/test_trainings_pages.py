"""The training pages: who sees what (persona matrix), attendance from a sign-in sheet typed or
uploaded, bad input, the printable sheet and certificate, and the query count of the lists."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from iltod.learning.models import Participation, Person, Training

from .helpers_trainings import attend, make_training, row

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anonymous",
    "citizen",
    "monitor",  # a member organisation's person (the CSO is in the network)
    "coordinator",
    "officer",  # an outsider
    "network_admin",
    "admin",
]
MANAGERS = {"network_admin", "admin"}


@pytest.fixture
def world(personas):
    training = make_training(personas)
    attend(personas, training, row("Бат Дорж", phone="99112233", sex="female"))
    participation = Participation.objects.get()
    hidden = make_training(personas, title="Дотоод сургалт", is_public=False)
    return personas, training, participation, hidden


def _client(client, personas, name):
    if name != "anonymous":
        client.force_login(getattr(personas, name))
    return client


@pytest.mark.parametrize("who", PERSONAS)
def test_persona_matrix(client, world, who):
    personas, training, participation, hidden = world
    client = _client(client, personas, who)
    manager = who in MANAGERS
    session = training.sessions.first()
    person = participation.person

    listing = client.get("/learning/trainings/")
    assert listing.status_code == 200
    assert (hidden.title in listing.content.decode()) is manager
    detail = client.get(training.get_absolute_url())
    assert detail.status_code == 200
    assert ("Бат Дорж" in detail.content.decode()) is manager  # names are for the administrators
    assert client.get(hidden.get_absolute_url()).status_code == (200 if manager else 404)
    assert client.get("/learning/people/figures/").status_code == 200

    managed = [
        "/learning/trainings/new/",
        f"/learning/trainings/{training.code}/edit/",
        f"/learning/trainings/{training.code}/register/",
        f"/learning/trainings/{training.code}/sessions/{session.pk}/sign-in/",
        f"/learning/trainings/{training.code}/sessions/{session.pk}/attendance/",
        f"/learning/trainings/{training.code}/scores/",
        f"/learning/trainings/{training.code}/people/{person.code}/follow-up/",
        "/learning/people/",
        "/learning/people/duplicates/",
        f"/learning/people/{person.code}/",
    ]
    for url in managed:
        response = client.get(url)
        if who == "anonymous":
            assert response.status_code == 302, url
        else:
            assert response.status_code == (200 if manager else 404), url
    posted = client.post(f"/learning/trainings/{training.code}/people/{person.code}/certificate/issue/")
    participation.refresh_from_db()
    assert bool(participation.certificate_code) is manager
    assert posted.status_code == (302 if manager or who == "anonymous" else 404)
    if not manager and who != "anonymous":
        assert client.post(f"/learning/people/{person.code}/merge/", {"duplicate": "X"}).status_code == 404


def test_create_training_with_sessions_per_day(client, personas):
    client.force_login(personas.network_admin)
    response = client.post(
        "/learning/trainings/new/",
        {
            "title": "SAc 101 Ховд",
            "kind": "sac101",
            "status": "planned",
            "organiser": personas.network.pk,
            "venue": "Ховд",
            "starts_on": "2026-03-02",
            "ends_on": "2026-03-04",
            "max_score": 20,
            "is_public": "on",
        },
    )
    training = Training.objects.get(title="SAc 101 Ховд")
    assert response.status_code == 302
    assert training.sessions.count() == 3


@pytest.mark.parametrize(
    "change, message",
    [
        ({"ends_on": "2026-03-01"}, "A training cannot end before it starts."),
        ({"venue": ""}, "Give the place, or tick online."),
        ({"max_score": 0}, ""),
    ],
)
def test_bad_training_is_refused(client, personas, change, message):
    client.force_login(personas.network_admin)
    data = {
        "title": "Муу",
        "kind": "sac101",
        "status": "planned",
        "organiser": personas.network.pk,
        "venue": "Ховд",
        "starts_on": "2026-03-02",
        "ends_on": "2026-03-04",
        "max_score": 20,
        **change,
    }
    response = client.post("/learning/trainings/new/", data)
    assert response.status_code == 400
    if message:
        with translation.override("mn"):
            assert translation.gettext(message) in response.content.decode()
    assert not Training.objects.filter(title="Муу").exists()


def _sheet_post(rows):
    data = {"action": "sheet", "row-TOTAL_FORMS": str(len(rows)), "row-INITIAL_FORMS": "0"}
    for n, values in enumerate(rows):
        defaults = {"sex": "undisclosed", "age_group": "unknown", "stakeholder_type": "cso"}
        for key, value in {**defaults, **values}.items():
            data[f"row-{n}-{key}"] = value
    return data


def test_typing_the_sheet_finds_people_again(client, world):
    personas, training, participation, _hidden = world
    client.force_login(personas.network_admin)
    session = training.sessions.order_by("held_on")[1]
    url = f"/learning/trainings/{training.code}/sessions/{session.pk}/attendance/"
    response = client.post(
        url,
        _sheet_post(
            [
                {"full_name": "Bat Dorj", "phone": "9911-2233"},
                {"full_name": "Сараа", "organization_name": personas.cso.name, "sex": "female"},
                {},
            ]
        ),
    )
    assert response.status_code == 302
    assert Person.objects.count() == 2
    assert Person.objects.get(full_name="Сараа").organization == personas.cso
    participation.refresh_from_db()
    assert participation.sessions_attended == 2


def test_a_bad_row_saves_nothing(client, world):
    personas, training, _participation, _hidden = world
    client.force_login(personas.network_admin)
    session = training.sessions.first()
    url = f"/learning/trainings/{training.code}/sessions/{session.pk}/attendance/"
    response = client.post(
        url, _sheet_post([{"full_name": "Шинэ", "phone": "1"}, {"full_name": "Бас шинэ", "email": "not-mail"}])
    )
    assert response.status_code == 400
    assert Person.objects.count() == 1
    response = client.post(url, _sheet_post([{}, {}]))
    assert response.status_code == 400


def _xlsx(rows):
    book = openpyxl.Workbook()
    sheet = book.active
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("sheet.xlsx", buffer.getvalue())


def test_uploading_the_sheet_with_row_numbers_in_errors(client, world):
    personas, training, _participation, _hidden = world
    client.force_login(personas.network_admin)
    session = training.sessions.first()
    url = f"/learning/trainings/{training.code}/sessions/{session.pk}/attendance/"
    header = ["Нэр", "Байгууллага", "Утас", "И-мэйл", "Хүйс", "Нас", "Оролцогч талын төрөл"]
    bad = _xlsx([header, ["Дулмаа", "", "88112233", "", "эмэгтэй", "", ""], ["Ганаа", "", "", "", "alien", "", ""]])
    response = client.post(url, {"action": "upload", "file": bad})
    assert response.status_code == 400
    assert "3" in response.content.decode()
    assert Person.objects.count() == 1
    good = _xlsx(
        [header, ["Дулмаа", "", "88112233", "", "female", "18_34", "cso"], ["Бат Дорж", "", "99112233", "", "", "", ""]]
    )
    response = client.post(url, {"action": "upload", "file": good})
    assert response.status_code == 302
    assert Person.objects.count() == 2
    assert Person.objects.get(full_name="Дулмаа").age_group == "18_34"


def test_ticking_attendance_and_scores(client, world):
    personas, training, participation, _hidden = world
    client.force_login(personas.network_admin)
    session = training.sessions.first()
    url = f"/learning/trainings/{training.code}/sessions/{session.pk}/attendance/"
    assert client.post(url, {"action": "tick"}).status_code == 302
    participation.refresh_from_db()
    assert participation.sessions_attended == 0
    assert Person.objects.get().first_trained_on is None
    client.post(url, {"action": "tick", "present": [participation.pk]})
    scores = f"/learning/trainings/{training.code}/scores/"
    bad = client.post(scores, {f"pre_{participation.pk}": "120", f"post_{participation.pk}": "50"})
    assert bad.status_code == 400
    good = client.post(scores, {f"pre_{participation.pk}": "40", f"post_{participation.pk}": "75.5"})
    assert good.status_code == 302
    participation.refresh_from_db()
    assert participation.score_change == pytest.approx(35.5)


def test_sign_in_sheet_prints_and_downloads(client, world):
    personas, training, _participation, _hidden = world
    client.force_login(personas.network_admin)
    session = training.sessions.first()
    url = f"/learning/trainings/{training.code}/sessions/{session.pk}/sign-in/"
    page = client.get(url).content.decode()
    assert "Бат Дорж" in page and 'class="sign-in"' in page
    xlsx = client.get(url + "?format=xlsx")
    assert xlsx.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert book.active.cell(row=2, column=2).value == "Бат Дорж"


def test_follow_up_page_refuses_a_date_before_the_training(client, world):
    personas, training, participation, _hidden = world
    client.force_login(personas.network_admin)
    url = f"/learning/trainings/{training.code}/people/{participation.person.code}/follow-up/"
    response = client.post(url, {"answered_on": "2000-01-01", "applied": "yes"})
    assert response.status_code == 400
    assert not hasattr(Participation.objects.get(), "follow_up")


def test_merge_through_the_page(client, world):
    personas, training, participation, _hidden = world
    attend(personas, training, row("Бат-Дорж", email="bat@example.mn"), session=1)
    duplicate = Person.objects.get(email="bat@example.mn")
    client.force_login(personas.network_admin)
    response = client.post(f"/learning/people/{participation.person.code}/merge/", {"duplicate": duplicate.code})
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.merged_into == participation.person
    assert client.get(f"/learning/people/{duplicate.code}/").status_code == 302


def test_lists_query_counts_do_not_grow(client, personas, django_assert_max_num_queries):
    for n in range(6):
        training = make_training(personas, title=f"Сургалт {n}")
        attend(personas, training, *[row(f"Хүн {n}-{m}", phone=f"99{n}{m}2233") for m in range(4)])
    client.force_login(personas.network_admin)
    with django_assert_max_num_queries(25):
        assert client.get("/learning/trainings/").status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get("/learning/people/").status_code == 200
    training = Training.objects.first()
    with django_assert_max_num_queries(30):
        assert client.get(training.get_absolute_url()).status_code == 200
