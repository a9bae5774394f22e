"""Real headless Chromium (Debian's package) driven by Playwright against the live test server."""

import os
import shutil
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import PASSWORD, seed_world

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"]


def chromium_path() -> str | None:
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail("CI=true needs Chromium for the browser tests (apt-get install chromium).")
        pytest.skip("No Chromium found; install Debian's chromium to run the browser tests.")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the ORM calls made here are ordinary blocking calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


def requests_settle(timeout: float = 10.0) -> None:
    """Wait for the live server's requests still running: a closed page's service worker may have asked for the pages
    it keeps offline, and the flush that ends the test would deadlock with them."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(
        getattr(getattr(thread, "_target", None), "__name__", "") == "process_request_thread" for thread in threading.enumerate()
    ):
        time.sleep(0.05)


@pytest.fixture
def phone(browser, live_server, transactional_db):
    """A 360-px phone page; the world is re-seeded because a previous live-server test flushed it."""
    seed_world()
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True, has_touch=True, locale="zh-CN")
    page = context.new_page()
    page.base_url = live_server.url
    yield page
    context.close()
    requests_settle()


@pytest.fixture
def desk(browser, live_server, transactional_db):
    """A 1280-px desk page on a freshly seeded world, like `phone`."""
    seed_world()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.base_url = live_server.url
    yield page
    context.close()
    requests_settle()


def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def no_horizontal_scroll(page) -> bool:
    # A click that navigates returns before the new document exists: measure the page once it has loaded.
    page.wait_for_load_state()
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def log_in(page, username: str, *, base_url: str = "", password: str = PASSWORD, lands_on: str = "", screenshot: str = "") -> None:
    """The one login step of every browser test: fill the login form (opening it unless already there) and wait for the landing page
    (`lands_on`, or any page past the login form: each role has its own home)."""
    base_url = base_url or page.base_url
    if "/accounts/login/" not in page.url:
        page.goto(base_url + "/accounts/login/")
    page.get_by_label("用户名或手机号").fill(username)
    page.get_by_label("密码").fill(password)
    if screenshot:
        shoot(page, screenshot)
    page.get_by_role("button", name="登录").click()
    if not lands_on:
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
    else:
        page.wait_for_url(lands_on if lands_on.startswith("**") else base_url + lands_on)
