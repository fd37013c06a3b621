"""The eleven red flags, with Cardinal's semantics, in one pass over the compiled releases.

Cardinal folds each contracting process into an accumulator, merges accumulators and finalises
(quartiles and fences). This module does the same: :class:`Partial` is an accumulator,
:func:`make_fold` returns the function that folds one release into it (every enabled indicator in
one walk of the release), :meth:`Partial.merge` merges two accumulators in file order and
:func:`finalize` turns one into Cardinal's output.

Semantics kept from Cardinal (``src/lib.rs`` and ``src/indicators/*.rs``):

- A line is a contracting process if it is a JSON object whose ``ocid`` is a string, whose
  ``/tender/status`` is not ``cancelled`` and whose ``/tender/procurementMethodDetails`` is not in
  ``[exclusions] procurement_method_details``.
- Price comparisons (R024, R028, R036, R058) skip a process if ``no_price_comparison_procurement_methods``
  names its method details, or if ``price_comparison_procurement_methods`` is set and does not.
- Awards are *final* if none is pending (or has another unknown status): active ones count,
  cancelled and unsuccessful ones are earlier attempts. A bid is *submitted* unless invited or
  withdrawn; *valid* bids have status ``valid``.
- The main currency is ``currency`` from the settings, or else the first currency met (in file
  order; Cardinal, reading with several threads, takes the first its thread meets).
"""

from __future__ import annotations

import math
from collections import Counter

from . import dates
from .release import Award, Bid, Bids, Item, Period, Ref, Release, Tender, Value
from .settings import Settings

GROUPS = ("OCID", "Buyer", "ProcuringEntity", "Tenderer")
MAP_KEYS = (
    "ocid_buyer_r038",
    "ocid_procuringentity_r038",
    "ocid_tenderer",
    "ocid_tenderer_r024",
    "ocid_tenderer_r028",
    "ocid_tenderer_r030",
    "ocid_tenderer_r035",
    "ocid_tenderer_r058",
)
# Why a process is left out of an indicator it would otherwise enter (Cardinal drops them silently).
SKIP_REASONS = ("lots", "consortium", "multiple_suppliers", "currency")
R036_CODES = ("R036",)
R048_CODES = ("R048",)


def pipe_set(value: str | None) -> frozenset[str]:
    """Rust's ``split_terminator('|')``: a trailing separator adds no empty entry."""
    if not value:
        return frozenset()
    parts = value.split("|")
    if parts[-1] == "":
        parts.pop()
    return frozenset(parts)


class Partial:
    """What Cardinal's ``Indicators`` item holds while folding: results so far and the sums."""

    __slots__ = (
        "counted",
        "currency",
        "currency_seen",
        "maps",
        "ocid",
        "r025",
        "r038_buyer",
        "r038_procuring_entity",
        "r038_tenderer",
        "r048",
        "ratios",
        "skipped",
        "tenderer",
    )

    def __init__(self, currency: str | None = None):
        self.ocid: dict[str, dict[str, float]] = {}
        self.tenderer: dict[str, dict[str, float]] = {}
        self.currency = currency  # the main currency, once known
        self.currency_seen = False  # whether any release asked for it (and so fixed it)
        self.ratios: dict[str, tuple[float, str, str]] = {}  # ocid: (ratio, winner, lowest non-winner)
        self.r025: dict[str, list[int]] = {}  # tenderer: [winning, valid]
        self.r038_buyer: dict[str, list[int]] = {}  # buyer: [disqualified, submitted]
        self.r038_procuring_entity: dict[str, list[int]] = {}
        self.r038_tenderer: dict[str, list[int]] = {}
        self.r048: dict[str, list] = {}  # supplier: [processes, set of codes]
        self.maps: dict[str, dict] | None = None
        # reason: {ocid: the indicators it was not checked for}, in file order
        self.skipped: dict[str, dict[str, set[str]]] = {reason: {} for reason in SKIP_REASONS}
        # Keys appended while folding, counted in C by compact(): R025's valid and winning tenderers,
        # R038's tenderers of submitted and of disqualified bids.
        self.counted: dict[str, list[str]] = {"r025_valid": [], "r025_won": [], "r038_bids": [], "r038_out": []}

    def compact(self) -> None:
        """Turn the keys appended while folding into the sums (once per part, not once per bid)."""
        counted = self.counted
        for sums, denominators, numerators in (
            (self.r025, "r025_valid", "r025_won"),
            (self.r038_tenderer, "r038_bids", "r038_out"),
        ):
            if not counted[denominators]:
                continue
            tops = Counter(counted[numerators])
            for key, count in Counter(counted[denominators]).items():
                fraction = sums.get(key)
                if fraction is None:
                    sums[key] = [tops.get(key, 0), count]
                else:
                    fraction[0] += tops.get(key, 0)
                    fraction[1] += count
            counted[denominators].clear()
            counted[numerators].clear()

    def merge(self, other: Partial) -> None:
        """Add a later part of the file to this one (Cardinal's ``reduce``, in file order)."""
        self.compact()
        other.compact()
        for ocid, values in other.ocid.items():
            self.ocid.setdefault(ocid, {}).update(values)
        for key, values in other.tenderer.items():
            self.tenderer.setdefault(key, {}).update(values)
        self.ratios.update(other.ratios)
        for mine, theirs in (
            (self.r025, other.r025),
            (self.r038_buyer, other.r038_buyer),
            (self.r038_procuring_entity, other.r038_procuring_entity),
            (self.r038_tenderer, other.r038_tenderer),
        ):
            for key, (numerator, denominator) in theirs.items():
                fraction = mine.get(key)
                if fraction is None:
                    mine[key] = [numerator, denominator]
                else:
                    fraction[0] += numerator
                    fraction[1] += denominator
        for key, (count, codes) in other.r048.items():
            entry = self.r048.get(key)
            if entry is None:
                self.r048[key] = [count, codes]
            else:
                entry[0] += count
                entry[1] |= codes
        if other.maps is not None:
            if self.maps is None:
                self.maps = {key: {} for key in MAP_KEYS}
            for key in MAP_KEYS:
                self.maps[key].update(other.maps[key])
        for reason in SKIP_REASONS:
            mine = self.skipped[reason]
            for ocid, codes in other.skipped[reason].items():
                entry = mine.get(ocid)
                if entry is None:
                    mine[ocid] = codes
                else:
                    entry |= codes
        if self.currency is None:
            self.currency = other.currency
        self.currency_seen = self.currency_seen or other.currency_seen


def make_fold(settings: Settings, partial: Partial, *, maps: bool = False, collect_skipped: bool = True):
    """The function that folds one :class:`~.release.Release` into ``partial`` (see :mod:`.release`).

    Every enabled indicator is computed in one walk of the release: one loop over the awards and
    one over the bids, then each indicator's rule on what the loops found. (The tests check this
    against a plain implementation that follows Cardinal indicator by indicator.)
    """
    enabled = settings.indicators
    exclude_details = pipe_set(settings.exclusions.get("procurement_method_details"))
    include_price = pipe_set(settings.price_comparison_procurement_methods)
    exclude_price = pipe_set(settings.no_price_comparison_procurement_methods)
    configured_currency = settings.currency

    do_ratio = "R024" in enabled or "R058" in enabled
    do_r003 = "R003" in enabled
    do_r018 = "R018" in enabled
    do_r025 = "R025" in enabled
    do_r028 = "R028" in enabled
    do_r030 = "R030" in enabled
    do_r035 = "R035" in enabled
    do_r036 = "R036" in enabled
    do_r038 = "R038" in enabled
    do_r048 = "R048" in enabled
    do_tenderers = maps and (do_r025 or do_r038 or do_r048)
    need_price = do_ratio or do_r028 or do_r036
    need_awards = do_ratio or do_r025 or do_r030 or do_r035 or do_r036 or do_r048
    need_bids = do_ratio or do_r025 or do_r028 or do_r030 or do_r035 or do_r036 or do_r038 or do_tenderers
    single_supplier = do_ratio or do_r025
    # The indicators a skipped process is not checked for, by where it is skipped.
    ratio_codes = tuple(code for code in ("R024", "R058") if code in enabled)
    single_codes = ratio_codes + (("R025",) if do_r025 else ())

    r003_threshold = settings.option("R003", "threshold", 15)
    r003_methods = pipe_set(settings.option("R003", "procurement_methods"))
    r003_details = settings.option("R003", "procurement_method_details") or {}
    r018_value = settings.option("R018", "procurement_methods")
    r018_methods = pipe_set("open|selective" if r018_value is None else r018_value)
    r035_threshold = max(settings.option("R035", "threshold", 1), 1)
    r048_digits = settings.option("R048", "digits", 2)

    if maps:
        partial.maps = {key: {} for key in MAP_KEYS}
    the_maps = partial.maps
    results_ocid = partial.ocid
    results_tenderer = partial.tenderer
    ratios = partial.ratios
    r025_valid = partial.counted["r025_valid"]
    r025_won = partial.counted["r025_won"]
    r038_bids = partial.counted["r038_bids"]
    r038_out = partial.counted["r038_out"]
    r038_buyer = partial.r038_buyer
    r038_pe = partial.r038_procuring_entity
    r048 = partial.r048
    skipped = partial.skipped if collect_skipped else None
    not_submitted = frozenset(("invited", "withdrawn"))
    final = frozenset(("cancelled", "unsuccessful"))
    date_cache: dict[str, tuple[int, int] | None] = {}

    def parse_date(text: str) -> tuple[int, int] | None:
        """A timestamp as (seconds, nanoseconds), or None if not RFC 3339; dates repeat, so remembered."""
        parsed = date_cache.get(text, False)
        if parsed is False:
            if len(date_cache) > 200_000:
                date_cache.clear()
            parsed = date_cache[text] = dates.parse(text)
        return parsed

    period_days: dict[tuple[str, str], int | None] = {}

    def days_between(start: str, end: str) -> int | None:
        """Whole days from start to end as chrono counts them (None if either is not RFC 3339);
        tender periods repeat, so each pair is remembered."""
        start_at = parse_date(start)
        end_at = parse_date(end)
        days = None
        if start_at is not None and end_at is not None:
            total = (end_at[0] - start_at[0]) * 1_000_000_000 + (end_at[1] - start_at[1])
            days = abs(total) // 86_400_000_000_000
            if total < 0:
                days = -days  # chrono's num_days truncates toward zero
        if len(period_days) > 200_000:
            period_days.clear()
        period_days[(start, end)] = days
        return days

    def flag(ocid: str, code: str, value: float) -> None:
        entry = results_ocid.get(ocid)
        if entry is None:
            results_ocid[ocid] = {code: value}
        else:
            entry[code] = value

    def flag_tenderer(key: str, code: str, value: float) -> None:
        entry = results_tenderer.get(key)
        if entry is None:
            results_tenderer[key] = {code: value}
        else:
            entry[code] = value

    def map_tenderer(name: str, ocid: str, key: str) -> None:
        the_maps[name].setdefault(ocid, set()).add(key)

    def skip(reason: str, ocid: str, codes: tuple[str, ...]) -> None:
        if skipped is not None:
            entry = skipped[reason].get(ocid)
            if entry is None:
                skipped[reason][ocid] = set(codes)
            else:
                entry.update(codes)

    def fold(release) -> None:  # one walk of the release for all eleven indicators
        if type(release) is not Release:
            return
        ocid = release.ocid
        if type(ocid) is not str:
            return
        tender = release.tender
        details_value = None
        if type(tender) is Tender:
            if tender.status == "cancelled":
                return
            details_value = tender.procurementMethodDetails
            if type(details_value) is not str:
                details_value = None
            elif details_value in exclude_details:
                return
        else:
            tender = None

        price_ok = False
        if need_price:
            if include_price:
                price_ok = details_value is not None and details_value in include_price
            else:
                price_ok = details_value is None or details_value not in exclude_price

        if tender is not None:
            # --- R003 Short submission period ------------------------------------------------------
            if do_r003:
                method = tender.procurementMethod
                if not r003_methods or (type(method) is str and method in r003_methods):
                    period = tender.tenderPeriod
                    if type(period) is Period:
                        start = period.startDate
                        end = period.endDate
                        if type(start) is str and type(end) is str:
                            days = period_days.get((start, end), False)
                            if days is False:
                                days = days_between(start, end)
                            if days is not None:
                                threshold = r003_threshold
                                if details_value is not None and details_value in r003_details:
                                    threshold = r003_details[details_value]
                                if days < threshold:
                                    flag(ocid, "R003", 1.0)
            # --- R018 Single bid received ----------------------------------------------------------
            if do_r018:
                method = tender.procurementMethod
                if not r018_methods or (type(method) is str and method in r018_methods):
                    count = tender.numberOfTenderers
                    if type(count) is int and count == 1:
                        flag(ocid, "R018", 1.0)

        awards = release.awards if need_awards else None
        if type(awards) is not list:
            awards = None
        bids = release.bids if need_bids else None
        details = bids.details if type(bids) is Bids else None
        if type(details) is not list:
            details = None

        # --- One loop over the awards ------------------------------------------------------------
        # complete: the active awards, or None if an award is pending (not final) or there are no bids.
        complete = None
        any_active = False
        active_suppliers = set()  # suppliers of active awards (R030, R035)
        if awards is not None:
            complete = [] if details is not None else None
            all_final = True
            observed = None
            for award in awards:
                if type(award) is not Award:
                    continue
                status = award.status
                if type(status) is not str:
                    continue
                if status != "active":
                    if status not in final:
                        all_final = False
                    continue
                any_active = True
                if complete is not None:
                    complete.append(award)
                suppliers = award.suppliers
                if type(suppliers) is not list:
                    continue
                for supplier in suppliers:
                    if type(supplier) is Ref:
                        supplier_key = supplier.id
                        if type(supplier_key) is str:
                            active_suppliers.add(supplier_key)
                # R048 Heterogeneous supplier: items of awards to a single supplier.
                if do_r048:
                    items = award.items
                    if type(items) is not list:
                        continue
                    if len(suppliers) != 1:
                        if suppliers:
                            skip("multiple_suppliers", ocid, R048_CODES)
                        continue
                    supplier = suppliers[0]
                    supplier_key = supplier.id if type(supplier) is Ref else None
                    if type(supplier_key) is not str:
                        continue
                    codes = None
                    for item in items:
                        if type(item) is not Item:
                            continue
                        classification = item.classification
                        if type(classification) is not Ref:
                            continue
                        code = classification.id
                        if type(code) is not str:
                            continue
                        if codes is None:
                            entry = r048.get(supplier_key)
                            if entry is None:
                                entry = r048[supplier_key] = [0, set()]
                            if observed is None:
                                observed = set()
                            if supplier_key not in observed:
                                observed.add(supplier_key)
                                entry[0] += 1
                            codes = entry[1]
                        codes.add(code[:r048_digits])
            if not all_final:
                complete = None

        # The single supplier of the single active award (R024, R025, R058).
        supplier_id = None
        if single_supplier and complete is not None:
            if len(complete) == 1:
                suppliers = complete[0].suppliers
                if type(suppliers) is list:
                    if len(suppliers) == 1:
                        supplier = suppliers[0]
                        candidate = supplier.id if type(supplier) is Ref else None
                        if type(candidate) is str:
                            supplier_id = candidate
                    elif suppliers:
                        skip("multiple_suppliers", ocid, single_codes)
            elif complete:
                skip("lots", ocid, single_codes)

        if details is None:
            return

        # --- One loop over the bids --------------------------------------------------------------
        ratio_here = do_ratio and price_ok and supplier_id is not None
        r025_here = do_r025 and supplier_id is not None
        r028_here = do_r028 and price_ok
        r030_end = None
        if do_r030 and tender is not None and awards is not None:
            period = tender.tenderPeriod
            r030_end = period.endDate if type(period) is Period else None
            if type(r030_end) is not str:
                r030_end = None
        r035_here = do_r035 and complete is not None
        r036_here = do_r036 and price_ok and any_active

        # Once the main currency is known (after the first process that has one), the ratio's and
        # R036's bids are weighed as they come; before, they are kept to learn it first.
        main = partial.currency
        inline = main is not None
        candidates = [] if ratio_here and not inline else None  # (tenderer, amount, currency)
        r036_bids = [] if r036_here and not inline else None  # (status, amount, currency)
        seen = False
        winner = winner_amount = lowest = lowest_amount = None  # the ratio's winning and second bids
        r036_lowest = None
        r036_lowest_disqualified = r036_has_valid = False
        valid_ids = set() if r025_here else None
        prices = {} if r028_here else None
        r035_valid = set() if r035_here else None
        r035_disqualified = set() if r035_here else None
        submitted_count = 0
        disqualified_count = 0

        for bid in details:
            if type(bid) is not Bid:
                continue
            status = bid.status
            if type(status) is not str or status in not_submitted:
                continue  # invited and withdrawn bids count for no indicator
            tenderers = bid.tenderers
            single = None
            if type(tenderers) is not list:
                ids = None
            elif len(tenderers) == 1:
                key = tenderers[0]
                key = key.id if type(key) is Ref else None
                if type(key) is str:
                    ids = (key,)
                    single = key
                else:
                    ids = ()
            else:
                ids = []
                for tenderer in tenderers:
                    if type(tenderer) is Ref:
                        key = tenderer.id
                        if type(key) is str:
                            ids.append(key)
                if tenderers and status == "valid" and (ratio_here or r025_here):
                    consortium_codes = (ratio_codes if ratio_here else ()) + (("R025",) if r025_here else ())
                    skip("consortium", ocid, consortium_codes)
            value = bid.value
            if type(value) is Value:
                amount = value.amount
                currency = value.currency
                if type(currency) is not str:
                    amount = None
                elif type(amount) is not float:  # decoded JSON gives floats; parsed releases may give ints
                    amount = float(amount) if type(amount) is int else None
            else:
                amount = currency = None

            if status == "valid":
                if single is not None:
                    if ratio_here and amount is not None:
                        if not inline:
                            candidates.append((single, amount, currency))
                        elif currency != main:
                            seen = True
                            skip("currency", ocid, ratio_codes)
                        else:
                            seen = True
                            if single == supplier_id:
                                if winner_amount is None or amount < winner_amount:
                                    winner, winner_amount = single, amount
                            elif lowest_amount is None or amount < lowest_amount:
                                lowest, lowest_amount = single, amount
                    if valid_ids is not None:
                        valid_ids.add(single)
                if r030_end is not None and ids:
                    date = bid.date
                    if type(date) is str and date > r030_end:
                        for key in ids:
                            if key in active_suppliers:
                                flag(ocid, "R030", 1.0)
                                flag_tenderer(key, "R030", 1.0)
                                if maps:
                                    map_tenderer("ocid_tenderer_r030", ocid, key)
                if r035_valid is not None and ids is not None:
                    if single is not None:
                        r035_valid.add(single)
                    else:
                        r035_valid.update(ids)
                increment = 0
            elif status == "disqualified":
                if r035_disqualified is not None and ids is not None:
                    if single is not None:
                        r035_disqualified.add(single)
                    else:
                        r035_disqualified.update(ids)
                increment = 1
                disqualified_count += 1
            else:
                increment = 0

            submitted_count += 1
            if do_r038 and ids:
                if single is not None:
                    r038_bids.append(single)
                    if increment:
                        r038_out.append(single)
                else:
                    r038_bids.extend(ids)
                    if increment:
                        r038_out.extend(ids)
            if do_tenderers and ids:
                for key in ids:
                    map_tenderer("ocid_tenderer", ocid, key)
            if amount is not None:
                if r036_here:
                    if not inline:
                        r036_bids.append((status, amount, currency))
                    elif currency != main:
                        seen = True
                        skip("currency", ocid, R036_CODES)
                    else:
                        seen = True
                        if r036_lowest is None or amount < r036_lowest:
                            r036_lowest = amount
                            r036_lowest_disqualified = increment == 1
                        if status == "valid":
                            r036_has_valid = True
                if prices is not None and ids:
                    # R028 Identical bid prices: different tenderers, same amount and currency.
                    price = (amount, currency)
                    other = prices.get(price)
                    if other is not None and set(ids) != set(other):
                        flag(ocid, "R028", 1.0)
                        for key in set(ids) | set(other):
                            flag_tenderer(key, "R028", 1.0)
                            if maps:
                                map_tenderer("ocid_tenderer_r028", ocid, key)
                    prices[price] = ids

        # --- The main currency: the first met, by the ratio's bids and then R036's ---------------
        if not inline:
            first = None
            if candidates:
                first = candidates[0][2]
            elif r036_bids:
                first = r036_bids[0][2]
            if first is not None:
                main = partial.currency = configured_currency if configured_currency is not None else first
            for key, raw_amount, currency in candidates or ():
                seen = True
                if currency != main:
                    skip("currency", ocid, ratio_codes)
                    continue
                as_float = float(raw_amount)
                if key == supplier_id:
                    if winner_amount is None or as_float < winner_amount:
                        winner, winner_amount = key, as_float
                elif lowest_amount is None or as_float < lowest_amount:
                    lowest, lowest_amount = key, as_float
            for status, raw_amount, currency in r036_bids or ():
                seen = True
                if currency != main:
                    skip("currency", ocid, R036_CODES)
                    continue
                as_float = float(raw_amount)
                if r036_lowest is None or as_float < r036_lowest:
                    r036_lowest = as_float
                    r036_lowest_disqualified = status == "disqualified"
                if status == "valid":
                    r036_has_valid = True
        if seen:
            partial.currency_seen = True

        # --- R024 and R058: the second-lowest valid bid against the winning bid ------------------
        if winner is not None and lowest is not None and lowest_amount >= winner_amount:
            ratios[ocid] = (_divide(lowest_amount - winner_amount, winner_amount), winner, lowest)

        # --- R036 Lowest bid disqualified --------------------------------------------------------
        if r036_has_valid and r036_lowest_disqualified:
            flag(ocid, "R036", 1.0)

        # --- R025 Excessive unsuccessful bids (sums) ---------------------------------------------
        if valid_ids:
            r025_valid.extend(valid_ids)
            if supplier_id in valid_ids:
                r025_won.append(supplier_id)

        # --- R035 All except winning bid disqualified --------------------------------------------
        if r035_valid is not None and len(r035_valid) == 1 and r035_valid == active_suppliers:
            difference = len(r035_disqualified - r035_valid)
            if difference >= r035_threshold:
                flag(ocid, "R035", float(difference))
                (winner_id,) = r035_valid
                flag_tenderer(winner_id, "R035", 0.0)
                if maps:
                    map_tenderer("ocid_tenderer_r035", ocid, winner_id)

        # --- R038 Excessive disqualified bids (sums per buyer and procuring entity) --------------
        if do_r038 and submitted_count:
            buyer = release.buyer
            buyer_id = buyer.id if type(buyer) is Ref else None
            if type(buyer_id) is str:
                fraction = r038_buyer.get(buyer_id)
                if fraction is None:
                    r038_buyer[buyer_id] = [disqualified_count, submitted_count]
                else:
                    fraction[0] += disqualified_count
                    fraction[1] += submitted_count
                if maps and disqualified_count:
                    the_maps["ocid_buyer_r038"][ocid] = buyer_id
            entity = tender.procuringEntity if tender is not None else None
            entity_id = entity.id if type(entity) is Ref else None
            if type(entity_id) is str:
                fraction = r038_pe.get(entity_id)
                if fraction is None:
                    r038_pe[entity_id] = [disqualified_count, submitted_count]
                else:
                    fraction[0] += disqualified_count
                    fraction[1] += submitted_count
                if maps and disqualified_count:
                    the_maps["ocid_procuringentity_r038"][ocid] = entity_id

    return fold


def _divide(numerator: float, denominator: float) -> float:
    """IEEE division, as Rust does it (no exception for a zero winning bid)."""
    if denominator == 0.0:
        if numerator == 0.0 or math.isnan(numerator):
            return math.nan
        return math.copysign(math.inf, numerator) * math.copysign(1.0, denominator)
    return numerator / denominator
