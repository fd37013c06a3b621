"""Fixtures of the API tests: the personas, a few feedback items with known handlers, and API keys.

Routing without rules: a school's item goes to its operator (the school), an item about a soum
of Arkhangai to the Arkhangai education department, an item at the Khovd clinic (no operator)
to the Khovd health department.
"""

from dataclasses import dataclass

import pytest

from iltod.accounts.models import ApiKey
from iltod.accounts.services import create_api_key
from iltod.core.testing import Personas
from iltod.feedback import services
from iltod.feedback.models import Category, Feedback

MEALS = "Үдийн цай хүйтэн байна, хүүхдүүд өлсөж байна. Утас 99112233."
HEATING = "Сургуулийн анги танхим хүйтэн, дулаан муу байна."
WAITING = "Эмнэлэгт хэт удаан хүлээлгэдэг, дугаар авах боломжгүй."


def submit(**fields) -> Feedback:
    feedback, _created = services.submit_feedback(services.Submission(**fields))
    return feedback


def bearer(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@dataclass
class World:
    personas: Personas
    item: Feedback  # about Battsengel soum, handled by the Arkhangai education department
    school_item: Feedback  # about the school, handled by the school (its operator)
    other_item: Feedback  # about the Khovd clinic, handled by the Khovd health department
    read_key: str  # Arkhangai education department, read only
    write_key: str  # Arkhangai education department, read and write
    other_write_key: str  # Khovd health department, read and write
    write_api_key: ApiKey


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def make_world(personas: Personas) -> World:
    edu_meals = Category.objects.get(code="edu-meals")
    edu_building = Category.objects.get(code="edu-building")
    health_waiting = Category.objects.get(code="health-waiting")
    item = submit(
        kind="complaint",
        category=edu_building,
        description=HEATING,
        admin_unit=personas.geo.soum,
        reporter_name="Оюунчимэг",
        reporter_phone="99112233",
        reporter_email="dorj@example.mn",
    )
    school_item = submit(
        kind="complaint",
        category=edu_meals,
        description=MEALS,
        service_unit=personas.school,
        privacy=Feedback.Privacy.PUBLIC,
        reporter_name="Энхжаргал",
        reporter_phone="99001122",
    )
    other_item = submit(kind="complaint", category=health_waiting, description=WAITING, service_unit=personas.clinic)
    assert item.handling_organization == personas.education_dept
    assert school_item.handling_organization == personas.school_org
    assert other_item.handling_organization == personas.other_dept
    admin = personas.admin
    _key, read_key = create_api_key(
        actor=admin, organization=personas.education_dept, name="dashboard", scope=ApiKey.Scope.READ
    )
    write_api_key, write_key = create_api_key(
        actor=admin, organization=personas.education_dept, name="hotline CRM", scope=ApiKey.Scope.WRITE
    )
    _key, other_write_key = create_api_key(
        actor=admin, organization=personas.other_dept, name="Khovd CRM", scope=ApiKey.Scope.WRITE
    )
    return World(personas, item, school_item, other_item, read_key, write_key, other_write_key, write_api_key)


@pytest.fixture
def world(personas) -> World:
    return make_world(personas)
