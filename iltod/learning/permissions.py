"""Who may do what in learning: one guard per rule, used by the pages, the API and the back office.

A network administrator (Capability.MANAGE_NETWORK in a network) manages that network, its
subnetworks and its member networks; a member organisation's people with
Capability.EDIT_PROFILE fill in its profile."""

from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from iltod.accounts.capabilities import Capability
from iltod.accounts.models import Membership
from iltod.accounts.permissions import has_capability, memberships_with, organization_ids_with
from iltod.feedback.permissions import OrganizationActor
from iltod.organizations.models import NetworkMembership, Organization

# --- Networks and their members (section 1) ---------------------------------------------------


def networks_under(network_ids, *, active_only: bool = False) -> set[int]:
    """The networks given, their subnetworks and their member networks, at any depth.
    ``active_only`` leaves out suspended member networks, and so the members below them (the
    public directory)."""
    memberships = NetworkMembership.objects.active() if active_only else NetworkMembership.objects.current()
    seen: set[int] = set()
    frontier = set(network_ids)
    while frontier:
        seen |= frontier
        # a removed subnetwork (or, for the public, a suspended one) is no longer below its parent
        condition = Q(left_on__isnull=False)
        if active_only:
            condition |= Q(suspended_on__isnull=False)
        set_apart = NetworkMembership.objects.filter(condition)
        children = set(
            Organization.objects.filter(parent_id__in=frontier, kind=Organization.Kind.NETWORK)
            .exclude(Exists(set_apart.filter(network_id=OuterRef("parent_id"), member_id=OuterRef("pk"))))
            .values_list("pk", flat=True)
        )
        member_networks = set(
            memberships.filter(network_id__in=frontier, member__kind=Organization.Kind.NETWORK).values_list(
                "member_id", flat=True
            )
        )
        frontier = (children | member_networks) - seen
    return seen


def _directly_managed(user) -> set[int]:
    """The networks where ``user`` holds MANAGE_NETWORK themselves (one query)."""
    memberships = memberships_with(user, Capability.MANAGE_NETWORK)
    networks = Organization.objects.networks().filter(pk__in=memberships.values("organization_id"))
    return set(networks.values_list("pk", flat=True))


def managed_network_ids(user) -> set[int]:
    """Every network ``user`` manages: those where they hold MANAGE_NETWORK, and all below them."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    if user.is_superuser:
        return set(Organization.objects.networks().values_list("pk", flat=True))
    return networks_under(_directly_managed(user))


def can_manage_network(user, network: Organization) -> bool:
    if not network.is_network or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    direct = _directly_managed(user)
    # the usual case, the network's own administrator, in one query; else the networks below theirs
    return network.pk in direct or (bool(direct) and network.pk in networks_under(direct))


def get_network_to_manage(user, code: str) -> Organization:
    network = Organization.objects.filter(code=code, is_active=True, kind=Organization.Kind.NETWORK).first()
    if network is None or not can_manage_network(user, network):
        raise Http404
    return network


# --- Organisation profiles (section 1) --------------------------------------------------------


def can_edit_profile(user, organization: Organization) -> bool:
    """The member itself fills in its profile: EDIT_PROFILE in the organisation."""
    return has_capability(user, Capability.EDIT_PROFILE, organization)


def can_validate_profile(user, profile) -> bool:
    """The checker: an administrator of a network the organisation belongs to, who did not submit
    this version themselves."""
    if profile.submitted_by_id is not None and profile.submitted_by_id == getattr(user, "pk", None):
        return False
    managed = managed_network_ids(user)
    if not managed:
        return False
    return NetworkMembership.objects.current().filter(network_id__in=managed, member=profile.organization_id).exists()


def member_ids_of(network_ids) -> set[int]:
    return set(
        NetworkMembership.objects.current().filter(network_id__in=network_ids).values_list("member_id", flat=True)
    )


# --- Competency framework and assessments (section 2) ----------------------------------------


def can_edit_framework(user, framework) -> bool:
    """The network's administrator, while no round has used this version."""
    return not framework.is_frozen and can_manage_network(user, framework.network)


def can_manage_round(user, round_) -> bool:
    return can_manage_network(user, round_.network)


def can_answer_round(user, round_, organization: Organization) -> bool:
    """A person acting for an invited organisation answers for themselves."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if not round_.invited_organizations.filter(pk=organization.pk).exists():
        return False
    return Membership.objects.active().filter(user=user, organization=organization).exists()


def answering_organizations(user, round_):
    """The invited organisations ``user`` acts for."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Organization.objects.none()
    org_ids = Membership.objects.active().filter(user=user).values("organization_id")
    return round_.invited_organizations.filter(pk__in=org_ids)


def can_record_capacity(user, round_, organization: Organization) -> bool:
    """The organisational-capacity block: someone who may edit the organisation's profile."""
    return round_.invited_organizations.filter(pk=organization.pk).exists() and can_edit_profile(user, organization)


def can_view_round_results(user, round_) -> bool:
    """The heat map names organisations' weaknesses: the network's administrators only."""
    return can_manage_round(user, round_)


def _key_manages(actor: OrganizationActor, network_id: int) -> bool:
    """An API key of a network acts for the networks it manages: itself and those below it."""
    if actor.organization_id == network_id:
        return True
    if not Organization.objects.networks().filter(pk=actor.organization_id).exists():
        return False
    return network_id in networks_under([actor.organization_id])


def can_read_round_results(actor, round_) -> bool:
    """The round's results through the API: its network's administrators (a person) or the key of
    the network or of a network above it (an organisation's system, ``OrganizationActor``)."""
    if isinstance(actor, OrganizationActor):
        return _key_manages(actor, round_.network_id)
    return can_view_round_results(actor, round_)


def can_enter_assessment(actor, round_, organization: Organization, *, write: bool = True) -> bool:
    """Entering a person's answers for ``organization`` (a paper or KoBo form, through the API):
    the organisation's own key for its people, the network's key or a network administrator for
    any invited organisation. ``write=False`` asks only whether the caller may see the round (a
    read-only key of the same organisation is then refused as read-only, not as unknown)."""
    if isinstance(actor, OrganizationActor):
        allowed = actor.organization_id == organization.pk or _key_manages(actor, round_.network_id)
        return allowed and (actor.can_write or not write)
    return can_manage_round(actor, round_)


# --- Trainings, strategic plan, library, resources (sections 3 to 6) -------------------------


def can_take_attendance(actor, training, *, write: bool = True) -> bool:
    """A training's attendance: the people who manage trainings, or the organiser's own system
    (its API key, read and write; ``write=False`` asks only whether the key is the organiser's)."""
    if isinstance(actor, OrganizationActor):
        return actor.organization_id == training.organiser_id and (actor.can_write or not write)
    return can_manage_trainings(actor)


def can_manage_trainings(user) -> bool:
    """Trainings, their people, scores, certificates and follow-ups: a network's administrator
    (MANAGE_NETWORK in a network; the people's details are personal data: nobody else sees them)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    network_ids = organization_ids_with(user, Capability.MANAGE_NETWORK)
    return Organization.objects.networks().filter(pk__in=network_ids).exists()


def is_network_member(user) -> bool:
    """Someone acting for a network, or for a current member organisation of a network."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    org_ids = Membership.objects.active().filter(user=user).values("organization_id")
    return (
        Organization.objects.networks().filter(pk__in=org_ids).exists()
        or NetworkMembership.objects.current().filter(member_id__in=org_ids).exists()
    )


def get_training(user, code: str, *, manage: bool = False):
    """The training to show (public ones to everyone) or to change (administrators only); else 404."""
    from .models import Training

    training = Training.objects.select_related("organiser", "aimag").filter(code=code).first()
    if training is None:
        raise Http404
    if can_manage_trainings(user):
        return training
    if manage or not training.is_public:
        raise Http404
    return training


def get_person(user, code: str):
    from .models import Person

    if not can_manage_trainings(user):
        raise Http404
    person = Person.objects.select_related("organization", "aimag", "merged_into").filter(code=code).first()
    if person is None:
        raise Http404
    return person


def can_manage_plan(user, plan) -> bool:
    """The network's strategic plan: its administrators (MANAGE_NETWORK in the network)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or plan.network_id in organization_ids_with(user, Capability.MANAGE_NETWORK)


def can_view_plan(user, plan) -> bool:
    """Public plans to everyone; members-only plans to the people of the network's members."""
    return plan.is_public or is_network_member(user) or can_manage_plan(user, plan)


def can_report_on(user, action) -> bool:
    """Progress on an action point: someone acting for its lead or a partner organisation, or the
    plan's administrators. Their updates wait for an administrator's approval (engagement's
    maker-checker)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser or action.plan.group.convening_organization_id in organization_ids_with(
        user, Capability.MANAGE_NETWORK
    ):
        return True
    orgs = set(Membership.objects.active().filter(user=user).values_list("organization_id", flat=True))
    partners = set(action.co_responsible.values_list("pk", flat=True))
    return bool(orgs & ({action.lead_organization_id} | partners))


def get_strategic_plan(user, code: str, *, manage: bool = False):
    from .models import StrategicPlan

    plan = StrategicPlan.objects.select_related("network", "group").filter(code=code).first()
    if plan is None:
        raise Http404
    if manage and not can_manage_plan(user, plan):
        raise Http404
    if not can_view_plan(user, plan):
        raise Http404
    return plan


def can_write_library(user) -> bool:
    """Members of the network write library drafts."""
    return is_network_member(user)


def can_review_library(user) -> bool:
    """The network's administrators review drafts and publish them."""
    return can_manage_trainings(user)


def can_edit_item(user, item) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return can_review_library(user) or (item.author_id == user.pk and can_write_library(user))


def get_library_item(user, code: str, *, edit: bool = False):
    from .models import LibraryItem

    item = LibraryItem.objects.select_related("published", "aimag", "training", "meeting").filter(code=code).first()
    if item is None:
        raise Http404
    if can_edit_item(user, item) or (not edit and item.is_public):
        return item
    raise Http404


def library_file_is_public(item) -> bool:
    """The item is published and no revision waits: the file is not versioned, so while a revision
    is written or reviewed the stored file may be the draft's, and stays with the editors."""
    return item.is_public and item.status == item.Status.PUBLISHED


def can_read_library_file(user, item) -> bool:
    """A library item's document: public while the item is published with no revision waiting;
    otherwise only for those who may edit the item (its author, the network's administrators)."""
    return library_file_is_public(item) or can_edit_item(user, item)
