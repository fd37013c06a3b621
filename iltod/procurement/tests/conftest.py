import pytest

from iltod.procurement.models import ContractingProcess, Flag, MonitoringNetwork

from .helpers import award, import_data, package, release, supplier_party


@pytest.fixture(autouse=True)
def _monitoring_network(request):
    """The personas' network is the procurement-monitoring network (as the demo's subnetwork is),
    so its member CSO's monitor opens cases; tests that take it away say so."""
    if "personas" in request.fixturenames:
        MonitoringNetwork.objects.get_or_create(network=request.getfixturevalue("personas").network)


@pytest.fixture
def process(personas, tmp_path):
    """A school's tender (linked to the school and its organisation) with an award and a red flag."""
    personas.school_org.registration_number = "1001"
    personas.school_org.save()
    awarded = release("ocds-test-1", "2", date="2025-04-01T00:00:00Z", tag=["award"], awards=[award()])
    awarded["parties"] = [supplier_party()]
    del awarded["tender"]
    report = import_data(tmp_path, package([release("ocds-test-1", "1"), awarded]))
    assert report.ok, report.errors
    process = ContractingProcess.objects.select_related("buyer").get(ocid="ocds-test-1")
    Flag.objects.create(scope=Flag.Scope.PROCESS, key=process.ocid, code="R024", value=1.0, process=process)
    return process
