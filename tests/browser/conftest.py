"""Playwright (Python) driving Debian's Chromium against pytest-django's live server.

Playwright's own browser download cannot work on these machines, so the tests launch the
system Chromium through `executable_path` (`make test` installs it when missing). On a
failure the page is saved under test-results/ as a screenshot.
"""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
RESULTS = Path(__file__).resolve().parents[2] / "test-results"
# Flags that keep Chromium from calling home on a machine without internet.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make test` (it installs it)")
    # Playwright's sync API runs an event loop in this thread; the Django ORM calls the
    # tests make around it are ordinary synchronous code.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


def _page(browser, live_server, request, **options):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, **options
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        RESULTS.mkdir(exist_ok=True)
        page.screenshot(path=str(RESULTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.fixture
def page(browser, live_server, request):
    yield from _page(browser, live_server, request)


@pytest.fixture
def audit_page(browser, live_server, request):
    """A page whose Content-Security-Policy lets Playwright inject axe-core: for the
    accessibility audits only (tests/browser/axe_audit.py)."""
    yield from _page(browser, live_server, request, bypass_csp=True)


HERE = Path(__file__).resolve().parent


@pytest.hookimpl(tryfirst=True)  # before tests/conftest.py's hook, which skips by this marker
def pytest_collection_modifyitems(items):
    """What a browser shows does not depend on the database behind the live server: the
    browser tests run in the SQLite pass of `make test` only (marker `one_database`)."""
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.one_database)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.rep_call = report
    return report


@pytest.fixture
def manager(transactional_db, django_user_model):
    """A superuser support manager, logged in through the real login form by `login`."""
    return django_user_model.objects.create_superuser(
        "manager", "manager@example.com", "manager-pass-123"
    )


@pytest.fixture
def login(page, manager):
    def do_login():
        page.goto("/admin/login/")
        page.fill("#id_username", "manager")
        page.fill("#id_password", "manager-pass-123")
        page.click("input[type=submit]")
        page.wait_for_url("**/admin/")
        return page

    return do_login
