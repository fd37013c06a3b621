"""Every state change of procurement: imports, links, red flags, feedback and monitoring cases.
Atomic and audited."""

from __future__ import annotations

import logging
import os

from django.apps import apps
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from iltod.accounts.audit import AuditAction
from iltod.accounts.services import log_event

from . import imports, matching
from .models import (
    CaseEvidence,
    CaseStep,
    ContractingProcess,
    Flag,
    FlagSettings,
    ImportJob,
    MonitoringCase,
    Party,
    ProcessFeedback,
)

log = logging.getLogger("iltod.procurement")


class ProcurementError(ValidationError):
    """A request the rules do not allow; the message is translated and shown to the user."""


# ---------------------------------------------------------------------------------------------
# Imports


def progress_key(job: ImportJob) -> str:
    return f"procurement:import:{job.code}"


def job_progress(job: ImportJob) -> dict:
    """What the progress bar shows: the import runs in one transaction, so its progress is kept in
    the cache, where other requests see it before the commit."""
    cached = cache.get(progress_key(job))
    if cached and job.status in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING):
        return cached
    return {"status": job.status, "percent": job.percent, "releases": job.progress}


def create_import(upload, *, actor=None, organization=None, request=None) -> ImportJob:
    """Store the uploaded file and queue its import (run at once when Celery is eager)."""
    if upload.size == 0:
        raise ProcurementError(_("The file is empty."))
    with transaction.atomic():
        job = ImportJob(
            filename=os.path.basename(upload.name)[:255],
            total_bytes=upload.size,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            organization=organization,
        )
        job.file.save(f"{job.code}.upload", upload, save=False)
        job.save()
    from .tasks import run_import_job

    transaction.on_commit(lambda: run_import_job.delay(job.pk))
    return job


def run_import(job: ImportJob, *, path: str | None = None, on_progress=None) -> imports.ImportReport:
    """Import the job's file; the report is kept on the job. Red flags are recomputed after a file
    that added releases."""
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)
    path = path or job.file.path

    def progress(bytes_read, releases):
        total = job.total_bytes or 1
        cache.set(
            progress_key(job),
            {"status": ImportJob.Status.RUNNING, "percent": min(99, bytes_read * 100 // total), "releases": releases},
            timeout=3600,
        )
        if on_progress is not None:
            on_progress(bytes_read, releases)

    report = imports.import_file(path, job=job if job.pk else None, on_progress=progress)
    job.status = ImportJob.Status.DONE if report.ok else ImportJob.Status.FAILED
    job.progress = report.releases_read
    job.bytes_read = job.total_bytes
    job.releases_new = report.releases_new
    job.releases_seen = report.releases_seen
    job.processes = report.processes
    job.report = report.as_dict()
    job.finished_at = timezone.now()
    with transaction.atomic():
        job.save()
        log_event(
            job.created_by,
            AuditAction.OCDS_IMPORTED,
            job,
            accepted=report.ok,
            releases_new=report.releases_new,
            errors=report.error_count,
        )
    cache.delete(progress_key(job))
    if report.ok and report.releases_new:
        recompute_flags()
    return report


def import_path(
    path: str, *, actor=None, organization=None, on_progress=None
) -> tuple[ImportJob, imports.ImportReport]:
    """Import a file on disk (the management command): a job without a stored copy."""
    job = ImportJob.objects.create(
        filename=os.path.basename(path)[:255],
        total_bytes=os.path.getsize(path),
        created_by=actor,
        organization=organization,
    )
    return job, run_import(job, path=path, on_progress=on_progress)


# ---------------------------------------------------------------------------------------------
# Red flags


def default_ini() -> str:
    """Every indicator enabled with Cardinal's defaults (an indicator runs when its section exists)."""
    try:
        from .flags import INDICATORS
    except ImportError:
        return ""
    return "\n".join(f"[{code}]" for code in INDICATORS) + "\n"


def active_settings_text() -> str:
    """The active settings; without any, every indicator with its defaults."""
    active = FlagSettings.objects.filter(is_active=True).first()
    return active.ini if active else default_ini()


def check_ini(text: str) -> None:
    """Refuse settings Cardinal would refuse (an unknown section or key, a value of the wrong type)."""
    try:
        from .flags import Settings
    except ImportError:  # the engine is not installed: nothing to check against
        return
    try:
        Settings.from_ini(text)
    except Exception as exc:  # the engine's own message names the key
        raise ProcurementError(_("These settings cannot be read: %(error)s") % {"error": exc}) from None


@transaction.atomic
def save_flag_settings(settings_obj: FlagSettings, *, actor=None, activate: bool = False) -> FlagSettings:
    """Save red flag settings; when the flags' active settings change (the active set is edited,
    another set is activated or the active one is deactivated), recompute the flags in the
    background."""
    check_ini(settings_obj.ini)
    was_active = bool(settings_obj.pk) and FlagSettings.objects.filter(pk=settings_obj.pk, is_active=True).exists()
    if activate:
        FlagSettings.objects.exclude(pk=settings_obj.pk).filter(is_active=True).update(is_active=False)
        settings_obj.is_active = True
    settings_obj.save()
    log_event(actor, AuditAction.FLAG_SETTINGS_CHANGED, settings_obj, active=settings_obj.is_active)
    if settings_obj.is_active or was_active:
        queue_recompute(settings_obj)
    return settings_obj


def queue_recompute(settings_obj: FlagSettings) -> None:
    """Mark the flags as being recomputed (the back office shows it) and queue the job after the
    commit (run at once when Celery is eager)."""
    from .tasks import recompute_flags_job

    settings_obj.recompute_queued_at = timezone.now()
    FlagSettings.objects.filter(pk=settings_obj.pk).update(recompute_queued_at=settings_obj.recompute_queued_at)
    transaction.on_commit(lambda: recompute_flags_job.delay(settings_obj.pk))


def run_queued_recompute(settings_id: int) -> int | None:
    """The queued recomputation: nothing if it was done already; the mark is emptied only if no
    newer change queued another one meanwhile."""
    queued = FlagSettings.objects.filter(pk=settings_id).values_list("recompute_queued_at", flat=True).first()
    if queued is None:
        return None
    stored = recompute_flags()
    FlagSettings.objects.filter(pk=settings_id, recompute_queued_at=queued).update(recompute_queued_at=None)
    return stored


def recompute_flags() -> int:
    """Run every red flag over every stored process with the active settings and store the results
    (per process and per party), replacing the previous ones. Returns how many results the engine
    gave (a party's result stored once more per process counts once).

    A party's flag is stored once for the party (no process: its profile), and once more for every
    process it was flagged in (process and party: the process "has" the flag, for the search filter,
    the badge and the rates).

    The compiled releases are read as JSON text and handed to the engine as lines (it decodes only
    the fields it needs); a release is parsed whole only when it names an organisation not yet
    matched to a party. On PostgreSQL the results are written with ``COPY`` (``bulk``)."""
    try:
        from .flags import Settings, Skipped, run_lines
    except ImportError:
        log.warning("procurement flags engine is not available; flags not computed")
        return 0
    import orjson

    from . import bulk

    settings = Settings.from_ini(active_settings_text())
    process_ids: dict[str, int] = {}
    party_ids = {(s, i): pk for pk, s, i in Party.objects.values_list("pk", "scheme", "identifier")}
    # A release's party id names a party only within its publisher: (publisher, id) -> party.
    ref_to_party: dict[tuple[str, str], int] = {}
    # A party id as the flags give it -> the parties it names, across publishers.
    parties_of_key: dict[str, set[int]] = {}

    def lines():
        for pk, ocid, line in bulk.stored_compiled():
            process_ids[ocid] = pk
            source = matching.publisher({"ocid": ocid})
            ids = bulk.reference_ids(line)
            if ids is None or any((source, str(ref_id)) not in ref_to_party for ref_id in ids):
                data = orjson.loads(line)
                ids = []
                for ref in _party_refs(data):
                    ids.append(ref.get("id"))
                    found = matching.identity(data, ref)
                    ref_key = (source, str(ref.get("id")))
                    if found and ref_key not in ref_to_party and found[:2] in party_ids:
                        ref_to_party[ref_key] = party_ids[found[:2]]
            for ref_id in ids:
                party = ref_to_party.get((source, str(ref_id)))
                if party is not None:
                    parties_of_key.setdefault(str(ref_id), set()).add(party)
            yield line

    skipped = Skipped()
    result = run_lines(lines(), settings, meta=True, maps=True, skipped=skipped)
    processes_of = _processes_of_party_flags(result.pop("Maps", {}))
    rows = []
    results = 0
    for scope in Flag.Scope.values:
        process_scope = scope == Flag.Scope.PROCESS
        for key, values in (result.get(scope) or {}).items():
            results += len(values)
            process_id = process_ids.get(key) if process_scope else None
            # Cardinal keys a party's flag by its id in the releases: every party that id names
            parties = [None] if process_scope else sorted(parties_of_key.get(str(key)) or [None], key=str)
            for code, value in values.items():
                for party_id in parties:
                    rows.append((scope, str(key)[:160], code, float(value), process_id, party_id))
                if process_scope:
                    continue
                # and once per process it was flagged in, with the party the id names there
                for ocid in processes_of.get((scope, code), {}).get(key, ()):
                    if ocid in process_ids:
                        party_id = ref_to_party.get((matching.publisher({"ocid": ocid}), str(key)))
                        rows.append((scope, str(key)[:160], code, float(value), process_ids[ocid], party_id))
    with transaction.atomic():
        bulk.replace_flags(rows)
        _store_skipped(skipped, process_ids)
    cache.set("procurement:flags:meta", result.get("Meta") or {}, timeout=None)
    return results


# Which of the engine's maps (OCID -> party ids) says in which processes a party was flagged: the
# processes where the flagged bids were, or, for a flag on a party's whole record, every process it
# bid in (a buyer's or procuring entity's R038: the processes with disqualified bids).
_FLAG_MAPS = {
    **{("Tenderer", code): f"ocid_tenderer_{code.lower()}" for code in ("R024", "R028", "R030", "R035", "R058")},
    **{("Tenderer", code): "ocid_tenderer" for code in ("R025", "R038", "R048")},
    ("Buyer", "R038"): "ocid_buyer_r038",
    ("ProcuringEntity", "R038"): "ocid_procuringentity_r038",
}


def _processes_of_party_flags(maps: dict) -> dict[tuple[str, str], dict[str, list[str]]]:
    """(scope, code) -> party id -> the OCIDs it was flagged in."""
    inverted: dict[str, dict[str, list[str]]] = {}
    for name in set(_FLAG_MAPS.values()):
        by_key: dict[str, list[str]] = {}
        for ocid, keys in (maps.get(name) or {}).items():
            for key in [keys] if isinstance(keys, str) else keys:
                by_key.setdefault(key, []).append(ocid)
        inverted[name] = by_key
    return {flag: inverted[name] for flag, name in _FLAG_MAPS.items()}


def _store_skipped(skipped, process_ids: dict[str, int]) -> None:
    """Replace the processes the flags could not check, by reason, with the indicators each missed."""
    from .models import SkippedCheck

    SkippedCheck.objects.all().delete()
    SkippedCheck.objects.bulk_create(
        [
            SkippedCheck(process_id=process_ids[ocid], reason=reason, codes=codes)
            for reason, by_ocid in skipped.codes.items()
            for ocid, codes in by_ocid.items()
            if ocid in process_ids
        ],
        batch_size=5000,
    )


def _party_refs(data: dict):
    for ref in matching.references(data):
        if isinstance(ref, dict) and ref.get("id") is not None:
            yield ref


# ---------------------------------------------------------------------------------------------
# Parties


@transaction.atomic
def link_party(party: Party, *, organization, facility=None, actor=None, request=None) -> Party:
    """Link a party from the review queue by hand, and place its processes again."""
    if facility is not None and organization is not None and facility.operator_id not in (None, organization.pk):
        raise ProcurementError(_("This facility is run by another organisation."))
    party.organization, party.facility, party.reviewed = organization, facility, True
    party.save(update_fields=["organization", "facility", "reviewed"])
    log_event(actor, AuditAction.PARTY_LINKED, party, request=request, organization=getattr(organization, "pk", None))
    ocids = list(
        ContractingProcess.objects.filter(Q(buyer=party) | Q(procuring_entity=party))
        .order_by("ocid")
        .values_list("ocid", flat=True)
    )
    imports.compile_processes(ocids)
    return party


# ---------------------------------------------------------------------------------------------
# Structured feedback (DOZORRO's form)


# The answer that signals a problem: "no" everywhere except "were the requirements discriminatory?"
PROBLEM_ANSWER = {code: code == "requirements_discriminatory" for code, _label in ProcessFeedback.QUESTIONS}


def problems(answers: dict) -> list[str]:
    return [code for code, answer in answers.items() if answer.get("value") is PROBLEM_ANSWER.get(code)]


def procurement_category(process: ContractingProcess):
    """The feedback category for procurement (created on first use)."""
    Category = apps.get_model("feedback", "Category")
    Sector = apps.get_model("places", "Sector")
    category = Category.objects.filter(code="procurement").first()
    if category is None:
        sector = Sector.objects.filter(code="other").first() or Sector.objects.order_by("order").first()
        category = Category.objects.create(
            code="procurement",
            sector=sector,
            name="Худалдан авалт",
            name_mn="Худалдан авалт",
            name_en="Public procurement",
            order=90,
        )
    return category


@transaction.atomic(durable=True)
def submit_process_feedback(
    process: ContractingProcess,
    *,
    rating: int,
    answers: dict,
    text: str,
    user=None,
    reporter_name: str = "",
    reporter_phone: str = "",
    reporter_email: str = "",
    language: str = "mn",
    request=None,
) -> ProcessFeedback:
    """Feedback on a process, sent to its buyer with a response deadline through the feedback
    machinery (routing to the buyer's organisation, deadlines, outbox, public answer, rating)."""
    from iltod.feedback import services as feedback_services

    if not 1 <= int(rating) <= 5:
        raise ProcurementError(_("Rate the process from 1 to 5."))
    buyer = process.buyer
    organization = buyer.organization if buyer else None
    facility = buyer.facility if buyer else None
    admin_unit = process.admin_unit or (facility.admin_unit if facility else None)
    if organization is None or admin_unit is None:
        raise ProcurementError(
            _("This process's buyer is not linked to an organisation in Iltod yet, so feedback cannot reach it.")
        )
    lines = [text.strip()] if text.strip() else []
    labels = dict(ProcessFeedback.QUESTIONS)
    for code, answer in answers.items():
        if answer.get("value") is None and not answer.get("comment"):
            continue
        yes_no = {True: _("yes"), False: _("no"), None: "–"}[answer.get("value")]
        line = f"{labels[code]} {yes_no}"
        if answer.get("comment"):
            line += f" — {answer['comment']}"
        lines.append(line)
    description = "\n".join(
        [
            _("Feedback on the contracting process %(ocid)s (rating %(rating)s/5).")
            % {
                "ocid": process.ocid,
                "rating": rating,
            },
            *lines,
        ]
    )
    submission = feedback_services.Submission(
        kind="complaint" if rating <= 2 or problems(answers) else ("compliment" if rating >= 4 else "proposal"),
        category=procurement_category(process),
        description=description,
        admin_unit=admin_unit,
        service_unit=facility,
        reporter_name=reporter_name,
        reporter_phone=reporter_phone,
        reporter_email=reporter_email,
        language=language,
        attributes={"procurement_process": process.code, "ocid": process.ocid, "rating": rating},
        route_to=organization,
    )
    feedback, _created = feedback_services.store_feedback.__wrapped__(submission, submitted_by=user, request=request)
    item = ProcessFeedback.objects.create(
        process=process,
        feedback=feedback,
        rating=rating,
        answers={code: {"value": a.get("value"), "comment": a.get("comment", "")} for code, a in answers.items()},
    )
    log_event(user, AuditAction.PROCESS_FEEDBACK, process, request=request, feedback=feedback.tracking_code)
    return item


# ---------------------------------------------------------------------------------------------
# Monitoring cases

NEXT_STATE = {
    CaseStep.Kind.VIOLATION: MonitoringCase.State.REPORTED,
    CaseStep.Kind.LETTER: MonitoringCase.State.ACTION,
    CaseStep.Kind.COMPLAINT: MonitoringCase.State.ACTION,
    CaseStep.Kind.RESULT: MonitoringCase.State.RESULT,
    CaseStep.Kind.CLOSED: MonitoringCase.State.CLOSED,
}
ALLOWED_STEPS = {
    MonitoringCase.State.REPORTED: {CaseStep.Kind.LETTER, CaseStep.Kind.COMPLAINT, CaseStep.Kind.CLOSED},
    MonitoringCase.State.ACTION: {
        CaseStep.Kind.LETTER,
        CaseStep.Kind.COMPLAINT,
        CaseStep.Kind.RESULT,
        CaseStep.Kind.CLOSED,
    },
    MonitoringCase.State.RESULT: {CaseStep.Kind.LETTER, CaseStep.Kind.COMPLAINT, CaseStep.Kind.CLOSED},
    MonitoringCase.State.CLOSED: set(),
}


def _save_evidence(step: CaseStep, files) -> None:
    from iltod.feedback.uploads import clean_upload

    for upload in files or []:
        cleaned = clean_upload(upload)
        evidence = CaseEvidence(step=step, content_type=cleaned.content_type, size=cleaned.size)
        evidence.file.save(cleaned.name, cleaned.file, save=False)
        evidence.save()


@transaction.atomic
def open_case(
    process: ContractingProcess, *, organization, title: str, summary: str, actor, files=(), request=None, when=None
) -> MonitoringCase:
    from .permissions import may_monitor_for

    if not may_monitor_for(actor, organization):
        raise ProcurementError(_("Only members of the procurement-monitoring network can open a case."))
    if not title.strip() or not summary.strip():
        raise ProcurementError(_("Name the violation and write a public summary."))
    when = when or timezone.now()
    case = MonitoringCase.objects.create(
        process=process, organization=organization, title=title.strip()[:255], opened_by=actor, opened_at=when
    )
    step = CaseStep.objects.create(
        case=case, kind=CaseStep.Kind.VIOLATION, public_summary=summary.strip(), created_by=actor, created_at=when
    )
    _save_evidence(step, files)
    log_event(actor, AuditAction.CASE_OPENED, case, request=request, process=process.ocid)
    return case


def working_state(case: MonitoringCase) -> str:
    """Where the monitors are in the loop: the state after the case's latest step that moderation
    did not refuse (a step waiting counts; a refused one may be added again with a better summary).
    The public sees ``case.state`` instead, which only published steps move."""
    latest = case.steps.exclude(moderation=CaseStep.Moderation.REJECTED).order_by("-created_at", "-pk").first()
    return NEXT_STATE[latest.kind] if latest else MonitoringCase.State.REPORTED


@transaction.atomic
def add_step(
    case: MonitoringCase,
    *,
    kind: str,
    summary: str,
    actor,
    oversight_body=None,
    outcome: str = "",
    files=(),
    request=None,
    when=None,
) -> CaseStep:
    """A step of the case, waiting for moderation: the case's public state, outcome and the fixed
    rates do not move until a moderator publishes it (``moderate_step``)."""
    from .permissions import may_monitor_for

    case = MonitoringCase.objects.select_for_update().get(pk=case.pk)
    if not may_monitor_for(actor, case.organization):
        raise ProcurementError(_("Only the monitoring organisation's members can add steps to this case."))
    if kind not in ALLOWED_STEPS[working_state(case)]:
        raise ProcurementError(_("This step cannot follow the case's current step."))
    if not summary.strip():
        raise ProcurementError(_("Write a public summary of the step."))
    if kind == CaseStep.Kind.COMPLAINT and oversight_body is None:
        raise ProcurementError(_("Choose the oversight body the complaint went to."))
    if kind == CaseStep.Kind.CLOSED and outcome not in MonitoringCase.Outcome.values:
        raise ProcurementError(_("Say how the case ended: success, defeat or cancelled."))
    when = when or timezone.now()
    step = CaseStep.objects.create(
        case=case,
        kind=kind,
        public_summary=summary.strip(),
        oversight_body=oversight_body if kind == CaseStep.Kind.COMPLAINT else None,
        outcome=outcome if kind == CaseStep.Kind.CLOSED else "",
        created_by=actor,
        created_at=when,
    )
    _save_evidence(step, files)
    log_event(actor, AuditAction.CASE_STEP_ADDED, case, request=request, step=kind, outcome=outcome)
    return step


def _publish_state(case: MonitoringCase) -> None:
    """The case's public state, outcome and closing date from its latest published step."""
    latest = case.steps.filter(moderation=CaseStep.Moderation.PUBLISHED).order_by("-created_at", "-pk").first()
    closed = latest is not None and latest.kind == CaseStep.Kind.CLOSED
    case.state = NEXT_STATE[latest.kind] if latest else MonitoringCase.State.REPORTED
    case.outcome = latest.outcome if closed else ""
    case.closed_at = latest.created_at if closed else None
    case.save(update_fields=["state", "outcome", "closed_at"])


@transaction.atomic
def moderate_step(step: CaseStep, *, actor, publish: bool, request=None) -> CaseStep:
    """Publish or refuse a step's summary, and with it what the public sees of the case. The case
    is locked first (as ``add_step`` does), then the step: two moderators publishing two steps of
    one case at once leave the state of the later step, whichever commits first."""
    case_id = CaseStep.objects.filter(pk=step.pk).values_list("case_id", flat=True).get()
    case = MonitoringCase.objects.select_for_update().get(pk=case_id)
    step = CaseStep.objects.select_for_update().get(pk=step.pk)
    step.moderation = CaseStep.Moderation.PUBLISHED if publish else CaseStep.Moderation.REJECTED
    step.save(update_fields=["moderation"])
    step.case = case
    _publish_state(case)
    log_event(actor, AuditAction.CASE_STEP_MODERATED, case, request=request, published=publish, state=case.state)
    return step
