"""Demo data for disclosure and open data (called by ``seed_demo``): deterministic and idempotent."""


def seed_disclosure_demo() -> int:
    """Write the demo rows; returns how many were created."""
    created = 0
    created += _seed_obligations()
    created += _seed_facility_data()
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
    school = (
        ServiceUnit.objects.filter(admin_unit__code=PERSONA_SCHOOL_UNIT, kind="general_school").order_by("code").first()
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
    if disputes and director is not None:
        from iltod.disclosure.permissions import can_publish_values

        first = disputes[0]
        if can_publish_values(director, first.value.facility):
            service.correct_value(first.value, first.observed_value, actor=director)
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
