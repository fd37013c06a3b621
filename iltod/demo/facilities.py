"""The demo facilities: every soum, aimag centre and district gets the schools, kindergartens,
health centres and pharmacies a place of its kind has, named as such places are named.

Every random choice comes from a ``random.Random`` seeded with the demo seed and the stable key of
the thing being generated (a unit code, a registry code, an organisation key), so the same
reference data always gives the same names, public codes and coordinates, and a larger ``scale``
only adds to what a smaller one created.
"""

import math
import random
from dataclasses import dataclass

from iltod.lib.translit import to_latin
from iltod.places.models import CODE_ALPHABET, AdminUnit, ServiceUnit

from .data import (
    DISTRICT_CODES,
    FHC_WORDS,
    PERSONA_SCHOOL_KEY,
    PERSONA_SCHOOL_UNIT,
    PHARMACY_WORDS,
    REGIONAL_CENTRES,
    REGIONAL_CENTRES_EN,
    REGISTRY_PREFIX,
    SEED,
    demo_email,
)

# --------------------------------------------------------------------------------------------
# Randomness and codes
# --------------------------------------------------------------------------------------------


def rng_for(*parts) -> random.Random:
    """A generator seeded by the demo seed and ``parts``: the same parts give the same stream."""
    return random.Random(":".join([SEED, *(str(p) for p in parts)]))


def public_code(key: str, taken: set[str], length: int = 8) -> str:
    """A public code drawn from ``CODE_ALPHABET`` by a generator seeded with ``key``.

    Codes already in ``taken`` are skipped (the next draw of the same stream is used), and the
    code returned is added to ``taken``.
    """
    rng = rng_for("code", key)
    while True:
        code = "".join(rng.choice(CODE_ALPHABET) for _ in range(length))
        if code not in taken:
            taken.add(code)
            return code


def _landline(rng: random.Random, area: str) -> str:
    """A landline in the +976 format, e.g. ``+976 7033 2211``."""
    return f"+976 {area}{rng.randint(10, 99)} {rng.randint(1000, 9999)}"


def _jitter(rng: random.Random, lat: float | None, lon: float | None, radius_km: float):
    """A point up to ``radius_km`` from (lat, lon), uniformly over the disc, rounded to ~1 m."""
    if lat is None or lon is None:
        return None, None
    distance = radius_km * math.sqrt(rng.random())
    angle = rng.random() * 2 * math.pi
    dlat = distance * math.cos(angle) / 111.32
    dlon = distance * math.sin(angle) / (111.32 * math.cos(math.radians(lat)))
    return round(lat + dlat, 5), round(lon + dlon, 5)


def _word(words: tuple[str, ...], order: list[int], index: int) -> tuple[str, str]:
    """The ``index``-th name from a shuffled word list, numbered once the list runs out."""
    word = words[order[index % len(words)]]
    round_ = index // len(words)
    suffix = f"-{round_ + 1}" if round_ else ""
    return word + suffix, to_latin(word) + suffix


# --------------------------------------------------------------------------------------------
# Facilities
# --------------------------------------------------------------------------------------------


@dataclass
class FacilitySpec:
    """One demo facility, before it is written."""

    registry_code: str
    unit_code: str
    kind: str
    slot: str  # kind and number within the unit, e.g. "general_school-1"
    name_mn: str
    name_en: str
    operator_key: str = ""
    address_mn: str = ""
    address_en: str = ""
    latitude: float | None = None
    longitude: float | None = None
    phone: str = ""
    email: str = ""


class _UnitPlanner:
    """Collects the facilities of one soum or district, numbering them within the unit."""

    def __init__(self, unit: AdminUnit, aimag: AdminUnit | None, is_district: bool):
        self.unit = unit
        self.aimag = aimag
        self.is_district = is_district
        self.specs: list[FacilitySpec] = []
        self.counters: dict[str, int] = {}
        self.fhc_order = rng_for("fhc-words", unit.code).sample(range(len(FHC_WORDS)), len(FHC_WORDS))
        self.pharmacy_order = rng_for("pharmacy-words", unit.code).sample(
            range(len(PHARMACY_WORDS)), len(PHARMACY_WORDS)
        )
        area = unit.code if is_district else aimag.code
        self.education_operator = f"education-dept-{area}"
        self.health_operator = f"health-dept-{area}"

    @property
    def suffix_mn(self) -> str:
        return "дүүргийн" if self.is_district else "сумын"

    @property
    def suffix_en(self) -> str:
        return "district" if self.is_district else "soum"

    def next_number(self, kind: str) -> int:
        self.counters[kind] = self.counters.get(kind, 0) + 1
        return self.counters[kind]

    def add(
        self,
        kind: str,
        number: int,
        name_mn: str,
        name_en: str,
        *,
        operator_key: str | None = "",
        slot: str = "",
    ) -> FacilitySpec:
        """Add a facility; its place, address and contacts come from its own registry code.

        ``operator_key`` "" means the area's health or education department, ``None`` no operator.
        ``slot`` (default ``kind-number``) names the facility within its unit.
        """
        serial = len(self.specs) + 1
        registry_code = f"{REGISTRY_PREFIX}{self.unit.code}-{serial:04d}"
        rng = rng_for("facility", registry_code)
        if operator_key == "":
            sector = ServiceUnit.KIND_SECTOR[kind]
            operator_key = self.education_operator if sector == "education" else self.health_operator
        lat, lon = _jitter(rng, self.unit.latitude, self.unit.longitude, 6.0 if self.is_district else 3.5)
        if rng.random() < 0.05:  # some facilities have not been placed on the map yet
            lat, lon = None, None
        spec = FacilitySpec(
            registry_code=registry_code,
            unit_code=self.unit.code,
            kind=kind,
            slot=slot or f"{kind}-{number}",
            name_mn=name_mn,
            name_en=name_en,
            operator_key=operator_key or "",
            latitude=lat,
            longitude=lon,
        )
        if rng.random() < 0.45:
            if self.is_district:
                khoroo = rng.randint(1, 30)
                spec.address_mn = f"{self.unit.name_mn} дүүрэг, {khoroo}-р хороо"
                spec.address_en = f"Khoroo {khoroo}, {self.unit.name_en} district"
            else:
                bag = rng.randint(1, 6)
                spec.address_mn = f"{self.aimag.name_mn} аймаг, {self.unit.name_mn} сум, {bag}-р баг"
                spec.address_en = f"Bag {bag}, {self.unit.name_en} soum, {self.aimag.name_en} aimag"
        if rng.random() < 0.5:
            spec.phone = _landline(rng, "70")
        if rng.random() < 0.3:
            spec.email = demo_email(registry_code.lower())
        self.specs.append(spec)
        return spec

    def single(
        self, kind: str, replica: int, name_mn: str, name_en: str, *, operator_key: str | None = "", variant: str = ""
    ) -> None:
        """A facility a unit has once; larger scales add numbered branches of it.

        ``variant`` tells apart two single facilities of the same kind in one unit.
        """
        if replica > 1:
            name_mn, name_en = f"{name_mn}, {replica}-р салбар", f"{name_en}, branch {replica}"
        self.add(kind, replica, name_mn, name_en, operator_key=operator_key, slot=f"{kind}{variant}-{replica}")

    # Named kinds -------------------------------------------------------------------------

    def school(self, number: int | None = None) -> int:
        n = number or self.next_number("school")
        self.add(
            ServiceUnit.Kind.GENERAL_SCHOOL,
            n,
            f"{self.unit.name_mn} {self.suffix_mn} {n}-р сургууль",
            f"{self.unit.name_en} {self.suffix_en} School No. {n}",
        )
        return n

    def kindergarten(self, number: int | None = None) -> None:
        n = number or self.next_number("kindergarten")
        self.add(
            ServiceUnit.Kind.KINDERGARTEN,
            n,
            f"{self.unit.name_mn} {self.suffix_mn} {n}-р цэцэрлэг",
            f"{self.unit.name_en} {self.suffix_en} Kindergarten No. {n}",
        )

    def dormitory(self, school_number: int) -> None:
        self.add(
            ServiceUnit.Kind.DORMITORY,
            school_number,
            f"{self.unit.name_mn} {self.suffix_mn} {school_number}-р сургуулийн дотуур байр",
            f"{self.unit.name_en} {self.suffix_en} School No. {school_number} dormitory",
        )

    def family_health_centre(self) -> None:
        n = self.next_number("fhc")
        word_mn, word_en = _word(FHC_WORDS, self.fhc_order, n - 1)
        self.add(
            ServiceUnit.Kind.FAMILY_HEALTH_CENTRE,
            n,
            f"{self.unit.name_mn} {self.suffix_mn} {word_mn} өрхийн эрүүл мэндийн төв",
            f"{self.unit.name_en} {self.suffix_en} {word_en} Family Health Centre",
        )

    def pharmacy(self) -> None:
        n = self.next_number("pharmacy")
        word_mn, word_en = _word(PHARMACY_WORDS, self.pharmacy_order, n - 1)
        self.add(
            ServiceUnit.Kind.PHARMACY,
            n,
            f"{word_mn} эмийн сан ({self.unit.name_mn})",
            f"{word_en} Pharmacy ({self.unit.name_en})",
            operator_key=None,  # private pharmacies have no public operator
        )


def _plan_soum(planner: _UnitPlanner, replica: int) -> None:
    rng = rng_for("plan", planner.unit.code, replica)
    unit = planner.unit
    planner.single(
        ServiceUnit.Kind.SOUM_HEALTH_CENTRE,
        replica,
        f"{unit.name_mn} сумын эрүүл мэндийн төв",
        f"{unit.name_en} soum health centre",
    )
    schools = [planner.school() for _ in range(1 + (rng.random() < 0.25))]
    for _ in range(1 + (rng.random() < 0.3)):
        planner.kindergarten()
    if rng.random() < 0.6:
        planner.dormitory(schools[0])
    if rng.random() < 0.5:
        planner.pharmacy()


def _plan_aimag_centre(planner: _UnitPlanner, replica: int) -> None:
    rng = rng_for("plan", planner.unit.code, replica)
    aimag = planner.aimag
    planner.single(
        ServiceUnit.Kind.AIMAG_HOSPITAL,
        replica,
        f"{aimag.name_mn} аймгийн Нэгдсэн эмнэлэг",
        f"{aimag.name_en} Aimag General Hospital",
        operator_key=f"hospital-{aimag.code}",
    )
    planner.single(
        ServiceUnit.Kind.VOCATIONAL_SCHOOL,
        replica,
        f"{aimag.name_mn} аймгийн Политехник коллеж",
        f"{aimag.name_en} Polytechnic College",
    )
    if aimag.code in REGIONAL_CENTRES:
        planner.single(
            ServiceUnit.Kind.SPECIALISED_CENTRE,
            replica,
            f"{REGIONAL_CENTRES[aimag.code]} оношилгоо, эмчилгээний төв",
            f"{REGIONAL_CENTRES_EN[aimag.code]} Diagnostic and Treatment Centre",
        )
    if rng.random() < 0.5:
        planner.single(
            ServiceUnit.Kind.VOCATIONAL_SCHOOL,
            replica,
            f"{aimag.name_mn} аймгийн Мэргэжлийн сургалт, үйлдвэрлэлийн төв",
            f"{aimag.name_en} Vocational Training and Production Centre",
            variant="/training-centre",
        )
    if rng.random() < 0.4:
        planner.single(
            ServiceUnit.Kind.UNIVERSITY,
            replica,
            f"Монгол Улсын Боловсролын Их Сургуулийн {aimag.name_mn} аймаг дахь салбар",
            f"Mongolian National University of Education, {aimag.name_en} branch",
            operator_key="academia-mnue",
        )
    schools = [planner.school() for _ in range(rng.randint(5, 8))]
    for _ in range(rng.randint(8, 12)):
        planner.kindergarten()
    for number in schools[: rng.randint(1, 2)]:
        planner.dormitory(number)
    for _ in range(rng.randint(4, 7)):
        planner.family_health_centre()
    for _ in range(rng.randint(4, 8)):
        planner.pharmacy()


def _plan_district(planner: _UnitPlanner, index: int, replica: int) -> None:
    """A district of the capital. Schools and kindergartens are numbered city-wide."""
    rng = rng_for("plan", planner.unit.code, replica)
    unit = planner.unit
    planner.single(
        ServiceUnit.Kind.DISTRICT_HOSPITAL,
        replica,
        f"{unit.name_mn} дүүргийн Нэгдсэн эмнэлэг",
        f"{unit.name_en} District General Hospital",
        operator_key=f"hospital-{unit.code}",
    )
    planner.single(
        ServiceUnit.Kind.MATERNITY_HOME,
        replica,
        f"Нийслэлийн {index + 1}-р амаржих газар",
        f"Ulaanbaatar Maternity Home No. {index + 1}",
    )
    stride = len(DISTRICT_CODES)
    for _ in range(rng.randint(36, 44)):
        planner.school((planner.next_number("school") - 1) * stride + index + 1)
    for _ in range(rng.randint(60, 78)):
        planner.kindergarten((planner.next_number("kindergarten") - 1) * stride + index + 1)
    for _ in range(rng.randint(1, 2)):
        n = (planner.next_number("vocational") - 1) * stride + index + 1
        planner.add(
            ServiceUnit.Kind.VOCATIONAL_SCHOOL,
            n,
            f"Нийслэлийн Мэргэжлийн сургалт, үйлдвэрлэлийн {n}-р төв",
            f"Ulaanbaatar Vocational Training and Production Centre No. {n}",
        )
    for _ in range(rng.randint(22, 30)):
        planner.family_health_centre()
    for _ in range(rng.randint(15, 25)):
        planner.pharmacy()


@dataclass
class Geography:
    """The reference units the demo uses."""

    country: AdminUnit
    capital: AdminUnit
    aimags: list[AdminUnit]
    soums: dict[str, list[AdminUnit]]  # by aimag code, in code order
    districts: list[AdminUnit]

    def by_code(self) -> dict[str, AdminUnit]:
        units = [self.country, self.capital, *self.aimags, *self.districts]
        units += [s for soums in self.soums.values() for s in soums]
        return {u.code: u for u in units}

    def centre_soum(self, aimag: AdminUnit) -> AdminUnit:
        """The aimag centre: the soum whose NSO code ends in 01."""
        return next(s for s in self.soums[aimag.code] if s.code == f"{aimag.code}01")


def plan_facilities(geo: Geography, scale: int = 1) -> list[FacilitySpec]:
    """Every demo facility for ``scale``; a pure function of the reference units.

    Each unit is planned replica by replica (``scale`` replicas), so the facilities of a smaller
    scale are exactly the first ones of a larger scale, with the same registry codes.
    """
    specs: list[FacilitySpec] = []
    for aimag in geo.aimags:
        centre = geo.centre_soum(aimag)
        for soum in geo.soums[aimag.code]:
            planner = _UnitPlanner(soum, aimag, is_district=False)
            for replica in range(1, scale + 1):
                if soum.pk == centre.pk:
                    _plan_aimag_centre(planner, replica)
                else:
                    _plan_soum(planner, replica)
            specs.extend(planner.specs)
    for index, district in enumerate(geo.districts):
        planner = _UnitPlanner(district, None, is_district=True)
        for replica in range(1, scale + 1):
            _plan_district(planner, index, replica)
        specs.extend(planner.specs)
    persona_school(specs).operator_key = PERSONA_SCHOOL_KEY  # the director's school runs itself
    return specs


def persona_school(specs: list[FacilitySpec]) -> FacilitySpec:
    """The school whose director is a persona: school No. 1 of Arkhangai's aimag centre."""
    return next(s for s in specs if s.unit_code == PERSONA_SCHOOL_UNIT and s.slot == "general_school-1")
