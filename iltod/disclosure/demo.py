"""Demo data for disclosure and open data (called by ``seed_demo``): deterministic and idempotent."""


def seed_disclosure_demo() -> int:
    """Write the demo rows; returns how many were created."""
    created = 0
    created += _seed_obligations()
    created += _seed_facility_data()
    created += _seed_budgets()
    created += _seed_projects()
    return created


# --- obligations and compliance


def _seed_obligations() -> int:
    """The example Glass Account-style requirements from two years ago, every demo body's schedule
    and its record: most items on time, some late (half of them explained), some missing. The
    demo school keeps an item missing and one late without an explanation for its director."""
    import random
    from datetime import date, datetime, time, timedelta

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.utils import timezone

    from iltod.demo.data import SEED

    from .models import Disclosure, DisclosureRequirement
    from .services import obligations as service

    today = timezone.localdate()
    created = service.load_example_requirements(date(today.year - 2, 1, 1))
    before = Disclosure.objects.count()
    service.generate_schedule(today)
    created += Disclosure.objects.count() - before
    document = "disclosure/demo/report.csv"
    if not default_storage.exists(document):
        document = default_storage.save(document, ContentFile("\ufeffмөр,дүн\nнийт,0\n".encode()))
    explanations = (
        "Нягтлан бодогч чөлөө авсан тул тайланг хугацаанд нь гаргаж чадсангүй.",
        "Төсвийн гүйцэтгэлийн мэдээг Сангийн яамнаас хожуу баталгаажуулсан.",
        "Цахим системийн доголдлын улмаас хоцорч нийтэлсэн.",
    )
    persona_school = _persona_school_id()
    zone = timezone.get_current_timezone()
    changed = []
    pending = (
        Disclosure.objects.filter(published_at__isnull=True, due_on__lt=today, requirement__is_example=True)
        .select_related("requirement", "organization")
        .order_by("pk")
    )
    for item in pending.iterator(chunk_size=2000):
        rng = random.Random(f"{SEED}-disclosure-{item.requirement.code}-{item.organization.name}-{item.period_start}")
        roll = rng.random()
        recent = (today - item.due_on).days < 45
        if item.organization_id == persona_school and recent:
            continue  # left missing: the director publishes it late and explains
        if roll < 0.15:
            continue  # missing
        late = roll < 0.32
        if late:
            day = item.due_on + timedelta(days=rng.randint(2, 40))
        else:
            day = max(item.period_end + timedelta(days=1), item.due_on - timedelta(days=rng.randint(0, 8)))
        day = min(day, today - timedelta(days=1))
        item.published_at = datetime.combine(day, time(10, rng.randint(0, 59)), tzinfo=zone)
        item.status = service.status_for(item.due_on, item.published_at)
        if item.requirement.form == DisclosureRequirement.Form.DATASET:
            item.dataset_code = item.requirement.dataset_code
            item.dataset_period = item.period_label
        else:
            item.document = document
            item.document_type = "text/csv"
            item.document_size = default_storage.size(document)
        if item.status == Disclosure.Status.LATE and rng.random() < 0.5 and item.organization_id != persona_school:
            item.explanation = rng.choice(explanations)
            item.explained_at = item.published_at
        changed.append(item)
    Disclosure.objects.bulk_update(
        changed,
        ["published_at", "status", "dataset_code", "dataset_period", "document", "document_type", "document_size",
         "explanation", "explained_at"],
        batch_size=2000,
    )  # fmt: skip
    service.mark_missing(today)
    service.refresh_summary()
    return created


def _persona_school_id() -> int | None:
    """The demo school director's school, as a body."""
    from iltod.accounts.models import Membership
    from iltod.demo.data import demo_email

    membership = Membership.objects.filter(user__email=demo_email("director")).order_by("pk").first()
    return membership.organization_id if membership else None


# --- facility data that citizens check


def _seed_facility_data() -> int:
    """Three years of figures for every demo school, kindergarten and health facility, published by
    their operators, and a Check My School campaign in the persona school's aimag with checks,
    disputes answered (one corrected, one answered through feedback) and disputes still open."""
    import random
    from decimal import Decimal

    from django.contrib.auth import get_user_model

    from iltod.accounts.models import Membership
    from iltod.demo.data import PERSONA_SCHOOL_UNIT, SEED, demo_email
    from iltod.places.models import ServiceUnit

    from .models import FacilityIndicator, FacilityValue, ValidationCampaign, ValueCheck
    from .services import facility_data as service

    indicators = {i.code: i for i in FacilityIndicator.objects.filter(is_active=True)}
    kinds = {kind for indicator in indicators.values() for kind in indicator.kinds}
    facilities = list(
        ServiceUnit.objects.filter(is_active=True, kind__in=kinds)
        .exclude(pk__in=FacilityValue.objects.values("facility_id"))
        .order_by("code")
        .values_list("pk", "code", "kind", "operator_id")
    )
    created = 0
    cells, publishers = [], {}
    years = [str(service.today().year - back) for back in (3, 2, 1)]
    for pk, code, kind, operator_id in facilities:
        rng = random.Random(f"{SEED}-values-{code}")
        publishers[pk] = operator_id
        health = kind not in ("general_school", "kindergarten")
        size = rng.randint(80, 900) if not health else rng.randint(1500, 25000)
        for step, year in enumerate(years):
            grow = 1 + step * rng.uniform(-0.03, 0.06)
            if health:
                staff = max(2, int(size / 700))
                figures = {
                    "doctors": max(1, int(staff * rng.uniform(0.6, 1.2))),
                    "nurses": int(staff * rng.uniform(1.2, 2.0)),
                    "other_staff": int(staff * rng.uniform(0.5, 1.0)),
                    "population_served": int(size * grow),
                    "medicine_stockouts": rng.choice((0, 0, 1, 2, 3, 5)),
                    "equipment_working": rng.randint(3, 20),
                    "beds": int(size / 500) + rng.randint(0, 6),
                    "patients": int(size * rng.uniform(0.8, 2.5)),
                    "heating": rng.choice((1, 1, 1, 0)),
                }
            else:
                pupils = int(size * grow)
                girls = int(pupils * rng.uniform(0.46, 0.53))
                figures = {
                    "pupils_girls": girls,
                    "pupils_boys": pupils - girls,
                    "pupils": pupils,
                    "teachers": max(2, int(pupils / rng.uniform(18, 32))),
                    "classrooms": max(2, int(pupils / rng.uniform(25, 35))),
                    "toilets_girls": rng.randint(0, 12),
                    "toilets_boys": rng.randint(0, 12),
                    "drinking_water": rng.choice((1, 1, 1, 0)),
                    "heating": rng.choice((1, 1, 1, 0)),
                }
                if kind == "general_school":
                    figures |= {
                        "textbooks": int(pupils * rng.uniform(1.5, 6)),
                        "dormitory_places": rng.choice((0, 0, 40, 80, 120)),
                        "exam_average": round(rng.uniform(420, 640), 1),
                    }
            budget = Decimal(size) / (20 if not health else 200) * Decimal(rng.uniform(0.9, 1.3))
            figures["budget_allocated"] = round(budget, 1)
            figures["budget_received"] = round(budget * Decimal(rng.choice((1, 1, 1, 0.92, 0.85))), 1)
            for code_, number in figures.items():
                indicator = indicators.get(code_)
                if indicator is not None and indicator.applies_to(kind):
                    cells.append(service.Cell(pk, indicator, year, Decimal(str(number)).quantize(Decimal("0.0001"))))
    pairs: set = set()
    for start in range(0, len(cells), 20000):
        written = service._write(
            cells[start : start + 20000],
            actor=None,
            source=service.Source.UPLOAD,
            publisher_ids=publishers,
            medians=pairs,
        )
        created += written[0]
    service.refresh_medians(pairs)

    # The campaign: the monitor's CSO checks schools of the persona school's aimag.
    users = get_user_model().objects.filter(email__in=[demo_email(k) for k in ("monitor", "director", "citizen")])
    people = {u.email: u for u in users}
    monitor = people.get(demo_email("monitor"))
    director = people.get(demo_email("director"))
    director_orgs = Membership.objects.filter(user=director).values("organization_id") if director else []
    school = (
        ServiceUnit.objects.filter(operator_id__in=director_orgs, kind="general_school").order_by("code").first()
        or ServiceUnit.objects.filter(admin_unit__code=PERSONA_SCHOOL_UNIT, kind="general_school")
        .order_by("code")
        .first()
    )
    title = "Сургуулийн нийтэлсэн тоо мэдээг шалгах аян"
    if monitor is None or school is None or ValidationCampaign.objects.filter(title=title).exists():
        return created
    membership = Membership.objects.filter(user=monitor).select_related("organization").first()
    aimag = school.admin_unit.top_level_unit
    period = years[-1]
    campaign = service.create_campaign(
        actor=monitor,
        organization=membership.organization,
        title=title,
        admin_unit=aimag,
        period=period,
        indicators=[indicators[c] for c in ("pupils", "teachers", "textbooks", "toilets_girls", "drinking_water")],
    )
    schools = [
        school,
        *ServiceUnit.objects.active()
        .in_area(aimag)
        .filter(kind="general_school")
        .exclude(pk=school.pk)
        .order_by("code")[:7],
    ]
    for facility in schools:
        service.assign_volunteer(campaign, facility, monitor, actor=monitor)
    created += 1 + len(schools)
    rng = random.Random(f"{SEED}-campaign")
    admin = get_user_model().objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    disputes = []
    for number, facility in enumerate(schools[:6]):
        values = FacilityValue.objects.filter(
            facility=facility, period=period, indicator__code__in=["pupils", "teachers", "textbooks"]
        ).select_related("indicator")
        for value in values:
            if number < 4 and value.indicator.code == "textbooks":
                check = service.check_value(
                    value,
                    verdict=ValueCheck.Verdict.DISPUTE,
                    observed_value=(value.value * Decimal("0.4")).quantize(Decimal(1)),
                    comment="Сурах бичгийн ихэнх нь хуучин, хүрэлцэхгүй байна.",
                    user=monitor,
                    campaign=campaign,
                )
                disputes.append(check)
            else:
                check = service.check_value(value, verdict=ValueCheck.Verdict.CONFIRM, user=monitor, campaign=campaign)
            created += 1
            if admin is not None and rng.random() < 0.9:  # a few checks still wait for moderation
                service.moderate_check(check, actor=admin, publish=True)
    # One dispute corrected by the publisher, one answered through its feedback item; the rest stay open.
    if disputes:
        from iltod.disclosure.permissions import can_publish_values

        first = disputes[0]
        publisher = director if director and can_publish_values(director, first.value.facility) else admin
        if publisher is not None:
            service.correct_value(first.value, first.observed_value, actor=publisher)
    if len(disputes) > 1 and disputes[1].feedback_id and admin is not None:
        from iltod.feedback import services as feedback_services

        feedback_services.change_status(
            disputes[1].feedback,
            "resolved",
            actor=admin,
            text="Сурах бичгийн тоог дахин тоолж шалгахад нийтэлсэн тоо зөв байна: хуучин номыг ч тоонд оруулсан.",
        )
        service.answer_disputes()
    return created


# --- budgets, transfers and Local Development Fund projects


def _seed_budgets() -> int:
    """Last year's operating budget of schools followed down the chain in every demo aimag:
    Ministry of Education → the aimag's education department → each general school, with a budget
    line per school. Money stops at one step: the Arkhangai department passes on less than it
    received to the schools of Battsengel and Tsetserleg; in Khovd the ministry's release is late."""
    import random
    from datetime import date, timedelta
    from decimal import Decimal

    from iltod.demo.data import AIMAG_CODES, SEED, demo_email
    from iltod.organizations.models import Organization
    from iltod.places.models import ServiceUnit

    from .models import BudgetLine, Transfer

    ministry = Organization.objects.filter(email=demo_email("ministry-education")).first()
    if ministry is None or Transfer.objects.filter(from_organization=ministry, code__startswith="DEMO-").exists():
        return 0
    year = date.today().year - 1
    departments = {
        o.email.split("@")[0].rsplit("-", 1)[1]: o
        for o in Organization.objects.filter(email__in=[demo_email(f"education-dept-{code}") for code in AIMAG_CODES])
    }
    steps, lines, children = [], [], []
    for code in AIMAG_CODES:
        department = departments.get(code)
        if department is None:
            continue
        rng = random.Random(f"{SEED}-transfers-{code}")
        schools = list(
            ServiceUnit.objects.filter(
                kind=ServiceUnit.Kind.GENERAL_SCHOOL, is_active=True, admin_unit__parent__code=code
            ).order_by("code")[:12]
        ) + list(
            ServiceUnit.objects.filter(
                kind=ServiceUnit.Kind.GENERAL_SCHOOL, is_active=True, admin_unit__code=code
            ).order_by("code")[:4]
        )
        per_school = [Decimal(rng.randrange(180, 420)) * 1_000_000 for _school in schools]
        total = sum(per_school, Decimal(0))
        late = code == "84"  # the ministry's release to Khovd is three weeks late
        received_on = date(year, 1, 20) + timedelta(days=24 if late else rng.randint(0, 3))
        top = Transfer(
            code=f"DEMO-OPS-{code}",
            fiscal_year=year,
            purpose="Ерөнхий боловсролын сургуулийн урсгал зардал",
            from_organization=ministry,
            to_organization=department,
            admin_unit_id=department.home_unit_id,
            allocated=total,
            released=total,
            received=total,
            allocated_on=date(year, 1, 5),
            expected_on=date(year, 1, 25),
            released_on=received_on - timedelta(days=2),
            received_on=received_on,
        )
        steps.append(top)
        for school, amount in zip(schools, per_school, strict=True):
            # Arkhangai's department keeps back a share of what the schools of two soums were allocated.
            leak = Decimal("0.18") if code == "65" and school.admin_unit.code in ("6501", "6504") else Decimal(0)
            received = (amount * (1 - leak)).quantize(Decimal(1))
            arrived = received_on + timedelta(days=rng.randint(3, 12) + (30 if leak else 0))
            children.append(
                (
                    top,
                    Transfer(
                        code=f"DEMO-OPS-{school.code}",
                        fiscal_year=year,
                        purpose="Сургуулийн урсгал зардал",
                        from_organization=department,
                        to_service_unit=school,
                        admin_unit_id=school.admin_unit_id,
                        allocated=amount,
                        released=received,
                        received=received,
                        allocated_on=date(year, 1, 25),
                        expected_on=date(year, 2, 15),
                        released_on=arrived - timedelta(days=2),
                        received_on=arrived,
                    ),
                )
            )
            body = school.operator if school.operator_id else department
            salaries, goods = (
                (amount * Decimal("0.7")).quantize(Decimal(1)),
                (amount * Decimal("0.3")).quantize(Decimal(1)),
            )
            for line_code, economic, label, approved in (
                ("2110", "2110", "Цалин хөлс", salaries),
                ("2200", "2200", "Бараа, үйлчилгээ", goods),
            ):
                executed = (approved * Decimal(rng.randint(82, 100)) / 100).quantize(Decimal(1))
                lines.append(
                    BudgetLine(
                        organization=body,
                        service_unit=school,
                        fiscal_year=year,
                        code=f"DEMO-{school.code}-{line_code}",
                        administrative_code=code,
                        functional_code="0912",
                        functional_label="Ерөнхий боловсрол",
                        economic_code=economic,
                        economic_label=label,
                        approved=approved,
                        executed=executed,
                    )
                )
    Transfer.objects.bulk_create(steps, batch_size=500)
    for parent, child in children:
        child.parent_id = parent.pk
    Transfer.objects.bulk_create([child for _parent, child in children], batch_size=500)
    BudgetLine.objects.bulk_create(lines, batch_size=1000, ignore_conflicts=True)
    return len(steps) + len(children) + len(lines)


LDF_TITLES = (  # (category, title_mn, title_en, milestones in Mongolian)
    ("water", "Гүний худаг шинээр гаргах", "New deep well",
     ("Гэрээ байгуулсан", "Өрөмдлөг хийсэн", "Хүлээлгэн өгсөн")),
    ("roads", "Төвийн гудамжны гэрэлтүүлэг, явган зам", "Street lighting and pavement",
     ("Гэрээ байгуулсан", "Шон суулгасан", "Хүлээлгэн өгсөн")),
    ("education", "Сургуулийн дотуур байрны засвар", "Dormitory repair",
     ("Гэрээ байгуулсан", "Дээвэр сольсон", "Хүлээлгэн өгсөн")),
    ("health", "Эрүүл мэндийн төвийн халаалт", "Heating of the health centre",
     ("Гэрээ байгуулсан", "Зуух суурилуулсан", "Хүлээлгэн өгсөн")),
    ("culture", "Соёлын төвийн тайзны тоноглол", "Stage equipment of the culture centre",
     ("Худалдан авсан", "Суурилуулсан")),
    ("public_space", "Хүүхдийн тоглоомын талбай", "Children's playground",
     ("Гэрээ байгуулсан", "Суурь цутгасан", "Хүлээлгэн өгсөн")),
    ("environment", "Хог хаягдлын цэг тохижуулах", "Waste collection point",
     ("Гэрээ байгуулсан", "Хашаа барьсан")),
    ("livestock", "Малын эмнэлгийн угаалгын байгууламж", "Livestock dipping bath",
     ("Гэрээ байгуулсан", "Барилга угсарсан", "Хүлээлгэн өгсөн")),
)  # fmt: skip


def _seed_projects() -> int:
    """Local Development Fund projects in every demo soum and district: last year's (mostly
    completed, some stalled) and this year's (planned, in procurement or under way), with dated
    milestones and published citizens' reports. In the persona school's soum a citizen's report
    names a problem, which became a feedback item for the governor's office."""
    import random
    from datetime import date, timedelta
    from decimal import Decimal

    from django.db.models import Q

    from iltod.demo.data import AIMAG_CODES, DISTRICT_CODES, PERSONA_SCHOOL_UNIT, SEED
    from iltod.lib.maps import contains
    from iltod.places.models import AdminUnit

    from .models import LdfProject, Milestone, MonitoringReport
    from .services import projects as service

    if LdfProject.objects.filter(external_id__startswith="DEMO-LDF-").exists():
        return 0
    created = 0
    areas = list(
        AdminUnit.objects.filter(
            Q(level=AdminUnit.Level.SOUM, parent__code__in=AIMAG_CODES) | Q(code__in=DISTRICT_CODES)
        ).order_by("code")
    )
    this_year = date.today().year
    projects, plan = [], []
    for area in areas:
        rng = random.Random(f"{SEED}-ldf-{area.code}")
        picks = rng.sample(LDF_TITLES, 3)
        for index, (category, title_mn, title_en, steps) in enumerate(picks):
            year = this_year - 1 if index < 2 else this_year
            approved = Decimal(rng.randrange(20, 180)) * 1_000_000
            if year < this_year:
                status = LdfProject.Status.COMPLETED if rng.random() < 0.7 else LdfProject.Status.SUSPENDED
            else:
                status = rng.choice(
                    [LdfProject.Status.PLANNED, LdfProject.Status.PROCUREMENT, LdfProject.Status.IN_PROGRESS]
                )
            progress = {"completed": 100, "planned": 0, "procurement": 0}.get(status, rng.randrange(20, 80, 5))
            latitude = longitude = None
            if area.latitude is not None and area.longitude is not None:
                lat, lon = area.latitude + rng.uniform(-0.05, 0.05), area.longitude + rng.uniform(-0.05, 0.05)
                if not area.boundary or contains(area.boundary, lon, lat):
                    latitude, longitude = round(lat, 5), round(lon, 5)
            started = date(year, 5, 1) + timedelta(days=rng.randint(0, 30))
            project = LdfProject(
                external_id=f"DEMO-LDF-{area.code}-{year}-{index + 1}",
                admin_unit=area,
                fiscal_year=year,
                title_mn=f"{area.name_mn}: {title_mn}" if hasattr(area, "name_mn") else title_mn,
                title_en=f"{getattr(area, 'name_en', '') or area.name}: {title_en}",
                category=category,
                latitude=latitude,
                longitude=longitude,
                amount_approved=approved,
                amount_spent=(approved * progress / 100).quantize(Decimal(1)),
                # No contractor: the demo's organisations are public bodies and CSOs, not companies.
                status=status,
                progress=progress,
                started_on=None if status in ("planned", "procurement") else started,
                due_on=date(year, 10, 15),
                completed_on=date(year, 9, 1) + timedelta(days=rng.randint(0, 40)) if status == "completed" else None,
            )
            projects.append(project)
            plan.append((project, steps, rng.random()))
    LdfProject.objects.bulk_create(projects, batch_size=500)
    milestones, reports = [], []
    for project, steps, roll in plan:
        if project.status in ("planned", "procurement"):
            continue
        done = len(steps) if project.status == "completed" else max(1, len(steps) * project.progress // 100)
        for number, title in enumerate(steps):
            planned = project.started_on + timedelta(days=40 * number)
            milestones.append(
                Milestone(
                    project=project,
                    title=title,
                    planned_on=planned,
                    done_on=planned + timedelta(days=3) if number < done else None,
                )
            )
        if roll < 0.5:
            visited = min(project.started_on + timedelta(days=60), date.today() - timedelta(days=1))
            reports.append(
                MonitoringReport(
                    project=project,
                    visited_on=visited,
                    progress_seen=project.progress if roll < 0.35 else max(project.progress - 20, 0),
                    rating=5 if roll < 0.2 else 4 if roll < 0.35 else 2,
                    comment="Ажил төлөвлөгөөний дагуу явж байна." if roll < 0.35 else "Ажил удаашралтай байна.",
                    moderation=MonitoringReport.Moderation.PUBLISHED,
                )
            )
    Milestone.objects.bulk_create(milestones, batch_size=1000)
    MonitoringReport.objects.bulk_create(reports, batch_size=1000)
    created += len(projects) + len(milestones) + len(reports)
    # In the persona school's soum: a citizen's report with a problem, through the service (it
    # becomes a feedback item for the governor's office), one published and one awaiting moderation.
    stalled = next(
        (p for p, _steps, _roll in plan if p.admin_unit.code == PERSONA_SCHOOL_UNIT and p.status != "planned"), None
    )
    if stalled is not None:
        for moderated in (True, False):
            report = service.submit_report(
                stalled,
                data={
                    "visited_on": date.today() - timedelta(days=20 if moderated else 2),
                    "progress_seen": max(stalled.progress - 30, 0),
                    "rating": 2,
                    "problems": "Ажил хоёр сар зогссон, барилгын материал задгай хаягдсан байна."
                    if moderated
                    else "Гүйцэтгэгч ажлаа дуусгалгүй орхисон.",
                    "comment": "",
                    "name": "Иргэн Д." if moderated else "",
                },
            )
            if moderated:
                report.moderation = MonitoringReport.Moderation.PUBLISHED
                report.save(update_fields=["moderation"])
            created += 1
    return created
