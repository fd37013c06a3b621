"""Linking the parties OCDS names to Iltod's organisations and facilities.

A party is known by its identifier (scheme and id, e.g. ``MN-REG`` and the state registration
number); a party without an identifier is known by its id in the release within its publisher (the
OCID prefix is the scheme), so two publishers using the same local id name two parties. Buyers,
procuring entities, tenderers and award suppliers are all parties. Only the Mongolian registry
schemes link (``match``). It links to the
organisation whose state registration number is that id, and to a facility whose registry code is
that id or, failing that, to the one facility the organisation runs. What matches nothing waits in
the back office's review queue (parties without an organisation), where someone links it by hand.
"""

from __future__ import annotations

from django.apps import apps

from iltod.places.models import AdminUnit, ServiceUnit

from .models import Party

# The identifier schemes a party links by: Mongolia's state registration number (of an
# organisation), and Iltod's facility registry code. Any other scheme (a foreign registry, a
# publisher's local id) links to nothing, even with an equal number.
ORGANIZATION_SCHEME = "MN-REG"
FACILITY_SCHEME = "MN-FACILITY"


def publisher(data: dict) -> str:
    """Who published a compiled release: its OCID prefix (``ocds-`` and the registered code)."""
    ocid = str(data.get("ocid") or "")
    return "-".join(ocid.split("-", 2)[:2])


def references(data: dict) -> list:
    """Every organisation a compiled release names: buyer, procuring entity, tenderers (of the tender
    and of each bid) and award suppliers."""
    tender = data.get("tender") if isinstance(data.get("tender"), dict) else {}
    refs = [data.get("buyer"), tender.get("procuringEntity")]
    if isinstance(tender.get("tenderers"), list):
        refs.extend(tender["tenderers"])
    bids = data.get("bids") if isinstance(data.get("bids"), dict) else {}
    for bid in bids.get("details") if isinstance(bids.get("details"), list) else []:
        if isinstance(bid, dict) and isinstance(bid.get("tenderers"), list):
            refs.extend(bid["tenderers"])
    for award in data.get("awards") if isinstance(data.get("awards"), list) else []:
        if isinstance(award, dict) and isinstance(award.get("suppliers"), list):
            refs.extend(award["suppliers"])
    return refs


def identity(data: dict, reference) -> tuple[str, str, str] | None:
    """(scheme, identifier, name) of an organisation reference in a compiled release."""
    if not isinstance(reference, dict):
        return None
    ref_id = reference.get("id")
    name = str(reference.get("name") or "")
    full = None
    for party in data.get("parties") or []:
        if isinstance(party, dict) and ref_id is not None and party.get("id") == ref_id:
            full = party
            break
    identifier = (full or reference).get("identifier")
    identifier = identifier if isinstance(identifier, dict) else {}
    if identifier.get("id"):
        scheme, value = str(identifier.get("scheme") or ""), str(identifier["id"])
    elif ref_id is not None:  # a local id: unique only within its publisher
        scheme, value = publisher(data), str(ref_id)
    else:
        return None
    name = name or str((full or {}).get("name") or identifier.get("legalName") or value)
    return scheme[:64], value[:128], name[:255]


class PartyIndex:
    """The parties of a batch of compiled releases, stored (new ones matched) and kept in memory."""

    def __init__(self, compiled_releases):
        wanted: dict[tuple[str, str], str] = {}
        for data in compiled_releases:
            for ref in references(data):
                found = identity(data, ref)
                if found:
                    wanted.setdefault(found[:2], found[2])
        self.parties: dict[tuple[str, str], Party] = {}
        if not wanted:
            return
        Party.objects.bulk_create(
            [Party(scheme=s, identifier=i, name=n) for (s, i), n in wanted.items()], ignore_conflicts=True
        )
        identifiers = {i for _s, i in wanted}
        for party in Party.objects.filter(identifier__in=identifiers).select_related("organization", "facility"):
            if (party.scheme, party.identifier) in wanted:
                self.parties[(party.scheme, party.identifier)] = party
        fresh = [p for p in self.parties.values() if p.organization_id is None and not p.reviewed]
        if fresh:
            match(fresh)

    def party(self, data: dict, reference, role: str) -> Party | None:
        found = identity(data, reference)
        return self.parties.get(found[:2]) if found else None


def parties_for(compiled_releases) -> PartyIndex:
    index = PartyIndex(list(compiled_releases))
    places = Places()
    for party in index.parties.values():
        party.place = places.for_party(party)  # bound per party: (area, aimag, sector)
    return index


class Places:
    """Where a party spends: its facility's area and sector, or its organisation's."""

    def __init__(self):
        self.aimag_of: dict[int, int] = {}
        self.sector_of_org: dict[int, int | None] = {}

    def aimag(self, unit_id: int | None) -> int | None:
        if unit_id is None:
            return None
        if unit_id not in self.aimag_of:
            self.aimag_of[unit_id] = AdminUnit.objects.get(pk=unit_id).top_level_unit.pk
        return self.aimag_of[unit_id]

    def for_party(self, party: Party):
        area = sector = None
        if party.facility_id:
            area, sector = party.facility.admin_unit_id, party.facility.sector_id
        elif party.organization_id:
            org = party.organization
            area = org.home_unit_id
            if org.pk not in self.sector_of_org:
                self.sector_of_org[org.pk] = org.sectors.values_list("pk", flat=True).first()
            sector = self.sector_of_org[org.pk]
        result = (area, self.aimag(area), sector)
        return lambda: result


def match(parties: list[Party]) -> int:
    """Link parties by identifier: an ``MN-REG`` one to the organisation with that state registration
    number (and the one facility it runs), an ``MN-FACILITY`` one to the facility with that registry
    code (and the organisation running it). Returns how many were linked."""
    Organization = apps.get_model("organizations", "Organization")
    by_number = {p.identifier for p in parties if p.scheme == ORGANIZATION_SCHEME}
    by_code = {p.identifier for p in parties if p.scheme == FACILITY_SCHEME}
    orgs = {o.registration_number: o for o in Organization.objects.filter(registration_number__in=by_number)}
    facilities = {f.registry_code: f for f in ServiceUnit.objects.filter(registry_code__in=by_code)}
    linked = []
    for party in parties:
        facility = facilities.get(party.identifier) if party.scheme == FACILITY_SCHEME else None
        if party.scheme == ORGANIZATION_SCHEME:
            org = orgs.get(party.identifier)
        else:
            org = facility.operator if facility and facility.operator_id else None
        if org is None:
            continue
        if facility is None:
            run = list(ServiceUnit.objects.filter(operator=org)[:2])
            facility = run[0] if len(run) == 1 else None
        party.organization, party.facility = org, facility
        linked.append(party)
    if linked:
        Party.objects.bulk_update(linked, ["organization", "facility"])
    return len(linked)
