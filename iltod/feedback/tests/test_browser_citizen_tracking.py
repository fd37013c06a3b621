"""On a 360-pixel phone: a citizen submits, tracks with the code typed in small letters without
dashes, rates the answer with a comment; the comment is not public until a moderator publishes it."""

import re

import pytest

from iltod.core import testing
from iltod.core.testing.axe import AXE_SOURCE, FAILING_IMPACTS, RUN_AXE
from iltod.core.testing.browser import DESKTOP, PHONE, visit
from iltod.feedback import services
from iltod.feedback.models import Category, Feedback
from iltod.feedback.permissions import can_handle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CODE = re.compile(r"IL-\d{2}-[0-9A-Z]{5}")
COMMENT = "Захирал Дорж худлаа ярьсан, хоол өөрчлөгдөөгүй."


@pytest.fixture
def world(settings):
    settings.MAP_TILE_URL = ""
    return testing.make_personas()


def serious_axe_findings(page) -> list[str]:
    violations = page.evaluate(RUN_AXE, [AXE_SOURCE, None])
    return [f"{v['id']}: {v['help']} {v['targets'][:3]}" for v in violations if v["impact"] in FAILING_IMPACTS]


def handler_of(world, feedback):
    return next(u for u in (world.provider, world.officer) if can_handle(u, feedback))


def test_citizen_tracks_by_a_sloppy_code_rates_and_the_comment_waits_for_a_moderator(new_page, world):
    meals = Category.objects.get(code="edu-meals")
    citizen = new_page(PHONE)
    visit(citizen, f"/feedback/new/?facility={world.school.code}")
    citizen.check("input[name=kind][value=complaint]")
    citizen.select_option("#id_category", str(meals.pk))
    citizen.fill("#id_description", "Хүүхдүүдийн үдийн хоол хүйтэн, хангалтгүй байна.")
    citizen.locator("form.feedback-form button[type=submit]").click()
    citizen.wait_for_url(re.compile(r"/feedback/thanks/"))
    code = CODE.search(citizen.locator(".code-big").inner_text()).group(0)
    assert "илгээгээгүй" in citizen.locator("main").inner_text()  # no phone, no e-mail: nothing was sent

    feedback = Feedback.objects.get(tracking_code=code)
    handler = handler_of(world, feedback)
    services.moderate(feedback, actor=handler, publish=True)
    services.change_status(feedback, Feedback.Status.RESOLVED, actor=handler, text="Хоолыг халуунаар түгээдэг болсон.")

    # Tracking with the code as people type it: small letters, no dashes.
    visit(citizen, "/feedback/track/")
    citizen.fill("#id_code", code.replace("-", "").lower())
    citizen.locator("main form button[type=submit]").click()
    citizen.wait_for_url(re.compile(rf"/feedback/track/{code}/$"))
    rating = citizen.locator("form:has(input[name=action][value=rate])")
    assert "1 — маш муу" in rating.inner_text() and "5 — маш сайн" in rating.inner_text()
    assert serious_axe_findings(citizen) == []
    citizen.get_by_label("2 — муу").check()
    citizen.check("input[name='rate-problem_solved'][value='no']")
    citizen.fill("#id_rate-comment", COMMENT)
    rating.locator("button[type=submit]").click()
    citizen.wait_for_load_state("load")
    assert Feedback.objects.get(pk=feedback.pk).rating == 2
    assert COMMENT in citizen.locator("main").inner_text()  # the citizen sees their own words, marked as waiting

    # Anyone else: the public page does not show the comment yet.
    visitor = new_page(PHONE)
    visit(visitor, f"/feedback/{code}/")
    assert "худлаа" not in visitor.locator("main").inner_text()

    # The handler publishes it from the moderation queue.
    moderator = new_page(DESKTOP, locale="en-GB")
    visit(moderator, "/account/login/")
    moderator.fill("#id_identifier", handler.email)
    moderator.fill("#id_password", testing.PASSWORD)
    moderator.locator("main form button[type=submit]").click()
    moderator.wait_for_load_state("load")
    visit(moderator, "/staff/feedback/moderation/")
    assert serious_axe_findings(moderator) == []
    card = moderator.locator("section.card", has_text=code)
    card.get_by_role("button", name="Publish").click()
    moderator.wait_for_load_state("load")
    assert "Nothing is waiting for moderation." in moderator.locator("main").inner_text()

    visit(visitor, f"/feedback/{code}/")
    assert "худлаа" in visitor.locator("main").inner_text()
