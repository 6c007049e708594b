"""Import and export in the admin: the examples load, bad rows are named, nothing half-written."""

import csv
import html as html_lib
import io
import json
import re

import pytest

from community.models import Category
from reasons.models import Account, StatusReason
from statuses.models import ConversationStatus, UserStatus
from tests.factories import AccountFactory, StatusReasonFactory
from tests.portal.admin_import import EXAMPLES, confirm, import_file, preview

pytestmark = pytest.mark.django_db


def _text(fragment):
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def refused_rows(html):
    """(line, [message, ...]) of each refused row of a preview, as a manager reads them."""
    return [
        (line, [_text(item) for item in re.findall(r"<li>(.*?)</li>", errors, re.S)])
        for line, errors in re.findall(
            r'<tbody class="invalid-row">\s*<tr>\s*<th scope="row">(\d+)</th>.*?'
            r'<tr class="import-row-errors">(.*?)</tr>',
            html,
            re.S,
        )
    ]


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
            "category must be one of open, waiting, resolved",
        ),
        (
            CONVERSATION,
            "name,category\nFine one,open\nSNOOZED,waiting\n",
            "A default conversation status cannot be changed.",
        ),
        (
            USER_STATUS,
            "name,status_type\nFine one,busy\nBad <name>,busy\n",
            "A name cannot contain < or >.",
        ),
        (
            USER_STATUS,
            "name,status_type\nFine one,busy\nOther,Busy\n",
            "status_type must be one of online, away, busy, offline",
        ),
        (
            USER_STATUS,
            "name,status_type\nFine one,busy\nOther,\n",
            "The status type is required.",
        ),
        (
            REASONS,
            "account,text,state,enabled,order\nacme,Fine,Away,true,1\nacme,Bad,Sleeping,true,2\n",
            "state must be one of Online, Occupied, Away",
        ),
        (
            REASONS,
            "account,text,state,enabled,order\nacme,Fine,Away,true,1\nnowhere,Lost,Away,true,2\n",
            "account: Unknown account 'nowhere'",
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
    assert 'name="import_file_name"' not in html  # no way to confirm
    # The second data row is the bad one: the file's line 3 (the header is line 1), with
    # the reason as text under it.
    assert refused_rows(html) == [("3", [f"Line 3: {row_message}"])]
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
    # Deleted reasons: the order exported is the one each keeps (a live reason's is its
    # position, 1..N: issue 26), so that negative numbers are exported too.
    for n, text in enumerate(risky):
        StatusReasonFactory(account=account, text=text, order=-5 - n, deleted=True)
    response = admin_client.post(
        f"{REASONS}export/?deleted=all",
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
    # Deleted: it keeps its order, a negative number (a live reason's is its position).
    StatusReasonFactory(account=AccountFactory(id="acme"), text="=cmd", order=-1, deleted=True)
    response = admin_client.post(
        f"{REASONS}export/?deleted=all",
        {
            "format": "1",
            "resource": "0",
            **{f"statusreasonresource_{name}": "on" for name in ["text", "order"]},
        },
    )
    assert json.loads(response.content) == [{"text": "=cmd", "order": -1}]


# --- the preview a manager reads (issue 14, item 8) -----------------------------------------

CATEGORY = "/admin/community/category/"
REASON_COLUMNS = ["id", "account", "text", "state", "enabled", "order", "deleted"]


def preview_rows(html):
    """{line: {column: cell text}} of a preview's table of valid rows, and the raw cells."""
    table = html[html.index("<h2>Preview</h2>") :]
    headers = re.findall(r'<th scope="col">(.*?)</th>', table[: table.index("</thead>")])
    rows = {}
    for line, cells in re.findall(
        r'<tr class="\w+">\s*<th scope="row">(\d*)</th>(.*?)</tr>', table, re.S
    ):
        values = re.findall(r"<td[^>]*>(.*?)</td>", cells, re.S)
        rows[line] = dict(zip(headers[1:], values, strict=True))
    return rows


def test_a_changed_value_shows_old_and_new_apart(admin_client):
    # Lunch is the 50th of 50 (issue 26: a live reason's order is its position).
    account = AccountFactory(id="acme")
    StatusReasonFactory.create_batch(49, account=account)
    StatusReasonFactory(account=account, text="Lunch", state="Away", enabled=True)
    content = "account,text,state,enabled,order\nacme,Lunch,Away,false,2\n"
    html = preview(admin_client, REASONS, "r.csv", content, "csv").content.decode()
    row = preview_rows(html)["2"]
    assert _text(row["Action"]) == "Update"
    for column, old, new in [("order", "50", "2"), ("enabled", "yes", "no")]:
        cell = row[column]
        assert re.fullmatch(
            rf'<del class="import-old"><span class="visually-hidden">was: </span>{old}</del>'
            r'<span class="import-arrow" aria-hidden="true"> → </span>'
            rf'<ins class="import-new"><span class="visually-hidden">, now: </span>{new}</ins>',
            cell,
        ), cell
        assert _text(cell) == f"was: {old} → , now: {new}"  # never "502" or "10"
    assert (row["text"], row["state"], row["deleted"]) == ("Lunch", "Away", "no")


def test_an_emptied_value_says_so(admin_client):
    import_file(admin_client, CATEGORY, "categories.csv")
    content = (
        "name,slug,slogan,order,active,content_only_staff,parents\nProduct,product,,1,yes,no,\n"
    )
    html = preview(admin_client, CATEGORY, "c.csv", content, "csv").content.decode()
    assert _text(preview_rows(html)["2"]["slogan"]) == (
        "was: Everything about the product → , now: empty"
    )


@pytest.mark.parametrize(
    ("admin_path", "example", "boolean_columns"),
    [
        (REASONS, "status-reasons.csv", ["enabled", "deleted"]),
        (CATEGORY, "categories.json", ["active", "content_only_staff"]),
    ],
)
def test_booleans_read_yes_or_no_in_the_preview(admin_client, admin_path, example, boolean_columns):
    AccountFactory(id="acme")
    path = EXAMPLES / example
    html = preview(admin_client, admin_path, path.name, path.read_bytes(), path.suffix[1:])
    rows = preview_rows(html.content.decode())
    assert len(rows) == 4
    for row in rows.values():
        assert {column: row[column] for column in boolean_columns}.keys() == set(boolean_columns)
        assert all(row[column] in {"yes", "no"} for column in boolean_columns), row


@pytest.mark.parametrize(
    ("cell", "enabled"),
    [
        ("yes", True),
        ("NO", False),
        ("true", True),
        ("False", False),
        ("1", True),
        ("0", False),
        (" Yes ", True),
    ],
)
def test_import_reads_the_common_boolean_spellings(admin_client, cell, enabled):
    AccountFactory(id="acme")
    content = f"account,text,state,enabled,order\nacme,Lunch,Away,{cell},1\n"
    confirm(admin_client, REASONS, preview(admin_client, REASONS, "r.csv", content, "csv"))
    assert StatusReason.objects.get(text="Lunch").enabled is enabled


def test_json_booleans_import(admin_client):
    AccountFactory(id="acme")
    content = json.dumps(
        [
            {"account": "acme", "text": "Lunch", "state": "Away", "enabled": False},
            {"account": "acme", "text": "Training", "state": "Away", "enabled": "yes"},
        ]
    )
    confirm(admin_client, REASONS, preview(admin_client, REASONS, "r.json", content, "json"))
    assert dict(StatusReason.objects.values_list("text", "enabled")) == {
        "Lunch": False,
        "Training": True,
    }


def test_an_unknown_boolean_is_refused_not_read_as_no(admin_client):
    AccountFactory(id="acme")
    content = "account,text,state,enabled,order\nacme,Lunch,Away,maybe,1\n"
    html = preview(admin_client, REASONS, "r.csv", content, "csv").content.decode()
    assert refused_rows(html) == [
        ("2", ["Line 2: enabled must be one of yes, no, true, false, 1, 0"])
    ]
    assert not StatusReason.objects.exists()


def export(client, admin_path, resource, columns, fmt):
    response = client.post(
        f"{admin_path}export/",
        {"format": fmt, "resource": "0", **{f"{resource}_{name}": "on" for name in columns}},
    )
    assert response.status_code == 200
    return response.content.decode()


def test_export_writes_one_boolean_format_and_reads_it_back(admin_client):
    account = AccountFactory(id="acme")
    StatusReasonFactory(account=account, text="Lunch", enabled=True)
    StatusReasonFactory(account=account, text="Training", enabled=False)
    exported_csv = export(admin_client, REASONS, "statusreasonresource", REASON_COLUMNS, "0")
    rows = list(csv.DictReader(io.StringIO(exported_csv)))
    assert {(r["text"], r["enabled"], r["deleted"]) for r in rows} == {
        ("Lunch", "true", "false"),
        ("Training", "false", "false"),
    }
    exported_json = json.loads(
        export(admin_client, REASONS, "statusreasonresource", REASON_COLUMNS, "1")
    )
    assert {(r["text"], r["enabled"], r["deleted"]) for r in exported_json} == {
        ("Lunch", True, False),
        ("Training", False, False),
    }
    assert all(isinstance(r["id"], int) and isinstance(r["order"], int) for r in exported_json)
    # Both files read back as they are: nothing changes.
    for name, content, fmt in [("a.csv", exported_csv, "csv"), ("a.json", exported_json, "json")]:
        body = content if isinstance(content, str) else json.dumps(content)
        html = preview(admin_client, REASONS, name, body, fmt).content.decode()
        assert 'name="import_file_name"' in html, name
        assert {_text(row["Action"]) for row in preview_rows(html).values()} == {"Unchanged"}


def test_category_export_matches_the_examples_shape(admin_client):
    import_file(admin_client, CATEGORY, "categories.json")
    columns = ["name", "slug", "slogan", "order", "active", "content_only_staff", "parents"]
    exported = json.loads(export(admin_client, CATEGORY, "categoryresource", columns, "1"))
    examples = json.loads((EXAMPLES / "categories.json").read_text())
    assert sorted(exported, key=lambda c: c["name"]) == sorted(examples, key=lambda c: c["name"])


@pytest.mark.parametrize(
    ("admin_path", "content", "message"),
    [
        (
            CONVERSATION,
            "name,category\nPending,closed\n",
            "category must be one of open, waiting, resolved",
        ),
        (
            USER_STATUS,
            "name,status_type\nLunch,Away\n",
            "status_type must be one of online, away, busy, offline",
        ),
        (
            REASONS,
            "account,text,state\nacme,Lunch,Sleeping\n",
            "state must be one of Online, Occupied, Away",
        ),
        (
            CATEGORY,
            "name,slug,active\nHelp,help,sometimes\n",
            "active must be one of yes, no, true, false, 1, 0",
        ),
    ],
)
def test_a_bad_choice_lists_the_allowed_values(admin_client, admin_path, content, message):
    AccountFactory(id="acme")
    html = preview(admin_client, admin_path, "bad.csv", content, "csv").content.decode()
    assert refused_rows(html) == [("2", [f"Line 2: {message}"])]


def test_csv_lines_count_the_header_blank_lines_and_multiline_cells(admin_client):
    content = (
        "name,category\r\n"  # line 1
        "Fine,open\r\n"  # line 2
        "\r\n"  # line 3: blank, skipped
        '"Two\r\nlines",closed\r\n'  # lines 4-5
        "Also fine,waiting\r\n"  # line 6
        "Bad too,nope\r\n"  # line 7
    )
    html = preview(admin_client, CONVERSATION, "bad.csv", content, "csv").content.decode()
    assert [line for line, _messages in refused_rows(html)] == ["4", "7"]


def test_json_lines_are_where_each_object_opens(admin_client):
    content = (
        "[\n"  # line 1
        '  {"name": "Fine", "category": "open"},\n'  # line 2
        "  {\n"  # line 3
        '    "name": "Bad",\n'
        '    "category": "closed"\n'
        "  },\n"
        '  {"name": "Good", "category": "waiting"}, {"name": "Worse", "category": "x"}\n'  # 7
        "]\n"
    )
    html = preview(admin_client, CONVERSATION, "bad.json", content, "json").content.decode()
    assert [line for line, _messages in refused_rows(html)] == ["3", "7"]


def test_a_valid_preview_names_its_rows_by_line(admin_client):
    path = EXAMPLES / "conversation-statuses.json"
    html = preview(admin_client, CONVERSATION, path.name, path.read_bytes(), "json")
    text = path.read_text().splitlines()
    rows = preview_rows(html.content.decode())
    for line, row in rows.items():
        assert f'"{row["name"]}"' in text[int(line) - 1]


def test_the_confirm_step_names_lines_too(admin_client):
    import_file(admin_client, CATEGORY, "categories.csv")
    content = "name,slug,parents\nHelp,help,\nHow-to,how-to,Product\n"
    response = preview(admin_client, CATEGORY, "c.csv", content, "csv")
    Category.objects.filter(name="Product").delete()  # the parent goes before the confirm
    html = confirm(admin_client, CATEGORY, response).content.decode()
    assert refused_rows(html) == [("3", ["Line 3: Unknown parent category 'Product'"])]
    assert not Category.objects.filter(name="Help").exists()


def test_row_lines_of_the_formats():
    from core.exports import csv_row_lines, json_item_lines

    assert csv_row_lines('a,b\n1,2\n\n"x\ny",3\n4,5') == [2, 4, 6]
    assert json_item_lines('[{"a": 1},\n\n {"a": [\n2]}, 3]') == [1, 3, 4]
    assert json_item_lines("[]") == []
    assert json_item_lines('{"a": 1}') is None
    assert json_item_lines('[{"a": 1} {"a": 2}]') is None
