"""Small builders for score card tests: explicit data, through the services."""

from django.urls import reverse

from iltod.scorecards import services
from iltod.scorecards.models import FocusGroup, Project, Scale, ScorecardCycle, Stage


def make_cycle(personas, *, scale=Scale.FIVE, project=None, title="Spring 2026", service_unit=None) -> ScorecardCycle:
    project = project or Project.objects.get(name_en="School community score card")
    return services.create_cycle(
        actor=personas.monitor,
        service_unit=service_unit or personas.school,
        owner_organization=personas.cso,
        title=title,
        scale=scale,
        facilitator=personas.monitor,
        project=project,
    )


def add_group(personas, cycle, kind=FocusGroup.Kind.WOMEN, name="", female=8, male=0, actor=None) -> FocusGroup:
    return services.add_group(
        actor=actor or personas.monitor,
        cycle=cycle,
        data={"kind": kind, "name": name, "participants_female": female, "participants_male": male},
    )


def score(personas, group, values: dict, *, reasons=None, actor=None, approve=True):
    """Enter ``values`` (indicator number -> score) as ``actor`` and have the coordinator approve."""
    reasons = reasons or {}
    entries = {n: services.Entry(v, reasons.get(n, "")) for n, v in values.items()}
    services.save_scores(actor=actor or personas.monitor, group=group, entries=entries, submit=approve)
    if approve:
        services.approve_sheet(actor=personas.coordinator, group=group)
    group.refresh_from_db()
    return group


def advance_to(actor, cycle, stage) -> ScorecardCycle:
    """Move the cycle stage by stage up to ``stage``: stages advance in order."""
    while cycle.stage_index < Stage.index(stage):
        cycle = services.advance_stage(actor=actor, cycle=cycle)
    return cycle


def close(personas, cycle, actor=None) -> ScorecardCycle:
    return advance_to(actor or personas.monitor, cycle, Stage.CLOSED)


# The cycle page's changes, one URL each (the name of the old ``action`` field -> URL name).
ACTION_URLS = {
    "plan": "cycle_plan",
    "advance": "cycle_advance",
    "skip": "cycle_skip",
    "indicator": "indicator_add",
    "library": "indicator_from_library",
    "input": "input_record",
    "group": "group_add",
    "interface": "interface_meeting",
    "upload": "field_upload",
}


def action_url(cycle, action: str) -> str:
    return reverse(f"scorecards:{ACTION_URLS[action]}", args=[cycle.code])
