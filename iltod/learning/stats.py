"""The network's figures on trainings: unique people trained (disaggregated) next to
participations, and how many follow-ups report changed practice. Offered to the results
framework as metrics (``register_metrics``).

Counts come from indexes: ``Person.first_trained_on`` (set when a person first attends a session)
answers "unique people trained since the start" with one indexed scan of people; a period's
unique people come from ``Participation(held_on, person)`` of attended participations.

``people_trained`` is also broken down by ``locality``: whether the person's soum or district is an
aimag centre (``iltod.places.locality``); ``unknown`` when the person gave only an aimag or nothing
(only the capital, without a district: ``centre``, as every district of the capital is).
"""

from django.db.models import Count, F, Q
from django.utils.translation import gettext_lazy as _

from iltod.core import metrics
from iltod.engagement.models import AgeBand, Sex, StakeholderType
from iltod.places.locality import localities, locality_of

from .models.trainings import FollowUp, MarginalisedGroup, Participation, Person

DIMENSION_FIELDS = {
    "sex": "sex",
    "age_group": "age_group",
    "group": "marginalised_group",
    "disability": "has_disability",
    "aimag": "aimag__code",
    "stakeholder_type": "stakeholder_type",  # CSO, government, khural… as the person told it
}


def _people_in_area(admin_unit_id):
    """People of an aimag (or the capital); the whole country for the country. People are known
    by aimag only: below an aimag there is no figure."""
    from iltod.places.models import AdminUnit

    people = Person.objects.all()
    unit = AdminUnit.objects.filter(pk=admin_unit_id).first()
    if unit is None or unit.level == AdminUnit.Level.COUNTRY:
        return people
    if unit.parent_id is not None and unit.parent.level != AdminUnit.Level.COUNTRY:
        return people.none()
    return people.filter(aimag_id=unit.pk)


def _people_in(scope: metrics.Scope):
    """People trained in the scope's period (and area, organiser)."""
    participations = Participation.objects.trained().filter(held_on__gte=scope.start, held_on__lt=scope.end)
    if scope.organization_id:
        participations = participations.filter(training__organiser_id=scope.organization_id)
    people = Person.objects.filter(pk__in=participations.values("person_id"))
    if scope.admin_unit_id:
        people = people.filter(pk__in=_people_in_area(scope.admin_unit_id).values("pk"))
    return people


def _participations_in(scope: metrics.Scope):
    qs = Participation.objects.trained().filter(held_on__gte=scope.start, held_on__lt=scope.end)
    if scope.organization_id:
        qs = qs.filter(training__organiser_id=scope.organization_id)
    if scope.admin_unit_id:
        qs = qs.filter(person__in=_people_in_area(scope.admin_unit_id))
    return qs


def _dimension_value(dimension: str, value) -> str:
    if dimension == "disability":
        return {True: "yes", False: "no", None: "not_stated"}[value]
    return value or "not_stated"


def _breakdown(queryset, dimension: str, count) -> dict[str, metrics.Value]:
    field = DIMENSION_FIELDS[dimension]
    rows = queryset.values(field).annotate(n=count).order_by()
    return {_dimension_value(dimension, row[field]): metrics.Value(row["n"]) for row in rows}


def people_trained(scope) -> metrics.Value:
    if not scope.admin_unit_id:
        # distinct people straight from the index of attended participations by date and person
        participations = _participations_in(scope)
        return metrics.Value(participations.values("person_id").distinct().order_by().count())
    return metrics.Value(_people_in(scope).count())


def people_trained_by(scope, dimension) -> dict[str, metrics.Value]:
    if dimension == "locality":
        # in a batch, the country and every aimag are cut from one count of the period
        found = metrics.by_aimag(scope, "learning.people_trained.locality", _people_by_place)
        return found if found is not None else metrics.add_up(row[1:] for row in _people_by_place(scope))
    return _breakdown(_people_in(scope), dimension, Count("pk"))


def _people_by_place(scope) -> list[tuple]:
    """(the person's aimag, the locality of their soum or district, people) of the scope's people
    trained. Without a soum, the aimag's locality: unknown, or centre for the capital."""
    kinds = localities()
    rows = _people_in(scope).values("soum_id", "aimag_id").annotate(n=Count("pk")).order_by()
    return [(row["aimag_id"], locality_of(row["soum_id"] or row["aimag_id"], kinds), row["n"], None) for row in rows]


def participations(scope) -> metrics.Value:
    return metrics.Value(_participations_in(scope).count())


def participations_by(scope, dimension) -> dict[str, metrics.Value]:
    rows = (
        _participations_in(scope)
        .values(key=F("person__" + DIMENSION_FIELDS[dimension]))
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {_dimension_value(dimension, row["key"]): metrics.Value(row["n"]) for row in rows}


def _follow_ups_in(scope):
    qs = FollowUp.objects.filter(answered_on__gte=scope.start, answered_on__lt=scope.end)
    if scope.organization_id:
        qs = qs.filter(participation__training__organiser_id=scope.organization_id)
    if scope.admin_unit_id:
        qs = qs.filter(participation__person__in=_people_in_area(scope.admin_unit_id))
    return qs


def changed_practice(scope) -> metrics.Value:
    counts = _follow_ups_in(scope).aggregate(n=Count("pk"), changed=Count("pk", filter=Q(changed_practice=True)))
    return metrics.Value(counts["changed"], counts["n"])


def changed_practice_by(scope, dimension) -> dict[str, metrics.Value]:
    path = "participation__person__" + DIMENSION_FIELDS[dimension]
    rows = (
        _follow_ups_in(scope)
        .values(key=F(path))
        .annotate(n=Count("pk"), changed=Count("pk", filter=Q(changed_practice=True)))
        .order_by()
    )
    return {_dimension_value(dimension, row["key"]): metrics.Value(row["changed"], row["n"]) for row in rows}


def headline() -> dict:
    """Since the start: unique people trained, by sex and age group, next to participations."""
    trained = Person.objects.filter(first_trained_on__isnull=False)
    by_sex, by_age = {}, {}
    # one scan of the index (first_trained_on, sex, age_group) for both disaggregations
    for sex, age_group, n in trained.values_list("sex", "age_group").annotate(n=Count("pk")).order_by():
        by_sex[sex] = by_sex.get(sex, 0) + n
        by_age[age_group] = by_age.get(age_group, 0) + n
    people = sum(by_sex.values())
    follow_ups = FollowUp.objects.aggregate(n=Count("pk"), changed=Count("pk", filter=Q(changed_practice=True)))
    return {
        "people": people,
        "participations": Participation.objects.trained().count(),
        "by_sex": [(label, by_sex.get(value, 0)) for value, label in Sex.choices],
        "by_age": [(label, by_age.get(value, 0)) for value, label in AgeBand.choices],
        "follow_ups": follow_ups["n"],
        "changed": follow_ups["changed"],
    }


def disaggregation(dimension: str) -> list[tuple[str, int]]:
    """Unique people trained since the start per value of one dimension, with display names."""
    trained = Person.objects.filter(first_trained_on__isnull=False)
    if dimension == "aimag":
        rows = trained.values_list("aimag__name").annotate(n=Count("pk")).order_by("-n")
        return [(name or _("not stated"), n) for name, n in rows]
    field = DIMENSION_FIELDS[dimension]
    counts = dict(trained.values_list(field).annotate(n=Count("pk")).order_by())
    if dimension == "disability":
        return [
            (_("yes"), counts.get(True, 0)),
            (_("no"), counts.get(False, 0)),
            (_("not stated"), counts.get(None, 0)),
        ]
    choices = {
        "sex": Sex.choices,
        "age_group": AgeBand.choices,
        "group": MarginalisedGroup.choices,
        "stakeholder_type": StakeholderType.choices,
    }[dimension]
    rows = [(label, counts.get(value, 0)) for value, label in choices]
    if dimension == "stakeholder_type" and counts.get("", 0):
        rows.append((_("not stated"), counts[""]))
    return rows


def register_metrics() -> None:
    # stakeholder_type is on the figures page and in the API, not yet a metric breakdown: the
    # metrics registry (iltod.core.metrics) must first know the dimension
    dims = ("sex", "age_group", "group", "disability", "aimag")
    metrics.register(
        metrics.Metric(
            code="learning.people_trained",
            label=_("People trained (unique)"),
            compute=people_trained,
            unit=_("people"),
            description=_("People who attended at least one session of a training in the period, each counted once."),
            breakdown=people_trained_by,
            dimensions=(*dims, "locality"),
            additive=False,  # one person trained in two periods or two aimags counts once
        )
    )
    metrics.register(
        metrics.Metric(
            code="learning.participations",
            label=_("Training participations"),
            compute=participations,
            unit=_("participations"),
            description=_("People attending trainings in the period, counted once per training."),
            breakdown=participations_by,
            dimensions=dims,
        )
    )
    metrics.register(
        metrics.Metric(
            code="learning.changed_practice",
            label=_("Follow-ups reporting changed practice"),
            compute=changed_practice,
            factor=100,
            unit="%",
            description=_(
                "Of the follow-ups answered three to six months after a training in the period, the share "
                "that report a change in how the person or their organisation works."
            ),
            breakdown=changed_practice_by,
            dimensions=dims,
        )
    )
