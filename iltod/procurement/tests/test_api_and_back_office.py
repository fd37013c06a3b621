"""The API for publishers, and the back office: upload with its report, the review queue, INI settings."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from iltod.accounts.models import ApiKey
from iltod.accounts.services import create_api_key
from iltod.procurement.models import ContractingProcess, FlagSettings, ImportJob, Party, Release

from .helpers import package, release


def key_for(personas, organization, scope=ApiKey.Scope.WRITE):
    return create_api_key(actor=personas.admin, organization=organization, name="ocds", scope=scope)[1]


def post(client, body, key=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    return client.post("/api/v1/procurement/ocds/", body, content_type="application/json", **headers)


def job_status(client, url, key=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    return client.get(url, **headers)


def test_a_government_key_publishes_ocds_through_an_import_job(client, personas, django_capture_on_commit_callbacks):
    key = key_for(personas, personas.education_dept)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = post(client, package([release()]), key)
    # answered before the import runs: the job is queued, nothing is stored yet
    assert response.status_code == 202, response.content
    body = response.json()
    assert (body["status"], body["accepted"]) == ("queued", None)
    assert not Release.objects.exists()
    job = ImportJob.objects.get(code=body["job"])
    assert (job.organization, job.filename) == (personas.education_dept, "api.json")
    for callback in callbacks:
        callback()  # the worker (eager here) imports it
    done = job_status(client, body["url"], key)
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["accepted"], done.json()["releases_new"]) == ("done", True, 1)
    assert ContractingProcess.objects.count() == 1
    # one release alone is accepted too, and seen before changes nothing
    with django_capture_on_commit_callbacks(execute=True):
        again = post(client, release(), key)
    assert again.status_code == 202
    assert job_status(client, again.json()["url"], key).json()["releases_seen"] == 1


def test_only_the_publishers_keys_and_the_uploader_see_a_jobs_status(client, personas):
    key = key_for(personas, personas.education_dept)
    url = post(client, package([release()]), key).json()["url"]
    assert job_status(client, url, key_for(personas, personas.education_dept, ApiKey.Scope.READ)).status_code == 200
    assert job_status(client, url, key_for(personas, personas.cso)).status_code == 404
    assert job_status(client, url).status_code in (401, 403)
    client.force_login(personas.officer)
    assert job_status(client, url).status_code == 404


@pytest.mark.parametrize("who", ["anonymous", "read_key", "cso_key", "session"])
def test_others_cannot_publish(client, personas, who):
    key = None
    if who == "read_key":
        key = key_for(personas, personas.education_dept, ApiKey.Scope.READ)
    elif who == "cso_key":
        key = key_for(personas, personas.cso)
    elif who == "session":
        client.force_login(personas.officer)
    response = post(client, package([release()]), key)
    assert response.status_code in (401, 403)
    assert not Release.objects.exists()
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("body", ['{"releases": [', "[1, 2]", '{"hello": 1}', '{"releases": {"ocid": "x"}}'])
def test_bodies_of_the_wrong_shape_are_a_400_at_once(client, personas, body):
    response = post(client, body, key_for(personas, personas.education_dept))
    assert response.status_code == 400
    assert response.json()["error"]["message"]
    assert not ImportJob.objects.exists()


def test_a_release_ocds_refuses_is_reported_in_the_jobs_status(client, personas, django_capture_on_commit_callbacks):
    key = key_for(personas, personas.education_dept)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, '{"releases": [{"ocid": "x", "id": "1", "tag": ["tender"]}]}', key)
    assert response.status_code == 202
    report = job_status(client, response.json()["url"], key).json()
    assert (report["status"], report["accepted"]) == ("failed", False)
    assert report["error_count"] >= 1 and report["errors"][0]["message"]
    assert not Release.objects.exists()


def test_the_back_office_upload_shows_the_report(client, personas, django_capture_on_commit_callbacks):
    personas.admin.is_staff = True
    personas.admin.save()
    client.force_login(personas.admin)
    upload = reverse("admin:procurement_importjob_upload")
    assert client.get(upload).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):  # the task runs once the upload is committed
        bad = client.post(upload, {"file": SimpleUploadedFile("bad.json", b'{"releases": [{"ocid": 1}]}')})
    job = ImportJob.objects.get()
    assert bad.status_code == 302
    assert job.status == ImportJob.Status.FAILED
    assert job.report["errors"]
    page = client.get(reverse("admin:procurement_importjob_change", args=[job.pk]))
    assert page.status_code == 200
    assert b"<progress" in page.content
    assert client.get(reverse("admin:procurement_importjob_progress", args=[job.pk])).json()["percent"] == 100
    empty = client.post(upload, {"file": SimpleUploadedFile("empty.json", b"")})
    assert empty.status_code == 200  # the form says the file is empty
    with django_capture_on_commit_callbacks(execute=True):
        good = client.post(upload, {"file": SimpleUploadedFile("ok.json", json.dumps(package([release()])).encode())})
    assert good.status_code == 302
    assert ContractingProcess.objects.count() == 1


def test_a_citizen_or_officer_cannot_reach_the_back_office_upload(client, personas):
    client.force_login(personas.officer)
    response = client.get(reverse("admin:procurement_importjob_upload"))
    assert response.status_code == 302  # to the admin login


def test_the_review_queue_links_a_party_by_hand(client, personas, tmp_path):
    from .helpers import import_data

    import_data(tmp_path, package([release(buyer=("B7", "MN-REG", "7777", "Танихгүй эмнэлэг"))]))
    party = Party.objects.get()
    assert party.organization is None
    personas.admin.is_staff = True
    personas.admin.save()
    client.force_login(personas.admin)
    queue = client.get(reverse("admin:procurement_party_changelist") + "?linked=no")
    assert "Танихгүй эмнэлэг" in queue.content.decode()
    response = client.post(
        reverse("admin:procurement_party_change", args=[party.pk]),
        {"organization": personas.school_org.pk, "facility": personas.school.pk},
    )
    assert response.status_code == 302
    party.refresh_from_db()
    assert (party.organization, party.facility, party.reviewed) == (personas.school_org, personas.school, True)
    assert ContractingProcess.objects.get().aimag == personas.geo.aimag  # placed again


def test_flag_settings_are_imported_and_exported_as_ini(client, personas):
    personas.admin.is_staff = True
    personas.admin.save()
    client.force_login(personas.admin)
    url = reverse("admin:procurement_flagsettings_import")
    bad = client.post(
        url, {"name": "x", "file": SimpleUploadedFile("s.ini", b"[R003]\nthreshhold = 10\n"), "activate": "on"}
    )
    assert bad.status_code == 200
    assert not FlagSettings.objects.exists()
    good = client.post(
        url,
        {
            "name": "Аймгийн тохиргоо",
            "file": SimpleUploadedFile("s.ini", b"[R003]\nthreshold = 10\n"),
            "activate": "on",
        },
    )
    assert good.status_code == 302
    settings = FlagSettings.objects.get(is_active=True)
    exported = client.get(reverse("admin:procurement_flagsettings_export", args=[settings.pk]))
    assert "threshold = 10" in exported.content.decode()
