from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from iltod.core.testing import make_facility, make_org
from iltod.organizations.models import NetworkMembership, Organization
from iltod.places.models import AdminUnit

Kind = Organization.Kind


def test_the_organisations_covering_a_facility_are_its_operator_and_those_covering_its_areas(personas):
    covering = Organization.objects.covering_service_unit(personas.school)
    assert sorted(covering, key=lambda o: o.pk) == sorted(
        [personas.school_org, personas.education_dept, personas.cso, personas.ministry], key=lambda o: o.pk
    )
    # The school organisation both covers and operates the school: it is listed once.
    assert covering.count() == 4


def test_an_organisation_of_another_aimag_does_not_cover_the_facility(personas):
    assert set(Organization.objects.covering_service_unit(personas.clinic)) == {personas.other_dept, personas.ministry}
    assert not personas.other_dept.covers_service_unit(personas.school)
    assert personas.education_dept.covers_service_unit(personas.school)
    assert not personas.network.covers_service_unit(personas.school)


def test_an_organisation_covering_an_aimag_covers_a_facility_in_one_of_its_bags(personas):
    bag = AdminUnit.objects.create(code="650401", level=AdminUnit.Level.BAG, name_mn="Баг", parent=personas.geo.soum)
    facility = make_facility(bag, "Багийн эмч", "Bag doctor", kind="family_health_centre")
    assert set(Organization.objects.covering_service_unit(facility)) == {
        personas.education_dept,
        personas.cso,
        personas.ministry,
    }


def test_a_facility_named_directly_is_covered_only_by_that_organisation(personas):
    monitor = make_org(Kind.CSO, "Хяналтын бүлэг", "Monitoring group")
    monitor.covered_service_units.set([personas.clinic])
    assert monitor.covers_service_unit(personas.clinic)
    assert not monitor.covers_service_unit(personas.school)


def test_the_operator_alone_covers_a_facility(personas):
    operator = make_org(Kind.SERVICE_PROVIDER, "Оператор", "Operator")
    personas.clinic.operator = operator
    personas.clinic.save(update_fields=["operator"])
    assert operator.covers_service_unit(personas.clinic)


def test_an_organisation_joins_a_network_once(personas):
    with pytest.raises(IntegrityError), transaction.atomic():
        NetworkMembership.objects.create(network=personas.network, member=personas.cso)


def test_a_network_cannot_be_its_own_member(personas):
    with pytest.raises(IntegrityError), transaction.atomic():
        NetworkMembership.objects.create(network=personas.network, member=personas.network)


def test_validation_refuses_a_self_membership_and_a_network_that_is_not_a_network(personas):
    with pytest.raises(ValidationError):
        NetworkMembership(network=personas.network, member=personas.network).full_clean()
    with pytest.raises(ValidationError) as error:
        NetworkMembership(network=personas.ministry, member=personas.cso).full_clean()
    assert "network" in error.value.message_dict
    NetworkMembership(network=personas.network, member=personas.ministry).full_clean()


def test_current_memberships_leave_out_those_who_left(personas):
    NetworkMembership.objects.create(
        network=personas.network, member=personas.ministry, joined_on=date(2020, 1, 1), left_on=date(2023, 1, 1)
    )
    assert [m.member for m in personas.network.network_memberships.current()] == [personas.cso]


def test_the_search_key_covers_both_names_and_the_short_name(personas):
    org = make_org(Kind.CSO, "Хөгжлийн төлөө иргэдийн холбоо", "Citizens for Development", short_name="ХТИХ")
    assert set(Organization.objects.search("Хөгжлийн")) == {org}
    assert set(Organization.objects.search("khugjliin")) == {org}
    assert set(Organization.objects.search("citizens for")) == {org}
    assert set(Organization.objects.search("HTIH")) == {org}
    org.name_en = "Renamed"
    org.save(update_fields=["name_en"])
    assert not Organization.objects.search("citizens for").exists()
    assert Organization.objects.search("").count() == Organization.objects.count()


def test_kinds_say_whether_an_organisation_is_government_or_a_network(personas):
    assert personas.ministry.is_government and personas.education_dept.is_government
    assert not personas.cso.is_government and not personas.school_org.is_government
    assert personas.network.is_network and not personas.cso.is_network


def test_public_means_active_and_public(personas):
    personas.cso.is_public = False
    personas.cso.save(update_fields=["is_public"])
    personas.other_dept.is_active = False
    personas.other_dept.save(update_fields=["is_active"])
    public = set(Organization.objects.public())
    assert personas.cso not in public and personas.other_dept not in public
    assert personas.ministry in public
    assert list(Organization.objects.networks()) == [personas.network]


def test_both_short_names_are_searchable_whatever_the_language_it_was_saved_in(db):
    from django.utils import translation

    org = Organization(kind=Kind.CSO, name_mn="Хөгжлийн төлөө иргэдийн холбоо", name_en="Citizens for Development")
    org.short_name_mn = "ХТИХ"
    org.short_name_en = "CDA"
    for language in ["mn", "en"]:
        with translation.override(language):
            org.save()
        assert set(Organization.objects.search("HTIH")) == {org}, language
        assert set(Organization.objects.search("CDA")) == {org}, language
