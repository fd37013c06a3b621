"""Parties link by the Mongolian registry schemes only: a foreign scheme with an equal number links
to nothing."""

from iltod.procurement.models import Party

from .helpers import import_data, package, release


def test_only_the_state_registration_scheme_links_an_organisation(tmp_path, personas):
    personas.school_org.registration_number = "1001"
    personas.school_org.save()
    foreign = release("ocds-test-1", "1", buyer=("B1", "GB-COH", "1001", "Foreign Ltd"))
    own = release("ocds-test-2", "1", buyer=("B2", "MN-REG", "1001", "Сургууль"))
    assert import_data(tmp_path, package([foreign, own])).ok

    assert Party.objects.get(scheme="GB-COH", identifier="1001").organization is None
    linked = Party.objects.get(scheme="MN-REG", identifier="1001")
    assert (linked.organization, linked.facility) == (personas.school_org, personas.school)


def test_a_facility_links_by_its_registry_scheme_only(tmp_path, personas):
    personas.school.registry_code = "SCH-77"
    personas.school.save()
    by_code = release("ocds-test-1", "1", buyer=("B1", "MN-FACILITY", "SCH-77", "Сургууль"))
    other = release("ocds-test-2", "1", buyer=("B2", "XI-FACILITY", "SCH-77", "Elsewhere"))
    assert import_data(tmp_path, package([by_code, other])).ok

    linked = Party.objects.get(scheme="MN-FACILITY")
    assert (linked.facility, linked.organization) == (personas.school, personas.school.operator)
    assert Party.objects.get(scheme="XI-FACILITY").facility is None
