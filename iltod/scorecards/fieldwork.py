"""Score sheets collected with the cycle's XLSForm, imported from KoBoToolbox / ODK: pushed by
the KoBo REST Service to ``/scorecards/webhooks/kobo/`` or uploaded by staff as a KoBo export
(JSON, CSV or XLSX with the form's field names as headers).

Idempotent: a submission is stored once under its ``_uuid`` (or ``meta/instanceID``); the same
submission delivered again is answered as a duplicate and changes nothing. A submission that
could not be imported (unknown cycle or group, a sheet already approved, a score off the scale)
is kept with its error and imported when it arrives again after the problem was fixed.
Submission ids and the reading of KoBo's keys are ``iltod.lib.kobo``'s, as for the feedback channel.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from iltod.lib.jsonbody import JsonBodyError, read_json
from iltod.lib.kobo import fields, submission_id
from iltod.lib.kobo import text as _text
from iltod.lib.tabular import MAX_IMPORT_BYTES, TabularError, read_rows
from iltod.lib.webhooks import json_object

from . import services
from .models import FieldSubmission, ScorecardCycle, ScoreRevision

MAX_REASON = 2000
MAX_UPLOAD_BYTES = MAX_IMPORT_BYTES
MAX_ID = FieldSubmission._meta.get_field("external_id").max_length


class FieldworkError(Exception):
    """The file or body as a whole cannot be read."""


@dataclass
class Outcome:
    submission: FieldSubmission | None
    created: bool
    error: str = ""

    @property
    def duplicate(self) -> bool:
        return self.submission is not None and not self.created and not self.error

    def as_json(self) -> dict:
        if self.submission is None:
            return {"status": "error", "error": self.error}
        data = {"status": self.submission.status, "id": self.submission.external_id}
        if self.submission.error:
            data["error"] = self.submission.error
        if self.duplicate:
            data["duplicate"] = True
        return data


def _entries(cycle, answers: dict) -> dict[int, services.Entry]:
    entries = {}
    errors = []
    for indicator in cycle.indicators.all():
        raw = _text(answers.get(indicator.field_name))
        reason = _text(answers.get(f"{indicator.field_name}_reason"))[:MAX_REASON]
        if not raw and not reason:
            continue
        value = None
        if raw:
            try:
                number = Decimal(raw)
            except InvalidOperation:
                number = None
            if number is None or not number.is_finite() or number != number.to_integral_value():
                errors.append(
                    _("Indicator %(number)s: “%(value)s” is not a whole number.")
                    % {"number": indicator.number, "value": raw[:20]}
                )
                continue
            value = int(number)
        entries[indicator.number] = services.Entry(value=value, reason=reason)
    if errors:
        raise services.ScorecardError(" ".join(errors))
    return entries


def _apply(submission: FieldSubmission, actor, expected_cycle) -> None:
    """Import the submission's scores. An upload (``expected_cycle``) keeps what fails under the
    uploading cycle, where the uploader sees it."""
    answers = fields(submission.payload)
    code = _text(answers.get("cycle")).upper()[:20]
    submission.cycle = expected_cycle
    cycle = ScorecardCycle.objects.filter(code=code).first() if code else None
    if cycle is None:
        raise services.ScorecardError(
            _("Unknown score card cycle “%(code)s”.") % {"code": code} if code else _("The cycle is missing.")
        )
    if expected_cycle is not None and cycle.pk != expected_cycle.pk:
        raise services.ScorecardError(_("This submission belongs to another cycle (%(code)s).") % {"code": code})
    submission.cycle = cycle
    group_code = _text(answers.get("group")).upper()[:20]
    group = cycle.groups.filter(code=group_code).first() if group_code else None
    if group is None:
        raise services.ScorecardError(
            _("Unknown focus group “%(code)s”.") % {"code": group_code}
            if group_code
            else _("The focus group is missing.")
        )
    submission.group = group
    services.save_scores(actor=actor, group=group, entries=_entries(cycle, answers), source=ScoreRevision.Source.KOBO)


def import_submission(payload: dict, *, actor=None, cycle=None) -> Outcome:
    """Import one KoBo submission (a dict of the form's answers and KoBo's own keys)."""
    external_id = submission_id(payload)
    if not external_id:
        return Outcome(None, False, _("The submission has no _uuid or meta/instanceID."))
    if len(external_id) > MAX_ID:
        return Outcome(None, False, _("The submission id is too long (at most %(max)s characters).") % {"max": MAX_ID})
    existing = FieldSubmission.objects.filter(external_id=external_id).first()
    if existing is not None and existing.status == FieldSubmission.Status.IMPORTED:
        return Outcome(existing, False)
    if existing is not None and cycle is not None and existing.cycle_id not in (None, cycle.pk):
        # an upload never rewrites what was delivered for a cycle the uploader may not run
        return Outcome(None, False, _("This submission belongs to another cycle."))
    submission = existing or FieldSubmission(external_id=external_id)
    submission.payload = payload
    try:
        with transaction.atomic():
            _apply(submission, actor, cycle)
            submission.status, submission.error = FieldSubmission.Status.IMPORTED, ""
            submission.save()
    except services.ScorecardError as exc:
        submission.status, submission.error = FieldSubmission.Status.ERROR, str(exc)
        submission.group = submission.group if submission.group_id else None
        try:
            with transaction.atomic():
                submission.save()
        except IntegrityError:  # delivered twice at the same moment: the other delivery stored it
            return Outcome(FieldSubmission.objects.get(external_id=external_id), False)
        return Outcome(submission, existing is None, submission.error)
    except IntegrityError:
        return Outcome(FieldSubmission.objects.get(external_id=external_id), False)
    return Outcome(submission, existing is None or existing.status != FieldSubmission.Status.IMPORTED)


def receive(body: bytes, *, actor=None) -> Outcome:
    """One submission posted by KoBo's REST Service."""
    payload, error = json_object(body)
    if error:
        return Outcome(None, False, error)
    return import_submission(payload, actor=actor)


def _payloads(uploaded) -> list[dict]:
    name = (getattr(uploaded, "name", "") or "").lower()
    if (getattr(uploaded, "size", 0) or 0) > MAX_UPLOAD_BYTES:
        raise FieldworkError(
            _("The file is too large (at most %(size)s MB).") % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)}
        )
    if name.endswith(".json"):
        try:
            data = read_json(uploaded.read(), max_bytes=None)  # size checked above
        except JsonBodyError:
            raise FieldworkError(_("The file is not valid JSON."))
        if isinstance(data, dict):
            data = data.get("results", [data])
        if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
            raise FieldworkError(_("The JSON file must hold a list of submissions."))
        return data
    try:
        rows = read_rows(uploaded)
    except TabularError as exc:
        raise FieldworkError(str(exc))
    payloads = []
    for row in rows:
        payload = {key: value for key, value in row.values.items()}
        if "meta/instanceid" in payload:  # headers are read in lower case
            payload["meta/instanceID"] = payload.pop("meta/instanceid")
        payloads.append(payload)
    return payloads


@dataclass
class UploadReport:
    imported: int = 0
    duplicates: int = 0
    errors: list[str] | None = None


def import_file(uploaded, *, actor, cycle) -> UploadReport:
    """Import a KoBo export of the cycle's form; each submission is imported at most once."""
    report = UploadReport(errors=[])
    for number, payload in enumerate(_payloads(uploaded), start=1):
        outcome = import_submission(payload, actor=actor, cycle=cycle)
        if outcome.error:
            report.errors.append(_("Submission %(number)s: %(error)s") % {"number": number, "error": outcome.error})
        elif outcome.duplicate:
            report.duplicates += 1
        else:
            report.imported += 1
    return report
