"""The per-client PKCE choice on an OAuth2 client app's admin page, clicked in Chromium: a
confidential client may turn it off, a public one is refused (access/pkce.py)."""

from oauth2_provider.models import Application
from playwright.sync_api import expect

from access.pkce import pkce_choice, pkce_required


def client_app(client_type):
    return Application.objects.create(
        name=f"{client_type.title()} app",
        client_type=client_type,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris="https://client.example/callback",
    )


def test_a_manager_turns_pkce_off_for_a_confidential_client_only(login):
    confidential = client_app(Application.CLIENT_CONFIDENTIAL)
    public = client_app(Application.CLIENT_PUBLIC)
    page = login()

    page.goto(f"/admin/access/oauthclientapp/{confidential.pk}/change/")
    box = page.get_by_label("Require PKCE")
    expect(box).to_be_checked()
    box.uncheck()
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert pkce_choice(confidential) is False
    assert pkce_required(confidential.client_id) is False
    page.goto(f"/admin/access/oauthclientapp/{confidential.pk}/change/")
    expect(page.get_by_label("Require PKCE")).not_to_be_checked()

    page.goto(f"/admin/access/oauthclientapp/{public.pk}/change/")
    page.get_by_label("Require PKCE").uncheck()
    page.click("input[name=_save]")
    expect(page.locator(".errorlist").first).to_contain_text(
        "A public client has no secret: it must always use PKCE."
    )
    assert pkce_choice(public) is True
    assert pkce_required(public.client_id) is True
