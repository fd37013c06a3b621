"""The demo data generator: size and shape, personas, determinism, idempotency and scale."""

import math
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory, TestCase, override_settings
from django.utils import translation

from iltod.accounts.capabilities import Capability, Role
from iltod.accounts.models import AuditEvent, Membership, User
from iltod.accounts.permissions import has_capability
from iltod.demo import data, facilities, organizations
from iltod.demo.seed import load_geography
from iltod.engagement.models import ActionPlan, Group, LocalIssue, Meeting
from iltod.organizations.models import NetworkMembership, Organization
from iltod.places.models import CODE_ALPHABET, AdminUnit, ServiceUnit
from iltod.scorecards.models import ScorecardCycle


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def distance_km(lat1, lon1, lat2, lon2) -> float:
    dlat = math.radians(lat2 - lat1)
    dlon = math.radians(lon2 - lon1)
    a = math.sin(dlat / 2) ** 2 + math.cos(math.radians(lat1)) * math.cos(math.radians(lat2)) * math.sin(dlon / 2) ** 2
    return 6371 * 2 * math.asin(math.sqrt(a))


def snapshot() -> dict:
    """Everything a second run must leave exactly as it was."""
    return {
        "facilities": sorted(ServiceUnit.objects.values_list("registry_code", "code", "name_mn", "updated_at")),
        "organizations": sorted(Organization.objects.values_list("email", "code", "name_mn", "updated_at")),
        "network_memberships": sorted(NetworkMembership.objects.values_list("network_id", "member_id")),
        "users": sorted(User.objects.values_list("email", "password", "phone")),
        "memberships": sorted(Membership.objects.values_list("user_id", "organization_id", "role")),
        "covered_units": Organization.covered_admin_units.through.objects.count(),
        "covered_facilities": Organization.covered_service_units.through.objects.count(),
        "sectors": Organization.sectors.through.objects.count(),
        "audit_events": AuditEvent.objects.count(),
        "admin_units": AdminUnit.objects.count(),
    }


class SeededDemoTests(TestCase):
    """One seed at scale 1 on an empty database, shared by the tests of this class."""

    @classmethod
    def setUpTestData(cls):
        cls.output = seed()

    def test_scale_2_gives_about_twice_the_facilities_and_keeps_scale_1(self):
        # On top of the class's scale-1 seed; rolled back after the test like any other change.
        scale_1 = dict(ServiceUnit.objects.values_list("registry_code", "code"))
        csos_1 = Organization.objects.filter(kind=Organization.Kind.CSO).count()
        seed("--scale", "2")
        scale_2 = dict(ServiceUnit.objects.values_list("registry_code", "code"))
        assert 1.8 <= len(scale_2) / len(scale_1) <= 2.2
        assert {k: scale_2[k] for k in scale_1} == scale_1
        local_areas = len(data.AIMAG_CODES) + len(data.DISTRICT_CODES)
        assert Organization.objects.filter(kind=Organization.Kind.CSO).count() == csos_1 + 2 * local_areas

    def test_it_loads_the_reference_data_and_prints_a_one_line_summary(self):
        assert AdminUnit.objects.filter(level=AdminUnit.Level.SOUM).count() == 330
        lines = self.output.strip().splitlines()
        assert len(lines) == 1
        assert "10 aimags and 3 districts" in lines[0]

    def test_at_least_1500_facilities_in_exactly_ten_aimags_and_three_districts(self):
        facilities = ServiceUnit.objects.select_related("admin_unit__parent")
        assert facilities.count() >= 1500
        levels = set(facilities.values_list("admin_unit__level", flat=True))
        assert levels == {AdminUnit.Level.SOUM, AdminUnit.Level.DISTRICT}
        aimags = set(
            facilities.filter(admin_unit__level=AdminUnit.Level.SOUM).values_list("admin_unit__parent__code", flat=True)
        )
        assert aimags == set(data.AIMAG_CODES)
        districts = set(
            facilities.filter(admin_unit__level=AdminUnit.Level.DISTRICT).values_list("admin_unit__code", flat=True)
        )
        assert districts == set(data.DISTRICT_CODES)
        assert {*data.AIMAG_CODES} <= set(
            AdminUnit.objects.filter(level=AdminUnit.Level.AIMAG).values_list("code", flat=True)
        )

    def test_facilities_have_plausible_kinds_names_codes_and_places(self):
        K = ServiceUnit.Kind
        for aimag in data.AIMAG_CODES:
            centre = ServiceUnit.objects.filter(admin_unit__code=f"{aimag}01")
            assert centre.filter(kind=K.AIMAG_HOSPITAL).count() == 1
            assert centre.filter(kind=K.GENERAL_SCHOOL).count() >= 5
            assert centre.filter(kind=K.KINDERGARTEN).count() >= 5
            assert centre.filter(kind=K.VOCATIONAL_SCHOOL).exists()
            assert centre.filter(kind=K.FAMILY_HEALTH_CENTRE).count() >= 4
        for soum in AdminUnit.objects.filter(parent__code__in=data.AIMAG_CODES).exclude(code__endswith="01"):
            kinds = set(soum.service_units.values_list("kind", flat=True))
            assert {K.SOUM_HEALTH_CENTRE, K.GENERAL_SCHOOL, K.KINDERGARTEN} <= kinds, soum.code
        for district in data.DISTRICT_CODES:
            here = ServiceUnit.objects.filter(admin_unit__code=district)
            assert here.filter(kind=K.DISTRICT_HOSPITAL).count() == 1
            assert here.filter(kind=K.GENERAL_SCHOOL).count() >= 30
            assert here.filter(kind=K.KINDERGARTEN).count() >= 50
            assert here.filter(kind=K.FAMILY_HEALTH_CENTRE).count() >= 20

        school = ServiceUnit.objects.get(admin_unit__code="6504", kind=K.GENERAL_SCHOOL, name_en__endswith="No. 1")
        assert school.name_mn == "Батцэнгэл сумын 1-р сургууль"
        assert school.name_en == "Battsengel soum School No. 1"
        with translation.override("mn"):
            assert school.name == school.name_mn  # Mongolian is the default language
        assert school.operator.email == "education-dept-65@demo.iltod.mn"

        facilities = list(ServiceUnit.objects.select_related("admin_unit", "sector"))
        assert all(f.name_mn and f.name_en and f.registry_code.startswith("DEMO-") for f in facilities)
        assert all(len(f.code) == 8 and set(f.code) <= set(CODE_ALPHABET) for f in facilities)
        assert all(f.sector.code == ServiceUnit.KIND_SECTOR[f.kind] for f in facilities)
        unplaced = [f for f in facilities if not f.has_location]
        assert 0.02 <= len(unplaced) / len(facilities) <= 0.08
        for f in facilities:
            if f.has_location:
                assert distance_km(f.latitude, f.longitude, f.admin_unit.latitude, f.admin_unit.longitude) < 7
        addressed = [f for f in facilities if f.address_mn]
        assert 0.3 <= len(addressed) / len(facilities) <= 0.6
        assert all(f.address_en for f in addressed)
        # Most facilities are run by a department; hospitals by their own organisation.
        operated = [f for f in facilities if f.operator_id]
        assert len(operated) / len(facilities) > 0.8
        hospital = ServiceUnit.objects.get(kind=K.AIMAG_HOSPITAL, admin_unit__code="6501")
        assert hospital.operator.kind == Organization.Kind.SERVICE_PROVIDER
        assert list(hospital.operator.covered_service_units.all()) == [hospital]

    def test_at_least_60_organisations_of_every_kind_with_filled_profiles(self):
        orgs = Organization.objects.all()
        assert orgs.count() >= 60
        assert set(orgs.values_list("kind", flat=True)) == set(Organization.Kind.values)
        for org in orgs:
            assert org.name_mn and org.name_en and org.mission_mn and org.mission_en, org.email
            assert org.email.endswith("@demo.iltod.mn")
            assert org.phone.startswith("+976 ")
            assert org.sectors.exists(), org.email
        ministry = orgs.get(email="ministry-health@demo.iltod.mn")
        assert list(ministry.covered_admin_units.values_list("code", flat=True)) == ["MN"]
        for code in (*data.AIMAG_CODES, *data.DISTRICT_CODES):
            for kind in (Organization.Kind.HEALTH_DEPARTMENT, Organization.Kind.EDUCATION_DEPARTMENT):
                department = orgs.get(kind=kind, home_unit__code=code)
                assert list(department.covered_admin_units.values_list("code", flat=True)) == [code]
                assert department.parent.kind == Organization.Kind.MINISTRY
        for code in data.AIMAG_CODES:
            assert orgs.filter(kind=Organization.Kind.GOVERNORS_OFFICE, home_unit__code=code).exists()
            assert orgs.filter(kind=Organization.Kind.KHURAL, home_unit__code=code).exists()
        assert orgs.filter(name_en="National University of Mongolia", kind=Organization.Kind.ACADEMIA).exists()
        cso = orgs.get(email="cso-khangai-oversight@demo.iltod.mn")
        assert cso.covered_service_units.count() == 6
        assert cso.year_founded and cso.size and cso.registration_number

    def test_the_national_network_has_8_member_networks_and_2_subnetworks(self):
        national = Organization.objects.get(name_mn="Нийгмийн хариуцлагын түншлэл")
        assert national.kind == Organization.Kind.NETWORK
        assert national.name_en == "Partnership for Social Accountability"
        members = NetworkMembership.objects.filter(network=national)
        assert members.filter(member__kind=Organization.Kind.NETWORK).count() == 8
        subnetworks = Organization.objects.filter(parent=national)
        assert subnetworks.count() == 2
        assert set(subnetworks.values_list("name_en", flat=True)) == {
            "Procurement Monitoring Subnetwork",
            "Youth Subnetwork",
        }
        for subnetwork in subnetworks:
            assert subnetwork.kind == Organization.Kind.NETWORK
            cso_members = subnetwork.network_memberships.filter(member__kind=Organization.Kind.CSO)
            assert cso_members.count() >= 3
        for membership in members:
            assert membership.member.network_memberships.filter(member__kind=Organization.Kind.CSO).exists()

    def test_one_login_per_persona_with_its_capability(self):
        request = RequestFactory().post("/accounts/login/")
        assert len(data.PERSONAS) == 9
        for persona in data.PERSONAS:
            user = authenticate(request, username=persona.email, password=data.DEMO_PASSWORD)
            assert user is not None, persona.email
            assert user.full_name == persona.full_name
            if persona.phone:
                local = persona.phone.removeprefix("+976")
                assert authenticate(request, username=f"{local[:4]} {local[4:]}", password=data.DEMO_PASSWORD) == user
            if persona.capability:
                assert has_capability(user, persona.capability), persona.key
        users = {u.email: u for u in User.objects.all()}
        citizen = users["citizen@demo.iltod.mn"]
        assert not any(has_capability(citizen, c) for c in Capability.values)
        officer = users["officer@demo.iltod.mn"]
        membership = officer.memberships.get()
        assert membership.role == Role.CASE_MANAGER
        assert membership.organization.kind == Organization.Kind.EDUCATION_DEPARTMENT
        assert membership.organization.home_unit.code == "65"
        analyst = users["analyst@demo.iltod.mn"]
        assert analyst.memberships.get().role == Role.ANALYST
        assert not has_capability(analyst, Capability.HANDLE_FEEDBACK)
        director = users["director@demo.iltod.mn"]
        school_org = director.memberships.get().organization
        assert school_org.kind == Organization.Kind.SERVICE_PROVIDER
        school = school_org.covered_service_units.get()
        assert school.operator == school_org
        assert has_capability(director, Capability.HANDLE_FEEDBACK, school_org)
        admin = users["admin@demo.iltod.mn"]
        assert admin.is_staff and admin.is_superuser

    def test_groups_with_meetings_and_plans_and_score_cards_are_seeded_too(self):
        # the groups of areas; a network's own group (it carries the network's strategic plan, whose
        # objectives are the plans' source) is not one
        area_groups = Group.objects.filter(service_unit__isnull=True).exclude(convening_organization__kind="network")
        assert area_groups.count() >= 10
        assert Meeting.objects.filter(group__in=area_groups).exists()
        assert LocalIssue.objects.exists()
        assert set(ActionPlan.objects.values_list("status", flat=True)) >= {
            ActionPlan.Status.AGREED,
            ActionPlan.Status.IN_PROGRESS,
        }
        assert ScorecardCycle.objects.count() >= 5
        # every interface meeting's plan lives in its facility's group, not in an area group
        assert not ActionPlan.objects.filter(source_id__gt="", group__in=area_groups).exists()
        assert "score card cycles" in self.output and "Action plans:" in self.output

    def test_running_it_again_changes_nothing(self):
        before = snapshot()
        output = seed()
        assert snapshot() == before
        assert "(0 new)" in output

    def test_the_same_input_gives_the_same_names_codes_and_coordinates(self):
        geo = load_geography()
        plan = facilities.plan_facilities(geo)
        assert plan == facilities.plan_facilities(load_geography())
        rows = {f.registry_code: f for f in ServiceUnit.objects.all()}
        assert len(rows) == len(plan)
        for spec in plan:
            row = rows[spec.registry_code]
            assert (row.name_mn, row.name_en, row.latitude, row.longitude, row.kind) == (
                spec.name_mn,
                spec.name_en,
                spec.latitude,
                spec.longitude,
                spec.kind,
            )
            # On an empty database no code was taken, so each is the first draw of its own stream.
            assert row.code == facilities.public_code(f"facility:{spec.registry_code}", set())
        org_plan = organizations.plan_organizations(geo, plan)
        codes = dict(Organization.objects.values_list("email", "code"))
        assert {s.email: facilities.public_code(f"org:{s.key}", set()) for s in org_plan.organizations} == codes

    def test_a_bulk_created_facility_has_the_search_words_save_would_give(self):
        facility = ServiceUnit.objects.get(admin_unit__code="6504", name_en="Battsengel soum School No. 1")
        fields = ["search_name", "search_alias", "search_place", "search_kind"]
        bulk_words = [getattr(facility, f) for f in fields]
        assert bulk_words[0] == " batsengel 1 " and "arhangai" in bulk_words[2]
        facility.save()
        facility.refresh_from_db()
        assert [getattr(facility, f) for f in fields] == bulk_words

    def test_a_bulk_created_facility_is_found_by_its_latin_spelling(self):
        facility = ServiceUnit.objects.get(admin_unit__code="6504", name_en="Battsengel soum School No. 1")
        for text in ("surguuli", "Battsengel", "batsengel sumiin 1-r surguuli", "сургууль", facility.code.lower()):
            assert ServiceUnit.objects.search(text).filter(pk=facility.pk).exists(), text
        assert ServiceUnit.objects.search("surguuli").count() >= 400

    def test_passwords_are_only_reset_when_asked(self):
        request = RequestFactory().post("/accounts/login/")
        user = User.objects.get(email="monitor@demo.iltod.mn")
        user.set_password("changed-by-the-monitor")
        user.save()
        seed()
        assert authenticate(request, username=user.email, password="changed-by-the-monitor") == user
        assert "0 passwords reset" in seed()
        assert "9 passwords reset" in seed("--reset-passwords")
        assert authenticate(request, username=user.email, password=data.DEMO_PASSWORD) == user

    def test_demo_logins_prints_the_url_and_every_persona(self):
        out = StringIO()
        call_command("demo_logins", "--url", "http://127.0.0.1:8000/", stdout=out)
        text = out.getvalue()
        assert "http://127.0.0.1:8000/" in text
        for persona in data.PERSONAS:
            assert persona.email in text
        assert "+97699110101" in text
        assert data.DEMO_PASSWORD in text
        assert "case manager" in text
        assert "Arkhangai Aimag Education Department" in text


@pytest.mark.django_db
def test_demo_logins_before_seeding_says_how_to_seed():
    out = StringIO()
    call_command("demo_logins", stdout=out)
    assert "seed_demo" in out.getvalue()


@pytest.mark.django_db
def test_the_command_refuses_a_bad_scale_and_production():
    with pytest.raises(CommandError):
        seed("--scale", "0")
    with override_settings(IS_PRODUCTION=True), pytest.raises(CommandError):
        seed()
    assert not ServiceUnit.objects.exists()
