"""The REST API of budgets, transfers and Local Development Fund projects: public reads with
filters and pages, imports for publishers (a session or an organisation's write key), 401, 403 for a
read key, 404 for those who publish nothing of the kind, 400 with every row's errors."""

from datetime import date

import pytest
from django.urls import reverse

from iltod.accounts.models import ApiKey
from iltod.accounts.services import create_api_key
from iltod.disclosure.models import BudgetLine, LdfProject, Milestone

from .money_fixtures import money  # noqa: F401

pytestmark = pytest.mark.django_db


def bearer(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _key(personas, organization, scope):
    return create_api_key(actor=personas.admin, organization=organization, name="system", scope=scope)[1]


def test_the_lists_are_public_filtered_and_paged(client, personas, money, django_assert_max_num_queries):  # noqa: F811
    with django_assert_max_num_queries(4):
        body = client.get(reverse("api:transfer-list"), {"area": personas.geo.aimag.code, "year": 2025}).json()
    assert body["count"] == 2
    step = next(s for s in body["results"] if s["code"] == "T1-S")
    assert step["leakage"] == "200000.00" and step["previous_step"] == f"{personas.ministry.code}:T1"
    body = client.get(reverse("api:budget-line-list"), {"facility": personas.school.code}).json()
    assert [line["code"] for line in body["results"]] == ["OP-1"]
    body = client.get(
        reverse("api:ldf-project-list"), {"area": personas.geo.aimag.code, "status": "in_progress"}
    ).json()
    assert [p["external_id"] for p in body["results"]] == ["BTS-2025-01"]
    assert client.get(reverse("api:ldf-project-list"), {"status": "bogus"}).status_code == 400
    detail = client.get(reverse("api:ldf-project-detail", args=[money.project.code])).json()
    assert detail["reports"] == []
    assert client.get(reverse("api:budget-line-list"), {"page": "0"}).status_code == 400


def _line(personas, **extra):
    row = {"body": personas.school_org.code, "fiscal_year": "2025", "code": "API-1", "approved": "500"}
    row.update(extra)
    return row


def test_a_providers_write_key_imports_its_budget_lines(client, personas):
    key = _key(personas, personas.school_org, ApiKey.Scope.WRITE)
    url = reverse("api:budget-line-import-rows")
    response = client.post(url, {"rows": [_line(personas)]}, content_type="application/json", **bearer(key))
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 1 and BudgetLine.objects.filter(code="API-1").exists()
    bad = client.post(
        url,
        {"rows": [_line(personas, code="API-2"), _line(personas, code="API-3", approved="-1")]},
        content_type="application/json",
        **bearer(key),
    )
    assert bad.status_code == 400
    assert list(bad.json()["error"]["fields"]) == ["rows.2.approved"]
    assert not BudgetLine.objects.filter(code="API-2").exists()


def test_who_may_import(client, personas, money):  # noqa: F811
    url = reverse("api:budget-line-import-rows")
    payload = {"rows": [_line(personas)]}
    assert client.post(url, payload, content_type="application/json").status_code == 401
    read_key = _key(personas, personas.school_org, ApiKey.Scope.READ)
    assert client.post(url, payload, content_type="application/json", **bearer(read_key)).status_code == 403
    client.force_login(personas.citizen)
    assert client.post(url, payload, content_type="application/json").status_code == 404
    # another body's key: the row is refused, nothing saved
    other_key = _key(personas, personas.other_dept, ApiKey.Scope.WRITE)
    client.logout()
    response = client.post(url, payload, content_type="application/json", **bearer(other_key))
    assert response.status_code == 400 and next(iter(response.json()["error"]["fields"])).endswith(".body")
    assert not BudgetLine.objects.filter(code="API-1").exists()


def test_the_governors_office_key_imports_projects(client, personas, money):  # noqa: F811
    key = _key(personas, money.governor, ApiKey.Scope.WRITE)
    row = {
        "external_id": "BTS-2025-01",
        "area": personas.geo.soum.code,
        "fiscal_year": "2025",
        "title_mn": "Худаг засварлах",
        "category": "water",
        "amount_approved": "50000000",
        "status": "in_progress",
        "progress": "75",
    }
    url = reverse("api:ldf-project-import-rows")
    response = client.post(url, {"rows": [row]}, content_type="application/json", **bearer(key))
    assert response.status_code == 200, response.content
    assert LdfProject.objects.get(external_id="BTS-2025-01").progress == 75
    school_key = _key(personas, personas.school_org, ApiKey.Scope.WRITE)
    assert client.post(url, {"rows": [row]}, content_type="application/json", **bearer(school_key)).status_code == 404


def test_a_body_that_is_not_json_is_a_400(client, personas):
    key = _key(personas, personas.school_org, ApiKey.Scope.WRITE)
    response = client.post(
        reverse("api:budget-line-import-rows"), "{rows: nope", content_type="application/json", **bearer(key)
    )
    assert response.status_code == 400
    response = client.post(
        reverse("api:budget-line-import-rows"), {"rows": "nope"}, content_type="application/json", **bearer(key)
    )
    assert response.status_code == 400


def _ldf_row(personas, **extra):
    return {
        "external_id": "BTS-2025-09",
        "area": personas.geo.soum.code,
        "fiscal_year": "2025",
        "title_mn": "Цэцэрлэгийн засвар",
        "category": "education",
        "amount_approved": "8000000",
        "status": "in_progress",
        "progress": "30",
    } | extra


def test_the_api_imports_milestones_with_their_projects_and_counts_them(client, personas, money):  # noqa: F811
    key = _key(personas, money.governor, ApiKey.Scope.WRITE)
    url = reverse("api:ldf-project-import-rows")
    milestones = [
        {"project": "BTS-2025-09", "title": "Дээвэр солих", "planned_on": "2025-07-01", "done_on": ""},
        {"project": money.project.external_id, "title": "Гүүрийн хашлага", "planned_on": "2025-08-01"},
    ]
    body = {"rows": [_ldf_row(personas)], "milestones": milestones}
    response = client.post(url, body, content_type="application/json", **bearer(key))
    assert response.status_code == 200, response.content
    assert response.json() == {
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "milestones_created": 2,
        "milestones_updated": 0,
        "milestones_unchanged": 0,
        "dry_run": False,
    }
    roof = Milestone.objects.get(project__external_id="BTS-2025-09", title="Дээвэр солих")
    assert roof.planned_on == date(2025, 7, 1) and roof.done_on is None
    # milestones alone, of a project already published: the roof is done now, the railing unchanged
    milestones[0]["done_on"] = "2025-07-20"
    response = client.post(url, {"milestones": milestones}, content_type="application/json", **bearer(key))
    assert response.status_code == 200, response.content
    counts = response.json()
    assert (counts["created"], counts["milestones_updated"], counts["milestones_unchanged"]) == (0, 1, 1)
    roof.refresh_from_db()
    assert roof.done_on == date(2025, 7, 20)


def test_a_bad_milestone_is_named_by_its_row_and_nothing_is_saved(client, personas, money):  # noqa: F811
    key = _key(personas, money.governor, ApiKey.Scope.WRITE)
    url = reverse("api:ldf-project-import-rows")
    milestones = [
        {"project": "BTS-2025-09", "title": "Дээвэр солих"},
        {"project": "NOPE-1", "title": "Суурь"},
        {"project": "BTS-2025-09", "title": ""},
    ]
    body = {"rows": [_ldf_row(personas)], "milestones": milestones}
    response = client.post(url, body, content_type="application/json", **bearer(key))
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert set(fields) == {"milestones.2.project", "milestones.3.title"}
    assert "NOPE-1" in fields["milestones.2.project"][0]
    assert not LdfProject.objects.filter(external_id="BTS-2025-09").exists()
    assert not Milestone.objects.filter(title="Дээвэр солих").exists()
    # a bad project row is still named under "rows"
    body = {"rows": [_ldf_row(personas, progress="140")], "milestones": milestones[:1]}
    fields = client.post(url, body, content_type="application/json", **bearer(key)).json()["error"]["fields"]
    assert set(fields) == {"rows.1.progress"}


def test_an_import_with_neither_projects_nor_milestones_is_a_translated_400(client, personas, money):  # noqa: F811
    key = _key(personas, money.governor, ApiKey.Scope.WRITE)
    url = reverse("api:ldf-project-import-rows")
    for body in ({}, {"rows": [], "milestones": []}):
        response = client.post(url, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="mn", **bearer(key))
        assert response.status_code == 400
        assert response.json()["error"]["fields"]["rows"] == ["Дор хаяж нэг төсөл эсвэл үе шатын мөр илгээнэ үү."]
    response = client.post(
        url, {"milestones": "nope"}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en", **bearer(key)
    )
    assert response.status_code == 400 and "milestones" in response.json()["error"]["fields"]
    # the budget lines' import still needs rows
    budget = client.post(reverse("api:budget-line-import-rows"), {}, content_type="application/json", **bearer(key))
    assert budget.status_code == 400 and "rows" in budget.json()["error"]["fields"]
