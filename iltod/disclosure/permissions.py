"""Who may see and change what in disclosure: one guard per rule, used by the pages, the API and
the back office alike. Views fetch through these helpers: "not found" and "not allowed" are the
same 404. One section per part of the module (docs/disclosure.md).

The ``actor`` is a person, or an organisation's API key acting for it
(``iltod.feedback.permissions.OrganizationActor``, with ``organization_id`` and ``can_write``).
"""

from django.http import Http404

from iltod.accounts.capabilities import Capability
from iltod.accounts.permissions import organization_ids_with


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _superuser(user) -> bool:
    return _active(user) and user.is_superuser


def _key_organization_id(actor) -> int | None:
    """The organisation an API key acts for (None for a person)."""
    if getattr(actor, "is_authenticated", False):
        return None
    return getattr(actor, "organization_id", None)


# --- obligations and compliance


def publisher_organization_ids(actor) -> list[int] | None:
    """Bodies for which ``actor`` publishes disclosures: those where a person holds
    ``can_publish``, or a key's own organisation. None means every body (platform admins)."""
    key_org = _key_organization_id(actor)
    if key_org is not None:
        return [key_org]
    if _superuser(actor):
        return None
    if not _active(actor):
        return []
    return organization_ids_with(actor, Capability.PUBLISH)


def is_publisher(actor) -> bool:
    """May open the publisher's pages at all."""
    ids = publisher_organization_ids(actor)
    return ids is None or bool(ids)


def can_publish_for(actor, organization_id: int) -> bool:
    """Publish, replace, explain and record events for this body (a key needs write access)."""
    if _key_organization_id(actor) is not None and not getattr(actor, "can_write", False):
        return False
    ids = publisher_organization_ids(actor)
    return ids is None or organization_id in ids


def publisher_disclosures(actor):
    """The disclosures ``actor`` may publish (the publisher's list)."""
    from .models import Disclosure

    ids = publisher_organization_ids(actor)
    if ids is None:
        return Disclosure.objects.all()
    return Disclosure.objects.filter(organization_id__in=ids)


def get_disclosure_for_publisher(actor, code: str):
    """The disclosure with this code if ``actor`` publishes for its body, else 404."""
    disclosure = publisher_disclosures(actor).select_related("requirement", "organization").filter(code=code).first()
    if disclosure is None or not can_publish_for(actor, disclosure.organization_id):
        raise Http404
    return disclosure


def public_disclosures():
    """Every disclosure of a public, active body: schedules, compliance and published items are
    public, as the Glass Account law means them to be."""
    from .models import Disclosure

    return Disclosure.objects.filter(organization__is_public=True, organization__is_active=True)


def get_public_disclosure(code: str):
    disclosure = public_disclosures().select_related("requirement", "organization", "aimag").filter(code=code).first()
    if disclosure is None:
        raise Http404
    return disclosure


# --- facility data that citizens check
# A facility's values are published by its provider (the facility's operator or an organisation
# covering exactly that facility) and by its operator in the administration: the aimag or district
# department of the facility's sector covering its area. Both need Capability.PUBLISH there; an
# organisation's API key acts as its organisation, and only a read and write key publishes.

SECTOR_DEPARTMENTS = {"education": "education_department", "health": "health_department"}


def _in_areas(area_ids):
    """Facilities in these areas or below them (a Q on ServiceUnit)."""
    from django.db.models import Q

    return Q(admin_unit__in=area_ids) | Q(admin_unit__parent__in=area_ids) | Q(admin_unit__parent__parent__in=area_ids)


def facility_publishing_organization_ids(actor) -> list[int]:
    """The organisations in which ``actor`` publishes facility data (a key: its own, if it writes)."""
    if _key_organization_id(actor) is not None:
        return [actor.organization_id] if getattr(actor, "can_write", False) else []
    if not _active(actor):
        return []
    return organization_ids_with(actor, Capability.PUBLISH)


def publishable_facilities(actor):
    """The facilities whose values ``actor`` may publish (a queryset)."""
    from django.db.models import Q

    from iltod.organizations.models import Organization
    from iltod.places.models import ServiceUnit

    if _superuser(actor):
        return ServiceUnit.objects.all()
    org_ids = facility_publishing_organization_ids(actor)
    if not org_ids:
        return ServiceUnit.objects.none()
    condition = Q(operator_id__in=org_ids) | Q(covering_organizations__in=org_ids)
    departments = Organization.objects.filter(
        pk__in=org_ids, is_active=True, kind__in=SECTOR_DEPARTMENTS.values()
    ).prefetch_related("covered_admin_units")
    for department in departments:
        sectors = [code for code, kind in SECTOR_DEPARTMENTS.items() if kind == department.kind]
        areas = [unit.pk for unit in department.covered_admin_units.all()]
        if areas:
            condition |= Q(sector__code__in=sectors) & _in_areas(areas)
    return ServiceUnit.objects.filter(condition).distinct()


def can_publish_values(actor, facility) -> bool:
    """May ``actor`` publish or correct the values of ``facility``?"""
    return publishable_facilities(actor).filter(pk=facility.pk).exists()


def publisher_for(actor, facility):
    """The organisation a publication is recorded under: the facility's own first, else the department."""
    from iltod.organizations.models import Organization
    from iltod.organizations.permissions import facility_organization_ids

    if _key_organization_id(actor) is not None:
        return Organization.objects.filter(pk=actor.organization_id).first()
    org_ids = facility_publishing_organization_ids(actor)
    own = facility_organization_ids(facility) & set(org_ids)
    if own:
        return Organization.objects.filter(pk__in=own).order_by("pk").first()
    return (
        Organization.objects.filter(pk__in=org_ids, kind=SECTOR_DEPARTMENTS.get(facility.sector.code, ""))
        .order_by("pk")
        .first()
    )


def can_moderate_checks(user, facility) -> bool:
    """May ``user`` publish or hide citizens' checks of ``facility``'s values? Those who handle
    feedback for the facility's area, never the facility itself (its staff do not moderate
    disputes of their own figures), and platform administrators."""
    return moderated_facilities(user).filter(pk=facility.pk).exists()


def moderated_facilities(user):
    """The facilities whose checks ``user`` moderates (a queryset), for the moderation queue."""
    from iltod.organizations.models import Organization
    from iltod.places.models import ServiceUnit

    if not _active(user):
        return ServiceUnit.objects.none()
    if user.is_superuser:
        return ServiceUnit.objects.all()
    org_ids = organization_ids_with(user, Capability.HANDLE_FEEDBACK)
    areas = [
        pk
        for pk in Organization.objects.filter(pk__in=org_ids).values_list("covered_admin_units", flat=True)
        if pk is not None
    ]
    if not areas:
        return ServiceUnit.objects.none()
    return (
        ServiceUnit.objects.filter(_in_areas(areas))
        .exclude(operator_id__in=org_ids)
        .exclude(covering_organizations__in=org_ids)
    )


# --- budgets and transfers, Local Development Fund projects
# A body publishes its own budget lines and the transfers it sends (Capability.PUBLISH in that
# body; an API key acts as its organisation and needs write access). Local Development Fund
# projects are published by the governor's office of the area (PUBLISH there, for the area and
# the units below it); citizens' reports on a project are moderated by those who handle feedback
# in that office. Platform administrators may do all of it.


def budget_body_ids(actor) -> list[int] | None:
    """The bodies whose budget lines and transfers ``actor`` publishes; None means every body."""
    if _key_organization_id(actor) is not None and not getattr(actor, "can_write", False):
        return []
    return publisher_organization_ids(actor)


def can_publish_budgets(actor, organization) -> bool:
    ids = budget_body_ids(actor)
    return ids is None or organization.pk in ids


def _governor_area_ids(actor, capability: str) -> list[int] | None:
    """The areas covered by the governor's offices where ``actor`` holds ``capability`` (a key:
    its own organisation, writing only with write access); None means every area."""
    from iltod.organizations.models import Organization

    key_org = _key_organization_id(actor)
    if key_org is not None:
        org_ids = [key_org] if capability != Capability.PUBLISH or getattr(actor, "can_write", False) else []
    elif _superuser(actor):
        return None
    elif not _active(actor):
        return []
    else:
        org_ids = organization_ids_with(actor, capability)
    return list(
        Organization.objects.filter(pk__in=org_ids, kind=Organization.Kind.GOVERNORS_OFFICE, is_active=True)
        .exclude(covered_admin_units=None)
        .values_list("covered_admin_units", flat=True)
    )


def _covers(area_ids: list[int] | None, unit) -> bool:
    if area_ids is None:
        return True
    return any(pk in area_ids for pk in [unit.pk, *(a.pk for a in unit.ancestors())])


def managed_ldf_area_ids(actor) -> list[int] | None:
    """The areas whose projects ``actor`` publishes (units below them too); None means every area."""
    return _governor_area_ids(actor, Capability.PUBLISH)


def can_manage_ldf_projects(actor, admin_unit) -> bool:
    """May ``actor`` publish and update the Local Development Fund projects of ``admin_unit``?"""
    return ldf_project_guard(actor)(admin_unit)


def ldf_project_guard(actor):
    """``can_manage_ldf_projects`` for many areas (an import's rows): the actor's areas are read once."""
    area_ids = managed_ldf_area_ids(actor)
    return lambda admin_unit: _covers(area_ids, admin_unit)


def moderated_ldf_area_ids(user) -> list[int] | None:
    """The areas whose citizens' reports ``user`` moderates; None means every area."""
    if _key_organization_id(user) is not None:
        return []  # moderation is a person's judgement, never an API key's
    return _governor_area_ids(user, Capability.HANDLE_FEEDBACK)


def can_moderate_ldf_reports(user, project) -> bool:
    """May ``user`` publish or hide citizens' reports on ``project``? Never the contractor: it is not
    a governor's office."""
    return _covers(moderated_ldf_area_ids(user), project.admin_unit)


# --- uploaded files (iltod/disclosure/files.py serves them; pages, API and back office link there)


def disclosure_document_is_public(disclosure) -> bool:
    """Published (on time or late) by a public, active body."""
    from .models import Disclosure

    organization = disclosure.organization
    published = disclosure.status in (Disclosure.Status.ON_TIME, Disclosure.Status.LATE)
    return published and organization.is_public and organization.is_active


def can_read_disclosure_document(actor, disclosure) -> bool:
    """A disclosure's document is public once published by a public, active body; before that,
    and for other bodies, only for those who publish for the body."""
    return disclosure_document_is_public(disclosure) or can_publish_for(actor, disclosure.organization_id)


def can_read_check_photo(user, check) -> bool:
    """A citizen's photo with a check of a value: public once the check is published; before that
    only the person who sent it and those who moderate the facility's checks."""
    if check.moderation == check.Moderation.PUBLISHED:
        return True
    if _active(user) and check.checked_by_id == user.pk:
        return True
    return can_moderate_checks(user, check.value.facility)


def can_read_milestone_photo(user, milestone) -> bool:
    """A milestone's photo is public, as its project is (the governor's office published both)."""
    return milestone.project_id is not None


def can_read_report_photo(user, report) -> bool:
    """A citizen's photo of a project visit: public once the report is published; before that only
    the person who sent it and those who moderate the project's reports."""
    if report.moderation == report.Moderation.PUBLISHED:
        return True
    if _active(user) and report.submitted_by_id == user.pk:
        return True
    return can_moderate_ldf_reports(user, report.project)
