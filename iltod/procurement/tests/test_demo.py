"""The demo: processes from the demo's buyers, cases in every state, idempotent."""

from iltod.procurement.demo import seed_procurement_demo
from iltod.procurement.models import CaseStep, ContractingProcess, FlagSettings, MonitoringCase, ProcessFeedback


def test_the_demo_seeds_processes_feedback_and_cases_once(personas):
    created = seed_procurement_demo()
    assert created > 0
    processes = ContractingProcess.objects.all()
    assert processes.filter(buyer__organization=personas.school_org).exists()
    assert processes.filter(buyer__facility=personas.school).exists()
    assert {p.year for p in processes} == {2023, 2024, 2025}
    assert FlagSettings.objects.filter(is_active=True).count() == 1
    assert ProcessFeedback.objects.count() == 6
    states = set(MonitoringCase.objects.values_list("state", "outcome"))
    assert {("closed", "success"), ("closed", "defeat"), ("closed", "cancelled")} <= states
    assert {s for s, _o in states} == set(MonitoringCase.State.values)
    assert CaseStep.objects.filter(moderation=CaseStep.Moderation.PUBLISHED).exists()
    # a second run adds nothing
    assert seed_procurement_demo() == 0
    assert MonitoringCase.objects.count() == 9
