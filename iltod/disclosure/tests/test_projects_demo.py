"""The demo's budgets and Local Development Fund projects: deterministic, idempotent, a chain with
leakage at the Arkhangai department's step, and three projects in every demo soum."""

import pytest

from iltod.demo.data import demo_email
from iltod.disclosure import demo
from iltod.disclosure.models import BudgetLine, LdfProject, Milestone, Transfer
from iltod.disclosure.services.budgets import annotate_chain, chain_to

pytestmark = pytest.mark.django_db


def test_the_demo_chain_loses_money_at_the_aimag_step_and_is_seeded_once(personas):
    personas.ministry.email = demo_email("ministry-education")
    personas.ministry.save(update_fields=["email"])
    personas.education_dept.email = demo_email("education-dept-65")
    personas.education_dept.save(update_fields=["email"])
    created = demo._seed_budgets()
    assert created == Transfer.objects.count() + BudgetLine.objects.count() > 0
    assert demo._seed_budgets() == 0
    step = Transfer.objects.get(to_service_unit=personas.school)
    chain = annotate_chain(chain_to(step))
    assert [item.leakage > 0 for item in chain] == [False, True]
    assert chain[-1].stopped and chain[-1].delay > 0


def test_every_demo_soum_gets_three_projects_once(personas):
    first = demo._seed_projects()
    assert first > 0
    assert LdfProject.objects.filter(admin_unit=personas.geo.soum).count() == 3
    assert Milestone.objects.exists()
    snapshot = list(LdfProject.objects.order_by("external_id").values_list("external_id", "status", "progress"))
    assert demo._seed_projects() == 0
    assert list(LdfProject.objects.order_by("external_id").values_list("external_id", "status", "progress")) == snapshot
    for project in LdfProject.objects.all():
        assert project.progress == {"completed": 100, "planned": 0, "procurement": 0}.get(
            project.status, project.progress
        )
