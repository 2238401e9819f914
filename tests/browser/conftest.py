"""Browser tests: Playwright driving Debian's chromium (/usr/bin/chromium).

`make test` installs chromium with apt-get when it is missing. Never run
`playwright install`: it downloads a browser, and these tests use Debian's.
Every test under tests/browser is marked `browser` (`pytest -m browser`,
`pytest -m "not browser"`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Error, Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags chromium keeps dialling Google
# services, and on a closed network those connections are refused.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 900}
TIMEOUT_MS = 10_000
HERE = Path(__file__).parent
SCREENSHOTS = HERE.parent / "output" / "screenshots"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "browser: drives Debian's chromium with Playwright (tests/browser)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless chromium for the whole session (starting it takes ~0.3 s)."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: run `make test`, which installs Debian chromium "
                    "(apt-get install chromium). Do not run `playwright install`.",
                    pytrace=False)
    playwright = sync_playwright().start()
    try:
        try:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        except Error as exc:
            pytest.fail(f"could not launch {CHROMIUM}: {exc}", pytrace=False)
        yield browser
        browser.close()
    finally:
        playwright.stop()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh page in its own context (no shared cookies), 1280x900.

    If the test fails, the page is saved as tests/output/screenshots/FAILED-<test>.png.
    """
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed and not page.is_closed():
        _save(page, "FAILED-" + request.node.name, full_page=True)
    context.close()


def _save(page: Page, name: str, *, full_page: bool) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / (re.sub(r"[^\w.-]+", "_", name) + ".png")
    page.screenshot(path=str(path), full_page=full_page)
    return path


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Callable[..., Path]:
    """`screenshot(name, page=None, *, full_page=True) -> Path`.

    Saves tests/output/screenshots/<name>.png (of the test's `page` unless
    another page is given) and returns its path.
    """

    def take(name: str, target: Page | None = None, *, full_page: bool = True) -> Path:
        return _save(target or request.getfixturevalue("page"), name, full_page=full_page)

    return take
