"""Demo rows for members, profiles, the competency framework and assessments (sections 1 and 2):
a profile for each member of the national network in every state, the proposed framework, and a
baseline and a re-assessment round of about 200 people each. Deterministic and idempotent."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from iltod.accounts.capabilities import Capability
from iltod.accounts.models import Membership
from iltod.organizations.models import NetworkMembership, Organization

from .models import (
    Assessment,
    AssessmentRound,
    Framework,
    LearnerRole,
    OrganizationProfile,
    ProfileTool,
    Rating,
    RequiredLevel,
    SATool,
)
from .models.profiles import BudgetRange, FundingSource
from .permissions import networks_under
from .services.assessments import aimag_of, competencies_of, rebuild_summaries
from .services.framework import seed_proposal

NATIONAL_NETWORK_EN = "Partnership for Social Accountability"
SEED = "iltod-learning-network"
STATES = (  # share of members per profile state, in order
    (OrganizationProfile.Status.VALIDATED, 0.55),
    (OrganizationProfile.Status.SUBMITTED, 0.15),
    (OrganizationProfile.Status.RETURNED, 0.1),
    (OrganizationProfile.Status.DRAFT, 0.1),
    (None, 0.1),
)
FIRST_NAMES = "Батбаяр Оюунчимэг Энхтуяа Ганбаатар Сарантуяа Төмөрбаатар Нарантуяа Мөнхзул Болормаа Эрдэнэбат".split()
LAST_LETTERS = "БГДЛМНОСТЦ"
PEOPLE_PER_ROUND = 200


def national_network() -> Organization | None:
    return Organization.objects.networks().filter(name_en=NATIONAL_NETWORK_EN, parent__isnull=True).first()


def network_members(network) -> list[Organization]:
    ids = NetworkMembership.objects.active().filter(network_id__in=networks_under([network.pk])).values("member_id")
    return list(
        Organization.objects.filter(pk__in=ids).exclude(pk=network.pk).select_related("home_unit").order_by("pk")
    )


def network_admin(network):
    membership = (
        Membership.objects.with_capability(Capability.MANAGE_NETWORK)
        .filter(organization=network)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


@transaction.atomic
def seed_members() -> int:
    """A profile for each member: validated (some with an earlier version), waiting, returned,
    draft, or none yet."""
    network = national_network()
    if network is None or OrganizationProfile.objects.filter(organization__in=network_members(network)).exists():
        return 0
    reviewer = network_admin(network)
    members = network_members(network)
    rng = random.Random(SEED)
    now = timezone.now()
    created = 0
    tools = []
    for position, org in enumerate(members):
        share, state = position / max(len(members), 1), None
        cumulative = 0.0
        for candidate, part in STATES:
            cumulative += part
            if share < cumulative:
                state = candidate
                break
        if state is None:
            continue
        versions = [state] if state != OrganizationProfile.Status.VALIDATED or rng.random() < 0.7 else ["old", state]
        for version in versions:
            validated = version in {"old", OrganizationProfile.Status.VALIDATED}
            submitted_at = now - datetime.timedelta(days=rng.randint(5, 400) + (200 if version == "old" else 0))
            profile = OrganizationProfile.objects.create(
                organization=org,
                status=OrganizationProfile.Status.VALIDATED if validated else version,
                is_current=version == OrganizationProfile.Status.VALIDATED,
                mission=org.mission or f"{org.name}: иргэдийн оролцоог дэмжих",
                staff=rng.randint(0, 25),
                volunteers=rng.randint(0, 120),
                budget_range=rng.choice(BudgetRange.values),
                funding_sources=sorted(rng.sample(FundingSource.values, rng.randint(1, 3))),
                government_partnerships="Аймгийн Засаг даргын Тамгын газартай хамтын ажиллагааны санамж бичигтэй."
                if rng.random() < 0.5
                else "",
                governance="Удирдах зөвлөл жилд хоёр удаа хуралдаж, гишүүдэд тайлагнадаг.",
                submitted_at=None if version == OrganizationProfile.Status.DRAFT else submitted_at,
                reviewed_by=reviewer if validated or version == OrganizationProfile.Status.RETURNED else None,
                reviewed_at=submitted_at + datetime.timedelta(days=3)
                if validated or version == OrganizationProfile.Status.RETURNED
                else None,
                return_reason="Санхүүжилтийн эх үүсвэрээ тодорхой бичнэ үү."
                if version == OrganizationProfile.Status.RETURNED
                else "",
            )
            profile.sectors.set(org.sectors.all())
            if org.home_unit_id:
                profile.areas.set([aimag_of(org)])
            for tool in rng.sample(SATool.values[:-1], rng.randint(1, 3)):
                tools.append(ProfileTool(profile=profile, tool=tool, example="2025 онд хэрэгжүүлсэн."))
            created += 1
    ProfileTool.objects.bulk_create(tools)
    return created + len(tools)


@transaction.atomic
def seed_competencies() -> int:
    """The proposed framework and two rounds (a baseline and a re-assessment a year later)."""
    network = national_network()
    if network is None or Framework.objects.filter(network=network).exists():
        return 0
    framework = seed_proposal(network)
    members = [m for m in network_members(network) if m.kind == Organization.Kind.CSO] or network_members(network)
    today = timezone.localdate()
    created = 1
    previous = None
    for year, name, start in (
        (today.year - 1, "Суралцахуйн хэрэгцээний суурь үнэлгээ", today - datetime.timedelta(days=400)),
        (today.year, "Суралцахуйн хэрэгцээний давтан үнэлгээ", today - datetime.timedelta(days=30)),
    ):
        round_ = AssessmentRound.objects.create(
            network=network,
            framework=framework,
            name=f"{name} {year}",
            opens_on=start,
            closes_on=start + datetime.timedelta(days=45),
            previous=previous,
        )
        round_.invited_organizations.set(members)
        created += bulk_assessments(
            round_, members, PEOPLE_PER_ROUND, seed=f"{SEED}:{year}", progress=previous is not None
        )
        rebuild_summaries(round_)
        previous = round_
    Framework.objects.filter(pk=framework.pk).update(frozen_at=timezone.now())
    return created


def bulk_assessments(round_, organizations, people: int, *, seed: str, progress=False, batch=2000) -> int:
    """``people`` assessments with their ratings, written in bulk (the demo and the benchmark)."""
    rng = random.Random(seed)
    competencies = competencies_of(round_)
    required = {(r.competency_id, r.role): r.level for r in RequiredLevel.objects.filter(competency__in=competencies)}
    roles = LearnerRole.values
    aimags = {o.pk: aimag_of(o) for o in organizations}
    created = 0
    for start in range(0, people, batch):
        assessments = []
        for i in range(start, min(start + batch, people)):
            org = organizations[i % len(organizations)]
            name = f"{rng.choice(LAST_LETTERS)}. {rng.choice(FIRST_NAMES)}"
            assessments.append(
                Assessment(
                    round=round_,
                    organization=org,
                    aimag=aimags[org.pk],
                    full_name=name,
                    role=roles[i % len(roles)],
                    source=rng.choice(Assessment.Source.values),
                    external_id=f"demo-{round_.code}-{i}",
                )
            )
        Assessment.objects.bulk_create(assessments)
        ratings = []
        for assessment in assessments:
            for c in competencies:
                need = required.get((c.pk, assessment.role), 2)
                base = 1 + (c.area.position % 3 == 0) + (rng.random() < 0.4)
                current = max(1, min(4, base + (1 if progress and rng.random() < 0.5 else 0)))
                importance = rng.randint(2, 4)
                gap = need - current
                ratings.append(
                    Rating(
                        assessment=assessment,
                        competency=c,
                        current=current,
                        importance=importance,
                        required=need,
                        gap=gap,
                        priority=max(gap, 0) * importance,
                    )
                )
        Rating.objects.bulk_create(ratings, batch_size=5000)
        created += len(assessments) + len(ratings)
    return created
