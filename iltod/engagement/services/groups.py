"""Groups, members, meetings, attendance, local issues, evidence, prioritisation and projects.

Every function here is one change: atomic, written to the audit log with what changed (before and
after for edits). Bad input raises ``ValidationError`` with a translated message.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from iltod.accounts.audit import AuditAction
from iltod.accounts.services import log_event
from iltod.feedback.uploads import clean_upload

from ..models import (
    Attendance,
    AttendanceCount,
    Document,
    Evidence,
    Group,
    GroupMember,
    LocalIssue,
    Meeting,
    Prioritisation,
    Project,
    Sex,
    StakeholderType,
)

__all__ = [
    "add_document",
    "add_evidence",
    "add_guest",
    "add_member",
    "create_group",
    "create_issue",
    "create_meeting",
    "create_project",
    "ensure_facility_group",
    "rank_issues",
    "record_prioritisation",
    "remove_attendee",
    "remove_document",
    "remove_evidence",
    "set_attendance_counts",
    "set_named_attendance",
    "update_group",
    "update_issue",
    "update_meeting",
    "update_member",
    "update_project",
]


def _plain(value):
    """A value as the audit log keeps it (JSON): model instances by their text, dates as ISO."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _apply(obj, fields: dict) -> dict:
    """Set ``fields`` on ``obj``; return ``{name: [before, after]}`` for the ones that changed."""
    changed = {}
    for name, value in fields.items():
        before = getattr(obj, name)
        if before != value and not (before in (None, "") and value in (None, "")):
            changed[name] = [_plain(before), _plain(value)]
            setattr(obj, name, value)
    return changed


def _set_m2m(obj, name: str, values, changed: dict) -> None:
    if values is None:
        return
    manager = getattr(obj, name)
    before = sorted(str(v) for v in manager.all())
    manager.set(values)
    after = sorted(str(v) for v in manager.all())
    if before != after:
        changed[name] = [before, after]


# --- Groups -----------------------------------------------------------------------------------


@transaction.atomic
def create_group(
    *, actor, name, admin_unit, convening_organization=None, service_unit=None, sectors=(), request=None, **fields
):
    group = Group.objects.create(
        name=name,
        admin_unit=admin_unit,
        convening_organization=convening_organization,
        service_unit=service_unit,
        **fields,
    )
    if sectors:
        group.sectors.set(sectors)
    log_event(actor, AuditAction.GROUP_CREATED, group, request=request, name=name)
    return group


@transaction.atomic
def update_group(group: Group, *, actor, sectors=None, request=None, **fields) -> Group:
    changed = _apply(group, fields)
    if changed:
        group.save(update_fields=list(changed))
    _set_m2m(group, "sectors", sectors, changed)
    if changed:
        log_event(actor, AuditAction.GROUP_UPDATED, group, request=request, **changed)
    return group


@transaction.atomic
def ensure_facility_group(*, actor, service_unit, convening_organization, request=None) -> Group:
    """The group that works for one facility, convened by ``convening_organization``; created on first use.

    Tools that meet at a facility (a score card's interface meeting) hold their meetings and plans here.
    """
    group = (
        Group.objects.filter(service_unit=service_unit, convening_organization=convening_organization)
        .order_by("pk")
        .first()
    )
    if group is not None:
        return group
    group = create_group(
        actor=actor,
        name=_("%(facility)s: community and providers") % {"facility": service_unit.name},
        admin_unit=service_unit.admin_unit,
        convening_organization=convening_organization,
        service_unit=service_unit,
        sectors=[service_unit.sector_id],
        request=request,
    )
    if convening_organization is not None:
        GroupMember.objects.create(
            group=group, organization=convening_organization, stakeholder_type=StakeholderType.CSO
        )
    return group


# --- Members ----------------------------------------------------------------------------------


def _check_member(member: GroupMember) -> None:
    if not (member.user_id or member.person_name.strip() or member.organization_id):
        raise ValidationError(_("Give the member's name, an organisation or a user account."))
    if member.left_on and member.joined_on and member.left_on < member.joined_on:
        raise ValidationError(_("The date the member left cannot be before the date they joined."))
    if (
        member.user_id
        and GroupMember.objects.current()
        .filter(group_id=member.group_id, user_id=member.user_id)
        .exclude(pk=member.pk)
        .exists()
        and member.left_on is None
    ):
        raise ValidationError(_("This user account is already a current member of the group."))


@transaction.atomic
def add_member(*, actor, group: Group, request=None, **fields) -> GroupMember:
    member = GroupMember(group=group, **fields)
    _check_member(member)
    member.save()
    log_event(
        actor,
        AuditAction.MEMBER_ADDED,
        group,
        request=request,
        member=member.code,
        name=member.display_name,
        role=member.role,
        stakeholder_type=member.stakeholder_type,
    )
    return member


@transaction.atomic
def update_member(member: GroupMember, *, actor, request=None, **fields) -> GroupMember:
    changed = _apply(member, fields)
    if not changed:
        return member
    _check_member(member)
    member.save(update_fields=list(changed))
    verb = AuditAction.MEMBER_LEFT if "left_on" in changed and member.left_on else AuditAction.MEMBER_UPDATED
    log_event(actor, verb, member.group, request=request, member=member.code, name=member.display_name, **changed)
    return member


# --- Meetings and attendance --------------------------------------------------------------------


@transaction.atomic
def create_meeting(
    *, actor, group, title, held_on, kind=Meeting.Kind.REGULAR, venue="", agenda="", request=None, **fields
) -> Meeting:
    meeting = Meeting.objects.create(
        group=group, title=title, held_on=held_on, kind=kind, venue=venue, agenda=agenda, created_by=actor, **fields
    )
    log_event(actor, AuditAction.MEETING_CREATED, meeting, request=request, group=group.code, held_on=str(held_on))
    return meeting


@transaction.atomic
def update_meeting(meeting: Meeting, *, actor, request=None, **fields) -> Meeting:
    if fields.get("starts_at") and fields.get("ends_at") and fields["ends_at"] < fields["starts_at"]:
        raise ValidationError(_("The meeting cannot end before it starts."))
    changed = _apply(meeting, fields)
    if changed:
        meeting.save(update_fields=[*changed, "updated_at"])
        log_event(actor, AuditAction.MEETING_UPDATED, meeting, request=request, **changed)
    return meeting


def _lock(meeting: Meeting) -> None:
    """Serialise changes to one meeting's attendance (a row lock on PostgreSQL; SQLite writes one at a time)."""
    Meeting.objects.select_for_update().filter(pk=meeting.pk).values_list("pk", flat=True).first()


@transaction.atomic
def set_named_attendance(meeting: Meeting, *, actor, members, request=None) -> tuple[int, int]:
    """Make the ticked ``members`` the members present (guests stay). Returns (added, removed)."""
    _lock(meeting)  # two saves of the same list at once (a double click) must not both add a member
    members = list(members)
    if any(m.group_id != meeting.group_id for m in members):
        raise ValidationError(_("Only members of the group can be ticked as present."))
    wanted = {m.pk: m for m in members}
    present = dict(meeting.attendees.filter(member__isnull=False).values_list("member_id", "pk"))
    removed = [pk for member_id, pk in present.items() if member_id not in wanted]
    added = [m for pk, m in wanted.items() if pk not in present]
    Attendance.objects.filter(pk__in=removed).delete()
    Attendance.objects.bulk_create(
        Attendance(
            meeting=meeting,
            member=m,
            name=m.person_name or (m.user.get_full_name() if m.user_id else "") or str(m.organization or ""),
            organization_name=str(m.organization or ""),
            stakeholder_type=m.stakeholder_type,
            sex=m.sex,
            age_band=m.age_band,
        )
        for m in added
    )
    if added or removed:
        log_event(
            actor,
            AuditAction.ATTENDANCE_RECORDED,
            meeting,
            request=request,
            added=sorted(m.display_name for m in added),
            removed=len(removed),
            present=len(wanted),
        )
    return len(added), len(removed)


@transaction.atomic
def add_guest(meeting: Meeting, *, actor, name, request=None, **fields) -> Attendance:
    if not name.strip():
        raise ValidationError(_("Give the participant's name."))
    guest = Attendance.objects.create(meeting=meeting, name=name.strip(), **fields)
    log_event(
        actor,
        AuditAction.GUEST_ADDED,
        meeting,
        request=request,
        name=guest.name,
        stakeholder_type=guest.stakeholder_type,
        sex=guest.sex,
    )
    return guest


@transaction.atomic
def remove_attendee(attendance: Attendance, *, actor, request=None) -> None:
    meeting = attendance.meeting
    name = attendance.name
    attendance.delete()
    log_event(actor, AuditAction.ATTENDEE_REMOVED, meeting, request=request, name=name)


@transaction.atomic
def set_attendance_counts(meeting: Meeting, *, actor, counts: dict, request=None) -> int:
    """Replace the counted attendance: ``counts`` maps (stakeholder type, sex) to a number.

    Zero removes a row. Returns the total counted."""
    _lock(meeting)
    valid_types, valid_sexes = set(StakeholderType.values), set(Sex.values)
    before = {(c.stakeholder_type, c.sex): c.count for c in meeting.attendance_counts.all()}
    after = {}
    for (stakeholder_type, sex), number in counts.items():
        if stakeholder_type not in valid_types or sex not in valid_sexes:
            raise ValidationError(_("Unknown stakeholder type or sex."))
        if number is None or number < 0 or number > 10000:
            raise ValidationError(_("Each number must be between 0 and 10000."))
        if number:
            after[(stakeholder_type, sex)] = number
    if before == after:
        return sum(after.values())
    meeting.attendance_counts.all().delete()
    AttendanceCount.objects.bulk_create(
        AttendanceCount(meeting=meeting, stakeholder_type=t, sex=s, count=n) for (t, s), n in after.items()
    )
    log_event(
        actor,
        AuditAction.ATTENDANCE_COUNTED,
        meeting,
        request=request,
        before=sum(before.values()),
        after=sum(after.values()),
        counts={f"{t}/{s}": n for (t, s), n in sorted(after.items())},
    )
    return sum(after.values())


# --- Documents --------------------------------------------------------------------------------


@transaction.atomic
def add_document(
    *, actor, upload, title="", is_public=True, meeting=None, issue=None, update=None, request=None
) -> Document:
    """Store an uploaded file with a meeting, an issue or an action update.

    Only photos (re-encoded without their metadata) and PDF documents are accepted, as for citizens'
    attachments."""
    if sum(x is not None for x in (meeting, issue, update)) != 1:
        raise ValidationError(_("A document belongs to exactly one meeting, issue or update."))
    cleaned = clean_upload(upload)
    is_photo = cleaned.content_type.startswith("image/")
    document = Document(
        kind=Document.Kind.PHOTO if is_photo else Document.Kind.DOCUMENT,
        title=(title or upload.name or "")[:255],
        content_type=cleaned.content_type,
        size=cleaned.size,
        meeting=meeting,
        issue=issue,
        update=update,
        is_public=is_public,
        uploaded_by=actor,
    )
    document.file.save(cleaned.name, cleaned.file, save=False)
    document.save()
    log_event(
        actor,
        AuditAction.DOCUMENT_ADDED,
        meeting or issue or update,
        request=request,
        document=document.code,
        title=document.title,
        kind=document.kind,
        public=is_public,
    )
    return document


@transaction.atomic
def remove_document(document: Document, *, actor, request=None) -> None:
    owner = document.meeting or document.issue or document.update
    code, title = document.code, str(document)
    stored = document.file.name
    storage = document.file.storage
    document.delete()
    log_event(actor, AuditAction.DOCUMENT_REMOVED, owner, request=request, document=code, title=title)
    transaction.on_commit(lambda: storage.delete(stored))


# --- Local issues and evidence ------------------------------------------------------------------


@transaction.atomic
def create_issue(*, actor, group: Group, title, request=None, **fields) -> LocalIssue:
    issue = LocalIssue.objects.create(group=group, title=title, created_by=actor, **fields)
    log_event(actor, AuditAction.ISSUE_CREATED, issue, request=request, group=group.code, title=title)
    return issue


@transaction.atomic
def update_issue(issue: LocalIssue, *, actor, request=None, **fields) -> LocalIssue:
    changed = _apply(issue, fields)
    if changed:
        issue.save(update_fields=list(changed))
        log_event(actor, AuditAction.ISSUE_UPDATED, issue, request=request, **changed)
    return issue


@transaction.atomic
def add_evidence(
    *, actor, issue: LocalIssue, kind, feedback=None, target=None, url="", note="", request=None
) -> Evidence:
    """Cite why an issue matters: a feedback item, any platform record (``target``: a score card
    result, disclosed data…), a link or a note."""
    if kind == Evidence.Kind.FEEDBACK and feedback is None:
        raise ValidationError(_("Give the tracking code of the feedback."))
    if kind == Evidence.Kind.LINK and not url:
        raise ValidationError(_("Give the address of the link."))
    if kind == Evidence.Kind.NOTE and not note.strip():
        raise ValidationError(_("Write the note."))
    if kind in (Evidence.Kind.SCORECARD, Evidence.Kind.DISCLOSURE) and target is None and not url:
        raise ValidationError(_("Link the record or give its address."))
    if feedback is not None and issue.evidence.filter(feedback=feedback).exists():
        raise ValidationError(_("This feedback is already cited for the issue."))
    evidence = Evidence(issue=issue, kind=kind, feedback=feedback, url=url, note=note.strip(), added_by=actor)
    if target is not None:
        evidence.target_type = ContentType.objects.get_for_model(target)
        evidence.target_id = str(target.pk)
    evidence.save()
    log_event(
        actor,
        AuditAction.EVIDENCE_ADDED,
        issue,
        request=request,
        kind=kind,
        feedback=feedback.tracking_code if feedback else "",
        record=str(target) if target is not None else "",
        url=url,
    )
    return evidence


@transaction.atomic
def remove_evidence(evidence: Evidence, *, actor, request=None) -> None:
    issue, text = evidence.issue, str(evidence)
    evidence.delete()
    log_event(actor, AuditAction.EVIDENCE_REMOVED, issue, request=request, evidence=text)


# --- Prioritisation ---------------------------------------------------------------------------


@transaction.atomic
def record_prioritisation(meeting: Meeting, *, actor, votes: dict, request=None) -> list[LocalIssue]:
    """Replace the votes cast in ``meeting``: ``votes`` maps (issue, stakeholder type) to a number.

    Then ranks the issues from the meeting's votes (see ``rank_issues``) and returns them in order."""
    rows = []
    for (issue, stakeholder_type), number in votes.items():
        if issue.group_id != meeting.group_id:
            raise ValidationError(_("Only the group's own issues can be prioritised in its meeting."))
        if stakeholder_type not in StakeholderType.values:
            raise ValidationError(_("Unknown stakeholder type."))
        if number is None or number < 0 or number > 10000:
            raise ValidationError(_("Each number must be between 0 and 10000."))
        if number:
            rows.append(Prioritisation(meeting=meeting, issue=issue, stakeholder_type=stakeholder_type, votes=number))
    meeting.prioritisations.all().delete()
    Prioritisation.objects.bulk_create(rows)
    log_event(
        actor,
        AuditAction.VOTES_RECORDED,
        meeting,
        request=request,
        votes={f"{p.issue.code}/{p.stakeholder_type}": p.votes for p in rows},
    )
    return rank_issues(meeting, actor=actor, request=request)


@transaction.atomic
def rank_issues(meeting: Meeting, *, actor, request=None) -> list[LocalIssue]:
    """Give the issues voted on in ``meeting`` priority ranks 1, 2… by their total votes (ties keep the
    older issue first). Raised issues become prioritised. Returns the ranked issues."""
    totals = (
        meeting.prioritisations.values("issue_id").annotate(total=Sum("votes")).filter(total__gt=0).order_by("-total")
    )
    total_by_issue = {row["issue_id"]: row["total"] for row in totals}
    issues = sorted(
        LocalIssue.objects.filter(pk__in=total_by_issue).select_for_update(),
        key=lambda i: (-total_by_issue[i.pk], i.created_at, i.pk),
    )
    for rank, issue in enumerate(issues, start=1):
        fields = {"priority": rank}
        if issue.status == LocalIssue.Status.RAISED:
            fields["status"] = LocalIssue.Status.PRIORITISED
        changed = _apply(issue, fields)
        if changed:
            issue.save(update_fields=list(changed))
            log_event(
                actor,
                AuditAction.ISSUE_RANKED,
                issue,
                request=request,
                meeting=meeting.code,
                votes=total_by_issue[issue.pk],
                **changed,
            )
    return issues


# --- Projects ---------------------------------------------------------------------------------

PROJECT_RELATIONS = ("partners", "facilities", "groups", "issues")


@transaction.atomic
def create_project(*, actor, organization, title, tool, request=None, **fields) -> Project:
    relations = {name: fields.pop(name, None) for name in PROJECT_RELATIONS}
    project = Project(organization=organization, title=title, tool=tool, created_by=actor, **fields)
    _check_project(project)
    project.save()
    for name, values in relations.items():
        if values:
            getattr(project, name).set(values)
    log_event(actor, AuditAction.PROJECT_CREATED, project, request=request, title=title, tool=tool)
    return project


@transaction.atomic
def update_project(project: Project, *, actor, request=None, **fields) -> Project:
    relations = {name: fields.pop(name, None) for name in PROJECT_RELATIONS}
    changed = _apply(project, fields)
    _check_project(project)
    if changed:
        project.save(update_fields=list(changed))
    for name, values in relations.items():
        _set_m2m(project, name, values, changed)
    if changed:
        log_event(actor, AuditAction.PROJECT_UPDATED, project, request=request, **changed)
    return project


def _check_project(project: Project) -> None:
    if project.starts_on and project.ends_on and project.ends_on < project.starts_on:
        raise ValidationError(_("The project cannot end before it starts."))
