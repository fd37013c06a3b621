import pytest

from ..demo import _seed_obligations
from ..models import ComplianceSummary, Disclosure, DisclosureRequirement

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_demo_schedules_have_every_status_and_a_second_run_adds_nothing(personas):
    created = _seed_obligations()
    assert created > 0
    assert DisclosureRequirement.objects.filter(is_example=True).count() == 7
    statuses = set(Disclosure.objects.values_list("status", flat=True))
    assert {Disclosure.Status.ON_TIME, Disclosure.Status.LATE, Disclosure.Status.MISSING} <= statuses
    assert Disclosure.objects.exclude(explanation="").exists()
    published = Disclosure.objects.filter(status=Disclosure.Status.ON_TIME)
    assert all(d.document or d.dataset_code for d in published[:50])
    rows = ComplianceSummary.objects.count()
    states = list(Disclosure.objects.order_by("pk").values_list("status", "published_at"))
    assert _seed_obligations() == 0
    assert list(Disclosure.objects.order_by("pk").values_list("status", "published_at")) == states
    assert ComplianceSummary.objects.count() == rows
