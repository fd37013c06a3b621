"""Browser-test fixtures: Debian's Chromium driven by Playwright against pytest-django's live server.

Registered for the whole suite through ``pytest_plugins`` in the root ``conftest.py``. Tests that use
them carry ``@pytest.mark.browser`` and ask for ``page`` (desktop) or ``phone_page`` (360×740), both
already pointed at the live server (``page.goto("/")`` works), or for ``new_page`` to open more.

Every page is watched: a console error, an uncaught script error, a failed request or a request to
any origin other than the live server's fails the test (see ``PageLog``).

Name browser-test modules ``test_browser_*.py``: ``.ci/run`` checks that tests of that name ran and
none was skipped. Tests that need data the live server can see use
``@pytest.mark.django_db(transaction=True, serialized_rollback=True)``: ``live_server`` implies a
transactional database, whose flush after each test would otherwise remove the migrated rows.

While the browser is open, Playwright's sync API marks an asyncio loop as running in the main
thread; ``DJANGO_ALLOW_ASYNC_UNSAFE`` is set for that time so that test code may query the database.

No browser is downloaded (``playwright install`` is never run): the system Chromium is launched, at
``$PLAYWRIGHT_CHROMIUM`` or ``/usr/bin/chromium``. Without it the browser tests fail in CI
(``CI=true``) and are skipped with the reason elsewhere.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("PLAYWRIGHT_CHROMIUM", "/usr/bin/chromium")
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
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
TIMEOUT_MS = 15_000


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def require_chromium() -> None:
    """Fail (in CI) or skip (elsewhere) with a clear reason when Chromium cannot be used."""
    problem = None
    if not Path(CHROMIUM).is_file():
        problem = f"Chromium not found at {CHROMIUM} (apt-get install chromium, or set PLAYWRIGHT_CHROMIUM)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "the playwright package is not installed (make install)"
    if problem:
        if in_ci():
            pytest.fail(f"browser tests cannot run in CI: {problem}", pytrace=False)
        pytest.skip(f"browser tests skipped: {problem}")


@dataclass
class PageLog:
    """What a page did that a test should know about: errors, requests, bytes received."""

    origin: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    finished: list = field(default_factory=list)  # playwright Request objects, in order

    def attach(self, page) -> None:
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.page_errors.append(f"{page.url}: {error}"))
        page.on("request", self._on_request)
        page.on("requestfailed", lambda r: self.failed_requests.append(f"{r.url} ({r.failure})"))
        page.on("requestfinished", self._on_finished)

    def _on_finished(self, request) -> None:
        self.finished.append(request)

    def _on_console(self, message) -> None:
        if message.type == "error":
            location = message.location or {}
            self.console_errors.append(f"{location.get('url', '')}: {message.text}")

    def _on_request(self, request) -> None:
        self.requests.append(request.url)
        if not (request.url == self.origin or request.url.startswith(self.origin + "/")):
            self.foreign_requests.append(request.url)

    def problems(self) -> list[str]:
        return (
            [f"console error: {e}" for e in self.console_errors]
            + [f"script error: {e}" for e in self.page_errors]
            + [f"failed request: {e}" for e in self.failed_requests]
            + [f"request to another origin: {e}" for e in self.foreign_requests]
        )

    def assert_clean(self) -> None:
        problems = self.problems()
        assert not problems, "the browser saw problems:\n" + "\n".join(problems)

    def mark(self) -> int:
        """A position in the finished requests, to measure what a navigation transferred."""
        return len(self.finished)

    def transferred_since(self, mark: int) -> tuple[int, int]:
        """(response bytes received, number of responses) since ``mark``: bodies as sent plus headers."""
        total = 0
        requests = self.finished[mark:]
        for request in requests:
            sizes = request.sizes()
            total += max(sizes["responseBodySize"], 0) + max(sizes["responseHeadersSize"], 0)
        return total, len(requests)

    def body_bytes_since(self, mark: int) -> int:
        """Sum of the response body sizes (as received) since ``mark``."""
        return sum(max(r.sizes()["responseBodySize"], 0) for r in self.finished[mark:])


def _hand_over_database_connections(connections_before: dict) -> None:
    """Keep using Django's database connections once Playwright has started.

    Django keeps connections in an ``asgiref.local.Local(thread_critical=True)``: thread-local while
    no asyncio loop runs in the thread, context-local once one does. Playwright's sync API marks its
    loop as running in this thread from its start to its end, so the tests after that would get new
    connection objects, without the state the test database setup left on the old ones (such as the
    serialized contents that ``serialized_rollback`` restores). Hand the same objects over.
    """
    from django.db import connections

    for alias, connection in connections_before.items():
        connections[alias] = connection


@pytest.fixture(scope="session")
def browser() -> Iterator:
    """One headless Chromium for the whole run."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop running in this thread; Django would otherwise
    # refuse the test code's (synchronous) database queries with SynchronousOnlyOperation.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        from django.db import connections

        connections_before = {alias: connections[alias] for alias in connections}
        with sync_playwright() as playwright:
            _hand_over_database_connections(connections_before)
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                yield chromium
            finally:
                chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page_logs() -> dict:
    """The ``PageLog`` of every page opened by the current test, by page."""
    return {}


@pytest.fixture
def new_page(browser, live_server, page_logs) -> Iterator[Callable]:
    """Open a watched page in a fresh browser context: ``new_page(viewport=PHONE, locale="en-GB")``.

    The visitor's browser asks for Mongolian by default (Accept-Language: mn-MN), like most of
    Iltod's visitors. At the end of the test every page opened must have stayed clean.
    """
    contexts = []
    origin = live_server.url.rstrip("/")

    def open_page(viewport=DESKTOP, locale="mn-MN", **context_options):
        phone = viewport["width"] < 600
        context = browser.new_context(
            base_url=origin,
            viewport=viewport,
            locale=locale,
            timezone_id="Asia/Ulaanbaatar",
            is_mobile=phone,
            has_touch=phone,
            device_scale_factor=2 if phone else 1,
            **context_options,
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        log = PageLog(origin)
        log.attach(page)
        page_logs[page] = log
        return page

    yield open_page

    try:
        problems = [p for log in page_logs.values() for p in log.problems()]
    finally:
        for context in contexts:
            context.close()
    if problems:
        pytest.fail("the browser saw problems:\n" + "\n".join(problems), pytrace=False)


@pytest.fixture
def page(new_page):
    """A desktop-sized (1280×800) page whose browser prefers Mongolian."""
    return new_page(DESKTOP)


@pytest.fixture
def phone_page(new_page):
    """A phone-sized (360×740, touch) page whose browser prefers Mongolian."""
    return new_page(PHONE)


def log_of(page_logs: dict, page) -> PageLog:
    return page_logs[page]


def visit(page, path: str, expect_status: int = 200):
    """Go to ``path`` on the live server and check the answer's status."""
    response = page.goto(path)
    assert response is not None, f"no response for {path}"
    assert response.status == expect_status, f"{path}: HTTP {response.status}, expected {expect_status}"
    return response
