"""The whole citizen journey as one visit on a 360-pixel phone, in Mongolian and in English: search
from the home page, submit a complaint, track it by a sloppily typed code, read the answer, rate it
with a comment that waits for a moderator."""

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext

from iltod.core import testing
from iltod.core.testing.axe import AXE_SOURCE, FAILING_IMPACTS, LOCALES, RUN_AXE
from iltod.core.testing.browser import PHONE, log_of, visit
from iltod.feedback import services
from iltod.feedback.models import Category, Feedback
from iltod.feedback.permissions import can_handle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CODE = re.compile(r"IL-\d{2}-[0-9A-Z]{5}")
# Latin letters, words out of order, as people type on a phone: "Батцэнгэл сумын 1-р сургууль".
QUERIES = {"mn": "surguuli battsengel 1", "en": "school No 1 Battsengel"}
DESCRIPTION = "Хүүхдүүдийн үдийн хоол өдөр бүр хүйтэн, хангалтгүй байна."
ANSWER = "Гал тогооны зуухыг сольж, хоолыг халуунаар түгээдэг болсон."
COMMENT = "Одоо хоол халуун болсон, гэхдээ порц бага хэвээр."
RAW_CODES = [*Feedback.Status.values, *Feedback.Privacy.values, *Feedback.Moderation.values, "edu-meals"]


@pytest.fixture
def world(settings):
    settings.MAP_TILE_URL = ""
    return testing.make_personas()


def translated(text, language: str) -> str:
    with translation.override(language):
        return gettext(text) if isinstance(text, str) else str(text)


def serious_axe_findings(page) -> list[str]:
    violations = page.evaluate(RUN_AXE, [AXE_SOURCE, None])
    return [f"{v['id']}: {v['help']} {v['targets'][:3]}" for v in violations if v["impact"] in FAILING_IMPACTS]


def assert_no_raw_codes(text: str, language: str) -> None:
    # In English most labels spell like their codes ("received"): only codes no label spells are checked.
    codes = RAW_CODES if language == "mn" else [c for c in RAW_CODES if "_" in c or "-" in c]
    shown = [c for c in codes if re.search(rf"(?<![\w-]){re.escape(c)}(?![\w-])", text)]
    assert not shown, f"raw codes shown to the citizen: {shown}"


@pytest.mark.parametrize("language", ["mn", "en"])
def test_a_citizen_on_a_phone_searches_submits_tracks_and_rates_in_one_visit(new_page, page_logs, world, language):
    citizen = new_page(PHONE, locale=LOCALES[language])

    # 1. Search from the home page and reach the school's feedback form by links only.
    visit(citizen, "/")
    assert citizen.locator("html").get_attribute("lang") == language
    citizen.fill("#home-q", QUERIES[language])
    with citizen.expect_navigation():
        citizen.locator("form[role=search] button[type=submit]").click()
    first = citizen.locator("main ul.list > li a.title").first
    assert world.school.name_en in first.inner_text() or world.school.name_mn in first.inner_text()
    with citizen.expect_navigation():
        first.click()
    assert citizen.url.endswith(world.school.get_absolute_url())
    with citizen.expect_navigation():
        citizen.get_by_role("link", name=translated("Give feedback about this facility", language)).click()
    assert f"facility={world.school.code}" in citizen.url

    # 2. A complaint, name hidden, with a phone number for the SMS.
    citizen.check("input[name=kind][value=complaint]")
    citizen.select_option("#id_category", str(Category.objects.get(code="edu-meals").pk))
    citizen.fill("#id_description", DESCRIPTION)
    citizen.check("input[name=privacy][value=name_hidden]")
    citizen.fill("#id_phone", "9911 2233")
    citizen.locator("form.feedback-form button[type=submit]").click()
    citizen.wait_for_url(re.compile(r"/feedback/thanks/"))
    assert translated("Thank you, we received it", language) in citizen.locator("h1").inner_text()
    code = CODE.search(citizen.locator(".code-big").inner_text()).group(0)
    feedback = Feedback.objects.get(tracking_code=code)
    assert feedback.service_unit == world.school
    assert feedback.privacy == Feedback.Privacy.NAME_HIDDEN
    assert feedback.description == DESCRIPTION

    # 3. Back home, "Track with a code", the code typed in small letters without dashes.
    with citizen.expect_navigation():
        citizen.locator("header a.brand").click()
    with citizen.expect_navigation():
        citizen.get_by_role("link", name=translated("Track with a code", language)).click()
    citizen.fill("#id_code", code.replace("-", "").lower())
    citizen.locator("main form button[type=submit]").click()
    citizen.wait_for_url(re.compile(rf"/feedback/track/{code}/$"))
    status = citizen.locator("main h1 .tag")
    assert status.inner_text().strip() == translated(Feedback.Status.RECEIVED.label, language)
    assert_no_raw_codes(citizen.locator("main").inner_text(), language)

    # 4. The handler publishes the item and resolves it with a public answer.
    handler = next(u for u in (world.provider, world.officer) if can_handle(u, feedback))
    services.moderate(feedback, actor=handler, publish=True)
    services.change_status(feedback, Feedback.Status.RESOLVED, actor=handler, text=ANSWER)

    citizen.reload()
    assert status.inner_text().strip() == translated(Feedback.Status.RESOLVED.label, language)
    assert ANSWER in citizen.locator("main .answer").inner_text()
    assert_no_raw_codes(citizen.locator("main").inner_text(), language)
    assert serious_axe_findings(citizen) == []

    rating = citizen.locator("form:has(input[name=action][value=rate])")
    rating.locator("input[name='rate-rating'][value='4']").check()
    rating.locator("input[name='rate-problem_solved'][value='yes']").check()
    citizen.fill("#id_rate-comment", COMMENT)
    with citizen.expect_navigation():
        rating.locator("button[type=submit]").click()
    main = citizen.locator("main").inner_text()
    page_text = citizen.locator("body").inner_text()
    assert translated("Thank you for your rating.", language) in page_text
    assert COMMENT in main  # the citizen sees their own words…
    waiting = citizen.locator("ol.timeline li", has_text=COMMENT).locator(".tag")
    assert waiting.inner_text().strip() == translated(Feedback.Moderation.PENDING.label, language)  # …marked as waiting
    assert rating.count() == 0
    feedback.refresh_from_db()
    assert (feedback.rating, feedback.problem_solved) == (4, True)
    assert serious_axe_findings(citizen) == []

    # The public page of the item shows the answer, not the comment.
    with citizen.expect_navigation():
        citizen.get_by_role("link", name=translated("Public page of this feedback", language)).click()
    public = citizen.locator("main").inner_text()
    assert ANSWER in public
    assert COMMENT not in public
    log_of(page_logs, citizen).assert_clean()
