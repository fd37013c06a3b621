"""Demo data: a realistic, deterministic slice of Mongolia's health and education services.

``seed_demo`` builds facilities in ten aimags and three Ulaanbaatar districts, the organisations
around them (ministries, agencies, governors' offices, khurals, departments, hospitals, CSOs, a
national network with member networks and subnetworks, media, academia, donors) and one login
per persona of docs/design.md section 2.

Every random choice comes from a ``random.Random`` seeded with a fixed string and the stable key
of the thing being generated (a unit code, a registry code, an organisation key), so the same
reference data always gives the same names, public codes and coordinates, and a larger ``scale``
only adds to what a smaller one created.

Running the seed again creates only what is missing and changes nothing that exists: facilities
are keyed by their registry code (``DEMO-6504-0001``), organisations by their demo e-mail address
(``health-dept-65@demo.iltod.mn``), users by e-mail. Passwords of existing users are only reset
when asked to.
"""

import math
import random
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from iltod.accounts.capabilities import Capability, Role
from iltod.accounts.models import Membership
from iltod.accounts.services import grant_membership
from iltod.lib.translit import to_latin
from iltod.organizations.models import NetworkMembership, Organization
from iltod.places.models import CODE_ALPHABET, AdminUnit, Sector, ServiceUnit
from iltod.places.search import fill_search_fields, remember_words
from iltod.places.services import load_reference_data

SEED = "iltod-demo-2026"
DEMO_PASSWORD = "iltod-demo-2026"
DEMO_DOMAIN = "demo.iltod.mn"
REGISTRY_PREFIX = "DEMO-"
COUNTRY_CODE = "MN"
CAPITAL_CODE = "11"

# Ten aimags from every region and three Ulaanbaatar districts (NSO codes, data/reference).
AIMAG_CODES = ("21", "23", "41", "43", "46", "62", "64", "65", "67", "84")
DISTRICT_CODES = ("1110", "1116", "1125")  # Bayanzürkh, Songinokhairkhan, Chingeltei
# The persona school director runs school No. 1 of Erdenebulgan soum (Tsetserleg, Arkhangai's centre).
PERSONA_SCHOOL_UNIT = "6501"
PERSONA_SCHOOL_KEY = "school-6501-1"

# Regional member networks of the national network, and the areas whose CSOs join them.
REGIONS = {
    "west": ("Баруун бүсийн", "Western Region", ("84",)),
    "khangai": ("Хангайн бүсийн", "Khangai Region", ("62", "64", "65", "67")),
    "central": ("Төвийн бүсийн", "Central Region", ("41", "43", "46")),
    "east": ("Зүүн бүсийн", "Eastern Region", ("21", "23")),
    "capital": ("Улаанбаатар хотын", "Ulaanbaatar", DISTRICT_CODES),
}
# Aimag centres that host a regional diagnostic and treatment centre.
REGIONAL_CENTRES = {"84": "Баруун бүсийн", "62": "Хангайн бүсийн", "21": "Зүүн бүсийн"}
REGIONAL_CENTRES_EN = {"84": "Western Region", "62": "Khangai Region", "21": "Eastern Region"}

# Words used to name family health centres and pharmacies (English names are transliterated).
FHC_WORDS = tuple(
    "Нарлаг Энхжин Ачлал Өлзий Мэлмий Сүлд Итгэл Ирээдүй Тэгш Дэлгэр "
    "Элит Нандин Гэгээ Амгалан Түшиг Өгөөж Анар Бүрэн Тэнүүн Оргил "
    "Буянт Саруул Энэрэл Мөнх Хишиг Уянга Дөл Ундрах Баясгалан Цэлмэг "
    "Хангай Сондор Нүүдэл Цогт Ивээл Эрдэм Тунгалаг Сэтгэл Жаргал Очир".split()
)
PHARMACY_WORDS = tuple(
    "Ариун Номин Сувд Эрдэнэ Мөнгөн Шинэ Ган Тэмүүлэл Од Зэндмэнэ "
    "Дархан Хүслэн Билэг Ерөөл Эрүүл Тогос Цагаан Алтан Хаш Наран".split()
)

# Local CSOs: (Mongolian name, English name, theme tag, sector codes, rural only).
CSO_THEMES = (
    ("Иргэний хяналтын төв", "Citizens' Oversight Centre", "oversight", ("health", "education"), False),
    ("Эцэг эхийн холбоо", "Parents' Association", "education", ("education",), False),
    ("Эрүүл ирээдүй холбоо", "Healthy Future Association", "health", ("health",), False),
    ("Залуучуудын хөгжлийн төв", "Youth Development Centre", "youth", ("education",), False),
    ("Хүүхдийн эрхийн төв", "Child Rights Centre", "children", ("education", "health"), False),
    ("Эмэгтэйчүүдийн манлайллын сан", "Women's Leadership Foundation", "women", ("health",), False),
    ("Малчдын эрүүл мэндийн холбоо", "Herders' Health Association", "health", ("health",), True),
    ("Ил тод байдлын төв", "Transparency Centre", "oversight", ("health", "education"), False),
    ("Хөгжлийн бэрхшээлтэй иргэдийн холбоо", "Association of Persons with Disabilities", "disability",
     ("health", "education"), False),
    ("Багш нарын хөгжлийн төв", "Teachers' Development Centre", "education", ("education",), False),
    ("Ахмадын оролцооны холбоо", "Senior Citizens' Participation Association", "health", ("health",), False),
    ("Орон нутгийн хөгжлийн сан", "Local Development Foundation", "oversight", ("health", "education"), False),
)  # fmt: skip

THEME_MISSIONS = {
    "oversight": (
        "Иргэдийн оролцоотой хяналтаар төрийн үйлчилгээний ил тод байдал, хариуцлагыг сайжруулах.",
        "Improves the transparency and accountability of public services through citizen monitoring.",
    ),
    "education": (
        "Сургууль, цэцэрлэгийн үйлчилгээний чанарыг эцэг эх, багш нарын оролцоотойгоор сайжруулах.",
        "Improves schools and kindergartens together with parents and teachers.",
    ),
    "health": (
        "Эрүүл мэндийн анхан шатны тусламж, үйлчилгээг хүн бүрт хүртээмжтэй болгох.",
        "Makes primary health care accessible to everyone.",
    ),
    "youth": (
        "Залуучуудыг орон нутгийн шийдвэр гаргалт, үйлчилгээний хяналтад оролцуулах.",
        "Brings young people into local decision-making and the monitoring of services.",
    ),
    "children": (
        "Хүүхдийн эрх, хамгааллыг боловсрол, эрүүл мэндийн үйлчилгээнд хангуулах.",
        "Defends children's rights and protection in education and health services.",
    ),
    "women": (
        "Эмэгтэйчүүдийн манлайлал, эх нялхсын эрүүл мэндийн үйлчилгээг дэмжих.",
        "Supports women's leadership and maternal and child health services.",
    ),
    "disability": (
        "Хөгжлийн бэрхшээлтэй иргэдэд үйлчилгээ хүртээмжтэй байхыг хянах, нөлөөлөх.",
        "Monitors and advocates for services accessible to persons with disabilities.",
    ),
}


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




def demo_email(local: str) -> str:
    return f"{local}@{DEMO_DOMAIN}"


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


# --------------------------------------------------------------------------------------------
# Organisations
# --------------------------------------------------------------------------------------------


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
    """Every demo organisation and network membership, parents before children."""
    units = geo.by_code()
    plan = OrgPlan()
    K = Organization.Kind
    S = Organization.Size
    both = ("health", "education")
    nation = (COUNTRY_CODE,)

    def with_address(spec: OrgSpec) -> OrgSpec:
        if spec.home_code and not spec.address_mn:
            spec.address_mn, spec.address_en = _address(units, spec.home_code, rng_for("address", spec.key))
        return plan.add(spec)

    # Ministries and agencies -------------------------------------------------------------
    ministries = [
        ("ministry-health", "Эрүүл мэндийн яам", "Ministry of Health", "ЭМЯ", "MoH", ("health",),
         "Эрүүл мэндийн салбарын бодлого, төлөвлөлт, санхүүжилт, хяналтыг хэрэгжүүлэх.",
         "Sets health policy, plans and finances the health sector and oversees its services."),
        ("ministry-education", "Боловсролын яам", "Ministry of Education", "БЯ", "MoE", ("education",),
         "Бүх шатны боловсролын бодлого, стандарт, санхүүжилтийг тодорхойлж хэрэгжүүлэх.",
         "Sets and implements policy, standards and financing for education at every level."),
        ("ministry-finance", "Сангийн яам", "Ministry of Finance", "СЯ", "MoF", both,
         "Төсвийн бодлого, төсвийн ил тод байдлыг хангах.",
         "Runs fiscal policy and publishes budgets, including health and education spending."),
    ]  # fmt: skip
    for key, mn, en, short_mn, short_en, sectors, mission_mn, mission_en in ministries:
        with_address(
            OrgSpec(
                key,
                K.MINISTRY,
                mn,
                en,
                short_mn,
                short_en,
                home_code=CAPITAL_CODE,
                covers=nation,
                sectors=sectors,
                mission_mn=mission_mn,
                mission_en=mission_en,
                size=S.LARGE,
            )
        )
    agencies = [
        ("agency-health-development", "Эрүүл мэндийн хөгжлийн төв", "Center for Health Development",
         "ministry-health", ("health",), "Эрүүл мэндийн мэдээлэл, стандарт, чанарын удирдлагыг хариуцах.",
         "Runs health information, standards and quality management."),
        ("agency-health-insurance", "Эрүүл мэндийн даатгалын ерөнхий газар", "General Agency for Health Insurance",
         "ministry-health", ("health",), "Эрүүл мэндийн даатгалын сангаас тусламж, үйлчилгээг санхүүжүүлэх.",
         "Pays for health services from the health insurance fund."),
        ("agency-education", "Боловсролын ерөнхий газар", "General Agency for Education",
         "ministry-education", ("education",), "Боловсролын бодлогын хэрэгжилтийг зохион байгуулах, дэмжих.",
         "Organises and supports the implementation of education policy."),
        ("agency-education-evaluation", "Боловсролын үнэлгээний төв", "Education Evaluation Centre",
         "ministry-education", ("education",), "Суралцагчдын сурлагын амжилт, сургуулийн гүйцэтгэлийг үнэлэх.",
         "Assesses learning outcomes and school performance."),
        ("agency-inspection", "Мэргэжлийн хяналтын ерөнхий газар", "General Agency for Specialized Inspection",
         "", both, "Эрүүл мэнд, боловсролын байгууллагын стандартын мөрдөлтийг хянах.",
         "Inspects health and education facilities against national standards."),
    ]  # fmt: skip
    for key, mn, en, parent, sectors, mission_mn, mission_en in agencies:
        with_address(
            OrgSpec(
                key,
                K.AGENCY,
                mn,
                en,
                parent_key=parent,
                home_code=CAPITAL_CODE,
                covers=nation,
                sectors=sectors,
                mission_mn=mission_mn,
                mission_en=mission_en,
                size=S.MEDIUM,
            )
        )

    # Academia, donors, media, others --------------------------------------------------------
    academia = [
        ("academia-num", "Монгол Улсын Их Сургууль", "National University of Mongolia", "МУИС", "NUM", 1942),
        ("academia-mnums", "Анагаахын Шинжлэх Ухааны Үндэсний Их Сургууль",
         "Mongolian National University of Medical Sciences", "АШУҮИС", "MNUMS", 1942),
        ("academia-mnue", "Монгол Улсын Боловсролын Их Сургууль", "Mongolian National University of Education",
         "МУБИС", "MNUE", 1951),
    ]  # fmt: skip
    for key, mn, en, short_mn, short_en, year in academia:
        with_address(
            OrgSpec(
                key,
                K.ACADEMIA,
                mn,
                en,
                short_mn,
                short_en,
                home_code=CAPITAL_CODE,
                sectors=both,
                mission_mn="Судалгаа, сургалтаар нийгмийн үйлчилгээний бодлогод нотолгоо өгөх.",
                mission_en="Provides evidence for public service policy through research and teaching.",
                year_founded=year,
                size=S.LARGE,
            )
        )
    donors = [
        ("donor-sa-programme", "Нийгмийн хариуцлагын хөтөлбөрийн донор", "Social accountability programme donor",
         "Иргэний оролцоо, нийгмийн хариуцлагын хөтөлбөрийг санхүүжүүлэх.",
         "Funds the social accountability programme and its civil society partners."),
        ("donor-development-fund", "Олон улсын хөгжлийн сан", "International Development Fund",
         "Эрүүл мэнд, боловсролын үйлчилгээний чанарыг сайжруулах төслүүдийг дэмжих.",
         "Supports projects that improve health and education services."),
    ]  # fmt: skip
    for key, mn, en, mission_mn, mission_en in donors:
        with_address(
            OrgSpec(
                key,
                K.DONOR,
                mn,
                en,
                home_code=CAPITAL_CODE,
                sectors=both,
                mission_mn=mission_mn,
                mission_en=mission_en,
                year_founded=rng_for("year", key).randint(1995, 2015),
                size=S.SMALL,
            )
        )
    media = [
        ("media-public-broadcaster", "Монголын үндэсний олон нийтийн радио, телевиз",
         "Mongolian National Public Radio and Television", "МҮОНРТ", "MNB", CAPITAL_CODE, S.LARGE),
        ("media-khangai-news", "Хангайн мэдээ сонин", "Khangai News", "", "", "65", S.MICRO),
        ("media-citizen-journalists", "Иргэний сэтгүүлчдийн клуб", "Citizen Journalists' Club", "", "",
         CAPITAL_CODE, S.MICRO),
    ]  # fmt: skip
    for key, mn, en, short_mn, short_en, home, size in media:
        with_address(
            OrgSpec(
                key,
                K.MEDIA,
                mn,
                en,
                short_mn,
                short_en,
                home_code=home,
                sectors=both,
                mission_mn="Төрийн үйлчилгээний талаарх олон нийтийн мэдээллийг нээлттэй түгээх.",
                mission_en="Reports on public services for the general public.",
                year_founded=rng_for("year", key).randint(1990, 2018),
                size=size,
            )
        )
    others = [
        ("other-medical-association", "Монголын Эмч нарын холбоо", "Mongolian Medical Association", ("health",)),
        ("other-teachers-union", "Монголын Багш нарын холбоо", "Mongolian Teachers' Association", ("education",)),
    ]
    for key, mn, en, sectors in others:
        with_address(
            OrgSpec(
                key,
                K.OTHER,
                mn,
                en,
                home_code=CAPITAL_CODE,
                sectors=sectors,
                mission_mn="Гишүүдийнхээ мэргэжлийн хөгжил, эрх ашгийг хамгаалах.",
                mission_en="Supports its members' professional development and interests.",
                year_founded=rng_for("year", key).randint(1990, 2010),
                size=S.MEDIUM,
            )
        )

    # Local government of each aimag and district ------------------------------------------
    for aimag in geo.aimags:
        code, mn, en = aimag.code, aimag.name_mn, aimag.name_en
        year = rng_for("year", "dept", code)
        with_address(
            OrgSpec(
                f"governor-{code}",
                K.GOVERNORS_OFFICE,
                f"{mn} аймгийн Засаг даргын Тамгын газар",
                f"{en} Aimag Governor's Office",
                home_code=code,
                covers=(code,),
                sectors=both,
                mission_mn=f"{mn} аймгийн Засаг даргын үйл ажиллагааг хангаж, орон нутгийн үйлчилгээг зохицуулах.",
                mission_en=f"Supports the governor of {en} aimag and coordinates local services.",
                year_founded=1992,
                size=S.MEDIUM,
            )
        )
        with_address(
            OrgSpec(
                f"khural-{code}",
                K.KHURAL,
                f"{mn} аймгийн Иргэдийн Төлөөлөгчдийн Хурал",
                f"{en} Aimag Citizens' Representative Khural",
                home_code=code,
                covers=(code,),
                sectors=both,
                mission_mn="Иргэдийг төлөөлж аймгийн төсөв, хөгжлийн төлөвлөгөөг батлах, хянах.",
                mission_en=f"Represents the citizens of {en}: approves and oversees the aimag budget "
                "and development plan.",
                year_founded=1992,
                size=S.SMALL,
            )
        )
        with_address(
            OrgSpec(
                f"health-dept-{code}",
                K.HEALTH_DEPARTMENT,
                f"{mn} аймгийн Эрүүл мэндийн газар",
                f"{en} Aimag Health Department",
                parent_key="ministry-health",
                home_code=code,
                covers=(code,),
                sectors=("health",),
                mission_mn=f"{mn} аймгийн эрүүл мэндийн тусламж, үйлчилгээний хүртээмж, чанарыг хангах.",
                mission_en=f"Ensures access to and quality of health services in {en} aimag.",
                year_founded=year.randint(1995, 2005),
                size=S.SMALL,
            )
        )
        with_address(
            OrgSpec(
                f"education-dept-{code}",
                K.EDUCATION_DEPARTMENT,
                f"{mn} аймгийн Боловсролын газар",
                f"{en} Aimag Education Department",
                parent_key="ministry-education",
                home_code=code,
                covers=(code,),
                sectors=("education",),
                mission_mn=f"{mn} аймгийн сургууль, цэцэрлэгийн үйл ажиллагааг удирдан зохион байгуулах.",
                mission_en=f"Oversees the schools and kindergartens of {en} aimag.",
                year_founded=year.randint(1995, 2005),
                size=S.SMALL,
            )
        )
    for district in geo.districts:
        code, mn, en = district.code, district.name_mn, district.name_en
        year = rng_for("year", "dept", code)
        with_address(
            OrgSpec(
                f"governor-{code}",
                K.GOVERNORS_OFFICE,
                f"{mn} дүүргийн Засаг даргын Тамгын газар",
                f"{en} District Governor's Office",
                home_code=code,
                covers=(code,),
                sectors=both,
                mission_mn=f"{mn} дүүргийн Засаг даргын үйл ажиллагааг хангаж, үйлчилгээг зохицуулах.",
                mission_en=f"Supports the governor of {en} district and coordinates local services.",
                year_founded=1992,
                size=S.MEDIUM,
            )
        )
        with_address(
            OrgSpec(
                f"health-dept-{code}",
                K.HEALTH_DEPARTMENT,
                f"{mn} дүүргийн Эрүүл мэндийн төв",
                f"{en} District Health Centre",
                parent_key="ministry-health",
                home_code=code,
                covers=(code,),
                sectors=("health",),
                mission_mn=f"{mn} дүүргийн өрхийн эрүүл мэндийн төвүүдийн үйл ажиллагааг зохицуулах.",
                mission_en=f"Coordinates the family health centres of {en} district.",
                year_founded=year.randint(1995, 2010),
                size=S.MEDIUM,
            )
        )
        with_address(
            OrgSpec(
                f"education-dept-{code}",
                K.EDUCATION_DEPARTMENT,
                f"{mn} дүүргийн Боловсролын хэлтэс",
                f"{en} District Education Division",
                parent_key="ministry-education",
                home_code=code,
                covers=(code,),
                sectors=("education",),
                mission_mn=f"{mn} дүүргийн сургууль, цэцэрлэгийн үйл ажиллагааг зохион байгуулах.",
                mission_en=f"Oversees the schools and kindergartens of {en} district.",
                year_founded=year.randint(1995, 2010),
                size=S.SMALL,
            )
        )

    # Service providers: the big hospitals, and the persona's school -----------------------
    by_slot = {(s.unit_code, s.slot): s for s in facilities}
    for aimag in geo.aimags:
        centre = geo.centre_soum(aimag)
        hospital = by_slot[(centre.code, f"{ServiceUnit.Kind.AIMAG_HOSPITAL}-1")]
        plan.add(
            OrgSpec(
                f"hospital-{aimag.code}",
                K.SERVICE_PROVIDER,
                hospital.name_mn,
                hospital.name_en,
                parent_key=f"health-dept-{aimag.code}",
                home_code=centre.code,
                sectors=("health",),
                covered_facilities=(hospital.registry_code,),
                mission_mn=f"{aimag.name_mn} аймгийн иргэдэд нарийн мэргэжлийн тусламж, үйлчилгээ үзүүлэх.",
                mission_en=f"Provides specialised care to the people of {aimag.name_en} aimag.",
                year_founded=rng_for("year", hospital.registry_code).randint(1925, 1960),
                size=S.LARGE,
                address_mn=hospital.address_mn,
                address_en=hospital.address_en,
            )
        )
    for district in geo.districts:
        hospital = by_slot[(district.code, f"{ServiceUnit.Kind.DISTRICT_HOSPITAL}-1")]
        plan.add(
            OrgSpec(
                f"hospital-{district.code}",
                K.SERVICE_PROVIDER,
                hospital.name_mn,
                hospital.name_en,
                parent_key=f"health-dept-{district.code}",
                home_code=district.code,
                sectors=("health",),
                covered_facilities=(hospital.registry_code,),
                mission_mn=f"{district.name_mn} дүүргийн иргэдэд хэвтэн эмчлүүлэх тусламж үзүүлэх.",
                mission_en=f"Provides hospital care to the residents of {district.name_en} district.",
                year_founded=rng_for("year", hospital.registry_code).randint(1960, 1995),
                size=S.LARGE,
                address_mn=hospital.address_mn,
                address_en=hospital.address_en,
            )
        )
    school = persona_school(facilities)
    plan.add(
        OrgSpec(
            PERSONA_SCHOOL_KEY,
            K.SERVICE_PROVIDER,
            school.name_mn,
            school.name_en,
            parent_key="education-dept-65",
            home_code=school.unit_code,
            sectors=("education",),
            covered_facilities=(school.registry_code,),
            mission_mn="Хүүхэд бүрт чанартай ерөнхий боловсрол олгох.",
            mission_en="Gives every child a good general education.",
            year_founded=1923,
            size=S.MEDIUM,
            address_mn=school.address_mn,
            address_en=school.address_en,
        )
    )

    # CSOs ---------------------------------------------------------------------------------
    # The persona CSO monitors three schools of Tsetserleg and the main facilities of Battsengel.
    monitored_slots = [(PERSONA_SCHOOL_UNIT, f"{ServiceUnit.Kind.GENERAL_SCHOOL}-{n}") for n in (1, 2, 3)]
    monitored_slots += [("6504", f"{kind}-1") for kind in ("soum_health_centre", "general_school", "kindergarten")]
    monitored = tuple(by_slot[slot].registry_code for slot in monitored_slots)
    curated = [
        ("cso-khangai-oversight", "Хангайн иргэний хяналтын төв", "Khangai Citizens' Oversight Centre", "65",
         ("65",), "oversight", monitored),
        ("cso-citizens-for-health", "Эрүүл мэндийн төлөө иргэд", "Citizens for Health", CAPITAL_CODE, nation,
         "health", ()),
        ("cso-parents-for-education", "Боловсролын төлөө эцэг эхчүүд", "Parents for Education", CAPITAL_CODE,
         nation, "education", ()),
        ("cso-open-budget", "Ил тод төсөв", "Open Budget", CAPITAL_CODE, nation, "oversight", ()),
        ("cso-procurement-transparency", "Худалдан авалтын ил тод байдлын төв",
         "Procurement Transparency Centre", CAPITAL_CODE, nation, "oversight", ()),
        ("cso-youth-participation", "Залуучуудын оролцооны төв", "Youth Participation Centre", CAPITAL_CODE,
         nation, "youth", ()),
        ("cso-student-volunteers", "Оюутны сайн дурынхны холбоо", "Student Volunteers' Association", CAPITAL_CODE,
         nation, "youth", ()),
        ("cso-child-rights", "Хүүхдийн эрхийн төлөө төв", "Centre for Child Rights", CAPITAL_CODE, nation,
         "children", ()),
        ("cso-disability-rights", "Хөгжлийн бэрхшээлтэй иргэдийн эрхийн холбоо", "Disability Rights Association",
         CAPITAL_CODE, nation, "disability", ()),
        ("cso-khovsgol-women", "Хөвсгөлийн эмэгтэйчүүдийн холбоо", "Khövsgöl Women's Association", "67", ("67",),
         "women", ()),
        ("cso-gobi-development", "Говийн хөгжлийн сан", "Gobi Development Foundation", "46", ("46",), "oversight",
         ()),
        ("cso-herder-health", "Малчин өрхийн эрүүл мэндийн холбоо", "Herder Household Health Association", "62",
         ("62",), "health", ()),
        ("cso-west-human-rights", "Баруун бүсийн хүний эрхийн төв", "Western Region Human Rights Centre", "84",
         ("84",), "oversight", ()),
        ("cso-selenge-civic", "Сэлэнгийн иргэний оролцооны төв", "Selenge Civic Participation Centre", "43",
         ("43",), "oversight", ()),
        ("cso-dornod-youth", "Дорнодын залуучуудын холбоо", "Dornod Youth Association", "21", ("21",), "youth", ()),
    ]  # fmt: skip
    theme_sectors = {tag: sectors for _mn, _en, tag, sectors, _rural in CSO_THEMES}
    csos: list[OrgSpec] = []
    for key, mn, en, home, covers, tag, covered in curated:
        rng = rng_for("cso", key)
        mission_mn, mission_en = THEME_MISSIONS[tag]
        csos.append(
            with_address(
                OrgSpec(
                    key,
                    K.CSO,
                    f"{mn} ТББ",
                    f"{en} NGO",
                    home_code=home,
                    covers=covers,
                    covered_facilities=covered,
                    sectors=theme_sectors.get(tag, both),
                    mission_mn=mission_mn,
                    mission_en=mission_en,
                    year_founded=rng.randint(1996, 2019),
                    size=rng.choice([S.MICRO, S.SMALL]),
                    tag=tag,
                )
            )
        )
    local_areas = [*geo.aimags, *geo.districts]
    for index, area in enumerate(local_areas):
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
                    OrgSpec(
                        f"cso-{area.code}-{j + 1}",
                        K.CSO,
                        f"{area.name_mn} {genitive} {theme_mn}{number}",
                        f"{area.name_en} {theme_en}{number}",
                        home_code=area.code,
                        covers=(area.code,),
                        sectors=sectors,
                        mission_mn=mission_mn,
                        mission_en=mission_en,
                        year_founded=rng.randint(1998, 2022),
                        size=rng.choice([S.MICRO, S.MICRO, S.SMALL]),
                        tag=tag,
                    )
                )
            )

    # Networks -----------------------------------------------------------------------------
    national = with_address(
        OrgSpec(
            "network-psa",
            K.NETWORK,
            "Нийгмийн хариуцлагын түншлэл",
            "Partnership for Social Accountability",
            "НХТ",
            "PSA",
            home_code=CAPITAL_CODE,
            covers=nation,
            sectors=both,
            mission_mn="Иргэний нийгмийн байгууллагуудыг нэгтгэж, төрийн үйлчилгээнд нийгмийн хариуцлагыг бэхжүүлэх.",
            mission_en="Brings civil society organisations together to strengthen social accountability in public "
            "services.",
            year_founded=2013,
            size=S.SMALL,
        )
    )
    member_networks: list[tuple[OrgSpec, set[str] | None, set[str] | None]] = []
    for region, (mn, en, codes) in REGIONS.items():
        spec = with_address(
            OrgSpec(
                f"network-{region}",
                K.NETWORK,
                f"{mn} иргэний нийгмийн сүлжээ",
                f"{en} Civil Society Network",
                home_code=codes[0],
                covers=codes,
                sectors=both,
                mission_mn="Бүс нутгийн иргэний нийгмийн байгууллагуудын хяналт, суралцах үйл ажиллагааг уялдуулах.",
                mission_en="Coordinates monitoring and learning among the civil society organisations of the region.",
                year_founded=rng_for("year", region).randint(2014, 2019),
                size=S.MICRO,
            )
        )
        member_networks.append((spec, set(codes), None))
    thematic = [
        ("network-health", "Эрүүл мэндийн төлөө иргэний нийгмийн сүлжээ", "Civil Society Network for Health",
         ("health",), "health", {"health", "women", "disability"}),
        ("network-education", "Боловсролын төлөө иргэний нийгмийн эвсэл", "Civil Society Coalition for Education",
         ("education",), "education", {"education", "children"}),
        ("network-child-protection", "Хүүхэд хамгааллын сүлжээ", "Child Protection Network", both, "children",
         {"children", "youth"}),
    ]  # fmt: skip
    for key, mn, en, sectors, theme, tags in thematic:
        spec = with_address(
            OrgSpec(
                key,
                K.NETWORK,
                mn,
                en,
                home_code=CAPITAL_CODE,
                covers=nation,
                sectors=sectors,
                mission_mn=THEME_MISSIONS[theme][0],
                mission_en=THEME_MISSIONS[theme][1],
                year_founded=rng_for("year", key).randint(2010, 2018),
                size=S.MICRO,
            )
        )
        member_networks.append((spec, None, tags))
    subnetworks = [
        ("subnetwork-procurement", "Худалдан авалтын хяналтын дэд сүлжээ", "Procurement Monitoring Subnetwork",
         "Эрүүл мэнд, боловсролын худалдан авалт, гэрээний хэрэгжилтийг иргэдийн оролцоотой хянах.",
         "Monitors health and education procurement and contracts with citizens.", {"oversight"}),
        ("subnetwork-youth", "Залуучуудын дэд сүлжээ", "Youth Subnetwork",
         "Залуучуудын оролцоотой нийгмийн хариуцлагын үйл ажиллагааг өрнүүлэх.",
         "Grows social accountability work led by young people.", {"youth"}),
    ]  # fmt: skip
    for key, mn, en, mission_mn, mission_en, tags in subnetworks:
        spec = with_address(
            OrgSpec(
                key,
                K.NETWORK,
                mn,
                en,
                parent_key=national.key,
                home_code=CAPITAL_CODE,
                covers=nation,
                sectors=both,
                mission_mn=mission_mn,
                mission_en=mission_en,
                year_founded=rng_for("year", key).randint(2018, 2023),
                size=S.MICRO,
            )
        )
        members = [c for c in csos if c.tag in tags]
        for position, cso in enumerate(members):
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


# --------------------------------------------------------------------------------------------
# Personas
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Persona:
    """A demo login for one persona of docs/design.md section 2."""

    key: str
    label: str  # the persona, in English (command output and docs)
    email: str
    full_name: str
    phone: str = ""
    role: str = ""  # Role value; empty for the citizen and the platform admin
    org_key: str = ""
    title: str = ""
    capability: str = ""  # a capability the persona must have (tests, docs)
    is_admin: bool = False
    language: str = "mn"


PERSONAS = (
    Persona("citizen", "citizen", demo_email("citizen"), "Ганбаатар Сарнай", phone="+97699110101"),
    Persona("monitor", "CSO monitor / facilitator", demo_email("monitor"), "Дамдин Оюунчимэг",
            phone="+97688110202", role=Role.MONITOR, org_key="cso-khangai-oversight",
            title="Хяналт-шинжилгээний ажилтан", capability=Capability.RUN_SCORECARDS),
    Persona("director", "service-provider staff (school director)", demo_email("director"), "Цэрэндорж Батбаяр",
            phone="+97695110303", role=Role.PROVIDER_STAFF, org_key=PERSONA_SCHOOL_KEY, title="Сургуулийн захирал",
            capability=Capability.HANDLE_FEEDBACK),
    Persona("officer", "local government officer (Arkhangai education department)", demo_email("officer"),
            "Лхагва Энхтуяа", phone="+97680110404", role=Role.CASE_MANAGER, org_key="education-dept-65",
            title="Ерөнхий боловсролын асуудал хариуцсан мэргэжилтэн",
            capability=Capability.VIEW_REPORTER_IDENTITY),
    Persona("ministry", "ministry / agency officer (Ministry of Education)", demo_email("ministry"),
            "Жамсран Төмөрбаатар", role=Role.OFFICER, org_key="ministry-education",
            title="Мэдээлэл, хяналтын хэлтсийн мэргэжилтэн", capability=Capability.PUBLISH),
    Persona("coordinator", "MSG coordinator", demo_email("coordinator"), "Пүрэв Нармандах", phone="+97694221133",
            role=Role.COORDINATOR, org_key="cso-khangai-oversight", title="Олон талт бүлгийн зохицуулагч",
            capability=Capability.COORDINATE_GROUPS),
    Persona("network", "network admin", demo_email("network"), "Сүхбат Ариунаа", role=Role.NETWORK_ADMIN,
            org_key="network-psa", title="Түншлэлийн зохицуулагч", capability=Capability.MANAGE_NETWORK),
    Persona("analyst", "M&E officer / donor", demo_email("analyst"), "Мөнх-Очир Солонго", role=Role.ANALYST,
            org_key="donor-sa-programme", title="Хяналт-үнэлгээний ажилтан",
            capability=Capability.VIEW_STATISTICS, language="en"),
    Persona("admin", "platform admin", demo_email("admin"), "Эрдэнэ Бат-Эрдэнэ", is_admin=True,
            capability=Capability.MANAGE_MEMBERS),
)  # fmt: skip


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


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

    def summary(self) -> str:
        return (
            f"Demo data (scale {self.scale}): {self.facilities} facilities ({self.facilities_created} new) "
            f"in {self.aimags} aimags and {self.districts} districts, {self.organizations} organisations "
            f"({self.organizations_created} new), {self.network_memberships} network memberships "
            f"({self.network_memberships_created} new), {self.users} persona logins ({self.users_created} new, "
            f"{self.passwords_reset} passwords reset), {self.feedback} feedback items ({self.feedback_created} new), "
            f"{self.scorecards} score card cycles ({self.scorecards_created} new). {self.engagement}"
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

    from .demo_feedback import seed_feedback

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
    return result
