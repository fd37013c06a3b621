"""Lists that used to be cut silently are paginated: resources, plan reviews, an action point's
approved updates, a library item's versions, the drafts waiting, and the likely duplicates."""

import datetime
from decimal import Decimal

import pytest

from iltod.engagement.models import Action, ActionUpdate
from iltod.learning import services
from iltod.learning.models import LibraryItem, Person
from iltod.learning.services.trainings import name_key

from .test_strategy_plan import plan  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def _rows_on(client, url, name, **params):
    return list(client.get(url, params).context[name])


def test_resources_are_paginated(client, personas):
    for n in range(51):
        services.record_resource(
            actor=personas.network_admin,
            network=personas.network,
            title=f"Хураамж {n}",
            amount=Decimal(1000),
            kind="fee",
            status="received",
            starts_on=datetime.date(2025, 1, 1) + datetime.timedelta(days=n),
        )
    client.force_login(personas.network_admin)
    assert len(_rows_on(client, "/learning/resources/", "items")) == 50
    last = _rows_on(client, "/learning/resources/", "items", page=2)
    assert [r.title for r in last] == ["Хураамж 0"]


def test_plan_reviews_and_action_updates_are_paginated(client, personas, plan):  # noqa: F811
    for n in range(21):
        services.add_review(
            plan,
            actor=personas.network_admin,
            held_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=n),
            decisions="Шийдвэр",
        )
    action = Action.objects.filter(plan__strategic_objective__focus_area__plan=plan).first()
    for n in range(21):
        ActionUpdate.objects.create(action=action, text=f"Шинэчлэл {n}", review=ActionUpdate.Review.APPROVED)
    client.force_login(personas.network_admin)
    url = plan.get_absolute_url()
    assert len(_rows_on(client, url, "reviews")) == 20 and len(_rows_on(client, url, "reviews", page=2)) == 1
    report = f"{url}actions/{action.code}/report/"
    assert len(_rows_on(client, report, "updates")) == 20
    assert len(_rows_on(client, report, "updates", page=2)) == 1


def test_library_versions_and_drafts_are_paginated(client, personas):
    item = services.save_item(actor=personas.monitor, network=personas.network, title_mn="Сургамж", body_mn="v1")
    for n in range(20):
        services.save_item(actor=personas.monitor, item=item, body_mn=f"v{n + 2}")
    for n in range(20):
        services.save_item(actor=personas.monitor, network=personas.network, title_mn=f"Ноорог {n}")
    client.force_login(personas.monitor)
    assert len(_rows_on(client, item.get_absolute_url(), "versions")) == 20
    assert [v.number for v in _rows_on(client, item.get_absolute_url(), "versions", page=2)] == [1]
    assert LibraryItem.objects.count() == 21
    assert len(_rows_on(client, "/learning/library/", "drafts")) == 20
    assert len(_rows_on(client, "/learning/library/", "drafts", drafts_page=2)) == 1


def test_likely_duplicates_are_paginated(client, personas):
    # two records per name, as an old import left them: the sheet itself refuses such pairs
    for n in range(51):
        for phone in (f"99{n:06d}", f"88{n:06d}"):
            Person.objects.create(full_name=f"Нэр {n}", name_key=name_key(f"Нэр {n}", ""), phone=phone)
    assert Person.objects.count() == 102
    client.force_login(personas.network_admin)
    assert len(_rows_on(client, "/learning/people/duplicates/", "groups")) == 50
    assert len(_rows_on(client, "/learning/people/duplicates/", "groups", page=2)) == 1
