"""Demo multi-stakeholder groups for the demo's aimags and Ulaanbaatar districts.

``seed_engagement_demo`` runs after the demo's places, organisations, personas and feedback exist
(``seed_demo``). For every demo area (an aimag or district with a demo governor's office) it creates
one group with 40–60 members of every stakeholder type, two meetings held (one with named
attendance, one counted by sex and stakeholder type), a planned one, local issues with evidence from
the area's demo feedback and prioritisation votes, and a social accountability project of the
persona CSO. The Arkhangai group is convened by the persona coordinator's CSO, with the monitor and
the education officer as members with accounts.

Every random choice comes from a ``random.Random`` seeded with the area's code, so the same data
gives the same names. Running it again creates only groups that are missing and changes nothing else.
"""

import io
import random
from dataclasses import dataclass
from datetime import time, timedelta

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from iltod.feedback.models import Feedback
from iltod.organizations.models import Organization
from iltod.places.models import AdminUnit, Sector, ServiceUnit

from . import services
from .models import AgeBand, Evidence, Group, GroupMember, LocalIssue, Meeting, Project, Sex, StakeholderType

SEED = "iltod-demo-2026"
DEMO_DOMAIN = "demo.iltod.mn"
PERSONA_AREA = "65"  # Arkhangai: the persona coordinator's CSO convenes its group
PERSONA_CSO = "cso-khangai-oversight"

FEMALE_NAMES = (
    "Сарангэрэл Оюунчимэг Нармандах Энхтуяа Солонго Ариунаа Цэцэгмаа Мөнхзул Туяа Болормаа Номин Ганчимэг "
    "Уранчимэг Дуламсүрэн Алтанцэцэг Сувд Хулан Одгэрэл Баярмаа Ундрах"
).split()
MALE_NAMES = (
    "Батбаяр Ганбаатар Төмөрбаатар Энхбаяр Мөнх-Очир Бат-Эрдэнэ Сүхбат Дамдин Цэрэндорж Болд Ганзориг Тэмүүлэн "
    "Отгонбаяр Баттулга Эрдэнэбат Жаргалсайхан Нямдорж Пүрэвсүрэн Лхагвасүрэн Амарсанаа"
).split()
FATHERS = (
    "Дорж Бат Ганбат Цэрэн Лхагва Пүрэв Очир Гомбо Сүрэн Дашдорж Баяр Энх Мягмар Нямаа Жамсран Доржсүрэн Чулуун Батсүх"
).split()

# How many members of each stakeholder type a group has (at least one of every type).
TYPE_SHARES = {
    StakeholderType.GOVERNORS_OFFICE: (2, 4),
    StakeholderType.KHURAL: (2, 4),
    StakeholderType.HEALTH_DEPARTMENT: (2, 3),
    StakeholderType.EDUCATION_DEPARTMENT: (2, 3),
    StakeholderType.OTHER_GOVERNMENT: (1, 2),
    StakeholderType.SERVICE_PROVIDER: (6, 10),
    StakeholderType.CSO: (4, 7),
    StakeholderType.MEDIA: (1, 3),
    StakeholderType.ACADEMIA: (1, 3),
    StakeholderType.PRIVATE_SECTOR: (1, 2),
    StakeholderType.DONOR: (1, 2),
    StakeholderType.CITIZEN: (12, 18),
    StakeholderType.OTHER: (1, 2),
}
AGE_BANDS = [AgeBand.AGE_18_34, AgeBand.AGE_35_59, AgeBand.AGE_35_59, AgeBand.AGE_60_PLUS, AgeBand.UNKNOWN]

# (sector, facility kinds, feedback categories, title, English title, description)
ISSUES = (
    (
        "education",
        ("general_school",),
        ("edu-meals",),
        "Сургуулийн үдийн цай хангалтгүй",
        "School lunches are not enough",
        "Эцэг эхчүүд үдийн цайны хэмжээ, чанарын талаар олон удаа гомдол гаргасан.",
    ),
    (
        "health",
        ("soum_health_centre", "family_health_centre", "aimag_hospital", "district_hospital"),
        ("health-waiting", "health-staff-conduct", "health-access"),
        "Эрүүл мэндийн төвд эмчийн хүртээмж муу",
        "Too few doctors at the health centre",
        "Эрүүл мэндийн төвд эмч дутагдаж, иргэд удаан хүлээж байна.",
    ),
    (
        "education",
        ("kindergarten",),
        ("edu-enrolment",),
        "Цэцэрлэгийн орон тоо хүрэлцэхгүй",
        "Not enough kindergarten places",
        "Цэцэрлэгт хамрагдаж чадаагүй хүүхдийн тоо нэмэгдсээр байна.",
    ),
)


@dataclass
class EngagementSeedResult:
    groups: int = 0
    groups_created: int = 0
    members_created: int = 0
    meetings_created: int = 0
    issues_created: int = 0
    projects_created: int = 0

    def summary(self) -> str:
        return (
            f"Engagement: {self.groups} groups ({self.groups_created} new), {self.members_created} members, "
            f"{self.meetings_created} meetings, {self.issues_created} local issues and "
            f"{self.projects_created} projects created."
        )


def _rng(*key) -> random.Random:
    return random.Random(":".join([SEED, "engagement", *map(str, key)]))


def _org(local: str):
    return Organization.objects.filter(email=f"{local}@{DEMO_DOMAIN}").first()


def _user(local: str):
    return get_user_model().objects.filter(email=f"{local}@{DEMO_DOMAIN}", is_active=True).first()


def demo_areas() -> list[AdminUnit]:
    """The aimags and districts that have a demo governor's office."""
    codes = [
        email.split("@", 1)[0].removeprefix("governor-")
        for email in Organization.objects.filter(
            email__startswith="governor-", email__endswith=f"@{DEMO_DOMAIN}"
        ).values_list("email", flat=True)
    ]
    return list(AdminUnit.objects.filter(code__in=codes).order_by("code"))


def _person(rng: random.Random) -> tuple[str, str]:
    sex = rng.choice([Sex.FEMALE, Sex.MALE])
    given = rng.choice(FEMALE_NAMES if sex == Sex.FEMALE else MALE_NAMES)
    return f"{rng.choice(FATHERS)} {given}", sex


def _organisations_by_type(area: AdminUnit) -> dict[str, list]:
    code = area.code
    providers = list(
        Organization.objects.filter(
            kind=Organization.Kind.SERVICE_PROVIDER, home_unit__in=area.descendant_ids(), is_active=True
        ).order_by("pk")[:12]
    )
    csos = list(Organization.objects.filter(email__startswith=f"cso-{code}-", email__endswith=f"@{DEMO_DOMAIN}"))
    if code == PERSONA_AREA and _org(PERSONA_CSO):
        csos.insert(0, _org(PERSONA_CSO))
    media = [
        o for o in (_org("media-khangai-news") if code == PERSONA_AREA else None, _org("media-public-broadcaster")) if o
    ]
    found = {
        StakeholderType.GOVERNORS_OFFICE: [_org(f"governor-{code}")],
        StakeholderType.KHURAL: [_org(f"khural-{code}")],
        StakeholderType.HEALTH_DEPARTMENT: [_org(f"health-dept-{code}")],
        StakeholderType.EDUCATION_DEPARTMENT: [_org(f"education-dept-{code}")],
        StakeholderType.SERVICE_PROVIDER: [_org(f"hospital-{code}"), *providers],
        StakeholderType.CSO: csos,
        StakeholderType.MEDIA: media,
        StakeholderType.ACADEMIA: list(Organization.objects.filter(kind=Organization.Kind.ACADEMIA).order_by("pk")[:3]),
        StakeholderType.DONOR: list(Organization.objects.filter(kind=Organization.Kind.DONOR).order_by("pk")[:2]),
        StakeholderType.OTHER_GOVERNMENT: list(
            Organization.objects.filter(kind=Organization.Kind.AGENCY).order_by("pk")[:2]
        ),
    }
    return {kind: [o for o in orgs if o is not None] for kind, orgs in found.items()}


def _convener(area: AdminUnit):
    if area.code == PERSONA_AREA and _org(PERSONA_CSO):
        return _org(PERSONA_CSO)
    return _org(f"cso-{area.code}-1") or _org(f"governor-{area.code}")


def _seed_members(group, area, actor, rng, result) -> list[GroupMember]:
    organisations = _organisations_by_type(area)
    members = []
    joined = timezone.localdate() - timedelta(days=rng.randint(400, 700))
    target = rng.randint(40, 60)
    counts = {kind: rng.randint(*share) for kind, share in TYPE_SHARES.items()}
    while sum(counts.values()) > target:  # trim the largest groups, keep every type
        largest = max(counts, key=counts.get)
        counts[largest] -= 1
    counts[StakeholderType.CITIZEN] += target - sum(counts.values())
    for kind, number in counts.items():
        orgs = organisations.get(kind, [])
        for index in range(number):
            name, sex = _person(rng)
            organization = orgs[index % len(orgs)] if orgs else None
            role = GroupMember.Role.MEMBER
            if kind == StakeholderType.GOVERNORS_OFFICE and index == 0:
                role = GroupMember.Role.CHAIR
            elif kind == StakeholderType.CSO and index == 0:
                role = GroupMember.Role.SECRETARY
            members.append(
                services.add_member(
                    actor=actor,
                    group=group,
                    person_name=name,
                    organization=organization,
                    stakeholder_type=kind,
                    sex=sex,
                    age_band=rng.choice(AGE_BANDS),
                    role=role,
                    phone=f"+9769{rng.randint(1000000, 9999999)}",
                    joined_on=joined,
                )
            )
    # One member left last year: the sign-in sheet and the counts leave them out.
    leaver = next(m for m in members if m.stakeholder_type == StakeholderType.CITIZEN)
    services.update_member(leaver, actor=actor, left_on=timezone.localdate() - timedelta(days=rng.randint(30, 200)))
    if area.code == PERSONA_AREA:
        for local, kind, org_local, role in (
            ("coordinator", StakeholderType.CSO, PERSONA_CSO, GroupMember.Role.COORDINATOR),
            ("monitor", StakeholderType.CSO, PERSONA_CSO, GroupMember.Role.MEMBER),
            ("officer", StakeholderType.EDUCATION_DEPARTMENT, f"education-dept-{area.code}", GroupMember.Role.MEMBER),
        ):
            user = _user(local)
            if user is not None:
                members.append(
                    services.add_member(
                        actor=actor,
                        group=group,
                        user=user,
                        person_name=user.full_name,
                        organization=_org(org_local),
                        stakeholder_type=kind,
                        sex=Sex.FEMALE,
                        role=role,
                        joined_on=joined,
                    )
                )
    result.members_created += len(members)
    return members


def _photo(rng) -> SimpleUploadedFile:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (480, 320), (230, 238, 245))
    draw = ImageDraw.Draw(image)
    for _ in range(14):  # people around a table
        x, y = rng.randint(30, 450), rng.randint(40, 290)
        draw.ellipse((x - 12, y - 12, x + 12, y + 12), fill=(11, 92, 173))
    draw.rectangle((120, 130, 360, 200), fill=(160, 110, 60))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return SimpleUploadedFile("meeting.jpg", buffer.getvalue(), content_type="image/jpeg")


def _seed_meetings(group, area, *, actor, members, rng, result) -> tuple[Meeting, Meeting]:
    today = timezone.localdate()
    venue = f"{area.name_mn}, Засаг даргын Тамгын газрын хурлын танхим"
    first = services.create_meeting(
        actor=actor,
        group=group,
        title="Олон талт бүлгийн улирлын хурал",
        held_on=today - timedelta(days=rng.randint(100, 140)),
        venue=venue,
        agenda="Бүлгийн ажлын төлөвлөгөө\nИргэдийн санал, гомдлын тойм\nОрон нутгийн тулгамдсан асуудлууд\nБусад",
        minutes="Хуралд бүлгийн гишүүд оролцож, иргэдээс ирсэн санал гомдлыг хэлэлцэв. "
        "Эрүүл мэнд, боловсролын тулгамдсан асуудлуудыг жагсаав.",
        decisions="Тулгамдсан асуудлуудыг дараагийн хурлаар эрэмбэлэх\nАсуудал бүрт нотлох баримт цуглуулах",
        status=Meeting.Status.HELD,
        starts_at=time(10, 0),
        ends_at=time(12, 30),
    )
    present = [m for m in members if m.left_on is None and rng.random() < 0.7]
    services.set_named_attendance(first, actor=actor, members=present)
    for _ in range(rng.randint(2, 4)):
        name, sex = _person(rng)
        services.add_guest(
            first, actor=actor, name=name, stakeholder_type=StakeholderType.CITIZEN, sex=sex, age_band=AgeBand.UNKNOWN
        )
    services.add_document(actor=actor, upload=_photo(rng), title="Хурлын зураг", meeting=first)
    second = services.create_meeting(
        actor=actor,
        group=group,
        title="Тулгамдсан асуудлыг эрэмбэлэх хурал",
        kind=Meeting.Kind.PUBLIC_HEARING,
        held_on=today - timedelta(days=rng.randint(30, 50)),
        venue=venue,
        agenda="Асуудлуудын нотолгоо\nОролцогч талуудын санал хураалт\nХамтарсан төлөвлөгөөний төсөл",
        minutes="Оролцогч тал бүр асуудлуудад санал өгч, эрэмбийг тогтоов.",
        decisions="Эхний хоёр асуудлаар хамтарсан үйл ажиллагааны төлөвлөгөө боловсруулах",
        status=Meeting.Status.HELD,
    )
    counts = {}
    for kind in StakeholderType.values:
        for sex in (Sex.FEMALE, Sex.MALE):
            number = rng.randint(0, 12 if kind == StakeholderType.CITIZEN else 3)
            if number:
                counts[(kind, sex.value)] = number
    services.set_attendance_counts(second, actor=actor, counts=counts)
    services.create_meeting(
        actor=actor,
        group=group,
        title="Төлөвлөгөөний явцыг хэлэлцэх хурал",
        held_on=today + timedelta(days=rng.randint(14, 30)),
        venue=venue,
        agenda="Хамтарсан төлөвлөгөөний биелэлт\nШинэ санал, гомдол\nБусад",
    )
    result.meetings_created += 3
    return first, second


def _seed_issues(group, area, *, actor, first, second, rng, result) -> list[LocalIssue]:
    sectors = {s.code: s for s in Sector.objects.filter(code__in=["health", "education"])}
    area_ids = area.descendant_ids()
    issues = []
    for sector_code, kinds, categories, title_mn, title_en, description in ISSUES:
        sector = sectors.get(sector_code)
        facility = (
            ServiceUnit.objects.filter(admin_unit__in=area_ids, kind__in=kinds, is_active=True).order_by("pk").first()
        )
        issue = services.create_issue(
            actor=actor,
            group=group,
            title=title_mn,
            description=f"{description} ({title_en})",
            sector=sector,
            service_unit=facility,
            admin_unit=facility.admin_unit if facility else area,
            raised_at=first,
        )
        in_area = Feedback.objects.filter(admin_unit__in=area_ids).exclude(status=Feedback.Status.DUPLICATE)
        feedback = list(in_area.filter(category__code__in=categories).order_by("pk")[:2]) or list(
            in_area.filter(category__sector=sector).order_by("pk")[:1]
        )
        for item in feedback:
            services.add_evidence(actor=actor, issue=issue, kind=Evidence.Kind.FEEDBACK, feedback=item)
        services.add_evidence(
            actor=actor,
            issue=issue,
            kind=Evidence.Kind.NOTE,
            note="Бүлгийн гишүүд газар дээр нь очиж шалгасан.",
        )
        issues.append(issue)
    votes = {
        (issue, kind): rng.randint(0, 6)
        for issue in issues
        for kind in (StakeholderType.CITIZEN, StakeholderType.CSO, StakeholderType.SERVICE_PROVIDER,
                     StakeholderType.GOVERNORS_OFFICE, StakeholderType.KHURAL)
    }  # fmt: skip
    services.record_prioritisation(second, actor=actor, votes=votes)
    result.issues_created += len(issues)
    return issues


def _seed_project(group, issues, actor, result) -> None:
    cso = _org(PERSONA_CSO)
    title = "Архангай аймгийн сургуулиудад иргэний оноон хуудас"
    if cso is None or Project.objects.filter(title=title, organization=cso).exists():
        return
    today = timezone.localdate()
    services.create_project(
        actor=actor,
        organization=cso,
        title=title,
        tool=Project.Tool.SCORECARD,
        status=Project.Status.ONGOING,
        objectives="Сургуулийн үйлчилгээний чанарыг эцэг эх, сурагчид, багш нар хамтран үнэлж, сайжруулах.",
        budget=18_500_000,
        starts_on=today - timedelta(days=150),
        ends_on=today + timedelta(days=210),
        partners=[o for o in (_org("network-psa"), _org(f"education-dept-{PERSONA_AREA}")) if o],
        facilities=list(cso.covered_service_units.all()[:6]),
        groups=[group],
        issues=issues,
        results="Эхний шатны оноон хуудсаар 3 сургуулийн 420 иргэн оролцов.",
        lessons="Эцэг эхийн хурлын үеэр санал авах нь оролцоог нэмэгдүүлсэн.",
    )
    result.projects_created += 1


@transaction.atomic
def seed_engagement_demo() -> EngagementSeedResult:
    """Create the demo groups that are missing (see the module's docstring)."""
    result = EngagementSeedResult()
    actor = _user("coordinator") or get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    for area in demo_areas():
        convener = _convener(area)
        genitive = "дүүргийн" if area.level == AdminUnit.Level.DISTRICT else "аймгийн"
        name_mn = f"{area.name_mn} {genitive} олон талт бүлэг"
        result.groups += 1
        if Group.objects.filter(admin_unit=area, name_mn=name_mn).exists():
            continue
        rng = _rng(area.code)
        group = services.create_group(
            actor=actor,
            name=name_mn,
            name_mn=name_mn,
            name_en=f"{area.name_en} multi-stakeholder group",
            admin_unit=area,
            convening_organization=convener,
            sectors=list(Sector.objects.filter(code__in=["health", "education"])),
            description_mn="Засаг дарга, иргэдийн Төлөөлөгчдийн Хурал, эрүүл мэнд, боловсролын газар, үйлчилгээ "
            "үзүүлэгчид, иргэний нийгэм, хэвлэл мэдээлэл, эрдэмтэн судлаачид, иргэдийн төлөөллөөс бүрдсэн бүлэг.",
            description_en="The governor's office, the khural, the health and education departments, service "
            "providers, civil society, media, academia and citizens of the area.",
            established_on=timezone.localdate() - timedelta(days=rng.randint(500, 900)),
        )
        result.groups_created += 1
        members = _seed_members(group, area, actor, rng, result)
        first, second = _seed_meetings(group, area, actor=actor, members=members, rng=rng, result=result)
        issues = _seed_issues(group, area, actor=actor, first=first, second=second, rng=rng, result=result)
        if area.code == PERSONA_AREA:
            _seed_project(group, issues, actor, result)
    return result
