#!/usr/bin/env python3
"""Screenshots of Iltod's public pages on a phone and a desktop, with headless Chromium.

    python scripts/screenshots.py --url http://127.0.0.1:8765 --out docs/screenshots

Takes every public page (see ``PAGES``) at 360px (phone) and 1280px (desktop) wide, as
``<page>-<width>.png``; docs/screenshots/README.md shows them. Pages about one facility, aimag,
soum, organisation or feedback item use the first one the server lists, so run it against a server
with demo data (``make setup``). The browser asks for Mongolian (``--locale mn-MN``), like most
visitors.

Each shot is the top of the page down to ``--max-height`` CSS pixels (the whole page when it is
shorter), which keeps the files small. With ``--submit`` the script also gives one feedback through
the public form, to show the thanks page and the citizen's tracking page: that writes to the
server's database, so use it on a demo server only. Pages the server cannot show (no facility
yet…) are left out with a message.

Uses the system Chromium (``--chromium``, default ``$PLAYWRIGHT_CHROMIUM`` or ``/usr/bin/chromium``);
nothing is downloaded.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path
from urllib.parse import urljoin, urlsplit

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORTS = {
    "phone": {"width": 360, "height": 740},
    "desktop": {"width": 1280, "height": 800},
}

# (file name, path): "{facility}" and the like are filled from what the server lists (see find_codes).
PAGES = [
    ("home", "/"),
    ("about", "/about/"),
    ("facilities", "/facilities/"),
    ("facility", "/facilities/{facility}/"),
    ("aimags", "/places/"),
    ("aimag", "/places/{aimag}/"),
    ("soum", "/places/{soum}/"),
    ("organisations", "/organizations/"),
    ("organisation", "/organizations/{organisation}/"),
    ("feedback-choose-place", "/feedback/new/"),
    ("feedback-form", "/feedback/new/?facility={facility}"),
    ("thanks", "/feedback/thanks/{submitted}/"),
    ("tracked-item", "/feedback/track/{submitted}/"),
    ("track", "/feedback/track/"),
    ("feedback-list", "/feedback/"),
    ("feedback-item", "/feedback/{feedback}/"),
    ("statistics", "/feedback/statistics/"),
    ("annual-report", "/feedback/report/{organisation}/"),
    ("groups", "/engagement/groups/"),
    ("group", "/engagement/groups/{group}/"),
    ("group-plans", "/engagement/groups/{group}/plans/"),
    ("action-plan", "/engagement/plans/{plan}/"),
    ("meeting", "/engagement/meetings/{meeting}/"),
    ("scorecards", "/scorecards/"),
    ("scorecard-report", "/scorecards/{scorecard}/"),
    ("disclosure-compliance", "/disclosure/compliance/"),
    ("disclosure-compliance-aimag", "/disclosure/compliance/areas/{aimag}/"),
    ("facility-data", "/disclosure/facilities/{facility}/data/"),
    ("budgets", "/disclosure/budgets/"),
    ("transfers", "/disclosure/transfers/"),
    ("ldf-projects", "/disclosure/projects/"),
    ("ldf-project", "/disclosure/projects/{project}/"),
    ("open-data", "/disclosure/open-data/"),
    ("procurement", "/procurement/"),
    ("process", "/procurement/processes/{process}/"),
    ("buyer", "/procurement/parties/{party}/"),
    ("procurement-monitoring", "/procurement/monitoring/"),
    ("learning", "/learning/"),
    ("member-directory", "/learning/network/{network}/members/"),
    ("trainings", "/learning/trainings/"),
    ("people-trained", "/learning/people/figures/"),
    ("library", "/learning/library/"),
    ("network-value", "/learning/value/"),
    ("results", "/results/{framework}/"),
    ("results-indicator", "/results/{framework}/indicators/{indicator}/"),
    ("results-aimag", "/results/{framework}/aimag/{aimag}/"),
    ("ranking", "/results/ranking/"),
    ("inclusion", "/results/inclusion/"),
    ("results-methodology", "/results/methodology/"),
    ("login", "/account/login/"),
    ("api-docs", "/api/docs/"),
]
# Pages that draw themselves with JavaScript: what to wait for before the shot.
READY = {"api-docs": ".swagger-ui .info"}
FACILITY = re.compile(r"^/facilities/([^/?#]+)/$")
ORGANISATION = re.compile(r"^/organizations/([^/?#]+)/$")
FEEDBACK = re.compile(r"^/feedback/(IL-[^/?#]+)/$")
AIMAG = re.compile(r"^/places/(?!11/)(\d{2})/$")  # an aimag, not the capital (11)
SOUM = re.compile(r"^/places/(\d{4})/$")
GROUP = re.compile(r"^/engagement/groups/(?!mine/)([^/?#]+)/$")
PLAN = re.compile(r"^/engagement/plans/([^/?#]+)/$")
MEETING = re.compile(r"^/engagement/meetings/([^/?#]+)/$")
SCORECARD = re.compile(r"^/scorecards/(?!overview/|staff/|webhooks/)([^/?#]+)/$")
PROJECT = re.compile(r"^/disclosure/projects/(?!import/|reports/)([^/?#]+)/$")
PROCESS = re.compile(r"^/procurement/processes/([^/?#]+)/$")
PARTY = re.compile(r"^/procurement/parties/([^/?#]+)/$")
NETWORK = re.compile(r"^/learning/network/([^/?#]+)/members/$")
FRAMEWORK = re.compile(r"^/results/([a-z0-9-]+)/$")
INDICATOR = re.compile(r"^/results/[^/]+/indicators/(\d+)/$")
FEEDBACK_TEXT = (
    "Сургуулийн дотуур байрны өрөөнүүд хүйтэн байна, халаалтыг шалгаж өгнө үү. "
    "(Demo feedback sent by scripts/screenshots.py.)"
)


class ScreenshotError(Exception):
    pass


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="the running server (default %(default)s)")
    parser.add_argument("--out", default="docs/screenshots", type=Path, help="output folder (default %(default)s)")
    parser.add_argument(
        "--chromium",
        default=os.environ.get("PLAYWRIGHT_CHROMIUM", "/usr/bin/chromium"),
        help="Chromium executable (default %(default)s)",
    )
    parser.add_argument("--locale", default="mn-MN", help="browser language (default %(default)s)")
    parser.add_argument("--scale", type=float, default=1, help="device pixel ratio (default %(default)s)")
    parser.add_argument(
        "--max-height", type=int, default=1800, help="CSS pixels from the top of each page (default %(default)s)"
    )
    parser.add_argument("--submit", action="store_true", help="give one feedback to show the thanks and tracking pages")
    parser.add_argument("--only", nargs="*", metavar="NAME", help="only these pages (names as in the file names)")
    parser.add_argument("--timeout", type=float, default=30, help="seconds per page (default %(default)s)")
    return parser.parse_args(argv)


def links(page) -> list[str]:
    """The paths of the links in the page's main content, in order."""
    hrefs = page.locator("main a[href]").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    return [urlsplit(urljoin(page.url, href)).path for href in hrefs]


def open_path(page, base: str, path: str, wait_until: str = "domcontentloaded"):
    response = page.goto(urljoin(base, path), wait_until=wait_until)
    if response is None or response.status != 200:
        raise ScreenshotError(f"{path} answered {response.status if response else 'nothing'}")
    return response


def first_match(paths: list[str], pattern: re.Pattern) -> str | None:
    for path in paths:
        match = pattern.match(path)
        if match:
            return match.group(1)
    return None


def find_codes(context, base: str) -> dict[str, str]:
    """A feedback item the server lists, its facility and handling organisation, and the facility's
    aimag and soum (or the first of each that the server lists); a group with a public plan and a
    meeting; a public score card report; an LDF project, a tender and its buyer, a network and the
    results framework with one indicator."""
    page = context.new_page()

    def links_on(path: str) -> list[str]:
        open_path(page, base, path)
        return links(page)

    found: dict[str, str | None] = {}
    try:
        found["feedback"] = first_match(links_on("/feedback/"), FEEDBACK)
        if found["feedback"]:
            item_links = links_on(f"/feedback/{found['feedback']}/")
            found["facility"] = first_match(item_links, FACILITY)
            found["organisation"] = first_match(item_links, ORGANISATION)
        if not found.get("facility"):
            found["facility"] = first_match(links_on("/facilities/"), FACILITY)
        if not found.get("organisation"):
            found["organisation"] = first_match(links_on("/organizations/"), ORGANISATION)
        if found["facility"]:
            facility_links = links_on(f"/facilities/{found['facility']}/")
            found["aimag"] = first_match(facility_links, AIMAG)
            found["soum"] = first_match(facility_links, SOUM)
        if not found.get("aimag"):
            found["aimag"] = first_match(links_on("/places/"), AIMAG)
        if found["aimag"] and not found.get("soum"):
            found["soum"] = first_match(links_on(f"/places/{found['aimag']}/"), SOUM)
        # the first group that has a public plan, its meeting; a finished score card
        for group in [m.group(1) for m in map(GROUP.match, links_on("/engagement/groups/")) if m]:
            group_links = links_on(f"/engagement/groups/{group}/plans/")
            if first_match(group_links, PLAN):
                found["group"], found["plan"] = group, first_match(group_links, PLAN)
                found["meeting"] = first_match(links_on(f"/engagement/groups/{group}/"), MEETING)
                break
        found["scorecard"] = first_match(links_on("/scorecards/"), SCORECARD)
        # the modules above score cards: an LDF project, a process and its buyer, a network, the
        # results framework (the results front page leads to it) and one of its indicators
        found["project"] = first_match(links_on("/disclosure/projects/"), PROJECT)
        found["process"] = first_match(links_on("/procurement/"), PROCESS)
        if found["process"]:
            found["party"] = first_match(links_on(f"/procurement/processes/{found['process']}/"), PARTY)
        found["network"] = first_match(links_on("/learning/"), NETWORK)
        results_links = links_on("/results/")
        found["framework"] = first_match([urlsplit(page.url).path, *results_links], FRAMEWORK)
        if found["framework"]:
            found["indicator"] = first_match(links_on(f"/results/{found['framework']}/"), INDICATOR)
    finally:
        page.close()
    return {name: code for name, code in found.items() if code}


def submit_feedback(context, base: str, facility: str) -> str:
    """Give one feedback about ``facility`` through the public form; the tracking code."""
    page = context.new_page()
    try:
        open_path(page, base, f"/feedback/new/?facility={facility}")
        form = page.locator("form.feedback-form")
        form.locator("input[name=kind]").first.check()
        form.locator("select[name=category]").select_option(index=1)
        form.locator("textarea[name=description]").fill(FEEDBACK_TEXT)
        form.locator("input[name=privacy][value=name_hidden]").check()
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        match = re.search(r"/feedback/thanks/([^/]+)/$", urlsplit(page.url).path)
        if not match:
            raise ScreenshotError(f"the feedback form did not lead to the thanks page but to {page.url}")
        # The citizen's link (with its key) gives this browser access to the tracking page.
        page.locator("main a.btn").first.click()
        page.wait_for_load_state("domcontentloaded")
        return match.group(1)
    finally:
        page.close()


def shoot(context, base: str, path: str, target: Path, *, viewport: dict, max_height: int, ready: str = "") -> None:
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        open_path(page, base, path, wait_until="networkidle")
        if ready:
            page.wait_for_selector(ready)
        page.evaluate("document.fonts ? document.fonts.ready.then(() => true) : true")
        height = page.evaluate("document.documentElement.scrollHeight")
        clip = {"x": 0, "y": 0, "width": viewport["width"], "height": min(height, max_height)}
        page.screenshot(path=str(target), full_page=True, clip=clip, animations="disabled", caret="hide")
    finally:
        page.close()
    size = target.stat().st_size
    print(f"  {target} ({size // 1024} KiB){'  console errors: ' + '; '.join(errors) if errors else ''}")


def main(argv=None) -> int:
    args = parse_args(argv)
    if not Path(args.chromium).is_file():
        print(f"Chromium not found at {args.chromium}: apt-get install chromium, or pass --chromium.", file=sys.stderr)
        return 2
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("The playwright package is missing: run `make install` and use .venv/bin/python.", file=sys.stderr)
        return 2

    base = args.url.rstrip("/") + "/"
    args.out.mkdir(parents=True, exist_ok=True)
    pages = [(name, path) for name, path in PAGES if not args.only or name in args.only]
    written = 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        try:
            setup = browser.new_context(locale=args.locale, timezone_id="Asia/Ulaanbaatar")
            setup.set_default_timeout(args.timeout * 1000)
            try:
                codes = find_codes(setup, base)
                if args.submit and "facility" in codes:
                    codes["submitted"] = submit_feedback(setup, base, codes["facility"])
                session = setup.storage_state()  # the citizen's access to the feedback just given
            finally:
                setup.close()
            missing = [name for name, path in pages if _unknown(path, codes)]
            if missing:
                print(
                    f"Left out (the server lists nothing for them{'' if args.submit else ', or --submit is off'}): "
                    + ", ".join(missing)
                )
            for name, viewport in VIEWPORTS.items():
                phone = name == "phone"
                context = browser.new_context(
                    viewport=viewport,
                    locale=args.locale,
                    timezone_id="Asia/Ulaanbaatar",
                    device_scale_factor=args.scale,
                    is_mobile=phone,
                    has_touch=phone,
                    storage_state=session,
                )
                context.set_default_timeout(args.timeout * 1000)
                try:
                    print(f"{name} ({viewport['width']}px):")
                    for page_name, path in pages:
                        if page_name in missing:
                            continue
                        target = args.out / f"{page_name}-{viewport['width']}.png"
                        shoot(
                            context,
                            base,
                            path.format(**codes),
                            target,
                            viewport=viewport,
                            max_height=args.max_height,
                            ready=READY.get(page_name, ""),
                        )
                        written += 1
                finally:
                    context.close()
        except (PlaywrightError, ScreenshotError) as error:
            message = str(error).splitlines()[0] if str(error) else repr(error)
            print(f"Could not take the screenshots from {args.url}: {message}", file=sys.stderr)
            return 1
        finally:
            browser.close()
    print(f"{written} screenshots in {args.out}")
    return 0


def _unknown(path: str, codes: dict[str, str]) -> list[str]:
    return [name for name in re.findall(r"{(\w+)}", path) if name not in codes]


if __name__ == "__main__":
    sys.exit(main())
