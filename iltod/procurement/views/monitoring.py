"""The monitoring loop: citizens' structured feedback on a process, CSOs' cases and their steps,
moderation of the steps' public summaries, and evidence downloads."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from iltod.core.files import send_file

from .. import forms, permissions, services
from ..models import CaseEvidence, CaseStep, ContractingProcess, MonitoringCase


def _errors(form, exc: ValidationError) -> None:
    for message in exc.messages:
        form.add_error(None, message)


def process_feedback(request, code):
    process = get_object_or_404(ContractingProcess.objects.select_related("buyer__organization"), code=code)
    form = forms.ProcessFeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.submit_process_feedback(
                process,
                rating=form.cleaned_data["rating"],
                answers=form.answers(),
                text=form.cleaned_data["text"],
                user=request.user if request.user.is_authenticated else None,
                reporter_name=form.cleaned_data["reporter_name"],
                reporter_phone=form.cleaned_data["reporter_phone"],
                language=(request.LANGUAGE_CODE or "mn")[:2],
                request=request,
            )
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(
                request,
                _("Thank you. Your feedback went to the buyer, who must answer by %(date)s. Tracking code: %(code)s")
                % {
                    "date": timezone.localtime(item.feedback.resolve_due).date() if item.feedback.resolve_due else "—",
                    "code": item.feedback.tracking_code,
                },
            )
            return redirect(process.get_absolute_url())
    return render(request, "procurement/feedback_form.html", {"process": process, "form": form})


def case_detail(request, code):
    case = get_object_or_404(
        MonitoringCase.objects.select_related("process", "organization", "process__buyer"), code=code
    )
    may_act = permissions.may_monitor_for(request.user, case.organization)
    may_moderate = permissions.can_moderate_case(request.user, case)
    steps = list(case.steps.select_related("oversight_body").prefetch_related("evidence"))
    if not (may_act or may_moderate):
        steps = [s for s in steps if s.moderation == CaseStep.Moderation.PUBLISHED]
        if not steps:
            raise Http404  # nothing of the case is published yet
    # the public sees the state published steps set; the monitors also where they are themselves
    working = services.working_state(case) if may_act or may_moderate else case.state
    form = forms.StepForm() if may_act and working != MonitoringCase.State.CLOSED else None
    return render(
        request,
        "procurement/case_detail.html",
        {
            "case": case,
            "steps": steps,
            "form": form,
            "may_act": may_act,
            "may_moderate": may_moderate,
            "working_state": MonitoringCase.State(working).label if working != case.state else None,
        },
    )


@login_required
def case_new(request, code):
    process = get_object_or_404(ContractingProcess, code=code)
    organizations = permissions.monitoring_organizations(request.user)
    if not organizations.exists():
        if not permissions.monitors_outside_the_network(request.user):
            raise Http404
        messages.error(
            request,
            _(
                "Only members of the procurement-monitoring network who monitor procurement for their "
                "organisation can open a case."
            ),
        )
        return redirect(process.get_absolute_url())
    form = forms.CaseForm(request.POST or None, request.FILES or None, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.open_case(
                process,
                organization=form.cleaned_data["organization"],
                title=form.cleaned_data["title"],
                summary=form.cleaned_data["summary"],
                actor=request.user,
                files=form.cleaned_data["files"],
                request=request,
            )
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("The case is open. Its summary is public once moderated."))
            return redirect(case.get_absolute_url())
    return render(request, "procurement/case_form.html", {"process": process, "form": form})


@login_required
@require_POST
def step_add(request, code):
    case = permissions.get_case_for_monitor(request.user, code)
    form = forms.StepForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_step(
                case,
                kind=form.cleaned_data["kind"],
                summary=form.cleaned_data["summary"],
                oversight_body=form.cleaned_data["oversight_body"],
                outcome=form.cleaned_data["outcome"],
                actor=request.user,
                files=form.cleaned_data["files"],
                request=request,
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Step added."))
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect(case.get_absolute_url())


@login_required
def moderation(request):
    steps = permissions.steps_to_moderate(request.user)
    if not permissions.moderated_network_ids(request.user) and not request.user.is_superuser:
        raise Http404
    steps = steps.select_related("case", "case__organization", "case__process").order_by("created_at")[:50]
    return render(request, "procurement/moderation.html", {"steps": list(steps)})


@login_required
@require_POST
def step_moderate(request, code):
    step = get_object_or_404(CaseStep.objects.select_related("case"), code=code)
    if not permissions.can_moderate_case(request.user, step.case):
        raise Http404
    services.moderate_step(step, actor=request.user, publish=request.POST.get("publish") == "1", request=request)
    messages.success(request, _("Moderated."))
    return redirect("procurement:moderation")


def evidence(request, code):
    """A step's evidence file, behind the same guard as its file route (``procurement.files``)."""
    item = get_object_or_404(CaseEvidence.objects.select_related("step__case__organization"), code=code)
    if not permissions.can_read_evidence(request.user, item):
        raise Http404
    extension = "pdf" if item.content_type == "application/pdf" else item.content_type.rsplit("/", 1)[-1]
    return send_file(
        item.file,
        filename=f"evidence.{extension}",
        content_type=item.content_type,
        public=item.step.moderation == CaseStep.Moderation.PUBLISHED,
        download=True,
    )
