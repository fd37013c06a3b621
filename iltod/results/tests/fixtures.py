"""Shared test data of the results module (also used by the API tests)."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from iltod.feedback.models import Category, Event, Feedback
from iltod.results.example import seed_example_framework
from iltod.results.models import Framework, Period
from iltod.results.ranking import compute_ranking
from iltod.results.services import recompute

UB = ZoneInfo("Asia/Ulaanbaatar")


def make_feedback(personas, facility, received, *, org=None, **fields):
    return Feedback.objects.create(
        category=Category.objects.get(code="edu-meals"),
        service_unit=facility,
        admin_unit=facility.admin_unit,
        handling_organization=org or personas.school_org,
        description="Хоол хүйтэн",
        received_at=received,
        **fields,
    )


@pytest.fixture
def computed(personas):
    return fill(personas)


def fill(personas):
    """The example framework, 2025's feedback at the school (12 items) and the clinic (3), the
    figures and the ranking of 2025 computed."""
    seed_example_framework()
    framework = Framework.objects.get(code="masam")
    day = datetime.datetime(2025, 4, 7, 10, tzinfo=UB)
    for index in range(12):
        on_time = index % 4 != 0
        item = make_feedback(
            personas,
            personas.school,
            day,
            acknowledge_due=day + datetime.timedelta(days=3),
            acknowledged_at=day + datetime.timedelta(days=1),
            resolve_due=day + datetime.timedelta(days=20),
            resolved_at=day + datetime.timedelta(days=5 if on_time else 40),
            status=Feedback.Status.RESOLVED,
            rating=5 if on_time else 2,
            rated_at=day + datetime.timedelta(days=41),
            moderation=Feedback.Moderation.PUBLISHED,
            public_description="Сургуулийн хоол хүйтэн байна.",
        )
        Event.objects.create(
            feedback=item,
            type=Event.Type.RESPONSE,
            is_public=True,
            text="Хоолны газартай ярилцлаа.",
            published_at=day + datetime.timedelta(days=5),
        )
    for _index in range(3):
        make_feedback(
            personas,
            personas.clinic,
            day,
            org=personas.other_dept,
            acknowledge_due=day + datetime.timedelta(days=3),
            acknowledged_at=day + datetime.timedelta(days=1),
            resolve_due=day + datetime.timedelta(days=20),
            resolved_at=day + datetime.timedelta(days=2),
            status=Feedback.Status.RESOLVED,
        )
    period = Period.objects.get(framework=framework, start__year=2025)
    recompute(period)
    compute_ranking(period)
    return framework, period
