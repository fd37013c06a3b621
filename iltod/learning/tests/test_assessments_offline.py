"""Offline answers: the round's XLSForm (checked by pyxform) and the KoBo webhook."""

import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from iltod.learning import fieldforms
from iltod.learning.models import Assessment
from iltod.learning.services.assessments import competencies_of

from .network_helpers import *  # noqa: F403
from .network_helpers import PERSONAS, login

pytestmark = pytest.mark.django_db
SECRET = "kobo-secret-for-tests"


@pytest.fixture
def kobo_on(settings):
    settings.KOBO_WEBHOOK_SECRET = SECRET


def payload(round_, org, uuid="abc-1", level="2", **extra):
    data = {"_uuid": uuid, "round": round_.code, "organization": org.code, "full_name": "Оюун", "role": "monitor"}
    for c in competencies_of(round_):
        name = fieldforms.field_name(c)
        data[f"g_{name}/{name}"] = level
        data[f"g_{name}/{name}_importance"] = "3"
    data.update(extra)
    return data


def post(client, data, secret=SECRET):
    return client.post(
        reverse("learning:assessment_kobo"),
        json.dumps(data),
        content_type="application/json",
        headers={"X-Iltod-Secret": secret},
    )


@pytest.mark.parametrize("name", PERSONAS)
def test_the_xlsform_is_for_the_network_administrator(client, personas, member, assessment_round, name):
    login(client, name, personas, member)
    response = client.get(reverse("learning:round_xlsform", args=[assessment_round.code]))
    assert response.status_code == {"anonymous": 302, "network_admin": 200}.get(name, 404)


def test_the_xlsform_converts_and_names_every_competency(client, personas, assessment_round):
    client.force_login(personas.network_admin)
    response = client.get(reverse("learning:round_xlsform", args=[assessment_round.code]))
    sheet = load_workbook(io.BytesIO(response.content))["survey"]
    names = {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    for c in competencies_of(assessment_round):
        assert fieldforms.field_name(c) in names and f"{fieldforms.field_name(c)}_importance" in names
    fieldforms.generate_xlsform(assessment_round)  # pyxform accepts it


def test_kobo_submission_is_recorded_once(client, personas, assessment_round, kobo_on):
    response = post(client, payload(assessment_round, personas.cso))
    assert response.status_code == 201, response.content
    assessment = Assessment.objects.get()
    assert assessment.source == Assessment.Source.KOBO and assessment.external_id == "abc-1"
    assert post(client, payload(assessment_round, personas.cso)).status_code == 200
    assert Assessment.objects.count() == 1


@pytest.mark.parametrize(
    "extra",
    [
        {"round": "NOPE"},
        {"organization": "NOPE"},
        {"role": "chief"},
        {"_uuid": ""},
    ],
)
def test_kobo_bad_submissions_are_400(client, personas, assessment_round, kobo_on, extra):
    response = post(client, payload(assessment_round, personas.cso, **extra))
    assert response.status_code == 400
    assert response.json()["errors"]
    assert not Assessment.objects.exists()


def test_kobo_impossible_score_is_400(client, personas, assessment_round, kobo_on):
    response = post(client, payload(assessment_round, personas.cso, level="9"))
    assert response.status_code == 400
    assert "1" in response.json()["errors"][0] and "4" in response.json()["errors"][0]


def test_kobo_needs_the_secret_and_json(client, personas, assessment_round, kobo_on):
    assert post(client, payload(assessment_round, personas.cso), secret="wrong").status_code == 403
    bad = client.post(
        reverse("learning:assessment_kobo"),
        "not json",
        content_type="application/json",
        headers={"X-Iltod-Secret": SECRET},
    )
    assert bad.status_code == 400
    assert not Assessment.objects.exists()


def test_kobo_is_off_without_a_secret(client, personas, assessment_round, settings):
    settings.KOBO_WEBHOOK_SECRET = ""
    assert post(client, payload(assessment_round, personas.cso)).status_code == 404
