"""The load driver: a separate process that sends HTTP requests over loopback from N concurrent
clients (asyncio + httpx), bounded by a duration and a request count, and prints what it measured
as JSON. Scenarios:

- ``intake``: each client loads the feedback form once (CSRF cookie and token), then submits the
  form again and again with a new text each time; a success is the redirect to the thanks page.
- ``open``: the same submissions in an open loop: they arrive at a fixed rate (``--rate``, per
  second) on a clock of their own, whatever the server is doing, and each one's latency runs from
  the time it was due (see ``open_loop``). ``--clients`` browsers load the form once each and take
  the arrivals in turn; a browser may have several submissions in flight.
- ``pages``: each client GETs the given URLs in turn (with an optional session cookie).

Usage: ``python -m bench.load SCENARIO --url BASE --clients 16 --duration 30 --max-requests 5000
[--rate 20] [--facility CODE ...] [--path PATH ...] [--cookie name=value]``.
"""

import argparse
import asyncio
import json
import re
import sys
import time

import httpx

from .openloop import open_loop, open_summary

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Budget:
    """Shared bounds: stop when the time is up or the request count is reached."""

    def __init__(self, duration: float, max_requests: int):
        self.deadline = time.perf_counter() + duration
        self.remaining = max_requests

    def take(self) -> bool:
        if self.remaining <= 0 or time.perf_counter() >= self.deadline:
            return False
        self.remaining -= 1
        return True


async def _timed(coro):
    started = time.perf_counter()
    response = await coro
    return response, time.perf_counter() - started


def _submission(token: str, facility: str, category, number: int, sent: int) -> dict:
    """The form as a browser without JavaScript posts it: a new text and phone number each time."""
    return {
        "csrfmiddlewaretoken": token,
        "facility": facility,
        "kind": "complaint",
        "category": category,
        "description": f"Ачааллын туршилт {number}-{sent}: хүлээлгийн танхим хүйтэн байна.",
        "privacy": "name_hidden",
        "name": "Туршилт",
        "phone": f"+97680{number % 100:02d}{sent % 10000:04d}",
        "notify": "on",
    }


def _stored(response) -> bool:
    """A submission succeeded when it is answered with the redirect to the thanks page."""
    return response.status_code == 302 and "/feedback/thanks/" in response.headers.get("location", "")


async def _open_form(client, base: str, facility: str) -> tuple[str, str]:
    """Load the form once, as a citizen does: the CSRF cookie and token."""
    form_url = f"{base}/feedback/new/?facility={facility}"
    page = await client.get(form_url)
    match = CSRF_INPUT.search(page.text)
    if page.status_code != 200 or match is None:
        raise RuntimeError(f"form {page.status_code}")
    return form_url, match.group(1)


async def intake_client(number: int, base: str, facilities: list[str], budget: Budget, results: dict):
    facility = facilities[number % len(facilities)]
    async with httpx.AsyncClient(timeout=30, headers={"Accept-Language": "mn"}) as client:
        try:
            form_url, token = await _open_form(client, base, facility)
        except RuntimeError as exc:
            results["errors"].append(str(exc))
            return
        sent = 0
        while budget.take():
            sent += 1
            data = _submission(token, facility, results["category"], number, sent)
            try:
                response, seconds = await _timed(
                    client.post(form_url, data=data, headers={"Referer": form_url}, follow_redirects=False)
                )
            except httpx.HTTPError as exc:
                results["errors"].append(type(exc).__name__)
                continue
            if _stored(response):
                results["latencies"].append(seconds)
            else:
                results["errors"].append(f"HTTP {response.status_code}")
                results["latencies_failed"].append(seconds)


async def open_intake(args) -> dict:
    clients, browsers = [], []
    try:
        for number in range(max(args.clients, 1)):
            client = httpx.AsyncClient(timeout=30, headers={"Accept-Language": "mn"})
            clients.append(client)
            facility = args.facility[number % len(args.facility)]
            form_url, token = await _open_form(client, args.url, facility)
            browsers.append((client, facility, form_url, token))

        async def send(number: int) -> str | None:
            client, facility, form_url, token = browsers[number % len(browsers)]
            data = _submission(token, facility, args.category, number % 100, number // 100)
            try:
                response = await client.post(form_url, data=data, headers={"Referer": form_url}, follow_redirects=False)
            except httpx.HTTPError as exc:
                return type(exc).__name__
            return None if _stored(response) else f"HTTP {response.status_code}"

        started = time.perf_counter()
        arrivals = await open_loop(send, rate=args.rate, duration=args.duration, max_requests=args.max_requests)
        return open_summary(arrivals, args.rate, time.perf_counter() - started)
    finally:
        for client in clients:
            await client.aclose()


async def pages_client(base: str, paths: list[str], cookies: dict, budget: Budget, results: dict, offset: int):  # noqa: PLR0917
    async with httpx.AsyncClient(timeout=30, cookies=cookies, headers={"Accept-Language": "mn"}) as client:
        i = offset
        while budget.take():
            path = paths[i % len(paths)]
            i += 1
            try:
                response, seconds = await _timed(client.get(base + path))
            except httpx.HTTPError as exc:
                results["errors"].append(type(exc).__name__)
                continue
            if response.status_code == 200:
                results["latencies"].append(seconds)
                results["by_path"].setdefault(path, []).append(seconds)
            else:
                results["errors"].append(f"HTTP {response.status_code} {path}")


async def main(args) -> dict:
    if args.scenario == "open":
        return await open_intake(args)
    budget = Budget(args.duration, args.max_requests)
    results = {"latencies": [], "latencies_failed": [], "errors": [], "by_path": {}, "category": args.category}
    started = time.perf_counter()
    if args.scenario == "intake":
        clients = [intake_client(n, args.url, args.facility, budget, results) for n in range(args.clients)]
    else:
        cookies = dict(c.split("=", 1) for c in args.cookie)
        clients = [pages_client(args.url, args.path, cookies, budget, results, n) for n in range(args.clients)]
    await asyncio.gather(*clients)
    elapsed = time.perf_counter() - started
    return {
        "scenario": args.scenario,
        "clients": args.clients,
        "seconds": elapsed,
        "ok": len(results["latencies"]),
        "errors": len(results["errors"]),
        "error_kinds": sorted(set(results["errors"]))[:20],
        "latencies": results["latencies"],
        "by_path": results["by_path"],
    }


def parse(argv):
    parser = argparse.ArgumentParser(prog="bench.load")
    parser.add_argument("scenario", choices=["intake", "open", "pages"])
    parser.add_argument("--url", required=True)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--duration", type=float, default=30)
    parser.add_argument("--rate", type=float, default=20, help="arrivals per second (open)")
    parser.add_argument("--max-requests", type=int, default=10_000)
    parser.add_argument("--facility", action="append", default=[])
    parser.add_argument("--category", default="")
    parser.add_argument("--path", action="append", default=[])
    parser.add_argument("--cookie", action="append", default=[])
    return parser.parse_args(argv)


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(parse(sys.argv[1:])))))
