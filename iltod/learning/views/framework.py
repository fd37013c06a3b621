"""The competency framework, public; its administrator adopts it, edits its areas and competencies
and makes a new version."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..forms.framework import AreaForm, CompetencyForm
from ..models import Competency, CompetencyArea, Framework, LearnerRole, ProficiencyLevel
from ..permissions import can_edit_framework, can_manage_network
from ..services.framework import adopt_framework, new_version, save_area, save_competency


def framework_detail(request, pk):
    framework = get_object_or_404(
        Framework.objects.select_related("network").filter(network__is_active=True, network__is_public=True), pk=pk
    )
    areas = framework.areas.prefetch_related("competencies__behaviours", "competencies__required_levels")
    roles = LearnerRole.choices
    rows = []
    for area in areas:
        for competency in area.competencies.all():
            required = {r.role: r.level for r in competency.required_levels.all()}
            rows.append((area, competency, [required.get(value) for value, _label in roles]))
    return render(
        request,
        "learning/framework/detail.html",
        {
            "framework": framework,
            "areas": areas,
            "levels": ProficiencyLevel.choices,
            "roles": roles,
            "required_rows": rows,
            "versions": framework.network.competency_frameworks.order_by("-version"),
            "can_edit": can_edit_framework(request.user, framework),
            "can_version": can_manage_network(request.user, framework.network),
        },
    )


@login_required
@require_POST
def framework_new_version(request, pk):
    framework = get_object_or_404(Framework.objects.select_related("network"), pk=pk)
    try:
        copy = new_version(actor=request.user, framework=framework, request=request)
    except PermissionDenied as error:
        raise Http404 from error
    messages.success(request, _("Version %(version)s created; you may now change it.") % {"version": copy.version})
    return redirect(copy.get_absolute_url())


def _editable_competency_context(request, framework):
    if not can_edit_framework(request.user, framework):
        raise Http404


@login_required
def competency_edit(request, pk):
    competency = get_object_or_404(
        Competency.objects.select_related("area__framework__network").prefetch_related("behaviours", "required_levels"),
        pk=pk,
    )
    area = competency.area
    return _competency_form(request, area, competency)


@login_required
def competency_add(request, area_pk):
    area = get_object_or_404(CompetencyArea.objects.select_related("framework__network"), pk=area_pk)
    return _competency_form(request, area, None)


def _competency_form(request, area, competency):
    framework = area.framework
    _editable_competency_context(request, framework)
    if competency is not None:
        initial = CompetencyForm.initial_from(competency)
    else:
        initial = {f"required_{role}": 2 for role in LearnerRole.values}
    form = CompetencyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            save_competency(
                actor=request.user, area=area, data=form.cleaned_data, competency=competency, request=request
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Competency saved."))
            return redirect(framework.get_absolute_url())
    return render(
        request,
        "learning/framework/competency_form.html",
        {"framework": framework, "area": area, "competency": competency, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def framework_adopt(request, pk):
    framework = get_object_or_404(Framework.objects.select_related("network"), pk=pk)
    try:
        adopt_framework(actor=request.user, framework=framework, request=request)
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The network has adopted this framework."))
    return redirect(framework.get_absolute_url())


@login_required
def area_edit(request, pk):
    area = get_object_or_404(CompetencyArea.objects.select_related("framework__network"), pk=pk)
    return _area_form(request, area.framework, area)


@login_required
def area_add(request, pk):
    framework = get_object_or_404(Framework.objects.select_related("network"), pk=pk)
    return _area_form(request, framework, None)


def _area_form(request, framework, area):
    _editable_competency_context(request, framework)
    if area is not None:
        initial = {"name_mn": area.name_mn, "name_en": area.name_en, "pillar": area.pillar, "position": area.position}
    else:
        initial = {"position": framework.areas.count() + 1}
    form = AreaForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            save_area(actor=request.user, framework=framework, data=form.cleaned_data, area=area, request=request)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Competency area saved."))
            return redirect(framework.get_absolute_url())
    return render(
        request,
        "learning/framework/area_form.html",
        {"framework": framework, "area": area, "form": form},
        status=400 if form.errors else 200,
    )
