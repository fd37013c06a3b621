"""Who may see and do what in a multi-stakeholder group.

Three levels, by membership:
- **coordinator**: a current member with the group role "coordinator", or anyone holding the
  "coordinate groups" capability in the group's convening organisation (and platform superusers).
  A network's administrators ("manage the network") coordinate the groups their network convenes:
  the network's own plans (its strategic plan) are carried out with the same machinery.
  Manages members, meetings, issues and plans; approves members' updates.
- **member**: any current member with a user account. Sees the group's non-public records and
  posts updates on actions (which wait for a coordinator's approval).
- **public**: everyone. Sees public groups, meetings' public summaries, public issues and the
  progress of agreed plans.

Views fetch objects through ``get_*`` helpers that return the object or raise 404: "not found" and
"not allowed" look the same.
"""

from django.db.models import Q
from django.http import Http404

from iltod.accounts.capabilities import Capability
from iltod.accounts.permissions import memberships_with, organization_ids_with
from iltod.organizations.models import Organization

from .models import Action, ActionPlan, ActionUpdate, Document, Group, GroupMember, LocalIssue, Meeting, Project

VIEW = "view"
MEMBER = "member"
COORDINATE = "coordinate"


def _authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def coordinated_groups(user):
    """Groups ``user`` coordinates."""
    if not _authenticated(user):
        return Group.objects.none()
    if user.is_superuser:
        return Group.objects.all()
    convening = organization_ids_with(user, Capability.COORDINATE_GROUPS)
    as_member = GroupMember.objects.current().filter(user=user, role=GroupMember.Role.COORDINATOR)
    # a subquery, not one more query: the networks where the user holds "manage the network"
    network_admin = Q(
        convening_organization__kind=Organization.Kind.NETWORK,
        convening_organization_id__in=memberships_with(user, Capability.MANAGE_NETWORK).values("organization_id"),
    )
    return Group.objects.filter(
        Q(convening_organization_id__in=convening) | Q(pk__in=as_member.values("group_id")) | network_admin
    )


def member_groups(user):
    """Groups ``user`` belongs to (coordinated groups included)."""
    if not _authenticated(user):
        return Group.objects.none()
    if user.is_superuser:
        return Group.objects.all()
    as_member = GroupMember.objects.current().filter(user=user).values("group_id")
    return Group.objects.filter(Q(pk__in=as_member) | Q(pk__in=coordinated_groups(user).values("pk")))


def visible_groups(user):
    return Group.objects.filter(
        Q(pk__in=Group.objects.public().values("pk")) | Q(pk__in=member_groups(user).values("pk"))
    )


def can_coordinate(user, group) -> bool:
    return _authenticated(user) and coordinated_groups(user).filter(pk=group.pk).exists()


def is_member(user, group) -> bool:
    return _authenticated(user) and member_groups(user).filter(pk=group.pk).exists()


def can_review_updates(user) -> bool:
    """Does ``user`` have an approval queue: a group to coordinate (platform superusers always)?"""
    return _authenticated(user) and (user.is_superuser or coordinated_groups(user).exists())


def can_create_groups(user) -> bool:
    """Anyone who may coordinate groups for some organisation may start a new group."""
    return _authenticated(user) and (
        user.is_superuser or bool(organization_ids_with(user, Capability.COORDINATE_GROUPS))
    )


def coordinating_organizations(user, *, keep=None):
    """The active organisations ``user`` may name as a group's convener or a project's owner: those
    where they hold the "coordinate groups" capability (every one for a superuser). ``keep``, the
    id of the organisation a record already names, stays in the list."""
    organizations = Organization.objects.filter(is_active=True).order_by("name")
    if user.is_superuser:
        return organizations
    allowed = set(organization_ids_with(user, Capability.COORDINATE_GROUPS))
    if keep is not None:
        allowed.add(keep)
    return organizations.filter(pk__in=allowed)


def group_role(user, group) -> str | None:
    """The strongest level ``user`` has in ``group``: COORDINATE, MEMBER or None."""
    if can_coordinate(user, group):
        return COORDINATE
    if is_member(user, group):
        return MEMBER
    return None


def _allowed(user, group, level: str, *, public: bool) -> bool:
    if level == VIEW:
        return (public and group.is_public and group.is_active) or is_member(user, group)
    if level == MEMBER:
        return is_member(user, group)
    if level == COORDINATE:
        return can_coordinate(user, group)
    raise ValueError(f"Unknown access level {level!r}")


def get_group(user, code: str, level: str = VIEW) -> Group:
    group = (
        Group.objects.select_related("admin_unit", "service_unit", "convening_organization").filter(code=code).first()
    )
    if group is None or not _allowed(user, group, level, public=True):
        raise Http404
    return group


def get_meeting(user, code: str, level: str = VIEW) -> Meeting:
    meeting = Meeting.objects.select_related("group", "group__admin_unit").filter(code=code).first()
    if meeting is None:
        raise Http404
    public = meeting.is_public and meeting.status != Meeting.Status.CANCELLED
    if not _allowed(user, meeting.group, level, public=public):
        raise Http404
    return meeting


def get_issue(user, code: str, level: str = VIEW) -> LocalIssue:
    issue = LocalIssue.objects.select_related("group", "sector", "service_unit", "admin_unit").filter(code=code).first()
    if issue is None or not _allowed(user, issue.group, level, public=issue.is_public):
        raise Http404
    return issue


def get_plan(user, code: str, level: str = VIEW) -> ActionPlan:
    plan = ActionPlan.objects.select_related("group", "service_unit", "meeting", "issue").filter(code=code).first()
    if plan is None:
        raise Http404
    public = plan.is_public and plan.status != ActionPlan.Status.DRAFT
    if not _allowed(user, plan.group, level, public=public):
        raise Http404
    return plan


def get_action(user, code: str, level: str = VIEW) -> Action:
    action = (
        Action.objects.select_related("plan", "plan__group", "lead_organization", "responsible_user")
        .filter(code=code)
        .first()
    )
    if action is None:
        raise Http404
    plan = action.plan
    public = plan.is_public and plan.status != ActionPlan.Status.DRAFT
    if not _allowed(user, plan.group, level, public=public):
        raise Http404
    return action


def get_update(user, code: str, level: str = COORDINATE) -> ActionUpdate:
    update = (
        ActionUpdate.objects.select_related("action", "action__plan", "action__plan__group").filter(code=code).first()
    )
    if update is None or not _allowed(user, update.action.plan.group, level, public=False):
        raise Http404
    return update


def get_document(user, code: str) -> Document:
    """A file, for download: public files of public records for everyone, the rest for members."""
    document = (
        Document.objects.select_related(
            "meeting__group", "issue__group", "update__action__plan__group", "update__action__plan"
        )
        .filter(code=code)
        .first()
    )
    if document is None:
        raise Http404
    if document.meeting_id:
        group, public = document.meeting.group, document.meeting.is_public
    elif document.issue_id:
        group, public = document.issue.group, document.issue.is_public
    elif document.update_id:
        plan = document.update.action.plan
        group = plan.group
        public = plan.is_public and document.update.review == ActionUpdate.Review.APPROVED
    else:
        raise Http404
    if not _allowed(user, group, VIEW, public=public and document.is_public):
        raise Http404
    return document


def visible_projects(user):
    """Public projects, and every project of an organisation the user coordinates groups for."""
    if _authenticated(user) and user.is_superuser:
        return Project.objects.all()
    own = organization_ids_with(user, Capability.COORDINATE_GROUPS) if _authenticated(user) else []
    return Project.objects.filter(Q(is_public=True) | Q(organization_id__in=own))


def can_manage_project(user, project=None, organization=None) -> bool:
    organization = organization or (project.organization if project else None)
    if not _authenticated(user) or organization is None:
        return False
    return user.is_superuser or organization.pk in organization_ids_with(user, Capability.COORDINATE_GROUPS)


def get_project(user, code: str, *, manage: bool = False) -> Project:
    project = visible_projects(user).select_related("organization").filter(code=code).first()
    if project is None or (manage and not can_manage_project(user, project)):
        raise Http404
    return project
