"""Real-browser harness: Debian's chromium driven by Playwright against pytest-django's live server, with the
real SMTP server from tests/mailserver.py. Later issues reuse `browser`, `page`, `site` and `smtp_server`.

Playwright's sync API runs an event loop in the test thread, which makes Django refuse ORM calls there;
the test thread only builds data and reads mail, so the guard is lifted for these tests.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache

from tests.system_tools import require_tool

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("NEWSREEL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        require_tool("chromium")  # fails with the command that installs it
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def browser_locale() -> str:
    return "en-GB"


@pytest.fixture
def page(browser: Any, browser_locale: str) -> Iterator[Any]:
    """A fresh browser context (own cookies) and page. Script errors, console errors (CSP violations among them)
    and failed sub-resource loads are collected in `page.errors`."""
    context = browser.new_context(locale=browser_locale, viewport={"width": 1100, "height": 900})
    context.set_default_timeout(30_000)  # generous: CI machines are shared and slow at times
    tab = context.new_page()
    errors: list[str] = []
    tab.errors = errors  # type: ignore[attr-defined]

    def on_console(msg: Any) -> None:
        # Failed loads are reported below with their URL instead.
        if msg.type == "error" and not msg.text.startswith("Failed to load resource"):
            errors.append(msg.text)

    def on_response(response: Any) -> None:
        if response.status >= 400 and response.request.resource_type != "document" \
                and not response.url.endswith("/favicon.ico"):
            errors.append(f"{response.status} {response.url}")

    tab.on("console", on_console)
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.on("response", on_response)
    yield tab
    context.close()


@pytest.fixture
def site(live_server: Any, transactional_db: Any, settings: Any) -> Iterator[Any]:
    """The live portal, with fresh rate limits and a cheap password hasher (the browser waits on it)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    yield live_server
    cache.clear()
