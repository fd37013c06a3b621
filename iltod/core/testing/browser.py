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
        page.on("requestfailed", self._on_failed)
        page.on("requestfinished", self._on_finished)

    def _on_failed(self, request) -> None:
        # ERR_ABORTED: the browser dropped the request itself, e.g. the favicon of a page the test
        # navigated away from. Errors of the server (404, 500) are console errors, not failures.
        if request.failure != "net::ERR_ABORTED":
            self.failed_requests.append(f"{request.url} ({request.failure})")

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


def _restores_serialized_contents(request) -> list[str]:
    """The databases whose serialized contents pytest-django is about to restore for this test."""
    from pytest_django.fixtures import validate_django_db

    marker = request.node.get_closest_marker("django_db")
    transactional, reset_sequences, databases, serialized, _apps = (
        validate_django_db(marker) if marker else (False, False, None, False, None)
    )
    transactional = (
        transactional or reset_sequences or bool({"transactional_db", "live_server"} & set(request.fixturenames))
    )
    serialized = serialized or "django_db_serialized_rollback" in request.fixturenames
    if not (transactional and serialized):
        return []
    if databases is None:
        return ["default"]
    from django.db import connections

    return list(connections) if databases == "__all__" else list(databases)


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef, request):
    """Let a ``serialized_rollback`` test start from exactly the serialized database.

    A transactional test without serialized rollback ends with a flush that recreates content types
    and permissions (post_migrate) under new ids; restoring the serialized rows on top of them then
    fails on their unique constraints. Empty the tables first, as the serialized tests' own flush
    does, so that the order of transactional tests in the run does not matter. The sequences are
    kept: the restored rows keep their ids, and on PostgreSQL a sequence restarted at 1 would hand
    the next new row an id that a restored row already holds.
    """
    if fixturedef.argname == "_django_db_helper" and not getattr(request.node, "cls", None):
        aliases = _restores_serialized_contents(request)
        if aliases:
            from django.contrib.contenttypes.models import ContentType
            from django.core.management import call_command
            from django.db import connections

            with request.getfixturevalue("django_db_blocker").unblock():
                for alias in aliases:
                    if getattr(connections[alias], "_test_serialized_contents", None) is not None:
                        call_command(
                            "flush",
                            verbosity=0,
                            interactive=False,
                            database=alias,
                            inhibit_post_migrate=True,
                            reset_sequences=False,
                        )
            ContentType.objects.clear_cache()
    return (yield)


class _Chromium:
    """Playwright and one Chromium, started on first use and stopped when the browser tests pause.

    While Playwright's sync API is started it marks an asyncio loop as running in this thread, which
    changes how Django behaves here: database queries are refused (SynchronousOnlyOperation) unless
    ``DJANGO_ALLOW_ASYNC_UNSAFE`` is set, ``async_to_sync`` refuses to run, and Django's connections
    come from another storage. So the browser runs only for as long as browser tests follow each
    other (see ``pytest_runtest_teardown``), with the variable set for that time only, and with the
    same connection objects.
    """

    def __init__(self) -> None:
        self._playwright = None
        self._browser = None
        self._env_before: str | None = None

    def get(self):
        if self._browser is None:
            self._start()
        return self._browser

    def _start(self) -> None:
        from django.db import connections
        from playwright.sync_api import sync_playwright

        connections_before = {alias: connections[alias] for alias in connections}
        self._env_before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        try:
            self._playwright = sync_playwright().start()
            # Django keeps connections in an asgiref Local that is thread-local while no loop runs
            # and context-local once one does: hand the same objects (with the state the test
            # database setup left on them, such as the serialized contents) over.
            for alias, connection in connections_before.items():
                connections[alias] = connection
            self._browser = self._playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        browser, playwright = self._browser, self._playwright
        self._browser = self._playwright = None
        try:
            if browser is not None:
                browser.close()
        finally:
            try:
                if playwright is not None:
                    playwright.stop()
            finally:
                if self._env_before is None:
                    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
                else:
                    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = self._env_before


_chromium = _Chromium()


class SharedBrowser:
    """The session's Chromium (a Playwright ``Browser``), started again if it was stopped."""

    def __getattr__(self, name):
        return getattr(_chromium.get(), name)

    def __repr__(self) -> str:
        return f"<SharedBrowser {CHROMIUM}>"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Stop the browser after the last of a run of browser tests, once the test is torn down."""
    try:
        return (yield)
    finally:
        if nextitem is None or "browser" not in getattr(nextitem, "fixturenames", ()):
            _chromium.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[SharedBrowser]:
    """One headless Chromium for the whole run (stopped while other tests run, see ``_Chromium``)."""
    require_chromium()
    try:
        yield SharedBrowser()
    finally:
        _chromium.stop()


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


def log_in(page, email: str, password: str = "") -> None:
    """Log in through the login form as a person would, and wait until the site has let them in
    (the account page, or the inbox for those who handle feedback)."""
    from iltod.core.testing import PASSWORD  # here: the personas module needs Django's apps ready

    visit(page, "/account/login/")
    page.fill("#id_identifier", email)
    page.fill("#id_password", password or PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/account/login/" not in url)
