"""Who may do what in procurement. One guard per rule, used by the pages, the API and the back office.

- Everyone sees processes, parties, flags, published case steps and fixed rates.
- Anyone (signed in or not) leaves structured feedback on a process; it goes to the buyer.
- Members holding ``can_monitor_procurement`` in an organisation of a procurement-monitoring
  network (one marked in the back office: ``MonitoringNetwork``; the network itself counts) open
  cases for that organisation and add their steps. Membership of any other network is not enough.
- The administrators (``can_manage_network``) of those monitoring networks, or of the network
  above one, moderate the public summaries of their member organisations' cases; platform
  superusers too. A step changes what the public sees (the case's state, outcome and the fixed
  rates) only once it is published.
- Evidence of a published step is public; before that, only the case's monitors and moderators.
- An OCDS import's progress, report and file: the person who uploaded it, people holding
  ``can_publish`` in its publisher, platform superusers.
- A government body's read and write API key posts OCDS to the API, for its own purchases only
  (``foreign_ocids``); the platform's staff import files in the back office.
"""

from django.apps import apps
from django.db.models import Q
from django.http import Http404

from iltod.accounts.capabilities import Capability
from iltod.accounts.permissions import has_capability, organization_ids_with

from .models import CaseEvidence, CaseStep, ContractingProcess, ImportJob, MonitoringCase, MonitoringNetwork, Party


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def monitoring_network_ids() -> set[int]:
    """The networks marked as procurement-monitoring networks (the demo's procurement subnetwork)."""
    return set(MonitoringNetwork.objects.values_list("network_id", flat=True))


def _in_monitoring_network(organization_ids) -> set[int]:
    """Those of ``organization_ids`` that are a monitoring network or a current, not suspended,
    member of one."""
    networks = monitoring_network_ids()
    if not networks:
        return set()
    NetworkMembership = apps.get_model("organizations", "NetworkMembership")
    members = set(
        NetworkMembership.objects.active()
        .filter(network_id__in=networks, member_id__in=organization_ids)
        .values_list("member_id", flat=True)
    )
    return members | (set(organization_ids) & networks)


def monitoring_organizations(user):
    """Organisations for which the user may open monitoring cases."""
    Organization = apps.get_model("organizations", "Organization")
    if not _active(user):
        return Organization.objects.none()
    ids = organization_ids_with(user, Capability.MONITOR_PROCUREMENT)
    return Organization.objects.filter(pk__in=_in_monitoring_network(ids)) if ids else Organization.objects.none()


def may_monitor_for(user, organization) -> bool:
    if not _active(user) or organization is None:
        return False
    return has_capability(user, Capability.MONITOR_PROCUREMENT, organization) and bool(
        _in_monitoring_network([organization.pk])
    )


def monitors_outside_the_network(user) -> bool:
    """Holds ``can_monitor_procurement`` somewhere, but not in a monitoring network: told why they
    cannot open a case (anyone else gets a plain 404)."""
    return _active(user) and bool(organization_ids_with(user, Capability.MONITOR_PROCUREMENT))


def can_monitor(user) -> bool:
    return monitoring_organizations(user).exists()


def moderated_network_ids(user) -> list[int]:
    """The monitoring networks whose cases the user moderates: ``can_manage_network`` in the
    monitoring network or in the network above it (the national network of a subnetwork)."""
    if not _active(user):
        return []
    managed = organization_ids_with(user, Capability.MANAGE_NETWORK)
    if not managed:
        return []
    marked = MonitoringNetwork.objects.filter(Q(network_id__in=managed) | Q(network__parent_id__in=managed))
    return sorted(marked.values_list("network_id", flat=True))


def _moderated_organizations(networks):
    """A Q on ``case__organization``: the networks and their current members."""
    NetworkMembership = apps.get_model("organizations", "NetworkMembership")
    members = NetworkMembership.objects.current().filter(network_id__in=networks).values("member_id")
    return Q(case__organization_id__in=networks) | Q(case__organization_id__in=members)


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
    return pending.filter(_moderated_organizations(networks))


def cases_in_back_office(user):
    """The cases a staff member reads in the back office, pending steps included: those they
    monitor or moderate (every case for platform superusers)."""
    if not _active(user):
        return MonitoringCase.objects.none()
    if user.is_superuser:
        return MonitoringCase.objects.all()
    NetworkMembership = apps.get_model("organizations", "NetworkMembership")
    networks = moderated_network_ids(user)
    members = NetworkMembership.objects.current().filter(network_id__in=networks).values("member_id")
    monitored = monitoring_organizations(user).values("pk")
    return MonitoringCase.objects.filter(
        Q(organization_id__in=networks) | Q(organization_id__in=members) | Q(organization_id__in=monitored)
    )


def can_read_evidence(user, evidence: CaseEvidence) -> bool:
    """A published step's evidence is public; a pending or refused one's only for the case's
    monitors and moderators (pages, the file route and the back office alike)."""
    step = evidence.step
    if step.moderation == CaseStep.Moderation.PUBLISHED:
        return True
    return may_monitor_for(user, step.case.organization) or can_moderate_case(user, step.case)


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
    from .matching import ORGANIZATION_SCHEME, identity

    Organization = apps.get_model("organizations", "Organization")
    by_ocid: dict[str, set[tuple[str, str]]] = {}
    for item in _releases_in(data):
        ocid = str(item.get("ocid") or "")
        found = identity(item, item.get("buyer"))
        by_ocid.setdefault(ocid, set()).update({found[:2]} if found else set())
    if not by_ocid:
        return []
    refused = set(
        ContractingProcess.objects.filter(ocid__in=list(by_ocid), buyer__organization__isnull=False)
        .exclude(buyer__organization=organization)
        .values_list("ocid", flat=True)
    )
    identifiers = {i for ids in by_ocid.values() for _s, i in ids}
    if identifiers:
        # a state registration number only under its own scheme; a known party by its whole identity
        numbers = {i for ids in by_ocid.values() for s, i in ids if s == ORGANIZATION_SCHEME}
        others = {
            (ORGANIZATION_SCHEME, number)
            for number in Organization.objects.filter(registration_number__in=numbers)
            .exclude(pk=organization.pk)
            .values_list("registration_number", flat=True)
        } | set(
            Party.objects.filter(identifier__in=identifiers, organization__isnull=False)
            .exclude(organization=organization)
            .values_list("scheme", "identifier")
        )
        refused |= {ocid for ocid, ids in by_ocid.items() if ids & others}
    return sorted(refused)


def can_import_in_back_office(user) -> bool:
    return _active(user) and user.is_staff


def import_jobs_for(user):
    """The OCDS imports whose progress, report and file the user may see: the ones they uploaded
    and their publishers' (``can_publish`` there); every one for platform superusers."""
    if not _active(user):
        return ImportJob.objects.none()
    if user.is_superuser:
        return ImportJob.objects.all()
    publishers = organization_ids_with(user, Capability.PUBLISH)
    return ImportJob.objects.filter(Q(created_by=user) | Q(organization_id__in=publishers))


def can_read_import(user, job: ImportJob) -> bool:
    return import_jobs_for(user).filter(pk=job.pk).exists()
