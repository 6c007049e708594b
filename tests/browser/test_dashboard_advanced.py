"""The admin home's Advanced heading, in Chromium: the technical models (sign-in attempts,
OAuth2 tokens, bearers, member profiles) are listed under it for a superuser, and not at
all for a manager who is no superuser (core.dashboard.split_advanced)."""

from django.contrib.auth.models import Group
from playwright.sync_api import expect

TECHNICAL = ["Access attempts", "OAuth2 refresh tokens", "bearers", "member profiles"]


def test_a_superuser_sees_the_technical_models_under_advanced(login):
    page = login()
    advanced = page.locator("section.advanced-models")
    expect(advanced.get_by_role("heading", name="Advanced")).to_be_visible()
    for name in TECHNICAL:
        expect(advanced.get_by_role("link", name=name, exact=False).first).to_be_visible()
    # Not in the everyday list above it.
    everyday = page.locator("#content-main > .app-list, #content-main > div.module")
    expect(everyday.get_by_role("link", name="OAuth2 refresh tokens")).to_have_count(0)
    expect(page.locator("#content-main > div.module").first).to_be_visible()


def test_a_manager_who_is_no_superuser_has_no_advanced_heading(page, django_user_model):
    colleague = django_user_model.objects.create_user(
        "colleague", "colleague@example.com", "colleague-pass-123", is_staff=True
    )
    colleague.groups.add(Group.objects.get(name="Contact-centre managers"))
    page.goto("/admin/login/")
    page.fill("#id_username", "colleague")
    page.fill("#id_password", "colleague-pass-123")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    expect(page.get_by_role("heading", name="Everything")).to_be_visible()
    expect(page.get_by_role("heading", name="Advanced")).to_have_count(0)
    expect(page.get_by_role("link", name="Status reasons", exact=False).first).to_be_visible()
    for name in TECHNICAL:
        expect(page.locator("#content-main").get_by_text(name, exact=False)).to_have_count(0)
