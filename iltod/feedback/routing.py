"""Who handles a feedback item, and who is the next level up when it is overdue."""

from django.apps import apps
from django.db import models

from iltod.core import memo
from iltod.organizations.models import Organization
from iltod.places.models import AdminUnit, ServiceUnit

from .models import Category, RoutingRule
from .permissions import excluded_organization_ids

SECTOR_DEPARTMENT_KIND = {"health": "health_department", "education": "education_department"}


def _organizations():
    return apps.get_model("organizations", "Organization").objects.filter(is_active=True)


def area_chain(admin_unit: AdminUnit) -> list[AdminUnit]:
    """The unit and its ancestors, nearest first, without the country."""
    chain = [admin_unit, *reversed(admin_unit.ancestors())]
    return [u for u in chain if u.level != AdminUnit.Level.COUNTRY]


def _covering(kind: str, unit: AdminUnit):
    return _organizations().filter(kind=kind, covered_admin_units=unit).order_by("pk").first()


def sector_department(sector_code: str, unit: AdminUnit, excluded=frozenset()):
    """The nearest health/education department (or governor's office for other sectors)."""
    kind = SECTOR_DEPARTMENT_KIND.get(sector_code, "governors_office")
    for area in area_chain(unit):
        org = _covering(kind, area)
        if org and org.pk not in excluded:
            return org
    return None


def governors_office(unit: AdminUnit, excluded=frozenset()):
    for area in area_chain(unit):
        org = _covering("governors_office", area)
        if org and org.pk not in excluded:
            return org
    return None


def departments(sector_code: str, unit: AdminUnit) -> list:
    """The sector's departments (or governor's offices) over the area, nearest first, in one query."""
    kind = SECTOR_DEPARTMENT_KIND.get(sector_code, "governors_office")
    chain = area_chain(unit)
    found = {}
    rows = (
        _organizations()
        .filter(kind=kind, covered_admin_units__in=chain)
        .annotate(area_id=models.F("covered_admin_units"))
        .order_by("pk")
    )
    for org in rows:
        found.setdefault(org.area_id, org)
    unique, seen = [], set()
    for area in chain:
        org = found.get(area.pk)
        if org is not None and org.pk not in seen:
            seen.add(org.pk)
            unique.append(org)
    return unique


def oversight_for(*, handler, category: Category, admin_unit: AdminUnit, excluded=frozenset()):
    """The body that oversees ``handler`` for an item: the sector department over it — for an item
    a facility handles, the soum/district department of the area or else the aimag/capital one.
    The ministry is not an oversight body: it sees what is escalated to it."""
    if handler is not None and handler.kind == "ministry":
        return None  # nothing is over a ministry
    chain = [org for org in departments(category.sector.code, admin_unit) if org.pk not in excluded]
    ids = [org.pk for org in chain]
    if handler is not None and handler.pk in ids:
        position = ids.index(handler.pk)
        return chain[position + 1] if position + 1 < len(chain) else None
    return chain[0] if chain else None


def ministry(sector_code: str):
    return _organizations().filter(kind="ministry", sectors__code=sector_code).order_by("pk").first()


def _rule_matches(rule: RoutingRule, *, category, kind, service_unit, admin_unit) -> bool:
    if rule.sector_id and rule.sector_id != category.sector_id:
        return False
    if rule.category_id and rule.category_id != category.pk:
        return False
    if rule.kind and rule.kind != kind:
        return False
    if rule.facility_kind and (service_unit is None or service_unit.kind != rule.facility_kind):
        return False
    return not (rule.admin_unit_id and rule.admin_unit_id not in {u.pk for u in [admin_unit, *admin_unit.ancestors()]})


def _target(target: str, *, organization, category: Category, service_unit, admin_unit, excluded=frozenset()):
    sector_code = category.sector.code
    if target == RoutingRule.Target.ORGANIZATION:
        return organization
    if target == RoutingRule.Target.OPERATOR:
        return service_unit.operator if service_unit and service_unit.operator_id else None
    if target == RoutingRule.Target.SECTOR_DEPARTMENT:
        return sector_department(sector_code, admin_unit, excluded)
    if target == RoutingRule.Target.GOVERNORS_OFFICE:
        return governors_office(admin_unit, excluded)
    return None


DEFAULT_ORDER = [
    RoutingRule.Target.OPERATOR,
    RoutingRule.Target.SECTOR_DEPARTMENT,
    RoutingRule.Target.GOVERNORS_OFFICE,
]


def _load_active_rules() -> list[RoutingRule]:
    # Without their organisations: those are read when a rule matches, so that a deactivated
    # organisation counts at once.
    return list(RoutingRule.objects.filter(is_active=True))


memo.register("feedback.routing_rules", _load_active_rules, models=[RoutingRule])


def route(
    *, category: Category, kind: str, service_unit: ServiceUnit | None, admin_unit: AdminUnit, excluded=frozenset()
):
    """The organisation that must handle the item, and the rule that chose it (None = default).

    ``excluded`` are organisations the guard keeps away from the item
    (``permissions.excluded_organization_ids``): a rule or a default that names one of them is
    passed over, so a guarded item goes to the sector department of the area, the governor's office
    or the ministry, never to the facility it names."""
    for rule in memo.get("feedback.routing_rules"):
        if _rule_matches(rule, category=category, kind=kind, service_unit=service_unit, admin_unit=admin_unit):
            named = None
            if rule.target == RoutingRule.Target.ORGANIZATION and rule.organization_id:
                named = Organization.objects.filter(pk=rule.organization_id).first()
            org = _target(
                rule.target,
                organization=named,
                category=category,
                service_unit=service_unit,
                admin_unit=admin_unit,
            )
            if org is not None and org.is_active and org.pk not in excluded:
                return org, rule
    for target in DEFAULT_ORDER:
        org = _target(
            target,
            organization=None,
            category=category,
            service_unit=service_unit,
            admin_unit=admin_unit,
            excluded=excluded,
        )
        if org is not None and org.pk not in excluded:
            return org, None
    top = ministry(category.sector.code)
    return (top if top is None or top.pk not in excluded else None), None


def oversight_chain(feedback) -> list:
    """Bodies above the handler, lowest first: facility operator → soum/district department →
    aimag/capital department → ministry. Used for escalation."""
    sector_code = feedback.category.sector.code
    kind = SECTOR_DEPARTMENT_KIND.get(sector_code, "governors_office")
    chain = []
    if feedback.service_unit_id and feedback.service_unit.operator_id:
        chain.append(feedback.service_unit.operator)
    for area in area_chain(feedback.admin_unit):
        org = _covering(kind, area)
        if org:
            chain.append(org)
    top = ministry(sector_code)
    if top:
        chain.append(top)
    # The guard: a body the item is kept away from is never a level of its chain.
    excluded = excluded_organization_ids(feedback)
    unique, seen = [], set()
    for org in chain:
        if org.pk not in seen and org.pk not in excluded:
            seen.add(org.pk)
            unique.append(org)
    return unique


def next_oversight(feedback, above=None):
    """The next body up from whoever currently handles or oversees the item, or None at the top.

    ``above``: an oversight body escalating the item itself sends it above itself."""
    chain = oversight_chain(feedback)
    ids = [o.pk for o in chain]
    current = feedback.escalated_to_id or feedback.handling_organization_id
    if above is not None and above.pk in ids and (current not in ids or ids.index(above.pk) > ids.index(current)):
        current = above.pk
    if current in ids:
        position = ids.index(current)
        return chain[position + 1] if position + 1 < len(chain) else None
    # The handler is not on the chain (e.g. a named organisation): start above the facility level.
    operator_id = feedback.service_unit.operator_id if feedback.service_unit_id else None
    above = [org for org in chain if org.pk != operator_id] if operator_id else chain[1:]
    return above[0] if above else (chain[0] if chain else None)
