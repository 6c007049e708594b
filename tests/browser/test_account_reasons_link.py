"""Issue 25 item 11 in Chromium: from an account's page, one click opens the reasons list
filtered to that account, where its reasons are edited."""

import re

from playwright.sync_api import expect

from reasons.models import Account, StatusReason


def test_the_account_page_link_opens_its_reasons(login, manager):
    acme = Account.objects.create(pk="acme", name="Acme")
    globex = Account.objects.create(pk="globex", name="Globex")
    acme.members.add(manager)
    StatusReason.objects.create(account=acme, text="Lunch", state="Away", order=1)
    StatusReason.objects.create(account=acme, text="Training", state="Away", order=2)
    StatusReason.objects.create(account=globex, text="Secret", state="Away", order=1)
    page = login()
    page.goto("/admin/reasons/account/")
    page.get_by_role("link", name="acme", exact=True).click()
    page.get_by_role("link", name="Edit and reorder the reasons of this account").click()
    expect(page).to_have_url(re.compile(r"/admin/reasons/statusreason/\?account__id__exact=acme$"))
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator("#result_list")).not_to_contain_text("Secret")
    # The filter says which account is shown.
    expect(page.locator("#changelist-filter li.selected", has_text="Acme")).to_be_visible()
