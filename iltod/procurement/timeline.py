"""A compiled release read for people: the stages from planning to implementation, the bids, the
awards, the contracts and the documents, with dates and amounts as values (never raw JSON)."""

from dataclasses import dataclass, field

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value) -> list:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _date(value):
    if not isinstance(value, str):
        return None
    try:
        return parse_datetime(value)
    except ValueError:
        return None


def _names(references) -> str:
    return ", ".join(str(r.get("name") or r.get("id") or "") for r in _list(references))


# OCDS codelists (award, contract, bid and milestone statuses) as people read them.
STATUS_LABELS = {
    "planning": _("planning"),
    "planned": _("planned"),
    "pending": _("pending"),
    "active": _("active"),
    "cancelled": _("cancelled"),
    "unsuccessful": _("unsuccessful"),
    "complete": _("complete"),
    "withdrawn": _("withdrawn"),
    "terminated": _("terminated"),
    "invited": _("invited"),
    "valid": _("valid"),
    "disqualified": _("disqualified"),
    "scheduled": _("scheduled"),
    "met": _("met"),
    "notMet": _("not met"),
    "partiallyMet": _("partially met"),
}


def status_label(code) -> str:
    return str(STATUS_LABELS.get(code, "")) if isinstance(code, str) else ""


@dataclass
class Stage:
    key: str
    label: str
    date: object = None
    reached: bool = False


@dataclass
class View:
    stages: list = field(default_factory=list)
    planning: dict = field(default_factory=dict)
    tender: dict = field(default_factory=dict)
    bids: list = field(default_factory=list)
    awards: list = field(default_factory=list)
    contracts: list = field(default_factory=list)
    documents: list = field(default_factory=list)


def _value(value) -> dict:
    value = _dict(value)
    return {"amount": value.get("amount"), "currency": value.get("currency") or ""}


def _documents(where: str, documents) -> list[dict]:
    rows = []
    for doc in _list(documents):
        url = doc.get("url") if isinstance(doc.get("url"), str) else ""
        rows.append(
            {
                "where": where,
                "title": str(doc.get("title") or doc.get("id") or ""),
                "url": url if url.startswith(("https://", "http://")) else "",
                "date": _date(doc.get("datePublished")),
            }
        )
    return rows


def view(data: dict) -> View:
    data = _dict(data)
    planning, tender = _dict(data.get("planning")), _dict(data.get("tender"))
    awards, contracts = _list(data.get("awards")), _list(data.get("contracts"))
    result = View()
    result.planning = {
        "budget": _value(_dict(planning.get("budget")).get("amount")),
        "rationale": str(planning.get("rationale") or ""),
        "description": str(_dict(planning.get("budget")).get("description") or ""),
    }
    period = _dict(tender.get("tenderPeriod"))
    result.tender = {
        "title": str(tender.get("title") or ""),
        "description": str(tender.get("description") or ""),
        "value": _value(tender.get("value")),
        "start": _date(period.get("startDate")),
        "end": _date(period.get("endDate")),
        "items": [
            {
                "description": str(item.get("description") or ""),
                "quantity": item.get("quantity"),
                "unit": str(_dict(item.get("unit")).get("name") or ""),
                "classification": str(_dict(item.get("classification")).get("id") or ""),
            }
            for item in _list(tender.get("items"))
        ],
        "tenderers": tender.get("numberOfTenderers"),
    }
    for bid in _list(_dict(data.get("bids")).get("details")):
        result.bids.append(
            {
                "id": str(bid.get("id") or ""),
                "date": _date(bid.get("date")),
                "status": status_label(bid.get("status")),
                "tenderers": _names(bid.get("tenderers")),
                "value": _value(bid.get("value")),
            }
        )
    for award in awards:
        result.awards.append(
            {
                "id": str(award.get("id") or ""),
                "date": _date(award.get("date")),
                "status": status_label(award.get("status")),
                "suppliers": _names(award.get("suppliers")),
                "value": _value(award.get("value")),
            }
        )
    for contract in contracts:
        implementation = _dict(contract.get("implementation"))
        paid = [_value(t.get("value") or t.get("amount")) for t in _list(implementation.get("transactions"))]
        result.contracts.append(
            {
                "id": str(contract.get("id") or ""),
                "signed": _date(contract.get("dateSigned")),
                "status": status_label(contract.get("status")),
                "value": _value(contract.get("value")),
                "paid": sum((p["amount"] or 0) for p in paid if isinstance(p["amount"], (int, float))),
                "milestones": [
                    {"title": str(m.get("title") or ""), "status": status_label(m.get("status"))}
                    for m in _list(implementation.get("milestones"))
                ],
            }
        )
        result.documents += _documents(_("contract"), contract.get("documents"))
        result.documents += _documents(_("implementation"), implementation.get("documents"))
    result.documents = (
        _documents(_("planning"), planning.get("documents"))
        + _documents(_("tender"), tender.get("documents"))
        + [d for award in awards for d in _documents(_("award"), award.get("documents"))]
        + result.documents
    )
    first_award = min((a["date"] for a in result.awards if a["date"]), default=None)
    first_signed = min((c["signed"] for c in result.contracts if c["signed"]), default=None)
    implemented = any(_dict(c.get("implementation")) for c in contracts)
    result.stages = [
        Stage("planning", _("Planning"), None, bool(planning)),
        Stage("tender", _("Tender"), result.tender["start"], bool(tender)),
        Stage("award", _("Award"), first_award, bool(awards)),
        Stage("contract", _("Contract"), first_signed, bool(contracts)),
        Stage("implementation", _("Implementation"), None, implemented),
    ]
    return result
