"""Concurrency: the database constraint decides who wins a race for one name."""

import os
import threading

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from access.services import api_key_issue
from statuses.models import ConversationStatus
from tests.conftest import token_header
from tests.factories import UserFactory


def test_suite_runs_on_the_database_it_was_given():
    # `make test` runs the suite twice; this pins that the second run really is PostgreSQL.
    expected = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postg") else "sqlite"
    assert connection.vendor == expected


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_creates_of_one_name():
    user = UserFactory(perms=["statuses.add_conversationstatus"])
    issued = api_key_issue(user=user, actor=user)
    header = token_header(issued.api_key, issued.api_secret)
    barrier = threading.Barrier(20)
    results = []

    def create():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=header)
        try:
            barrier.wait()
            response = client.post(
                "/api/v1/statuses", {"name": "Racing", "category": "open"}, format="json"
            )
            results.append((response.status_code, response.json()))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    codes = sorted(code for code, _ in results)
    assert codes == [200] + [409] * 19
    assert all(body["error_type"] == "ConflictException" for code, body in results if code == 409)
    assert ConversationStatus.objects.filter(name__iexact="racing").count() == 1
