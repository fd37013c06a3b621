"""The coordinator's way to the approval queue from "My groups", and the action plan page's slot
for higher modules."""

import pytest
from django.urls import reverse

from iltod.core import panels
from iltod.engagement import services

from .helpers_groups import client_for


def test_my_groups_links_the_approval_queue_with_the_number_of_pending_updates(
    personas, action, django_assert_max_num_queries
):
    services.post_update(action, actor=personas.monitor, text="Quotes collected", new_progress=30)
    services.post_update(action, actor=personas.monitor, text="Builder chosen", new_progress=40)
    client = client_for(personas, "coordinator")
    with django_assert_max_num_queries(12):  # "My groups" (11) and the count of pending updates
        response = client.get(reverse("engagement:my_groups"))
    assert response.context["pending"] == 2
    html = response.content.decode()
    assert reverse("engagement:update_queue") in html
    assert "2 updates from members need your decision." in html


def test_a_plain_member_sees_no_approval_queue_on_my_groups(personas, action):
    services.post_update(action, actor=personas.monitor, text="Quotes collected", new_progress=30)
    response = client_for(personas, "monitor").get(reverse("engagement:my_groups"))
    assert response.context["pending"] == 0
    assert reverse("engagement:update_queue") not in response.content.decode()


@pytest.fixture
def plan_panel():
    def where_from(request, plan):
        return f'<p class="origin">From the tool that made “{plan.title}”</p>'

    panels.register("action_plan", where_from)
    yield where_from
    panels._PANELS["action_plan"].remove(where_from)


def test_the_plan_page_shows_the_sections_higher_modules_add(personas, plan, plan_panel):
    response = client_for(personas, "anonymous").get(plan.get_absolute_url())
    assert response.status_code == 200
    assert f'<p class="origin">From the tool that made “{plan.title}”</p>' in response.content.decode()


def test_the_groups_plan_list_shows_progress_by_status_and_the_latest_approved_updates(personas, group, action):
    from iltod.engagement.models import ActionPlan

    draft = services.create_action_plan(actor=personas.coordinator, group=group, title="Ноорог")
    hidden = services.add_action(actor=personas.coordinator, plan=draft, title="Нууц ажил")
    approved = services.post_update(action, actor=personas.monitor, text="Үнийн санал авсан", new_progress=30)
    services.review_update(approved, actor=personas.coordinator, approve=True)
    services.post_update(action, actor=personas.monitor, text="Хүлээгдэж буй", new_progress=50)
    response = client_for(personas, "anonymous").get(reverse("engagement:plan_list", args=[group.code]))
    html = response.content.decode()
    progress = response.context["progress"]
    assert progress.total == 1 and progress.average == 30  # the draft plan's action is not public
    assert {bar.status: bar.count for bar in progress.bars}["in_progress"] == 1
    assert [u.text for u in response.context["timeline"]] == ["Үнийн санал авсан"]
    assert "Үнийн санал авсан" in html and "Хүлээгдэж буй" not in html and hidden.title not in html
    member = client_for(personas, "monitor").get(reverse("engagement:plan_list", args=[group.code]))
    assert member.context["progress"].total == 2
    assert draft.status == ActionPlan.Status.DRAFT
