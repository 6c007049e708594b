"""Speed and concurrency: constant query counts and gap-free revisions under load."""

import json
import threading

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from reasons.models import Account, StatusReason
from tests.conftest import CACHE_TABLE, data_statements
from tests.factories import webhook_owner
from tests.reasons.test_liveperson_api import url

pytestmark = pytest.mark.django_db


def count_queries(call):
    with CaptureQueriesContext(connection) as ctx:
        response = call()
    assert response.status_code == 200, response.content
    return len(ctx), response


def write_statements(call):
    """The statements of a request's write: from the start of its transaction (BEGIN, or
    a SAVEPOINT inside the test's transaction) to its end; authentication comes before.
    Not the cache's (the database cache's DELETE that retires the account's cached lists)."""
    with CaptureQueriesContext(connection) as ctx:
        response = call()
    assert response.status_code == 200, response.content
    sqls = [query["sql"] for query in ctx.captured_queries if CACHE_TABLE not in query["sql"]]
    start = next(i for i, sql in enumerate(sqls) if sql.startswith(("BEGIN", "SAVEPOINT")))
    return [sql.split()[0] for sql in sqls[start:]], len(sqls), response


def create(agent, n, prefix):
    body = [{"text": f"{prefix} {i}", "state": "Away"} for i in range(n)]
    return lambda: agent.post(url(), json.dumps(body), content_type="application/json")


def test_create_query_count_does_not_depend_on_item_count(lp_login):
    agent = lp_login()
    agent.get(url())  # authentication's own first-request work (its cache) out of the way
    create(agent, 1, "warm")()  # and a write's: the webhooks' subscribed event types
    small_write, small, _ = write_statements(create(agent, 1, "small"))
    # 1,000 items and their history rows fit one INSERT each (reasons.db uses the
    # database's own parameter limit).
    large_write, large, response = write_statements(create(agent, 1000, "large"))
    # Raise and lock the account's revision, read the first sort key of its live reasons
    # (the new ones go before it; no other reason is written: issue 26, it was one UPDATE
    # moving them all down), the reasons, their history; no webhooks query (no subscription
    # wants the events: issue 26 took its SELECT away), no text check (the unique
    # constraint is the check) and no savepoint of its own.
    assert small_write == [
        "SAVEPOINT", "UPDATE", "SELECT", "INSERT", "INSERT", "RELEASE"
    ]  # fmt: skip
    assert large_write == small_write and large == small
    assert len(response.json()) == 1000


def test_a_subscribed_create_emits_every_event_in_a_constant_number_of_statements(lp_login):
    from webhooks import services as webhooks
    from webhooks.models import Delivery, Event

    webhooks.subscription_create(
        owner=webhook_owner(),
        url="http://127.0.0.1:9/hook",
        event_types=["liveperson.reason.created"],
    )
    agent = lp_login()
    agent.get(url())
    create(agent, 1, "warm")()  # the first write after a change reads the subscribed types
    small_write, small, _ = write_statements(create(agent, 1, "small"))
    large_write, large, _ = write_statements(create(agent, 1000, "large"))
    # ... then the subscriptions wanting the event type and, of those, the ones whose owner
    # may see the account (two SELECTs), the objects' sequences (one upsert), the events,
    # their deliveries and the one task row that will queue them.
    assert small_write == [
        "SAVEPOINT", "UPDATE", "SELECT", "INSERT", "INSERT",
        "SELECT", "SELECT", "INSERT", "INSERT", "INSERT", "INSERT", "RELEASE",
    ]  # fmt: skip
    assert large_write == small_write and large == small
    assert Event.objects.count() == Delivery.objects.count() == 1002


@pytest.mark.postgres
def test_thousand_item_create_and_bulk_delete_are_constant(lp_login):
    agent = lp_login()
    agent.get(url())  # authentication's own first-request work (its cache) out of the way
    create(agent, 1, "warm")()  # and a write's: the webhooks' subscribed event types
    one, _ = count_queries(create(agent, 1, "one"))
    thousand, response = count_queries(create(agent, 1000, "many"))
    assert thousand == one
    ids = [r["id"] for r in response.json()]

    def delete(id_list):
        return lambda: agent.delete(url(), id_list, format="json")

    one_delete, _ = count_queries(delete(ids[:1]))
    thousand_delete, _ = count_queries(delete(ids[1:]))
    assert thousand_delete == one_delete
    assert StatusReason.objects.filter(deleted=True).count() == 1000


def test_list_of_a_thousand_is_one_query(lp_login):
    agent = lp_login()
    # Authentication's own first-request work (its cache) out of the way, on another list
    # than the one measured (whose reply is not cached yet).
    agent.get(url(include_deleted="true"))
    StatusReason.objects.bulk_create(
        StatusReason(account=agent.account, text=f"R{i}", state="Away", order=i)
        for i in range(1000)
    )
    for expected in (1, 0):  # then from the reply cache
        with CaptureQueriesContext(connection) as ctx:
            response = agent.get(url())
        # The account's revision (for ac-revision) and its reasons, in one query; the
        # shared cache's own table (credentials, replies) is not counted.
        queries = data_statements(ctx)
        assert len(queries) == expected, queries
        assert len(response.json()) == 1000
        assert response["ac-revision"] == "0"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_creates_raise_revision_by_exactly_twenty(lp_login):
    agent = lp_login()
    bearer = agent.bearer
    barrier = threading.Barrier(20)
    revisions, codes = [], []

    def create_one(i):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {bearer}")
        try:
            barrier.wait()
            response = client.post(
                url(), {"text": f"Concurrent {i}", "state": "Away"}, format="json"
            )
            codes.append(response.status_code)
            revisions.append(int(response["ac-revision"]))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create_one, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert codes == [200] * 20
    assert sorted(revisions) == list(range(1, 21))
    assert Account.objects.get(pk="acme").revision == 20
    assert StatusReason.objects.count() == 20


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_creates_of_one_text_give_one_row(lp_login):
    agent = lp_login()
    barrier = threading.Barrier(10)
    codes = []

    def create_one():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {agent.bearer}")
        try:
            barrier.wait()
            codes.append(
                client.post(url(), {"text": "Lunch", "state": "Away"}, format="json").status_code
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create_one) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes) == [200] + [409] * 9
    assert StatusReason.objects.filter(text="Lunch").count() == 1
    assert Account.objects.get(pk="acme").revision == 1
