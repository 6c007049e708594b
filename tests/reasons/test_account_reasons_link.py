"""Issue 25 item 11: an account's page links to the reasons list filtered to that account
(where its reasons are edited), and the accounts list's reason count links there too."""

import html as html_lib
import re

import pytest

from tests.factories import AccountFactory, StatusReasonFactory

pytestmark = pytest.mark.django_db


def test_the_account_page_links_to_its_reasons(admin_client):
    acme, globex = AccountFactory(id="acme"), AccountFactory(id="globex")
    StatusReasonFactory(account=acme, text="Lunch", order=1)
    StatusReasonFactory(account=globex, text="Secret", order=1)
    html = admin_client.get("/admin/reasons/account/acme/change/").content.decode()
    link = re.search(r'class="account-reasons-link" href="([^"]+)"', html).group(1)
    link = html_lib.unescape(link)
    assert link == "/admin/reasons/statusreason/?account__id__exact=acme"
    listed = admin_client.get(link).context["cl"].result_list
    assert [reason.text for reason in listed] == ["Lunch"]
    deleted = html_lib.unescape(
        re.search(r'class="account-deleted-reasons-link" href="([^"]+)"', html).group(1)
    )
    assert deleted == "/admin/reasons/statusreason/?account__id__exact=acme&deleted=1"
    assert admin_client.get(deleted).status_code == 200


def test_the_add_page_has_no_link(admin_client):
    html = admin_client.get("/admin/reasons/account/add/").content.decode()
    assert "account-reasons-link" not in html


def test_the_accounts_list_count_links_to_the_reasons(admin_client):
    StatusReasonFactory(account=AccountFactory(id="acme"), text="Lunch", order=1)
    html = html_lib.unescape(admin_client.get("/admin/reasons/account/").content.decode())
    assert 'href="/admin/reasons/statusreason/?account__id__exact=acme&deleted=all"' in html
