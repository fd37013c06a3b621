"""Local Development Fund projects: the list per area with progress bars and a map, each project's
page with its timeline, the citizen's monitoring report, and the pages of the governor's office
(progress, milestones, moderation of reports, import and export)."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Avg, Count, Q, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited

from iltod.feedback.services import FeedbackError
from iltod.lib.maps import frame_for, svg_path
from iltod.lib.tabular import TabularError, read_workbook, tabular_response, workbook_response
from iltod.places.maps import Map, MapPoint, MapShape
from iltod.places.models import AdminUnit

from .. import permissions
from ..forms.budgets import ImportForm
from ..forms.projects import (
    MILESTONE_COLUMNS,
    MILESTONE_SHEET,
    PROJECT_COLUMNS,
    MilestoneForm,
    ModerationForm,
    MonitoringReportForm,
    ProgressForm,
    ProjectFilterForm,
)
from ..models import LdfProject, MonitoringReport
from ..services import projects as services

PER_PAGE = 25
REPORTS_PER_PAGE = 50  # a project's published reports, a page of its timeline
PROJECT_RELATED = ("admin_unit__parent", "contractor")


def project_map(units: list[AdminUnit], projects) -> Map | None:
    """The area (or the nearest unit above it with a boundary) with a dot per located project."""
    shaped = [u for u in units if u.boundary]
    if not shaped:
        return None
    frame = frame_for([u.boundary for u in shaped])
    if frame is None:
        return None
    shapes = [MapShape(u.code, u.name, u.get_absolute_url(), svg_path(u.boundary, frame, 1.0), True) for u in shaped]
    points = []
    for project in projects:
        if project.has_location:
            x, y = frame.project(project.longitude, project.latitude)
            points.append(MapPoint(round(x, 1), round(y, 1), project.title))
    return Map(frame.view_box, shapes, points)


def _map_area(unit: AdminUnit) -> list[AdminUnit]:
    chain = [unit, *reversed(unit.ancestors())]
    with_boundary = {
        u.pk: u
        for u in AdminUnit.objects.filter(pk__in=[u.pk for u in chain])
        .exclude(boundary=None)
        .only("code", "level", "name", "name_mn", "name_en", "boundary")
    }
    return next(([with_boundary[u.pk]] for u in chain if u.pk in with_boundary), [])


def project_list(request):
    form = ProjectFilterForm(request.GET or None)
    area = None
    if request.GET.get("area"):
        area = AdminUnit.objects.defer("boundary").select_related("parent").filter(code=request.GET["area"]).first()
        if area is None:
            raise Http404
    projects = LdfProject.objects.select_related(*PROJECT_RELATED).order_by(
        "-fiscal_year", "admin_unit__name", "title_mn"
    )
    if area is not None:
        projects = projects.in_area(area)
    if form.is_valid():
        for key, field in (("year", "fiscal_year"), ("status", "status"), ("category", "category")):
            if form.cleaned_data[key]:
                projects = projects.filter(**{field: form.cleaned_data[key]})
    fmt = request.GET.get("format")
    if fmt == "xlsx":  # the projects and their milestones, as two sheets the import reads back
        return workbook_response(
            "ldf-projects",
            [
                ("projects", PROJECT_COLUMNS, services.project_export_rows(projects)),
                (MILESTONE_SHEET, MILESTONE_COLUMNS, services.milestone_export_rows(projects)),
            ],
        )
    if fmt == "csv" and request.GET.get("part") == MILESTONE_SHEET:  # a CSV file holds one sheet
        return tabular_response("ldf-milestones", MILESTONE_COLUMNS, services.milestone_export_rows(projects), fmt)
    if fmt == "csv":
        return tabular_response("ldf-projects", PROJECT_COLUMNS, services.project_export_rows(projects), fmt)
    totals = projects.aggregate(approved=Sum("amount_approved"), spent=Sum("amount_spent"), count=Count("pk"))
    page = Paginator(projects, PER_PAGE).get_page(request.GET.get("page"))
    # Labels and links made once here rather than a choice lookup and a URL reversal per project
    # in the template.
    page.object_list = list(page.object_list)
    categories, statuses = dict(LdfProject.Category.choices), dict(LdfProject.Status.choices)
    link = reverse("disclosure:project_detail", args=["-"])
    for project in page.object_list:
        project.url = link.replace("/-/", f"/{project.code}/")
        project.category_label = categories.get(project.category, project.category)
        project.status_label = statuses.get(project.status, project.status)
    query = urlencode({k: v for k, v in request.GET.items() if k != "page" and v})
    area_map = project_map(_map_area(area), page.object_list) if area is not None else None
    areas = (
        AdminUnit.objects.filter(ldf_projects__isnull=False).defer("boundary").distinct().order_by("name")
        if area is None
        else None
    )
    return render(
        request,
        "disclosure/projects/list.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "area": area,
            "areas": areas,
            "map": area_map,
            "totals": totals,
            "can_import": permissions.managed_ldf_area_ids(request.user) != [],
        },
    )


def _project(code: str) -> LdfProject:
    return get_object_or_404(LdfProject.objects.select_related("admin_unit__parent__parent", "contractor"), code=code)


def _timeline(project: LdfProject, reports) -> list[dict]:
    """Milestones and published reports, by date."""
    items = []
    for milestone in project.milestones.all():
        items.append({"date": milestone.done_on or milestone.planned_on, "milestone": milestone})
    for report in reports:
        items.append({"date": report.visited_on, "report": report})
    return sorted(items, key=lambda item: (item["date"] is None, item["date"] or 0))


def project_detail(request, code):
    project = _project(code)
    public_reports = project.reports.public()
    reports = Paginator(
        public_reports.select_related("feedback").order_by("-visited_on", "-id"), REPORTS_PER_PAGE
    ).get_page(request.GET.get("page"))
    rating = public_reports.aggregate(average=Avg("rating"), count=Count("pk"))
    can_manage = (
        permissions.can_manage_ldf_projects(request.user, project.admin_unit)
        if request.user.is_authenticated
        else False
    )
    can_moderate = permissions.can_moderate_ldf_reports(request.user, project)
    pending = list(project.reports.awaiting_moderation().select_related("feedback")) if can_moderate else []
    context = {
        "project": project,
        "reports": reports,
        "timeline": _timeline(project, reports.object_list),
        "map": project_map(_map_area(project.admin_unit), [project]),
        "can_manage": can_manage,
        "can_moderate": can_moderate,
        "pending": pending,
        "progress_form": ProgressForm(instance=project) if can_manage else None,
        "milestone_form": MilestoneForm() if can_manage else None,
        "moderation_form": ModerationForm() if can_moderate else None,
        "average_rating": rating["average"],
        "rated_reports": rating["count"],
    }
    return render(request, "disclosure/projects/detail.html", context)


def project_report(request, code):
    """A citizen's monitoring report: anyone may send one (within the feedback's limits per
    connection); it is public once moderated, and its problems go to the governor's office."""
    project = _project(code)
    form = MonitoringReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        limited = is_ratelimited(
            request,
            group="ldf-report",
            key="ip",
            rate=settings.FEEDBACK_RATE_PER_IP,
            method=is_ratelimited.ALL,
            increment=True,
        )
        if limited:
            form.add_error(None, _("Too many submissions from your connection. Please try again later."))
        elif form.is_valid():
            data = {
                k: form.cleaned_data[k]
                for k in ("visited_on", "progress_seen", "rating", "problems", "comment", "name")
            }
            try:
                report = services.submit_report(
                    project,
                    data=data,
                    photo=form.cleaned_data.get("photo"),
                    user=request.user,
                    language=(get_language() or "mn")[:2],
                    request=request,
                )
            except FeedbackError as exc:  # the rules of feedback refused the problems
                form.add_error(None, exc)
            except ValidationError as exc:  # the photo
                form.add_error("photo", exc)
            except services.ProjectError as exc:
                form.add_error(None, str(exc))
            else:
                if report.feedback_id:
                    messages.success(
                        request,
                        _(
                            "Thank you. Your report will be public once checked. "
                            "The problems you reported went to the governor's office as feedback %(code)s."
                        )
                        % {"code": report.feedback.tracking_code},
                    )
                else:
                    messages.success(request, _("Thank you. Your report will be public once checked."))
                return redirect(project.get_absolute_url())
    # A form with errors comes back as a page (200), as the feedback form does.
    return render(request, "disclosure/projects/report.html", {"project": project, "form": form})


@login_required
@require_POST
def project_progress(request, code):
    project = _project(code)
    if not permissions.can_manage_ldf_projects(request.user, project.admin_unit):
        raise Http404
    form = ProgressForm(request.POST, instance=LdfProject.objects.get(pk=project.pk))
    if form.is_valid():
        services.update_progress(
            project, actor=request.user, data={k: form.cleaned_data[k] for k in form.Meta.fields}, request=request
        )
        messages.success(request, _("The project's progress is saved."))
        return redirect(project.get_absolute_url())
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect(project.get_absolute_url())


@login_required
@require_POST
def project_milestone(request, code):
    project = _project(code)
    if not permissions.can_manage_ldf_projects(request.user, project.admin_unit):
        raise Http404
    form = MilestoneForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_milestone(project, actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        except services.ProjectError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The milestone is saved."))
        return redirect(project.get_absolute_url())
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect(project.get_absolute_url())


@login_required
@require_POST
def report_moderate(request, code):
    report = get_object_or_404(MonitoringReport.objects.select_related("project__admin_unit"), code=code)
    if not permissions.can_moderate_ldf_reports(request.user, report.project):
        raise Http404
    form = ModerationForm(request.POST)
    if form.is_valid():
        services.moderate_report(report, actor=request.user, publish=form.cleaned_data["publish"], request=request)
        messages.success(
            request,
            _("The report is published.") if form.cleaned_data["publish"] else _("The report will not be published."),
        )
    return redirect(report.project.get_absolute_url())


@login_required
def report_queue(request):
    """Reports awaiting moderation in the areas of the user's governor's offices."""
    areas = permissions.moderated_ldf_area_ids(request.user)
    if areas == []:
        raise Http404
    reports = MonitoringReport.objects.awaiting_moderation().select_related("project__admin_unit", "feedback")
    if areas is not None:
        reports = reports.filter(
            Q(project__admin_unit__in=areas)
            | Q(project__admin_unit__parent__in=areas)
            | Q(project__admin_unit__parent__parent__in=areas)
        )
    page = Paginator(reports.order_by("created_at"), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "disclosure/projects/queue.html", {"page": page, "moderation_form": ModerationForm()})


@login_required
def project_import(request):
    if permissions.managed_ldf_area_ids(request.user) == []:
        raise Http404
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            rows, milestones = services.split_workbook(read_workbook(form.cleaned_data["file"]))
        except TabularError as exc:
            form.add_error("file", str(exc))
        else:
            report = services.import_projects(
                rows,
                milestones=milestones,
                actor=request.user,
                dry_run=form.cleaned_data["dry_run"],
                source=form.cleaned_data["file"].name,
            )
            if report.ok and not report.dry_run:
                messages.success(
                    request,
                    _(
                        "Projects: %(created)s created, %(updated)s updated, %(unchanged)s unchanged. "
                        "Milestones: %(m_created)s created, %(m_updated)s updated, %(m_unchanged)s unchanged."
                    )
                    % {
                        "created": report.created,
                        "updated": report.updated,
                        "unchanged": report.unchanged,
                        "m_created": report.milestones_created,
                        "m_updated": report.milestones_updated,
                        "m_unchanged": report.milestones_unchanged,
                    },
                )
                return redirect(request.path)
    status = 400 if request.method == "POST" and (not form.is_valid() or (report and not report.ok)) else 200
    return render(
        request,
        "disclosure/budgets/import.html",
        {
            "form": form,
            "report": report,
            "title": _("Import Local Development Fund projects"),
            "columns": PROJECT_COLUMNS,
            "milestone_columns": MILESTONE_COLUMNS,
        },
        status=status,
    )


def admin_unit_panel(request, unit):
    """Section of a soum, district or aimag page: its Local Development Fund projects of the latest year."""
    if unit.level == "country":
        return ""
    projects = LdfProject.objects.in_area(unit)
    latest = projects.order_by("-fiscal_year").values_list("fiscal_year", flat=True).first()
    if latest is None:
        return ""
    rows = list(projects.filter(fiscal_year=latest).select_related("admin_unit").order_by("-progress", "title_mn")[:10])
    totals = projects.filter(fiscal_year=latest).aggregate(
        count=Count("pk"), approved=Sum("amount_approved"), spent=Sum("amount_spent")
    )
    return render_to_string(
        "disclosure/projects/panel_area.html",
        {"unit": unit, "year": latest, "projects": rows, "totals": totals},
        request=request,
    )
