"""Giving a colleague access, clicked in Chromium: the user page shows the roles first with
what each allows; ticking "Status managers" and saving turns the colleague's API key's 403
on a write into a create; the key's page says what the key may do (access/roles.py)."""

import json
import urllib.error
import urllib.request

from playwright.sync_api import expect

from access import roles
from access.services import api_key_issue
from tests.factories import UserFactory


def create_status(live_server, issued, name):
    """POST /api/v1/statuses over HTTP with the key, as a Libredesk client sends it."""
    request = urllib.request.Request(  # noqa: S310  the live server's http URL
        f"{live_server.url}/api/v1/statuses",
        data=json.dumps({"name": name, "category": "open"}).encode(),
        headers={
            "Authorization": f"token {issued.api_key}:{issued.api_secret}",
            "Content-Type": "application/json",
        },
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_a_manager_gives_a_colleague_the_status_managers_role(login, live_server):
    colleague = UserFactory(username="colleague")
    issued = api_key_issue(user=colleague, actor=colleague)
    status, body = create_status(live_server, issued, "Escalated")
    assert status == 403, body

    page = login()
    page.goto(f"/admin/auth/user/{colleague.pk}/change/")
    headings = page.locator("#content-main fieldset h2").all_inner_texts()
    assert headings[0].strip().lower() == "roles", headings
    roles_box = page.locator("fieldset", has=page.get_by_role("heading", name="Roles"))
    for role in roles.ROLES:
        expect(roles_box).to_contain_text(f"{role.name}: {role.explanation}")
    # The single permissions come after, folded away.
    expect(page.locator("#id_user_permissions_from")).to_be_hidden()

    page.get_by_label("Status managers").check()
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    status, body = create_status(live_server, issued, "Escalated")
    assert status == 200, body  # Libredesk answers a create with 200 and the status
    assert body["data"]["name"] == "Escalated"

    page.goto(f"/admin/access/apikey/{issued.record.pk}/change/")
    libredesk = page.locator(".key-access-surfaces li[data-surface=Libredesk]")
    expect(libredesk).to_have_text(
        "Libredesk: read, write conversation statuses (add, change, delete)"
    )
    expect(page.locator(".key-access-others li[data-surface='Rocket.Chat']")).to_contain_text(
        "read, write custom user statuses (add, change, delete)"
    )
    expect(page.locator(".key-access-no-write")).to_have_count(0)

    # A new key's reply, the one page with its secret, says the same.
    page.goto(f"/admin/auth/user/{colleague.pk}/change/")
    page.click("button.generate-api-key")
    page.click("input[type=submit][value='Yes, generate API key']")
    expect(page.locator("code.api-secret")).to_be_visible()
    reply = page.locator(".issued-key-access")
    expect(reply.get_by_role("heading")).to_have_text("What colleague\u2019s key may do")
    expect(reply.locator(".key-access-surfaces li[data-surface=Libredesk]")).to_have_text(
        "Libredesk: read, write conversation statuses (add, change, delete)"
    )


def test_a_key_without_a_role_says_why_a_write_is_refused(login):
    colleague = UserFactory(username="newcomer")
    issued = api_key_issue(user=colleague, actor=colleague)
    page = login()
    page.goto(f"/admin/access/apikey/{issued.record.pk}/change/")
    expect(page.locator(".key-access-surfaces li[data-surface=Libredesk]")).to_have_text(
        "Libredesk: read"
    )
    expect(page.locator(".key-access-no-write")).to_contain_text("refused (403 Forbidden)")
    expect(page.locator(".key-access-no-write")).to_contain_text("Status managers")
