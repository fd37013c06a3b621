"""Pages of groups, members, meetings, attendance, local issues and projects.

Public pages show public records only; members also see the group's other records; coordinators
manage. Every object is fetched through ``permissions.get_*`` ("not allowed" is a 404). The group
page has a slot, ``render_panels("engagement_group", request, group)``, where the action plan pages
add their progress summary.
"""

import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, Sum
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from iltod.accounts.services import events_for
from iltod.core.panels import render_panels
from iltod.lib.tabular import tabular_response

from .. import dashboards, services
from ..forms.groups import (
    AttendanceCountForm,
    AttendanceForm,
    DocumentForm,
    EvidenceForm,
    GroupFilterForm,
    GroupForm,
    GuestForm,
    IssueForm,
    MeetingForm,
    MemberForm,
    PrioritisationForm,
    ProjectFilterForm,
    ProjectForm,
)
from ..models import (
    ActionPlan,
    Attendance,
    Document,
    Evidence,
    Group,
    GroupMember,
    LocalIssue,
    Meeting,
    Prioritisation,
    Project,
    StakeholderType,
)
from ..permissions import (
    COORDINATE,
    MEMBER,
    VIEW,
    can_create_groups,
    can_manage_project,
    coordinated_groups,
    get_document,
    get_group,
    get_issue,
    get_meeting,
    get_project,
    group_role,
    member_groups,
    visible_groups,
    visible_projects,
)

PER_PAGE = 20
MEMBERS_PER_PAGE = 50
EXPORT_FORMATS = {"csv", "xlsx"}
GUEST_ROWS = 15  # blank rows for guests at the end of a sign-in sheet

HISTORY_LABELS = {
    "engagement.group_created": gettext_lazy("Group created"),
    "engagement.group_updated": gettext_lazy("Group details changed"),
    "engagement.member_added": gettext_lazy("Member added"),
    "engagement.member_updated": gettext_lazy("Member changed"),
    "engagement.member_left": gettext_lazy("Member left"),
    "engagement.meeting_created": gettext_lazy("Meeting created"),
    "engagement.meeting_updated": gettext_lazy("Meeting changed"),
    "engagement.attendance_recorded": gettext_lazy("Attendance recorded"),
    "engagement.attendance_counted": gettext_lazy("Participants counted"),
    "engagement.guest_added": gettext_lazy("Guest added"),
    "engagement.attendee_removed": gettext_lazy("Participant removed"),
    "engagement.document_added": gettext_lazy("Document added"),
    "engagement.document_removed": gettext_lazy("Document removed"),
    "engagement.votes_recorded": gettext_lazy("Prioritisation votes recorded"),
    "engagement.issue_created": gettext_lazy("Issue raised"),
    "engagement.issue_updated": gettext_lazy("Issue changed"),
    "engagement.issue_ranked": gettext_lazy("Issue ranked"),
    "engagement.evidence_added": gettext_lazy("Evidence added"),
    "engagement.evidence_removed": gettext_lazy("Evidence removed"),
    "engagement.project_created": gettext_lazy("Project created"),
    "engagement.project_updated": gettext_lazy("Project changed"),
}


DETAIL_LABELS = {
    "added": gettext_lazy("added"),
    "after": gettext_lazy("after"),
    "before": gettext_lazy("before"),
    "counts": gettext_lazy("counts"),
    "document": gettext_lazy("document"),
    "evidence": gettext_lazy("evidence"),
    "feedback": gettext_lazy("feedback"),
    "group": gettext_lazy("group"),
    "meeting": gettext_lazy("meeting"),
    "member": gettext_lazy("member"),
    "name": gettext_lazy("name"),
    "present": gettext_lazy("present"),
    "public": gettext_lazy("public"),
    "record": gettext_lazy("record"),
    "removed": gettext_lazy("removed"),
    "votes": gettext_lazy("votes"),
}


LIST_DETAILS = {"added"}  # lists of names; every other two-item list is [before, after]


def _detail_text(value, *, change: bool = False) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        if change and len(value) == 2:
            return f"{_detail_text(value[0])} → {_detail_text(value[1])}"
        return ", ".join(_detail_text(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_detail_text(v)}" for k, v in value.items())
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def _detail_label(model, key: str) -> str:
    """The field's name in the reader's language: of the record itself, or of a member or evidence
    (a group's history records its members' changes)."""
    if key in DETAIL_LABELS:
        return str(DETAIL_LABELS[key])
    for candidate in (model, GroupMember, Evidence, Document):
        try:
            return str(candidate._meta.get_field(key).verbose_name)
        except FieldDoesNotExist:
            continue
    return key


def _history(obj):
    """The audit trail of ``obj`` as (time, label, actor, details), oldest first; details are
    (field label, value or "before → after") in the reader's language."""
    rows = []
    for event in events_for(obj).order_by("created_at", "pk"):
        details = [
            (_detail_label(type(obj), key), _detail_text(value, change=key not in LIST_DETAILS))
            for key, value in sorted(event.data.items())
            if value not in ("", None, [], {})
        ]
        rows.append((event.created_at, HISTORY_LABELS.get(event.action, event.action), event.actor, details))
    return rows


def _page(request, queryset, per_page=PER_PAGE):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _url(name, *args) -> str:
    return reverse(name, args=args)


def _done(request, message, target):
    messages.success(request, message)
    return redirect(target)


# --- Groups: public list, my groups, page, create, edit ----------------------------------------


def group_list(request):
    form = GroupFilterForm(request.GET or None)
    # Group.admin_unit's foreign key index serves the area filter, the sectors table's the sector one.
    groups = (
        Group.objects.public()
        .select_related("admin_unit", "convening_organization")
        .prefetch_related("sectors")
        .annotate(
            member_count=Count(
                "members",
                filter=Q(members__left_on__isnull=True) | Q(members__left_on__gt=timezone.localdate()),
                distinct=True,
            )
        )
    )
    if form.is_valid():
        if form.cleaned_data["area"]:
            groups = groups.filter(admin_unit__in=form.cleaned_data["area"].descendant_ids())
        if form.cleaned_data["sector"]:
            groups = groups.filter(sectors=form.cleaned_data["sector"])
    page = _page(request, groups.order_by("admin_unit__code", "name", "pk"))
    return render(
        request,
        "engagement/group_list.html",
        {
            "form": form,
            "page": page,
            "query": _query_without_page(request),
            "can_create": can_create_groups(request.user),
        },
    )


@login_required
def my_groups(request):
    groups = (
        member_groups(request.user)
        .select_related("admin_unit")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=GroupMember.objects.current().filter(user=request.user),
                to_attr="my_memberships",
            )
        )
        .order_by("admin_unit__code", "name", "pk")
    )
    coordinated = set(coordinated_groups(request.user).values_list("pk", flat=True))
    page = _page(request, groups)
    return render(
        request,
        "engagement/group_mine.html",
        {"page": page, "coordinated": coordinated, "can_create": can_create_groups(request.user)},
    )


def group_detail(request, code):
    group = get_group(request.user, code, VIEW)
    role = group_role(request.user, group)
    insider = role is not None
    meetings = Meeting.objects.filter(group=group)
    issues = LocalIssue.objects.filter(group=group).select_related("sector", "service_unit")
    plans = ActionPlan.objects.filter(group=group)
    if not insider:
        meetings = meetings.filter(is_public=True).exclude(status=Meeting.Status.CANCELLED)
        issues = issues.filter(is_public=True)
        plans = plans.filter(is_public=True).exclude(status=ActionPlan.Status.DRAFT)
    return render(
        request,
        "engagement/group_detail.html",
        {
            "group": group,
            "role": role,
            "is_coordinator": role == COORDINATE,
            "sectors": group.sectors.all(),
            "members": dashboards.members_summary(group),
            "dashboard": dashboards.group_dashboard(group, public=not insider),
            "meetings": meetings.order_by("-held_on", "-pk")[:10],
            "meeting_count": meetings.count(),
            "issues": issues.order_by("priority", "-created_at")[:50],
            "plans": plans.order_by("-created_at")[:10],
            "projects": group.projects.filter(
                Q(is_public=True) | Q(pk__in=visible_projects(request.user).values("pk"))
            )[:10],
            "panels": render_panels("engagement_group", request, group),
            "history": _history(group) if insider else [],
        },
    )


@login_required
def group_create(request):
    if not can_create_groups(request.user):
        raise Http404
    form = GroupForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        sectors = form.cleaned_data["sectors"]
        group = services.create_group(actor=request.user, request=request, sectors=sectors, **fields)
        return _done(request, _("The group was created."), group.get_absolute_url())
    return render(request, "engagement/group_form.html", {"form": form})


@login_required
def group_edit(request, code):
    group = get_group(request.user, code, COORDINATE)
    form = GroupForm(request.POST or None, user=request.user, group=group)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        fields.pop("name")
        services.update_group(
            group, actor=request.user, request=request, sectors=form.cleaned_data["sectors"], **fields
        )
        return _done(request, _("The group was saved."), group.get_absolute_url())
    return render(request, "engagement/group_form.html", {"form": form, "group": group})


# --- Members -----------------------------------------------------------------------------------


@login_required
def member_list(request, code):
    """Names for members; contact details and editing for coordinators."""
    group = get_group(request.user, code, MEMBER)
    is_coordinator = group_role(request.user, group) == COORDINATE
    show = request.GET.get("show", "current")
    members = GroupMember.objects.filter(group=group).select_related("organization", "user")
    if show != "all":
        members = members.current()
    members = members.order_by("stakeholder_type", "person_name", "pk")
    return render(
        request,
        "engagement/member_list.html",
        {
            "group": group,
            "page": _page(request, members, MEMBERS_PER_PAGE),
            "query": _query_without_page(request),
            "show": show,
            "is_coordinator": is_coordinator,
        },
    )


@login_required
def member_add(request, code):
    group = get_group(request.user, code, COORDINATE)
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.add_member(actor=request.user, group=group, request=request, **form.service_fields())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return _done(
                request,
                _("%(name)s was added to the group.") % {"name": member.display_name},
                _url("engagement:member_list", group.code),
            )
    return render(request, "engagement/member_form.html", {"form": form, "group": group})


@login_required
def member_edit(request, code):
    member = GroupMember.objects.select_related("group", "user", "organization").filter(code=code).first()
    if member is None:
        raise Http404
    group = get_group(request.user, member.group.code, COORDINATE)
    form = MemberForm(request.POST or None, instance=member)
    if request.method == "POST":
        # A ModelForm writes into its instance while validating: edit a fresh copy through the service.
        if form.is_valid():
            fresh = GroupMember.objects.get(pk=member.pk)
            try:
                services.update_member(fresh, actor=request.user, request=request, **form.service_fields())
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return _done(request, _("The member was saved."), _url("engagement:member_list", group.code))
    return render(request, "engagement/member_form.html", {"form": form, "group": group, "member": member})


@login_required
def member_export(request, code, fmt):
    group = get_group(request.user, code, COORDINATE)
    if fmt not in EXPORT_FORMATS:
        raise Http404
    members = (
        GroupMember.objects.filter(group=group)
        .select_related("organization", "user")
        .order_by("stakeholder_type", "person_name", "pk")
    )
    header = [
        _("Name"),
        _("Organisation"),
        _("Position"),
        _("Stakeholder type"),
        _("Sex"),
        _("Age"),
        _("Role in the group"),
        _("Phone"),
        _("E-mail"),
        _("Joined on"),
        _("Left on"),
        _("Current member"),
    ]
    rows = (
        [
            m.person_name or (m.user.get_full_name() if m.user_id else ""),
            str(m.organization or ""),
            m.position,
            m.get_stakeholder_type_display(),
            m.get_sex_display(),
            m.get_age_band_display(),
            m.get_role_display(),
            m.phone,
            m.email or (m.user.email if m.user_id else ""),
            m.joined_on,
            m.left_on,
            _("yes") if m.is_current else _("no"),
        ]
        for m in members
    )
    return tabular_response(f"iltod-members-{group.code}", header, rows, fmt)


# --- Meetings ----------------------------------------------------------------------------------


@login_required
def meeting_create(request, code):
    group = get_group(request.user, code, COORDINATE)
    form = MeetingForm(request.POST or None, initial={"held_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        meeting = services.create_meeting(actor=request.user, group=group, request=request, **form.service_fields())
        return _done(request, _("The meeting was created."), meeting.get_absolute_url())
    return render(request, "engagement/meeting_form.html", {"form": form, "group": group})


@login_required
def meeting_edit(request, code):
    meeting = get_meeting(request.user, code, COORDINATE)
    form = MeetingForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        fresh = Meeting.objects.get(pk=meeting.pk)
        services.update_meeting(fresh, actor=request.user, request=request, **form.service_fields())
        return _done(request, _("The meeting was saved."), meeting.get_absolute_url())
    return render(request, "engagement/meeting_form.html", {"form": form, "group": meeting.group, "meeting": meeting})


def _ranking(meeting):
    """Issues voted on in ``meeting``: (issue, total, {stakeholder type: votes}), most votes first."""
    by_issue: dict = {}
    for p in Prioritisation.objects.filter(meeting=meeting).select_related("issue"):
        entry = by_issue.setdefault(p.issue_id, [p.issue, 0, {}])
        entry[1] += p.votes
        entry[2][p.stakeholder_type] = p.votes
    labels = dict(StakeholderType.choices)
    ranked = sorted(by_issue.values(), key=lambda e: (-e[1], e[0].created_at, e[0].pk))
    return [
        (issue, total, [(labels[t], n) for t, n in sorted(by_type.items(), key=lambda item: -item[1])])
        for issue, total, by_type in ranked
    ]


def meeting_detail(request, code):
    meeting = get_meeting(request.user, code, VIEW)
    group = meeting.group
    role = group_role(request.user, group)
    insider = role is not None
    documents = meeting.documents.all()
    if not insider:
        documents = documents.filter(is_public=True)
    ranking = _ranking(meeting)
    if not insider:
        ranking = [row for row in ranking if row[0].is_public]
    context = {
        "meeting": meeting,
        "group": group,
        "role": role,
        "insider": insider,
        "is_coordinator": role == COORDINATE,
        "attendance": dashboards.attendance(Meeting.objects.filter(pk=meeting.pk)),
        "documents": documents,
        "ranking": ranking,
        "raised": meeting.raised_issues.filter(**({} if insider else {"is_public": True})),
    }
    if insider:
        context["attendees"] = meeting.attendees.select_related("member").order_by("name")
        context["history"] = _history(meeting)
        context["document_form"] = DocumentForm()
    return render(request, "engagement/meeting_detail.html", context)


@login_required
def meeting_attendance(request, code):
    """Who came: tick members, add guests, or count people by sex and stakeholder type."""
    meeting = get_meeting(request.user, code, COORDINATE)
    attendance_form = AttendanceForm(meeting=meeting)
    guest_form = GuestForm(prefix="guest")
    count_form = AttendanceCountForm(meeting=meeting, prefix="count")
    back = _url("engagement:meeting_attendance", meeting.code)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "members":
                attendance_form = AttendanceForm(request.POST, meeting=meeting)
                if attendance_form.is_valid():
                    services.set_named_attendance(
                        meeting, actor=request.user, members=attendance_form.cleaned_data["members"], request=request
                    )
                    return _done(request, _("Attendance was saved."), back)
            elif action == "guest":
                guest_form = GuestForm(request.POST, prefix="guest")
                if guest_form.is_valid():
                    services.add_guest(meeting, actor=request.user, request=request, **guest_form.cleaned_data)
                    return _done(request, _("The guest was added."), back)
            elif action == "counts":
                count_form = AttendanceCountForm(request.POST, meeting=meeting, prefix="count")
                if count_form.is_valid():
                    services.set_attendance_counts(
                        meeting, actor=request.user, counts=count_form.counts(), request=request
                    )
                    return _done(request, _("The counts were saved."), back)
            elif action == "remove":
                attendee = Attendance.objects.filter(meeting=meeting, pk=_int(request.POST.get("attendee"))).first()
                if attendee is None:
                    raise Http404
                services.remove_attendee(attendee, actor=request.user, request=request)
                return _done(request, _("The participant was removed."), back)
            else:
                messages.error(request, _("Choose what to save."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return render(
        request,
        "engagement/meeting_attendance.html",
        {
            "meeting": meeting,
            "group": meeting.group,
            "attendance_form": attendance_form,
            "guest_form": guest_form,
            "count_form": count_form,
            "guests": meeting.attendees.filter(member__isnull=True).order_by("name"),
            "sexes": AttendanceCountForm.SEXES,
        },
        status=400 if request.method == "POST" else 200,
    )


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
def meeting_prioritise(request, code):
    """Votes each stakeholder type gave the group's open issues in this meeting; ranks them."""
    meeting = get_meeting(request.user, code, COORDINATE)
    group = meeting.group
    voted = meeting.prioritisations.values("issue_id")
    issues = (
        LocalIssue.objects.filter(group=group)
        .filter(
            Q(status__in=[LocalIssue.Status.RAISED, LocalIssue.Status.PRIORITISED, LocalIssue.Status.IN_ACTION])
            | Q(pk__in=voted)
        )
        .order_by("priority", "created_at")
    )
    types = set(GroupMember.objects.current().filter(group=group).values_list("stakeholder_type", flat=True))
    types |= set(meeting.prioritisations.values_list("stakeholder_type", flat=True))
    if not types:
        types = set(StakeholderType.values)
    form = PrioritisationForm(request.POST or None, meeting=meeting, issues=issues, stakeholder_types=types)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_prioritisation(meeting, actor=request.user, votes=form.votes(), request=request)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return _done(request, _("The votes were saved and the issues ranked."), meeting.get_absolute_url())
    return render(request, "engagement/meeting_prioritise.html", {"meeting": meeting, "group": group, "form": form})


@login_required
@require_POST
def meeting_document_add(request, code):
    meeting = get_meeting(request.user, code, COORDINATE)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_document(
                actor=request.user,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                is_public=form.cleaned_data["is_public"],
                meeting=meeting,
                request=request,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The file was added."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(meeting.get_absolute_url())


def _sign_in_members(meeting):
    """Members on the meeting's date, by name: people find their own line quickly."""
    return (
        GroupMember.objects.current(meeting.held_on)
        .filter(group=meeting.group)
        .select_related("organization", "user")
        .order_by("person_name", "pk")
    )


@login_required
def meeting_sign_in(request, code):
    """The sheet people sign at the door: current members, then blank rows for guests. Prints on A4."""
    meeting = get_meeting(request.user, code, MEMBER)
    members = list(_sign_in_members(meeting))
    if request.GET.get("format") == "xlsx":
        header = [_("No."), _("Name"), _("Organisation"), _("Stakeholder type"), _("Sex"), _("Signature")]
        rows = [
            [
                number,
                m.person_name or (m.user.get_full_name() if m.user_id else ""),
                str(m.organization or ""),
                m.get_stakeholder_type_display(),
                m.get_sex_display(),
                "",
            ]
            for number, m in enumerate(members, start=1)
        ]
        rows += [[len(members) + n, "", "", "", "", ""] for n in range(1, GUEST_ROWS + 1)]
        return tabular_response(f"iltod-sign-in-{meeting.code}", header, rows, "xlsx")
    return render(
        request,
        "engagement/meeting_sign_in.html",
        {
            "meeting": meeting,
            "group": meeting.group,
            "members": members,
            "guest_rows": range(len(members) + 1, len(members) + GUEST_ROWS + 1),
        },
    )


def meeting_agenda(request, code):
    """The agenda on one A4 page (public for a public meeting)."""
    meeting = get_meeting(request.user, code, VIEW)
    if request.GET.get("format") == "xlsx":
        rows = [[number, item] for number, item in enumerate(meeting.agenda_items, start=1)]
        return tabular_response(f"iltod-agenda-{meeting.code}", [_("No."), _("Agenda")], rows, "xlsx")
    return render(request, "engagement/meeting_agenda.html", {"meeting": meeting, "group": meeting.group})


@login_required
def meeting_attendance_export(request, code, fmt):
    """Named participants of one meeting, then the counted ones, with totals by sex."""
    meeting = get_meeting(request.user, code, COORDINATE)
    if fmt not in EXPORT_FORMATS:
        raise Http404
    header = [
        _("Name"),
        _("Organisation"),
        _("Stakeholder type"),
        _("Sex"),
        _("Age"),
        _("Member or guest"),
        _("Number"),
    ]
    rows = [
        [
            a.name,
            a.organization_name,
            a.get_stakeholder_type_display(),
            a.get_sex_display(),
            a.get_age_band_display(),
            _("member") if a.member_id else _("guest"),
            1,
        ]
        for a in meeting.attendees.order_by("name", "pk")
    ]
    rows += [
        [_("(counted)"), "", c.get_stakeholder_type_display(), c.get_sex_display(), "", "", c.count]
        for c in meeting.attendance_counts.all()
    ]
    return tabular_response(f"iltod-attendance-{meeting.code}", header, rows, fmt)


@login_required
def group_attendance_export(request, code, fmt):
    """Participants of every meeting held, by stakeholder type and sex (named and counted together)."""
    group = get_group(request.user, code, MEMBER)
    if fmt not in EXPORT_FORMATS:
        raise Http404
    meetings = list(Meeting.objects.filter(group=group, status=Meeting.Status.HELD).order_by("held_on", "pk"))
    named = (
        Attendance.objects.filter(meeting__in=meetings)
        .values("meeting_id", "stakeholder_type", "sex")
        .annotate(n=Count("pk"))
    )
    counted = (
        Meeting.objects.filter(pk__in=[m.pk for m in meetings])
        .values("pk", "attendance_counts__stakeholder_type", "attendance_counts__sex")
        .annotate(n=Sum("attendance_counts__count"))
    )
    cells: dict = {}
    for row in named:
        key = (row["meeting_id"], row["stakeholder_type"])
        cells.setdefault(key, {}).setdefault(row["sex"], 0)
        cells[key][row["sex"]] += row["n"]
    for row in counted:
        if not row["attendance_counts__stakeholder_type"]:
            continue
        key = (row["pk"], row["attendance_counts__stakeholder_type"])
        sex = row["attendance_counts__sex"]
        cells.setdefault(key, {}).setdefault(sex, 0)
        cells[key][sex] += row["n"] or 0
    sexes = dashboards.SEXES
    header = [_("Date"), _("Meeting"), _("Stakeholder type"), *[s.label for s in sexes], _("Total")]
    rows = []
    for meeting in meetings:
        for value, label in StakeholderType.choices:
            counts = cells.get((meeting.pk, value))
            if counts:
                numbers = [counts.get(s.value, 0) for s in sexes]
                rows.append([meeting.held_on, meeting.title, label, *numbers, sum(numbers)])
    return tabular_response(f"iltod-attendance-{group.code}", header, rows, fmt)


# --- Documents ---------------------------------------------------------------------------------


def document(request, code):
    """A file of a meeting, issue or action update, checked like its record. Always a download."""
    doc = get_document(request.user, code)
    try:
        handle = doc.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    name = doc.file.name.rsplit("/", 1)[-1]
    content_type = doc.content_type or mimetypes.guess_type(name)[0]
    response = FileResponse(
        handle, as_attachment=True, filename=name, content_type=content_type or "application/octet-stream"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, max-age=0"
    return response


@login_required
@require_POST
def document_remove(request, code):
    doc = Document.objects.select_related("meeting__group", "issue__group").filter(code=code).first()
    if doc is None or doc.update_id:
        raise Http404
    owner = doc.meeting or doc.issue
    get_group(request.user, owner.group.code, COORDINATE)
    services.remove_document(doc, actor=request.user, request=request)
    return _done(request, _("The file was removed."), owner.get_absolute_url())


# --- Local issues ------------------------------------------------------------------------------


@login_required
def issue_create(request, code):
    group = get_group(request.user, code, COORDINATE)
    form = IssueForm(request.POST or None, group=group)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        issue = services.create_issue(actor=request.user, group=group, request=request, **fields)
        return _done(request, _("The issue was added."), issue.get_absolute_url())
    return render(request, "engagement/issue_form.html", {"form": form, "group": group})


@login_required
def issue_edit(request, code):
    issue = get_issue(request.user, code, COORDINATE)
    form = IssueForm(request.POST or None, instance=issue, group=issue.group)
    if request.method == "POST" and form.is_valid():
        fresh = LocalIssue.objects.get(pk=issue.pk)
        services.update_issue(fresh, actor=request.user, request=request, **form.service_fields())
        return _done(request, _("The issue was saved."), issue.get_absolute_url())
    return render(request, "engagement/issue_form.html", {"form": form, "group": issue.group, "issue": issue})


def _evidence_rows(issue, *, insider: bool):
    rows = []
    for evidence in issue.evidence.select_related("feedback", "target_type"):
        link, text = evidence.url, evidence.note
        if evidence.feedback_id:
            feedback = evidence.feedback
            link = feedback.get_absolute_url()
            if feedback.shows_text_publicly:
                text = text or feedback.public_description
            elif not insider:
                text = ""  # the citizen's own words are public only once moderated
        elif evidence.target_type_id:
            target = evidence.target
            if target is not None:
                link = link or (target.get_absolute_url() if hasattr(target, "get_absolute_url") else "")
                text = text or str(target)
        rows.append({"evidence": evidence, "link": link, "text": text})
    return rows


def issue_detail(request, code):
    issue = get_issue(request.user, code, VIEW)
    role = group_role(request.user, issue.group)
    insider = role is not None
    documents = issue.documents.all()
    plans = issue.action_plans.all()
    if not insider:
        documents = documents.filter(is_public=True)
        plans = plans.filter(is_public=True).exclude(status=ActionPlan.Status.DRAFT)
    votes = (
        Prioritisation.objects.filter(issue=issue)
        .select_related("meeting")
        .order_by("-meeting__held_on", "stakeholder_type")
    )
    if not insider:
        votes = votes.filter(meeting__is_public=True)
    context = {
        "issue": issue,
        "group": issue.group,
        "role": role,
        "insider": insider,
        "is_coordinator": role == COORDINATE,
        "evidence": _evidence_rows(issue, insider=insider),
        "documents": documents,
        "plans": plans,
        "votes": votes,
        "projects": issue.projects.filter(is_public=True),
    }
    if role == COORDINATE:
        context["evidence_form"] = EvidenceForm()
        context["document_form"] = DocumentForm()
    if insider:
        context["history"] = _history(issue)
    return render(request, "engagement/issue_detail.html", context)


@login_required
@require_POST
def issue_evidence(request, code):
    issue = get_issue(request.user, code, COORDINATE)
    if request.POST.get("action") == "remove":
        evidence = Evidence.objects.filter(issue=issue, pk=_int(request.POST.get("evidence"))).first()
        if evidence is None:
            raise Http404
        services.remove_evidence(evidence, actor=request.user, request=request)
        return _done(request, _("The evidence was removed."), issue.get_absolute_url())
    form = EvidenceForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.add_evidence(
                actor=request.user,
                issue=issue,
                kind=data["kind"],
                feedback=data["feedback"],
                url=data["url"],
                note=data["note"],
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return _done(request, _("The evidence was added."), issue.get_absolute_url())
    role = group_role(request.user, issue.group)
    return render(
        request,
        "engagement/issue_detail.html",
        {
            "issue": issue,
            "group": issue.group,
            "role": role,
            "insider": True,
            "is_coordinator": True,
            "evidence": _evidence_rows(issue, insider=True),
            "documents": issue.documents.all(),
            "plans": issue.action_plans.all(),
            "votes": Prioritisation.objects.filter(issue=issue).select_related("meeting"),
            "projects": issue.projects.all(),
            "evidence_form": form,
            "document_form": DocumentForm(),
            "history": _history(issue),
        },
        status=400,
    )


@login_required
@require_POST
def issue_document_add(request, code):
    issue = get_issue(request.user, code, COORDINATE)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_document(
                actor=request.user,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                is_public=form.cleaned_data["is_public"],
                issue=issue,
                request=request,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The file was added."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(issue.get_absolute_url())


# --- Projects ----------------------------------------------------------------------------------


def project_list(request):
    form = ProjectFilterForm(request.GET or None)
    projects = visible_projects(request.user).select_related("organization")
    if form.is_valid():
        if form.cleaned_data["tool"]:
            projects = projects.filter(tool=form.cleaned_data["tool"])
        if form.cleaned_data["status"]:
            projects = projects.filter(status=form.cleaned_data["status"])
    page = _page(request, projects.order_by("-starts_on", "title", "pk"))
    return render(
        request,
        "engagement/project_list.html",
        {
            "form": form,
            "page": page,
            "query": _query_without_page(request),
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
            "history": _history(project) if manage else [],
        },
    )


@login_required
def project_create(request):
    if not can_create_groups(request.user):
        raise Http404
    form = ProjectForm(request.POST or None, user=request.user)
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
        return _done(request, _("The project was created."), project.get_absolute_url())
    return render(request, "engagement/project_form.html", {"form": form})


@login_required
def project_edit(request, code):
    project = get_project(request.user, code, manage=True)
    form = ProjectForm(request.POST or None, instance=project, user=request.user)
    if request.method == "POST" and form.is_valid():
        fresh = Project.objects.get(pk=project.pk)
        try:
            services.update_project(fresh, actor=request.user, request=request, **form.service_fields())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return _done(request, _("The project was saved."), project.get_absolute_url())
    return render(request, "engagement/project_form.html", {"form": form, "project": project})


# --- Panel on aimag, district and soum pages ----------------------------------------------------


def admin_unit_panel(request, unit):
    """Section of an area's page: the public groups that work in it."""
    groups = list(
        Group.objects.public()
        .filter(admin_unit__in=unit.descendant_ids())
        .select_related("admin_unit")
        .order_by("admin_unit__code", "name")[:10]
    )
    if not groups:
        return ""
    return render_to_string("engagement/group_panel_admin_unit.html", {"groups": groups, "unit": unit}, request=request)


urlpatterns = [
    path("groups/", group_list, name="group_list"),
    path("groups/mine/", my_groups, name="my_groups"),
    path("groups/new/", group_create, name="group_create"),
    path("groups/<str:code>/", group_detail, name="group_detail"),
    path("groups/<str:code>/edit/", group_edit, name="group_edit"),
    path("groups/<str:code>/members/", member_list, name="member_list"),
    path("groups/<str:code>/members/add/", member_add, name="member_add"),
    path("groups/<str:code>/members.<str:fmt>", member_export, name="member_export"),
    path("groups/<str:code>/attendance.<str:fmt>", group_attendance_export, name="group_attendance_export"),
    path("groups/<str:code>/meetings/new/", meeting_create, name="meeting_create"),
    path("groups/<str:code>/issues/new/", issue_create, name="issue_create"),
    path("members/<str:code>/edit/", member_edit, name="member_edit"),
    path("meetings/<str:code>/", meeting_detail, name="meeting_detail"),
    path("meetings/<str:code>/edit/", meeting_edit, name="meeting_edit"),
    path("meetings/<str:code>/attendance/", meeting_attendance, name="meeting_attendance"),
    path("meetings/<str:code>/attendance.<str:fmt>", meeting_attendance_export, name="meeting_attendance_export"),
    path("meetings/<str:code>/prioritise/", meeting_prioritise, name="meeting_prioritise"),
    path("meetings/<str:code>/documents/", meeting_document_add, name="meeting_document_add"),
    path("meetings/<str:code>/sign-in/", meeting_sign_in, name="meeting_sign_in"),
    path("meetings/<str:code>/agenda/", meeting_agenda, name="meeting_agenda"),
    path("issues/<str:code>/", issue_detail, name="issue_detail"),
    path("issues/<str:code>/edit/", issue_edit, name="issue_edit"),
    path("issues/<str:code>/evidence/", issue_evidence, name="issue_evidence"),
    path("issues/<str:code>/documents/", issue_document_add, name="issue_document_add"),
    path("documents/<str:code>/", document, name="document"),
    path("documents/<str:code>/remove/", document_remove, name="document_remove"),
    path("projects/", project_list, name="project_list"),
    path("projects/new/", project_create, name="project_create"),
    path("projects/<str:code>/", project_detail, name="project_detail"),
    path("projects/<str:code>/edit/", project_edit, name="project_edit"),
]
