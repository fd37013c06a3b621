"""Groups, members, meetings, attendance, local issues, evidence, prioritisation and projects."""

from django.db import transaction
from django.utils.translation import gettext as _

from iltod.accounts.services import log_event

from ..models import Group, GroupMember, Meeting, StakeholderType

__all__ = ["create_group", "create_meeting", "ensure_facility_group"]


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
    log_event(actor, "engagement.group_created", group, request=request, name=name)
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


@transaction.atomic
def create_meeting(
    *, actor, group, title, held_on, kind=Meeting.Kind.REGULAR, venue="", agenda="", request=None, **fields
) -> Meeting:
    meeting = Meeting.objects.create(
        group=group, title=title, held_on=held_on, kind=kind, venue=venue, agenda=agenda, created_by=actor, **fields
    )
    log_event(actor, "engagement.meeting_created", meeting, request=request, group=group.code, held_on=str(held_on))
    return meeting
