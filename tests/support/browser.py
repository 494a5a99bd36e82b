"""A live app server in a thread, Debian's Chromium under Playwright, axe-core, and a movable clock.

The webchat's browser tests need a real HTTP server (server-sent events, several requests at
once): werkzeug's threaded server runs the app factory's app on a free port. Chromium is Debian's
(/usr/bin/chromium, never `playwright install`); axe-core comes from the cache filled by
scripts/browser.sh, so nothing is downloaded while the tests run.

Every browser test shares the `browser` fixture (one Chromium per test module) and opens its
pages through the `pages` fixture (or `open_page`); tests/conftest.py registers this module as a
pytest plugin so those fixtures reach every test.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.support.emulator import free_port, serving

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
AXE_VERSION = "4.10.3"  # keep in step with scripts/browser.sh
LONDON = ZoneInfo("Europe/London")
# A Tuesday morning: the contact centre (08:00-22:00) and the prime contractors are open.
WEEKDAY_MORNING = datetime(2026, 11, 24, 10, 0, tzinfo=LONDON)
# Late evening: the contact centre has closed (001:1.3).
LATE_EVENING = datetime(2026, 11, 24, 23, 0, tzinfo=LONDON)


def chromium_available() -> bool:
    """True when Debian's Chromium is installed."""
    return os.access(CHROMIUM, os.X_OK)


# A browser test module's marks: `pytestmark = BROWSER_TEST`.
BROWSER_TEST = [
    pytest.mark.browser,
    pytest.mark.skipif(not chromium_available(), reason=f"needs {CHROMIUM} (Debian's Chromium)"),
]


def moving_clock(start: datetime) -> Callable[[], datetime]:
    """A clock that starts at `start` and runs at real speed (so waits still grow)."""
    began = time.monotonic()

    def now() -> datetime:
        from datetime import timedelta

        return start + timedelta(seconds=time.monotonic() - began)

    return now


@contextmanager
def live_server(app) -> Iterator[str]:
    """Serve `app` on a free port in a thread; yields its base URL and stops it afterwards."""
    with serving(app, free_port()) as url:
        yield url


def launch_chromium(playwright):
    """Start Debian's Chromium headless with the flags this machine needs."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


@contextmanager
def chromium() -> Iterator[object]:
    """Debian's Chromium under Playwright for as long as the block runs."""
    from playwright.sync_api import sync_playwright  # only browser tests need Playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for the test module (skipped where Debian's Chromium is missing)."""
    if not chromium_available():
        pytest.skip(f"needs {CHROMIUM} (Debian's Chromium)")
    with chromium() as running:
        yield running


@contextmanager
def open_page(browser, url: str | None = None, *, width: int = 1200, height: int = 900,
              timeout_ms: int = 10_000) -> Iterator[object]:
    """A page in a fresh browser context (reduced motion, this viewport), closed afterwards."""
    context = browser.new_context(reduced_motion="reduce",
                                  viewport={"width": width, "height": height})
    context.set_default_timeout(timeout_ms)
    try:
        page = context.new_page()
        if url:
            page.goto(url)
        yield page
    finally:
        context.close()


@pytest.fixture
def pages(browser):
    """Opens pages for one test, `pages(url, width=…, height=…, timeout_ms=…)`; closed after it."""
    with ExitStack() as opened:
        yield lambda url=None, **options: opened.enter_context(open_page(browser, url, **options))


def axe_script() -> Path:
    """Where scripts/browser.sh put axe-core."""
    cache = os.environ.get("CAREERS_TRIAGE_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "careers-triage")
    return Path(cache) / f"axe-core-{AXE_VERSION}" / "axe.min.js"


def axe_violations(page, *, context: str | None = None) -> list[dict]:
    """Run axe-core (WCAG 2.0-2.2 A and AA rules) on the page; return serious and critical ones."""
    # Evaluated through the browser's protocol, not added as a <script>: the pages'
    # Content-Security-Policy (script-src 'self') rightly refuses an injected inline script.
    page.evaluate(axe_script().read_text(encoding="utf-8") + "\n;undefined")
    results = page.evaluate(
        """async (context) => await axe.run(context || document, {
               runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                                               'wcag22aa', 'best-practice']}})""",
        context,
    )
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "targets": [n["target"] for n in v["nodes"]]}
        for v in results["violations"] if v["impact"] in ("serious", "critical")
    ]


def screenshot(page, name: str) -> Path:
    """Keep a screenshot under test-artifacts/ (git-ignored) and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', name)}.png"
    page.screenshot(path=str(path), full_page=False)
    return path
