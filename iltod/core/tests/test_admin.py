import csv
import datetime as dt
import io
from urllib.parse import unquote

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from openpyxl import load_workbook

from iltod.accounts.audit import AuditAction
from iltod.accounts.models import AuditEvent
from iltod.accounts.services import log_event
from iltod.core.admin_tools import ExportMixin
from iltod.core.testing import make_facility, make_org
from iltod.organizations.models import Organization
from iltod.places.models import AdminUnit, Sector, ServiceUnit

REGISTERED = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
MODEL_IDS = [model._meta.label for model, _model_admin in REGISTERED]
# The models of this package's apps; the personas fixture creates rows of each, so an export has data.
EXPORTED = [
    "accounts.User",
    "accounts.Membership",
    "accounts.AuditEvent",
    "places.Sector",
    "places.AdminUnit",
    "places.ServiceUnit",
    "organizations.Organization",
    "organizations.NetworkMembership",
]
EXPORTABLE = [(m, a) for m, a in REGISTERED if m._meta.label in EXPORTED]


def changelist(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def missing_translation_parameters(model_admin):
    return [
        f.parameter_name
        for f in model_admin.list_filter
        if isinstance(f, type) and getattr(f, "parameter_name", "").startswith("missing_")
    ]


@pytest.fixture
def admin_client_(client, personas):
    log_event(personas.admin, AuditAction.FACILITIES_IMPORTED, personas.school, note={"a": 1})
    client.force_login(personas.admin)
    return client


@pytest.mark.parametrize(("model", "model_admin"), REGISTERED, ids=MODEL_IDS)
def test_every_changelist_and_add_page_loads_for_the_superuser(admin_client_, model, model_admin):
    assert admin_client_.get(changelist(model)).status_code == 200
    assert admin_client_.get(changelist(model) + "?q=a").status_code == 200
    response = admin_client_.get(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add"), follow=True)
    # Read-only models (the audit log) refuse on purpose; every other add page loads (an import job's
    # "add" is its upload form, where it leads).
    assert response.status_code == (200 if model_admin.has_add_permission(response.wsgi_request) else 403)


@pytest.mark.parametrize(("model", "model_admin"), EXPORTABLE, ids=[m._meta.label for m, _a in EXPORTABLE])
def test_the_change_page_of_an_existing_row_loads(admin_client_, model, model_admin):
    obj = model._default_manager.first()
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk])
    assert admin_client_.get(url).status_code == 200


TRANSLATED = [(m, a) for m, a in REGISTERED if missing_translation_parameters(a)]


@pytest.mark.parametrize(("model", "model_admin"), TRANSLATED, ids=[m._meta.label for m, _a in TRANSLATED])
@pytest.mark.parametrize("language", ["mn", "en"])
def test_every_missing_translation_filter_applies(admin_client_, model, model_admin, language):
    for parameter in missing_translation_parameters(model_admin):
        response = admin_client_.get(f"{changelist(model)}?{parameter}={language}")
        assert response.status_code == 200, parameter
        assert response.context["cl"].has_filters


def test_the_models_of_this_package_can_be_exported():
    assert len(EXPORTABLE) == len(EXPORTED)
    assert all(isinstance(a, ExportMixin) for _m, a in EXPORTABLE)


def test_the_translated_models_have_missing_translation_filters():
    labels = {m._meta.label for m, _a in TRANSLATED}
    assert {"places.Sector", "places.AdminUnit", "places.ServiceUnit", "organizations.Organization"} <= labels


def listed(client, model, query):
    response = client.get(f"{changelist(model)}?{query}")
    assert response.status_code == 200
    return set(response.context["cl"].queryset)


def test_the_missing_translation_filter_lists_rows_without_english_or_mongolian_text(admin_client_, personas):
    no_english = make_facility(personas.geo.soum, "Англи нэргүй", "")
    blank_english = make_facility(personas.geo.soum, "Хоосон", "   ".strip())
    no_mongolian = make_facility(personas.geo.soum, "", "Only English")
    assert listed(admin_client_, ServiceUnit, "missing_name=en") == {no_english, blank_english}
    assert listed(admin_client_, ServiceUnit, "missing_name=mn") == {no_mongolian}
    assert len(listed(admin_client_, ServiceUnit, "missing_name=fr")) == ServiceUnit.objects.count()

    unit = AdminUnit.objects.create(code="6599", level="soum", name_mn="Шинэ", parent=personas.geo.aimag)
    assert listed(admin_client_, AdminUnit, "missing_name=en") == {unit}

    sector = Sector.objects.create(code="transport", name_mn="Тээвэр", order=9)
    assert sector in listed(admin_client_, Sector, "missing_name=en")

    org = make_org(Organization.Kind.CSO, "ТББ", "NGO", mission_mn="Эрхэм зорилго")
    assert org in listed(admin_client_, Organization, "missing_mission=en")
    assert org not in listed(admin_client_, Organization, "missing_mission=mn")
    assert org not in listed(admin_client_, Organization, "missing_name=en")


# Export actions


def export(client, model, action, pks=None):
    data = {"action": action, "index": "0"}
    if pks is None:
        data["select_across"] = "1"
        data[ACTION_CHECKBOX_NAME] = [str(o.pk) for o in model._default_manager.all()[:1]]
    else:
        data[ACTION_CHECKBOX_NAME] = [str(pk) for pk in pks]
    return client.post(changelist(model), data, HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.parametrize(("model", "model_admin"), EXPORTABLE, ids=[m._meta.label for m, _a in EXPORTABLE])
def test_every_export_action_returns_csv_and_xlsx_that_can_be_read_back(admin_client_, model, model_admin):
    count = model._default_manager.count()
    response = export(admin_client_, model, "export_csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == count + 1

    response = export(admin_client_, model, "export_xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{model._meta.model_name}.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    xlsx_rows = list(sheet.iter_rows(values_only=True))
    assert len(xlsx_rows) == count + 1
    assert list(xlsx_rows[0]) == rows[0]


def test_the_facility_export_has_the_documented_columns_and_readable_values(admin_client_, personas):
    response = export(admin_client_, ServiceUnit, "export_xlsx", pks=[personas.school.pk])
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    header, row = list(sheet.iter_rows(values_only=True))
    values = dict(zip(header, row, strict=True))
    school = personas.school
    assert header == (
        "code",
        "name_mn",
        "name_en",
        "kind",
        "sector",
        "admin_unit",
        "address_mn",
        "latitude",
        "longitude",
        "registry_code",
        "operator",
        "is_active",
    )
    assert values["code"] == school.code
    assert values["name_en"] == "Battsengel soum School No. 1"
    assert values["kind"] == "general education school"
    assert values["admin_unit"] == str(personas.geo.soum)
    assert values["operator"] == str(personas.school_org)


def test_the_audit_log_export_writes_local_times_and_details(admin_client_, personas, settings):
    settings.TIME_ZONE = "Asia/Ulaanbaatar"
    event = AuditEvent.objects.filter(action=AuditAction.FACILITIES_IMPORTED).latest("pk")
    event.created_at = dt.datetime(2024, 5, 1, 4, 0, tzinfo=dt.UTC)
    event.save(update_fields=["created_at"])
    response = export(admin_client_, AuditEvent, "export_xlsx", pks=[event.pk])
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    header, row = list(sheet.iter_rows(values_only=True))
    values = dict(zip(header, row, strict=True))
    assert values["created_at"] == dt.datetime(2024, 5, 1, 12, 0)
    assert values["action"] == str(AuditAction.FACILITIES_IMPORTED.label)
    assert values["actor"] == str(personas.admin)
    assert "note" in values["data"]

    response = export(admin_client_, AuditEvent, "export_csv", pks=[event.pk])
    header, row = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert dict(zip(header, row, strict=True))["target_repr"] == event.target_repr != ""


def test_exporting_all_rows_after_filtering_exports_only_the_filtered_rows(admin_client_, personas):
    response = admin_client_.post(
        changelist(AdminUnit) + "?level__exact=aimag",
        {"action": "export_csv", "index": "0", "select_across": "1", ACTION_CHECKBOX_NAME: [personas.geo.aimag.pk]},
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert sorted(r[0] for r in rows[1:]) == ["65", "84"]


# Access


def test_users_without_back_office_access_are_sent_to_the_login_page(client, personas):
    visitors = [None, "citizen", "monitor", "provider", "officer", "coordinator", "network_admin", "analyst"]
    for persona in visitors:
        if persona:
            client.force_login(getattr(personas, persona))
        for url in ["/admin/", changelist(ServiceUnit), changelist(AuditEvent)]:
            response = client.get(url)
            assert response.status_code == 302, (persona, url)
            assert response.url.startswith("/admin/login/?next="), (persona, url)
            response = client.get(url, follow=True)
            assert response.status_code == 200, (persona, url)
            assert unquote(response.redirect_chain[-1][0]) == f"{reverse('accounts:login')}?next={url}"
            assert response.templates[0].name == "accounts/login.html"


def test_a_non_staff_user_cannot_run_an_export_action(client, personas):
    client.force_login(personas.officer)
    response = client.post(
        changelist(AuditEvent),
        {"action": "export_csv", "index": "0", "select_across": "1", ACTION_CHECKBOX_NAME: ["1"]},
    )
    assert response.status_code == 302
    assert "text/csv" not in response.get("Content-Type", "")
