"""The cycle's XLSForm is accepted by pyxform, and a KoBo submission made with it comes back as a
score sheet: once, however often it is delivered."""

import io
import json
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from iltod.scorecards import fieldwork, services
from iltod.scorecards.models import FieldSubmission, FocusGroup, Scale, ScoreRevision
from iltod.scorecards.xlsform import build_workbook, convert, generate_xlsform

from .helpers import action_url, add_group, make_cycle

SECRET = "kobo-secret"


def sheets(content: bytes) -> dict[str, list[dict]]:
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    out = {}
    for sheet in workbook.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        out[sheet.title] = [dict(zip(rows[0], row, strict=False)) for row in rows[1:]]
    return out


@pytest.fixture
def women(personas, cycle):
    return add_group(personas, cycle, FocusGroup.Kind.WOMEN, name="Багийн ээжүүд")


def submission(cycle, group, values, reasons=None, uid=None):
    payload = {
        "_uuid": uid or str(uuid.uuid4()),
        "formhub/uuid": "abc",
        "start": "2026-03-01T10:00:00.000+08:00",
        "cycle": cycle.code,
        "group": group.code,
        "meta/instanceID": f"uuid:{uid}",
        "_submission_time": "2026-03-01T02:05:00",
    }
    for number, value in values.items():
        payload[f"scores/i{number}"] = str(value)
    for number, reason in (reasons or {}).items():
        payload[f"scores/i{number}_reason"] = reason
    return payload


def test_the_form_lists_the_groups_and_the_indicators_and_converts(cycle, women):
    form = generate_xlsform(cycle, version="2026030100")
    data = sheets(form.content)
    names = [row["name"] for row in data["survey"]]
    count = cycle.indicators.count()
    assert {"cycle", "group", "i1", "i1_reason", f"i{count}"} <= set(names)
    groups = [row for row in data["choices"] if row["list_name"] == "group"]
    assert [g["name"] for g in groups] == [women.code]
    assert groups[0]["label::Mongolian (mn)"].endswith("Багийн ээжүүд")
    assert [r["name"] for r in data["choices"] if r["list_name"] == "score"] == ["1", "2", "3", "4", "5"]
    assert data["settings"][0]["form_id"] == f"iltod_scorecard_{cycle.code.lower()}"
    xform = convert(form.content).xform
    assert f"'{cycle.code}'" in xform and "<i1_reason" in xform


def test_a_hundred_point_form_has_a_constraint(personas, library):
    cycle = make_cycle(personas, scale=Scale.HUNDRED)
    add_group(personas, cycle)
    content, _version = build_workbook(cycle)
    i1 = next(row for row in sheets(content)["survey"] if row["name"] == "i1")
    assert (i1["type"], i1["constraint"]) == ("integer", ". >= 0 and . <= 100")
    convert(content)


def test_a_submission_becomes_the_groups_scores_once(personas, cycle, women):
    payload = submission(cycle, women, {1: 2, 2: 5}, {1: "Багш хашгирдаг"})
    first = fieldwork.import_submission(payload)
    second = fieldwork.import_submission(payload)
    assert first.created and not first.error
    assert second.duplicate
    assert FieldSubmission.objects.count() == 1
    assert dict(women.scores.values_list("indicator__number", "value")) == {1: 2, 2: 5}
    assert women.scores.get(indicator__number=1).reason == "Багш хашгирдаг"
    assert ScoreRevision.objects.filter(source=ScoreRevision.Source.KOBO).count() == 2


def test_the_webhook_answers_like_kobo_expects(client, settings, personas, cycle, women):
    settings.KOBO_WEBHOOK_SECRET = SECRET
    url = reverse("scorecards:kobo_webhook")
    body = json.dumps(submission(cycle, women, {1: 3}))
    headers = {"HTTP_X_ILTOD_SECRET": SECRET}
    assert client.post(url, body, content_type="application/json").status_code == 403
    first = client.post(url, body, content_type="application/json", **headers)
    again = client.post(url, body, content_type="application/json", **headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["duplicate"] is True
    assert women.scores.get().value == 3
    broken = client.post(url, "not json", content_type="application/json", **headers)
    assert broken.status_code == 400


def test_a_bad_submission_is_kept_with_its_error_and_imported_when_fixed(personas, cycle, women):
    services.save_scores(actor=personas.monitor, group=women, entries={1: services.Entry(1)}, submit=True)
    payload = submission(cycle, women, {1: 4})
    outcome = fieldwork.import_submission(payload)
    assert outcome.submission.status == FieldSubmission.Status.ERROR
    assert str(FocusGroup.SheetStatus.SUBMITTED.label) in outcome.error
    services.return_sheet(actor=personas.coordinator, group=women, reason="re-enter from the phone")
    retried = fieldwork.import_submission(payload)
    assert retried.submission.status == FieldSubmission.Status.IMPORTED
    assert women.scores.get().value == 4
    off_scale = fieldwork.import_submission(submission(cycle, women, {1: 7}))
    assert off_scale.submission.status == FieldSubmission.Status.ERROR


def test_an_unknown_cycle_or_group_is_an_error_not_a_crash(personas, cycle, women):
    payload = submission(cycle, women, {1: 4})
    payload["cycle"] = "NOPE1234"
    assert fieldwork.import_submission(payload).submission.status == FieldSubmission.Status.ERROR
    assert fieldwork.import_submission({"cycle": cycle.code}).error  # no id at all


def test_an_uploaded_export_imports_each_submission_once(client, personas, cycle, women):
    parents = add_group(personas, cycle, FocusGroup.Kind.PARENTS)
    rows = [submission(cycle, women, {1: 2}), submission(cycle, parents, {1: 4, 2: 1})]
    client.force_login(personas.monitor)
    url = action_url(cycle, "upload")
    upload = SimpleUploadedFile("export.json", json.dumps({"results": rows}).encode(), "application/json")
    client.post(url, {"file": upload})
    # The same submissions again, as an XLSX export with the form's field names as headers.
    workbook = Workbook()
    sheet = workbook.active
    header = sorted({key for row in rows for key in row})
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(key, "") for key in header])
    buffer = io.BytesIO()
    workbook.save(buffer)
    revisions = ScoreRevision.objects.count()
    assert revisions == 3
    upload = SimpleUploadedFile("export.xlsx", buffer.getvalue())
    response = client.post(url, {"file": upload}, follow=True)
    assert response.status_code == 200
    assert ScoreRevision.objects.count() == revisions  # imported twice = imported once
    assert FieldSubmission.objects.filter(status=FieldSubmission.Status.IMPORTED).count() == 2
    assert dict(parents.scores.values_list("indicator__number", "value")) == {1: 4, 2: 1}
    garbage = SimpleUploadedFile("export.json", b"{not json")
    response = client.post(url, {"file": garbage}, follow=True)
    assert response.status_code == 200
