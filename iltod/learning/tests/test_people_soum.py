"""A person's soum or district: optional, below the aimag, and refused when it lies elsewhere."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from iltod.learning import services
from iltod.learning.models import Person

from .helpers_trainings import attend, make_training, row

pytestmark = pytest.mark.django_db


def _person(personas):
    attend(personas, make_training(personas), row("Бат Дорж", phone="99112233"))
    return Person.objects.get()


def _form(person, **changes):
    data = {
        "full_name": person.full_name,
        "sex": person.sex,
        "age_group": person.age_group,
        "stakeholder_type": person.stakeholder_type,
        "organization_name": person.organization_name,
        "aimag": person.aimag_id or "",
        "phone": person.phone,
        "email": person.email,
    }
    data.update(changes)
    return data


def test_the_page_records_a_soum_of_the_persons_aimag(client, personas):
    person = _person(personas)
    client.force_login(personas.network_admin)
    geo = personas.geo
    response = client.post(person.get_absolute_url(), _form(person, aimag=geo.aimag.pk, soum=geo.soum.pk))
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.aimag, person.soum) == (geo.aimag, geo.soum)
    capital = client.post(person.get_absolute_url(), _form(person, aimag=geo.capital.pk, soum=geo.district.pk))
    assert capital.status_code == 302
    person.refresh_from_db()
    assert person.soum == geo.district


@pytest.mark.parametrize(
    ("aimag", "soum", "message"),
    [
        ("aimag", "other_soum", "Энэ сум, дүүрэг сонгосон аймаг, нийслэлд байхгүй."),
        ("", "soum", "Эхлээд аймаг эсвэл нийслэлээ сонгоно уу"),
    ],
)
def test_a_soum_outside_the_aimag_is_refused_with_a_translated_error(client, personas, aimag, soum, message):
    person = _person(personas)
    client.force_login(personas.network_admin)
    geo = personas.geo
    data = _form(person, aimag=getattr(geo, aimag).pk if aimag else "", soum=getattr(geo, soum).pk)
    with translation.override("mn"):
        response = client.post(person.get_absolute_url(), data, HTTP_ACCEPT_LANGUAGE="mn")
    assert response.status_code == 400
    assert message in response.content.decode()
    person.refresh_from_db()
    assert person.soum is None


def test_services_refuse_a_soum_of_another_aimag_and_keep_a_known_one(personas):
    geo = personas.geo
    training = make_training(personas)
    with pytest.raises(ValidationError):
        attend(personas, training, row("Сараа", phone="99001122", aimag=geo.aimag, soum=geo.other_soum))
    with pytest.raises(ValidationError) as error, translation.override("mn"):
        attend(personas, training, row("Сараа", phone="99001122", aimag=geo.aimag, soum=geo.aimag))
    assert error.value.messages == ["Сум эсвэл нийслэлийн дүүрэг сонгоно уу."]
    assert not Person.objects.exists()
    attend(personas, training, row("Сараа", phone="99001122", aimag=geo.aimag, soum=geo.soum))
    person = Person.objects.get()
    assert person.soum == geo.soum
    with pytest.raises(ValidationError):
        services.update_person(person, actor=personas.network_admin, aimag=geo.other_aimag)
    person.refresh_from_db()
    assert (person.aimag, person.soum) == (geo.aimag, geo.soum)


def test_a_new_sheet_row_fills_a_missing_soum_but_never_one_of_another_aimag(personas):
    geo = personas.geo
    first, second = make_training(personas), make_training(personas, days_ago=3)
    attend(personas, first, row("Сараа", phone="99001122", aimag=geo.aimag))
    attend(personas, second, row("Сараа", phone="99001122", aimag=geo.aimag, soum=geo.other_soum), session=0)
    person = Person.objects.get()
    assert person.soum is None
    third = make_training(personas, days_ago=2)
    attend(personas, third, row("Сараа", phone="99001122", aimag=geo.aimag, soum=geo.soum))
    person.refresh_from_db()
    assert person.soum == geo.soum
