"""Small OCDS builders for the tests: explicit data, one process at a time."""

import json

from iltod.procurement import services


def release(
    ocid="ocds-test-1",
    release_id="1",
    *,
    date="2025-03-01T00:00:00Z",
    buyer=("B1", "MN-REG", "1001", "Buyer"),
    tender=None,
    awards=None,
    bids=None,
    tag=None,
    **extra,
):
    bid, scheme, identifier, name = buyer
    data = {
        "ocid": ocid,
        "id": release_id,
        "date": date,
        "tag": tag or ["tender"],
        "initiationType": "tender",
        "parties": [{"id": bid, "name": name, "identifier": {"scheme": scheme, "id": identifier}, "roles": ["buyer"]}],
        "buyer": {"id": bid, "name": name},
        "tender": tender
        or {
            "id": f"{ocid}-t",
            "title": "Эм, эмнэлгийн хэрэгсэл",
            "procurementMethod": "open",
            "status": "active",
            "value": {"amount": 12_000_000, "currency": "MNT"},
            "tenderPeriod": {"startDate": date, "endDate": "2025-03-20T00:00:00Z"},
        },
        **extra,
    }
    if awards is not None:
        data["awards"] = awards
    if bids is not None:
        data["bids"] = {"details": bids}
    return data


def award(supplier=("S1", "MN-REG", "2001", "Эм хангамж ХХК"), amount=11_000_000, status="active"):
    sid, _scheme, _identifier, name = supplier
    return {
        "id": f"a-{sid}",
        "status": status,
        "value": {"amount": amount, "currency": "MNT"},
        "suppliers": [{"id": sid, "name": name}],
    }


def supplier_party(supplier=("S1", "MN-REG", "2001", "Эм хангамж ХХК")):
    sid, scheme, identifier, name = supplier
    return {"id": sid, "name": name, "identifier": {"scheme": scheme, "id": identifier}, "roles": ["supplier"]}


def package(releases, **extra):
    return {
        "uri": "https://example.mn/p.json",
        "version": "1.1",
        "publishedDate": "2025-03-01T00:00:00Z",
        "releases": releases,
        **extra,
    }


def write(tmp_path, data, name="data.json") -> str:
    path = tmp_path / name
    if isinstance(data, (bytes, str)):
        path.write_bytes(data if isinstance(data, bytes) else data.encode())
    else:
        path.write_text(json.dumps(data, ensure_ascii=False))
    return str(path)


def import_data(tmp_path, data, name="data.json"):
    """Import through the service the back office and the command use; returns the report."""
    _job, report = services.import_path(write(tmp_path, data, name))
    return report
