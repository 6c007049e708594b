"""The admin, Swagger UI and ReDoc work under the portal's Content-Security-Policy."""

import pytest
from playwright.sync_api import expect

from tests.community.factories import CategoryFactory


@pytest.fixture
def csp_violations(page):
    """Every CSP violation the page reports (Chromium logs each one to the console)."""
    found = []
    page.on(
        "console",
        lambda message: (
            found.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return found


def test_swagger_ui_renders_without_violations(page, csp_violations):
    response = page.goto("/api/docs/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Status configuration portal")
    expect(page.locator(".opblock").first).to_be_visible()
    assert csp_violations == []


def test_redoc_renders_without_violations(page, csp_violations):
    page.goto("/api/redoc/")
    # ReDoc builds the whole reference in the browser: seconds on a busy machine.
    expect(page.locator("h1").first).to_contain_text("Status configuration portal", timeout=30_000)
    expect(page.locator("[data-section-id='tag/Libredesk'] h2").first).to_be_visible()
    # Started by a script file of the portal; its bundle asks no CDN for a logo any more.
    assert csp_violations == []


def test_admin_scripts_run_without_violations(login, page, csp_violations):
    page = login()
    category = CategoryFactory(name="Parent")
    page.goto(f"/admin/community/category/{category.pk}/change/")
    # The two-box parent picker is built by the admin's JavaScript.
    expect(page.locator(".selector-available").first).to_be_visible()
    page.goto("/admin/community/category/")
    page.locator("#action-toggle").check()  # the select-all checkbox is script-driven
    expect(page.locator(".action-counter")).to_contain_text("selected")
    assert csp_violations == []
