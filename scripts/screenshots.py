#!/usr/bin/env python3
"""Full-page screenshots of Iltod's key pages on a phone and a desktop, with headless Chromium.

    python scripts/screenshots.py --url http://127.0.0.1:8000 --out docs/screenshots

Takes the home page, the first facility listed on /facilities/ and the login page, each at 360px
(phone) and 1280px (desktop) wide, as ``<page>-<width>.png``. The browser asks for Mongolian
(``--locale mn-MN``), like most visitors. Uses the system Chromium (``--chromium``, default
``$PLAYWRIGHT_CHROMIUM`` or ``/usr/bin/chromium``); nothing is downloaded. When the server has no
facility yet, the facility shots are left out with a message.
"""

from __future__ import annotations

import argparse
import os
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
FACILITY_LINK = "main ul.list a.title, main a[href*='/facilities/']:not([href*='?'])"


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
    parser.add_argument("--timeout", type=float, default=30, help="seconds per page (default %(default)s)")
    return parser.parse_args(argv)


def first_facility_path(context, base: str) -> str | None:
    """The path of the first facility listed on /facilities/, or None when there is none."""
    page = context.new_page()
    try:
        response = page.goto(urljoin(base, "/facilities/"), wait_until="domcontentloaded")
        if response is None or response.status != 200:
            raise ScreenshotError(f"/facilities/ answered {response.status if response else 'nothing'}")
        for href in page.locator(FACILITY_LINK).evaluate_all("links => links.map(a => a.getAttribute('href'))"):
            path = urlsplit(urljoin(base, href)).path
            if path.startswith("/facilities/") and path.rstrip("/") != "/facilities":
                return path
        return None
    finally:
        page.close()


def shoot(context, base: str, path: str, target: Path) -> None:
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        response = page.goto(urljoin(base, path), wait_until="networkidle")
        if response is None or response.status != 200:
            raise ScreenshotError(f"{path} answered {response.status if response else 'nothing'}")
        page.evaluate("document.fonts ? document.fonts.ready.then(() => true) : true")
        page.screenshot(path=str(target), full_page=True, animations="disabled", caret="hide")
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
    written = 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        try:
            for name, viewport in VIEWPORTS.items():
                phone = name == "phone"
                context = browser.new_context(
                    viewport=viewport,
                    locale=args.locale,
                    timezone_id="Asia/Ulaanbaatar",
                    device_scale_factor=args.scale,
                    is_mobile=phone,
                    has_touch=phone,
                )
                context.set_default_timeout(args.timeout * 1000)
                try:
                    pages = {"home": "/"}
                    facility = first_facility_path(context, base)
                    if facility:
                        pages["facility"] = facility
                    elif phone:
                        print(
                            "No facility is listed on /facilities/ yet: skipping the facility screenshots "
                            "(load some with `manage.py seed_demo` or `manage.py import_facilities`)."
                        )
                    pages["login"] = "/account/login/"
                    print(f"{name} ({viewport['width']}px):")
                    for page_name, path in pages.items():
                        shoot(context, base, path, args.out / f"{page_name}-{viewport['width']}.png")
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


if __name__ == "__main__":
    sys.exit(main())
