"""Speed and concurrency: constant query counts and gap-free revisions under load."""

import json
import threading

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from reasons.models import Account, StatusReason
from tests.reasons.test_liveperson_api import url

pytestmark = pytest.mark.django_db


def count_queries(call):
    with CaptureQueriesContext(connection) as ctx:
        response = call()
    assert response.status_code == 200, response.content
    return len(ctx), response


def create(agent, n, prefix):
    body = [{"text": f"{prefix} {i}", "state": "Away"} for i in range(n)]
    return lambda: agent.post(url(), json.dumps(body), content_type="application/json")


def test_create_query_count_does_not_depend_on_item_count(lp_login):
    agent = lp_login()
    small, _ = count_queries(create(agent, 1, "small"))
    # 50 items (and their history rows) fit one SQLite insert batch; see the PostgreSQL
    # test for 1,000.
    large, response = count_queries(create(agent, 50, "large"))
    # bearer, permissions, lock account, text check, lowest order, insert, history insert,
    # revision, plus two savepoints (the request's transaction is a savepoint inside the
    # test's) and their releases.
    assert large == small <= 12
    assert len(response.json()) == 50


@pytest.mark.postgres
def test_thousand_item_create_and_bulk_delete_are_constant(lp_login):
    agent = lp_login()
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


def test_list_of_a_thousand_is_constant(lp_login, django_assert_max_num_queries):
    agent = lp_login()
    StatusReason.objects.bulk_create(
        StatusReason(account=agent.account, text=f"R{i}", state="Away", order=i)
        for i in range(1000)
    )
    with django_assert_max_num_queries(3):  # bearer (with account), permissions, the list
        response = agent.get(url())
    assert len(response.json()) == 1000


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
