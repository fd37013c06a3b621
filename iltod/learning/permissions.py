"""Who may do what in learning: one guard per rule, used by the pages, the API and the back office."""

from django.http import Http404

from iltod.accounts.capabilities import Capability
from iltod.accounts.models import Membership
from iltod.accounts.permissions import organization_ids_with
from iltod.organizations.models import NetworkMembership, Organization

# --- Trainings, strategic plan, library, resources (sections 3 to 6) -------------------------


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
