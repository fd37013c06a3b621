"""Pages of social accountability projects: the public list and page, creating and editing."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _

from .. import services
from ..forms.groups import (
    ProjectFilterForm,
    ProjectForm,
)
from ..models import (
    Project,
)
from ..permissions import (
    can_create_groups,
    can_manage_project,
    get_project,
    member_groups,
    visible_groups,
    visible_projects,
)
from .shared import (
    done,
    history,
    page_of,
    query_without_page,
)

# --- Projects ----------------------------------------------------------------------------------


def project_list(request):
    form = ProjectFilterForm(request.GET or None)
    projects = visible_projects(request.user).select_related("organization")
    if form.is_valid():
        if form.cleaned_data["tool"]:
            projects = projects.filter(tool=form.cleaned_data["tool"])
        if form.cleaned_data["status"]:
            projects = projects.filter(status=form.cleaned_data["status"])
    page = page_of(request, projects.order_by("-starts_on", "title", "pk"))
    return render(
        request,
        "engagement/project_list.html",
        {
            "form": form,
            "page": page,
            "query": query_without_page(request),
            "can_create": can_create_groups(request.user),
        },
    )


def project_detail(request, code):
    project = get_project(request.user, code)
    manage = can_manage_project(request.user, project)
    user = request.user
    groups = project.groups.filter(pk__in=visible_groups(user).values("pk")).select_related("admin_unit")
    issues = project.issues.select_related("group")
    if not manage:
        issues = issues.filter(Q(is_public=True, group__is_public=True) | Q(group__in=member_groups(user)))
    return render(
        request,
        "engagement/project_detail.html",
        {
            "project": project,
            "manage": manage,
            "partners": project.partners.all(),
            "facilities": project.facilities.select_related("admin_unit"),
            "groups": groups,
            "issues": issues,
            "history": history(project) if manage else [],
        },
    )


@login_required
def project_create(request):
    if not can_create_groups(request.user):
        raise Http404
    form = ProjectForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        project = services.create_project(
            actor=request.user,
            organization=fields.pop("organization"),
            title=fields.pop("title"),
            tool=fields.pop("tool"),
            request=request,
            **fields,
        )
        return done(request, _("The project was created."), project.get_absolute_url())
    return render(request, "engagement/project_form.html", {"form": form})


@login_required
def project_edit(request, code):
    project = get_project(request.user, code, manage=True)
    form = ProjectForm(request.POST if request.method == "POST" else None, instance=project, user=request.user)
    if request.method == "POST" and form.is_valid():
        fresh = Project.objects.get(pk=project.pk)
        try:
            services.update_project(fresh, actor=request.user, request=request, **form.service_fields())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return done(request, _("The project was saved."), project.get_absolute_url())
    return render(request, "engagement/project_form.html", {"form": form, "project": project})


urlpatterns = [
    path("projects/", project_list, name="project_list"),
    path("projects/new/", project_create, name="project_create"),
    path("projects/<str:code>/", project_detail, name="project_detail"),
    path("projects/<str:code>/edit/", project_edit, name="project_edit"),
]
