"""The member directory of a network: who belongs (at any depth), filtered as the public asks."""

from django.db.models import F, Prefetch

from iltod.organizations.models import NetworkMembership, Organization

from ..models import OrganizationProfile, ProfileTool
from ..permissions import networks_under


def subnetworks_of(network: Organization):
    """The subnetworks of ``network``, suspended ones included; removed ones left out."""
    removed = NetworkMembership.objects.filter(network=network, left_on__isnull=False).values("member_id")
    return Organization.objects.public().networks().filter(parent=network).exclude(pk__in=removed).order_by("name")


def subnetwork_rows(network: Organization) -> list[tuple[Organization, NetworkMembership | None]]:
    """Each subnetwork with the row that keeps its standing and history (None until first changed)."""
    subnetworks = list(subnetworks_of(network))
    rows = {
        m.member_id: m
        for m in NetworkMembership.objects.filter(network=network, member__in=subnetworks).prefetch_related("changes")
    }
    return [(s, rows.get(s.pk)) for s in subnetworks]


def directory(network: Organization, *, aimag=None, sector=None, kind="", tool="", subnetwork=None):
    """Public organisations that are active members of ``network``, of its subnetworks or of its
    member networks; suspended and departed members are left out."""
    scope = networks_under([network.pk if subnetwork is None else subnetwork.pk], active_only=True)
    members = NetworkMembership.objects.active().filter(network_id__in=scope).values("member_id")
    # a subnetwork whose standing was changed has a membership row: it is a part, not a member
    qs = Organization.objects.public().filter(pk__in=members).exclude(pk=network.pk)
    qs = qs.exclude(kind=Organization.Kind.NETWORK, parent_id__in=scope)
    if aimag is not None:
        qs = qs.filter(home_unit_id__in=aimag.descendant_ids())
    if sector is not None:
        qs = qs.filter(sectors=sector)
    if kind:
        qs = qs.filter(kind=kind)
    if tool:
        qs = qs.filter(
            pk__in=ProfileTool.objects.filter(profile__is_current=True, tool=tool).values("profile__organization_id")
        )
    current_profiles = OrganizationProfile.objects.filter(is_current=True).prefetch_related(
        Prefetch("tools", queryset=ProfileTool.objects.order_by("tool"))
    )
    return (
        qs.select_related("home_unit")
        .prefetch_related(
            "sectors", Prefetch("learning_profiles", queryset=current_profiles, to_attr="current_profiles")
        )
        .order_by("name", "pk")
    )


def management_rows(network: Organization):
    """The network's own memberships (current, suspended and past), for its administrator."""
    return (
        network.network_memberships.exclude(  # current subnetworks are listed with the subnetworks
            member__parent=network, member__kind=Organization.Kind.NETWORK, left_on__isnull=True
        )
        .select_related("member", "member__home_unit")
        .prefetch_related("changes")
        .order_by(F("left_on").desc(nulls_first=True), "member__name", "pk")
    )
