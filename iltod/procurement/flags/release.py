"""The parts of a compiled release the red flags read, decoded straight from JSON with msgspec.

Decoding only these fields (msgspec skips the others: parties, contracts, titles, descriptions)
costs about half of parsing the whole line with orjson, and the fold then reads attributes instead
of calling ``dict.get``. Every field accepts any JSON value: where a release has an object the
indicators expect, it becomes the struct; anything else stays the plain value (a list, a string, a
number…), which the fold treats exactly as the dict-based engine treated a value of the wrong type.
A missing key and ``null`` are both ``None``, as ``dict.get`` gave.

:func:`from_dict` builds the same structs from an already parsed release (the stored processes,
the tests), so that one fold serves both.
"""

from __future__ import annotations

from typing import Any

import msgspec

Scalar = str | int | float | bool | None
Value_ = list | Scalar  # any JSON value but an object


class Ref(msgspec.Struct, gc=False):
    """An organisation reference or a classification: only its ``id`` is read."""

    id: Any = None


class Value(msgspec.Struct, gc=False):
    # A number is decoded as a float, as the fold reads it; one beyond a double's range is refused,
    # and orjson then reports the line as broken (as it always did).
    amount: float | str | bool | list | dict | None = None
    currency: Any = None


class Period(msgspec.Struct, gc=False):
    startDate: Any = None  # OCDS field names
    endDate: Any = None


class Bid(msgspec.Struct, gc=False):
    status: Any = None
    tenderers: list[Ref | Value_] | Scalar = None
    value: Value | Value_ = None
    date: Any = None


class Bids(msgspec.Struct, gc=False):
    details: list[Bid | Value_] | Scalar = None


class Item(msgspec.Struct, gc=False):
    classification: Ref | Value_ = None


class Award(msgspec.Struct, gc=False):
    status: Any = None
    suppliers: list[Ref | Value_] | Scalar = None
    items: list[Item | Value_] | Scalar = None


class Tender(msgspec.Struct, gc=False):
    status: Any = None
    procurementMethodDetails: Any = None
    procurementMethod: Any = None
    tenderPeriod: Period | Value_ = None
    numberOfTenderers: Any = None
    procuringEntity: Ref | Value_ = None


class Release(msgspec.Struct, gc=False):
    ocid: Any = None
    tender: Tender | Value_ = None
    awards: list[Award | Value_] | Scalar = None
    bids: Bids | Value_ = None
    buyer: Ref | Value_ = None


decoder = msgspec.json.Decoder(Release | Value_)


# --- From parsed JSON --------------------------------------------------------------------------------


def _ref(value):
    return Ref(value.get("id")) if type(value) is dict else value


def _refs(value):
    return [_ref(entry) for entry in value] if type(value) is list else value


def _value(value):
    return Value(value.get("amount"), value.get("currency")) if type(value) is dict else value


def _bid(value):
    if type(value) is not dict:
        return value
    return Bid(value.get("status"), _refs(value.get("tenderers")), _value(value.get("value")), value.get("date"))


def _item(value):
    return Item(_ref(value.get("classification"))) if type(value) is dict else value


def _award(value):
    if type(value) is not dict:
        return value
    items = value.get("items")
    return Award(
        value.get("status"),
        _refs(value.get("suppliers")),
        [_item(item) for item in items] if type(items) is list else items,
    )


def _tender(value):
    if type(value) is not dict:
        return value
    period = value.get("tenderPeriod")
    return Tender(
        value.get("status"),
        value.get("procurementMethodDetails"),
        value.get("procurementMethod"),
        Period(period.get("startDate"), period.get("endDate")) if type(period) is dict else period,
        value.get("numberOfTenderers"),
        _ref(value.get("procuringEntity")),
    )


def from_dict(release):
    """The :class:`Release` of a parsed release (anything but a dict is returned as it is)."""
    if type(release) is not dict:
        return release
    awards = release.get("awards")
    bids = release.get("bids")
    if type(bids) is dict:
        details = bids.get("details")
        bids = Bids([_bid(bid) for bid in details] if type(details) is list else details)
    return Release(
        release.get("ocid"),
        _tender(release.get("tender")),
        [_award(award) for award in awards] if type(awards) is list else awards,
        bids,
        _ref(release.get("buyer")),
    )
