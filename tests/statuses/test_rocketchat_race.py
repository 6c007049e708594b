"""Concurrency for custom user statuses: one name, many racing creators."""

import threading

import pytest
from django.db import connections
from rest_framework.test import APIClient

from access.services import login_token_issue
from statuses.models import UserStatus
from tests.factories import UserFactory


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_creates_of_one_name():
    user = UserFactory(perms=["statuses.add_userstatus"])
    issued = login_token_issue(user=user)
    barrier = threading.Barrier(20)
    results = []

    def create(i):
        client = APIClient()
        client.credentials(HTTP_X_AUTH_TOKEN=issued.auth_token, HTTP_X_USER_ID=issued.user_id)
        try:
            barrier.wait()
            # Different case each time: the constraint compares case-insensitively.
            name = "In a meeting".upper() if i % 2 else "in a meeting"
            response = client.post(
                "/api/v1/custom-user-status.create",
                {"name": name, "statusType": "busy"},
                format="json",
            )
            results.append((response.status_code, response.json()))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(code for code, _ in results) == [200] + [400] * 19
    losers = [body for code, body in results if code == 400]
    assert {body["errorType"] for body in losers} == {
        "Custom_User_Status_Error_Name_Already_In_Use"
    }
    assert UserStatus.objects.filter(name__iexact="in a meeting").count() == 1
