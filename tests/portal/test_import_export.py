"""Import and export in the admin: the examples load, bad rows are named, nothing half-written."""

import csv
import io
import json
import re

import pytest

from reasons.models import Account, StatusReason
from statuses.models import ConversationStatus, UserStatus
from tests.factories import AccountFactory, StatusReasonFactory
from tests.portal.admin_import import confirm, import_file, preview

pytestmark = pytest.mark.django_db

CONVERSATION = "/admin/statuses/conversationstatus/"
USER_STATUS = "/admin/statuses/userstatus/"
REASONS = "/admin/reasons/statusreason/"


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_conversation_status_examples_import(admin_client, admin_user, fmt):
    import_file(admin_client, CONVERSATION, f"conversation-statuses.{fmt}")
    created = ConversationStatus.objects.filter(is_default=False).order_by("name")
    assert [(s.name, s.category) for s in created] == [
        ("Awaiting customer", "waiting"),
        ("Escalated", "open"),
        ("Pending", "waiting"),
        ("Solved by agent", "resolved"),
    ]
    record = ConversationStatus.history.filter(name="Pending").first()
    assert record.history_type == "+" and record.history_user == admin_user


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_user_status_examples_import(admin_client, fmt):
    import_file(admin_client, USER_STATUS, f"custom-user-statuses.{fmt}")
    assert sorted(UserStatus.objects.values_list("name", "status_type")) == [
        ("Commuting", "offline"),
        ("Focus time", "busy"),
        ("In a meeting", "busy"),
        ("Lunch", "away"),
    ]
    assert all(len(pk) == 17 for pk in UserStatus.objects.values_list("pk", flat=True))


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_reason_examples_import_through_services(admin_client, fmt):
    AccountFactory(id="acme")
    import_file(admin_client, REASONS, f"status-reasons.{fmt}")
    reasons = StatusReason.objects.filter(account_id="acme").order_by("order")
    assert [(r.text, r.state, r.enabled, r.order) for r in reasons] == [
        ("Lunch", "Away", True, 1),
        ("Training", "Away", True, 2),
        ("Coaching", "Occupied", True, 3),
        ("After-call work", "Occupied", False, 4),
    ]
    assert Account.objects.get(pk="acme").revision == 4  # one service write per row


def test_reimporting_the_export_changes_nothing(admin_client):
    AccountFactory(id="acme")
    import_file(admin_client, REASONS, "status-reasons.csv")
    exported = admin_client.post(
        f"{REASONS}export/",
        {
            "format": "0",
            "resource": "0",
            **{
                f"statusreasonresource_{name}": "on"
                for name in ["id", "account", "text", "state", "enabled", "order", "deleted"]
            },
        },
    )
    assert exported.status_code == 200
    response = preview(admin_client, REASONS, "again.csv", exported.content, "csv")
    assert response.status_code == 200
    confirm(admin_client, REASONS, response)
    assert StatusReason.objects.count() == 4
    assert Account.objects.get(pk="acme").revision == 4  # unchanged rows are skipped


@pytest.mark.parametrize(
    ("admin_path", "content", "row_message"),
    [
        (
            CONVERSATION,
            "name,category\nFine one,open\nBroken,closed\nAnother fine,waiting\n",
            "closed",
        ),
        (
            CONVERSATION,
            "name,category\nFine one,open\nSNOOZED,waiting\n",
            "Cannot update default conversation status",
        ),
        (
            USER_STATUS,
            "name,status_type\nFine one,busy\nBad <name>,busy\n",
            "Bad &lt;name&gt; is not a valid name",
        ),
        (
            USER_STATUS,
            "name,status_type\nFine one,busy\nOther,Busy\n",
            "Busy is not a valid status type",
        ),
        (
            REASONS,
            "account,text,state,enabled,order\nacme,Fine,Away,true,1\nacme,Bad,Sleeping,true,2\n",
            "state must be one of Online, Occupied, Away",
        ),
        (
            REASONS,
            "account,text,state,enabled,order\nacme,Fine,Away,true,1\nnowhere,Lost,Away,true,2\n",
            "Unknown account",
        ),
    ],
)
def test_one_bad_row_is_named_and_nothing_is_written(
    admin_client, admin_path, content, row_message
):
    AccountFactory(id="acme")
    before = (
        ConversationStatus.objects.count(),
        UserStatus.objects.count(),
        StatusReason.objects.count(),
        Account.objects.get(pk="acme").revision,
    )
    response = preview(admin_client, admin_path, "bad.csv", content, "csv")
    html = response.content.decode()
    assert response.status_code == 200
    assert row_message in html
    assert 'name="import_file_name"' not in html  # no way to confirm
    # The preview's table names the second data row as the bad one, with the message.
    bad_rows = re.findall(r"<tr>\s*<td>\s*(\d+)\s*</td>\s*<td class=\"errors\">", html)
    assert bad_rows == ["2"]
    after = (
        ConversationStatus.objects.count(),
        UserStatus.objects.count(),
        StatusReason.objects.count(),
        Account.objects.get(pk="acme").revision,
    )
    assert after == before


@pytest.mark.parametrize(("fmt", "parse"), [("0", None), ("1", json.loads)])
def test_export_csv_and_json(admin_client, fmt, parse):
    StatusReasonFactory(account=AccountFactory(id="acme"), text="Lunch")
    response = admin_client.post(
        f"{REASONS}export/",
        {
            "format": fmt,
            "resource": "0",
            **{f"statusreasonresource_{name}": "on" for name in ["account", "text", "state"]},
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    if parse:
        assert parse(body) == [{"account": "acme", "text": "Lunch", "state": "Away"}]
    else:
        assert body.splitlines() == ["account,text,state", "acme,Lunch,Away"]


def test_csv_export_cells_never_run_as_spreadsheet_formulas(admin_client):
    account = AccountFactory(id="acme")
    risky = ["=cmd|' /C calc'!A0", "==1+1", "+1+1", "-2+3", "@SUM(A1)", "\t=1"]
    for n, text in enumerate(risky):
        StatusReasonFactory(account=account, text=text, order=-5 - n)
    response = admin_client.post(
        f"{REASONS}export/",
        {
            "format": "0",
            "resource": "0",
            **{f"statusreasonresource_{name}": "on" for name in ["text", "order"]},
        },
    )
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))[1:]
    texts = {row[0] for row in rows}
    assert texts == {"'" + text for text in risky}
    assert {row[1] for row in rows} == {str(-5 - n) for n in range(len(risky))}  # numbers


def test_json_export_keeps_values_as_they_are(admin_client):
    StatusReasonFactory(account=AccountFactory(id="acme"), text="=cmd", order=-1)
    response = admin_client.post(
        f"{REASONS}export/",
        {
            "format": "1",
            "resource": "0",
            **{f"statusreasonresource_{name}": "on" for name in ["text", "order"]},
        },
    )
    assert json.loads(response.content) == [{"text": "=cmd", "order": "-1"}]
