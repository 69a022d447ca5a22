"""Real-browser fixtures: Debian's Chromium driven by Playwright against pytest-django's live server.

The tests here are skipped, with the reason printed in pytest's summary, when Debian's Chromium
(``/usr/bin/chromium``) or the ``playwright`` package is missing; we never download a browser.
"""
from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")  # Debian's package; never a downloaded one
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
# Playwright's sync API runs an asyncio loop in the test thread; Django refuses ORM calls from a
# thread with a running loop unless told it is safe (it is: the loop only drives the browser).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _missing_requirement() -> str | None:
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)) and not shutil.which(CHROMIUM):
        return f"Debian's Chromium is not installed ({CHROMIUM} missing; apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -r requirements-test.txt)"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test in this folder ``browser`` and skip them all when Chromium is unavailable."""
    here = os.path.dirname(__file__)
    reason = _missing_requirement()
    for item in items:
        if str(item.path).startswith(here):
            item.add_marker(pytest.mark.browser)
            if reason:
                item.add_marker(pytest.mark.skip(reason=f"browser tests skipped: {reason}"))


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser: Browser, live_server, django_db_serialized_rollback) -> Iterator[Page]:
    """A fresh Chinese-locale browser tab on the live server.

    ``django_db_serialized_rollback``: the live server needs committed data (a transactional test),
    and the rollback restores what migrations created (the Editors group) for the next test.
    """
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    # Assertions wait as long as actions: a loaded CI machine answers a debounced request late.
    from playwright.sync_api import expect

    expect.set_options(timeout=15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        yield page
    finally:
        context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"
