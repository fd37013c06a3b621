"""Pages of meetings: agenda, minutes and decisions, attendance named or counted, prioritisation
votes, documents and photos, the printable sign-in sheet and agenda, attendance exports; and the
access-checked download of every engagement document (meetings', issues' and action updates')."""

import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Sum
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from iltod.lib.tabular import tabular_response

from .. import dashboards, services
from ..forms.groups import (
    AttendanceCountForm,
    AttendanceForm,
    DocumentForm,
    GuestForm,
    MeetingForm,
    PrioritisationForm,
)
from ..models import (
    Attendance,
    Document,
    GroupMember,
    LocalIssue,
    Meeting,
    Prioritisation,
    StakeholderType,
)
from ..permissions import (
    COORDINATE,
    MEMBER,
    VIEW,
    get_document,
    get_group,
    get_meeting,
    group_role,
)
from .shared import (
    EXPORT_FORMATS,
    GUEST_ROWS,
    add_document_from,
    done,
    history,
    int_or_none,
    url,
)

# --- Meetings ----------------------------------------------------------------------------------


@login_required
def meeting_create(request, code):
    group = get_group(request.user, code, COORDINATE)
    form = MeetingForm(request.POST if request.method == "POST" else None, initial={"held_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        meeting = services.create_meeting(actor=request.user, group=group, request=request, **form.service_fields())
        return done(request, _("The meeting was created."), meeting.get_absolute_url())
    return render(request, "engagement/meeting_form.html", {"form": form, "group": group})


@login_required
def meeting_edit(request, code):
    meeting = get_meeting(request.user, code, COORDINATE)
    form = MeetingForm(request.POST if request.method == "POST" else None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        fresh = Meeting.objects.get(pk=meeting.pk)
        services.update_meeting(fresh, actor=request.user, request=request, **form.service_fields())
        return done(request, _("The meeting was saved."), meeting.get_absolute_url())
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
        context["history"] = history(meeting)
        context["document_form"] = DocumentForm()
    return render(request, "engagement/meeting_detail.html", context)


@login_required
def meeting_attendance(request, code):
    """Who came: tick members, add guests, or count people by sex and stakeholder type."""
    meeting = get_meeting(request.user, code, COORDINATE)
    attendance_form = AttendanceForm(meeting=meeting)
    guest_form = GuestForm(prefix="guest")
    count_form = AttendanceCountForm(meeting=meeting, prefix="count")
    back = url("engagement:meeting_attendance", meeting.code)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "members":
                attendance_form = AttendanceForm(request.POST, meeting=meeting)
                if attendance_form.is_valid():
                    services.set_named_attendance(
                        meeting, actor=request.user, members=attendance_form.cleaned_data["members"], request=request
                    )
                    return done(request, _("Attendance was saved."), back)
            elif action == "guest":
                guest_form = GuestForm(request.POST, prefix="guest")
                if guest_form.is_valid():
                    services.add_guest(meeting, actor=request.user, request=request, **guest_form.cleaned_data)
                    return done(request, _("The guest was added."), back)
            elif action == "counts":
                count_form = AttendanceCountForm(request.POST, meeting=meeting, prefix="count")
                if count_form.is_valid():
                    services.set_attendance_counts(
                        meeting, actor=request.user, counts=count_form.counts(), request=request
                    )
                    return done(request, _("The counts were saved."), back)
            elif action == "remove":
                attendee = Attendance.objects.filter(
                    meeting=meeting, pk=int_or_none(request.POST.get("attendee"))
                ).first()
                if attendee is None:
                    raise Http404
                services.remove_attendee(attendee, actor=request.user, request=request)
                return done(request, _("The participant was removed."), back)
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
            return done(request, _("The votes were saved and the issues ranked."), meeting.get_absolute_url())
    return render(request, "engagement/meeting_prioritise.html", {"meeting": meeting, "group": group, "form": form})


@login_required
@require_POST
def meeting_document_add(request, code):
    meeting = get_meeting(request.user, code, COORDINATE)
    add_document_from(request, DocumentForm, meeting=meeting)
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
    return done(request, _("The file was removed."), owner.get_absolute_url())


urlpatterns = [
    path("groups/<str:code>/attendance.<str:fmt>", group_attendance_export, name="group_attendance_export"),
    path("groups/<str:code>/meetings/new/", meeting_create, name="meeting_create"),
    path("meetings/<str:code>/", meeting_detail, name="meeting_detail"),
    path("meetings/<str:code>/edit/", meeting_edit, name="meeting_edit"),
    path("meetings/<str:code>/attendance/", meeting_attendance, name="meeting_attendance"),
    path("meetings/<str:code>/attendance.<str:fmt>", meeting_attendance_export, name="meeting_attendance_export"),
    path("meetings/<str:code>/prioritise/", meeting_prioritise, name="meeting_prioritise"),
    path("meetings/<str:code>/documents/", meeting_document_add, name="meeting_document_add"),
    path("meetings/<str:code>/sign-in/", meeting_sign_in, name="meeting_sign_in"),
    path("meetings/<str:code>/agenda/", meeting_agenda, name="meeting_agenda"),
    path("documents/<str:code>/", document, name="document"),
    path("documents/<str:code>/remove/", document_remove, name="document_remove"),
]
