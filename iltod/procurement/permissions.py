"""Who may do what in procurement. One guard per rule, used by the pages, the API and the back office.

- Everyone sees processes, parties, flags, published case steps and fixed rates.
- Anyone (signed in or not) leaves structured feedback on a process; it goes to the buyer.
- Members holding ``can_monitor_procurement`` in an organisation that belongs to a network (the
  procurement-monitoring subnetwork, or the network itself) open cases for that organisation and
  add their steps.
- A network's administrators (``can_manage_network``) moderate the public summaries of its member
  organisations' cases; platform superusers too.
- A government body's read and write API key posts OCDS to the API, for its own purchases only
  (``foreign_ocids``); the platform's staff import files in the back office.
"""

from django.apps import apps
from django.http import Http404

from iltod.accounts.capabilities import Capability
from iltod.accounts.permissions import has_capability, organization_ids_with

from .models import CaseStep, ContractingProcess, MonitoringCase, Party


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _networked(organization_ids) -> set[int]:
    """Those of ``organization_ids`` that are networks or current members of one."""
    NetworkMembership = apps.get_model("organizations", "NetworkMembership")
    Organization = apps.get_model("organizations", "Organization")
    members = set(
        NetworkMembership.objects.active().filter(member_id__in=organization_ids).values_list("member_id", flat=True)
    )
    networks = set(Organization.objects.networks().filter(pk__in=organization_ids).values_list("pk", flat=True))
    return members | networks


def monitoring_organizations(user):
    """Organisations for which the user may open monitoring cases."""
    Organization = apps.get_model("organizations", "Organization")
    if not _active(user):
        return Organization.objects.none()
    ids = organization_ids_with(user, Capability.MONITOR_PROCUREMENT)
    if user.is_superuser:
        return Organization.objects.filter(pk__in=ids) if ids else Organization.objects.none()
    return Organization.objects.filter(pk__in=_networked(ids))


def may_monitor_for(user, organization) -> bool:
    if not _active(user) or organization is None:
        return False
    return has_capability(user, Capability.MONITOR_PROCUREMENT, organization) and bool(
        _networked([organization.pk]) or user.is_superuser
    )


def can_monitor(user) -> bool:
    return monitoring_organizations(user).exists()


def moderated_network_ids(user) -> list[int]:
    return organization_ids_with(user, Capability.MANAGE_NETWORK) if _active(user) else []


def can_moderate_case(user, case: MonitoringCase) -> bool:
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    NetworkMembership = apps.get_model("organizations", "NetworkMembership")
    networks = moderated_network_ids(user)
    return bool(networks) and (
        case.organization_id in networks
        or NetworkMembership.objects.current().filter(network_id__in=networks, member_id=case.organization_id).exists()
    )


def steps_to_moderate(user):
    """Steps waiting for moderation that the user may moderate."""
    pending = CaseStep.objects.filter(moderation=CaseStep.Moderation.PENDING)
    if not _active(user):
        return pending.none()
    if user.is_superuser:
        return pending
    networks = moderated_network_ids(user)
    if not networks:
        return pending.none()
    NetworkMembership = apps.get_model("organizations", "NetworkMembership")
    members = NetworkMembership.objects.current().filter(network_id__in=networks).values("member_id")
    return pending.filter(case__organization_id__in=[*networks]) | pending.filter(case__organization_id__in=members)


def get_case_for_monitor(user, code: str) -> MonitoringCase:
    """A case its monitoring organisation's members may add steps to; 404 otherwise."""
    case = MonitoringCase.objects.select_related("process", "organization").filter(code=code).first()
    if case is None or not may_monitor_for(user, case.organization):
        raise Http404
    return case


def can_publish_ocds(organization) -> bool:
    """An organisation's API key posts OCDS when the organisation is a government body (the ones
    that buy and publish); a CSO's or a company's key does not."""
    return organization is not None and organization.is_active and organization.is_government


def _releases_in(data: dict):
    """The releases of a release package, a record package (embedded releases and compiled ones)
    or a single release, as dicts."""
    for item in data.get("releases") or [] if isinstance(data.get("releases"), list) else []:
        if isinstance(item, dict):
            yield item
    for record in data.get("records") or [] if isinstance(data.get("records"), list) else []:
        if not isinstance(record, dict):
            continue
        for item in record.get("releases") or [] if isinstance(record.get("releases"), list) else []:
            if isinstance(item, dict):
                yield item
        if isinstance(record.get("compiledRelease"), dict):
            yield record["compiledRelease"]


def foreign_ocids(organization, data: dict) -> list[str]:
    """The OCIDs an organisation's key may not publish: processes whose buyer is another
    organisation in Iltod, known already or named by the release's buyer identifier. A body
    publishes its own purchases; the back office imports anyone's."""
    from .matching import identity

    Organization = apps.get_model("organizations", "Organization")
    by_ocid: dict[str, set[str]] = {}
    for item in _releases_in(data):
        ocid = str(item.get("ocid") or "")
        found = identity(item, item.get("buyer"))
        by_ocid.setdefault(ocid, set()).update({found[1]} if found else set())
    if not by_ocid:
        return []
    refused = set(
        ContractingProcess.objects.filter(ocid__in=list(by_ocid), buyer__organization__isnull=False)
        .exclude(buyer__organization=organization)
        .values_list("ocid", flat=True)
    )
    identifiers = {i for ids in by_ocid.values() for i in ids}
    if identifiers:
        others = set(
            Organization.objects.filter(registration_number__in=identifiers)
            .exclude(pk=organization.pk)
            .values_list("registration_number", flat=True)
        ) | set(
            Party.objects.filter(identifier__in=identifiers, organization__isnull=False)
            .exclude(organization=organization)
            .values_list("identifier", flat=True)
        )
        refused |= {ocid for ocid, ids in by_ocid.items() if ids & others}
    return sorted(refused)


def can_import_in_back_office(user) -> bool:
    return _active(user) and user.is_staff
