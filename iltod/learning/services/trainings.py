"""Trainings, the people they reach, attendance, scores, certificates, follow-ups and reminders.

Every function is one change: atomic, audited. Bad input raises ``ValidationError`` with a
translated message and saves nothing. A person is found again by phone, then e-mail, then name
and organisation (``find_person``): a person who attends five trainings is one person.
"""

import datetime
import secrets
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from iltod.accounts.audit import AuditAction
from iltod.accounts.services import log_event
from iltod.lib.phones import normalize_phone
from iltod.lib.translit import search_key
from iltod.notifications.services import queue_templated

from ..models.trainings import (
    FOLLOW_UP_AFTER_DAYS,
    FOLLOW_UP_UNTIL_DAYS,
    FollowUp,
    Participation,
    Person,
    SessionAttendance,
    Training,
    TrainingSession,
    new_certificate_code,
    soum_error,
)

__all__ = [
    "PersonDetails",
    "SheetResult",
    "add_session",
    "create_training",
    "enter_sheet",
    "find_person",
    "has_people_matching",
    "issue_certificate",
    "merge_people",
    "record_follow_up",
    "record_scores",
    "register",
    "register_people",
    "remind_before_trainings",
    "remind_follow_ups",
    "send_reminders",
    "set_session_attendance",
    "update_person",
    "update_training",
]

REMIND_DAYS_BEFORE = 2  # the reminder before a training leaves two days before it starts
PERSON_FIELDS = (
    "full_name",
    "sex",
    "age_group",
    "stakeholder_type",
    "organization",
    "organization_name",
    "aimag",
    "soum",
    "phone",
    "email",
    "consents_to_sensitive",
    "marginalised_group",
    "has_disability",
)


@dataclass
class PersonDetails:
    """What a sign-in sheet or a registration form says about a person."""

    full_name: str
    phone: str = ""
    email: str = ""
    organization: object = None
    organization_name: str = ""
    sex: str = ""
    age_group: str = ""
    stakeholder_type: str = ""
    aimag: object = None
    soum: object = None  # a soum or district of ``aimag`` (optional)
    consents_to_sensitive: bool = False
    marginalised_group: str = ""
    has_disability: bool | None = None

    def __post_init__(self):
        self.full_name = " ".join((self.full_name or "").split())
        self.phone = normalize_phone(self.phone) if self.phone else ""
        self.email = (self.email or "").strip().lower()
        self.organization_name = (self.organization_name or "").strip()
        if not self.consents_to_sensitive:
            self.marginalised_group, self.has_disability = "", None

    @property
    def organization_label(self) -> str:
        return str(self.organization) if self.organization is not None else self.organization_name


def name_key(full_name: str, organization_label: str) -> str:
    """Name and organisation folded: ``Бат Дорж, Ил тод ТББ`` and ``Bat Dorj, Il tod TBB`` meet."""
    return f"{search_key(full_name)}|{search_key(organization_label)}"[:600]


def find_person(details: PersonDetails) -> Person | None:
    """The person these details describe, if known: same phone, else same e-mail, else the same
    name in the same organisation. Merged records are never returned."""
    people = Person.objects.active()
    if details.phone:
        person = people.filter(phone=details.phone).order_by("pk").first()
        if person:
            return person
    if details.email:
        person = people.filter(email=details.email).order_by("pk").first()
        if person:
            return person
    if details.full_name and details.organization_label:
        return people.filter(name_key=name_key(details.full_name, details.organization_label)).order_by("pk").first()
    return None


def _check_soum(aimag, soum) -> None:
    message = soum_error(getattr(aimag, "pk", None), soum)
    if message:
        raise ValidationError(message)


def _new_person(details: PersonDetails) -> Person:
    if not details.full_name:
        raise ValidationError(_("Give the participant's name."))
    _check_soum(details.aimag, details.soum)
    person = Person(
        full_name=details.full_name,
        phone=details.phone,
        email=details.email,
        organization=details.organization,
        organization_name="" if details.organization is not None else details.organization_name,
        aimag=details.aimag,
        soum=details.soum,
        consents_to_sensitive=details.consents_to_sensitive,
        marginalised_group=details.marginalised_group,
        has_disability=details.has_disability,
        name_key=name_key(details.full_name, details.organization_label),
    )
    for name in ("sex", "age_group", "stakeholder_type"):
        if getattr(details, name):
            setattr(person, name, getattr(details, name))
    person.save()
    return person


def _complete(person: Person, details: PersonDetails) -> list[str]:
    """Fill what the person's record lacks from a new sheet row; never overwrite what is known."""
    changed = []
    for name in ("phone", "email", "organization_name"):
        if not getattr(person, name) and getattr(details, name):
            setattr(person, name, getattr(details, name))
            changed.append(name)
    for name in ("organization", "aimag"):
        if getattr(person, f"{name}_id") is None and getattr(details, name) is not None:
            setattr(person, name, getattr(details, name))
            changed.append(name)
    if person.soum_id is None and details.soum is not None and not soum_error(person.aimag_id, details.soum):
        person.soum = details.soum  # only a soum of the aimag the record holds
        changed.append("soum")
    from iltod.engagement.models import AgeBand, Sex

    if person.sex == Sex.UNDISCLOSED and details.sex and details.sex != Sex.UNDISCLOSED:
        person.sex = details.sex
        changed.append("sex")
    if person.age_group == AgeBand.UNKNOWN and details.age_group and details.age_group != AgeBand.UNKNOWN:
        person.age_group = details.age_group
        changed.append("age_group")
    if changed:
        person.name_key = name_key(person.full_name, person.organization_label)
        person.save(update_fields=[*changed, "name_key"])
    return changed


# --- trainings and sessions ----------------------------------------------------------------------


def _check_dates(training: Training) -> None:
    if training.ends_on < training.starts_on:
        raise ValidationError(_("A training cannot end before it starts."))


@transaction.atomic
def create_training(*, actor, sessions: int | list[datetime.date] = 0, request=None, **fields) -> Training:
    """A training, with one session per day from ``starts_on`` to ``ends_on`` unless dates are given."""
    competencies = fields.pop("competencies", None)
    training = Training(created_by=actor if getattr(actor, "is_authenticated", False) else None, **fields)
    _check_dates(training)
    training.full_clean(exclude=["created_by"])
    training.save()
    if competencies is not None and hasattr(training, "competencies"):
        training.competencies.set(competencies)
    if not sessions:
        days = (training.ends_on - training.starts_on).days + 1
        dates = [training.starts_on + datetime.timedelta(days=n) for n in range(min(days, 14))]
    elif isinstance(sessions, int):
        dates = [training.starts_on] * sessions
    else:
        dates = list(sessions)
    TrainingSession.objects.bulk_create(
        TrainingSession(training=training, held_on=day, order=n, title=_("Day %(n)s") % {"n": n + 1})
        for n, day in enumerate(dates)
    )
    log_event(actor, AuditAction.TRAINING_CREATED, training, request=request, sessions=len(dates))
    return training


@transaction.atomic
def update_training(training: Training, *, actor, request=None, **fields) -> Training:
    competencies = fields.pop("competencies", None)
    before = {name: str(getattr(training, name)) for name in fields}
    for name, value in fields.items():
        setattr(training, name, value)
    _check_dates(training)
    training.save()
    if competencies is not None and hasattr(training, "competencies"):
        training.competencies.set(competencies)
    Participation.objects.filter(training=training).update(held_on=training.starts_on)
    after = {name: str(getattr(training, name)) for name in fields}
    changed = {name: [before[name], after[name]] for name in fields if before[name] != after[name]}
    log_event(actor, AuditAction.TRAINING_UPDATED, training, request=request, changed=changed)
    return training


@transaction.atomic
def add_session(training: Training, *, actor, held_on: datetime.date, title="", starts_at=None, request=None):
    if held_on < training.starts_on or held_on > training.ends_on:
        raise ValidationError(_("A session's date must fall within the training's dates."))
    order = training.sessions.count()
    session = TrainingSession.objects.create(
        training=training, held_on=held_on, title=title, starts_at=starts_at, order=order
    )
    log_event(actor, AuditAction.TRAINING_SESSION_ADDED, training, request=request, held_on=str(held_on))
    return session


# --- registration and attendance -----------------------------------------------------------------


def _lock(training: Training) -> None:
    Training.objects.select_for_update().filter(pk=training.pk).first()


def _register(training: Training, details: PersonDetails, *, allow_existing: bool) -> tuple[Participation, bool, bool]:
    """(participation, person was new, participation was new)."""
    person = find_person(details)
    new_person = person is None
    if new_person:
        person = _new_person(details)
    else:
        _complete(person, details)
    participation = Participation.objects.filter(training=training, person=person).first()
    if participation is not None:
        if not allow_existing:
            raise ValidationError(_("%(name)s is already registered for this training.") % {"name": person.full_name})
        return participation, new_person, False
    participation = Participation.objects.create(training=training, person=person, held_on=training.starts_on)
    return participation, new_person, True


@transaction.atomic
def register(training: Training, details: PersonDetails, *, actor, request=None) -> Participation:
    """Register one person (found again or created). Registering the same person twice is refused."""
    _lock(training)
    participation, new_person, _created = _register(training, details, allow_existing=False)
    log_event(
        actor,
        AuditAction.TRAINING_REGISTERED,
        training,
        request=request,
        person=participation.person.code,
        new_person=new_person,
    )
    return participation


@dataclass
class SheetResult:
    new_people: int = 0
    known_people: int = 0
    registered: int = 0
    present: int = 0
    names: list[str] = field(default_factory=list)


@transaction.atomic
def register_people(training: Training, rows: list[PersonDetails], *, actor, people=(), request=None) -> SheetResult:
    """Register people before the training, so the sign-in sheet lists them and the reminder before
    it reaches them: ``rows`` typed or uploaded like a sign-in sheet (people found again or
    created), ``people`` picked from those already known. People already registered are counted,
    not registered twice; two rows for one person are refused and nothing is saved."""
    _lock(training)
    _check_rows(rows)
    result = SheetResult()
    for details in rows:
        participation, new_person, new_participation = _register(training, details, allow_existing=True)
        result.new_people += new_person
        result.known_people += not new_person
        result.registered += new_participation
        result.names.append(participation.person.full_name)
    for person in people:
        _participation, created = Participation.objects.get_or_create(
            training=training, person=person, defaults={"held_on": training.starts_on}
        )
        result.known_people += 1
        result.registered += created
        result.names.append(person.full_name)
    log_event(
        actor,
        AuditAction.TRAINING_REGISTERED,
        training,
        request=request,
        rows=len(rows),
        picked=len(people),
        new_people=result.new_people,
        registered=result.registered,
    )
    return result


def _recount(participation_ids) -> None:
    """Sessions attended per participation, and each person's first training date."""
    participations = list(Participation.objects.filter(pk__in=list(participation_ids)))
    for participation in participations:
        count = SessionAttendance.objects.filter(participation=participation).count()
        if count != participation.sessions_attended:
            participation.sessions_attended = count
            participation.save(update_fields=["sessions_attended"])
    refresh_first_trained({p.person_id for p in participations})


def refresh_first_trained(person_ids) -> None:
    firsts = dict(
        Participation.objects.trained()
        .filter(person_id__in=list(person_ids))
        .values("person_id")
        .annotate(first=Min("held_on"))
        .values_list("person_id", "first")
    )
    for person in Person.objects.filter(pk__in=list(person_ids)):
        first = firsts.get(person.pk)
        if person.first_trained_on != first:
            person.first_trained_on = first
            person.save(update_fields=["first_trained_on"])


@transaction.atomic
def set_session_attendance(session: TrainingSession, *, actor, participations, request=None) -> tuple[int, int]:
    """Make the ticked ``participations`` the people present at ``session``. Returns (added, removed)."""
    training = session.training
    _lock(training)
    wanted = {p.pk for p in participations}
    if Participation.objects.filter(pk__in=wanted).exclude(training=training).exists():
        raise ValidationError(_("Only people registered for this training can be ticked as present."))
    present = set(session.attendances.values_list("participation_id", flat=True))
    added, removed = wanted - present, present - wanted
    SessionAttendance.objects.filter(session=session, participation_id__in=removed).delete()
    SessionAttendance.objects.bulk_create(SessionAttendance(session=session, participation_id=pk) for pk in added)
    _recount(added | removed)
    if added and training.status == Training.Status.PLANNED and session.held_on <= timezone.localdate():
        training.status = Training.Status.HELD
        training.save(update_fields=["status"])
    if added or removed:
        log_event(
            actor,
            AuditAction.TRAINING_ATTENDANCE,
            training,
            request=request,
            session=str(session.held_on),
            added=len(added),
            removed=len(removed),
            present=len(wanted),
        )
    return len(added), len(removed)


def _check_rows(rows: list[PersonDetails]) -> None:
    """Every row names someone, and no two rows are the same person (both row numbers are told)."""
    seen: dict[object, int] = {}
    errors = []
    for number, details in enumerate(rows, start=1):
        if not details.full_name:
            errors.append(_("Row %(row)s: give the participant's name.") % {"row": number})
            continue
        keys = [k for k in (details.phone and f"p:{details.phone}", details.email and f"e:{details.email}") if k]
        keys.append(f"n:{name_key(details.full_name, details.organization_label)}")
        for key in keys:
            if key in seen:
                errors.append(
                    _("Row %(row)s is the same person as row %(other)s.") % {"row": number, "other": seen[key]}
                )
                break
        else:
            for key in keys:
                seen[key] = number
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def enter_sheet(session: TrainingSession, rows: list[PersonDetails], *, actor, request=None) -> SheetResult:
    """Enter a sign-in sheet: each row is a person present at ``session``. People are found again
    or created, registered for the training if they were not, and marked present. Two rows for the
    same person are refused with both row numbers; nothing is saved unless every row is valid."""
    training = session.training
    _lock(training)
    _check_rows(rows)
    result = SheetResult()
    attended = set(session.attendances.values_list("participation_id", flat=True))
    touched = set()
    for details in rows:
        participation, new_person, new_participation = _register(training, details, allow_existing=True)
        result.new_people += new_person
        result.known_people += not new_person
        result.registered += new_participation
        if participation.pk not in attended:
            SessionAttendance.objects.create(session=session, participation=participation)
            attended.add(participation.pk)
            touched.add(participation.pk)
        result.present += 1
        result.names.append(participation.person.full_name)
    _recount(touched)
    if training.status == Training.Status.PLANNED and session.held_on <= timezone.localdate():
        training.status = Training.Status.HELD
        training.save(update_fields=["status"])
    log_event(
        actor,
        AuditAction.TRAINING_SHEET_ENTERED,
        training,
        request=request,
        session=str(session.held_on),
        rows=len(rows),
        new_people=result.new_people,
        known_people=result.known_people,
    )
    return result


# --- scores, certificates, follow-ups ------------------------------------------------------------


def _score(value, training: Training, label: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        score = Decimal(str(value))
    except Exception:
        raise ValidationError(_("%(label)s must be a number.") % {"label": label}) from None
    if not score.is_finite() or score < 0 or score > training.max_score:
        raise ValidationError(
            _("%(label)s must be between 0 and %(max)s.") % {"label": label, "max": training.max_score}
        )
    return score.quantize(Decimal("0.1"))


@transaction.atomic
def record_scores(participation: Participation, *, actor, pre_score=None, post_score=None, request=None):
    training = participation.training
    pre = _score(pre_score, training, _("The pre-test score"))
    post = _score(post_score, training, _("The post-test score"))
    if post is not None and not participation.is_trained:
        raise ValidationError(_("A post-test score needs the person's attendance first."))
    before = [str(participation.pre_score), str(participation.post_score)]
    participation.pre_score, participation.post_score = pre, post
    participation.save(update_fields=["pre_score", "post_score"])
    log_event(
        actor,
        AuditAction.TRAINING_SCORES,
        participation,
        request=request,
        before=before,
        after=[str(pre), str(post)],
    )
    return participation


@transaction.atomic
def issue_certificate(participation: Participation, *, actor, request=None) -> Participation:
    """A certificate with a verification code; only for someone who attended. Issuing again keeps
    the code."""
    participation = Participation.objects.select_for_update().get(pk=participation.pk)
    if participation.certificate_code:
        return participation
    if not participation.is_trained:
        raise ValidationError(_("A certificate is issued only to someone who attended the training."))
    for _attempt in range(5):
        code = new_certificate_code()
        if not Participation.objects.filter(certificate_code=code).exists():
            break
    participation.certificate_code = code
    participation.certificate_issued_on = timezone.localdate()
    participation.save(update_fields=["certificate_code", "certificate_issued_on"])
    log_event(actor, AuditAction.CERTIFICATE_ISSUED, participation, request=request, code=code)
    return participation


@transaction.atomic
def record_follow_up(
    participation: Participation,
    *,
    actor,
    answered_on: datetime.date,
    applied: bool,
    with_whom="",
    what_changed="",
    changed_practice=False,
    cited_records="",
    request=None,
) -> FollowUp:
    """The follow-up of one participant. Not before the training ended, not for someone who did not
    come, not in the future."""
    training = participation.training
    if not participation.is_trained:
        raise ValidationError(_("A follow-up is asked only of someone who attended the training."))
    if answered_on < training.ends_on:
        raise ValidationError(
            _("A follow-up cannot be dated before the training ended (%(date)s).")
            % {"date": training.ends_on.isoformat()}
        )
    if answered_on > timezone.localdate():
        raise ValidationError(_("A follow-up cannot be dated in the future."))
    if changed_practice and not applied:
        raise ValidationError(_("Practice can only have changed if the person applied what they learned."))
    lines = [line.strip() for line in (cited_records or "").splitlines() if line.strip()]
    if any(len(line) > 300 for line in lines) or len(lines) > 20:
        raise ValidationError(_("Cite at most 20 records, one address or code per line."))
    follow_up, created = FollowUp.objects.update_or_create(
        participation=participation,
        defaults={
            "answered_on": answered_on,
            "applied": applied,
            "with_whom": with_whom.strip(),
            "what_changed": what_changed.strip(),
            "changed_practice": changed_practice,
            "cited_records": "\n".join(lines),
            "entered_by": actor if getattr(actor, "is_authenticated", False) else None,
        },
    )
    log_event(
        actor,
        AuditAction.FOLLOW_UP_RECORDED,
        participation,
        request=request,
        created=created,
        applied=applied,
        changed_practice=changed_practice,
    )
    return follow_up


# --- people --------------------------------------------------------------------------------------


@transaction.atomic
def update_person(person: Person, *, actor, request=None, **values) -> Person:
    """Correct a person's details. A phone or e-mail that another person has is refused: that is a
    duplicate, to be merged."""
    if "full_name" in values:
        values["full_name"] = " ".join((values["full_name"] or "").split())
        if not values["full_name"]:
            raise ValidationError(_("Give the participant's name."))
    if values.get("phone"):
        phone = normalize_phone(values["phone"])
        if not phone:
            raise ValidationError(_("Enter a valid phone number."))
        values["phone"] = phone
    if "email" in values:
        values["email"] = (values["email"] or "").strip().lower()
    if not values.get("consents_to_sensitive", person.consents_to_sensitive):
        values["marginalised_group"], values["has_disability"] = "", None
    for name in ("phone", "email"):
        value = values.get(name)
        if value and Person.objects.active().filter(**{name: value}).exclude(pk=person.pk).exists():
            raise ValidationError(
                _("Another person already has this phone number: merge the two records instead.")
                if name == "phone"
                else _("Another person already has this e-mail: merge the two records instead.")
            )
    before = {name: str(getattr(person, name)) for name in values}
    for name, value in values.items():
        setattr(person, name, value)
    person.name_key = name_key(person.full_name, person.organization_label)
    person.full_clean(exclude=["merged_into"])
    person.save()
    changed = {n: [before[n], str(getattr(person, n))] for n in values if before[n] != str(getattr(person, n))}
    for sensitive in ("marginalised_group", "has_disability"):
        if sensitive in changed:
            changed[sensitive] = ["…", "…"]  # the log does not repeat sensitive details
    log_event(actor, AuditAction.PERSON_UPDATED, person, request=request, changed=changed)
    return person


@transaction.atomic
def merge_people(keep: Person, duplicate: Person, *, actor, request=None) -> Person:
    """Move ``duplicate``'s participations to ``keep`` and mark ``duplicate`` as merged into it.
    Where both attended the same training, their sessions, scores, certificate and follow-up are
    joined into the kept participation. Details ``keep`` lacks are taken from ``duplicate``."""
    if keep.pk == duplicate.pk:
        raise ValidationError(_("Choose two different people to merge."))
    keep, duplicate = (
        Person.objects.select_for_update().get(pk=keep.pk),
        Person.objects.select_for_update().get(pk=duplicate.pk),
    )
    if keep.merged_into_id or duplicate.merged_into_id:
        raise ValidationError(_("One of these records was already merged."))
    moved = joined = 0
    kept_by_training = {p.training_id: p for p in keep.participations.all()}
    for participation in list(duplicate.participations.select_related("training")):
        other = kept_by_training.get(participation.training_id)
        if other is None:
            participation.person = keep
            participation.save(update_fields=["person"])
            moved += 1
            continue
        sessions = set(other.attendances.values_list("session_id", flat=True))
        SessionAttendance.objects.filter(participation=participation).exclude(session_id__in=sessions).update(
            participation=other
        )
        for name in ("pre_score", "post_score", "certificate_code", "certificate_issued_on"):
            if getattr(other, name) is None and getattr(participation, name) is not None:
                setattr(other, name, getattr(participation, name))
        if hasattr(participation, "follow_up") and not hasattr(other, "follow_up"):
            FollowUp.objects.filter(participation=participation).update(participation=other)
        participation.delete()  # first: its certificate code may move to ``other``
        other.save()
        _recount([other.pk])
        joined += 1
    fields = []
    for name in ("phone", "email", "organization_name"):
        if not getattr(keep, name) and getattr(duplicate, name):
            setattr(keep, name, getattr(duplicate, name))
            fields.append(name)
    for name in ("organization", "aimag"):
        if getattr(keep, f"{name}_id") is None and getattr(duplicate, f"{name}_id") is not None:
            setattr(keep, f"{name}_id", getattr(duplicate, f"{name}_id"))
            fields.append(name)
    if keep.soum_id is None and duplicate.soum_id is not None and keep.aimag_id == duplicate.aimag_id:
        keep.soum_id = duplicate.soum_id  # the duplicate's soum, when it lies in the kept aimag
        fields.append("soum")
    duplicate.merged_into = keep
    duplicate.first_trained_on = None
    # the duplicate keeps its name only, so it no longer matches a phone, e-mail or name
    duplicate_phone, duplicate_email = duplicate.phone, duplicate.email
    duplicate.phone = duplicate.email = ""
    duplicate.name_key = ""
    duplicate.save(update_fields=["merged_into", "first_trained_on", "phone", "email", "name_key"])
    if fields:
        keep.name_key = name_key(keep.full_name, keep.organization_label)
        keep.save(update_fields=[*fields, "name_key"])
    refresh_first_trained([keep.pk])
    log_event(
        actor,
        AuditAction.PEOPLE_MERGED,
        keep,
        request=request,
        kept=keep.code,
        merged=duplicate.code,
        moved=moved,
        joined=joined,
        had_phone=bool(duplicate_phone),
        had_email=bool(duplicate_email),
    )
    return keep


# --- reminders (periodic job) --------------------------------------------------------------------


def _channels(person: Person) -> list[tuple[str, str]]:
    from iltod.notifications.models import OutboundMessage

    channels = []
    if person.email:
        channels.append((OutboundMessage.Channel.EMAIL, person.email))
    if person.phone:
        channels.append((OutboundMessage.Channel.SMS, person.phone))
    return channels


def _remind(participation: Participation, *, kind: str, template: str, context: dict, today) -> int:
    sent = 0
    for channel, recipient in _channels(participation.person):
        message = queue_templated(
            channel=channel,
            recipient=recipient,
            template=template,
            context={**context, "participation": participation, "site_url": settings.SITE_URL},
            language="mn",
            related=participation,
            dedupe_key=f"learning:{kind}:{participation.pk}:{channel}",
        )
        sent += message is not None
    log_event(None, AuditAction.TRAINING_REMINDED, participation, kind=kind, today=str(today))
    return sent


def remind_before_trainings(today=None) -> int:
    """Remind each registered person of a planned training two days before it starts, once
    (claimed by a conditional update; the message's dedupe key guards a second run)."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=REMIND_DAYS_BEFORE)
    due = (
        Participation.objects.filter(
            training__status=Training.Status.PLANNED,
            training__starts_on__gt=today,
            training__starts_on__lte=horizon,
            reminded_before_on__isnull=True,
        )
        .select_related("training", "person")
        .order_by("pk")
    )
    count = 0
    for participation in due.iterator(chunk_size=200):
        with transaction.atomic(durable=True):
            claimed = Participation.objects.filter(pk=participation.pk, reminded_before_on__isnull=True).update(
                reminded_before_on=today
            )
            if not claimed:
                continue
            _remind(
                participation,
                kind="before",
                template="learning/messages/training_soon",
                context={"training": participation.training},
                today=today,
            )
            count += 1
    return count


def remind_follow_ups(today=None) -> int:
    """Ask each person trained three to six months ago for their follow-up, once, with a private
    link to answer it."""
    today = today or timezone.localdate()
    earliest_end = today - datetime.timedelta(days=FOLLOW_UP_UNTIL_DAYS)
    latest_end = today - datetime.timedelta(days=FOLLOW_UP_AFTER_DAYS)
    due = (
        Participation.objects.trained()
        .filter(
            training__ends_on__gte=earliest_end,
            training__ends_on__lte=latest_end,
            reminded_follow_up_on__isnull=True,
            follow_up__isnull=True,
        )
        .select_related("training", "person")
        .order_by("pk")
    )
    count = 0
    for participation in due.iterator(chunk_size=200):
        with transaction.atomic(durable=True):
            claimed = Participation.objects.filter(pk=participation.pk, reminded_follow_up_on__isnull=True).update(
                reminded_follow_up_on=today
            )
            if not claimed:
                continue
            token = participation.follow_up_token or secrets.token_urlsafe(16)
            if not participation.follow_up_token:
                try:
                    with transaction.atomic():
                        Participation.objects.filter(pk=participation.pk).update(follow_up_token=token)
                except IntegrityError:  # pragma: no cover - 128 random bits
                    continue
                participation.follow_up_token = token
            _remind(
                participation,
                kind="follow_up",
                template="learning/messages/follow_up",
                context={"training": participation.training, "token": token},
                today=today,
            )
            count += 1
    return count


def has_people_matching(q: str):
    """People whose name, phone or e-mail matches ``q`` (for the people list and the merge tool)."""
    key = search_key(q)
    condition = Q(name_key__contains=key) if key else Q(pk__in=[])
    phone = normalize_phone(q)
    if phone:
        condition |= Q(phone=phone)
    if "@" in q:
        condition |= Q(email=q.strip().lower())
    return Person.objects.active().filter(condition)


def send_reminders(now) -> str:
    """The periodic job: reminders before trainings and at follow-up time."""
    today = timezone.localdate(now)
    return f"reminded before {remind_before_trainings(today)}, follow-ups {remind_follow_ups(today)}"
