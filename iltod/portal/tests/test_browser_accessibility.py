"""Every public page, in Mongolian and in English, passes axe-core with no serious or critical violation.

axe-core (``axe/axe.min.js``, see ``axe/README.md``) runs inside Debian's Chromium on each page of
``PUBLIC_PAGES``, on a desktop in both languages and on a 360px-wide phone in Mongolian. The phone
gets the same HTML, so there axe-core runs only the rules that depend on the layout
(``LAYOUT_RULES``, which keeps the test quick), and no page may scroll sideways (WCAG 1.4.10,
reflow). Each browser context visits the pages in the table's order, so that a page may rely on what
an earlier one left in the session (the tracked item's key opens the thanks page).

To check a new public page, add a row: ``path`` may name any of the codes that the ``public_world``
fixture returns, in ``{braces}``; extend the fixture when a page needs new data.

Moderate and minor findings are printed (``pytest -s``) but do not fail the test.
"""

from __future__ import annotations

import pytest

from iltod.core import testing
from iltod.core.testing.axe import (
    FAILING_IMPACTS,
    LOCALES,
    PublicPage,
    assert_no_serious_violation,
    axe_violations,
)
from iltod.core.testing.browser import DESKTOP, PHONE, log_of
from iltod.feedback import services
from iltod.feedback.models import Category, Feedback, Kind
from iltod.places.services import load_reference_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# The axe-core rules whose outcome can change with the screen's size (the rest only read the HTML).
LAYOUT_RULES = ["color-contrast", "target-size", "scrollable-region-focusable", "meta-viewport"]
# (language, viewport, axe-core rules to run: None for all)
SCREENS = [("mn", DESKTOP, None), ("en", DESKTOP, None), ("mn", PHONE, LAYOUT_RULES)]


PUBLIC_PAGES = [
    PublicPage("home", "/"),
    PublicPage("about", "/about/"),
    PublicPage("facility search", "/facilities/"),
    PublicPage("facility search results", "/facilities/?q=battsengel"),
    PublicPage("facility", "/facilities/{facility}/"),
    PublicPage("aimag list", "/places/"),
    PublicPage("aimag", "/places/{aimag}/"),
    PublicPage("soum", "/places/{soum}/"),
    PublicPage("organisation list", "/organizations/"),
    PublicPage("organisation profile", "/organizations/{organisation}/"),
    PublicPage("feedback: choose the place", "/feedback/new/"),
    PublicPage("feedback: search a facility", "/feedback/new/?q=battsengel"),
    PublicPage("feedback: choose a soum", "/feedback/new/?area={aimag}"),
    PublicPage("feedback form", "/feedback/new/?facility={facility}"),
    PublicPage(
        "feedback form with errors", "/feedback/new/?facility={facility}", submit="form.feedback-form [type=submit]"
    ),
    PublicPage("feedback form about a place", "/feedback/new/?place={soum}"),
    PublicPage("tracked item, open", "/feedback/track/{open_item}/?key={open_key}"),
    PublicPage("thanks", "/feedback/thanks/{open_item}/"),
    PublicPage("tracked item, resolved", "/feedback/track/{resolved_item}/?key={resolved_key}"),
    PublicPage("tracking look-up", "/feedback/track/"),
    PublicPage("tracking look-up with an unknown code", "/feedback/track/?code=IL-26-ZZZZZ"),
    PublicPage("public feedback list", "/feedback/"),
    PublicPage("public feedback item", "/feedback/{resolved_item}/"),
    PublicPage("statistics", "/feedback/statistics/"),
    PublicPage("annual report", "/feedback/report/{organisation}/"),
    PublicPage("log in", "/account/login/"),
    PublicPage("log in with errors", "/account/login/", submit="main form [type=submit]"),
    PublicPage("password reset", "/account/password-reset/"),
    PublicPage("API docs", "/api/docs/", ready=".swagger-ui .info", language="en"),
]


@pytest.fixture
def public_world(settings) -> dict[str, str]:
    """Mongolia's units, the personas, an open item and a resolved one with a public answer."""
    settings.MAP_TILE_URL = ""  # no third-party tile server
    load_reference_data()
    personas = testing.make_personas()
    meals = Category.objects.get(code="edu-meals")

    def submit(description: str) -> Feedback:
        feedback, _created = services.submit_feedback(
            services.Submission(
                kind=Kind.COMPLAINT,
                category=meals,
                description=description,
                service_unit=personas.school,
                reporter_name="Бат Дорж",
                reporter_phone="+97699112233",
            )
        )
        return feedback

    open_item = submit("Үдийн цай хүйтэн, хоол хангалтгүй байна.")
    resolved = submit("Ангийн цонх хагарсан, хүйтэн байна.")
    officer = personas.provider  # the school answers for itself
    services.change_status(resolved, Feedback.Status.ACKNOWLEDGED, actor=officer)
    services.respond(resolved, actor=officer, text="Захиралтай уулзаж, цонхыг солиулна.", public=True)
    services.change_status(resolved, Feedback.Status.RESOLVED, actor=officer, text="Цонхыг сольсон.")
    return {
        "facility": personas.school.code,
        "aimag": personas.geo.aimag.code,
        "soum": personas.geo.soum.code,
        "organisation": personas.education_dept.code,
        "open_item": open_item.tracking_code,
        "open_key": open_item.citizen_key,
        "resolved_item": resolved.tracking_code,
        "resolved_key": resolved.citizen_key,
    }


def test_every_public_page_has_no_serious_or_critical_accessibility_violation(
    new_page, page_logs, public_world, capsys
):
    serious, other, wrong_language, sideways = [], [], [], []
    for language, viewport, rules in SCREENS:
        screen = f"{language}, {viewport['width']}px"
        page = new_page(viewport, locale=LOCALES[language])
        for public_page in PUBLIC_PAGES:
            violations = axe_violations(page, public_page, public_world, rules)
            if page.locator("html").get_attribute("lang") != (public_page.language or language):
                wrong_language.append(f"[{screen}] {public_page.name}")
            if viewport is PHONE:
                overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
                if overflow > 0:
                    sideways.append(f"[{screen}] {public_page.name} scrolls sideways by {overflow}px")
            for violation in violations:
                finding = (screen, public_page.name, violation)
                (serious if violation["impact"] in FAILING_IMPACTS else other).append(finding)
        log_of(page_logs, page).assert_clean()
    assert_no_serious_violation(serious, other, capsys)
    assert not wrong_language, "pages not in the browser's language:\n" + "\n".join(wrong_language)
    assert not sideways, "pages too wide for a phone:\n" + "\n".join(sideways)
