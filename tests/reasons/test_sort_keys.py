"""Positions as ranks of a stored sort key (issue 26, item 3): a write changes only the
reasons it writes, so a create costs the same in any account; a rebalance, when a gap runs
out, renumbers the keys in one UPDATE. What the positions are is test_positions.py's."""

import json
import random
import re

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext

from reasons import services
from reasons.models import SORT_KEY_GAP, Account, StatusReason
from reasons.services import ReasonChange, ReasonFields, arrange
from tests.conftest import data_statements
from tests.factories import AccountFactory
from tests.reasons.test_liveperson_api import url

pytestmark = pytest.mark.django_db

TABLE = StatusReason._meta.db_table


def seed(account, count):
    """`count` live reasons numbered 1..count (their keys follow, SortKeyField)."""
    StatusReason.objects.bulk_create(
        StatusReason(account=account, text=f"Seeded {i}", state="Away", order=i)
        for i in range(1, count + 1)
    )


def stored(account_id="acme"):
    """{id: (order, sort_key)} as stored: what a write may not change for the others."""
    rows = StatusReason.rows.filter(account_id=account_id)
    return {pk: (order, key) for pk, order, key in rows.values_list("id", "order", "sort_key")}


def listed(account_id="acme"):
    """The texts of the account's live reasons, in the order the API lists them."""
    return [reason["text"] for reason in _api_list(account_id)]


def _api_list(account_id):
    from reasons.liveperson.serializers import REASON_FIELDS
    from reasons.selectors import reason_list_values

    _revision, rows = reason_list_values(account_id=account_id, fields=REASON_FIELDS)
    return [dict(zip(REASON_FIELDS, row, strict=True)) for row in rows]


def create_statements(agent, text):
    """The statements of one LivePerson create through the API (the shared cache's table
    not counted), and the reply."""
    account = agent.account.pk
    agent.get(url(account))  # authentication's first-request work (its cache) out of the way
    with CaptureQueriesContext(connection) as ctx:
        response = agent.post(
            url(account),
            json.dumps({"text": text, "state": "Away"}),
            content_type="application/json",
        )
    assert response.status_code == 200, response.content
    return data_statements(ctx), response.json()


@pytest.mark.parametrize("other_size", [1000])
def test_a_create_issues_the_same_statements_in_an_account_of_10_and_of_1000(lp_login, other_size):
    small_agent = lp_login("small")
    seed(small_agent.account, 10)
    large_agent = lp_login("large")
    seed(large_agent.account, other_size)
    before = stored("large")
    # The first write after a subscription change (here: the first) reads the subscribed
    # event types (webhooks.services.subscribed_event_types): out of the way, elsewhere.
    create_statements(lp_login("warm"), "Warm")

    small, small_reply = create_statements(small_agent, "New")
    large, large_reply = create_statements(large_agent, "New")

    assert len(small) == len(large), (small, large)
    assert [sql.split()[0] for sql in small] == [sql.split()[0] for sql in large]
    assert small_reply["order"] == large_reply["order"] == 1
    # No statement writes the account's other reasons (it used to move them all down).
    assert not [sql for sql in large if sql.startswith("UPDATE") and TABLE in sql]
    after = stored("large")
    assert {pk: after[pk] for pk in before} == before
    assert listed("large")[:2] == ["New", "Seeded 1"]
    assert [r["order"] for r in _api_list("large")] == list(range(1, other_size + 2))


def test_creates_at_the_top_take_keys_below_the_first(lp_login):
    agent = lp_login()
    seed(agent.account, 3)
    first = min(key for _order, key in stored().values())
    services.reason_create_many(
        account=agent.account,
        items=[ReasonFields(text=text, state="Away") for text in ("X", "Y")],
    )
    keys = dict(StatusReason.rows.values_list("text", "sort_key"))
    assert keys["X"] < keys["Y"] < first
    assert listed() == ["X", "Y", "Seeded 1", "Seeded 2", "Seeded 3"]


def test_a_move_takes_a_key_between_its_new_neighbours_and_writes_no_other(lp_login):
    agent = lp_login()
    seed(agent.account, 5)
    before = stored()
    moving = StatusReason.rows.get(text="Seeded 5")
    services.reason_update(
        account=agent.account,
        reason_id=moving.pk,
        fields=ReasonFields(text="Seeded 5", state="Away", order=2),
    )
    after = stored()
    assert [pk for pk in before if after[pk] != before[pk]] == [moving.pk]
    keys = dict(StatusReason.rows.values_list("text", "sort_key"))
    assert keys["Seeded 1"] < keys["Seeded 5"] < keys["Seeded 2"]
    assert listed() == ["Seeded 1", "Seeded 5", "Seeded 2", "Seeded 3", "Seeded 4"]


def test_a_gap_that_runs_out_rebalances_the_account_in_one_update(lp_login):
    agent = lp_login()
    seed(agent.account, 4)
    reasons = {r.text: r for r in StatusReason.rows.all()}
    mover_a, mover_b = reasons["Seeded 3"], reasons["Seeded 4"]
    # Placing one reason, then another, between the same two neighbours halves their gap
    # each time: about log2(SORT_KEY_GAP) placements until a rebalance.
    rebalanced = False
    for step in range(60):
        mover = (mover_a, mover_b)[step % 2]
        with CaptureQueriesContext(connection) as ctx:
            services.reason_update(
                account=agent.account,
                reason_id=mover.pk,
                fields=ReasonFields(text=mover.text, state="Away", order=2),
            )
        updates = [q for q in data_statements(ctx) if q.startswith("UPDATE") and TABLE in q]
        keys = sorted(StatusReason.rows.filter(deleted=False).values_list("sort_key", flat=True))
        if keys == [SORT_KEY_GAP * n for n in range(1, 5)]:
            rebalanced = True
            # The others' new keys in one statement, then the reason written.
            assert len(updates) == 2, updates
            break
        assert len(updates) == 1, updates  # the reason written, nothing else
    assert rebalanced and 15 < step < 50
    assert listed()[0] == "Seeded 1" and sorted(listed()) == sorted(reasons)
    assert [r["order"] for r in _api_list("acme")] == [1, 2, 3, 4]


@pytest.mark.parametrize("tight", [False, True])
def test_every_write_lists_the_reasons_where_arrange_puts_them(tight):
    """A random sequence of writes, against a list kept by `arrange` alone. `tight` takes
    every gap away after each write (keys 1, 2, 3, ...), so that placements rebalance."""
    account = AccountFactory(id="acme")
    rng = random.Random(26)
    live: list[str] = []
    gone: dict[str, int] = {}  # a deleted reason's text: the position it goes back to
    counter = 0

    def reason(text):
        return StatusReason.rows.get(text=text, account=account, deleted=text in gone)

    for _step in range(150):
        action = rng.choice(["create", "create", "move", "delete", "restore", "place"])
        if action == "create" or not live:
            names = [f"R{counter + i}" for i in range(rng.randint(1, 3))]
            counter += len(names)
            orders = {n: rng.randint(-2, len(live) + 5) for n in names if rng.random() < 0.5}
            services.reason_create_many(
                account=account,
                items=[ReasonFields(text=n, state="Away", order=orders.get(n)) for n in names],
            )
            unordered = [n for n in names if n not in orders]
            live = arrange([*unordered, *live], [(n, orders[n]) for n in names if n in orders])
        elif action == "move":
            chosen = rng.sample(live, rng.randint(1, min(4, len(live))))
            orders = {n: rng.choice([None, rng.randint(-1, len(live) + 2)]) for n in chosen}
            services.reason_update_many(
                account=account,
                items=[
                    ReasonChange(id=reason(n).pk, text=n, state="Away", order=orders[n])
                    for n in chosen
                ],
            )
            placed = [(n, o) for n, o in orders.items() if o is not None]
            live = arrange([n for n in live if n not in dict(placed)], placed)
        elif action == "delete":
            chosen = rng.sample(live, rng.randint(1, min(3, len(live))))
            services.reason_delete_many(account=account, ids=[reason(n).pk for n in chosen])
            for n in chosen:
                gone[n] = live.index(n) + 1
            live = [n for n in live if n not in chosen]
        elif action == "restore" and gone:
            text = rng.choice(sorted(gone))
            services.reasons_set_flags(reasons=[reason(text)], deleted=False)
            live = arrange(live, [(text, gone.pop(text))])
        elif action == "place":
            chosen = rng.sample(live, rng.randint(1, min(4, len(live))))
            asked = {n: rng.randint(1, len(live)) for n in chosen}
            services.reasons_place(
                account=account, positions={reason(n).pk: asked[n] for n in chosen}
            )
            placed = sorted(asked.items(), key=lambda item: live.index(item[0]))
            live = arrange([n for n in live if n not in asked], placed)
        assert listed() == live
        assert [r["order"] for r in _api_list("acme")] == list(range(1, len(live) + 1))
        deleted = StatusReason.rows.filter(account=account, deleted=True)
        assert dict(deleted.values_list("text", "order")) == gone
        if tight:
            order = StatusReason.rows.filter(account=account, deleted=False).order_by(
                "sort_key", "id"
            )
            for rank, pk in enumerate(order.values_list("id", flat=True), start=1):
                StatusReason.rows.filter(pk=pk).update(sort_key=rank)


# --- the migration -------------------------------------------------------------------------

BEFORE = [("reasons", "0013_history_source")]
AFTER = [("reasons", "0014_sort_key")]


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_keys_in_the_order_of_the_positions_and_back():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    acme = old.get_model("reasons", "Account").objects.create(id="acme")
    OldReason = old.get_model("reasons", "StatusReason")
    for text, order, deleted in [
        ("A", 1, False),
        ("Gone", 2, True),
        ("B", 2, False),
        ("C", 3, False),
    ]:
        OldReason.objects.create(
            account=acme, text=text, text_key=text.lower(), state="Away", order=order,
            deleted=deleted,
        )  # fmt: skip

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    assert dict(StatusReason.rows.values_list("text", "sort_key")) == {
        "A": SORT_KEY_GAP, "Gone": 2 * SORT_KEY_GAP, "B": 2 * SORT_KEY_GAP, "C": 3 * SORT_KEY_GAP,
    }  # fmt: skip
    account = Account.objects.get(pk="acme")
    services.reason_create(account=account, fields=ReasonFields(text="New", state="Away"))
    assert listed() == ["New", "A", "B", "C"]
    assert StatusReason.rows.get(text="A").order == 1  # the stored column, not moved

    # Backwards: `order` is the position again, renumbered from the keys.
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    rows = old.get_model("reasons", "StatusReason").objects.order_by("order", "id")
    assert list(rows.values_list("text", "order", "deleted")) == [
        ("New", 1, False), ("A", 2, False), ("Gone", 2, True), ("B", 3, False), ("C", 4, False),
    ]  # fmt: skip
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_the_account_page_numbers_its_live_reasons_in_order(admin_client):
    account = AccountFactory(id="acme")
    for text in ("A", "B", "C"):
        services.reason_create(account=account, fields=ReasonFields(text=text, state="Away"))
    services.reason_delete(account=account, reason_id=StatusReason.rows.get(text="B").pk)
    services.reason_create(
        account=AccountFactory(id="other"), fields=ReasonFields(text="X", state="Away")
    )
    response = admin_client.get("/admin/reasons/account/acme/change/")
    assert response.status_code == 200
    [reasons] = [
        formset
        for formset in response.context["inline_admin_formsets"]
        if formset.formset.model is StatusReason
    ]
    shown = [(form.instance.text, form.instance.order) for form in reasons.formset.forms]
    assert shown == [("C", 1), ("A", 2)]


def test_a_revert_puts_the_reason_at_the_position_its_version_recorded(admin_client):
    account = AccountFactory(id="acme")

    def create(text):
        return services.reason_create(account=account, fields=ReasonFields(text=text, state="Away"))

    a = create("A").reasons[0]
    create("B")
    fields = ReasonFields(text="A2", state="Away")
    services.reason_update(account=account, reason_id=a.pk, fields=fields)
    version = StatusReason.history.get(id=a.pk, text="A2")
    assert version.order == 2  # its position then: B had gone first
    create("C")
    create("D")
    assert listed() == ["D", "C", "B", "A2"]
    url = f"/admin/reasons/statusreason/{a.pk}/history/{version.history_id}/"
    form = admin_client.get(url).context["adminform"].form
    assert form.initial["order"] == 2
    data = {name: value for name, value in form.initial.items() if value is not None}
    data["enabled"] = "on"
    assert admin_client.post(url, data).status_code == 302
    assert listed() == ["D", "A2", "C", "B"]
    assert StatusReason.history.filter(id=a.pk).latest("history_id").order == 2


# --- the admin's reasons list: positions numbered as the page is read -----------------------

LIST = "/admin/reasons/statusreason/"


def list_positions(html):
    """(text, position) of the rows of the reasons list, top to bottom (a live reason's
    Position box, a deleted one's hidden input)."""
    texts = re.findall(r'<th class="field-text"><a [^>]*>([^<]+)</a>', html)
    positions = re.findall(r'name="form-\d+-order" value="(-?\d+)"', html)
    return list(zip(texts, map(int, positions), strict=True))


@pytest.mark.parametrize("size", [10, 60])
def test_the_reasons_list_numbers_its_page_without_a_count_per_row(admin_client, size):
    account = AccountFactory(id="acme")
    seed(account, size)
    # A create at the top: the others' stored orders are now one less than their positions.
    services.reason_create(account=account, fields=ReasonFields(text="New", state="Away"))
    admin_client.get(LIST)  # the session's and the admin's first-request work
    with CaptureQueriesContext(connection) as ctx:
        html = admin_client.get(f"{LIST}?account__id__exact=acme").content.decode()
    shown = list_positions(html)
    assert shown == [("New", 1)] + [(f"Seeded {i}", i + 1) for i in range(1, size + 1)]
    reads = [q for q in data_statements(ctx) if TABLE in q]
    # The page, its count and the one query that numbers it; no COUNT per row.
    assert [q for q in reads if "COUNT(" in q and not q.startswith("SELECT COUNT(*)")] == []
    assert len([q for q in reads if "ROW_NUMBER" in q]) == 1


def test_the_reasons_list_costs_the_same_queries_for_10_and_100_reasons(admin_client):
    account = AccountFactory(id="acme")
    other = AccountFactory(id="other")
    seed(account, 10)
    seed(other, 100)
    admin_client.get(LIST)
    counts = []
    for account_id in ("acme", "other"):
        with CaptureQueriesContext(connection) as ctx:
            assert admin_client.get(f"{LIST}?account__id__exact={account_id}").status_code == 200
        counts.append(len(data_statements(ctx)))
    assert counts[0] == counts[1]


def test_the_position_column_sorts_by_position_both_ways(admin_client):
    account = AccountFactory(id="acme")
    seed(account, 3)
    services.reason_create(account=account, fields=ReasonFields(text="New", state="Away"))
    expected = [("New", 1), ("Seeded 1", 2), ("Seeded 2", 3), ("Seeded 3", 4)]
    # The Position column is the fifth of list_display (after the checkbox, 0).
    assert list_positions(admin_client.get(f"{LIST}?o=5").content.decode()) == expected
    assert list_positions(admin_client.get(f"{LIST}?o=-5").content.decode()) == expected[::-1]


def test_deleted_reasons_are_listed_at_the_position_they_go_back_to(admin_client):
    account = AccountFactory(id="acme")
    seed(account, 3)  # Seeded 1, 2, 3
    services.reason_delete(account=account, reason_id=StatusReason.rows.get(text="Seeded 2").pk)
    for text in ("X", "Y"):  # each at the top: the live ones move down, the deleted one not
        services.reason_create(account=account, fields=ReasonFields(text=text, state="Away"))
    html = admin_client.get(f"{LIST}?deleted=all").content.decode()
    # Live: Y 1, X 2, Seeded 1 3, Seeded 3 4; deleted Seeded 2 goes back to 2 (as before:
    # the list sorts by position, then id).
    assert list_positions(html) == [
        ("Y", 1), ("Seeded 2", 2), ("X", 2), ("Seeded 1", 3), ("Seeded 3", 4),
    ]  # fmt: skip
    sorted_by_column = admin_client.get(f"{LIST}?deleted=all&o=5").content.decode()
    assert list_positions(sorted_by_column) == list_positions(html)


def test_export_shows_positions(admin_client):
    account = AccountFactory(id="acme")
    seed(account, 2)
    services.reason_create(account=account, fields=ReasonFields(text="New", state="Away"))
    response = admin_client.post(
        f"{LIST}export/",
        {
            "format": "1",
            "resource": "0",
            **{f"statusreasonresource_{name}": "on" for name in ["text", "order"]},
        },
    )
    assert sorted((row["order"], row["text"]) for row in json.loads(response.content)) == [
        (1, "New"),
        (2, "Seeded 1"),
        (3, "Seeded 2"),
    ]
