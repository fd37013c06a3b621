"""The competency framework, public; its administrator makes a new version."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..models import Framework, LearnerRole, ProficiencyLevel
from ..permissions import can_edit_framework, can_manage_network
from ..services.framework import new_version


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
    messages.success(request, _("Version %(version)s created; edit it in the back office.") % {"version": copy.version})
    return redirect(copy.get_absolute_url())
