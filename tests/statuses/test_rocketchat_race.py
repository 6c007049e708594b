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


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_rename_without_status_type_does_not_undo_a_type_changed_meanwhile(monkeypatch):
    """Rocket.Chat's update without statusType keeps the current type. The rename reads
    it, and another request changes the type before the rename writes: the row is locked
    from the read to the write, so the second request waits and its type stays."""
    import time

    from statuses import services

    status = UserStatus.objects.create(name="Lunch", status_type="away")
    user = UserFactory(perms=["statuses.change_userstatus"])
    issued = login_token_issue(user=user)
    renaming = threading.Event()
    real_update = services.user_status_update

    def slow_rename(*, status, fields=None, **values):
        if threading.current_thread().name == "rename":
            renaming.set()  # the type is read; the other request goes now
            time.sleep(1.0)
        return real_update(status=status, fields=fields, **values)

    monkeypatch.setattr(services, "user_status_update", slow_rename)
    results = {}

    def update(key, body, wait=None):
        client = APIClient()
        client.credentials(HTTP_X_AUTH_TOKEN=issued.auth_token, HTTP_X_USER_ID=issued.user_id)
        try:
            if wait is not None:
                wait.wait(5)
            results[key] = client.post(
                "/api/v1/custom-user-status.update", body, format="json"
            ).status_code
        finally:
            connections.close_all()

    rename = threading.Thread(
        target=update, args=("rename", {"_id": status.pk, "name": "Long lunch"}), name="rename"
    )
    retype = threading.Thread(
        target=update,
        args=("retype", {"_id": status.pk, "name": "Long lunch", "statusType": "busy"}),
        kwargs={"wait": renaming},
    )
    rename.start()
    retype.start()
    rename.join()
    retype.join()
    assert results == {"rename": 200, "retype": 200}
    status.refresh_from_db()
    assert (status.name, status.status_type) == ("Long lunch", "busy")
