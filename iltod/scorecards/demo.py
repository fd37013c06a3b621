"""Demo score cards: finished cycles a year apart at a handful of facilities (with interface
meetings and action plans), and one open cycle at the director's school to try the grid on.
Deterministic and idempotent: a cycle that exists (same facility, owner and title) is left as is."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from iltod.accounts.capabilities import Capability
from iltod.accounts.models import Membership
from iltod.engagement import services as engagement
from iltod.engagement.models import ActionPlan
from iltod.places.models import ServiceUnit

from . import services
from .library import load_library
from .models import FocusGroup, Project, Scale, ScorecardCycle, Stage

K = FocusGroup.Kind
COMMUNITY_KINDS = [K.WOMEN, K.MEN, K.PARENTS, K.YOUTH, K.ELDERLY, K.PATIENTS, K.PUPILS, K.DISABILITY]
REASONS = {
    1: ["Ихэнх нь муу", "Асуудал их байна"],
    2: ["Хааяа л хангалттай", "Сайжруулах шаардлагатай"],
    3: ["Дунд зэрэг", "Зарим талаар сайн"],
    4: ["Ихэнхдээ сайн", "Сайжирсан"],
    5: ["Маш сайн", "Гомдол байхгүй"],
}
TITLES = {2025: ("Иргэдийн үнэлгээ 2025", 400), 2026: ("Иргэдийн үнэлгээ 2026", 35)}


def _facilities(school: ServiceUnit | None, limit: int) -> list[ServiceUnit]:
    if school is None:
        return []
    aimag = school.admin_unit.top_level_unit
    nearby = (
        ServiceUnit.objects.active()
        .in_area(aimag)
        .exclude(pk=school.pk)
        .exclude(sector__code="other")
        .select_related("sector", "admin_unit", "operator")
        .order_by("sector__code", "code")
    )
    chosen = [school]
    for sector in ("education", "health"):
        chosen += [f for f in nearby if f.sector.code == sector][: limit // 2]
    return chosen


def _score_cycle(cycle, rng, *, monitor, coordinator, provider, lift: int, close: bool) -> None:
    numbers = list(cycle.indicators.values_list("number", flat=True))
    low, high = cycle.bounds
    for kind in rng.sample(COMMUNITY_KINDS[:6], 3):
        group = services.add_group(
            actor=monitor,
            cycle=cycle,
            data={
                "kind": kind,
                "held_on": timezone.localdate(cycle.created_at) + datetime.timedelta(days=14),
                "facilitator_name": str(monitor),
                "participants_female": rng.randint(4, 12) if kind != K.MEN else 0,
                "participants_male": rng.randint(3, 10) if kind not in {K.WOMEN} else 0,
            },
        )
        entries = {}
        for number in numbers:
            value = min(max(rng.randint(1, 4) + lift, low), high)
            entries[number] = services.Entry(value, rng.choice(REASONS[value]))
        services.save_scores(actor=monitor, group=group, entries=entries, submit=True)
        services.approve_sheet(actor=coordinator, group=group)
    staff = services.add_group(
        actor=provider or monitor,
        cycle=cycle,
        data={"kind": K.PROVIDER, "participants_female": 3, "participants_male": 2},
    )
    entries = {n: services.Entry(rng.randint(3, 5), "") for n in numbers}
    services.save_scores(actor=provider or monitor, group=staff, entries=entries, submit=True)
    services.approve_sheet(actor=coordinator, group=staff)
    if close:
        cycle = _advance_to(cycle, Stage.INTERFACE_MEETING, actor=coordinator)
        meeting_day = timezone.localdate(cycle.created_at) + datetime.timedelta(days=40)
        cycle = services.hold_interface_meeting(
            actor=coordinator,
            cycle=cycle,
            held_on=meeting_day,
            venue="Сургуулийн хурлын танхим",
            due_on=meeting_day + datetime.timedelta(days=90),
        )
        engagement.change_plan_status(cycle.action_plan, ActionPlan.Status.AGREED, actor=coordinator)
        _advance_to(cycle, Stage.CLOSED, actor=coordinator)


def _advance_to(cycle, stage, *, actor):
    """Stage by stage, as a facilitator would: stages advance in order."""
    while cycle.stage_index < Stage.index(stage):
        cycle = services.advance_stage(actor=actor, cycle=cycle)
    return cycle


@transaction.atomic
def seed_scorecards_demo(*, monitor, coordinator, provider=None, facilities: int = 4) -> tuple[int, int]:
    """Create the demo score cards that are missing. ``monitor`` and ``coordinator`` must run
    score cards in the same organisation (the owner); ``provider`` is the director whose school
    gets the open cycle. Returns (cycles, created)."""
    load_library()
    membership = (
        Membership.objects.with_capability(Capability.RUN_SCORECARDS)
        .filter(user=monitor)
        .select_related("organization")
        .order_by("pk")
        .first()
    )
    if membership is None:
        return 0, 0
    cso = membership.organization
    school = None
    if provider is not None:
        org_ids = Membership.objects.active().filter(user=provider).values_list("organization_id", flat=True)
        school = ServiceUnit.objects.active().filter(operator_id__in=org_ids).order_by("pk").first()
    if school is None:
        school = ServiceUnit.objects.active().filter(sector__code="education").order_by("pk").first()
    projects = {p.sector_id: p for p in Project.objects.filter(is_active=True).order_by("pk")}
    total = created = 0
    for facility in _facilities(school, facilities):
        for year, (title, days_ago) in TITLES.items():
            open_cycle = year == 2026 and facility == school
            total += 1
            if ScorecardCycle.objects.filter(service_unit=facility, owner_organization=cso, title=title).exists():
                continue
            rng = random.Random(f"scorecards:{facility.code}:{year}")
            cycle = services.create_cycle(
                actor=monitor,
                service_unit=facility,
                owner_organization=cso,
                title=title,
                scale=Scale.FIVE,
                facilitator=monitor,
                project=projects.get(facility.sector_id),
            )
            if not cycle.indicators.exists():
                continue
            created_at = timezone.now() - datetime.timedelta(days=days_ago)
            ScorecardCycle.objects.filter(pk=cycle.pk).update(created_at=created_at)
            cycle.refresh_from_db()
            start = timezone.localdate(created_at)
            services.update_plan(
                actor=monitor,
                cycle=cycle,
                planned_ends={
                    stage: start + datetime.timedelta(days=10 * (i + 1)) for i, stage in enumerate(Stage.values)
                },
            )
            services.record_input(
                actor=monitor,
                cycle=cycle,
                data={
                    "name": "Сурах бичиг" if facility.sector.code == "education" else "Зайлшгүй эм",
                    "unit": "ш",
                    "entitled": 300,
                    "actual": rng.randint(150, 300),
                    "source": "Батлагдсан норм",
                    "checked_by": str(monitor),
                    "checked_on": start + datetime.timedelta(days=7),
                },
            )
            if open_cycle:
                _advance_to(cycle, Stage.COMMUNITY_SCORING, actor=monitor)
            else:
                _score_cycle(
                    cycle,
                    rng,
                    monitor=monitor,
                    coordinator=coordinator,
                    provider=provider if facility == school else None,
                    lift=year - 2025,
                    close=True,
                )
            created += 1
    return total, created
