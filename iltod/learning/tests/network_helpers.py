"""Fixtures shared by the tests of members, profiles, the framework and assessments.

Personas: ``member`` is an administrator of the CSO (a member of the persona network) and may
edit its profile; ``network_admin`` manages the network; ``outsider`` is an officer of a
department that belongs to no network; ``anonymous`` is not signed in."""

import datetime

import pytest

from iltod.accounts.capabilities import Role
from iltod.accounts.services import grant_membership
from iltod.core import testing
from iltod.learning.services.assessments import create_round
from iltod.learning.services.framework import seed_proposal
from iltod.organizations.models import NetworkMembership, Organization

PERSONAS = ("anonymous", "member", "network_admin", "outsider")
# The fixtures, for ``from .network_helpers import *`` in the test modules.
__all__ = ["assessment_round", "framework", "member", "subnetwork"]


@pytest.fixture
def member(personas):
    user = testing.make_user("cso-admin@example.mn", full_name="Бат Дорж")
    grant_membership(actor=None, user=user, organization=personas.cso, role=Role.ADMIN)
    return user


@pytest.fixture
def subnetwork(personas):
    sub = testing.make_org(
        Organization.Kind.NETWORK, "Залуучуудын дэд сүлжээ", "Youth Subnetwork", parent=personas.network
    )
    NetworkMembership.objects.create(network=sub, member=personas.cso)
    return sub


@pytest.fixture
def framework(personas):
    return seed_proposal(personas.network)


@pytest.fixture
def assessment_round(personas, framework):
    today = datetime.date.today()
    return create_round(
        actor=personas.network_admin,
        network=personas.network,
        framework=framework,
        name="2026 оны суралцахуйн хэрэгцээ",
        opens_on=today - datetime.timedelta(days=1),
        closes_on=today + datetime.timedelta(days=30),
        organizations=[personas.cso],
    )


def user_for(name, personas, member):
    return {
        "anonymous": None,
        "member": member,
        "network_admin": personas.network_admin,
        "outsider": personas.other_officer,
    }[name]


def login(client, name, personas, member):
    user = user_for(name, personas, member)
    if user is not None:
        client.force_login(user)
    return user
