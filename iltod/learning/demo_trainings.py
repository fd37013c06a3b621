"""Demo data of trainings, people, the strategic plan, the library and resources: 25 trainings with
about 700 participations by about 450 people (some came to several trainings), scores,
certificates and follow-ups; one strategic plan with progress; 30 library items; a year of
resources. Deterministic (a seeded random generator) and idempotent (nothing is written twice).
People, participations and attendance are written with bulk_create: the services' checks are
exercised by the tests, and the demo must stay fast."""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from iltod.engagement.models import AgeBand, Sex, StakeholderType
from iltod.places.locality import Locality, localities
from iltod.places.models import AdminUnit

from . import services
from .demo_network import national_network, network_admin, network_members
from .models import (
    FollowUp,
    LibraryItem,
    MarginalisedGroup,
    Participation,
    Person,
    Resource,
    SessionAttendance,
    StrategicPlan,
    Training,
    TrainingSession,
)
from .services.trainings import name_key

SEED = "iltod-learning-trainings"
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
GIVEN = (
    "Батбаяр Оюунчимэг Энхтуяа Ганбаатар Сарантуяа Төмөрбаатар Нарантуяа Мөнхзул Болормаа Эрдэнэбат Алтанцэцэг "
    "Баярмаа Дэлгэрмаа Мөнхбат Цэцэгмаа Бат-Эрдэнэ Хулан Номин Тэмүүлэн Анужин Солонго Ганзориг Отгонбаяр "
    "Уранчимэг Пүрэвсүрэн Жаргалсайхан Гэрэлмаа Амарсанаа Мягмарсүрэн Долгорсүрэн"
).split()
INITIALS = "АБГДЛМНОСТЦЧЭ"
TITLES = [
    ("sac101", "Нийгмийн хариуцлагын үндэс (НХ 101)"),
    ("tool", "Иргэдийн үнэлгээний карт: сургагч багшийн сургалт"),
    ("tool", "Худалдан авалтын хяналт: нээлттэй гэрээлэлтийн өгөгдөл"),
    ("tool", "Төсвийн зарцуулалтын хяналт (PETS)"),
    ("workshop", "Хамтарсан хэлэлцүүлэг зохион байгуулах нь"),
    ("mentoring", "Аймгийн ТББ-уудад зөвлөн туслах"),
    ("exchange", "Туршлага судлах айлчлал"),
    ("tool", "Нийгмийн аудит"),
    ("workshop", "Хэвлэл мэдээлэлтэй хамтран ажиллах нь"),
]


def _code(rng, length=10) -> str:
    return "".join(rng.choice(CODE_ALPHABET) for _ in range(length))


def _people(rng, members, aimags, count) -> list[Person]:
    people = []
    top = {m.pk: m.home_unit.top_level_unit for m in members if m.home_unit_id}  # once per organisation
    for n in range(count):
        organization = rng.choice(members) if members and rng.random() < 0.8 else None
        aimag = top.get(organization.pk) if organization else None
        aimag = aimag or rng.choice(aimags)
        consent = rng.random() < 0.6
        full_name = f"{rng.choice(INITIALS)}. {rng.choice(GIVEN)}"
        people.append(
            Person(
                code=_code(rng, 8),
                full_name=full_name,
                sex=rng.choices([Sex.FEMALE, Sex.MALE, Sex.UNDISCLOSED], [58, 38, 4])[0],
                age_group=rng.choices(
                    [AgeBand.AGE_18_34, AgeBand.AGE_35_59, AgeBand.AGE_60_PLUS, AgeBand.UNKNOWN], [40, 45, 8, 7]
                )[0],
                stakeholder_type=rng.choices(
                    [
                        StakeholderType.CSO,
                        StakeholderType.GOVERNORS_OFFICE,
                        StakeholderType.SERVICE_PROVIDER,
                        StakeholderType.KHURAL,
                        StakeholderType.MEDIA,
                        StakeholderType.ACADEMIA,
                        StakeholderType.CITIZEN,
                    ],
                    [50, 14, 10, 6, 5, 5, 10],
                )[0],
                organization=organization,
                aimag=aimag,
                phone=f"+9769{n:03d}{rng.randint(1000, 9999)}" if rng.random() < 0.85 else "",
                email=f"demo.person{n}@example.mn" if rng.random() < 0.4 else "",
                name_key=name_key(full_name, str(organization) if organization else ""),
                consents_to_sensitive=consent,
                marginalised_group=rng.choices(
                    [MarginalisedGroup.NONE, MarginalisedGroup.HERDER, MarginalisedGroup.LOW_INCOME], [80, 12, 8]
                )[0]
                if consent
                else "",
                has_disability=(rng.random() < 0.06) if consent else None,
            )
        )
    return people


def _with_soums(people: list[Person]) -> list[Person]:
    """Most people give their soum or district: half of them live in the aimag centre, the rest
    anywhere in the aimag; one in four gives none. A stream of its own, so the people drawn above
    stay the same."""
    rng = random.Random(SEED + "-soums")
    known = localities()
    below: dict[int, list[AdminUnit]] = {}
    for unit in AdminUnit.objects.current().filter(level__in=["soum", "district"]).order_by("code"):
        below.setdefault(unit.parent_id, []).append(unit)
    for person in people:
        soums = below.get(person.aimag_id)
        if not soums or rng.random() < 0.25:
            continue
        centres = [soum for soum in soums if known.get(soum.pk) == Locality.CENTRE] or soums
        person.soum = rng.choice(centres) if rng.random() < 0.5 else rng.choice(soums)
    return people


@transaction.atomic
def seed_trainings() -> int:
    network = national_network()
    if network is None or Training.objects.filter(organiser=network).exists():
        return 0
    rng = random.Random(SEED)
    admin = network_admin(network)
    members = network_members(network)
    aimags = list(AdminUnit.objects.current().top_level().order_by("code"))
    if not aimags:
        return 0
    today = timezone.localdate()
    people = _with_soums(_people(rng, members, aimags, 450))
    people = Person.objects.bulk_create(people)
    created = len(people)
    next_new = 0  # people are met in order: people[:next_new] came to an earlier training
    participations, attendances = [], []
    trainings = []
    for n in range(25):
        kind, title = TITLES[n % len(TITLES)]
        start = today - datetime.timedelta(days=700 - n * 28)
        if n >= 23:
            start = today + datetime.timedelta(days=10 * (n - 21))  # two planned trainings ahead
        days = rng.choice([1, 2, 2, 3])
        aimag = rng.choice(aimags)
        training = Training(
            code=_code(rng, 8),
            title=f"{title}, {aimag.name}",
            kind=kind,
            status=Training.Status.HELD if start <= today else Training.Status.PLANNED,
            organiser=network if n % 3 else (rng.choice(members) if members else network),
            trainers="Ариунаа С., Ганбат Б.",
            venue=aimag.name,
            aimag=aimag,
            starts_on=start,
            ends_on=start + datetime.timedelta(days=days - 1),
            max_score=20,
            created_by=admin,
        )
        trainings.append(training)
    Training.objects.bulk_create(trainings)
    created += len(trainings)
    sessions = TrainingSession.objects.bulk_create(
        TrainingSession(training=t, held_on=t.starts_on + datetime.timedelta(days=d), order=d, title=f"{d + 1}-р өдөр")
        for t in trainings
        for d in range((t.ends_on - t.starts_on).days + 1)
    )
    created += len(sessions)
    sessions_of = {}
    for session in sessions:
        sessions_of.setdefault(session.training_id, []).append(session)
    first_trained: dict[int, datetime.date] = {}
    for training in trainings:
        size = rng.randint(22, 34)
        held = training.status == Training.Status.HELD
        # about two in three are new to the network's trainings, the others come back
        earlier = next_new
        returning = min(size - round(size * 0.66), earlier)
        fresh = min(size - returning, len(people) - next_new)
        chosen = set(range(next_new, next_new + fresh)) | set(rng.sample(range(earlier), returning))
        next_new += fresh
        for index in sorted(chosen):
            person = people[index]
            came = sessions_of[training.pk] if held and rng.random() < 0.95 else []
            if came and len(came) > 1 and rng.random() < 0.15:
                came = came[:-1]
            pre = Decimal(rng.randint(4, 14)) if came and rng.random() < 0.8 else None
            post = min(Decimal(20), pre + rng.randint(0, 7)) if pre is not None else None
            participation = Participation(
                training=training,
                person=person,
                held_on=training.starts_on,
                sessions_attended=len(came),
                pre_score=pre,
                post_score=post,
            )
            if post is not None and post >= 12:
                participation.certificate_code = _code(rng)
                participation.certificate_issued_on = training.ends_on
            participations.append((participation, came))
            if came:
                first = first_trained.get(person.pk)
                first_trained[person.pk] = min(first, training.starts_on) if first else training.starts_on
    Participation.objects.bulk_create([p for p, _came in participations])
    created += len(participations)
    for participation, came in participations:
        attendances += [SessionAttendance(session=s, participation=participation) for s in came]
    SessionAttendance.objects.bulk_create(attendances)
    created += len(attendances)
    for person in people:
        person.first_trained_on = first_trained.get(person.pk)
    Person.objects.bulk_update(people, ["first_trained_on"])
    follow_ups = []
    for participation, came in participations:
        ended = participation.training.ends_on
        if came and (today - ended).days >= 100 and rng.random() < 0.5:
            applied = rng.random() < 0.75
            follow_ups.append(
                FollowUp(
                    participation=participation,
                    answered_on=ended + datetime.timedelta(days=rng.randint(95, 170)),
                    applied=applied,
                    with_whom=rng.choice(["Сумын ИТХ", "Сургуулийн захиргаа", "Эрүүл мэндийн төв", "Иргэд"]),
                    what_changed=rng.choice(
                        [
                            "Иргэдийн үнэлгээний картыг сумандаа хэрэгжүүлсэн.",
                            "Худалдан авалтын хоёр гэрээг хянаж, зөрчлийг мэдээлсэн.",
                            "Хамтарсан хэлэлцүүлэгт оролцож, арга хэмжээний төлөвлөгөө гаргасан.",
                        ]
                    )
                    if applied
                    else "",
                    changed_practice=applied and rng.random() < 0.6,
                    entered_by=admin,
                )
            )
    follow_ups = [f for f in follow_ups if f.answered_on <= today]
    FollowUp.objects.bulk_create(follow_ups)
    created += len(follow_ups)
    return created


def seed_strategic_plan() -> int:
    network = national_network()
    if network is None or StrategicPlan.objects.filter(network=network).exists():
        return 0
    admin = network_admin(network)
    members = network_members(network)
    year = timezone.localdate().year
    plan = services.create_strategic_plan(
        actor=admin,
        network=network,
        title=f"Түншлэлийн стратеги төлөвлөгөө {year - 1}–{year + 1}",
        title_en=f"Partnership strategic plan {year - 1}–{year + 1}",
        summary="Гишүүдийн чадавх, нийгмийн хариуцлагын хэрэгслүүдийг өргөжүүлэх, сүлжээний тогтвортой байдал.",
        summary_en="Members' capacity, wider use of social accountability tools, the network's sustainability.",
        starts_on=datetime.date(year - 1, 1, 1),
        ends_on=datetime.date(year + 1, 12, 31),
        visibility=StrategicPlan.Visibility.PUBLIC,
    )
    created = 1
    rng = random.Random(SEED + "-plan")
    english = {  # the plan is written in both languages
        "Гишүүдийн чадавхыг бэхжүүлэх": "Strengthen members' capacity",
        "НХ 101 сургалтыг бүх аймагт хүргэх": "Take the SAc 101 orientation to every aimag",
        "Сургагч багш бэлтгэх": "Prepare trainers",
        "Нийгмийн хариуцлагын хэрэгслийг өргөжүүлэх": "Widen the use of social accountability tools",
        "Иргэдийн үнэлгээний картыг 50 суманд хэрэгжүүлэх": "Run community score cards in 50 soums",
        "Худалдан авалтын хяналтын дэд сүлжээг бэхжүүлэх": "Strengthen the procurement monitoring subnetwork",
        "Сүлжээний тогтвортой байдал": "The network's sustainability",
        "Өөрийн орлогыг нэмэгдүүлэх": "Raise the network's own income",
        "Мэдлэгийн санг баяжуулах": "Grow the library of knowledge",
    }
    tree = {
        "Гишүүдийн чадавхыг бэхжүүлэх": ["НХ 101 сургалтыг бүх аймагт хүргэх", "Сургагч багш бэлтгэх"],
        "Нийгмийн хариуцлагын хэрэгслийг өргөжүүлэх": [
            "Иргэдийн үнэлгээний картыг 50 суманд хэрэгжүүлэх",
            "Худалдан авалтын хяналтын дэд сүлжээг бэхжүүлэх",
        ],
        "Сүлжээний тогтвортой байдал": ["Өөрийн орлогыг нэмэгдүүлэх", "Мэдлэгийн санг баяжуулах"],
    }
    points = ["Төлөвлөгөө гаргах", "Хэрэгжүүлэх", "Үр дүнг үнэлэх"]
    for area_title, objectives in tree.items():
        area = services.add_focus_area(plan, actor=admin, title=area_title, title_en=english[area_title])
        created += 1
        for objective_title in objectives:
            objective = services.add_objective(
                area, actor=admin, title=objective_title, title_en=english[objective_title]
            )
            created += 1
            for n, point in enumerate(points):
                due = datetime.date(year - 1 + n, rng.choice([3, 6, 9, 12]), 28)
                action = services.add_action_point(
                    objective,
                    actor=admin,
                    title=f"{objective_title}: {point.lower()}",
                    lead_organization=rng.choice(members) if members else network,
                    partners=rng.sample(members, 2) if len(members) >= 2 else [],
                    due_on=due,
                )
                created += 1
                if due < timezone.localdate():
                    from iltod.engagement import services as engagement

                    done = rng.random() < 0.6
                    engagement.post_update(
                        action,
                        actor=admin,
                        text="Хэрэгжилтийн явцыг хянаж баталгаажуулсан.",
                        new_status="done" if done else "in_progress",
                        new_progress=None if done else rng.choice([30, 50, 70]),
                    )
                    created += 1
    services.add_review(
        plan,
        actor=admin,
        held_on=datetime.date(year, 1, 20),
        summary="Жилийн хяналт: эхний жилийн арга хэмжээний явц.",
        decisions="НХ 101 сургалтыг баруун бүсэд нэмэх\nӨөрийн орлогын зорилтыг 30% болгох",
    )
    return created + 1


LIBRARY = [
    (
        "definition",
        "Нийгмийн хариуцлагын ажлын тодорхойлолт",
        "Working definition of social accountability",
        "Нийгмийн хариуцлага гэдэг нь иргэд, иргэний нийгмийн байгууллагууд төрийн байгууллагаас үйлчилгээ, "
        "шийдвэр, төсвийн талаар хариуцлага нэхэх бүтээлч, хамтын оролцоо юм.",
        "",
    ),
    (
        "guide",
        "Иргэдийн үнэлгээний карт хэрэгжүүлэх гарын авлага",
        "Community score card guide",
        "Бэлтгэл, оролцогчдын бүлэг, оноо өгөх, хамтарсан хэлэлцүүлэг, арга хэмжээний төлөвлөгөө.",
        "scorecard",
    ),
    (
        "guide",
        "Худалдан авалтын хяналтын гарын авлага",
        "Procurement monitoring guide",
        "Нээлттэй гэрээлэлтийн өгөгдөл унших, эрсдэлийн дохиог тайлбарлах, хяналтын хэрэг нээх.",
        "procurement_monitoring",
    ),
    (
        "guide",
        "Нийгмийн аудитын гарын авлага",
        "Social audit guide",
        "Баримт цуглуулах, олон нийтийн сонсгол, дүгнэлт.",
        "social_audit",
    ),
    (
        "guide",
        "Төсвийн зарцуулалтын хяналт (PETS)",
        "Public expenditure tracking",
        "Төсвийн урсгалыг шатлал бүрээр мөшгих.",
        "pets",
    ),
    (
        "guide",
        "Оролцооны төсөвлөлт",
        "Participatory budgeting",
        "Орон нутгийн хөгжлийн санг иргэдтэй хамтран төлөвлөх.",
        "participatory_budgeting",
    ),
]


def seed_library() -> int:
    network = national_network()
    if network is None or LibraryItem.objects.filter(network=network).exists():
        return 0
    admin = network_admin(network)
    rng = random.Random(SEED + "-library")
    aimags = list(AdminUnit.objects.current().top_level().order_by("code"))
    items = list(LIBRARY)
    for n in range(12):
        aimag = aimags[n % len(aimags)] if aimags else None
        place = aimag.name if aimag else ""
        items.append(
            (
                "case_study",
                f"{place}: иргэдийн үнэлгээний карт сургуульд",
                f"{place}: score card at a school",
                f"{place} аймгийн сургуульд хэрэгжүүлсэн туршлага, үр дүн, сургамж.",
                "scorecard",
            )
        )
    for n in range(8):
        items.append(
            (
                "lesson",
                f"Сургамж {n + 1}: засаг захиргаатай хамтран ажиллах нь",
                f"Lesson {n + 1}",
                "Юу хийсэн, хаана, яагаад амжилттай эсвэл амжилтгүй болсон.",
                "",
            )
        )
    for n in range(4):
        items.append(("other", f"Тайлан {n + 1}", f"Report {n + 1}", "Сүлжээний үйл ажиллагааны тайлан.", ""))
    trainings = list(Training.objects.filter(organiser=network, status=Training.Status.HELD).order_by("starts_on")[:2])
    for training in trainings:
        items.append(
            (
                "workshop",
                f"Семинарын баримтжуулалт: {training.title}"[:255],
                "",
                "Явц, хэлэлцсэн асуудал, тохиролцоо, үр дүн.",
                "",
            )
        )
    created = 0
    for n, (kind, title_mn, title_en, body, tool) in enumerate(items[:30]):
        aimag = rng.choice(aimags) if kind == "case_study" and aimags else None
        fields = {
            "network": network,
            "kind": kind,
            "title_mn": title_mn,
            "title_en": title_en,
            "body_mn": body,
            "sa_tool": tool,
            "aimag": aimag,
        }
        if kind == "workshop":
            fields["training"] = trainings[n % len(trainings)]
        item = services.save_item(actor=admin, submit=n % 10 != 9, **fields)
        if n % 10 not in (8, 9):  # two in review, one draft in every ten
            services.publish_item(item, actor=admin)
        created += 1
    return created


def seed_resources() -> int:
    network = national_network()
    if network is None or Resource.objects.filter(network=network).exists():
        return 0
    admin = network_admin(network)
    members = network_members(network)
    year = timezone.localdate().year - 1
    created = 0
    for n, member in enumerate(members[:40]):
        services.record_resource(
            actor=admin,
            network=network,
            kind=Resource.Kind.FEE,
            title=f"Гишүүнчлэлийн хураамж {year}",
            source=member.name,
            amount=Decimal(300_000),
            starts_on=datetime.date(year, 1 + n % 12, 10),
        )
        created += 1
    grants = [
        ("won", "Нийгмийн хариуцлагын хөтөлбөр", "Хандивлагч сан", 85_000_000),
        ("won", "Худалдан авалтын хяналт", "Олон улсын байгууллага", 42_000_000),
        ("submitted", "Залуучуудын оролцоо", "Хандивлагч сан", 30_000_000),
        ("lost", "Хэвлэл мэдээллийн хамтын ажиллагаа", "Элчин сайдын яам", 15_000_000),
        ("idea", "Аймгийн сүлжээг бэхжүүлэх", "", 20_000_000),
    ]
    for n, (status, title, source, amount) in enumerate(grants):
        services.record_resource(
            actor=admin,
            network=network,
            kind=Resource.Kind.GRANT,
            status=status,
            title=title,
            source=source,
            amount=Decimal(amount),
            starts_on=datetime.date(year, 2 + n * 2, 1),
            ends_on=datetime.date(year + 1, 2 + n * 2, 1),
        )
        created += 1
    for n in range(6):
        services.record_resource(
            actor=admin,
            network=network,
            kind=Resource.Kind.SERVICE,
            title="Засаг даргын тамгын газарт НХ сургалт" if n % 2 else "Хэлэлцүүлгийн чиглүүлэгч",
            source="Аймгийн ЗДТГ",
            amount=Decimal(2_500_000 + n * 500_000),
            starts_on=datetime.date(year, 3 + n, 15),
        )
        created += 1
    for n in range(3):
        services.record_resource(
            actor=admin,
            network=network,
            kind=Resource.Kind.IN_KIND,
            title="Хурлын танхим" if n else "Сайн дурынхны цаг",
            source="Гишүүн байгууллага",
            amount=Decimal(800_000),
            starts_on=datetime.date(year, 5 + n * 2, 1),
        )
        created += 1
    return created
