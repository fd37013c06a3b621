"""A plain implementation of Cardinal's indicators, indicator by indicator, to check the fast one against.

Each block follows one of Cardinal's ``src/indicators/r0xx.rs`` files in order, walking the release
again for each indicator (as Cardinal does). The engine in ``iltod.procurement.flags.engine`` walks
each release once for all indicators; ``test_flags_engine`` runs both on generated and mutated data
and requires the same output.
"""

from __future__ import annotations

import math

from iltod.procurement.flags import dates
from iltod.procurement.flags.engine import Partial
from iltod.procurement.flags.settings import Settings

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


def pipe_set(value: str | None) -> frozenset[str]:
    """Rust's ``split_terminator('|')``: a trailing separator adds no empty entry."""
    if not value:
        return frozenset()
    parts = value.split("|")
    if parts[-1] == "":
        parts.pop()
    return frozenset(parts)


def make_fold(settings: Settings, partial: Partial, *, maps: bool = False, collect_skipped: bool = True):
    """The function that folds one parsed line into ``partial`` (all enabled indicators at once)."""
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
    need_complete = do_ratio or do_r025 or do_r035
    need_submitted = do_r028 or do_r036 or do_r038 or do_tenderers
    need_price = do_ratio or do_r028 or do_r036

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
    r025 = partial.r025
    r038_buyer = partial.r038_buyer
    r038_pe = partial.r038_procuring_entity
    r038_tenderer = partial.r038_tenderer
    r048 = partial.r048
    skipped = partial.skipped if collect_skipped else None
    parse_date = dates.parse
    whole_days = dates.whole_days
    number = (int, float)

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

    def skip(reason: str, ocid: str) -> None:
        if skipped is not None:
            skipped[reason][ocid] = None

    def main_currency(currency: str) -> str:
        # Cardinal's `item.currency.get_or_insert_with(...)`.
        if partial.currency is None:
            partial.currency = configured_currency if configured_currency is not None else currency
        partial.currency_seen = True
        return partial.currency

    def fold(release) -> None:  # one walk of the release for all eleven indicators
        if type(release) is not dict:
            return
        ocid = release.get("ocid")
        if type(ocid) is not str:
            return
        tender = release.get("tender")
        if type(tender) is not dict:
            tender = None
            details_value = None
        else:
            if tender.get("status") == "cancelled":
                return
            details_value = tender.get("procurementMethodDetails")
            if type(details_value) is not str:
                details_value = None
        if details_value is not None and details_value in exclude_details:
            return

        # Price comparison allowed? (allow list if set, else deny list)
        if need_price:
            if include_price:
                price_ok = details_value is not None and details_value in include_price
            else:
                price_ok = details_value is None or details_value not in exclude_price

        awards = release.get("awards")
        if type(awards) is not list:
            awards = None
        bids = release.get("bids")
        details = bids.get("details") if type(bids) is dict else None
        if type(details) is not list:
            details = None

        # Final awards: None unless every award with a status is active, cancelled or unsuccessful.
        complete = None
        if need_complete and awards is not None and details is not None:
            complete = []
            for award in awards:
                status = award.get("status") if type(award) is dict else None
                if type(status) is str:
                    if status == "active":
                        complete.append(award)
                    elif status not in {"cancelled", "unsuccessful"}:
                        complete = None
                        break

        submitted = None
        if need_submitted and details is not None:
            submitted = []
            for bid in details:
                if type(bid) is dict:
                    status = bid.get("status")
                    if type(status) is str and status not in {"invited", "withdrawn"}:
                        submitted.append(bid)

        # The single supplier of the single active award (R024, R025, R058).
        supplier_id = None
        if (do_ratio or do_r025) and complete is not None:
            if len(complete) == 1:
                suppliers = complete[0].get("suppliers")
                if type(suppliers) is list:
                    if len(suppliers) == 1:
                        supplier = suppliers[0]
                        candidate = supplier.get("id") if type(supplier) is dict else None
                        if type(candidate) is str:
                            supplier_id = candidate
                    elif len(suppliers) > 1:
                        skip("multiple_suppliers", ocid)
            elif len(complete) > 1:
                skip("lots", ocid)

        # --- Second-lowest bid ratio (R024, R058) -------------------------------------------------
        if do_ratio and price_ok and supplier_id is not None:
            winner = winner_amount = lowest = lowest_amount = None
            for bid in details:
                if type(bid) is not dict:
                    continue
                status = bid.get("status")
                value = bid.get("value")
                tenderers = bid.get("tenderers")
                if type(status) is not str or type(value) is not dict or type(tenderers) is not list:
                    continue
                if status == "valid" and len(tenderers) > 1:
                    skip("consortium", ocid)
                amount = value.get("amount")
                currency = value.get("currency")
                if type(amount) not in number or type(currency) is not str:
                    continue
                if len(tenderers) != 1:
                    continue
                tenderer = tenderers[0]
                tenderer_id = tenderer.get("id") if type(tenderer) is dict else None
                if type(tenderer_id) is not str or status != "valid":
                    continue
                if currency != main_currency(currency):
                    skip("currency", ocid)
                    continue
                amount = float(amount)
                if tenderer_id == supplier_id:
                    if winner_amount is None or amount < winner_amount:
                        winner, winner_amount = tenderer_id, amount
                elif lowest_amount is None or amount < lowest_amount:
                    lowest, lowest_amount = tenderer_id, amount
            if winner is not None and lowest is not None and lowest_amount >= winner_amount:
                ratios[ocid] = (_divide(lowest_amount - winner_amount, winner_amount), winner, lowest)

        # --- R003 Short submission period ----------------------------------------------------------
        if do_r003 and tender is not None:
            method = tender.get("procurementMethod")
            if not r003_methods or (type(method) is str and method in r003_methods):
                period = tender.get("tenderPeriod")
                if type(period) is dict:
                    start = period.get("startDate")
                    end = period.get("endDate")
                    if type(start) is str and type(end) is str:
                        start = parse_date(start)
                        end = parse_date(end)
                        if start is not None and end is not None:
                            threshold = r003_threshold
                            if details_value is not None and details_value in r003_details:
                                threshold = r003_details[details_value]
                            if whole_days(start, end) < threshold:
                                flag(ocid, "R003", 1.0)

        # --- R018 Single bid received --------------------------------------------------------------
        if do_r018 and tender is not None:
            method = tender.get("procurementMethod")
            if not r018_methods or (type(method) is str and method in r018_methods):
                count = tender.get("numberOfTenderers")
                if type(count) is int and count == 1:
                    flag(ocid, "R018", 1.0)

        # --- R025 Excessive unsuccessful bids (sums) -----------------------------------------------
        if do_r025 and supplier_id is not None:
            valid_ids = set()
            for bid in details:
                if type(bid) is not dict:
                    continue
                status = bid.get("status")
                tenderers = bid.get("tenderers")
                if type(status) is not str or type(tenderers) is not list:
                    continue
                if len(tenderers) != 1:
                    if status == "valid" and len(tenderers) > 1:
                        skip("consortium", ocid)
                    continue
                tenderer = tenderers[0]
                tenderer_id = tenderer.get("id") if type(tenderer) is dict else None
                if type(tenderer_id) is str and status == "valid":
                    valid_ids.add(tenderer_id)
            for tenderer_id in valid_ids:
                fraction = r025.get(tenderer_id)
                won = 1 if tenderer_id == supplier_id else 0
                if fraction is None:
                    r025[tenderer_id] = [won, 1]
                else:
                    fraction[0] += won
                    fraction[1] += 1

        # --- R028 Identical bid prices -------------------------------------------------------------
        if do_r028 and price_ok and submitted:
            prices = {}
            for bid in submitted:
                tenderers = bid.get("tenderers")
                value = bid.get("value")
                if type(tenderers) is not list or type(value) is not dict:
                    continue
                amount = value.get("amount")
                currency = value.get("currency")
                if type(amount) not in number or type(currency) is not str:
                    continue
                ids = set()
                for tenderer in tenderers:
                    if type(tenderer) is dict:
                        tenderer_id = tenderer.get("id")
                        if type(tenderer_id) is str:
                            ids.add(tenderer_id)
                if not ids:
                    continue
                price = (float(amount), currency)
                other = prices.get(price)
                if other is not None and ids != other:
                    flag(ocid, "R028", 1.0)
                    for tenderer_id in ids | other:
                        flag_tenderer(tenderer_id, "R028", 1.0)
                        if maps:
                            map_tenderer("ocid_tenderer_r028", ocid, tenderer_id)
                prices[price] = ids

        # --- R030 Late bid won ---------------------------------------------------------------------
        if do_r030 and tender is not None and awards is not None and details is not None:
            period = tender.get("tenderPeriod")
            end_date = period.get("endDate") if type(period) is dict else None
            if type(end_date) is str:
                award_suppliers = set()
                for award in awards:
                    if type(award) is not dict:
                        continue
                    suppliers = award.get("suppliers")
                    if award.get("status") == "active" and type(suppliers) is list:
                        for supplier in suppliers:
                            if type(supplier) is dict:
                                supplier_key = supplier.get("id")
                                if type(supplier_key) is str:
                                    award_suppliers.add(supplier_key)
                for bid in details:
                    if type(bid) is not dict:
                        continue
                    date = bid.get("date")
                    tenderers = bid.get("tenderers")
                    if (
                        bid.get("status") == "valid"
                        and type(date) is str
                        and type(tenderers) is list
                        and date > end_date
                    ):
                        for tenderer in tenderers:
                            tenderer_id = tenderer.get("id") if type(tenderer) is dict else None
                            if type(tenderer_id) is str and tenderer_id in award_suppliers:
                                flag(ocid, "R030", 1.0)
                                flag_tenderer(tenderer_id, "R030", 1.0)
                                if maps:
                                    map_tenderer("ocid_tenderer_r030", ocid, tenderer_id)

        # --- R035 All except winning bid disqualified ----------------------------------------------
        if do_r035 and complete is not None:
            award_suppliers = set()
            for award in complete:
                suppliers = award.get("suppliers")
                if type(suppliers) is list:
                    for supplier in suppliers:
                        if type(supplier) is dict:
                            supplier_key = supplier.get("id")
                            if type(supplier_key) is str:
                                award_suppliers.add(supplier_key)
            valid_ids = set()
            disqualified_ids = set()
            for bid in details:
                if type(bid) is not dict:
                    continue
                status = bid.get("status")
                tenderers = bid.get("tenderers")
                if type(tenderers) is not list:
                    continue
                if status == "valid":
                    target = valid_ids
                elif status == "disqualified":
                    target = disqualified_ids
                else:
                    continue
                for tenderer in tenderers:
                    tenderer_id = tenderer.get("id") if type(tenderer) is dict else None
                    if type(tenderer_id) is str:
                        target.add(tenderer_id)
            if len(valid_ids) == 1 and valid_ids == award_suppliers:
                difference = len(disqualified_ids - valid_ids)
                if difference >= r035_threshold:
                    flag(ocid, "R035", float(difference))
                    (winner_id,) = valid_ids
                    flag_tenderer(winner_id, "R035", 0.0)
                    if maps:
                        map_tenderer("ocid_tenderer_r035", ocid, winner_id)

        # --- R036 Lowest bid disqualified ----------------------------------------------------------
        if do_r036 and price_ok and awards is not None and submitted:
            if any(type(award) is dict and award.get("status") == "active" for award in awards):
                lowest_amount = None
                lowest_disqualified = False
                has_valid = False
                for bid in submitted:
                    status = bid.get("status")
                    value = bid.get("value")
                    if type(value) is not dict:
                        continue
                    amount = value.get("amount")
                    currency = value.get("currency")
                    if type(amount) not in number or type(currency) is not str:
                        continue
                    if currency != main_currency(currency):
                        skip("currency", ocid)
                        continue
                    amount = float(amount)
                    if lowest_amount is None or amount < lowest_amount:
                        lowest_amount = amount
                        lowest_disqualified = status == "disqualified"
                    if status == "valid":
                        has_valid = True
                if has_valid and lowest_disqualified:
                    flag(ocid, "R036", 1.0)

        # --- R038 Excessive disqualified bids (sums) -----------------------------------------------
        if do_r038 and submitted:
            disqualified = 0
            for bid in submitted:
                increment = 1 if bid.get("status") == "disqualified" else 0
                disqualified += increment
                tenderers = bid.get("tenderers")
                if type(tenderers) is list:
                    for tenderer in tenderers:
                        tenderer_id = tenderer.get("id") if type(tenderer) is dict else None
                        if type(tenderer_id) is str:
                            fraction = r038_tenderer.get(tenderer_id)
                            if fraction is None:
                                r038_tenderer[tenderer_id] = [increment, 1]
                            else:
                                fraction[0] += increment
                                fraction[1] += 1
            count = len(submitted)
            buyer = release.get("buyer")
            buyer_id = buyer.get("id") if type(buyer) is dict else None
            if type(buyer_id) is str:
                fraction = r038_buyer.get(buyer_id)
                if fraction is None:
                    r038_buyer[buyer_id] = [disqualified, count]
                else:
                    fraction[0] += disqualified
                    fraction[1] += count
                if maps and disqualified:
                    the_maps["ocid_buyer_r038"][ocid] = buyer_id
            entity = tender.get("procuringEntity") if tender is not None else None
            entity_id = entity.get("id") if type(entity) is dict else None
            if type(entity_id) is str:
                fraction = r038_pe.get(entity_id)
                if fraction is None:
                    r038_pe[entity_id] = [disqualified, count]
                else:
                    fraction[0] += disqualified
                    fraction[1] += count
                if maps and disqualified:
                    the_maps["ocid_procuringentity_r038"][ocid] = entity_id

        # --- R048 Heterogeneous supplier (sums) ----------------------------------------------------
        if do_r048 and awards is not None:
            observed = set()
            for award in awards:
                if type(award) is not dict:
                    continue
                items = award.get("items")
                suppliers = award.get("suppliers")
                if type(award.get("status")) is not str or type(items) is not list or type(suppliers) is not list:
                    continue
                if len(suppliers) != 1:
                    if len(suppliers) > 1 and award.get("status") == "active":
                        skip("multiple_suppliers", ocid)
                    continue
                supplier = suppliers[0]
                supplier_key = supplier.get("id") if type(supplier) is dict else None
                if type(supplier_key) is not str or award.get("status") != "active":
                    continue
                for item in items:
                    classification = item.get("classification") if type(item) is dict else None
                    code = classification.get("id") if type(classification) is dict else None
                    if type(code) is not str:
                        continue
                    entry = r048.get(supplier_key)
                    if entry is None:
                        entry = r048[supplier_key] = [0, set()]
                    if supplier_key not in observed:
                        observed.add(supplier_key)
                        entry[0] += 1
                    entry[1].add(code[:r048_digits])

        # --- Tenderers of each process (the Maps block) --------------------------------------------
        if do_tenderers and submitted:
            for bid in submitted:
                tenderers = bid.get("tenderers")
                if type(tenderers) is list:
                    for tenderer in tenderers:
                        tenderer_id = tenderer.get("id") if type(tenderer) is dict else None
                        if type(tenderer_id) is str:
                            map_tenderer("ocid_tenderer", ocid, tenderer_id)

    return fold


def _divide(numerator: float, denominator: float) -> float:
    """IEEE division, as Rust does it (no exception for a zero winning bid)."""
    if denominator == 0.0:
        if numerator == 0.0 or math.isnan(numerator):
            return math.nan
        return math.copysign(math.inf, numerator) * math.copysign(1.0, denominator)
    return numerator / denominator
