"""Validation campaigns checked offline: the campaign's XLSForm (``services.facility_data.
campaign_xlsform``) filled in KoBoToolbox or ODK Collect and pushed by a KoBoToolbox REST Service
to ``/disclosure/kobo/checks/`` (the secret of the other KoBo forms, ``KOBO_WEBHOOK_SECRET``).

A submission names its campaign (``campaign``), the facility checked (``facility``) and, per
indicator, whether the published value is right (``<indicator>_ok``: yes or no) and, if not, the
value seen (``<indicator>_seen``), with an optional ``comment``. Each answered indicator becomes
one check through ``record_check``, the service of the web form: the same rules, moderation and
dispute handling (a dispute beyond the tolerance becomes a feedback item to the publisher). All
the checks of a submission are recorded together or none is, once per submission uuid. The photo
(``photo``) is fetched afterwards by a task (``iltod.disclosure.tasks``) when ``KOBO_API_TOKEN`` is
set, and put on each of the submission's checks.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from iltod.feedback.channels import kobo_photos
from iltod.lib import kobo
from iltod.places.models import ServiceUnit

from . import tasks
from .models import CampaignAssignment, FacilityValue, ValidationCampaign, ValueCheck
from .services.facility_data import record_check

MAX_COMMENT = 2000
YES, NO = "yes", "no"


@dataclass
class Outcome:
    """The answer to KoBo: 201 recorded, 200 seen before, 400 refused (with the reasons)."""

    status: int
    checks: list[ValueCheck] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    not_published: list[str] = field(default_factory=list)
    campaign: ValidationCampaign | None = None

    def as_json(self) -> dict:
        if self.errors:
            return {"status": "error", "errors": self.errors}
        data = {
            "status": "duplicate" if self.status == 200 else "recorded",
            "checks": [
                {
                    "code": check.code,
                    "indicator": check.value.indicator.code,
                    "verdict": check.verdict,
                    **({"tracking_code": check.feedback.tracking_code} if check.feedback_id else {}),
                }
                for check in self.checks
            ],
        }
        if self.not_published:
            data["not_published"] = self.not_published
        return data


@dataclass
class _Answer:
    value: FacilityValue
    verdict: str
    observed: Decimal | None


def submission_campaign(payload: dict) -> ValidationCampaign | None:
    code = kobo.text(kobo.fields(payload).get("campaign")).upper()
    return ValidationCampaign.objects.filter(code=code).first() if code else None


def seen_before(campaign: ValidationCampaign, external_id: str) -> list[ValueCheck]:
    return list(
        ValueCheck.objects.filter(campaign=campaign, external_id=external_id)
        .select_related("value__indicator", "feedback")
        .order_by("value__indicator__order", "id")
    )


def _number(text: str) -> Decimal | None:
    try:
        number = Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def read_answers(campaign: ValidationCampaign, answers: dict) -> tuple[ServiceUnit | None, list, list, list[str]]:
    """The facility, the answers per published value, the indicators answered that have no
    published value for the campaign's period, and the reasons to refuse the submission."""
    errors: list[str] = []
    facility_code = kobo.text(answers.get("facility")).upper()
    assignment = (
        CampaignAssignment.objects.select_related("facility")
        .filter(campaign=campaign, facility__code=facility_code, facility__is_active=True)
        .first()
        if facility_code
        else None
    )
    facility = assignment.facility if assignment else None
    if facility is None:
        errors.append(
            _("The facility “%(code)s” is not one of the campaign's facilities.") % {"code": facility_code}
            if facility_code
            else _("The submission names no facility.")
        )
        return None, [], [], errors
    values = {
        v.indicator.code: v
        for v in FacilityValue.objects.filter(
            facility=facility, period=campaign.period, indicator__in=campaign.indicators.all()
        ).select_related("indicator")
    }
    parsed, not_published = [], []
    for indicator in campaign.indicators.order_by("order", "code"):
        verdict = kobo.text(answers.get(f"{indicator.code}_ok")).lower()
        if not verdict:
            continue  # not answered: the volunteer could not check it
        if verdict not in (YES, NO):
            errors.append(
                _("%(indicator)s: the answer must be yes or no, not “%(value)s”.")
                % {"indicator": indicator.code, "value": verdict[:40]}
            )
            continue
        observed = None
        seen = kobo.text(answers.get(f"{indicator.code}_seen"))
        if verdict == NO and seen:
            observed = _number(seen)
            if observed is None:
                errors.append(
                    _("%(indicator)s: the value seen “%(value)s” is not a number.")
                    % {"indicator": indicator.code, "value": seen[:40]}
                )
                continue
        value = values.get(indicator.code)
        if value is None:
            not_published.append(indicator.code)
            continue
        parsed.append(
            _Answer(value, ValueCheck.Verdict.CONFIRM if verdict == YES else ValueCheck.Verdict.DISPUTE, observed)
        )
    if not parsed and not not_published and not errors:
        errors.append(_("The submission answers none of the campaign's indicators."))
    if not parsed and not_published and not errors:
        errors.append(_("None of the values answered is published for %(period)s.") % {"period": campaign.period})
    return facility, parsed, not_published, errors


def receive(payload: dict, *, limited=lambda: False) -> Outcome:
    """Record one submission. ``limited()`` says whether the sender is over the checks' rate
    limit; it is asked only for a submission not seen before, so KoBo's retries never count."""
    answers = kobo.fields(payload)
    campaign = submission_campaign(payload)
    if campaign is None:
        return Outcome(400, errors=[_("The submission names no known validation campaign.")])
    external_id = kobo.submission_id(payload)[:128]
    if not external_id:
        return Outcome(400, errors=[_("The submission has no identifier (_uuid).")])
    if existing := seen_before(campaign, external_id):
        return Outcome(200, existing, campaign=campaign)
    _facility, parsed, not_published, errors = read_answers(campaign, answers)
    comment = kobo.text(answers.get("comment"))
    if len(comment) > MAX_COMMENT:
        errors.append(_("The comment is longer than %(max)s characters.") % {"max": MAX_COMMENT})
    if errors:
        return Outcome(400, errors=errors, campaign=campaign)
    if limited():
        return Outcome(429, errors=[_("Too many submissions from this device. Please send again later.")])
    try:
        checks = _record(campaign, parsed, comment=comment, external_id=external_id)
    except ValidationError as error:  # a rule of the web form: the message names the indicator
        return Outcome(400, errors=list(error.messages), campaign=campaign)
    except IntegrityError:  # a concurrent delivery of the same submission was recorded first
        return Outcome(200, seen_before(campaign, external_id), campaign=campaign)
    photo = kobo.text(answers.get("photo"))
    photo_url = kobo_photos.attachment_url(payload, photo) if photo else ""
    if kobo_photos.will_fetch(photo_url):
        tasks.schedule_check_photo([check.pk for check in checks], photo_url, photo)
    return Outcome(201, checks, not_published=not_published, campaign=campaign)


@transaction.atomic(durable=True)
def _record(campaign, parsed: list[_Answer], *, comment: str, external_id: str) -> list[ValueCheck]:
    checks = []
    for answer in parsed:
        try:
            checks.append(
                record_check(
                    answer.value,
                    verdict=answer.verdict,
                    observed_value=answer.observed,
                    comment=comment if answer.verdict == ValueCheck.Verdict.DISPUTE else "",
                    campaign=campaign,
                    language=settings.LANGUAGE_CODE,
                    external_id=external_id,
                )
            )
        except ValidationError as error:
            raise ValidationError(
                [f"{answer.value.indicator.code}: {message}" for message in error.messages]
            ) from error
    return checks
