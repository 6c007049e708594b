"""Issue client credentials, clicked in Chromium: from a user's page to the one page that
shows the secret, a token taken with it as Genesys Cloud's SDK does, and the client revoked
on the user's page."""

import pytest
from django.contrib.auth import get_user_model
from oauth2_provider.models import Application
from playwright.sync_api import expect
from PureCloudPlatformClientV2.api_client import ApiClient
from PureCloudPlatformClientV2.rest import ApiException


def test_a_manager_issues_client_credentials_and_revokes_them(login, live_server):
    agent = get_user_model().objects.create_user("agent", "agent@example.com", "agent-pass-123")
    page = login()
    page.goto(f"/admin/auth/user/{agent.pk}/change/")
    page.get_by_role("link", name="Issue client credentials").click()
    expect(page.locator("h1")).to_have_text("Issue client credentials")
    expect(page.locator("#content-main")).to_contain_text("acts as agent")
    page.get_by_label("Client name").fill("Genesys Cloud")
    page.get_by_role("button", name="Issue client credentials").click()

    expect(page.locator("h1")).to_have_text("New client credentials")
    client_id = page.locator("code.client-id").inner_text()
    secret = page.locator("code.client-secret").inner_text()
    expect(page.locator("#content-main")).to_contain_text(f"POST {live_server.url}/oauth/token")
    sdk = ApiClient(host=live_server.url).get_client_credentials_token(client_id, secret)
    assert sdk.access_token

    # Shown once: the page the "Done" button leads back to lists the client, not the secret.
    page.get_by_role("link", name="Done").click()
    page.wait_for_url(f"**/admin/auth/user/{agent.pk}/change/")
    clients = page.locator("#oauth2_provider_application-group")
    expect(clients).to_contain_text(f"Genesys Cloud ({client_id})")
    expect(page.locator("body")).not_to_contain_text(secret)

    clients.get_by_role("checkbox").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_be_visible()
    assert not Application.objects.exists()
    with pytest.raises(ApiException) as refused:
        ApiClient(host=live_server.url).get_client_credentials_token(client_id, secret)
    assert refused.value.status == 401
