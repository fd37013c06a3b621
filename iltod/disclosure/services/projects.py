"""Local Development Fund projects: imports and exports, progress and milestones published by the
area's governor's office, and citizens' monitoring reports (moderated; a problem becomes a
feedback item for the governor's office, linked both ways)."""

from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from iltod.accounts.audit import AuditAction
from iltod.accounts.services import log_event
from iltod.feedback import services as feedback_services
from iltod.feedback.models import Category, Feedback, Kind
from iltod.feedback.uploads import clean_upload
from iltod.lib.maps import contains
from iltod.lib.tabular import ImportReport, Row
from iltod.organizations.models import Organization
from iltod.places.models import AdminUnit

from .. import permissions
from ..forms.projects import MILESTONE_SHEET, PROJECT_COLUMNS, MilestoneRowForm, ProjectRowForm
from ..models import LdfProject, Milestone, MonitoringReport

# The levels whose fund pays for projects: soums and the capital's districts, and their bags and khoroos.
PROJECT_LEVELS = {AdminUnit.Level.SOUM, AdminUnit.Level.DISTRICT, AdminUnit.Level.BAG, AdminUnit.Level.KHOROO}
# Problems on a project are a topic of the area's governor's office: the "other" sector routes there.
FEEDBACK_CATEGORY = "other"


class ProjectError(ValueError):
    """A request the rules do not allow; the message is translated."""


@dataclass
class ProjectImportReport(ImportReport):
    """An import's report with the milestones' counts beside the projects'."""

    milestones_created: int = 0
    milestones_updated: int = 0
    milestones_unchanged: int = 0


def _form_errors(report: ImportReport, row: Row, form, prefix: str = "") -> None:
    for field, errors in form.errors.items():
        for error in errors:
            report.add_error(row.number, prefix if field == "__all__" else f"{prefix}{field}", error)


def split_workbook(sheets: dict[str, list[Row]]) -> tuple[list[Row], list[Row]]:
    """The project rows and the milestone rows of a file (``lib.tabular.read_workbook``): the sheets
    named "projects" and "milestones", else the first sheet for the projects. A CSV file holds one
    or the other, told by its columns (``project`` and ``title``, no ``external_id``: milestones)."""
    sheets = dict(sheets)
    milestones = sheets.pop(MILESTONE_SHEET, None)
    projects = sheets.get("projects")
    if projects is None:
        projects = next(iter(sheets.values()), [])
    if milestones is None and projects and {"project", "title"} <= projects[0].values.keys():
        if "external_id" not in projects[0].values:
            return [], projects
    return projects, milestones or []


def _check_milestones(report, rows: list[Row], in_file: set[str], may_manage) -> tuple[list, dict]:
    """Validate milestone rows (errors under ``milestones.<column>``): the cleaned rows and the
    projects they name that are not in the file."""
    prefix = f"{MILESTONE_SHEET}."
    valid, seen = [], {}
    for row in rows:
        form = MilestoneRowForm(row.values)
        if not form.is_valid():
            _form_errors(report, row, form, prefix)
            continue
        data = form.cleaned_data
        key = (data["project"], data["title"])
        if key in seen:
            report.add_error(row.number, f"{prefix}title", _("Duplicate of row %(row)s.") % {"row": seen[key]})
            continue
        seen[key] = row.number
        valid.append((row, data))
    elsewhere = {d["project"] for _row, d in valid} - in_file
    stored = {
        p.external_id: p
        for p in LdfProject.objects.select_related("admin_unit__parent__parent").filter(external_id__in=elsewhere)
    }
    for row, data in valid:
        if data["project"] in in_file:
            continue  # its project row was checked above
        project = stored.get(data["project"])
        if project is None:
            report.add_error(
                row.number,
                f"{prefix}project",
                _("No project has the external id %(id)s, in this file or already published.")
                % {"id": data["project"]},
            )
        elif not may_manage(project.admin_unit):
            report.add_error(row.number, f"{prefix}project", _("This project belongs to another area."))
    return valid, stored


def _write_milestones(report: ProjectImportReport, valid: list) -> None:
    """Create or update milestones by project and title; milestones not in the file are kept."""
    project_ids = dict(
        LdfProject.objects.filter(external_id__in={d["project"] for _row, d in valid}).values_list("external_id", "pk")
    )
    existing: dict[tuple[int, str], Milestone] = {}
    for milestone in Milestone.objects.filter(project_id__in=project_ids.values()).order_by("pk"):
        existing.setdefault((milestone.project_id, milestone.title), milestone)
    new = []
    for _row, data in valid:
        project_id = project_ids[data["project"]]
        current = existing.get((project_id, data["title"]))
        if current is None:
            new.append(
                Milestone(
                    project_id=project_id, title=data["title"], planned_on=data["planned_on"], done_on=data["done_on"]
                )
            )
            continue
        differs = [key for key in ("planned_on", "done_on") if getattr(current, key) != data[key]]
        if not differs:
            report.milestones_unchanged += 1
            continue
        for key in differs:
            setattr(current, key, data[key])
        current.save(update_fields=differs)
        report.milestones_updated += 1
    Milestone.objects.bulk_create(new, batch_size=1000)
    report.milestones_created = len(new)


@transaction.atomic
def import_projects(
    rows: list[Row], *, milestones: list[Row] | None = None, actor=None, dry_run=False, source=""
) -> ProjectImportReport:
    """Create or update projects by external id, and their milestones by project and title; all or
    nothing. ``actor`` publishes only for the areas its governor's office covers (None: a
    management command)."""
    report = ProjectImportReport(dry_run=dry_run)
    valid: list[tuple[Row, dict]] = []
    seen: dict[str, int] = {}
    for row in rows:
        form = ProjectRowForm(row.values)
        if not form.is_valid():
            _form_errors(report, row, form)
            continue
        data = form.cleaned_data
        if data["external_id"] in seen:
            report.add_error(
                row.number, "external_id", _("Duplicate of row %(row)s.") % {"row": seen[data["external_id"]]}
            )
            continue
        seen[data["external_id"]] = row.number
        valid.append((row, data))
    areas = {
        a.code: a
        for a in AdminUnit.objects.select_related("parent__parent").filter(code__in={d["area"] for _r, d in valid})
    }
    contractors = {
        o.code: o for o in Organization.objects.filter(code__in={d["contractor"] for _r, d in valid if d["contractor"]})
    }
    existing = {
        p.external_id: p
        for p in LdfProject.objects.select_related("admin_unit__parent__parent").filter(external_id__in=seen)
    }
    may_manage = permissions.ldf_project_guard(actor) if actor is not None else (lambda _unit: True)
    for row, data in valid:
        area = areas.get(data["area"])
        if area is None:
            report.add_error(
                row.number, "area", _("No administrative unit has the code %(code)s.") % {"code": data["area"]}
            )
            continue
        if area.level not in PROJECT_LEVELS:
            report.add_error(row.number, "area", _("A project belongs to a soum, district, bag or khoroo."))
            continue
        if not may_manage(area):
            report.add_error(
                row.number, "area", _("You do not publish the projects of %(area)s.") % {"area": area.name}
            )
        current = existing.get(data["external_id"])
        if current is not None and not may_manage(current.admin_unit):
            report.add_error(row.number, "external_id", _("This project belongs to another area."))
        if data["contractor"] and data["contractor"] not in contractors:
            report.add_error(
                row.number, "contractor", _("No organisation has the code %(code)s.") % {"code": data["contractor"]}
            )
        if (
            data["latitude"] is not None
            and area.boundary
            and not contains(area.boundary, data["longitude"], data["latitude"])
        ):
            report.add_error(row.number, "latitude", _("The point is outside %(area)s.") % {"area": area.name})
    # A milestone of a project row that has errors is not reported again: the row's errors stand.
    named = {str(row.values.get("external_id") or "").strip() for row in rows} - {""}
    milestone_rows, _stored = _check_milestones(report, milestones or [], set(seen) | named, may_manage)
    if not report.ok:
        transaction.set_rollback(True)
        return report
    # New projects in bulk; a district's whole list is often re-imported to update a few progress figures.
    new, changed = [], []
    now, by = timezone.now(), (actor if getattr(actor, "is_authenticated", False) else None)
    for _row, data in valid:
        project = existing.get(data["external_id"]) or LdfProject(external_id=data["external_id"])
        values = {key: data[key] for key in PROJECT_COLUMNS if key not in ("external_id", "area", "contractor")}
        values["admin_unit_id"] = areas[data["area"]].pk
        values["contractor_id"] = contractors[data["contractor"]].pk if data["contractor"] else None
        differs = [key for key, value in values.items() if project.pk is None or getattr(project, key) != value]
        if not differs:
            report.unchanged += 1
            continue
        for key in differs:
            setattr(project, key, values[key])
        project.updated_by, project.updated_at = by, now
        if project.pk is None:
            new.append(project)
        else:  # only the columns that changed: bulk_update's CASE over every column is slower
            project.save(update_fields=[key.removesuffix("_id") for key in differs] + ["updated_by", "updated_at"])
            changed.append(project)
    LdfProject.objects.bulk_create(new, batch_size=1000)
    report.created, report.updated = len(new), len(changed)
    if milestone_rows:
        _write_milestones(report, milestone_rows)
    if dry_run:
        transaction.set_rollback(True)
    else:
        log_event(
            actor,
            AuditAction.LDF_PROJECTS_IMPORTED,
            None,
            source=source,
            created=report.created,
            updated=report.updated,
            milestones_created=report.milestones_created,
            milestones_updated=report.milestones_updated,
        )
    return report


def project_export_rows(projects):
    for p in projects.select_related("admin_unit", "contractor"):
        yield [
            p.external_id,
            p.admin_unit.code,
            p.fiscal_year,
            p.title_mn,
            p.title_en,
            p.category,
            p.latitude,
            p.longitude,
            p.amount_approved,
            p.amount_spent,
            p.contractor.code if p.contractor_id else "",
            p.ocid,
            p.status,
            p.progress,
            p.started_on,
            p.due_on,
            p.completed_on,
            p.description,
        ]


def milestone_export_rows(projects):
    """The milestones of ``projects`` in the import's columns (``MILESTONE_COLUMNS``)."""
    milestones = (
        Milestone.objects.filter(project__in=projects.order_by().values("pk"))
        .select_related("project")
        .only("title", "planned_on", "done_on", "project__external_id")
        .order_by("project__external_id", "planned_on", "pk")
    )
    for m in milestones.iterator(chunk_size=2000):
        yield [m.project.external_id, m.title, m.planned_on, m.done_on]


@transaction.atomic
def update_progress(project: LdfProject, *, actor, data: dict, request=None) -> LdfProject:
    """Record a new status, progress or spending (from the progress form or the API)."""
    if not permissions.can_manage_ldf_projects(actor, project.admin_unit):
        raise ProjectError(_("You do not publish the projects of this area."))
    project = LdfProject.objects.select_for_update().get(pk=project.pk)
    before = {key: str(getattr(project, key)) for key in data}
    for key, value in data.items():
        setattr(project, key, value)
    if project.status == LdfProject.Status.COMPLETED and project.completed_on is None:
        project.completed_on = timezone.localdate()
    project.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    project.save(update_fields=[*data, "completed_on", "updated_by", "updated_at"])
    log_event(
        actor,
        AuditAction.LDF_PROJECT_SAVED,
        project,
        request=request,
        before=before,
        after={key: str(getattr(project, key)) for key in data},
    )
    return project


@transaction.atomic
def add_milestone(project: LdfProject, *, actor, title: str, planned_on=None, done_on=None, photo=None, request=None):
    if not permissions.can_manage_ldf_projects(actor, project.admin_unit):
        raise ProjectError(_("You do not publish the projects of this area."))
    milestone = Milestone(project=project, title=title.strip(), planned_on=planned_on, done_on=done_on)
    if photo is not None:
        cleaned = clean_upload(photo)  # raises ValidationError with a translated message
        if cleaned.content_type == "application/pdf":
            raise ProjectError(_("A milestone's photo must be a photo (JPEG, PNG or WebP)."))
        milestone.photo.save(cleaned.name, cleaned.file, save=False)
    milestone.save()
    log_event(actor, AuditAction.LDF_MILESTONE_ADDED, project, request=request, milestone=milestone.title)
    return milestone


def _feedback_text(project: LdfProject, report: MonitoringReport, url: str) -> str:
    return _(
        "Local Development Fund project “%(title)s” (%(year)s), %(area)s: a citizen who visited on %(date)s "
        "reports these problems:\n\n%(problems)s\n\nProject page: %(url)s"
    ) % {
        "title": project.title_mn,
        "year": project.fiscal_year,
        "area": project.admin_unit.name,
        "date": report.visited_on.isoformat(),
        "problems": report.problems,
        "url": url,
    }


@transaction.atomic(durable=True)
def submit_report(project: LdfProject, *, data: dict, photo=None, user=None, language="mn", request=None):
    """Store a citizen's report (awaiting moderation). Its problems, if any, become a feedback item
    routed to the governor's office of the project's area, in the same transaction."""
    report = MonitoringReport(project=project, **data)
    if getattr(user, "is_authenticated", False):
        report.submitted_by = user
    if photo is not None:
        cleaned = clean_upload(photo)
        if cleaned.content_type == "application/pdf":
            raise ProjectError(_("Attach a photo (JPEG, PNG or WebP), not a document."))
        report.photo.save(cleaned.name, cleaned.file, save=False)
    report.save()
    if report.problems.strip():
        category = Category.objects.filter(code=FEEDBACK_CATEGORY, is_active=True).first()
        if category is None:
            raise ProjectError(_("Problems cannot be reported right now: the feedback topic is missing."))
        url = (
            request.build_absolute_uri(project.get_absolute_url())
            if request is not None
            else project.get_absolute_url()
        )
        feedback, _created = feedback_services.store_feedback(
            feedback_services.Submission(
                kind=Kind.COMPLAINT,
                category=category,
                description=_feedback_text(project, report, url),
                admin_unit=project.admin_unit,
                latitude=project.latitude,
                longitude=project.longitude,
                location_text=project.title_mn,
                privacy=Feedback.Privacy.NAME_HIDDEN,
                reporter_name=report.name,
                reporter_email=getattr(user, "email", "") if getattr(user, "is_authenticated", False) else "",
                language=language,
                attributes={"ldf_project": project.code, "ldf_report": report.code},
            ),
            submitted_by=user,
            request=request,
        )
        report.feedback = feedback
        report.save(update_fields=["feedback"])
    log_event(user, AuditAction.LDF_REPORT_SUBMITTED, project, request=request, report=report.code)
    return report


@transaction.atomic
def moderate_report(report: MonitoringReport, *, actor, publish: bool, request=None) -> MonitoringReport:
    if not permissions.can_moderate_ldf_reports(actor, report.project):
        raise ProjectError(_("You do not moderate the reports of this area."))
    report = MonitoringReport.objects.select_for_update().get(pk=report.pk)
    report.moderation = MonitoringReport.Moderation.PUBLISHED if publish else MonitoringReport.Moderation.REJECTED
    report.moderated_by = actor
    report.moderated_at = timezone.now()
    report.save(update_fields=["moderation", "moderated_by", "moderated_at"])
    log_event(
        actor, AuditAction.LDF_REPORT_MODERATED, report.project, request=request, report=report.code, publish=publish
    )
    return report


def feedback_link(report: MonitoringReport) -> str:
    return reverse("feedback:public_detail", args=[report.feedback.tracking_code]) if report.feedback_id else ""
