"""Pages of groups and their members, the "My groups" page and the panel on area pages; the pages
of meetings, issues and projects are in their own modules, whose URLs are joined here.

Public pages show public records only; members also see the group's other records; coordinators
manage. Every object is fetched through ``permissions.get_*`` ("not allowed" is a 404). The group
page has a slot, ``render_panels("engagement_group", request, group)``, where the action plan pages
add their progress summary.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from iltod.core.panels import render_panels
from iltod.lib.tabular import tabular_response

from .. import dashboards, services
from ..forms.groups import (
    GroupFilterForm,
    GroupForm,
    MemberForm,
)
from ..models import (
    ActionPlan,
    ActionUpdate,
    Group,
    GroupMember,
    LocalIssue,
    Meeting,
)
from ..permissions import (
    COORDINATE,
    MEMBER,
    VIEW,
    can_create_groups,
    coordinated_groups,
    get_group,
    group_role,
    member_groups,
    visible_projects,
)
from . import issues, meetings, projects
from .shared import (
    EXPORT_FORMATS,
    MEMBERS_PER_PAGE,
    done,
    history,
    page_of,
    query_without_page,
    url,
)

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
    page = page_of(request, groups.order_by("admin_unit__code", "name", "pk"))
    return render(
        request,
        "engagement/group_list.html",
        {
            "form": form,
            "page": page,
            "query": query_without_page(request),
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
    page = page_of(request, groups)
    # Updates members posted that wait for this coordinator's approval (the queue's own filter).
    pending = (
        ActionUpdate.objects.filter(review=ActionUpdate.Review.PENDING, action__plan__group_id__in=coordinated).count()
        if coordinated
        else 0
    )
    return render(
        request,
        "engagement/group_mine.html",
        {
            "page": page,
            "coordinated": coordinated,
            "pending": pending,
            "can_create": can_create_groups(request.user),
        },
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
            "history": history(group) if insider else [],
        },
    )


@login_required
def group_create(request):
    if not can_create_groups(request.user):
        raise Http404
    form = GroupForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        sectors = form.cleaned_data["sectors"]
        group = services.create_group(actor=request.user, request=request, sectors=sectors, **fields)
        return done(request, _("The group was created."), group.get_absolute_url())
    return render(request, "engagement/group_form.html", {"form": form})


@login_required
def group_edit(request, code):
    group = get_group(request.user, code, COORDINATE)
    form = GroupForm(request.POST if request.method == "POST" else None, user=request.user, group=group)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        fields.pop("name")
        services.update_group(
            group, actor=request.user, request=request, sectors=form.cleaned_data["sectors"], **fields
        )
        return done(request, _("The group was saved."), group.get_absolute_url())
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
            "page": page_of(request, members, MEMBERS_PER_PAGE),
            "query": query_without_page(request),
            "show": show,
            "is_coordinator": is_coordinator,
        },
    )


@login_required
def member_add(request, code):
    group = get_group(request.user, code, COORDINATE)
    form = MemberForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.add_member(actor=request.user, group=group, request=request, **form.service_fields())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return done(
                request,
                _("%(name)s was added to the group.") % {"name": member.display_name},
                url("engagement:member_list", group.code),
            )
    return render(request, "engagement/member_form.html", {"form": form, "group": group})


@login_required
def member_edit(request, code):
    member = GroupMember.objects.select_related("group", "user", "organization").filter(code=code).first()
    if member is None:
        raise Http404
    group = get_group(request.user, member.group.code, COORDINATE)
    form = MemberForm(request.POST if request.method == "POST" else None, instance=member)
    if request.method == "POST":
        # A ModelForm writes into its instance while validating: edit a fresh copy through the service.
        if form.is_valid():
            fresh = GroupMember.objects.get(pk=member.pk)
            try:
                services.update_member(fresh, actor=request.user, request=request, **form.service_fields())
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return done(request, _("The member was saved."), url("engagement:member_list", group.code))
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


# --- Panel on aimag, district and soum pages ----------------------------------------------------


def admin_unit_panel(request, unit):
    """Section of an area's page: the public groups that work in it."""
    groups = list(
        Group.objects.public()
        .filter(admin_unit__in=unit.descendant_ids())
        .select_related("admin_unit")
        .defer("admin_unit__boundary")
        .order_by("admin_unit__code", "name")[:10]
    )
    if not groups:
        return ""
    return render_to_string("engagement/group_panel_admin_unit.html", {"groups": groups, "unit": unit}, request=request)


# Groups and members here; then meetings, issues and projects (each module keeps its own list).
urlpatterns = [
    path("groups/", group_list, name="group_list"),
    path("groups/mine/", my_groups, name="my_groups"),
    path("groups/new/", group_create, name="group_create"),
    path("groups/<str:code>/", group_detail, name="group_detail"),
    path("groups/<str:code>/edit/", group_edit, name="group_edit"),
    path("groups/<str:code>/members/", member_list, name="member_list"),
    path("groups/<str:code>/members/add/", member_add, name="member_add"),
    path("groups/<str:code>/members.<str:fmt>", member_export, name="member_export"),
    path("members/<str:code>/edit/", member_edit, name="member_edit"),
    *meetings.urlpatterns,
    *issues.urlpatterns,
    *projects.urlpatterns,
]
