"""The monitoring loop: feedback to the buyer, CSO cases through their steps, moderation, evidence,
fixed rates and the metrics."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from iltod.core import metrics
from iltod.feedback.models import Feedback
from iltod.procurement import services
from iltod.procurement.models import CaseStep, MonitoringCase, OversightBody, ProcessFeedback

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)


def feedback_post(**extra):
    data = {
        "rating": "2",
        "specification_fair": "no",
        "specification_fair_comment": "Нэг брэндийн нэрийг шаардсан",
        "requirements_discriminatory": "yes",
        "text": "Техникийн тодорхойлолт нэг нийлүүлэгчид тааруулсан.",
    }
    data.update(extra)
    return data


def test_feedback_goes_to_the_buyer_with_a_deadline(client, process, personas):
    response = client.post(reverse("procurement:process_feedback", args=[process.code]), feedback_post())
    assert response.status_code == 302
    item = ProcessFeedback.objects.get()
    feedback = item.feedback
    assert feedback.handling_organization == personas.school_org  # the buyer, not the routing rules
    assert feedback.service_unit == personas.school
    assert feedback.resolve_due is not None
    assert feedback.kind == "complaint"
    assert feedback.attributes["procurement_process"] == process.code  # linked both ways
    assert item.answers["specification_fair"] == {"value": False, "comment": "Нэг брэндийн нэрийг шаардсан"}
    assert "Нэг брэндийн" in feedback.description
    # the buyer's staff see it in their feedback
    client.force_login(personas.provider)
    assert client.get(reverse("feedback:staff_detail", args=[feedback.tracking_code])).status_code == 200


@pytest.mark.parametrize(
    "data",
    [
        {"rating": "9"},
        {"rating": ""},
        {"rating": "3", "specification_fair": "", "text": ""},  # nothing said
        {"rating": "3", "specification_fair": "maybe"},
    ],
)
def test_bad_feedback_is_a_form_error_and_saves_nothing(client, process, data):
    response = client.post(reverse("procurement:process_feedback", args=[process.code]), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Feedback.objects.exists()


def test_feedback_on_a_process_whose_buyer_is_not_linked_is_refused_clearly(client, process):
    process.buyer.organization = None
    process.buyer.save()
    response = client.post(reverse("procurement:process_feedback", args=[process.code]), feedback_post())
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Feedback.objects.exists()


def run_case(client, personas, process, outcome="success"):
    client.force_login(personas.monitor)
    response = client.post(
        reverse("procurement:case_new", args=[process.code]),
        {
            "organization": personas.cso.pk,
            "title": "Шалгуур үзүүлэлт ялгаварласан",
            "summary": "Тендерийн баримт бичигт нэг брэнд заасан.",
            "files": [SimpleUploadedFile("p.png", PNG, content_type="image/png")],
        },
    )
    assert response.status_code == 302, response.content[:500]
    case = MonitoringCase.objects.get()
    body = OversightBody.objects.first()
    steps = reverse("procurement:step_add", args=[case.code])
    client.post(steps, {"kind": "letter", "summary": "Захиалагчид албан бичиг хүргүүлсэн."})
    client.post(steps, {"kind": "complaint", "oversight_body": body.pk, "summary": "Гомдол гаргасан."})
    client.post(steps, {"kind": "result", "summary": "Тендерийг цуцалж дахин зарласан."})
    client.post(steps, {"kind": "closed", "outcome": outcome, "summary": "Зөрчил засагдсан."})
    case.refresh_from_db()
    return case


def publish_all(case, personas):
    for step in case.steps.filter(moderation=CaseStep.Moderation.PENDING):
        services.moderate_step(step, actor=personas.network_admin, publish=True)
    case.refresh_from_db()
    return case


def test_a_case_goes_through_its_steps(client, process, personas):
    case = run_case(client, personas, process)
    # the monitors are at the end; the public sees nothing move before moderation
    assert services.working_state(case) == MonitoringCase.State.CLOSED
    assert (case.state, case.outcome) == (MonitoringCase.State.REPORTED, "")
    assert case.steps.get(kind="closed").outcome == "success"
    assert [s.kind for s in case.steps.all()] == ["violation", "letter", "complaint", "result", "closed"]
    assert case.steps.get(kind="violation").evidence.count() == 1
    # a closed case takes no more steps
    response = client.post(reverse("procurement:step_add", args=[case.code]), {"kind": "letter", "summary": "x"})
    assert response.status_code == 302
    assert case.steps.count() == 5


def test_step_rules(client, process, personas):
    case = services.open_case(process, organization=personas.cso, title="T", summary="S", actor=personas.monitor)
    with pytest.raises(services.ProcurementError):
        services.add_step(case, kind="result", summary="too early", actor=personas.monitor)
    with pytest.raises(services.ProcurementError):
        services.add_step(case, kind="complaint", summary="no body", actor=personas.monitor)
    with pytest.raises(services.ProcurementError):
        services.add_step(case, kind="closed", summary="no outcome", actor=personas.monitor)
    with pytest.raises(services.ProcurementError):
        services.add_step(case, kind="letter", summary="not a member", actor=personas.coordinator)
    assert case.steps.count() == 1


@pytest.mark.parametrize("name", ["anonymous", "citizen", "provider", "officer", "coordinator", "network_admin"])
def test_only_the_case_organisations_monitors_add_steps(client, process, personas, name):
    case = services.open_case(process, organization=personas.cso, title="T", summary="S", actor=personas.monitor)
    if name != "anonymous":
        client.force_login(getattr(personas, name))
    response = client.post(reverse("procurement:step_add", args=[case.code]), {"kind": "letter", "summary": "x"})
    assert response.status_code in (302, 404)
    assert case.steps.count() == 1


def test_public_summaries_show_once_moderated(client, process, personas):
    case = run_case(client, personas, process)
    client.logout()
    assert client.get(case.get_absolute_url()).status_code == 404  # nothing published yet
    evidence = case.steps.get(kind="violation").evidence.get()
    assert client.get(reverse("procurement:evidence", args=[evidence.code])).status_code == 404
    # the network's administrator moderates the summaries of its members' cases
    client.force_login(personas.network_admin)
    assert client.get(reverse("procurement:moderation")).status_code == 200
    for step in case.steps.all():
        client.post(reverse("procurement:step_moderate", args=[step.code]), {"publish": "1"})
    assert not CaseStep.objects.filter(moderation=CaseStep.Moderation.PENDING).exists()
    client.logout()
    assert len(client.get(case.get_absolute_url()).context["steps"]) == 5
    download = client.get(reverse("procurement:evidence", args=[evidence.code]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize("name", ["citizen", "monitor", "provider", "officer", "other_officer", "analyst"])
def test_others_cannot_moderate(client, process, personas, name):
    case = services.open_case(process, organization=personas.cso, title="T", summary="S", actor=personas.monitor)
    client.force_login(getattr(personas, name))
    step = case.steps.get()
    assert client.post(reverse("procurement:step_moderate", args=[step.code]), {"publish": "1"}).status_code == 404
    step.refresh_from_db()
    assert step.moderation == CaseStep.Moderation.PENDING


def test_evidence_must_be_a_photo_or_pdf(client, process, personas):
    client.force_login(personas.monitor)
    response = client.post(
        reverse("procurement:case_new", args=[process.code]),
        {
            "organization": personas.cso.pk,
            "title": "T",
            "summary": "S",
            "files": [SimpleUploadedFile("x.exe", b"MZ\x90\x00", content_type="application/octet-stream")],
        },
    )
    assert response.status_code == 200
    assert not MonitoringCase.objects.exists()


def test_fixed_rates_and_metrics_are_counts(client, process, personas):
    publish_all(run_case(client, personas, process, outcome="success"), personas)
    second = services.open_case(process, organization=personas.cso, title="B", summary="S", actor=personas.monitor)
    services.add_step(second, kind="closed", outcome="defeat", summary="Nothing", actor=personas.monitor)
    publish_all(second, personas)
    page = client.get(reverse("procurement:monitoring"))
    assert (page.context["total"]["closed"], page.context["total"]["fixed"]) == (2, 1)
    assert page.context["total"]["percent"] == 50
    today = timezone.localdate()
    scope = metrics.Scope(start=today - datetime.timedelta(days=1), end=today + datetime.timedelta(days=1))
    value = metrics.get("procurement.cases_fixed").compute(scope)
    assert (value.numerator, value.denominator) == (1, 2)
    by_org = metrics.get("procurement.cases_fixed").compute(
        metrics.Scope(start=scope.start, end=scope.end, organization_id=personas.ministry.pk)
    )
    assert (by_org.numerator, by_org.denominator) == (0, 0)
    assert metrics.get("procurement.processes_monitored").compute(scope).numerator == 1
    by_aimag = metrics.get("procurement.cases_fixed").breakdown(scope, "aimag")
    assert by_aimag[personas.geo.aimag.code].denominator == 2
