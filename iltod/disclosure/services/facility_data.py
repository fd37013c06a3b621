"""Facility data that citizens check: publishing values (form, file, API), their history, ratios
computed from two indicators, citizens' confirmations and disputes (a dispute beyond the
indicator's tolerance becomes a feedback item to the publisher), corrections, campaigns and the
medians a facility is compared with.

Every import is all-or-nothing: every row is validated first, with its row number, then the rows are
written with bulk statements (an upsert by facility code, indicator and period).
"""

from __future__ import annotations

import datetime
import os
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from statistics import median

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from iltod.accounts.audit import AuditAction
from iltod.accounts.services import log_event
from iltod.lib.tabular import ImportReport, Row
from iltod.places.models import CODE_ALPHABET, AdminUnit, ServiceUnit

from ..models.facility_data import (
    CampaignAssignment,
    FacilityIndicator,
    FacilityMedian,
    FacilityValue,
    FacilityValueChange,
    ValidationCampaign,
    ValueCheck,
    ValueStatus,
    parse_period,
)
from ..permissions import can_moderate_checks, can_publish_values, publishable_facilities, publisher_for

Source = FacilityValueChange.Source
ValueType = FacilityIndicator.ValueType
CHUNK = 2000
EXPORT_HEADER = ["facility_code", "facility_name", "indicator", "period", "value", "status"]
MAX_VALUE = Decimal("999999999999")


class FacilityDataError(ValidationError):
    """A publication or a check the rules refuse; the message is translated and shown as is."""


# --- reading and checking one value -------------------------------------------------------------


def today() -> datetime.date:
    return timezone.localdate()


def clean_period(text: str) -> str:
    """The period as stored ("2025", "2025-Q3"), or FacilityDataError (not a period, or in the future)."""
    text = (text or "").strip().upper()
    bounds = parse_period(text)
    if bounds is None:
        raise FacilityDataError(
            _("“%(period)s” is not a period: write a year (2025) or a quarter (2025-Q3).") % {"period": text[:20]}
        )
    if bounds[0] > today():
        raise FacilityDataError(_("The period %(period)s has not started yet.") % {"period": text})
    return text


def clean_value(indicator: FacilityIndicator, raw) -> Decimal:
    """A published value as a Decimal, or FacilityDataError: not a number, negative, not whole,
    not yes or no, larger than possible, or a ratio (which is computed, never entered)."""
    if indicator.is_ratio:
        raise FacilityDataError(
            _("“%(indicator)s” is computed from two other indicators; publish those instead.")
            % {"indicator": indicator.name}
        )
    text = str(raw if raw is not None else "").strip().replace(" ", "").replace("\u00a0", "")
    if indicator.value_type == ValueType.YES_NO:
        lowered = text.lower()
        if lowered in {"1", "yes", "тийм", "true", "y"}:
            return Decimal(1)
        if lowered in {"0", "no", "үгүй", "false", "n"}:
            return Decimal(0)
        raise FacilityDataError(_("Write yes or no (1 or 0)."))
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        raise FacilityDataError(_("“%(value)s” is not a number.") % {"value": text[:30]}) from None
    if not value.is_finite():
        raise FacilityDataError(_("“%(value)s” is not a number.") % {"value": text[:30]})
    if value < 0:
        raise FacilityDataError(_("A value cannot be negative."))
    if indicator.value_type == ValueType.INTEGER and value != value.to_integral_value():
        raise FacilityDataError(_("Write a whole number."))
    if value > (indicator.maximum if indicator.maximum is not None else MAX_VALUE):
        raise FacilityDataError(
            _("%(value)s is more than possible for “%(indicator)s”.")
            % {"value": text[:30], "indicator": indicator.name}
        )
    return value.quantize(Decimal("0.0001"))


def ratio_value(indicator: FacilityIndicator, numerator: Decimal | None, denominator: Decimal | None):
    """A ratio's value from its two parts: None when either is missing or both are 0;
    FacilityDataError when it is impossible (something per nothing, or above the maximum)."""
    if numerator is None or denominator is None or (numerator == 0 and denominator == 0):
        return None
    if denominator == 0:
        raise FacilityDataError(
            _("“%(indicator)s” is impossible: %(denominator)s is 0 while %(numerator)s is %(value)s.")
            % {
                "indicator": indicator.name,
                "denominator": indicator.denominator.name,
                "numerator": indicator.numerator.name,
                "value": indicator.numerator.display(numerator),
            }
        )
    value = (Decimal(numerator) * indicator.factor / Decimal(denominator)).quantize(Decimal("0.0001"))
    if indicator.maximum is not None and value > indicator.maximum:
        raise FacilityDataError(
            _("“%(indicator)s” would be %(value)s, which is impossible (at most %(maximum)s).")
            % {
                "indicator": indicator.name,
                "value": indicator.display(value),
                "maximum": indicator.display(indicator.maximum),
            }
        )
    return value


def indicators_for(kind: str) -> list[FacilityIndicator]:
    """The active indicators a facility of ``kind`` publishes, in catalogue order."""
    everything = FacilityIndicator.objects.filter(is_active=True).select_related("numerator", "denominator")
    return [indicator for indicator in everything if indicator.applies_to(kind)]


# --- publishing ----------------------------------------------------------------------------------


@dataclass
class Cell:
    """One value to write, validated: facility, indicator, period and value."""

    facility_id: int
    indicator: FacilityIndicator
    period: str
    value: Decimal
    row: int = 0


def _actor_fields(actor, source: str) -> dict:
    fields = {"source": source}
    if getattr(actor, "is_authenticated", False):
        fields["changed_by"] = actor
    elif hasattr(actor, "organization_id"):  # an organisation's API key
        fields["organization_id"] = actor.organization_id
        fields["api_key"] = getattr(actor, "key_prefix", "")[:16]
    return fields


@dataclass
class _Current:
    """A stored value as the writer needs it (a tuple's worth, not a model instance)."""

    pk: int
    value: Decimal
    open_disputes: int


@dataclass
class _Staged:
    """One value to store: new (``value_id`` None) or changed (its stored value in ``old_value``)."""

    value_id: int | None
    facility_id: int
    indicator_id: int
    period: str
    value: Decimal
    old_value: Decimal | None
    source: str  # of its history row
    organization_id: int | None  # of its history row
    publisher_id: int | None
    status: str | None  # a new status for a changed value, or None to keep its own


def _public_codes(count: int, length: int = 8) -> list[str]:
    """``count`` distinct public codes like ``new_public_code``'s, from one read of the system's
    random source: ``secrets.choice`` per character cost more than the database did for a
    100 000-row file. Bytes from 240 up are dropped so that every character is equally likely."""
    size = len(CODE_ALPHABET)
    limit = 256 - 256 % size
    table = bytes(ord(CODE_ALPHABET[byte % size]) if byte < limit else 0 for byte in range(256))
    drop = bytes(range(limit, 256))
    codes: list[str] = []
    seen: set[str] = set()
    while len(codes) < count:
        wanted = (count - len(codes)) * length
        text = os.urandom(wanted * 256 // limit + 64).translate(table, drop).decode()
        for start in range(0, len(text) - length + 1, length):
            code = text[start : start + length]
            if code not in seen:
                seen.add(code)
                codes.append(code)
                if len(codes) == count:
                    break
    return codes


def _store_rows(staged: list[_Staged], *, now, changed_by: int | None, api_key: str) -> None:
    """Store ``staged`` values and their history with ``executemany`` (any database: SQLite, the
    embedded default). PostgreSQL takes ``_store_copy``."""
    ops = connection.ops
    stamp = ops.adapt_datetimefield_value(now)
    starts: dict[str, object] = {}

    def start_of(period: str):
        if period not in starts:
            starts[period] = ops.adapt_datefield_value(parse_period(period)[0])
        return starts[period]

    new = [row for row in staged if row.value_id is None]
    codes = _public_codes(len(new))
    taken: set[str] = set()
    for start in range(0, len(codes), CHUNK):
        taken.update(FacilityValue.objects.filter(code__in=codes[start : start + CHUNK]).values_list("code", flat=True))
    if taken:  # codes already held by stored values: draw others
        spare = iter(code for code in _public_codes(len(taken) * 2 + 8) if code not in taken and code not in codes)
        codes = [next(spare) if code in taken else code for code in codes]
    new_rows = [
        (
            code,
            row.facility_id,
            row.indicator_id,
            row.period,
            start_of(row.period),
            ops.adapt_decimalfield_value(row.value, 16, 4),
            str(ValueStatus.PUBLISHED),
            0,
            0,
            row.publisher_id,
            stamp,
            stamp,
        )
        for code, row in zip(codes, new, strict=True)
    ]
    values_table = ops.quote_name(FacilityValue._meta.db_table)
    changes_table = ops.quote_name(FacilityValueChange._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(new_rows), CHUNK):
            cursor.executemany(
                f"INSERT INTO {values_table} (code, facility_id, indicator_id, period, period_start, value, status, "  # noqa: S608 - table names from the models
                "confirmations, open_disputes, publisher_id, published_at, updated_at) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                new_rows[start : start + CHUNK],
            )
        if new:  # the new rows' keys, read back by facility and period
            created_ids = {}
            facilities = list({row.facility_id for row in new})
            periods = {row.period for row in new}
            for start in range(0, len(facilities), CHUNK):
                rows = FacilityValue.objects.filter(
                    facility_id__in=facilities[start : start + CHUNK], period__in=periods
                ).values_list("pk", "facility_id", "indicator_id", "period")
                for pk, *key in rows:
                    created_ids[tuple(key)] = pk
            for row in new:
                row.value_id = created_ids[(row.facility_id, row.indicator_id, row.period)]
        update_rows = [
            (ops.adapt_decimalfield_value(row.value, 16, 4), stamp, row.publisher_id, row.status, row.value_id)
            for row in staged
            if row.old_value is not None
        ]
        for start in range(0, len(update_rows), CHUNK):
            cursor.executemany(
                f"UPDATE {values_table} SET value = %s, updated_at = %s, "  # noqa: S608 - table names from the models
                "publisher_id = COALESCE(%s, publisher_id), status = COALESCE(%s, status) WHERE id = %s",
                update_rows[start : start + CHUNK],
            )
        change_rows = [
            (
                row.value_id,
                None if row.old_value is None else ops.adapt_decimalfield_value(row.old_value, 16, 4),
                ops.adapt_decimalfield_value(row.value, 16, 4),
                row.source,
                changed_by,
                row.organization_id,
                api_key,
                stamp,
            )
            for row in staged
        ]
        for start in range(0, len(change_rows), CHUNK):
            cursor.executemany(
                f"INSERT INTO {changes_table} (value_id, old_value, new_value, source, changed_by_id, organization_id, "  # noqa: S608 - table names from the models
                "api_key, changed_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                change_rows[start : start + CHUNK],
            )


STAGE = "disclosure_value_stage"
STAGE_COLUMNS = (
    "facility_id, indicator_id, period, period_start, value, old_value, value_id, source, organization_id, "
    "publisher_id, status, code"
)


def _copy_field(value) -> str:
    """A field of COPY's text format: every value here is a number, a date, a fixed word or a
    public code (no tab, newline or backslash to escape); None is ``\\N``."""
    return "\\N" if value is None else str(value)


def _store_copy(staged: list[_Staged], *, now, changed_by: int | None, api_key: str) -> None:
    """Store ``staged`` values and their history on PostgreSQL: the rows go into a temporary table
    with ``COPY`` (the fastest way in), then three statements write the new values, the changed
    values and every history row from it. A new value whose random code is already taken is
    retried with another code (``ON CONFLICT (code) DO NOTHING``)."""
    values_table = connection.ops.quote_name(FacilityValue._meta.db_table)
    changes_table = connection.ops.quote_name(FacilityValueChange._meta.db_table)
    codes = iter(_public_codes(sum(1 for row in staged if row.value_id is None)))
    starts = {period: parse_period(period)[0].isoformat() for period in {row.period for row in staged}}
    with transaction.atomic(), connection.cursor() as cursor:  # the table lives until the commit
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {STAGE} (facility_id bigint, indicator_id bigint, "
            "period varchar(7), period_start date, value numeric(16, 4), old_value numeric(16, 4), value_id bigint, "
            "source varchar(10), organization_id bigint, publisher_id bigint, status varchar(10), code varchar(12)) "
            "ON COMMIT DROP"
        )
        cursor.execute(f"TRUNCATE {STAGE}")
        with cursor.copy(f"COPY {STAGE} ({STAGE_COLUMNS}) FROM STDIN") as copy:
            for start in range(0, len(staged), CHUNK):
                copy.write(
                    "".join(
                        "\t".join(
                            _copy_field(field)
                            for field in (
                                row.facility_id,
                                row.indicator_id,
                                row.period,
                                starts[row.period],
                                row.value,
                                row.old_value,
                                row.value_id,
                                row.source,
                                row.organization_id,
                                row.publisher_id,
                                row.status,
                                next(codes) if row.value_id is None else None,
                            )
                        )
                        + "\n"
                        for row in staged[start : start + CHUNK]
                    )
                )
        cursor.execute(f"ANALYZE {STAGE}")  # a temporary table has no statistics: the joins below need them
        for _attempt in range(10):
            cursor.execute(
                f"WITH inserted AS (INSERT INTO {values_table} (code, facility_id, indicator_id, period, period_start, "  # noqa: S608 - table names from the models
                "value, status, confirmations, open_disputes, publisher_id, published_at, updated_at) "
                f"SELECT code, facility_id, indicator_id, period, period_start, value, %s, 0, 0, publisher_id, %s, %s "
                f"FROM {STAGE} WHERE value_id IS NULL ON CONFLICT (code) DO NOTHING RETURNING id, code) "
                f"UPDATE {STAGE} SET value_id = inserted.id FROM inserted "
                f"WHERE {STAGE}.code = inserted.code AND {STAGE}.value_id IS NULL",
                [str(ValueStatus.PUBLISHED), now, now],
            )
            cursor.execute(f"SELECT facility_id, indicator_id, period FROM {STAGE} WHERE value_id IS NULL")  # noqa: S608
            taken = cursor.fetchall()
            if not taken:
                break
            # Codes already held by stored values: draw others and insert those rows again.
            cursor.executemany(
                f"UPDATE {STAGE} SET code = %s WHERE facility_id = %s AND indicator_id = %s AND period = %s",  # noqa: S608
                [(code, *key) for code, key in zip(_public_codes(len(taken)), taken, strict=True)],
            )
        else:
            raise RuntimeError("no free public code for a facility value after ten draws")
        cursor.execute(
            f"UPDATE {values_table} AS stored SET value = stage.value, updated_at = %s, "  # noqa: S608 - table names from the models
            "publisher_id = COALESCE(stage.publisher_id, stored.publisher_id), "
            "status = COALESCE(stage.status, stored.status) "
            f"FROM {STAGE} AS stage WHERE stage.old_value IS NOT NULL AND stored.id = stage.value_id",
            [now],
        )
        cursor.execute(
            f"INSERT INTO {changes_table} (value_id, old_value, new_value, source, changed_by_id, organization_id, "  # noqa: S608 - table names from the models
            f"api_key, changed_at) SELECT value_id, old_value, value, source, %s, organization_id, %s, %s FROM {STAGE}",
            [changed_by, api_key, now],
        )


def _lock_facilities(facility_ids: Iterable[int]) -> None:
    """Lock the facilities whose values a writer is about to change (in the caller's transaction),
    in one order, so that two writers of the same facility take turns: the second reads what the
    first saved, rather than both inserting the same value and one failing on the unique key."""
    ids = sorted(set(facility_ids))
    for start in range(0, len(ids), CHUNK):
        list(
            ServiceUnit.objects.filter(pk__in=ids[start : start + CHUNK])
            .order_by("pk")
            .select_for_update(of=("self",))
            .values_list("pk", flat=True)
        )


def _write(
    cells: list[Cell], *, actor, source: str, publisher_ids: dict[int, int | None], medians: set | None = None
) -> tuple[int, int, int]:
    """Upsert ``cells`` (already valid); computes the ratios they change and refreshes the medians
    (or, given ``medians``, adds the (indicator, period) pairs to refresh to it, for a caller that
    writes in steps). Returns (created, updated, unchanged).

    The existing values are read with one query per batch of facilities; the rows are stored by
    ``_store_copy`` on PostgreSQL (COPY into a temporary table, then one statement each for new
    values, changed values and history) and by ``_store_rows`` elsewhere: building a model
    instance per row, as ``bulk_create`` and ``bulk_update`` do, costs more than the database does
    for a 100 000-row file."""
    now = timezone.now()
    created = updated = unchanged = 0
    facility_ids = list({cell.facility_id for cell in cells})
    periods = {cell.period for cell in cells}
    existing: dict[tuple[int, int, str], _Current] = {}
    for start in range(0, len(facility_ids), CHUNK):
        rows = FacilityValue.objects.filter(facility_id__in=facility_ids[start : start + CHUNK], period__in=periods)
        for pk, facility_id, indicator_id, period, value, disputes in rows.values_list(
            "pk", "facility_id", "indicator_id", "period", "value", "open_disputes"
        ):
            existing[(facility_id, indicator_id, period)] = _Current(pk, value, disputes)
    # Ratios: the cells that change a numerator or a denominator add the ratio's cell.
    ratios = [
        r
        for r in FacilityIndicator.objects.filter(value_type=ValueType.RATIO, is_active=True).select_related(
            "numerator", "denominator"
        )
        if r.numerator_id and r.denominator_id
    ]
    parts = {r.numerator_id for r in ratios} | {r.denominator_id for r in ratios}
    incoming = {(c.facility_id, c.indicator.pk, c.period): c for c in cells}
    touched = {(c.facility_id, c.period) for c in cells if c.indicator.pk in parts}
    computed = []

    def part(facility_id, indicator_id, period):
        key = (facility_id, indicator_id, period)
        if key in incoming:
            return incoming[key].value
        return existing[key].value if key in existing else None

    for facility_id, period in touched:
        for ratio in ratios:
            value = ratio_value(
                ratio, part(facility_id, ratio.numerator_id, period), part(facility_id, ratio.denominator_id, period)
            )
            if value is not None:
                computed.append(Cell(facility_id, ratio, period, value))
    fields = _actor_fields(actor, source)
    changed_by = fields["changed_by"].pk if "changed_by" in fields else None
    api_key = fields.get("api_key", "")
    key_organization = fields.get("organization_id")
    staged: list[_Staged] = []
    corrected = []
    ratio_ids = {ratio.pk for ratio in ratios}
    sources = {False: str(source), True: str(Source.COMPUTED)}  # once, not an enum per row
    for cell in [*cells, *computed]:
        key = (cell.facility_id, cell.indicator.pk, cell.period)
        current = existing.get(key)
        change_source = sources[key[1] in ratio_ids]  # only the computed cells are ratios
        organization = key_organization or publisher_ids.get(cell.facility_id)
        if current is None:
            staged.append(
                _Staged(
                    None, *key, cell.value, None, change_source, organization, publisher_ids.get(cell.facility_id), None
                )
            )
            created += 1
        elif current.value != cell.value:
            # A publisher who changes a disputed value corrects it: its disputes are answered.
            status = str(ValueStatus.CORRECTED) if (source == Source.CORRECTION or current.open_disputes) else None
            staged.append(
                _Staged(
                    current.pk,
                    *key,
                    cell.value,
                    current.value,
                    change_source,
                    organization,
                    publisher_ids.get(cell.facility_id),
                    status,
                )
            )
            if status and current.open_disputes:
                corrected.append(current.pk)
            updated += 1
        else:
            unchanged += 1
    if staged:
        store = _store_copy if connection.vendor == "postgresql" else _store_rows
        store(staged, now=now, changed_by=changed_by, api_key=api_key)
    for start in range(0, len(corrected), CHUNK):
        ValueCheck.objects.filter(
            value_id__in=corrected[start : start + CHUNK],
            outcome__in=[ValueCheck.Outcome.OPEN, ValueCheck.Outcome.ANSWERED],
        ).update(outcome=ValueCheck.Outcome.CORRECTED)
        FacilityValue.objects.filter(pk__in=corrected[start : start + CHUNK]).update(open_disputes=0)
    pairs = {(c.indicator.pk, c.period) for c in [*cells, *computed]}
    if medians is None:
        refresh_medians(pairs)
    else:
        medians |= pairs
    return created, updated, unchanged


@transaction.atomic
def publish_values(facility: ServiceUnit, period: str, raw: dict, *, actor, source: str = Source.FORM, request=None):
    """Publish one facility's values for one period (web form, API): ``raw`` maps indicator codes
    to the text entered; an empty text leaves the indicator unpublished. Raises FacilityDataError
    with every error by indicator code; nothing is saved unless every value is valid."""
    if not can_publish_values(actor, facility):
        raise FacilityDataError(_("You cannot publish this facility's data."))
    period = clean_period(period)
    catalogue = {indicator.code: indicator for indicator in indicators_for(facility.kind)}
    cells, errors = [], {}
    for code, text in raw.items():
        indicator = catalogue.get(code)
        if indicator is None:
            errors[code] = _("“%(code)s” is not an indicator of this kind of facility.") % {"code": code[:40]}
            continue
        if text is None or str(text).strip() == "":
            continue
        try:
            cells.append(Cell(facility.pk, indicator, period, clean_value(indicator, text)))
        except FacilityDataError as exc:
            errors[code] = exc.messages[0]
    if errors:
        raise FacilityDataError(errors)
    if not cells:
        raise FacilityDataError(_("Enter at least one value."))
    publisher = publisher_for(actor, facility)
    _lock_facilities([facility.pk])
    try:
        result = _write(
            cells, actor=actor, source=source, publisher_ids={facility.pk: publisher.pk if publisher else None}
        )
    except FacilityDataError as exc:  # an impossible ratio
        raise FacilityDataError({"__all__": exc.messages}) from None
    log_event(
        actor,
        AuditAction.FACILITY_VALUES_PUBLISHED,
        facility,
        request=request,
        period=period,
        source=source,
        created=result[0],
        updated=result[1],
    )
    return result


def import_values(
    rows: list[Row],
    *,
    actor=None,
    dry_run: bool = False,
    source="",
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import values from a CSV/XLSX file (columns facility_code, indicator, period, value; the
    export's other columns are ignored, so an exported file comes back unchanged). ``actor`` None
    is the command line (every facility); a person or a key publishes only its facilities.
    ``progress(done, total)`` is called as the rows are checked and written."""
    report = ImportReport(dry_run=dry_run)
    total = len(rows)
    if not rows:
        report.add_error(1, "", _("The file has no rows."))
        return report
    missing = [c for c in ("facility_code", "indicator", "period", "value") if c not in rows[0].values]
    if missing:
        report.add_error(1, "", _("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
        return report
    indicators = {
        i.code: i for i in FacilityIndicator.objects.filter(is_active=True).select_related("numerator", "denominator")
    }
    codes = {row.get("facility_code").strip().upper() for row in rows}
    facilities: dict[str, tuple[int, str, str]] = {}
    allowed = None if actor is None else publishable_facilities(actor)
    code_list = list(codes)
    for start in range(0, len(code_list), CHUNK):
        queryset = ServiceUnit.objects.filter(code__in=code_list[start : start + CHUNK])
        if allowed is not None:
            queryset = queryset.filter(pk__in=allowed.values("pk"))
        for pk, code, kind, sector in queryset.values_list("pk", "code", "kind", "sector__code"):
            facilities[code] = (pk, kind, sector)
    valid_periods: dict[str, str | Exception] = {}
    seen: dict[tuple[str, str, str], int] = {}
    cells: list[Cell] = []
    for index, row in enumerate(rows, start=1):
        code = row.get("facility_code").strip().upper()
        facility = facilities.get(code)
        if facility is None:
            report.add_error(
                row.number, "facility_code", _("No facility of yours has the code “%(code)s”.") % {"code": code[:20]}
            )
            continue
        indicator = indicators.get(row.get("indicator").strip().lower())
        if indicator is None or not indicator.applies_to(facility[1]):
            report.add_error(
                row.number,
                "indicator",
                _("“%(code)s” is not an indicator of this kind of facility.") % {"code": row.get("indicator")[:40]},
            )
            continue
        raw_period = row.get("period").strip().upper()
        if raw_period not in valid_periods:
            try:
                valid_periods[raw_period] = clean_period(raw_period)
            except FacilityDataError as exc:
                valid_periods[raw_period] = exc
        period = valid_periods[raw_period]
        if isinstance(period, Exception):
            report.add_error(row.number, "period", period.messages[0])
            continue
        if indicator.is_ratio:
            # The export lists computed ratios too: coming back, they are skipped, not refused.
            continue
        key = (code, indicator.code, period)
        if key in seen:
            report.add_error(row.number, "period", _("The same value is already in row %(row)s.") % {"row": seen[key]})
            continue
        seen[key] = row.number
        try:
            cells.append(Cell(facility[0], indicator, period, clean_value(indicator, row.get("value")), row.number))
        except FacilityDataError as exc:
            report.add_error(row.number, "value", exc.messages[0])
        if progress and index % 5000 == 0:
            progress(index // 2, total)
    if report.errors or dry_run:
        report.created = len(cells) if dry_run and not report.errors else 0
        return report
    publisher_ids: dict[int, int | None] = {}
    if actor is not None:
        for facility in ServiceUnit.objects.filter(pk__in={cell.facility_id for cell in cells}).select_related(
            "sector"
        ):
            publisher = publisher_for(actor, facility)
            publisher_ids[facility.pk] = publisher.pk if publisher else None
    try:
        with transaction.atomic():
            _lock_facilities(cell.facility_id for cell in cells)
            created = updated = unchanged = 0
            step = 20000
            pairs: set = set()
            for start in range(0, len(cells), step):
                c, u, n = _write(
                    cells[start : start + step],
                    actor=actor,
                    source=Source.UPLOAD,
                    publisher_ids=publisher_ids,
                    medians=pairs,
                )
                created, updated, unchanged = created + c, updated + u, unchanged + n
                if progress:
                    progress(total // 2 + min(start + step, len(cells)) * total // (2 * len(cells)) - 1, total)
            refresh_medians(pairs)
            log_event(
                actor if getattr(actor, "is_authenticated", False) else None,
                AuditAction.FACILITY_VALUES_IMPORTED,
                source=str(source)[:200],
                created=created,
                updated=updated,
            )
    except FacilityDataError as exc:  # an impossible ratio once two rows meet
        report.add_error(0, "", exc.messages[0])
        return report
    report.created, report.updated, report.unchanged = created, updated, unchanged
    if progress:
        progress(total, total)
    return report


def export_rows(queryset, limit: int | None = None) -> Iterable[list]:
    """The rows of a values download: the columns an import reads back, plus name and status."""
    labels = dict(ValueStatus.choices)
    for value in queryset.select_related("facility", "indicator").order_by(
        "facility__code", "indicator__order", "period"
    ):
        yield [
            value.facility.code,
            value.facility.name,
            value.indicator.code,
            value.period,
            value.indicator.display(value.value).replace(" ", "")
            if value.indicator.value_type != ValueType.YES_NO
            else int(value.value),
            str(labels[value.status]),
        ]


def open_data_rows() -> Iterable[list]:
    return export_rows(FacilityValue.objects.filter(facility__is_active=True))


def open_data_date():
    latest = FacilityValue.objects.order_by("-updated_at").values_list("updated_at", flat=True).first()
    return timezone.localdate(latest) if latest else None


# --- medians -------------------------------------------------------------------------------------


def _median_areas(parents: dict, levels: dict) -> tuple[list[int], list[int]]:
    """Each administrative unit paired with itself and every unit above it but the country: the
    areas whose median a facility of that unit counts in."""
    units, areas = [], []
    for unit in parents:
        node, depth = unit, 0
        while node is not None and levels.get(node) != "country" and depth < 10:  # a loop set by mistake ends
            units.append(unit)
            areas.append(node)
            node, depth = parents.get(node), depth + 1
    return units, areas


def _refresh_medians_sql(pairs: list[tuple[int, str]], parents: dict, levels: dict) -> int:
    """PostgreSQL: every median of ``pairs`` in two statements. The median of an even count is
    the mean of the two middle values, as ``statistics.median`` gives it: the lower middle value
    (``percentile_disc`` ascending) and the upper one (descending), added and halved."""
    units, areas = _median_areas(parents, levels)
    table = connection.ops.quote_name(FacilityMedian._meta.db_table)
    values = connection.ops.quote_name(FacilityValue._meta.db_table)
    facilities = connection.ops.quote_name(ServiceUnit._meta.db_table)
    params = {"indicators": [i for i, _p in pairs], "periods": [p for _i, p in pairs], "units": units, "areas": areas}
    pair_rows = "unnest(%(indicators)s::bigint[], %(periods)s::varchar[]) AS pair(indicator_id, period)"
    middle = (
        "(percentile_disc(0.5) WITHIN GROUP (ORDER BY value) "
        "+ percentile_disc(0.5) WITHIN GROUP (ORDER BY value DESC)) / 2"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} AS m USING {pair_rows} "  # noqa: S608 - a table name from the model
            "WHERE m.indicator_id = pair.indicator_id AND m.period = pair.period",
            params,
        )
        cursor.execute(
            f"""
            WITH cell AS (
                SELECT v.indicator_id, v.period, v.value, f.admin_unit_id AS unit_id
                FROM {pair_rows}
                JOIN {values} AS v ON v.indicator_id = pair.indicator_id AND v.period = pair.period
                JOIN {facilities} AS f ON f.id = v.facility_id
            ),
            area AS (SELECT * FROM unnest(%(units)s::bigint[], %(areas)s::bigint[]) AS area(unit_id, area_id))
            INSERT INTO {table} (indicator_id, period, admin_unit_id, median, facilities)
            SELECT cell.indicator_id, cell.period, area.area_id, {middle}, count(*)
            FROM cell JOIN area ON area.unit_id = cell.unit_id
            GROUP BY cell.indicator_id, cell.period, area.area_id
            UNION ALL
            SELECT indicator_id, period, NULL, {middle}, count(*) FROM cell GROUP BY indicator_id, period
            """,  # noqa: S608 - table names from the models
            params,
        )
        return max(cursor.rowcount, 0)


def refresh_medians(pairs: Iterable[tuple[int, str]]) -> int:
    """Recompute the soum, aimag and national medians of each (indicator id, period). Returns rows written."""
    parents = dict(AdminUnit.objects.values_list("pk", "parent_id"))
    levels = dict(AdminUnit.objects.values_list("pk", "level"))
    if connection.vendor == "postgresql":
        pairs = list(pairs)
        return _refresh_medians_sql(pairs, parents, levels) if pairs else 0
    written = 0
    for indicator_id, period in pairs:
        groups: dict[int | None, list[Decimal]] = defaultdict(list)
        for area_id, value in FacilityValue.objects.filter(indicator_id=indicator_id, period=period).values_list(
            "facility__admin_unit_id", "value"
        ):
            groups[None].append(value)
            node = area_id
            while node is not None and levels.get(node) != "country":
                groups[node].append(value)
                node = parents.get(node)
        FacilityMedian.objects.filter(indicator_id=indicator_id, period=period).delete()
        FacilityMedian.objects.bulk_create(
            [
                FacilityMedian(
                    indicator_id=indicator_id,
                    period=period,
                    admin_unit_id=area,
                    median=Decimal(median(values)).quantize(Decimal("0.0001")),
                    facilities=len(values),
                )
                for area, values in groups.items()
            ]
        )
        written += len(groups)
    return written


# --- citizens' checks ----------------------------------------------------------------------------


def _beyond_tolerance(value: FacilityValue, observed: Decimal | None) -> bool:
    indicator = value.indicator
    if observed is None:
        return False
    if indicator.value_type == ValueType.YES_NO:
        return (observed > 0) != (value.value > 0)
    allowed = abs(value.value) * indicator.tolerance_percent / 100
    return abs(observed - value.value) > allowed


def dispute_handler(value: FacilityValue):
    """Who answers a dispute: whoever published the figure, not the usual routing of the topic.
    The aimag or district department when it published the value (it holds the figure and can
    correct it); otherwise the provider that published it, or the facility's operator. None (no
    publisher, no operator): the usual routing of the facility."""
    publisher = value.publisher
    if publisher is not None and publisher.is_active:
        return publisher
    return value.facility.operator


def _dispute_feedback(check: ValueCheck, *, user, language: str):
    """The feedback item a dispute beyond the tolerance becomes, sent to the value's publisher
    (``dispute_handler``); the feedback guard still applies."""
    from iltod.feedback.models import Category, Feedback, Kind
    from iltod.feedback.services import Submission, store_feedback

    value = check.value
    indicator = value.indicator
    facility = value.facility
    category = indicator.feedback_category or (
        Category.objects.filter(sector=facility.sector, is_active=True, is_conduct=False).order_by("order").first()
    )
    if category is None:
        return None
    link = reverse("disclosure:facility_value", args=[value.code])
    description = _(
        "Published data checked by a citizen: %(indicator)s, %(period)s. Published: %(published)s; "
        "observed: %(observed)s. %(comment)s (%(link)s)"
    ) % {
        "indicator": indicator.name,
        "period": value.period,
        "published": indicator.display(value.value),
        "observed": indicator.display(check.observed_value),
        "comment": check.comment.strip(),
        "link": link,
    }
    feedback, _created = store_feedback(
        Submission(
            kind=Kind.COMPLAINT,
            category=category,
            description=description,
            service_unit=facility,
            privacy=Feedback.Privacy.NAME_HIDDEN
            if getattr(user, "is_authenticated", False)
            else Feedback.Privacy.ANONYMOUS,
            reporter_name=getattr(user, "full_name", "") if getattr(user, "is_authenticated", False) else "",
            reporter_email=getattr(user, "email", "") if getattr(user, "is_authenticated", False) else "",
            language=language,
            route_to=dispute_handler(value),
            # the item's page shows a panel linking back to the figure (views.feedback_links)
            attributes={"facility_value": value.code, "value_check": check.code},
        ),
        submitted_by=user if getattr(user, "is_authenticated", False) else None,
    )
    return feedback


@transaction.atomic(durable=True)
def check_value(value: FacilityValue, **kwargs) -> ValueCheck:
    """Record a citizen's check (``record_check``) in a transaction of its own."""
    return record_check(value, **kwargs)


@transaction.atomic
def record_check(
    value: FacilityValue,
    *,
    verdict: str,
    observed_value: Decimal | None = None,
    comment: str = "",
    photo=None,
    user=None,
    campaign: ValidationCampaign | None = None,
    language: str = "mn",
    external_id: str = "",
    request=None,
) -> ValueCheck:
    """Record a citizen's check. A dispute further from the published value than the indicator's
    tolerance becomes a feedback item to the publisher (with its deadlines, public answer and
    rating), linked both ways. The check is public once moderated. Inside the caller's transaction:
    a KoBo submission records its checks together (``iltod.disclosure.kobo``)."""
    value = (
        FacilityValue.objects.select_for_update(of=("self",))
        .select_related("indicator", "facility__sector", "facility__operator", "publisher")
        .get(pk=value.pk)
    )
    if verdict not in ValueCheck.Verdict.values:
        raise FacilityDataError(_("Confirm or dispute the value."))
    if verdict == ValueCheck.Verdict.DISPUTE:
        if observed_value is None and not comment.strip():
            raise FacilityDataError(_("Say what you observed: a value or a comment."))
        if observed_value is not None:
            observed_value = (
                clean_value(value.indicator, observed_value) if not value.indicator.is_ratio else observed_value
            )
            if observed_value < 0:
                raise FacilityDataError(_("A value cannot be negative."))
    else:
        observed_value = None
    check = ValueCheck(
        value=value,
        verdict=verdict,
        observed_value=observed_value,
        comment=comment.strip(),
        checked_by=user if getattr(user, "is_authenticated", False) else None,
        campaign=campaign,
        external_id=external_id,
    )
    if photo is not None:
        from iltod.feedback.uploads import clean_upload

        cleaned = clean_upload(photo)
        check.photo.save(cleaned.name, cleaned.file, save=False)
    if verdict == ValueCheck.Verdict.DISPUTE and _beyond_tolerance(value, observed_value):
        check.outcome = ValueCheck.Outcome.OPEN
        check.feedback = _dispute_feedback(check, user=user, language=language)
    check.save()
    if check.outcome == ValueCheck.Outcome.OPEN:
        FacilityValue.objects.filter(pk=value.pk).update(open_disputes=F("open_disputes") + 1)
    if campaign is not None:
        CampaignAssignment.objects.filter(campaign=campaign, facility_id=value.facility_id, checked_at=None).update(
            checked_at=timezone.now()
        )
    log_event(user, AuditAction.FACILITY_VALUE_CHECKED, check, request=request, verdict=verdict, outcome=check.outcome)
    return check


@transaction.atomic(durable=True)
def attach_check_photo(check_ids: list[int], photo) -> list[ValueCheck]:
    """A photo fetched from KoBoToolbox (an ``iltod.feedback.uploads.CleanedFile``: checked and
    cleaned as the web form's photo is) on each check of the submission that has none yet. Each
    check keeps its own copy, shown once that check is published, as the web form's photo. The
    checks' row locks order concurrent runs, so a task run twice stores it once."""
    checks = list(ValueCheck.objects.select_for_update().filter(pk__in=check_ids, photo="").order_by("pk"))
    for check in checks:
        photo.file.seek(0)
        check.photo.save(photo.name, photo.file, save=False)
        check.save(update_fields=["photo"])
    return checks


def refresh_status(value: FacilityValue) -> FacilityValue:
    """The value's public status from its published checks (confirmations, open disputes) and corrections."""
    published = value.checks.filter(moderation=ValueCheck.Moderation.PUBLISHED)
    confirmations = published.filter(verdict=ValueCheck.Verdict.CONFIRM).count()
    open_disputes = published.filter(outcome=ValueCheck.Outcome.OPEN).count()
    if open_disputes:
        status = ValueStatus.DISPUTED
    elif value.status == ValueStatus.CORRECTED or published.filter(outcome=ValueCheck.Outcome.CORRECTED).exists():
        status = ValueStatus.CORRECTED
    elif confirmations:
        status = ValueStatus.CONFIRMED
    else:
        status = ValueStatus.PUBLISHED
    value.status, value.confirmations = status, confirmations
    value.open_disputes = value.checks.filter(outcome=ValueCheck.Outcome.OPEN).count()
    value.save(update_fields=["status", "confirmations", "open_disputes"])
    return value


@transaction.atomic
def moderate_check(check: ValueCheck, *, actor, publish: bool, request=None) -> ValueCheck:
    """Publish or hide a citizen's check; its value's status follows the published checks."""
    check = ValueCheck.objects.select_for_update().select_related("value__facility__admin_unit").get(pk=check.pk)
    if not can_moderate_checks(actor, check.value.facility):
        raise FacilityDataError(_("You cannot moderate checks of this facility."))
    check.moderation = ValueCheck.Moderation.PUBLISHED if publish else ValueCheck.Moderation.HIDDEN
    check.save(update_fields=["moderation"])
    refresh_status(check.value)
    log_event(actor, AuditAction.FACILITY_CHECK_MODERATED, check, request=request, moderation=check.moderation)
    return check


@transaction.atomic
def correct_value(value: FacilityValue, new_value, *, actor, request=None) -> FacilityValue:
    """The publisher's correction after a dispute: the value changes (kept in its history) and
    every open dispute is marked corrected."""
    _lock_facilities([value.facility_id])  # before the value: the order every writer takes
    value = FacilityValue.objects.select_for_update().select_related("indicator", "facility__sector").get(pk=value.pk)
    if not can_publish_values(actor, value.facility):
        raise FacilityDataError(_("You cannot publish this facility's data."))
    cleaned = clean_value(value.indicator, new_value)
    publisher = publisher_for(actor, value.facility)
    _write(
        [Cell(value.facility_id, value.indicator, value.period, cleaned)],
        actor=actor,
        source=Source.CORRECTION,
        publisher_ids={value.facility_id: publisher.pk if publisher else None},
    )
    value.refresh_from_db()
    ValueCheck.objects.filter(value=value, outcome__in=[ValueCheck.Outcome.OPEN, ValueCheck.Outcome.ANSWERED]).update(
        outcome=ValueCheck.Outcome.CORRECTED
    )
    value.status = ValueStatus.CORRECTED
    value.save(update_fields=["status"])
    refresh_status(value)
    log_event(actor, AuditAction.FACILITY_VALUE_CORRECTED, value, request=request, value=str(cleaned))
    return value


def answer_disputes(now=None) -> int:
    """Periodic: a dispute whose feedback item was answered (resolved or closed) without a
    correction is marked answered. Returns how many changed."""
    from iltod.feedback.models import Feedback

    answered = (
        ValueCheck.objects.filter(outcome=ValueCheck.Outcome.OPEN)
        .exclude(feedback__status__in=Feedback.OPEN_STATUSES)
        .exclude(feedback=None)
    )
    value_ids = list(answered.values_list("value_id", flat=True))
    count = answered.update(outcome=ValueCheck.Outcome.ANSWERED)
    for value in FacilityValue.objects.filter(pk__in=set(value_ids)):
        refresh_status(value)
    return count


# --- campaigns -----------------------------------------------------------------------------------


@transaction.atomic
def create_campaign(*, actor, organization, title: str, admin_unit, period: str, indicators, request=None):
    campaign = ValidationCampaign.objects.create(
        title=title.strip(), organization=organization, admin_unit=admin_unit, period=clean_period(period)
    )
    campaign.indicators.set(indicators)
    log_event(actor, AuditAction.VALIDATION_CAMPAIGN_CREATED, campaign, request=request)
    return campaign


@transaction.atomic
def assign_volunteer(campaign: ValidationCampaign, facility: ServiceUnit, volunteer=None, *, actor, request=None):
    assignment, _created = CampaignAssignment.objects.update_or_create(
        campaign=campaign, facility=facility, defaults={"volunteer": volunteer}
    )
    log_event(actor, AuditAction.VALIDATION_VOLUNTEER_ASSIGNED, campaign, request=request, facility=facility.code)
    return assignment


def campaign_progress(campaign: ValidationCampaign) -> dict:
    """Facilities assigned and checked, disputes raised and answered: counts, no percentages averaged."""
    assignments = campaign.assignments.all()
    checks = ValueCheck.objects.filter(campaign=campaign)
    raised = checks.exclude(outcome="").count()
    return {
        "facilities": assignments.count(),
        "checked": assignments.exclude(checked_at=None).count(),
        "checks": checks.count(),
        "disputes_raised": raised,
        "disputes_answered": checks.filter(
            outcome__in=[ValueCheck.Outcome.ANSWERED, ValueCheck.Outcome.CORRECTED]
        ).count(),
    }


# --- the campaign's XLSForm ----------------------------------------------------------------------

SURVEY_HEADER = ["type", "name", "label::Mongolian (mn)", "label::English (en)", "required", "relevant", "constraint"]


def campaign_xlsform(campaign: ValidationCampaign) -> bytes:
    """The campaign's checklist as an XLSForm (KoBoToolbox / ODK Collect): the volunteer picks the
    facility, then per indicator says whether the published value is right and, if not, what they saw.
    Field names: ``campaign``, ``facility`` (the facility's public code), ``<indicator>_ok`` (yes/no)
    ``<indicator>_seen`` (the value observed, required for a "no"), ``comment``, ``photo`` and ``deviceid``;
    the KoBo webhook (``iltod.disclosure.kobo``) reads them back."""
    from iltod.lib.xlsform import DEFAULT_LANGUAGE, labels, workbook

    survey = [
        ["start", "start", "", "", "", "", ""],
        ["end", "end", "", "", "", "", ""],
        ["deviceid", "deviceid", "", "", "", "", ""],  # the KoBo webhook's rate limit counts per device
        ["calculate", "campaign", "", "", "", "", ""],
        ["select_one facility", "facility", *labels("Байгууллага", "Facility"), "yes", "", ""],
    ]
    survey[3].append(f"'{campaign.code}'")
    for row in survey[:3] + survey[4:]:
        row.append("")
    for indicator in campaign.indicators.order_by("order", "code"):
        survey.append(
            [
                "select_one yes_no",
                f"{indicator.code}_ok",
                *labels(
                    f"{indicator.name_mn}: нийтэлсэн тоо зөв үү?", f"{indicator.name_en}: is the published value right?"
                ),
                "",
                "",
                "",
                "",
            ]
        )
        survey.append(
            [
                "decimal",
                f"{indicator.code}_seen",
                *labels(f"{indicator.name_mn}: таны харсан тоо", f"{indicator.name_en}: the value you saw"),
                "yes",  # a dispute says what was seen (the web form's rule)
                f"${{{indicator.code}_ok}} = 'no'",
                ". >= 0",
                "",
            ]
        )
    survey.append(["text", "comment", *labels("Тайлбар", "Comment"), "", "", "", ""])
    # fetched by the webhook's task when KOBO_API_TOKEN is set; phones' photos made small enough
    survey.append(
        ["image", "photo", *labels("Зураг (заавал биш)", "Photo (optional)"), "", "", "", "", "max-pixels=1280"]
    )
    choices = [["yes_no", "yes", "Тийм", "Yes"], ["yes_no", "no", "Үгүй", "No"]]
    for assignment in campaign.assignments.select_related("facility").order_by("facility__name"):
        facility = assignment.facility
        choices.append(
            ["facility", facility.code, facility.name_mn or facility.name, facility.name_en or facility.name]
        )
    settings_rows = [
        ["form_title", "form_id", "version", "default_language"],
        [
            f"Iltod — {campaign.title}",
            f"iltod_check_{campaign.code.lower()}",
            timezone.localtime().strftime("%Y%m%d%H%M"),
            DEFAULT_LANGUAGE,
        ],
    ]
    return workbook(
        (
            ("survey", [*SURVEY_HEADER, "calculation", "parameters"], survey),
            ("choices", ["list_name", "name", "label::Mongolian (mn)", "label::English (en)"], choices),
            ("settings", None, settings_rows),
        )
    )
