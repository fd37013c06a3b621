"""The inbox pages its deadline views side by side: handled by the organisation, and escalated to it."""

from datetime import timedelta

from django.test import Client
from django.urls import reverse

from iltod.feedback.models import Feedback

from .helpers import TUESDAY, submit

INBOX = reverse("feedback:inbox")


def test_escalated_and_own_items_are_paged_together_in_deadline_order(world, time_machine):
    time_machine.move_to(TUESDAY, tick=False)
    items = [submit(world) for _ in range(30)]
    escalated = items[::3]  # every third item: handled by the ministry, escalated to the school
    Feedback.objects.filter(pk__in=[f.pk for f in escalated]).update(
        handling_organization=world.ministry, escalated_to=world.school_org, escalation_level=1
    )
    for days, item in enumerate(reversed(items)):  # deadlines interleave the two kinds
        Feedback.objects.filter(pk=item.pk).update(resolve_due=TUESDAY + timedelta(days=days + 1))
    elsewhere = submit(world)  # not the school's at all
    Feedback.objects.filter(pk=elsewhere.pk).update(handling_organization=world.ministry)
    client = Client()
    client.force_login(world.provider)
    expected = [f.tracking_code for f in reversed(items)]
    first = client.get(INBOX)
    second = client.get(INBOX, {"page": 2})
    listed = [f.tracking_code for f in first.context["page"]] + [f.tracking_code for f in second.context["page"]]
    assert first.context["page"].paginator.count == 30
    assert (len(first.context["page"]), len(second.context["page"])) == (25, 5)
    assert listed == expected
