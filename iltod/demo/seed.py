"""``seed_demo``: writes the planned facilities, organisations and persona logins, then the demo
feedback, groups, plans and score cards.

Running it again creates only what is missing and changes nothing that exists: facilities are
keyed by their registry code (``DEMO-6504-0001``), organisations by their demo e-mail address
(``health-dept-65@demo.iltod.mn``), users by e-mail. Passwords of existing users are only reset
when asked to.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from iltod.accounts.models import Membership
from iltod.accounts.services import grant_membership
from iltod.organizations.models import NetworkMembership, Organization
from iltod.places.models import AdminUnit, Sector, ServiceUnit
from iltod.places.search import fill_search_fields, remember_words
from iltod.places.services import load_reference_data

from .data import (
    AIMAG_CODES,
    CAPITAL_CODE,
    COUNTRY_CODE,
    DEMO_PASSWORD,
    DISTRICT_CODES,
    PERSONAS,
    REGISTRY_PREFIX,
    demo_email,
)
from .facilities import FacilitySpec, Geography, plan_facilities, public_code
from .organizations import OrgPlan, plan_organizations


@dataclass
class SeedResult:
    """What a seed run found and created."""

    scale: int = 1
    aimags: int = 0
    districts: int = 0
    facilities: int = 0
    facilities_created: int = 0
    organizations: int = 0
    organizations_created: int = 0
    network_memberships: int = 0
    network_memberships_created: int = 0
    users: int = 0
    users_created: int = 0
    memberships_created: int = 0
    passwords_reset: int = 0
    feedback: int = 0
    feedback_created: int = 0
    engagement: str = ""
    scorecards: int = 0
    scorecards_created: int = 0
    disclosure: int = 0
    procurement: int = 0
    learning: int = 0
    results: int = 0

    def summary(self) -> str:
        return (
            f"Demo data (scale {self.scale}): {self.facilities} facilities ({self.facilities_created} new) "
            f"in {self.aimags} aimags and {self.districts} districts, {self.organizations} organisations "
            f"({self.organizations_created} new), {self.network_memberships} network memberships "
            f"({self.network_memberships_created} new), {self.users} persona logins ({self.users_created} new, "
            f"{self.passwords_reset} passwords reset), {self.feedback} feedback items ({self.feedback_created} new), "
            f"{self.scorecards} score card cycles ({self.scorecards_created} new). {self.engagement} "
            f"New rows: disclosure {self.disclosure}, procurement {self.procurement}, learning {self.learning}, "
            f"results {self.results}."
        ).strip()


def load_geography() -> Geography:
    """The demo's reference units, loading data/reference first when they are missing."""
    required = {COUNTRY_CODE, CAPITAL_CODE, *AIMAG_CODES, *DISTRICT_CODES}
    if AdminUnit.objects.filter(code__in=required).count() < len(required):
        load_reference_data()
    units = {u.code: u for u in AdminUnit.objects.filter(code__in=required)}
    missing = required - set(units)
    if missing:
        raise ValueError(f"Reference data lacks the units {', '.join(sorted(missing))}.")
    soums: dict[str, list[AdminUnit]] = {code: [] for code in AIMAG_CODES}
    for soum in (
        AdminUnit.objects.current()
        .filter(level=AdminUnit.Level.SOUM, parent__code__in=AIMAG_CODES)
        .select_related("parent")
        .order_by("code")
    ):
        soums[soum.parent.code].append(soum)
    for code, found in soums.items():
        if not any(s.code == f"{code}01" for s in found):
            raise ValueError(f"Reference data lacks the centre soum {code}01.")
    return Geography(
        country=units[COUNTRY_CODE],
        capital=units[CAPITAL_CODE],
        aimags=[units[c] for c in AIMAG_CODES],
        soums=soums,
        districts=[units[c] for c in DISTRICT_CODES],
    )


def _write_organizations(plan: OrgPlan, geo: Geography, result: SeedResult) -> dict[str, Organization]:
    """Create the organisations that are missing (keyed by e-mail); leave existing ones as they are."""
    units = geo.by_code()
    sectors = {s.code: s for s in Sector.objects.all()}
    by_email = {o.email: o for o in Organization.objects.filter(email__in=[s.email for s in plan.organizations])}
    taken = set(Organization.objects.values_list("code", flat=True))
    orgs: dict[str, Organization] = {}
    for spec in plan.organizations:
        org = by_email.get(spec.email)
        if org is None:
            org = Organization(
                code=public_code(f"org:{spec.key}", taken),
                kind=spec.kind,
                name=spec.name_mn,
                name_mn=spec.name_mn,
                name_en=spec.name_en,
                short_name=spec.short_mn,
                short_name_mn=spec.short_mn,
                short_name_en=spec.short_en,
                parent=orgs.get(spec.parent_key),
                home_unit=units.get(spec.home_code),
                mission=spec.mission_mn,
                mission_mn=spec.mission_mn,
                mission_en=spec.mission_en,
                year_founded=spec.year_founded,
                size=spec.size,
                address=spec.address_mn,
                address_mn=spec.address_mn,
                address_en=spec.address_en,
                email=spec.email,
                phone=spec.phone,
                registration_number=spec.registration_number,
            )
            org.save()
            org.sectors.add(*(sectors[c] for c in spec.sectors))
            org.covered_admin_units.add(*(units[c] for c in spec.covers))
            result.organizations_created += 1
        orgs[spec.key] = org
    result.organizations = len(orgs)
    return orgs


def _write_facilities(
    specs: list[FacilitySpec], geo: Geography, orgs: dict[str, Organization], result: SeedResult
) -> dict[str, int]:
    """Bulk-create the facilities that are missing (keyed by registry code); return registry code → pk."""
    units = geo.by_code()
    sectors = {s.code: s for s in Sector.objects.all()}
    existing = dict(
        ServiceUnit.objects.filter(registry_code__startswith=REGISTRY_PREFIX).values_list("registry_code", "pk")
    )
    taken = set(ServiceUnit.objects.values_list("code", flat=True))
    new, words = [], set()
    for spec in specs:
        if spec.registry_code in existing:
            continue
        operator = orgs.get(spec.operator_key)
        facility = ServiceUnit(
            code=public_code(f"facility:{spec.registry_code}", taken),
            name=spec.name_mn,
            name_mn=spec.name_mn,
            name_en=spec.name_en,
            kind=spec.kind,
            sector=sectors[ServiceUnit.KIND_SECTOR[spec.kind]],
            admin_unit=units[spec.unit_code],
            address=spec.address_mn,
            address_mn=spec.address_mn,
            address_en=spec.address_en,
            latitude=spec.latitude,
            longitude=spec.longitude,
            registry_code=spec.registry_code,
            operator_id=operator.pk if operator else None,
            phone=spec.phone,
            email=spec.email,
        )
        words |= fill_search_fields(facility)  # what save() would set: bulk_create does not call it
        new.append(facility)
    ServiceUnit.objects.bulk_create(new, batch_size=500)
    remember_words(words)
    result.facilities_created = len(new)
    result.facilities = len(specs)
    wanted = [s.registry_code for s in specs if s.registry_code not in existing]
    for start in range(0, len(wanted), 500):
        existing.update(
            ServiceUnit.objects.filter(registry_code__in=wanted[start : start + 500]).values_list("registry_code", "pk")
        )
    return existing


def _write_links(plan: OrgPlan, orgs: dict[str, Organization], facility_ids: dict[str, int], result: SeedResult):
    """Add missing covered facilities and network memberships; never remove any."""
    for spec in plan.organizations:
        if spec.covered_facilities:
            orgs[spec.key].covered_service_units.add(*(facility_ids[r] for r in spec.covered_facilities))
    pairs = {(link.network_key, link.member_key): link for link in plan.links}
    ids = {key: org.pk for key, org in orgs.items()}
    existing = set(
        NetworkMembership.objects.filter(network_id__in={ids[n] for n, _m in pairs}).values_list(
            "network_id", "member_id"
        )
    )
    new = [
        NetworkMembership(
            network_id=ids[link.network_key],
            member_id=ids[link.member_key],
            joined_on=link.joined_on,
            is_focal_point=link.is_focal_point,
        )
        for link in plan.links
        if (ids[link.network_key], ids[link.member_key]) not in existing
    ]
    NetworkMembership.objects.bulk_create(new)
    result.network_memberships = len(pairs)
    result.network_memberships_created = len(new)


def _write_personas(orgs: dict[str, Organization], reset_passwords: bool, result: SeedResult):
    """Create the persona users and memberships that are missing.

    The demo password is hashed once and the hash shared by every persona: hashing is slow on
    purpose, and the password is public anyway.
    """
    User = get_user_model()
    hashed: list[str] = []

    def password_hash() -> str:
        if not hashed:
            hashed.append(make_password(DEMO_PASSWORD))
        return hashed[0]

    for persona in PERSONAS:
        user = User.objects.filter(email=persona.email).first()
        if user is None:
            phone = persona.phone
            if phone and User.objects.filter(phone=phone).exists():
                phone = ""  # someone else already logs in with this number
            user = User(
                email=persona.email,
                password=password_hash(),
                full_name=persona.full_name,
                phone=phone,
                language=persona.language,
                is_staff=persona.is_admin,
                is_superuser=persona.is_admin,
            )
            user.save()
            result.users_created += 1
        elif reset_passwords:
            user.password = password_hash()
            user.save(update_fields=["password"])
            result.passwords_reset += 1
        result.users += 1
        if persona.role:
            org = orgs[persona.org_key]
            if not Membership.objects.filter(user=user, organization=org).exists():
                grant_membership(actor=None, user=user, organization=org, role=persona.role, title=persona.title)
                result.memberships_created += 1


def seed_demo(*, scale: int = 1, reset_passwords: bool = False) -> SeedResult:
    """Create the demo data that is missing, for ``scale`` (≥ 1); existing data is left unchanged.

    Loads the reference data first when the demo's units are missing. ``reset_passwords`` sets
    every persona's password back to ``DEMO_PASSWORD``. Places, organisations and people are
    written in one transaction; the feedback is then handled through the services, each change in
    its own (durable) transaction, as staff would.
    """
    if scale < 1:
        raise ValueError("scale must be at least 1")
    with transaction.atomic():
        geo = load_geography()
        result = SeedResult(scale=scale, aimags=len(geo.aimags), districts=len(geo.districts))
        facilities = plan_facilities(geo, scale)
        plan = plan_organizations(geo, facilities, scale)
        orgs = _write_organizations(plan, geo, result)
        facility_ids = _write_facilities(facilities, geo, orgs, result)
        _write_links(plan, orgs, facility_ids, result)
        _write_personas(orgs, reset_passwords, result)
    from iltod.engagement.demo import seed_engagement_demo
    from iltod.engagement.demo_plans import seed_plans_demo
    from iltod.scorecards.demo import seed_scorecards_demo

    from .feedback import seed_feedback

    result.feedback, result.feedback_created = seed_feedback(scale)
    # Groups cite the demo feedback as evidence; plans build on the groups; score cards meet in groups too.
    result.engagement = f"{seed_engagement_demo().summary()} {seed_plans_demo().summary()}"
    users = get_user_model().objects.filter(email__in=[demo_email(k) for k in ("monitor", "coordinator", "director")])
    personas = {u.email: u for u in users}
    result.scorecards, result.scorecards_created = seed_scorecards_demo(
        monitor=personas[demo_email("monitor")],
        coordinator=personas[demo_email("coordinator")],
        provider=personas[demo_email("director")],
    )
    # The modules above score cards, in layer order: each writes its own demo rows.
    from iltod.disclosure.demo import seed_disclosure_demo
    from iltod.learning.demo import seed_learning_demo
    from iltod.procurement.demo import seed_procurement_demo
    from iltod.results.demo import seed_results_demo

    result.disclosure = seed_disclosure_demo()
    result.procurement = seed_procurement_demo()
    result.learning = seed_learning_demo()
    result.results = seed_results_demo()
    return result
