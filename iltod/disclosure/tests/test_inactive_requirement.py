"""A requirement taken out of force: its page no longer opens for the public, while what it
scheduled stays on the bodies' schedules."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from ..models import Disclosure, DisclosureRequirement
from ..services import obligations as services
from .obligations_fixtures import make_requirement

pytestmark = pytest.mark.django_db


@pytest.fixture
def withdrawn(personas):
    requirement = make_requirement(starts_on=date(2026, 1, 1))
    services.generate_schedule(date(2026, 3, 20))
    january = Disclosure.objects.get(organization=personas.school_org, period_start=date(2026, 1, 1))
    services.publish(
        january,
        actor=personas.provider,
        dataset_code="compliance",
        dataset_period="2026-01",
        now=timezone.make_aware(timezone.datetime(2026, 2, 5, 12)),
    )
    DisclosureRequirement.objects.filter(pk=requirement.pk).update(is_active=False)
    return january


@pytest.mark.parametrize("who", [None, "citizen", "monitor", "provider", "officer"])
def test_its_page_is_404_for_the_public(client, personas, withdrawn, who):
    if who:
        client.force_login(getattr(personas, who))
    assert client.get(reverse("disclosure:requirement", args=["monthly-report"])).status_code == 404
    listing = client.get(reverse("disclosure:requirements")).content.decode()
    assert "Сарын тайлан" not in listing


def test_the_back_office_still_opens_it(client, personas, withdrawn):
    client.force_login(personas.admin)
    assert client.get(reverse("disclosure:requirement", args=["monthly-report"])).status_code == 200


def test_an_active_requirement_opens_for_everyone(client, personas, withdrawn):
    DisclosureRequirement.objects.update(is_active=True)
    assert client.get(reverse("disclosure:requirement", args=["monthly-report"])).status_code == 200


def test_its_past_disclosures_stay_on_the_schedule(client, personas, withdrawn):
    body = client.get(reverse("disclosure:compliance_body", args=[personas.school_org.code])).content.decode()
    assert withdrawn.get_absolute_url() in body
    item = client.get(withdrawn.get_absolute_url())
    assert item.status_code == 200
    page = item.content.decode()
    assert "Сарын тайлан" in page
    # the item no longer links to a page that would be 404
    assert reverse("disclosure:requirement", args=["monthly-report"]) not in page
