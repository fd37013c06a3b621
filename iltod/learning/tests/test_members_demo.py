"""The demo's network: profiles in every state, the framework and two rounds; seeding twice adds
nothing."""

import pytest

from iltod.learning import demo_network
from iltod.learning.models import Assessment, AssessmentRound, GapSummary, OrganizationProfile
from iltod.learning.services.assessments import rebuild_summaries
from iltod.organizations.models import NetworkMembership, Organization

pytestmark = pytest.mark.django_db


def test_demo_profiles_and_rounds(personas):
    Organization.objects.filter(pk=personas.network.pk).update(name_en=demo_network.NATIONAL_NETWORK_EN)
    from iltod.core import testing

    for i in range(30):
        org = testing.make_org(Organization.Kind.CSO, f"ТББ {i}", home_unit=personas.geo.aimag)
        NetworkMembership.objects.create(network=personas.network, member=org)
    demo_network.PEOPLE_PER_ROUND = 60
    created = demo_network.seed_members() + demo_network.seed_competencies()
    assert created > 0
    states = set(OrganizationProfile.objects.values_list("status", flat=True))
    assert states == set(OrganizationProfile.Status.values)
    assert OrganizationProfile.objects.filter(is_current=True).count() >= 15
    rounds = list(AssessmentRound.objects.order_by("opens_on"))
    assert len(rounds) == 2 and rounds[1].previous == rounds[0]
    assert Assessment.objects.count() == 120
    before = set(GapSummary.objects.values_list("round_id", "scope", "scope_id", "competency_id", "sum_gap"))
    for r in rounds:
        rebuild_summaries(r)
    assert set(GapSummary.objects.values_list("round_id", "scope", "scope_id", "competency_id", "sum_gap")) == before
    assert demo_network.seed_members() + demo_network.seed_competencies() == 0
