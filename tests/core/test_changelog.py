"""The change log (core/changelog.py, issue 25 item 3): every history table on one admin page,
with who, when, what, through which product and old → new; its filters, keyset pages,
permissions and account scope, its query count; and the sources the history records."""

import base64
import html
import re
from urllib.parse import unquote

import pytest
from django.test import Client
from django.urls import reverse
from oauth2_provider.models import Application
from rest_framework.test import APIClient

from access.services import api_key_issue
from community.models import Category
from core import changelog
from reasons.models import AccountBearer, StatusReason
from statuses.models import ConversationStatus
from tests.factories import AccountFactory, StatusReasonFactory, UserFactory

URL = "/admin/changelog/"
REASONS = "/api/account/{}/configuration/le-agents/status-reasons?v=1"


def rows(response):
    """(type, object, who, source) of each row of the change log's page."""
    page = response.content.decode()
    found = []
    for row in re.findall(r'<tr data-type="([^"]+)">(.*?)</tr>', page, re.S):
        kind, body = row
        cells = dict(re.findall(r'<td class="(\w+)"[^>]*>(.*?)</td>', body, re.S))
        text = {
            name: " ".join(html.unescape(re.sub(r"<[^>]+>", " ", value)).split())
            for name, value in cells.items()
        }
        actor = re.search(r'class="actor"[^>]*>(.*?)</', cells["who"]).group(1)
        found.append((kind, text["object"], actor, text["source"], text["delta"]))
    return found


def staff(*perms, **kwargs):
    user = UserFactory(perms=list(perms), is_staff=True, **kwargs)
    client = Client()
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def changes(db, lp_login, sc_login):
    """Changes through the admin, the Libredesk, LivePerson and SelfCommunity APIs."""
    manager = staff(is_superuser=True, username="manager")
    # The admin: a conversation status added, then renamed.
    manager.post(
        reverse("admin:statuses_conversationstatus_add"),
        {"name": "Waiting", "status_category": "pending", "active": "on"},
    )
    status = ConversationStatus.objects.get(name="Waiting")
    # Libredesk: renamed with an API key.
    agent = UserFactory(username="agent", perms=["statuses.change_conversationstatus"])
    issued = api_key_issue(user=agent, actor=agent)
    api = APIClient()
    pair = f"{issued.api_key}:{issued.api_secret}".encode()
    api.credentials(HTTP_AUTHORIZATION="Basic " + base64.b64encode(pair).decode())
    reply = api.put(
        f"/api/v1/statuses/{status.pk}",
        {"name": "Waiting on customer", "category": "waiting"},
        format="json",
    )
    assert reply.status_code == 200, reply.content
    # LivePerson: a reason in acme, one in globex.
    acme = lp_login("acme", username="acme-agent")
    assert (
        acme.post(
            REASONS.format("acme"), {"text": "Lunch", "state": "Away"}, format="json"
        ).status_code
        == 200
    )
    globex = lp_login("globex", username="globex-agent")
    assert (
        globex.post(
            REASONS.format("globex"), {"text": "Break", "state": "Away"}, format="json"
        ).status_code
        == 200
    )
    # SelfCommunity: a category with an OAuth2 token of the application "tests".
    community = sc_login("community.add_category", username="moderator")
    reply = community.post("/api/v2/category/", {"name": "News"}, format="json")
    assert reply.status_code == 201, reply.content
    return manager


def test_one_page_across_every_history_with_who_what_and_through_which_product(changes):
    response = changes.get(URL)
    assert response.status_code == 200
    found = rows(response)
    assert [(row[0], row[2], row[3]) for row in found] == [
        ("community.category", "moderator", "SelfCommunity"),
        ("reasons.statusreason", "globex-agent", "LivePerson"),
        ("reasons.statusreason", "acme-agent", "LivePerson"),
        ("statuses.conversationstatus", "agent", "Libredesk"),
        ("statuses.conversationstatus", "manager", "Admin"),
    ]
    assert [row[1] for row in found] == [
        "News Category",
        "Break Status reason",
        "Lunch Status reason",
        "Waiting on customer Conversation status",
        "Waiting Conversation status",
    ]
    # old → new, as the object's history shows it.
    assert "name: Waiting → Waiting on customer" in found[3][4]
    assert found[4][4] == "Created"
    html = response.content.decode()
    status = ConversationStatus.objects.get(name="Waiting on customer")
    assert reverse("admin:statuses_conversationstatus_history", args=[status.pk]) in html
    version = status.history.order_by("history_date").first()
    assert (
        reverse("admin:statuses_conversationstatus_simple_history", args=[status.pk, version.pk])
        in html
    )
    # The credential an API client used, never its secret.
    assert "with application “tests”" in html
    bearer = re.search(r"acme-agent</a><span class=\"quiet\">with ([^<]+)</span>", html)
    used = AccountBearer.objects.get(user__username="acme-agent")
    assert bearer and bearer.group(1).endswith(f"#{used.pk}"), bearer


def test_history_rows_record_the_source_and_credential(changes):
    category = Category.objects.get(name="News").history.get()
    application = Application.objects.get(name="tests")
    assert category.history_source == "SelfCommunity"
    assert category.history_credential == f"oauth2_provider.application#{application.pk}"
    reason = StatusReason.objects.get(text="Lunch").history.get()
    assert reason.history_source == "LivePerson"
    assert re.fullmatch(r"reasons\.\w+#\d+", reason.history_credential)
    admin_row = ConversationStatus.history.order_by("history_date").first()
    assert (admin_row.history_source, admin_row.history_credential) == ("admin", "")


def test_filters_by_person_product_type_and_dates(changes):
    agent = changes.get(URL, {"user": UserFactory._meta.model.objects.get(username="agent").pk})
    assert [row[2] for row in rows(agent)] == ["agent"]
    liveperson = changes.get(URL, {"source": "LivePerson"})
    assert {row[3] for row in rows(liveperson)} == {"LivePerson"}
    assert len(rows(liveperson)) == 2
    admin = changes.get(URL, {"source": "admin"})
    assert [row[3] for row in rows(admin)] == ["Admin"]
    categories = changes.get(URL, {"type": "community.category"})
    assert [row[0] for row in rows(categories)] == ["community.category"]
    assert rows(changes.get(URL, {"until": "2000-01-01"})) == []
    assert len(rows(changes.get(URL, {"since": "2000-01-01"}))) == 5
    # The person filter offers the staff; an API client's user is picked from a row, whose
    # name links to the log filtered by them.
    page = changes.get(URL).content.decode()
    offered = re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', page)
    assert "manager" in offered and "agent" not in offered
    agent_id = UserFactory._meta.model.objects.get(username="agent").pk
    assert f'<a class="actor" href="?user={agent_id}"' in page
    chosen = changes.get(URL, {"user": agent_id}).content.decode()
    assert f'<option value="{agent_id}" selected>agent</option>' in chosen
    refused = changes.get(URL, {"since": "yesterday", "user": "x" * 40, "after": "nonsense"})
    assert refused.status_code == 200
    assert "Enter a date as YYYY-MM-DD." in refused.content.decode()


def test_pages_follow_a_cursor_without_gaps_or_repeats(changes, monkeypatch):
    monkeypatch.setattr(changelog, "PAGE_SIZE", 2)
    seen, query = [], {}
    for _page in range(4):
        response = changes.get(URL, query)
        page = rows(response)
        seen += page
        match = re.search(r'href="\?([^"]*after=[^"]*)" rel="next"', response.content.decode())
        if not match:
            break
        pairs = html.unescape(match.group(1)).split("&")
        query = {key: unquote(value) for key, value in (pair.split("=", 1) for pair in pairs)}
    assert len(seen) == 5
    monkeypatch.setattr(changelog, "PAGE_SIZE", 50)
    assert seen == rows(changes.get(URL))


def test_rows_follow_the_view_permission_and_the_accounts_of_a_member(changes):
    # A member of acme who may view reasons, not categories nor statuses.
    member = staff("reasons.view_statusreason", username="acme-viewer")
    AccountFactory(id="acme").members.add(member.user)
    found = rows(member.get(URL))
    assert [(row[0], row[2]) for row in found] == [("reasons.statusreason", "acme-agent")]
    html = member.get(URL).content.decode()
    assert 'value="community.category"' not in html  # the type filter offers what it may see
    # A type it may not see, asked for by name, shows nothing.
    assert rows(member.get(URL, {"type": "community.category"})) == []
    # A user with no view permission at all sees an empty log.
    assert rows(staff(username="nobody").get(URL)) == []


def test_a_deleted_object_keeps_its_rows(changes):
    category = Category.objects.get(name="News")
    pk = category.pk
    category.delete()
    found = rows(changes.get(URL, {"type": "community.category"}))
    assert [row[4] for row in found] == ["Deleted", "Created"]
    assert reverse("admin:community_category_history", args=[pk])


def test_the_query_count_does_not_grow_with_the_page_size(
    changes, monkeypatch, django_assert_num_queries
):
    """Pinned: the session, its user and their time zone (3), the page's keys in one UNION
    ALL (1), then per table on the page its rows and their previous versions (2 x 3), and
    the person filter's users (1). A superuser's permissions need no query."""
    # Three tables on every page, whatever its size: their changes (renames) interleave.
    account = AccountFactory(id="initech")
    for number in range(20):
        for obj in (
            ConversationStatus.objects.create(
                name=f"Status {number}", status_category="open", category="open"
            ),
            StatusReasonFactory(account=account, text=f"Reason {number}"),
            Category.objects.create(name=f"Category {number}", slug=f"category-{number}"),
        ):
            field = "text" if isinstance(obj, StatusReason) else "name"
            setattr(obj, field, f"{getattr(obj, field)} renamed")
            obj.save()
    changes.get(URL)  # the session's first read
    for size in (6, 45):
        monkeypatch.setattr(changelog, "PAGE_SIZE", size)
        with django_assert_num_queries(11):
            response = changes.get(URL)
        found = rows(response)
        assert len(found) == size
        assert " renamed" in found[0][4]  # old → new, read from the previous version
        assert {row[0] for row in found} == {
            "statuses.conversationstatus",
            "reasons.statusreason",
            "community.category",
        }


def test_a_revert_is_recorded_as_reverted_to_its_version(changes):
    status = ConversationStatus.objects.get(name="Waiting on customer")
    first = status.history.order_by("history_date").first()
    url = reverse("admin:statuses_conversationstatus_simple_history", args=[status.pk, first.pk])
    form = changes.get(url)
    assert form.status_code == 200
    reply = changes.post(
        url, {"name": "Waiting", "status_category": "pending", "active": "on", "_save": "Save"}
    )
    assert reply.status_code == 302, reply.content
    latest = status.history.latest()
    assert latest.name == "Waiting"
    assert re.fullmatch(r"Reverted to .+ version", latest.history_change_reason)
    assert latest.history_source == "admin"
    assert latest.history_change_reason in changes.get(URL).content.decode()


def test_the_dashboard_links_to_the_change_log(changes):
    assert f'href="{URL}"' in changes.get("/admin/").content.decode()
