"""The XLSForm for field collection: built from the platform's data, accepted by pyxform."""

import io
import shutil
import time

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from iltod.core.testing import make_facility
from iltod.feedback.channels import kobo, xlsform
from iltod.places.models import AdminUnit, Sector, ServiceUnit


def sheets(content: bytes) -> dict[str, list[dict]]:
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    out = {}
    for sheet in workbook.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        header = rows[0]
        out[sheet.title] = [dict(zip(header, row, strict=False)) for row in rows[1:]]
    return out


def choices(content: bytes, list_name: str) -> dict[str, dict]:
    return {row["name"]: row for row in sheets(content)["choices"] if row["list_name"] == list_name}


@pytest.fixture
def form(personas):
    return xlsform.generate_xlsform(version="2026010100")


def test_the_form_has_the_fields_the_webhook_reads(form):
    names = {row["name"] for row in sheets(form.content)["survey"]}
    assert set(xlsform.FIELDS) <= names
    assert {"facility", "kind", "category", "description", "privacy", "phone", "name", "location", "photo"} <= names
    settings = sheets(form.content)["settings"][0]
    assert settings["form_id"] == "iltod_feedback" and settings["version"] == "2026010100"
    assert settings["default_language"] == "Mongolian (mn)"


def test_labels_are_in_mongolian_and_english(form):
    meals = choices(form.content, "category")["edu-meals"]
    assert meals["label::Mongolian (mn)"] == "Үдийн цай, хоол"
    assert meals["label::English (en)"] == "School meals"
    assert meals["sector"] == "education"
    assert choices(form.content, "kind")["complaint"]["label::Mongolian (mn)"] == "гомдол"
    assert set(choices(form.content, "privacy")) == {"public", "name_hidden", "confidential", "anonymous"}


def test_places_cascade_from_aimag_to_soum_to_facility(form, personas):
    geo = personas.geo
    assert {"11", "65", "84"} <= set(choices(form.content, "aimag"))
    soums = choices(form.content, "soum")
    assert soums["6504"]["aimag"] == "65" and soums["1110"]["aimag"] == "11"
    facilities = choices(form.content, "facility")
    school = facilities[personas.school.code]
    assert (school["aimag"], school["soum"], school["sector"]) == ("65", "6504", "education")
    assert school["label::English (en)"] == "Battsengel soum School No. 1"
    survey = {row["name"]: row for row in sheets(form.content)["survey"]}
    assert survey["soum"]["choice_filter"] == "aimag=${aimag}"
    assert "soum=${soum}" in survey["facility"]["choice_filter"]
    assert "sector=${facility_sector}" in survey["category"]["choice_filter"]
    assert geo.soum.code in soums


def test_facilities_below_a_soum_or_at_aimag_level_are_listed(personas):
    geo = personas.geo
    bag = AdminUnit.objects.create(
        code="650401", level=AdminUnit.Level.BAG, name="1-р баг", name_mn="1-р баг", parent=geo.soum
    )
    in_bag = make_facility(bag, "Багийн эмч", "Bag doctor", kind=ServiceUnit.Kind.FAMILY_HEALTH_CENTRE)
    hospital = make_facility(
        geo.aimag,
        "Архангай аймгийн нэгдсэн эмнэлэг",
        "Arkhangai general hospital",
        kind=ServiceUnit.Kind.AIMAG_HOSPITAL,
    )
    closed = make_facility(geo.soum, "Хаагдсан сургууль", "Closed school", is_active=False)
    facilities = choices(xlsform.generate_xlsform().content, "facility")
    assert (facilities[in_bag.code]["aimag"], facilities[in_bag.code]["soum"]) == ("65", "6504")
    assert (facilities[hospital.code]["aimag"], facilities[hospital.code]["soum"]) == ("65", None)
    assert closed.code not in facilities


def test_pyxform_converts_the_form_to_an_xform(form):
    result = xlsform.convert(form.content)
    xml = result.xform
    assert 'id="iltod_feedback"' in xml and 'version="2026010100"' in xml
    assert "instance('facility')/root/item[name= /data/facility ]/sector" in xml
    assert 'lang="English (en)"' in xml and 'lang="Mongolian (mn)"' in xml
    assert form.warnings == []


@pytest.mark.skipif(shutil.which("java") is None, reason="ODK Validate needs Java")
def test_odk_validate_accepts_the_form(form):
    result = xlsform.convert(form.content, validate=True)  # ODK Validate ships with pyxform; runs offline
    assert "<h:html" in result.xform


def test_a_broken_form_is_reported():
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.title = "survey"
    workbook.active.append(["type", "name", "label"])
    workbook.active.append(["select_one missing_list", "q", "Q"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(xlsform.XLSFormError, match="choices sheet"):
        xlsform.convert(buffer.getvalue())


def test_generation_stays_fast_with_many_facilities(personas):
    geo = personas.geo
    education = Sector.objects.get(code="education")
    soums = [geo.soum, geo.other_soum, geo.district]
    ServiceUnit.objects.bulk_create(
        [
            ServiceUnit(
                name=f"Сургууль {i}",
                name_mn=f"Сургууль {i}",
                name_en=f"School {i}",
                sector=education,
                kind=ServiceUnit.Kind.GENERAL_SCHOOL,
                admin_unit=soums[i % 3],
            )
            for i in range(1600)
        ]
    )
    xlsform.generate_xlsform()  # the first call also pays for importing pyxform
    started = time.process_time()  # CPU time: other processes on a busy CI machine do not count
    form = xlsform.generate_xlsform()
    elapsed = time.process_time() - started
    assert form.facility_count == 1602
    assert elapsed < 5, f"generation took {elapsed:.1f}s of CPU"


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("citizen", 404),
        ("monitor", 404),
        ("analyst", 404),
        ("provider", 200),
        ("officer", 200),
        ("other_officer", 200),
        ("admin", 200),
    ],
)
def test_handlers_download_the_form(client, personas, persona, expected):
    client.force_login(getattr(personas, persona))
    response = client.get(reverse("feedback:xlsform"))
    assert response.status_code == expected
    if expected == 200:
        assert response["Content-Type"] == xlsform_content_type()
        assert response["Content-Disposition"].startswith('attachment; filename="iltod-feedback-')
        assert personas.school.code in choices(response.content, "facility")


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    response = client.get(reverse("feedback:xlsform"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_form_pyxform_rejects_is_reported_to_staff(client, personas, monkeypatch):
    def broken(*args, **kwargs):
        raise xlsform.XLSFormError("[row : 3] List name not in choices sheet: soum")

    monkeypatch.setattr("iltod.feedback.channels.views.generate_xlsform", broken)
    client.force_login(personas.officer)
    response = client.get(reverse("feedback:xlsform"))
    assert response.status_code == 500
    assert "List name not in choices sheet" in response.content.decode()


def test_the_webhook_reads_every_field_of_the_form(form):
    survey_names = {row["name"] for row in sheets(form.content)["survey"]}
    assert set(xlsform.FIELDS) == survey_names - {"start", "end", "facility_sector"}
    assert kobo.IDENTITY_FIELDS <= survey_names


def xlsform_content_type():
    return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
