"""The demo organisations and network memberships, planned from the tables of ``data.py`` before
anything is written: ministries and agencies, local government, hospitals, CSOs and networks."""

import random
from dataclasses import dataclass, field
from datetime import date

from iltod.organizations.models import Organization
from iltod.places.models import AdminUnit, ServiceUnit

from .data import (
    AIMAG_BODIES,
    BOTH,
    CAPITAL_CODE,
    CSO_THEMES,
    CURATED_CSOS,
    DISTRICT_BODIES,
    HOSPITALS,
    NATION,
    NATIONAL_BODIES,
    NATIONAL_NETWORK,
    PERSONA_MONITORED,
    PERSONA_SCHOOL,
    PERSONA_SCHOOL_KEY,
    REGIONAL_NETWORK,
    REGIONS,
    SUBNETWORKS,
    THEMATIC_NETWORKS,
    THEME_MISSIONS,
    K,
    S,
    demo_email,
)
from .facilities import FacilitySpec, Geography, _landline, persona_school, rng_for


@dataclass
class OrgSpec:
    """One demo organisation, before it is written. ``key`` gives its e-mail, its stable key."""

    key: str
    kind: str
    name_mn: str
    name_en: str
    short_mn: str = ""
    short_en: str = ""
    parent_key: str = ""
    home_code: str = ""
    covers: tuple[str, ...] = ()
    covered_facilities: tuple[str, ...] = ()  # registry codes
    sectors: tuple[str, ...] = ()
    mission_mn: str = ""
    mission_en: str = ""
    year_founded: int | None = None
    size: str = ""
    address_mn: str = ""
    address_en: str = ""
    phone: str = ""
    registration_number: str = ""
    tag: str = ""  # theme of a CSO, used to choose networks

    @property
    def email(self) -> str:
        return demo_email(self.key)


@dataclass
class NetworkLink:
    network_key: str
    member_key: str
    joined_on: date
    is_focal_point: bool = False


@dataclass
class OrgPlan:
    organizations: list[OrgSpec] = field(default_factory=list)
    links: list[NetworkLink] = field(default_factory=list)

    def add(self, spec: OrgSpec) -> OrgSpec:
        rng = rng_for("org", spec.key)
        if not spec.phone:
            spec.phone = _landline(rng, "70")
        if spec.kind in {
            Organization.Kind.CSO,
            Organization.Kind.NETWORK,
            Organization.Kind.MEDIA,
            Organization.Kind.DONOR,
        }:
            spec.registration_number = spec.registration_number or str(rng.randint(1000000, 9999999))
        self.organizations.append(spec)
        return spec

    def link(self, network_key: str, member_key: str, focal: bool = False) -> None:
        rng = rng_for("joined", network_key, member_key)
        joined = date(rng.randint(2016, 2024), rng.randint(1, 12), rng.randint(1, 28))
        self.links.append(NetworkLink(network_key, member_key, joined, focal))


def _address(units: dict[str, AdminUnit], code: str, rng: random.Random) -> tuple[str, str]:
    unit = units[code]
    if unit.level == AdminUnit.Level.AIMAG:
        centre = units.get(f"{code}01")
        bag = rng.randint(1, 6)
        return (
            f"{unit.name_mn} аймаг, {centre.name_mn} сум, {bag}-р баг",
            f"Bag {bag}, {centre.name_en} soum, {unit.name_en} aimag",
        )
    if unit.level == AdminUnit.Level.DISTRICT:
        khoroo = rng.randint(1, 30)
        return (
            f"Улаанбаатар, {unit.name_mn} дүүрэг, {khoroo}-р хороо",
            f"Khoroo {khoroo}, {unit.name_en} district, Ulaanbaatar",
        )
    if unit.level == AdminUnit.Level.SOUM:
        aimag = units[unit.parent.code] if unit.parent_id else unit
        bag = rng.randint(1, 6)
        return (
            f"{aimag.name_mn} аймаг, {unit.name_mn} сум, {bag}-р баг",
            f"Bag {bag}, {unit.name_en} soum, {aimag.name_en} aimag",
        )
    return "Улаанбаатар хот", "Ulaanbaatar"


def plan_organizations(geo: Geography, facilities: list[FacilitySpec], scale: int = 1) -> OrgPlan:
    """Every demo organisation and network membership, parents before children, from the tables
    of ``data.py``."""
    units = geo.by_code()
    plan = OrgPlan()

    def with_address(spec: OrgSpec) -> OrgSpec:
        if spec.home_code and not spec.address_mn:
            spec.address_mn, spec.address_en = _address(units, spec.home_code, rng_for("address", spec.key))
        return plan.add(spec)

    def year(founded, rng):
        return rng.randint(*founded) if isinstance(founded, tuple) else founded

    # National bodies: ministries, agencies, academia, donors, media, associations.
    for row in NATIONAL_BODIES:
        key, kind, mn, en, short_mn, short_en, parent, home, national, sectors, *mission, founded, size = row
        mission_mn, mission_en = mission
        with_address(
            OrgSpec(key, kind, mn, en, short_mn, short_en, parent_key=parent, home_code=home,
                    covers=NATION if national else (), sectors=sectors, mission_mn=mission_mn,
                    mission_en=mission_en, year_founded=year(founded, rng_for("year", key)), size=size)
        )  # fmt: skip

    # Local government of each aimag and district.
    for areas, bodies in ((geo.aimags, AIMAG_BODIES), (geo.districts, DISTRICT_BODIES)):
        for area in areas:
            names = {"mn": area.name_mn, "en": area.name_en}
            rng = rng_for("year", "dept", area.code)
            for prefix, kind, mn, en, parent, sectors, mission_mn, mission_en, founded, size in bodies:
                with_address(
                    OrgSpec(f"{prefix}-{area.code}", kind, mn.format(**names), en.format(**names),
                            parent_key=parent, home_code=area.code, covers=(area.code,), sectors=sectors,
                            mission_mn=mission_mn.format(**names), mission_en=mission_en.format(**names),
                            year_founded=year(founded, rng), size=size)
                )  # fmt: skip

    # Service providers: the main hospitals, and the persona's school.
    by_slot = {(s.unit_code, s.slot): s for s in facilities}
    hospitals = [(a, geo.centre_soum(a).code, ServiceUnit.Kind.AIMAG_HOSPITAL, "aimag") for a in geo.aimags]
    hospitals += [(d, d.code, ServiceUnit.Kind.DISTRICT_HOSPITAL, "district") for d in geo.districts]
    for area, home, kind, level in hospitals:
        hospital = by_slot[(home, f"{kind}-1")]
        mission_mn, mission_en, founded = HOSPITALS[level]
        plan.add(
            OrgSpec(f"hospital-{area.code}", K.SERVICE_PROVIDER, hospital.name_mn, hospital.name_en,
                    parent_key=f"health-dept-{area.code}", home_code=home, sectors=("health",),
                    covered_facilities=(hospital.registry_code,),
                    mission_mn=mission_mn.format(mn=area.name_mn), mission_en=mission_en.format(en=area.name_en),
                    year_founded=year(founded, rng_for("year", hospital.registry_code)), size=S.LARGE,
                    address_mn=hospital.address_mn, address_en=hospital.address_en)
        )  # fmt: skip
    school = persona_school(facilities)
    plan.add(
        OrgSpec(PERSONA_SCHOOL_KEY, K.SERVICE_PROVIDER, school.name_mn, school.name_en, home_code=school.unit_code,
                sectors=("education",), covered_facilities=(school.registry_code,), address_mn=school.address_mn,
                address_en=school.address_en, **PERSONA_SCHOOL)
    )  # fmt: skip

    # CSOs: the named ones, then 2 × scale local ones per area, by theme.
    monitored = tuple(by_slot[slot].registry_code for slot in PERSONA_MONITORED)
    theme_sectors = {tag: sectors for _mn, _en, tag, sectors, _rural in CSO_THEMES}
    csos: list[OrgSpec] = []
    for key, mn, en, home, covers, tag, monitors in CURATED_CSOS:
        rng = rng_for("cso", key)
        mission_mn, mission_en = THEME_MISSIONS[tag]
        csos.append(
            with_address(
                OrgSpec(key, K.CSO, f"{mn} ТББ", f"{en} NGO", home_code=home, covers=covers,
                        covered_facilities=monitored if monitors else (), sectors=theme_sectors.get(tag, BOTH),
                        mission_mn=mission_mn, mission_en=mission_en, year_founded=rng.randint(1996, 2019),
                        size=rng.choice([S.MICRO, S.SMALL]), tag=tag)
            )
        )  # fmt: skip
    for index, area in enumerate([*geo.aimags, *geo.districts]):
        is_district = area.level == AdminUnit.Level.DISTRICT
        themes = [t for t in CSO_THEMES if not (is_district and t[4])]
        genitive = "дүүргийн" if is_district else "аймгийн"
        for j in range(2 * scale):
            theme_mn, theme_en, tag, sectors, _rural = themes[(2 * index + j) % len(themes)]
            number = f" ({j // len(themes) + 1})" if j >= len(themes) else ""
            rng = rng_for("cso", area.code, j)
            mission_mn, mission_en = THEME_MISSIONS[tag]
            csos.append(
                with_address(
                    OrgSpec(f"cso-{area.code}-{j + 1}", K.CSO, f"{area.name_mn} {genitive} {theme_mn}{number}",
                            f"{area.name_en} {theme_en}{number}", home_code=area.code, covers=(area.code,),
                            sectors=sectors, mission_mn=mission_mn, mission_en=mission_en,
                            year_founded=rng.randint(1998, 2022), size=rng.choice([S.MICRO, S.MICRO, S.SMALL]),
                            tag=tag)
                )
            )  # fmt: skip

    # Networks: the national one, its member networks (regional and thematic), its subnetworks.
    national = with_address(
        OrgSpec(kind=K.NETWORK, home_code=CAPITAL_CODE, covers=NATION, sectors=BOTH, size=S.SMALL, **NATIONAL_NETWORK)
    )
    member_networks: list[tuple[OrgSpec, set[str] | None, set[str] | None]] = []
    name_mn, name_en, mission_mn, mission_en = REGIONAL_NETWORK
    for region, (mn, en, codes) in REGIONS.items():
        spec = with_address(
            OrgSpec(f"network-{region}", K.NETWORK, name_mn.format(mn=mn), name_en.format(en=en),
                    home_code=codes[0], covers=codes, sectors=BOTH, mission_mn=mission_mn, mission_en=mission_en,
                    year_founded=rng_for("year", region).randint(2014, 2019), size=S.MICRO)
        )  # fmt: skip
        member_networks.append((spec, set(codes), None))
    for key, mn, en, sectors, theme, tags in THEMATIC_NETWORKS:
        spec = with_address(
            OrgSpec(key, K.NETWORK, mn, en, home_code=CAPITAL_CODE, covers=NATION, sectors=sectors,
                    mission_mn=THEME_MISSIONS[theme][0], mission_en=THEME_MISSIONS[theme][1],
                    year_founded=rng_for("year", key).randint(2010, 2018), size=S.MICRO)
        )  # fmt: skip
        member_networks.append((spec, None, tags))
    for key, mn, en, mission_mn, mission_en, tags in SUBNETWORKS:
        spec = with_address(
            OrgSpec(key, K.NETWORK, mn, en, parent_key=national.key, home_code=CAPITAL_CODE, covers=NATION,
                    sectors=BOTH, mission_mn=mission_mn, mission_en=mission_en,
                    year_founded=rng_for("year", key).randint(2018, 2023), size=S.MICRO)
        )  # fmt: skip
        for position, cso in enumerate(c for c in csos if c.tag in tags):
            plan.link(spec.key, cso.key, focal=position == 0)

    # Memberships: member networks of the national network, CSOs of the member networks.
    for position, (spec, codes, tags) in enumerate(member_networks):
        plan.link(national.key, spec.key, focal=position == 0)
        if codes is not None:
            members = [c for c in csos if c.home_code in codes]
        else:
            members = [c for c in csos if c.tag in tags]
        for position_in, cso in enumerate(members):
            plan.link(spec.key, cso.key, focal=position_in == 0)
    return plan
