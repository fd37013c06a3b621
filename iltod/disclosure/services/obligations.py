"""Obligations and compliance: the schedule of disclosures, publishing, explanations, reminders
and the compliance summary. Every change that matters runs here, in a transaction, audited.

Statuses: an item is *due* until its deadline (``due_on``, inclusive) passes, then *missing*;
published on or before ``due_on`` (Ulaanbaatar time) it is *on time*, after it *late*.
"""

import csv
import io
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Count, FloatField, Q, Sum
from django.db.models.functions import Cast, ExtractYear, NullIf, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from iltod.accounts.audit import AuditAction
from iltod.accounts.capabilities import Capability
from iltod.accounts.models import Membership
from iltod.accounts.services import log_event
from iltod.core.models import holiday_calendar
from iltod.feedback.uploads import MAX_BYTES, clean_pdf
from iltod.lib.workdays import add_days
from iltod.notifications.models import OutboundMessage
from iltod.notifications.services import queue_templated
from iltod.organizations.models import Organization
from iltod.places.models import AdminUnit, ServiceUnit

from ..models import ComplianceSummary, ComplianceYear, DayKind, Disclosure, DisclosureRequirement

log = logging.getLogger("iltod.disclosure")

Frequency = DisclosureRequirement.Frequency
Status = Disclosure.Status

REMIND_DAYS_BEFORE = getattr(settings, "DISCLOSURE_REMIND_DAYS_BEFORE", 5)
REMIND_DAYS_AFTER = getattr(settings, "DISCLOSURE_REMIND_DAYS_AFTER", 1)
RECENT_PERIODS_DAYS = 400  # the periodic job schedules periods that started within this many days
FULL_REFRESH_ABOVE = 2000  # more bodies changed than this: the summary is rebuilt whole
BATCH = 2000


# --- periods and deadlines


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def periods(requirement: DisclosureRequirement, until: date, since: date | None = None) -> Iterator[tuple[date, date]]:
    """(first day, last day) of each period of a recurring requirement that has started by
    ``until``, from its ``starts_on`` (or ``since``, whichever is later). None for per event."""
    step = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3, Frequency.YEARLY: 12}.get(requirement.frequency)
    if step is None:
        return
    first = _month_start(requirement.starts_on)
    if step == 3:
        first = first.replace(month=(first.month - 1) // 3 * 3 + 1)
    elif step == 12:
        first = first.replace(month=1)
    start = first
    while start <= until:
        end = _add_months(start, step) - timedelta(days=1)
        if since is None or end >= since:
            yield start, end
        start = _add_months(start, step)


def due_date(requirement: DisclosureRequirement, period_end: date) -> date:
    """The last day to publish: ``deadline_days`` calendar or working days after the period ends,
    with the same public holidays and declared days off as feedback deadlines."""
    days_off, worked = holiday_calendar()
    return add_days(
        period_end,
        requirement.deadline_days,
        working=requirement.deadline_day_kind == DayKind.WORKING,
        holidays=days_off,
        worked_weekends=worked,
    )


def status_for(due_on: date, published_at=None, today: date | None = None) -> str:
    if published_at is not None:
        return Status.ON_TIME if timezone.localtime(published_at).date() <= due_on else Status.LATE
    today = today or timezone.localdate()
    return Status.DUE if today <= due_on else Status.MISSING


# --- which bodies, and where they are


def bodies_for(requirement: DisclosureRequirement):
    """The active organisations the requirement applies to."""
    bodies = Organization.objects.filter(is_active=True)
    if requirement.organization_kinds:
        bodies = bodies.filter(kind__in=requirement.organization_kinds)
    sector_ids = list(requirement.sectors.values_list("pk", flat=True))
    if sector_ids:
        bodies = bodies.filter(
            Q(sectors__in=sector_ids) | Q(operated_units__sector__in=sector_ids) | Q(kind__in=_kinds_of(sector_ids))
        )
    area_ids = list(requirement.admin_units.values_list("pk", flat=True))
    if area_ids:
        below = set()
        for unit in AdminUnit.objects.filter(pk__in=area_ids):
            below.update(unit.descendant_ids())
        bodies = bodies.filter(home_unit__in=below)
    return bodies.distinct()


SECTOR_OF_KIND = {
    Organization.Kind.EDUCATION_DEPARTMENT: "education",
    Organization.Kind.HEALTH_DEPARTMENT: "health",
}


def _kinds_of(sector_ids) -> list[str]:
    from iltod.places.models import Sector

    codes = set(Sector.objects.filter(pk__in=sector_ids).values_list("code", flat=True))
    return [kind for kind, code in SECTOR_OF_KIND.items() if code in codes]


def body_places(organization_ids: Iterable[int]) -> dict[int, tuple[int | None, int | None]]:
    """(aimag or capital id, sector id) per body: the top-level unit of its home area (none for
    national bodies), and its first sector, else the sector of a facility it runs, else the
    sector its kind implies (an education department: education)."""
    from iltod.places.models import Sector

    ids = list(organization_ids)
    units = {u.pk: u for u in AdminUnit.objects.only("pk", "parent_id", "level")}
    sector_by_code = dict(Sector.objects.values_list("code", "pk"))
    first_sector: dict[int, int] = {}
    through = Organization.sectors.through
    for org_id, sector_id in (
        through.objects.filter(organization_id__in=ids)
        .order_by("sector__order", "sector_id")
        .values_list("organization_id", "sector_id")
    ):
        first_sector.setdefault(org_id, sector_id)
    for org_id, sector_id in (
        ServiceUnit.objects.filter(operator_id__in=ids).order_by("pk").values_list("operator_id", "sector_id")
    ):
        first_sector.setdefault(org_id, sector_id)
    places = {}
    for org_id, kind, home_id in Organization.objects.filter(pk__in=ids).values_list("pk", "kind", "home_unit_id"):
        aimag = None
        node = units.get(home_id)
        seen = set()
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            if node.level in {AdminUnit.Level.AIMAG, AdminUnit.Level.CAPITAL}:
                aimag = node.pk
                break
            node = units.get(node.parent_id)
        sector = first_sector.get(org_id) or sector_by_code.get(SECTOR_OF_KIND.get(kind, ""))
        places[org_id] = (aimag, sector)
    return places


# --- the schedule


def generate_schedule(today: date | None = None, *, requirement=None, since: date | None = None) -> set[int]:
    """Create the missing ``Disclosure`` rows of every active recurring requirement (or one) for
    every period that has started by ``today`` (from ``since`` when given: the periodic job
    looks at recent periods only). Safe to run twice and concurrently: rows are inserted with
    ``ignore_conflicts`` on (requirement, body, period). Returns the ids of the bodies that got
    new rows."""
    today = today or timezone.localdate()
    requirements = [requirement] if requirement else DisclosureRequirement.objects.active()
    touched: set[int] = set()
    for req in requirements:
        if req.is_per_event or not req.is_active:
            continue
        body_ids = list(bodies_for(req).values_list("pk", flat=True))
        if not body_ids:
            continue
        places = body_places(body_ids)
        for start, end in periods(req, today, since):
            due_on = due_date(req, end)
            existing = set(
                Disclosure.objects.filter(requirement=req, period_start=start, event_description="").values_list(
                    "organization_id", flat=True
                )
            )
            new = [
                Disclosure(
                    requirement=req,
                    organization_id=org_id,
                    aimag_id=places[org_id][0],
                    sector_id=places[org_id][1],
                    period_start=start,
                    period_end=end,
                    due_on=due_on,
                    status=status_for(due_on, today=today),
                )
                for org_id in body_ids
                if org_id not in existing
            ]
            if new:
                Disclosure.objects.bulk_create(new, batch_size=BATCH, ignore_conflicts=True)
                touched.update(d.organization_id for d in new)
    return touched


def mark_missing(today: date | None = None) -> set[int]:
    """Items still due whose deadline has passed become missing. Returns the bodies changed."""
    today = today or timezone.localdate()
    overdue = Disclosure.objects.filter(status=Status.DUE, due_on__lt=today)
    bodies = set(overdue.values_list("organization_id", flat=True).distinct())
    overdue.update(status=Status.MISSING)
    return bodies


@transaction.atomic
def record_event(requirement, organization, *, actor, event_date: date, description: str, amount=None) -> Disclosure:
    """A body records an event a per-event requirement covers (a transaction above the
    threshold): it becomes an item due ``deadline_days`` after the event."""
    if not requirement.is_per_event:
        raise ValidationError(_("Only a requirement per event takes events."))
    if event_date > timezone.localdate():
        raise ValidationError({"event_date": _("The date is in the future.")})
    if requirement.threshold is not None and amount is not None and amount < requirement.threshold:
        raise ValidationError({"amount": _("Below the threshold, this event need not be disclosed.")})
    description = description.strip()
    if Disclosure.objects.filter(
        requirement=requirement, organization=organization, period_start=event_date, event_description=description
    ).exists():
        raise ValidationError({"description": _("This event is already recorded.")})
    aimag, sector = body_places([organization.pk])[organization.pk]
    due_on = due_date(requirement, event_date)
    disclosure = Disclosure.objects.create(
        requirement=requirement,
        organization=organization,
        aimag_id=aimag,
        sector_id=sector,
        period_start=event_date,
        period_end=event_date,
        due_on=due_on,
        status=status_for(due_on),
        event_description=description,
        event_amount=amount,
    )
    log_event(actor, AuditAction.DISCLOSURE_EVENT_RECORDED, disclosure, **_key_data(actor))
    refresh_summary([organization.pk])
    return disclosure


# --- publishing


@dataclass
class CleanDocument:
    name: str
    file: ContentFile
    content_type: str
    size: int


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def clean_document(upload) -> CleanDocument:
    """A published document, recognised by its content, not its name: a PDF (re-written without
    its metadata, as feedback attachments are), an XLSX workbook that opens, or a CSV text file.
    Stored under a neutral name and always downloaded as an attachment."""
    if upload.size > MAX_BYTES:
        raise ValidationError(_("“%(name)s” is larger than 5 MB.") % {"name": upload.name})
    upload.seek(0)
    data = upload.read()
    refused = ValidationError(
        _("“%(name)s” is not a PDF, XLSX or CSV file: only these can be published.") % {"name": upload.name}
    )
    if data.startswith(b"%PDF-"):
        cleaned = clean_pdf(data, upload.name)
        return CleanDocument("document.pdf", ContentFile(cleaned), "application/pdf", len(cleaned))
    if data.startswith(b"PK"):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            workbook.close()
        except Exception:  # openpyxl raises many types for damaged or foreign zip files
            raise refused from None
        return CleanDocument("document.xlsx", ContentFile(data), XLSX_TYPE, len(data))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise refused from None
    if not text.strip() or "\x00" in text or not upload.name.lower().endswith(".csv"):
        raise refused
    try:
        rows = list(csv.reader(io.StringIO(text[:65536])))
    except csv.Error:
        raise refused from None
    if not rows:
        raise refused
    return CleanDocument("document.csv", ContentFile(data), "text/csv", len(data))


def _key_data(actor) -> dict:
    prefix = getattr(actor, "key_prefix", "")
    return {"api_key": prefix} if prefix else {}


def _user_or_none(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def publish(
    disclosure: Disclosure,
    *,
    actor,
    document=None,
    dataset_code: str = "",
    dataset_period: str = "",
    note: str = "",
    now=None,
) -> Disclosure:
    """Publish an item: a document (a ``CleanDocument``) or a link to a structured dataset and
    its period. Publishing again replaces what was published and keeps the first time."""
    now = now or timezone.now()
    if document is None and not dataset_code:
        raise ValidationError(_("Attach a document or name the dataset that holds the data."))
    if document is not None and dataset_code:
        raise ValidationError(_("Attach a document or name a dataset, not both."))
    disclosure = Disclosure.objects.select_for_update().get(pk=disclosure.pk)
    first = disclosure.published_at is None
    if document is not None:
        disclosure.document.save(document.name, document.file, save=False)
        disclosure.document_type = document.content_type
        disclosure.document_size = document.size
        disclosure.dataset_code = disclosure.dataset_period = ""
    else:
        if disclosure.document:
            disclosure.document.delete(save=False)
        disclosure.document = ""
        disclosure.document_type = ""
        disclosure.document_size = None
        disclosure.dataset_code = dataset_code
        disclosure.dataset_period = dataset_period
    if first:
        disclosure.published_at = now
        disclosure.published_by = _user_or_none(actor)
    disclosure.note = note.strip()
    disclosure.status = status_for(disclosure.due_on, disclosure.published_at)
    disclosure.save()
    log_event(
        actor,
        AuditAction.DISCLOSURE_PUBLISHED if first else AuditAction.DISCLOSURE_REPLACED,
        disclosure,
        status=disclosure.status,
        **_key_data(actor),
    )
    refresh_summary([disclosure.organization_id])
    return disclosure


@transaction.atomic
def explain(disclosure: Disclosure, *, actor, text: str, now=None) -> Disclosure:
    """The body's public explanation of a late or missing item."""
    text = text.strip()
    if not text:
        raise ValidationError({"explanation": _("Write the explanation.")})
    if not disclosure.needs_explanation:
        raise ValidationError(_("Only a late or missing item can be explained."))
    disclosure.explanation = text
    disclosure.explained_at = now or timezone.now()
    disclosure.save(update_fields=["explanation", "explained_at"])
    log_event(actor, AuditAction.DISCLOSURE_EXPLAINED, disclosure, **_key_data(actor))
    return disclosure


# --- reminders


def _publishers(organization_id: int):
    return (
        Membership.objects.with_capability(Capability.PUBLISH)
        .filter(organization_id=organization_id, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("pk")
    )


def send_reminders(today: date | None = None) -> int:
    """Remind the body's publishers by e-mail, once ``REMIND_DAYS_BEFORE`` days before the
    deadline and once ``REMIND_DAYS_AFTER`` days after it while the item is missing. Each item is
    claimed with a conditional update and each message has a dedupe key: running twice, or
    concurrently, sends nothing twice. Returns the number of items reminded of."""
    today = today or timezone.localdate()
    now = timezone.now()
    kinds = [
        (
            "before",
            Q(status=Status.DUE, due_on__lte=today + timedelta(days=REMIND_DAYS_BEFORE), due_on__gte=today),
            "reminded_before_at",
        ),
        (
            "after",
            Q(
                status=Status.MISSING,
                due_on__lte=today - timedelta(days=REMIND_DAYS_AFTER),
                due_on__gte=today - timedelta(days=60),
            ),
            "reminded_after_at",
        ),
    ]
    count = 0
    for kind, condition, stamp in kinds:
        pending = (
            Disclosure.objects.filter(condition, **{f"{stamp}__isnull": True})
            .select_related("requirement", "organization")
            .order_by("due_on", "pk")
        )
        for disclosure in pending.iterator(chunk_size=200):
            with transaction.atomic(durable=True):
                claimed = Disclosure.objects.filter(pk=disclosure.pk, **{f"{stamp}__isnull": True}).update(
                    **{stamp: now}
                )
                if not claimed:
                    continue
                for membership in _publishers(disclosure.organization_id):
                    user = membership.user
                    queue_templated(
                        channel=OutboundMessage.Channel.EMAIL,
                        recipient=user.email,
                        template=f"disclosure/obligations/messages/reminder_{kind}",
                        context={"disclosure": disclosure, "site_url": settings.SITE_URL, "today": today},
                        language=user.language,
                        related=disclosure,
                        dedupe_key=f"disclosure:{disclosure.code}:{kind}:{user.pk}",
                    )
                log_event(None, AuditAction.DISCLOSURE_REMINDED, disclosure, kind=kind)
                count += 1
    return count


# --- the compliance summary


SUMMARY_COUNTS = ("on_time", "late", "missing", "upcoming")


def _insert_summary(grouped, columns: tuple[str, ...], model=ComplianceSummary) -> int:
    """Write the rows of a grouped query into the summary in the database itself (``INSERT …
    SELECT``): a full recount at 20,000 bodies is a million rows that never pass through Python.
    ``columns`` name the query's columns in order (its values, then its annotations)."""
    sql, params = grouped.query.sql_with_params()
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({names}) {sql}", params)  # Django's own compiled query
        return max(cursor.rowcount, 0)


def _body_rows(disclosures) -> int:
    grouped = (
        disclosures.annotate(month=TruncMonth("due_on"))
        .values("organization_id", "aimag_id", "sector_id", "month")
        .annotate(
            on_time=Count("pk", filter=Q(status=Status.ON_TIME)),
            late=Count("pk", filter=Q(status=Status.LATE)),
            missing=Count("pk", filter=Q(status=Status.MISSING)),
            upcoming=Count("pk", filter=Q(status=Status.DUE)),
        )
        .order_by()
    )
    return _insert_summary(grouped, ("organization_id", "aimag_id", "sector_id", "month", *SUMMARY_COUNTS))


def _area_rows(aimag_filter: Q) -> int:
    grouped = (
        ComplianceSummary.objects.filter(aimag_filter, organization__isnull=False)
        .values("aimag_id", "sector_id", "month")
        .annotate(**{name: Sum(name) for name in SUMMARY_COUNTS})
        .order_by()
    )
    return _insert_summary(grouped, ("aimag_id", "sector_id", "month", *SUMMARY_COUNTS))


YEAR_COLUMNS = ("organization_id", "aimag_id", "year", "due", "on_time_share", *SUMMARY_COUNTS)


def yearly_rows(summary):
    """The bodies' rows of ``summary`` (a ``ComplianceSummary`` queryset) added up per body, aimag
    and year, with the items due and the share on time: the rows of ``ComplianceYear``, in the
    order of ``YEAR_COLUMNS`` (the due items first: an aggregate named like a column would hide it)."""
    due = Sum("on_time") + Sum("late") + Sum("missing")
    return (
        summary.filter(organization__isnull=False)
        .annotate(year=ExtractYear("month"))
        .values("organization_id", "aimag_id", "year")
        .annotate(due=due, on_time_share=Cast(Sum("on_time"), FloatField()) / NullIf(due, 0))
        .annotate(**{name: Sum(name) for name in SUMMARY_COUNTS})
        .order_by()
    )


def _year_rows(summary) -> int:
    return _insert_summary(yearly_rows(summary), YEAR_COLUMNS, model=ComplianceYear)


def _aimag_filter(aimag_ids: set) -> Q:
    condition = Q(aimag_id__in=[a for a in aimag_ids if a is not None])
    if None in aimag_ids:
        condition |= Q(aimag__isnull=True)
    return condition


@transaction.atomic
def refresh_summary(organization_ids: Iterable[int] | None = None) -> int:
    """Recount the compliance summary of these bodies (every body when None) and of the aimags
    they are in. Returns the number of summary rows written."""
    if organization_ids is None:
        ComplianceSummary.objects.all().delete()
        ComplianceYear.objects.all().delete()
        rows = _body_rows(Disclosure.objects.all())
        _year_rows(ComplianceSummary.objects.all())
        return rows + _area_rows(Q())
    ids = set(organization_ids)
    if not ids:
        return 0
    # Two changes of the same body (or of two bodies of one aimag) recount one after the other:
    # each deletes and rewrites the rows, so running side by side would count twice.
    list(Organization.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
    old_aimags = set(
        ComplianceSummary.objects.filter(organization_id__in=ids).values_list("aimag_id", flat=True).distinct()
    )
    ComplianceSummary.objects.filter(organization_id__in=ids).delete()
    ComplianceYear.objects.filter(organization_id__in=ids).delete()
    rows = _body_rows(Disclosure.objects.filter(organization_id__in=ids))
    _year_rows(ComplianceSummary.objects.filter(organization_id__in=ids))
    aimags = old_aimags | set(
        Disclosure.objects.filter(organization_id__in=ids).values_list("aimag_id", flat=True).distinct()
    )
    if not aimags:
        return rows
    locks = Q(pk__in=[a for a in aimags if a is not None])
    if None in aimags:  # national bodies: the country's row stands for them
        locks |= Q(level=AdminUnit.Level.COUNTRY)
    list(AdminUnit.objects.select_for_update().filter(locks).order_by("pk").values_list("pk", flat=True))
    ComplianceSummary.objects.filter(_aimag_filter(aimags), organization__isnull=True).delete()
    return rows + _area_rows(_aimag_filter(aimags))


# --- the periodic job


def run_periodic(now) -> str:
    """Schedule recent periods, mark what became missing, refresh the summary of the bodies that
    changed, and send the reminders."""
    today = timezone.localdate(now)
    created = generate_schedule(today, since=today - timedelta(days=RECENT_PERIODS_DAYS))
    changed = created | mark_missing(today)
    if len(changed) > FULL_REFRESH_ABOVE:
        refresh_summary(None)
    elif changed:
        refresh_summary(changed)
    reminded = send_reminders(today)
    return f"{len(created)} bodies scheduled, {len(changed)} bodies recounted, {reminded} reminders"


# --- the example set (Glass Account-style)

GOVERNMENT = ["ministry", "agency", "governors_office", "health_department", "education_department"]
GLASS_ACCOUNT_MN = "Шилэн дансны тухай хууль (2014)"
GLASS_ACCOUNT_EN = "Law on Glass Accounts (2014)"

# Each: code, frequency, deadline days, day kind, form, dataset, bodies, threshold, title mn/en,
# article mn/en. The deadlines and articles are examples, not verified against the law.
EXAMPLE_REQUIREMENTS = (
    ("approved-budget", Frequency.YEARLY, 10, DayKind.WORKING, "document", "", GOVERNMENT, None,
     "Батлагдсан төсөв", "Approved budget", "6.1.1", "art. 6.1.1"),
    ("budget-execution", Frequency.MONTHLY, 10, DayKind.CALENDAR, "dataset", "budgets", GOVERNMENT, None,
     "Төсвийн гүйцэтгэлийн сарын мэдээ", "Monthly budget execution", "6.1.4", "art. 6.1.4"),
    ("quarterly-financial-report", Frequency.QUARTERLY, 15, DayKind.WORKING, "document", "", GOVERNMENT, None,
     "Улирлын санхүүгийн тайлан", "Quarterly financial report", "6.1.5", "art. 6.1.5"),
    ("procurement-plan", Frequency.YEARLY, 15, DayKind.WORKING, "document", "", GOVERNMENT, None,
     "Худалдан авах ажиллагааны төлөвлөгөө", "Procurement plan", "6.1.7", "art. 6.1.7"),
    ("large-transactions", Frequency.PER_EVENT, 7, DayKind.WORKING, "document", "", GOVERNMENT, 5_000_000,
     "5 сая төгрөгөөс дээш гүйлгээ", "Transactions of 5 million MNT or more", "6.3", "art. 6.3"),
    ("facility-data", Frequency.QUARTERLY, 20, DayKind.WORKING, "dataset", "facility_values",
     ["service_provider"], None,
     "Байгууллагын үзүүлэлтүүд", "Facility figures", "6.1.9", "art. 6.1.9"),
    ("ldf-projects", Frequency.YEARLY, 30, DayKind.CALENDAR, "dataset", "ldf_projects",
     ["governors_office"], None,
     "Орон нутгийн хөгжлийн сангийн төслүүд", "Local Development Fund projects", "6.1.6", "art. 6.1.6"),
)  # fmt: skip


def load_example_requirements(starts_on: date) -> int:
    """Create the example set where its codes are missing (a requirement already there, edited or
    not, is kept as it is). Returns how many were created."""
    created = 0
    for (code, frequency, days, day_kind, form, dataset, kinds, threshold,
         title_mn, title_en, article_mn, article_en) in EXAMPLE_REQUIREMENTS:  # fmt: skip
        if DisclosureRequirement.objects.filter(code=code).exists():
            continue
        DisclosureRequirement.objects.create(
            code=code,
            title=title_mn,
            title_mn=title_mn,
            title_en=title_en,
            legal_basis=f"{GLASS_ACCOUNT_MN}, {article_mn}",
            legal_basis_mn=f"{GLASS_ACCOUNT_MN}, {article_mn}",
            legal_basis_en=f"{GLASS_ACCOUNT_EN}, {article_en}",
            frequency=frequency,
            deadline_days=days,
            deadline_day_kind=day_kind,
            form=form,
            dataset_code=dataset,
            organization_kinds=list(kinds),
            threshold=threshold,
            starts_on=starts_on,
            is_example=True,
        )
        created += 1
    return created
