"""Demo data for procurement monitoring (called by ``seed_demo``): deterministic and idempotent.

Three years of contracting processes bought by the demo aimags' hospitals, schools and health and
education departments, published as OCDS release packages (a tender release, then an award and
contract release) and imported through the same service as any publisher's file. Suppliers are
fictional companies. A few processes are built to raise each of Cardinal's eleven red flags, so
every flag has an example; citizens' feedback and CSO monitoring cases in every state follow.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import random
import tempfile

from django.apps import apps

YEARS = (2023, 2024, 2025)
SEED = "iltod-procurement-demo"
PER_BUYER_PER_YEAR = 3
# the demo organisation (``iltod.demo.data.SUBNETWORKS``) marked as the procurement-monitoring network
MONITORING_SUBNETWORK_EMAIL = "subnetwork-procurement@demo.iltod.mn"
MAX_BUYERS = 60

SUPPLIERS = [
    ("Эм Трейд ХХК", "health"),
    ("Монос Фарм ХХК", "health"),
    ("Асиа Фарма ХХК", "health"),
    ("Мед Импекс ХХК", "health"),
    ("Эрүүл Амьдрал ХХК", "health"),
    ("Номын Ертөнц ХХК", "education"),
    ("Сурагч Хангамж ХХК", "education"),
    ("Тавилга Мастер ХХК", "education"),
    ("Ухаалаг Анги ХХК", "education"),
    ("Хүнс Түгээлт ХХК", "both"),
    ("Дулаан Гэр ХХК", "both"),
    ("Барилга Засвар ХХК", "both"),
    ("Түлш Нийлүүлэлт ХХК", "both"),
    ("Цэвэр Ус ХХК", "both"),
    ("Оффис Хангамж ХХК", "both"),
    ("Тээвэр Логистик ХХК", "both"),
]
COVER_BIDDER = ("Халхавч Групп ХХК", "both")  # bids everywhere, almost never wins (R025, R038)
GENERAL_TRADER = ("Бүгдийг Нийлүүлэгч ХХК", "both")  # wins in every segment (R048)

# (title_mn, UNSPSC-like classification, low, high in MNT)
GOODS = {
    "health": [
        ("Эм, эмнэлгийн хэрэгсэл", "51000000", 20_000_000, 400_000_000),
        ("Лабораторийн урвалж бодис", "41000000", 10_000_000, 120_000_000),
        ("Эмнэлгийн тоног төхөөрөмж", "42000000", 30_000_000, 600_000_000),
        ("Хоол хүнсний бүтээгдэхүүн", "50000000", 8_000_000, 90_000_000),
    ],
    "education": [
        ("Сурах бичиг, гарын авлага", "55000000", 5_000_000, 80_000_000),
        ("Сургуулийн тавилга", "56000000", 10_000_000, 150_000_000),
        ("Компьютер, дагалдах хэрэгсэл", "43000000", 15_000_000, 200_000_000),
        ("Үдийн цайны хүнс", "50000000", 20_000_000, 250_000_000),
    ],
    "both": [
        ("Түлш, нүүрс", "15000000", 10_000_000, 300_000_000),
        ("Барилгын урсгал засвар", "72000000", 20_000_000, 500_000_000),
        ("Цэвэрлэгээний бодис", "47000000", 2_000_000, 30_000_000),
        ("Бичиг хэргийн хэрэгсэл", "44000000", 1_000_000, 20_000_000),
    ],
}
METHODS = [
    ("open", "Нээлттэй тендер"),
    ("open", "Нээлттэй тендер"),
    ("open", "Нээлттэй тендер"),
    ("selective", "Хязгаарлалттай тендер"),
    ("limited", "Харьцуулалт"),
    ("direct", "Шууд гэрээ"),
]
TRICKS = ("R003", "R018", "R024", "R028", "R030", "R035", "R036", "R058")


def _registration(text: str) -> str:
    return str(int(hashlib.sha256(text.encode()).hexdigest(), 16) % 9_000_000 + 1_000_000)


def _iso(day: datetime.date, hour: int = 9) -> str:
    return f"{day.isoformat()}T{hour:02d}:00:00+08:00"


def _buyers():
    """The demo's hospitals and schools (their operators) and the aimags' health and education
    departments, with the sector each buys for."""
    from iltod.organizations.models import Organization
    from iltod.places.models import ServiceUnit

    K = ServiceUnit.Kind
    kinds = [K.AIMAG_HOSPITAL, K.DISTRICT_HOSPITAL, K.SOUM_HEALTH_CENTRE, K.GENERAL_SCHOOL, K.KINDERGARTEN]
    facilities = (
        ServiceUnit.objects.filter(kind__in=kinds, operator__isnull=False, is_active=True)
        .select_related("operator", "sector")
        .order_by("kind", "code")
    )
    seen, buyers = set(), []
    per_kind: dict[str, int] = {}
    for facility in facilities:
        if facility.operator_id in seen or per_kind.get(facility.kind, 0) >= MAX_BUYERS // len(kinds):
            continue
        seen.add(facility.operator_id)
        per_kind[facility.kind] = per_kind.get(facility.kind, 0) + 1
        buyers.append((facility.operator, facility.sector.code if facility.sector else "both"))
    departments = Organization.objects.filter(
        kind__in=[Organization.Kind.HEALTH_DEPARTMENT, Organization.Kind.EDUCATION_DEPARTMENT],
        home_unit__isnull=False,
    ).order_by("home_unit__code", "kind")[:20]
    for org in departments:
        buyers.append((org, "health" if org.kind == Organization.Kind.HEALTH_DEPARTMENT else "education"))
    return buyers


def _give_registration_numbers(buyers) -> None:
    """OCDS names a buyer by its state registration number: give the demo's buyers one."""
    from iltod.organizations.models import Organization

    for org, _sector in buyers:
        if not org.registration_number:
            org.registration_number = _registration(org.code)
            Organization.objects.filter(pk=org.pk).update(registration_number=org.registration_number)


def _party(pid, name, registration, roles):
    return {"id": pid, "name": name, "identifier": {"scheme": "MN-REG", "id": registration}, "roles": roles}


def plan_releases(buyers) -> list[dict]:
    """Two releases per process: the tender, then the bids, award and contract."""
    rng = random.Random(SEED)
    suppliers = [(name, sector, _registration(name)) for name, sector in [*SUPPLIERS, COVER_BIDDER, GENERAL_TRADER]]
    cover = suppliers[-2]
    trader = suppliers[-1]
    releases = []
    number = 0
    for org, sector in buyers:
        buyer_ref = {"id": f"MN-REG-{org.registration_number}", "name": org.name_mn or org.name}
        buyer_party = _party(buyer_ref["id"], buyer_ref["name"], org.registration_number, ["buyer", "procuringEntity"])
        for year in YEARS:
            for _n in range(PER_BUYER_PER_YEAR):
                number += 1
                ocid = f"ocds-demo-mn-{year}-{number:05d}"
                goods_sector = sector if sector in GOODS and rng.random() < 0.6 else "both"
                title, classification, low, high = rng.choice(GOODS[goods_sector])
                method, details = rng.choice(METHODS)
                trick = TRICKS[(number // 4) % len(TRICKS)] if number % 4 == 0 else ""
                start = datetime.date(year, 1, 15) + datetime.timedelta(days=rng.randrange(0, 300))
                days = 5 if trick == "R003" else rng.choice((15, 20, 21, 30))
                end = start + datetime.timedelta(days=days)
                value = round(rng.uniform(low, high), -4)
                tender = {
                    "id": f"{ocid}-tender",
                    "title": title,
                    "status": "active",
                    "procurementMethod": method,
                    "procurementMethodDetails": details,
                    "value": {"amount": value, "currency": "MNT"},
                    "tenderPeriod": {"startDate": _iso(start), "endDate": _iso(end, 17)},
                    "items": [
                        {
                            "id": "1",
                            "description": title,
                            "classification": {"scheme": "UNSPSC", "id": classification},
                            "quantity": rng.randrange(1, 50),
                            "unit": {"name": "багц"},
                        }
                    ],
                    "procuringEntity": buyer_ref,
                    "documents": [
                        {
                            "id": "notice",
                            "documentType": "tenderNotice",
                            "title": "Тендерийн урилга",
                            "url": f"https://www.tender.gov.mn/mn/notice/{ocid}",
                        }
                    ],
                }
                releases.append(
                    {
                        "ocid": ocid,
                        "id": f"{ocid}-01",
                        "date": _iso(start),
                        "tag": ["tender"],
                        "initiationType": "tender",
                        "language": "mn",
                        "parties": [buyer_party],
                        "buyer": buyer_ref,
                        "planning": {"budget": {"amount": {"amount": value * 1.05, "currency": "MNT"}}},
                        "tender": tender,
                    }
                )
                if start > datetime.date(2025, 10, 1):
                    continue  # still open: no award yet
                # the bids
                pool = [s for s in suppliers[:-2] if s[1] == goods_sector]
                if trick == "R018":
                    method, tender["procurementMethod"], tender["procurementMethodDetails"] = (
                        "open",
                        "open",
                        METHODS[0][1],
                    )
                count = 1 if trick == "R018" or method == "direct" else rng.randrange(2, 5)
                bidders = rng.sample(pool, min(count, len(pool)))
                if method != "direct" and trick != "R018" and rng.random() < 0.7:
                    bidders.append(cover)
                if trick != "R018" and ((goods_sector == "both" and rng.random() < 0.3) or number % 9 == 0):
                    bidders.append(trader)
                bids = []
                # the first bidder is the cheapest regular one; the others are 6-9 % above it, the
                # cover bidder well above everyone, the general trader just below
                base = value * rng.uniform(0.85, 0.95)
                for index, (name, _s, registration) in enumerate(bidders):
                    amount = round(base if index == 0 else base * (1 + rng.uniform(0.06, 0.09)), -3)
                    if (name, _s, registration) == cover:
                        amount = round(base * rng.uniform(1.12, 1.2), -3)
                    elif (name, _s, registration) == trader:
                        amount = round(base / 1.075, -3)
                    bids.append(
                        {
                            "id": f"{ocid}-bid-{index + 1}",
                            "date": _iso(start + datetime.timedelta(days=days - 1), 11),
                            "status": "valid",
                            "tenderers": [{"id": f"MN-REG-{registration}", "name": name}],
                            "value": {"amount": amount, "currency": "MNT"},
                        }
                    )
                if org.kind.endswith("department") and number % 3 == 0:
                    for bid in bids:  # a department that disqualifies many bids (R038)
                        if bid["tenderers"][0]["name"] == cover[0]:
                            bid["status"] = "disqualified"
                valid = sorted((b for b in bids if b["status"] == "valid"), key=lambda b: b["value"]["amount"])
                if not valid:
                    valid = sorted(bids, key=lambda b: b["value"]["amount"])[:1]
                    valid[0]["status"] = "valid"
                winner = valid[0]
                if trick == "R024" and len(valid) > 1:
                    valid[1]["value"]["amount"] = round(winner["value"]["amount"] * 1.0005, 0)
                if trick == "R058" and len(valid) > 1:
                    winner["value"]["amount"] = round(valid[1]["value"]["amount"] * 0.45, -3)
                if trick == "R028" and len(bids) > 1:
                    other = next(b for b in bids if b is not winner)
                    other["value"]["amount"] = winner["value"]["amount"]
                if trick == "R030":
                    winner["date"] = _iso(end + datetime.timedelta(days=2), 10)
                if trick == "R035" and len(bids) > 1:
                    for bid in bids:
                        if bid is not winner:
                            bid["status"] = "disqualified"
                if trick == "R036" and len(bids) > 1:
                    cheapest = min(bids, key=lambda b: b["value"]["amount"])
                    if cheapest is winner:
                        winner = next(b for b in valid if b is not cheapest) if len(valid) > 1 else winner
                    if cheapest is not winner:
                        cheapest["status"] = "disqualified"
                        cheapest["value"]["amount"] = round(winner["value"]["amount"] * 0.9, -3)
                supplier_ref = winner["tenderers"][0]
                registration = supplier_ref["id"].removeprefix("MN-REG-")
                award_day = end + datetime.timedelta(days=rng.randrange(5, 20))
                award_value = winner["value"]["amount"]
                award_class = classification
                if supplier_ref["name"] == trader[0]:
                    award_class = rng.choice([g[1] for goods in GOODS.values() for g in goods])
                parties = [
                    _party(
                        b["tenderers"][0]["id"], b["tenderers"][0]["name"], b["tenderers"][0]["id"][7:], ["tenderer"]
                    )
                    for b in bids
                    if b["tenderers"][0]["id"] != supplier_ref["id"]
                ]
                parties.append(_party(supplier_ref["id"], supplier_ref["name"], registration, ["tenderer", "supplier"]))
                signed = award_day + datetime.timedelta(days=rng.randrange(3, 15))
                contract = {
                    "id": f"{ocid}-contract",
                    "awardID": f"{ocid}-award",
                    "status": "active" if year == 2025 else "terminated",
                    "value": {"amount": award_value, "currency": "MNT"},
                    "dateSigned": _iso(signed),
                    "implementation": {
                        "transactions": [
                            {
                                "id": "1",
                                "date": _iso(signed + datetime.timedelta(days=30)),
                                "value": {"amount": round(award_value * 0.5, -3), "currency": "MNT"},
                            }
                        ],
                        "milestones": [
                            {"id": "1", "title": "Нийлүүлэлт", "status": "met" if year < 2025 else "scheduled"}
                        ],
                    },
                }
                releases.append(
                    {
                        "ocid": ocid,
                        "id": f"{ocid}-02",
                        "date": _iso(signed),
                        "tag": ["award", "contract"],
                        "initiationType": "tender",
                        "language": "mn",
                        "parties": parties,
                        "buyer": buyer_ref,
                        "tender": {"id": f"{ocid}-tender", "numberOfTenderers": len(bids), "status": "complete"},
                        "bids": {"details": bids},
                        "awards": [
                            {
                                "id": f"{ocid}-award",
                                "status": "active",
                                "date": _iso(award_day),
                                "value": {"amount": award_value, "currency": "MNT"},
                                "suppliers": [supplier_ref],
                                "items": [
                                    {
                                        "id": "1",
                                        "description": title,
                                        "classification": {"scheme": "UNSPSC", "id": award_class},
                                    }
                                ],
                            }
                        ],
                        "contracts": [contract],
                    }
                )
    return releases


def _seed_monitoring(processes) -> int:
    """Citizens' feedback on a few processes and CSO cases in every state (success, defeat,
    cancelled, and open ones at each step), their summaries published by the network's admin."""
    from iltod.accounts.capabilities import Capability
    from iltod.accounts.models import Membership

    from . import services
    from .models import CaseStep, MonitoringCase, OversightBody, ProcessFeedback
    from .permissions import moderated_network_ids, monitoring_organizations

    created = 0
    linked = [p for p in processes if p.buyer and p.buyer.organization_id]
    if not linked:
        return 0
    if not ProcessFeedback.objects.exists():
        answers = {
            "specification_fair": {"value": False, "comment": "Тодорхой брэндийн нэр шаардсан."},
            "expected_cost_right": {"value": True, "comment": ""},
        }
        for process in linked[:6]:
            services.submit_process_feedback(
                process,
                rating=2,
                answers=answers,
                text="Техникийн тодорхойлолт нэг нийлүүлэгчид тааруулсан юм шиг санагдсан.",
                reporter_name="Иргэн",
            )
            created += 1
    if MonitoringCase.objects.exists():
        return created
    monitor = organization = None
    candidates = (
        Membership.objects.with_capability(Capability.MONITOR_PROCUREMENT)
        .filter(user__is_superuser=False)
        .select_related("user")
        .order_by("pk")
    )
    for membership in candidates:
        organization = monitoring_organizations(membership.user).filter(pk=membership.organization_id).first()
        if organization is not None:
            monitor = membership.user
            break
    if monitor is None:
        return created
    moderator = next(
        (
            m
            for m in Membership.objects.with_capability(Capability.MANAGE_NETWORK)
            .filter(user__is_superuser=False)
            .select_related("user")
            .order_by("pk")
            if moderated_network_ids(m.user)
        ),
        None,
    )
    bodies = list(OversightBody.objects.order_by("order"))
    K = CaseStep.Kind
    # (outcome, steps after the violation, how many of the last steps wait for moderation): the
    # public sees a case where its published steps leave it
    scenarios = [
        ("success", [K.LETTER, K.COMPLAINT, K.RESULT, K.CLOSED], 0),
        ("success", [K.LETTER, K.RESULT, K.CLOSED], 0),
        ("success", [K.COMPLAINT, K.RESULT, K.CLOSED], 0),
        ("defeat", [K.LETTER, K.COMPLAINT, K.RESULT, K.CLOSED], 0),
        ("cancelled", [K.CLOSED], 0),
        ("", [K.LETTER, K.COMPLAINT], 1),
        ("", [K.LETTER, K.RESULT], 0),
        ("", [K.LETTER], 1),
        ("", [], 0),
    ]
    texts = {
        K.LETTER: "Захиалагчид зөрчлийг тайлбарласан албан бичиг хүргүүлсэн.",
        K.COMPLAINT: "Хяналтын байгууллагад гомдол гаргасан.",
        K.RESULT: "Хяналтын байгууллага шалгалт хийж, дүгнэлт гаргасан.",
        K.CLOSED: "Хэргийг хаасан.",
    }
    flagged = [p for p in linked if p.flags.exists()] or linked
    for index, (outcome, steps, waiting) in enumerate(scenarios):
        process = flagged[index % len(flagged)]
        base = process.date or datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
        when = base + datetime.timedelta(days=10)
        case = services.open_case(
            process,
            organization=organization,
            title="Тендерийн шалгуур нэг оролцогчид тааруулсан",
            summary="Тендерийн баримт бичигт нэг үйлдвэрлэгчийн загварыг шаардсан байна.",
            actor=monitor,
            when=when,
        )
        for step_index, kind in enumerate(steps, 1):
            services.add_step(
                case,
                kind=kind,
                summary=texts[kind],
                actor=monitor,
                oversight_body=bodies[step_index % len(bodies)] if kind == K.COMPLAINT and bodies else None,
                outcome=outcome if kind == K.CLOSED else "",
                when=when + datetime.timedelta(days=14 * step_index),
            )
        if moderator is not None:
            for step in case.steps.all()[: len(steps) + 1 - waiting]:
                services.moderate_step(step, actor=moderator.user, publish=True)
        created += 1
    return created


def _mark_monitoring_network() -> None:
    """The demo's procurement subnetwork is the procurement-monitoring network."""
    from .models import MonitoringNetwork

    Organization = apps.get_model("organizations", "Organization")
    network = Organization.objects.filter(email=MONITORING_SUBNETWORK_EMAIL, kind="network").first()
    if network is not None:
        MonitoringNetwork.objects.get_or_create(network=network)


def seed_procurement_demo() -> int:
    """Write the demo rows; returns how many were created."""
    from . import services
    from .models import ContractingProcess, FlagSettings, Release

    created = 0
    _mark_monitoring_network()
    if not FlagSettings.objects.exists():
        # Cardinal's defaults, except R025's lower fence: a fixed 5 % win rate, as Cardinal allows
        ini = services.default_ini().replace("[R025]", "[R025]\nthreshold = 0.05")
        services.save_flag_settings(FlagSettings(name="Илтодын демо тохиргоо", ini=ini), activate=True)
        created += 1
    buyers = _buyers()
    if not buyers:
        return created
    _give_registration_numbers(buyers)
    releases = plan_releases(buyers)
    before = Release.objects.count()
    if Release.objects.filter(ocid__startswith="ocds-demo-mn-").count() >= len(releases):
        return created + _seed_monitoring(
            list(ContractingProcess.objects.select_related("buyer").filter(buyer__organization__isnull=False))
        )
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(
            {
                "uri": "https://demo.iltod.mn/ocds.json",
                "version": "1.1",
                "publishedDate": "2025-12-01T00:00:00Z",
                "releases": releases,
            },
            handle,
            ensure_ascii=False,
        )
    try:
        _job, report = services.import_path(handle.name)
    finally:
        os.unlink(handle.name)
    if not report.ok:
        raise RuntimeError(f"procurement demo import refused: {report.errors[:3]}")
    created += Release.objects.count() - before
    processes = list(
        ContractingProcess.objects.select_related("buyer").filter(buyer__organization__isnull=False).order_by("ocid")
    )
    created += _seed_monitoring(processes)
    return created
