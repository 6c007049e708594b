"""Orders are positions (issue 14, item 6): an account's live reasons are numbered 1, 2, ...,
N, and every write that adds, moves, deletes or restores reasons renumbers the others in
the same transaction. What each write does to the sequence is in docs/contracts/
liveperson.md ("Orders are positions")."""

import json
import random
import threading

import pytest
from django.db import connection, connections
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from reasons import services
from reasons.models import Account, StatusReason
from reasons.services import ReasonChange, ReasonFields, arrange
from tests.conftest import data_statements
from tests.factories import AccountFactory, StatusReasonFactory
from tests.reasons.test_liveperson_api import url

pytestmark = pytest.mark.django_db


def listed(account_id="acme", *, include_deleted=False):
    """(text, order) of the account's reasons in display order."""
    reasons = StatusReason.objects.filter(account_id=account_id).order_by("position", "id")
    if not include_deleted:
        reasons = reasons.filter(deleted=False)
    return list(reasons.values_list("text", "position"))


def texts(account_id="acme"):
    return [text for text, _order in listed(account_id)]


def assert_dense(account_id="acme"):
    orders = [order for _text, order in listed(account_id)]
    assert orders == list(range(1, len(orders) + 1))


@pytest.fixture
def account():
    return AccountFactory(id="acme")


def create(account, *texts_, **orders):
    """Create reasons in one write; `orders` maps a text to the order it asks for."""
    items = [ReasonFields(text=text, state="Away", order=orders.get(text)) for text in texts_]
    return services.reason_create_many(account=account, items=items).reasons


def by_text(text):
    return StatusReason.objects.get(text=text, deleted=False)


def move(account, **positions):
    """Replace reasons (same text and state) with the orders given, in one write."""
    items = [
        ReasonChange(id=by_text(text).pk, text=text, state="Away", order=order)
        for text, order in positions.items()
    ]
    return services.reason_update_many(account=account, items=items)


# --- arrange: the one rule ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("base", "placed", "expected"),
    [
        ("BCD", [("A", 3)], "BCAD"),  # moved down: the ones it passed move up
        ("ABD", [("C", 1)], "CABD"),  # moved up: the ones it passed move down
        ("", [("A", 3), ("B", 1), ("C", 2)], "BCA"),  # a whole new order, exactly
        ("", [("A", 10), ("B", 20), ("C", 30)], "ABC"),  # sparse asks keep their order
        ("BD", [("C", 1), ("A", 2)], "CABD"),  # every ask gets the position it asked for
        ("CD", [("A", 4), ("B", 3)], "CDBA"),
        ("B", [("A", 0)], "AB"),  # 0 and below: the first
        ("B", [("A", -(2**31))], "AB"),
        ("B", [("A", 2**31 - 1)], "BA"),  # past the end: the last
        ("C", [("A", 1), ("B", 1)], "ABC"),  # one position asked twice: request order
        ("", [("A", 3), ("B", 3), ("C", 3)], "ABC"),  # crowded at the end: pushed back
        ("D", [("A", 9), ("B", 9), ("C", 2)], "DCAB"),
        ("ABC", [], "ABC"),
    ],
)
def test_arrange(base, placed, expected):
    assert "".join(arrange(list(base), placed)) == expected


def test_arrange_gives_each_ask_its_position_when_it_can():
    rng = random.Random(14)
    for _ in range(500):
        size = rng.randint(1, 12)
        items = list(range(size))
        rng.shuffle(items)
        cut = rng.randint(0, size)
        asked = rng.sample(range(1, size + 1), cut)  # distinct positions inside the list
        placed = list(zip(items[:cut], asked, strict=True))
        result = arrange(items[cut:], placed)
        assert sorted(result) == sorted(items)
        for item, position in placed:
            assert result[position - 1] == item
        # The others keep their relative order.
        rest = [item for item in result if item not in dict(placed)]
        assert rest == items[cut:]


# --- creates -------------------------------------------------------------------------------


def test_new_reasons_without_order_are_one_to_n_and_push_the_others_down(account):
    create(account, "Lunch", "Coffee")
    written = create(account, "Training", "Coaching", "Break")
    assert [r.order for r in written] == [1, 2, 3]
    assert listed() == [
        ("Training", 1),
        ("Coaching", 2),
        ("Break", 3),
        ("Lunch", 4),
        ("Coffee", 5),
    ]


def test_a_create_without_order_moves_the_others_in_one_update(account, lp_login):
    agent = lp_login()
    create(agent.account, *[f"Old {i}" for i in range(50)])
    body = json.dumps([{"text": f"New {i}", "state": "Away"} for i in range(30)])
    with CaptureQueriesContext(connection) as ctx:
        response = agent.post(url(), body, content_type="application/json")
    assert response.status_code == 200
    # (Not the bearer's first-use stamp, written at most once a minute.)
    updates = [
        sql
        for sql in data_statements(ctx)
        if sql.startswith("UPDATE") and "last_used_at" not in sql
    ]
    # The revision's raise only: the new reasons take sort keys below the first one, and
    # no other reason is written (issue 26; it was one shift of every live reason).
    assert len(updates) == 1, updates
    assert [r["order"] for r in response.json()] == list(range(1, 31))
    assert listed("acme")[30:] == [(f"Old {i}", 31 + i) for i in range(50)]


def test_a_create_leaves_deleted_reasons_where_they_were(account):
    create(account, "A", "B", "C")
    services.reason_delete(account=account, reason_id=by_text("B").pk)
    create(account, "New")
    assert listed(include_deleted=True) == [("New", 1), ("A", 2), ("B", 2), ("C", 3)]


def test_a_create_with_an_order_goes_there(account):
    create(account, "A", "B", "C")
    create(account, "X", X=2)
    assert texts() == ["A", "X", "B", "C"]
    assert_dense()


# --- updates -------------------------------------------------------------------------------


def test_moving_a_reason_down_and_up(account):
    create(account, "A", "B", "C", "D")
    move(account, A=3)
    assert listed() == [("B", 1), ("C", 2), ("A", 3), ("D", 4)]
    move(account, D=1)
    assert listed() == [("D", 1), ("B", 2), ("C", 3), ("A", 4)]
    move(account, C=99)
    assert listed() == [("D", 1), ("B", 2), ("A", 3), ("C", 4)]


def test_a_full_reorder_in_one_bulk_update_is_exact(account, lp_login):
    agent = lp_login()
    reasons = create(agent.account, "A", "B", "C", "D")
    wanted = {"A": 3, "B": 4, "C": 1, "D": 2}
    body = [{"id": r.pk, "text": r.text, "state": "Away", "order": wanted[r.text]} for r in reasons]
    response = agent.put(url(), body, format="json")
    assert response.status_code == 200
    assert {r["text"]: r["order"] for r in response.json()} == wanted
    assert [r["text"] for r in agent.get(url()).json()] == ["C", "D", "A", "B"]


def test_a_partial_bulk_update_gives_each_item_its_order(account):
    create(account, "A", "B", "C", "D")
    written = move(account, A=2, C=1)
    assert {r.text: r.order for r in written.reasons} == {"A": 2, "C": 1}
    assert listed() == [("C", 1), ("A", 2), ("B", 3), ("D", 4)]


def test_an_update_without_order_keeps_the_place_while_others_move(account):
    create(account, "A", "B", "C")
    items = [
        ReasonChange(id=by_text("C").pk, text="C", state="Away", order=1),
        ReasonChange(id=by_text("B").pk, text="Bee", state="Online"),
    ]
    written = services.reason_update_many(account=account, items=items)
    # B keeps its place among the reasons that did not ask for one: after A.
    assert [(r.text, r.order) for r in written.reasons] == [("C", 1), ("Bee", 3)]
    assert listed() == [("C", 1), ("A", 2), ("Bee", 3)]


def test_only_the_written_reasons_get_history_rows(account):
    create(account, "A", "B", "C")
    before = StatusReason.history.count()
    move(account, C=1)
    # C's own change is recorded; A and B only moved down to make room.
    assert StatusReason.history.count() == before + 1
    assert StatusReason.history.latest("history_id").order == 1


# --- deletes and restores ------------------------------------------------------------------


def test_a_delete_closes_the_gap_and_the_reason_keeps_its_position(account, lp_login):
    agent = lp_login()
    create(agent.account, "A", "B", "C", "D")
    response = agent.delete(url(reason_id=by_text("B").pk))
    assert response.json()["order"] == 2 and response.json()["deleted"] is True
    assert [(r["text"], r["order"]) for r in agent.get(url()).json()] == [
        ("A", 1),
        ("C", 2),
        ("D", 3),
    ]
    agent.delete(url(), [by_text("A").pk, by_text("D").pk], format="json")
    assert listed() == [("C", 1)]
    assert listed(include_deleted=True) == [("A", 1), ("C", 1), ("B", 2), ("D", 3)]


def test_a_restore_puts_the_reason_back_at_its_position(account):
    create(account, "A", "B", "C", "D")
    b = by_text("B")
    services.reasons_set_flags(reasons=[b], deleted=True)
    create(account, "New")
    assert listed() == [("New", 1), ("A", 2), ("C", 3), ("D", 4)]
    assert services.reasons_set_flags(reasons=[b], deleted=False) == 1
    assert listed() == [("New", 1), ("B", 2), ("A", 3), ("C", 4), ("D", 5)]


def test_a_restore_past_the_end_is_the_last_position(account):
    create(account, "A", "B", "C")
    c = by_text("C")
    services.reasons_set_flags(reasons=[c], deleted=True)
    services.reason_delete(account=account, reason_id=by_text("B").pk)
    services.reasons_set_flags(reasons=[c], deleted=False)
    assert listed() == [("A", 1), ("C", 2)]


def test_restoring_several_reasons_keeps_their_order(account):
    create(account, "A", "B", "C", "D", "E")
    gone = [by_text("B"), by_text("D")]
    services.reasons_set_flags(reasons=gone, deleted=True)
    assert listed() == [("A", 1), ("C", 2), ("E", 3)]
    services.reasons_set_flags(reasons=list(reversed(gone)), deleted=False)
    assert listed() == [("A", 1), ("B", 2), ("C", 3), ("D", 4), ("E", 5)]


def test_a_refused_restore_moves_nothing(account):
    create(account, "A", "B")
    a = by_text("A")
    services.reasons_set_flags(reasons=[a], deleted=True)
    create(account, "a")  # the text is taken again
    before = listed()
    with pytest.raises(services.ConflictError):
        services.reasons_set_flags(reasons=[a], deleted=False)
    assert listed() == before


# --- the admin list's positions ------------------------------------------------------------


def test_place_moves_several_reasons_at_once(account):
    create(account, "A", "B", "C", "D")
    positions = {by_text("A").pk: 2, by_text("C").pk: 1}
    written = services.reasons_place(account=account, positions=positions)
    assert [(r.text, r.order) for r in written.reasons] == [("C", 1), ("A", 2)]
    assert listed() == [("C", 1), ("A", 2), ("B", 3), ("D", 4)]
    assert Account.objects.get(pk="acme").revision == 2  # one write, one revision


def test_place_refuses_a_deleted_reason_and_moves_nothing(account):
    create(account, "A", "B")
    a = by_text("A")
    services.reasons_set_flags(reasons=[a], deleted=True)
    with pytest.raises(services.NotFoundError):
        services.reasons_place(account=account, positions={a.pk: 1, by_text("B").pk: 1})
    assert listed(include_deleted=True) == [("A", 1), ("B", 1)]


# --- every write keeps the sequence dense ---------------------------------------------------


def test_any_sequence_of_writes_keeps_orders_dense(account):
    rng = random.Random(2024)
    counter = 0
    for _step in range(120):
        live = list(StatusReason.objects.filter(account=account, deleted=False))
        deleted = list(StatusReason.objects.filter(account=account, deleted=True))
        action = rng.choice(["create", "create", "move", "delete", "restore", "place"])
        if action == "create" or not live:
            names = [f"R{counter + i}" for i in range(rng.randint(1, 4))]
            counter += len(names)
            orders = {name: rng.randint(-2, len(live) + 6) for name in names if rng.random() < 0.4}
            create(account, *names, **orders)
        elif action == "move":
            chosen = rng.sample(live, rng.randint(1, len(live)))
            items = [
                ReasonChange(
                    id=r.pk,
                    text=r.text,
                    state="Away",
                    order=rng.choice([None, rng.randint(-1, len(live) + 2)]),
                )
                for r in chosen
            ]
            services.reason_update_many(account=account, items=items)
        elif action == "delete":
            chosen = rng.sample(live, rng.randint(1, min(3, len(live))))
            services.reason_delete_many(account=account, ids=[r.pk for r in chosen])
        elif action == "restore" and deleted:
            services.reasons_set_flags(reasons=rng.sample(deleted, 1), deleted=False)
        elif action == "place":
            chosen = rng.sample(live, rng.randint(1, len(live)))
            positions = {r.pk: rng.randint(1, len(live)) for r in chosen}
            services.reasons_place(account=account, positions=positions)
        assert_dense()


def test_accounts_are_numbered_apart(account):
    beta = AccountFactory(id="beta")
    create(account, "A", "B")
    create(beta, "X")
    create(account, "C")
    assert listed("acme") == [("C", 1), ("A", 2), ("B", 3)]
    assert listed("beta") == [("X", 1)]


# --- the data migration --------------------------------------------------------------------

BEFORE = [("reasons", "0008_accountbearer_session")]


@pytest.mark.django_db(transaction=True)
def test_the_migration_renumbers_each_account():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    OldAccount = old.get_model("reasons", "Account")
    OldReason = old.get_model("reasons", "StatusReason")
    acme = OldAccount.objects.create(id="acme")
    beta = OldAccount.objects.create(id="beta", revision=5)
    tidy = OldAccount.objects.create(id="tidy", revision=7)
    rows = [
        (acme, "Minus three", -3, False),
        (acme, "Zero a", 0, False),
        (acme, "Gone", 0, True),
        (acme, "Zero b", 0, False),
        (acme, "Ten", 10, False),
        (acme, "Gone last", 11, True),
        (beta, "Only", -1, False),
        (tidy, "One", 1, False),
        (tidy, "Two", 2, False),
    ]
    for account, text, order, deleted in rows:
        OldReason.objects.create(
            account=account, text=text, text_key=text.lower(), state="Away", order=order,
            deleted=deleted,
        )  # fmt: skip

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert listed("acme", include_deleted=True) == [
        ("Minus three", 1),
        ("Zero a", 2),
        ("Gone", 3),  # where the next live reason was: restoring it puts it back there
        ("Zero b", 3),
        ("Ten", 4),
        ("Gone last", 5),
    ]
    assert listed("beta") == [("Only", 1)]
    assert listed("tidy") == [("One", 1), ("Two", 2)]
    revisions = dict(Account.objects.values_list("id", "revision"))
    # Accounts whose orders changed have a new revision; the others keep theirs.
    assert revisions == {"acme": 1, "beta": 6, "tidy": 7}


# --- concurrency ---------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writes_keep_the_orders_dense(lp_login):
    agent = lp_login()
    create(agent.account, *[f"Old {i}" for i in range(5)])
    ids = list(StatusReason.objects.values_list("pk", flat=True))
    barrier = threading.Barrier(12)
    codes = []

    def write(i):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {agent.bearer}")
        try:
            barrier.wait()
            if i < 8:
                body = {"text": f"New {i}", "state": "Away"}
                if i % 2:
                    body["order"] = i
                response = client.post(url(), body, format="json")
            elif i < 10:
                response = client.put(
                    url(reason_id=ids[i - 8]),
                    {"text": f"Old {i - 8}", "state": "Away", "order": 3},
                    format="json",
                )
            else:
                response = client.delete(url(reason_id=ids[i - 8]))
            codes.append(response.status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(i,)) for i in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert codes == [200] * 12
    assert len(listed()) == 5 + 8 - 2
    assert_dense()


def test_a_hand_made_row_is_renumbered_by_the_next_write(account):
    # Rows written around the services (here a factory) are renumbered by the next write
    # that reads the sequence: orders stay positions even after a hand-made row.
    StatusReasonFactory(account=account, text="Hand-made", order=40)
    create(account, "A", A=1)
    assert listed() == [("A", 1), ("Hand-made", 2)]


def test_the_demo_reasons_are_numbered_from_one():
    from reasons.demo import REASONS, load
    from tests.factories import UserFactory

    load(admin=UserFactory())
    assert listed() == [(text, position) for position, (text, _state) in enumerate(REASONS, 1)]
    load(admin=UserFactory())  # again: nothing new, nothing moved
    assert len(listed()) == len(REASONS)
    assert_dense()
