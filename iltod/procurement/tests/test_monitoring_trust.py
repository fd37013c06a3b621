"""Trust in the monitoring loop: only published steps move what the public sees, only members of
the procurement-monitoring network open cases, an import's progress and file stay with its
uploader and publisher, and every procurement file goes through its guard."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import Http404
from django.urls import reverse
from django.utils import translation

from iltod.accounts.capabilities import Role
from iltod.accounts.services import grant_membership
from iltod.core import metrics, testing
from iltod.core.views import media, public_media_path
from iltod.organizations.models import NetworkMembership, Organization
from iltod.procurement import permissions, services
from iltod.procurement.demo import MONITORING_SUBNETWORK_EMAIL, _mark_monitoring_network
from iltod.procurement.models import MonitoringCase, MonitoringNetwork

from .test_monitoring import PNG

S = MonitoringCase.State
NOT_A_MEMBER = (
    "Only members of the procurement-monitoring network who monitor procurement for their organisation can open a case."
)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def open_case(process, personas, **extra):
    return services.open_case(
        process, organization=personas.cso, title="T", summary="S", actor=personas.monitor, **extra
    )


def step(case, personas, kind, **extra):
    return services.add_step(case, kind=kind, summary=f"{kind} summary", actor=personas.monitor, **extra)


def moderate(step, personas, publish=True):
    return services.moderate_step(step, actor=personas.network_admin, publish=publish)


def fixed_total(client):
    return client.get(reverse("procurement:monitoring")).context["total"]


# --- only published steps change what the public sees


def test_a_pending_closing_step_changes_neither_the_case_nor_the_fixed_rate(client, process, personas):
    case = open_case(process, personas)
    moderate(case.steps.get(kind="violation"), personas)
    closing = step(case, personas, "closed", outcome="success")
    case.refresh_from_db()
    assert (case.state, case.outcome, case.closed_at) == (S.REPORTED, "", None)
    assert (fixed_total(client)["closed"], fixed_total(client)["fixed"]) == (0, 0)
    page = client.get(case.get_absolute_url())
    assert page.context["case"].state == S.REPORTED
    assert [s.kind for s in page.context["steps"]] == ["violation"]
    moderate(closing, personas)
    case.refresh_from_db()
    assert (case.state, case.outcome, case.closed_at) == (S.CLOSED, "success", closing.created_at)
    assert (fixed_total(client)["closed"], fixed_total(client)["fixed"]) == (1, 1)


def test_a_case_is_public_once_its_violation_is_published(client, process, personas):
    case = open_case(process, personas)
    scope = metrics.Scope(start=datetime.date(2000, 1, 1), end=datetime.date(2100, 1, 1))
    pages = {
        "process": process.get_absolute_url(),
        "monitoring": reverse("procurement:monitoring"),
        "network": reverse("procurement:network_cases", args=[personas.network.code]),
    }

    def seen():
        return {name: case.title in client.get(url).content.decode() for name, url in pages.items()}

    case.title = "Шалгуур нэг брэндийг заасан"
    case.save(update_fields=["title"])
    assert seen() == {"process": False, "monitoring": False, "network": False}
    assert client.get(case.get_absolute_url()).status_code == 404
    assert fixed_total(client)["cases"] == 0
    assert metrics.get("procurement.processes_monitored").compute(scope).numerator == 0
    client.force_login(personas.monitor)
    assert client.get(case.get_absolute_url()).status_code == 200  # its monitors see it
    client.logout()
    moderate(case.steps.get(), personas)
    assert seen() == {"process": True, "monitoring": True, "network": True}
    assert client.get(case.get_absolute_url()).status_code == 200
    assert fixed_total(client)["cases"] == 1
    assert metrics.get("procurement.processes_monitored").compute(scope).numerator == 1


def test_a_refused_step_leaves_the_public_state_and_may_be_added_again(process, personas):
    case = open_case(process, personas)
    letter = step(case, personas, "letter")
    moderate(letter, personas)
    closing = step(case, personas, "closed", outcome="defeat")
    assert services.working_state(case) == S.CLOSED
    with pytest.raises(services.ProcurementError):
        step(case, personas, "letter")  # a closed case (for its monitors) takes no more steps
    moderate(closing, personas, publish=False)
    case.refresh_from_db()
    assert (case.state, case.outcome) == (S.ACTION, "")
    assert services.working_state(case) == S.ACTION
    again = step(case, personas, "closed", outcome="defeat")  # with a better summary
    moderate(again, personas)
    case.refresh_from_db()
    assert (case.state, case.outcome) == (S.CLOSED, "defeat")


def test_steps_published_out_of_order_leave_the_state_of_the_latest(process, personas):
    case = open_case(process, personas)
    letter = step(case, personas, "letter")
    result = step(case, personas, "result")
    moderate(result, personas)
    moderate(letter, personas)
    case.refresh_from_db()
    assert case.state == S.RESULT


def test_the_monitors_see_where_they_are_and_the_public_does_not(client, process, personas):
    case = open_case(process, personas)
    moderate(case.steps.get(), personas)
    step(case, personas, "letter")
    client.force_login(personas.monitor)
    assert client.get(case.get_absolute_url()).context["working_state"] == S.ACTION.label
    client.logout()
    assert client.get(case.get_absolute_url()).context["working_state"] is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL only")
@pytest.mark.django_db(transaction=True)
def test_two_moderators_publishing_at_once_leave_the_later_steps_state(process, personas):
    for _round in range(3):
        case = open_case(process, personas)
        moderate(case.steps.get(), personas)
        letter = step(case, personas, "letter")
        result = step(case, personas, "result")
        waiting = iter([result, letter])
        testing.run_at_once(2, lambda waiting=waiting: moderate(next(waiting), personas))
        case.refresh_from_db()
        assert case.state == S.RESULT


# --- the procurement-monitoring network


def test_a_monitor_of_a_network_not_marked_cannot_open_a_case(client, process, personas):
    MonitoringNetwork.objects.all().delete()
    client.force_login(personas.monitor)
    url = reverse("procurement:case_new", args=[process.code])
    response = client.get(url, follow=True)
    assert response.redirect_chain[-1][0] == process.get_absolute_url()
    with translation.override("mn"):
        expected = translation.gettext(NOT_A_MEMBER)
    assert expected != NOT_A_MEMBER  # translated
    assert expected in [str(m) for m in response.context["messages"]]
    response = client.post(url, {"organization": personas.cso.pk, "title": "T", "summary": "S"})
    assert response.status_code == 302
    assert not MonitoringCase.objects.exists()
    with pytest.raises(services.ProcurementError) as refused:
        open_case(process, personas)
    with translation.override("mn"):
        assert refused.value.messages[0] == translation.gettext(
            "Only members of the procurement-monitoring network can open a case."
        )


def test_membership_of_another_network_is_not_enough(process, personas):
    other = testing.make_org(Organization.Kind.NETWORK, "Өөр сүлжээ", "Another network")
    MonitoringNetwork.objects.all().delete()
    MonitoringNetwork.objects.create(network=other)
    with pytest.raises(services.ProcurementError):
        open_case(process, personas)
    NetworkMembership.objects.create(network=other, member=personas.cso)
    assert open_case(process, personas).organization == personas.cso


def test_a_suspended_member_cannot_open_a_case(process, personas):
    NetworkMembership.objects.filter(member=personas.cso).update(suspended_on="2025-01-01")
    with pytest.raises(services.ProcurementError):
        open_case(process, personas)


def test_a_monitor_in_the_network_itself_opens_a_case_for_it(process, personas):
    user = testing.make_user("net-monitor@example.mn", "Network Monitor")
    grant_membership(actor=personas.admin, user=user, organization=personas.network, role=Role.MONITOR)
    case = services.open_case(process, organization=personas.network, title="T", summary="S", actor=user)
    assert case.organization == personas.network


def test_only_admins_of_the_monitoring_network_or_the_one_above_moderate(process, personas):
    case = open_case(process, personas)
    assert list(permissions.steps_to_moderate(personas.network_admin)) == [case.steps.get()]
    other = testing.make_org(Organization.Kind.NETWORK, "Өөр сүлжээ", "Another network")
    MonitoringNetwork.objects.all().delete()
    MonitoringNetwork.objects.create(network=other)
    NetworkMembership.objects.create(network=other, member=personas.cso)
    # personas.network is no longer marked: its administrator moderates nothing
    assert not permissions.can_moderate_case(personas.network_admin, case)
    assert not permissions.steps_to_moderate(personas.network_admin).exists()
    other.parent = personas.network
    other.save()
    # the administrator of the network above the monitoring subnetwork
    assert permissions.can_moderate_case(personas.network_admin, case)
    assert permissions.steps_to_moderate(personas.network_admin).exists()


def test_the_marker_is_edited_in_the_back_office(client, personas):
    MonitoringNetwork.objects.all().delete()
    personas.admin.is_staff = True
    personas.admin.save()
    client.force_login(personas.admin)
    add = reverse("admin:procurement_monitoringnetwork_add")
    assert client.get(add).status_code == 200
    response = client.post(add, {"network": personas.cso.pk})  # not a network: refused
    assert response.status_code == 200
    assert not MonitoringNetwork.objects.exists()
    assert client.post(add, {"network": personas.network.pk}).status_code == 302
    assert MonitoringNetwork.objects.get().network == personas.network


def test_the_demo_marks_its_procurement_subnetwork(db):
    network = testing.make_org(
        Organization.Kind.NETWORK, "Худалдан авалтын хяналтын дэд сүлжээ", email=MONITORING_SUBNETWORK_EMAIL
    )
    _mark_monitoring_network()
    _mark_monitoring_network()
    assert list(MonitoringNetwork.objects.values_list("network", flat=True)) == [network.pk]


# --- import jobs: the uploader and the publisher's people


def staff(email, personas, *perms):
    user = testing.make_user(email, email)
    user.is_staff = True
    user.save()
    user.user_permissions.add(*Permission.objects.filter(codename__in=perms))
    return user


def test_an_import_is_seen_by_its_uploader_and_publisher_only(client, personas):
    uploader = staff("uploader@example.mn", personas, "view_importjob")
    other = staff("other@example.mn", personas, "view_importjob")
    publisher = staff("publisher@example.mn", personas, "view_importjob")
    grant_membership(actor=personas.admin, user=publisher, organization=personas.school_org, role=Role.PROVIDER_STAFF)
    upload = SimpleUploadedFile("ocds.json", b'{"releases": []}', content_type="application/json")
    job = services.create_import(upload, actor=uploader, organization=personas.school_org)
    pages = [
        reverse("admin:procurement_importjob_change", args=[job.pk]),
        reverse("admin:procurement_importjob_progress", args=[job.pk]),
        job.file.url,
    ]
    assert job.file.url.startswith("/procurement/files/procurement/imports/")
    for user, allowed in [(uploader, True), (publisher, True), (personas.admin, True), (other, False)]:
        client.force_login(user)
        changelist = client.get(reverse("admin:procurement_importjob_changelist"))
        assert (job in changelist.context["cl"].result_list) is allowed
        for url in pages:
            assert client.get(url).status_code in ((200,) if allowed else (302, 404)), (user, url)
    client.logout()
    assert client.get(job.file.url).status_code == 404
    download = _login_get(client, uploader, job.file.url)
    assert download["Content-Disposition"].startswith("attachment")
    assert download["Cache-Control"] == "private, no-store"


def _login_get(client, user, url):
    client.force_login(user)
    return client.get(url)


# --- evidence files: public once the step is published


@pytest.mark.parametrize(
    ("who", "pending", "published"),
    [
        ("anonymous", 404, 200),
        ("citizen", 404, 200),
        ("other_officer", 404, 200),
        ("monitor", 200, 200),
        ("network_admin", 200, 200),
        ("admin", 200, 200),
    ],
)
def test_evidence_files_follow_their_steps_moderation(client, process, personas, who, pending, published):
    case = open_case(process, personas, files=[SimpleUploadedFile("p.png", PNG, content_type="image/png")])
    evidence = case.steps.get().evidence.get()
    urls = [evidence.file.url, reverse("procurement:evidence", args=[evidence.code])]
    assert urls[0].startswith("/procurement/files/procurement/evidence/")
    if who != "anonymous":
        client.force_login(getattr(personas, who))
    assert [client.get(url).status_code for url in urls] == [pending, pending]
    moderate(case.steps.get(), personas)
    responses = [client.get(url) for url in urls]
    assert [r.status_code for r in responses] == [published, published]
    assert b"".join(responses[0].streaming_content) == PNG
    assert responses[0]["X-Content-Type-Options"] == "nosniff"


def test_the_wrong_organisations_monitor_cannot_read_pending_evidence(client, process, personas):
    case = open_case(process, personas, files=[SimpleUploadedFile("p.png", PNG, content_type="image/png")])
    other_cso = testing.make_org(Organization.Kind.CSO, "Өөр ТББ", "Another CSO")
    NetworkMembership.objects.create(network=personas.network, member=other_cso)
    user = testing.make_user("other-monitor@example.mn", "Other Monitor")
    grant_membership(actor=personas.admin, user=user, organization=other_cso, role=Role.MONITOR)
    client.force_login(user)
    assert client.get(case.steps.get().evidence.get().file.url).status_code == 404


def test_unknown_or_escaping_file_names_are_not_found(client, personas):
    client.force_login(personas.admin)
    for name in ["procurement/evidence/none.png", "procurement/evidence/../imports/x", "procurement/other/x.pdf"]:
        assert client.get(reverse("procurement:file", kwargs={"name": name})).status_code == 404


@pytest.mark.parametrize("folder", ["procurement/imports", "procurement/evidence"])
def test_the_raw_media_path_is_refused(rf, settings, folder):
    (settings.MEDIA_ROOT / folder).mkdir(parents=True)
    (settings.MEDIA_ROOT / folder / "x.png").write_bytes(PNG)
    assert public_media_path(f"{folder}/x.png") is None
    with pytest.raises(Http404):
        media(rf.get(f"/media/{folder}/x.png"), f"{folder}/x.png")


def test_the_back_office_shows_cases_to_their_monitors_and_moderators_only(client, process, personas):
    case = open_case(process, personas, files=[SimpleUploadedFile("p.png", PNG, content_type="image/png")])
    perms = ("view_monitoringcase", "view_casestep", "view_caseevidence")
    outsider = staff("outsider@example.mn", personas, *perms)
    for user in (personas.monitor, personas.network_admin):
        user.is_staff = True
        user.save()
        user.user_permissions.add(*Permission.objects.filter(codename__in=perms))
    lists = ["monitoringcase", "casestep", "caseevidence"]
    who = [(outsider, False), (personas.monitor, True), (personas.network_admin, True), (personas.admin, True)]
    for user, sees in who:
        client.force_login(user)
        for model in lists:
            response = client.get(reverse(f"admin:procurement_{model}_changelist"))
            assert response.status_code == 200
            assert (response.context["cl"].result_count == 1) is sees, (user, model)
        change = client.get(reverse("admin:procurement_monitoringcase_change", args=[case.pk]))
        assert (change.status_code == 200) is sees, user
