"""The API documentation, the /api/ index and the browsable API in Chromium (issue 14, items
13 to 16): nothing is loaded from another site, the sections come in product order, the
samples show real values, and the pages around the API have a name, a favicon and
breadcrumbs that lead somewhere."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from config.surfaces import SURFACES as REGISTERED
from tests.browser.axe_audit import audit, axe_installed

SURFACES = ["Libredesk", "Rocket.Chat", "LivePerson", "SelfCommunity"]
# ReDoc and Swagger UI build the whole reference in the browser: seconds on a busy machine.
RENDERED = 30_000


@pytest.fixture
def requests_made(page):
    """Every URL the page asks for, from the moment the fixture is used."""
    made = []
    page.on("request", lambda request: made.append(request.url))
    return made


def elsewhere(urls, live_server):
    """The URLs not on the test server (blob: and data: URLs stay in the page)."""
    own = urlsplit(live_server.url).netloc
    return [
        url
        for url in urls
        if not url.startswith(("blob:", "data:")) and urlsplit(url).netloc != own
    ]


def test_redoc_asks_no_other_site_for_anything(page, requests_made, live_server):
    page.goto("/api/redoc/")
    expect(page.locator("h1").first).to_contain_text(
        "Status configuration portal", timeout=RENDERED
    )
    menu = page.locator("[role=menuitem]")
    expect(menu.filter(has_text="SelfCommunity").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert elsewhere(requests_made, live_server) == []
    assert any("/api/redoc/redoc.standalone.js?v=" in url for url in requests_made)
    # The attribution link stays; its logo, which came from Redocly's CDN, is left out.
    attribution = page.get_by_role("link", name="API docs by Redocly")
    expect(attribution).to_be_visible()
    expect(attribution.locator("img")).to_have_count(0)
    # The theme uses the system's fonts: none is downloaded.
    family = page.locator("h1").first.evaluate("e => getComputedStyle(e).fontFamily")
    assert "Montserrat" not in family and family.startswith("system-ui")


def test_redoc_menu_has_one_section_per_surface_in_product_order(page):
    page.goto("/api/redoc/")
    items = page.locator(".menu-content [role=menuitem] > label")
    expect(items.filter(has_text="OAuth2")).to_have_count(1, timeout=RENDERED)
    labels = [label.strip() for label in items.all_inner_texts()]
    sections = [label for label in labels if label in [*SURFACES, "OAuth2"]]
    assert sections == [*SURFACES, "OAuth2"]


def test_redoc_samples_show_real_values(page):
    page.goto("/api/redoc/#tag/LivePerson/operation/getStatusReason")
    sample = page.locator("[data-section-id='tag/LivePerson/operation/getStatusReason']")
    expect(sample).to_contain_text('"text": "Lunch"', timeout=RENDERED)
    expect(sample).to_contain_text('"order": 1')
    # No sample anywhere shows an integer's bound instead of a value, as `"order":
    # -9223372036854776000` did (a bare 64-bit integer, rounded by JavaScript).
    samples = " ".join(page.locator(".redoc-json").all_inner_texts())
    assert '"name": "Waiting on customer"' in samples
    assert "9223372036854776000" not in samples and "-2147483648" not in samples
    # Strings have real examples too; the one "string" left is an uploaded file's (binary).
    assert samples.count('"string"') == samples.count('"image": "string"')


def test_swagger_ui_sections_are_the_surfaces_in_product_order(page, requests_made, live_server):
    page.goto("/api/docs/")
    headings = page.locator(".opblock-tag-section h3")
    expect(headings.first).to_be_visible(timeout=RENDERED)
    names = [text.split("\n")[0].strip() for text in headings.all_inner_texts()]
    assert names[:4] == SURFACES
    page.wait_for_load_state("networkidle")
    assert elsewhere(requests_made, live_server) == []


def test_the_api_index_leads_to_each_surface_in_the_reference(page):
    page.goto("/api/")
    expect(page.get_by_role("heading", level=1)).to_have_text("APIs")
    sections = page.locator("main section h2")
    # Every surface of config/surfaces.py: the four of issue 14 in product order, OAuth2 last.
    texts = sections.all_inner_texts()
    assert texts == [surface.tag for surface in REGISTERED]
    assert [text for text in texts if text in SURFACES] == SURFACES and texts[-1] == "OAuth2"
    page.get_by_role("link", name="LivePerson in ReDoc").click()
    page.wait_for_url("**/api/redoc/#tag/LivePerson")
    section = page.locator("[data-section-id='tag/LivePerson'] h2").first
    expect(section).to_have_text("LivePerson", timeout=RENDERED)
    expect(section).to_be_in_viewport()


def test_the_api_index_links_the_contract_documents(page):
    page.goto("/api/")
    page.get_by_role("link", name="docs/contracts/rocketchat.md").click()
    page.wait_for_url("**/docs/contracts/rocketchat.md")
    expect(page.locator("body")).to_contain_text("Rocket.Chat")


def test_the_api_index_has_no_accessibility_violations(browser, live_server):
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    try:
        page = context.new_page()
        page.goto("/api/")
        assert audit(page, "api index", axe_installed()) == []
    finally:
        context.close()


def test_the_favicon_is_served_and_linked(page):
    response = page.request.get("/favicon.ico")
    assert response.ok and response.headers["content-type"] in {
        "image/x-icon",
        "image/vnd.microsoft.icon",
    }
    for path in ["/api/", "/api/redoc/", "/api/docs/"]:
        page.goto(path)
        icon = page.locator("link[rel=icon]").first.get_attribute("href")
        assert page.request.get(icon).ok, (path, icon)


def test_browsable_api_breadcrumbs_lead_to_the_api_index(login):
    page = login()
    page.goto("/api/v2/status/")
    crumbs = page.locator("ul.breadcrumb li")
    expect(crumbs).to_have_text(["API", "Status List"])
    expect(page.locator("body")).not_to_contain_text("Unknown Route")
    expect(page.locator(".navbar-brand")).to_have_text("Status configuration portal")
    crumbs.first.get_by_role("link").click()
    page.wait_for_url(re.compile(r"/api/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("APIs")
