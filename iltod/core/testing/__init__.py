"""Personas and a small geography, built once and shared by every app's tests.

The personas follow docs/design.md section 2. Each test module asks for the fixtures it needs
(``personas``, ``geo``, ``facility``…) through the pytest fixtures in ``conftest.py``.
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connections

from iltod.accounts.capabilities import Role
from iltod.accounts.models import User
from iltod.accounts.services import grant_membership
from iltod.organizations.models import NetworkMembership, Organization
from iltod.places.models import AdminUnit, Sector, ServiceUnit

PASSWORD = "correct-horse-battery-staple"


@dataclass
class Geo:
    country: AdminUnit
    capital: AdminUnit
    district: AdminUnit  # Bayanzürkh, UB
    aimag: AdminUnit  # Arkhangai
    soum: AdminUnit  # Battsengel, Arkhangai
    other_aimag: AdminUnit  # Khovd
    other_soum: AdminUnit  # Jargalant, Khovd


DATA_MIGRATIONS = [
    ("iltod.places.migrations.0002_default_sectors", "add_sectors"),
    ("iltod.feedback.migrations.0002_default_categories_and_policy", "add_defaults"),
]


def ensure_migration_data() -> None:
    """Re-run the data migrations (idempotent). Transactional tests (live server, threads) flush
    the database after each test, which also removes rows the migrations created."""
    import importlib

    from django.apps import apps
    from django.contrib.contenttypes.management import create_contenttypes
    from django.contrib.contenttypes.models import ContentType

    if not ContentType.objects.exists():
        # A flush without post_migrate (after a serialized-rollback test) removed them too, while
        # the cache still holds their old ids: recreate them and forget the cache.
        ContentType.objects.clear_cache()
        for app_config in apps.get_app_configs():
            create_contenttypes(app_config, verbosity=0)
    for module, function in DATA_MIGRATIONS:
        getattr(importlib.import_module(module), function)(apps, None)


def make_geo() -> Geo:
    ensure_migration_data()

    def unit(code, level, name_mn, name_en, parent=None, **extra):
        obj, _ = AdminUnit.objects.get_or_create(
            code=code,
            defaults={
                "level": level,
                "name": name_mn,
                "name_mn": name_mn,
                "name_en": name_en,
                "parent": parent,
                **extra,
            },
        )
        return obj

    country = unit("MN", AdminUnit.Level.COUNTRY, "Монгол Улс", "Mongolia")
    square = {"type": "Polygon", "coordinates": [[[101, 47], [103, 47], [103, 48.5], [101, 48.5], [101, 47]]]}
    capital = unit("11", AdminUnit.Level.CAPITAL, "Улаанбаатар", "Ulaanbaatar", country, iso_3166_2="MN-1")
    district = unit("1110", AdminUnit.Level.DISTRICT, "Баянзүрх", "Bayanzürkh", capital)
    aimag = unit(
        "65",
        AdminUnit.Level.AIMAG,
        "Архангай",
        "Arkhangai",
        country,
        iso_3166_2="MN-073",
        centre_name_en="Tsetserleg",
        boundary=square,
    )
    soum = unit(
        "6504",
        AdminUnit.Level.SOUM,
        "Батцэнгэл",
        "Battsengel",
        aimag,
        boundary={
            "type": "Polygon",
            "coordinates": [[[101.5, 47.5], [102, 47.5], [102, 48], [101.5, 48], [101.5, 47.5]]],
        },
        latitude=47.75,
        longitude=101.75,
    )
    other_aimag = unit("84", AdminUnit.Level.AIMAG, "Ховд", "Khovd", country, iso_3166_2="MN-043")
    other_soum = unit("8401", AdminUnit.Level.SOUM, "Жаргалант", "Jargalant", other_aimag)
    return Geo(country, capital, district, aimag, soum, other_aimag, other_soum)


def sector(code: str) -> Sector:
    return Sector.objects.get(code=code)


def make_facility(
    admin_unit,
    name_mn="Батцэнгэл сумын 1-р сургууль",
    name_en="Battsengel soum School No. 1",
    kind=ServiceUnit.Kind.GENERAL_SCHOOL,
    **extra,
) -> ServiceUnit:
    facility = ServiceUnit(
        name=name_mn,
        name_mn=name_mn,
        name_en=name_en,
        kind=kind,
        sector=sector(ServiceUnit.KIND_SECTOR[kind]),
        admin_unit=admin_unit,
        **extra,
    )
    facility.save()
    return facility


def make_org(kind, name_mn, name_en="", home_unit=None, covers=(), **extra) -> Organization:
    org = Organization(
        kind=kind, name=name_mn, name_mn=name_mn, name_en=name_en or name_mn, home_unit=home_unit, **extra
    )
    org.save()
    if covers:
        org.covered_admin_units.set(covers)
    return org


def make_user(email, full_name="", phone="", **extra) -> User:
    return User.objects.create_user(email=email, password=PASSWORD, full_name=full_name, phone=phone, **extra)


@dataclass
class Personas:
    """One user per persona of docs/design.md section 2, and the organisations they act for."""

    geo: Geo
    school: ServiceUnit  # a school in Battsengel, Arkhangai
    clinic: ServiceUnit  # a health centre in Jargalant, Khovd
    school_org: Organization  # the school as a service provider
    education_dept: Organization  # Arkhangai education department
    other_dept: Organization  # Khovd health department
    ministry: Organization
    cso: Organization
    network: Organization
    citizen: User  # has an account but no membership
    monitor: User  # CSO monitor / facilitator
    provider: User  # school director
    officer: User  # Arkhangai education department officer
    other_officer: User  # officer of another aimag (Khovd)
    ministry_officer: User
    coordinator: User  # MSG coordinator
    network_admin: User
    analyst: User  # M&E officer / donor
    admin: User  # platform administrator


def make_personas() -> Personas:
    geo = make_geo()
    school = make_facility(geo.soum)
    clinic = make_facility(
        geo.other_soum,
        "Жаргалант сумын эрүүл мэндийн төв",
        "Jargalant soum health centre",
        kind=ServiceUnit.Kind.SOUM_HEALTH_CENTRE,
    )
    Kind = Organization.Kind
    ministry = make_org(Kind.MINISTRY, "Боловсролын яам", "Ministry of Education", covers=[geo.country])
    education_dept = make_org(
        Kind.EDUCATION_DEPARTMENT,
        "Архангай аймгийн Боловсрол, шинжлэх ухааны газар",
        "Arkhangai Education Department",
        home_unit=geo.aimag,
        covers=[geo.aimag],
        parent=ministry,
    )
    other_dept = make_org(
        Kind.HEALTH_DEPARTMENT,
        "Ховд аймгийн Эрүүл мэндийн газар",
        "Khovd Health Department",
        home_unit=geo.other_aimag,
        covers=[geo.other_aimag],
    )
    school_org = make_org(Kind.SERVICE_PROVIDER, school.name_mn, school.name_en, home_unit=geo.soum)
    school_org.covered_service_units.set([school])
    school.operator = school_org
    school.save(update_fields=["operator"])
    cso = make_org(Kind.CSO, "Ил тод байдал ТББ", "Transparency NGO", home_unit=geo.aimag, covers=[geo.aimag])
    network = make_org(
        Kind.NETWORK, "Нийгмийн хариуцлагын түншлэл", "Partnership for Social Accountability", home_unit=geo.capital
    )
    NetworkMembership.objects.create(network=network, member=cso)

    admin = User.objects.create_superuser(email="admin@example.mn", password=PASSWORD, full_name="Platform Admin")

    def member(email, org, role, name, **capabilities):
        user = make_user(email, name)
        grant_membership(actor=admin, user=user, organization=org, role=role, capabilities=capabilities)
        return user

    return Personas(
        geo=geo,
        school=school,
        clinic=clinic,
        school_org=school_org,
        education_dept=education_dept,
        other_dept=other_dept,
        ministry=ministry,
        cso=cso,
        network=network,
        citizen=make_user("citizen@example.mn", "Бат Дорж", phone="+97699112233"),
        monitor=member("monitor@example.mn", cso, Role.MONITOR, "Monitor"),
        provider=member("director@example.mn", school_org, Role.PROVIDER_STAFF, "School Director"),
        officer=member("officer@example.mn", education_dept, Role.CASE_MANAGER, "Education Officer"),
        other_officer=member("khovd@example.mn", other_dept, Role.OFFICER, "Khovd Officer"),
        ministry_officer=member("ministry@example.mn", ministry, Role.OFFICER, "Ministry Officer"),
        coordinator=member("coordinator@example.mn", cso, Role.COORDINATOR, "MSG Coordinator"),
        network_admin=member("network@example.mn", network, Role.NETWORK_ADMIN, "Network Admin"),
        analyst=member("analyst@example.mn", ministry, Role.ANALYST, "M&E Officer"),
        admin=admin,
    )


def run_at_once(count: int, action: Callable, timeout: float = 60) -> list:
    """Call ``action()`` from ``count`` threads released together (each with its own database
    connection, closed after), and return what the calls returned. An exception in any thread is
    raised here: a thread's own would be lost. For concurrency tests on PostgreSQL."""
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=timeout)
            results.append(action())
        except Exception as exc:  # re-raised below, in the test's thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    if errors:
        raise errors[0]
    assert len(results) == count, f"{count - len(results)} of {count} calls did not finish in {timeout} s"
    return results
