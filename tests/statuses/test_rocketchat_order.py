"""Rocket.Chat's order of checks lives in its views (statuses.rocketchat.views), not in the
services: the services check the fields in the model's order and leave a taken name to
the write, and the views report a taken name before a failed status type, as Rocket.Chat's
insertOrUpdateUserStatus does (the create's whole order: test_rocketchat_api.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from statuses.models import UserStatus
from tests.factories import UserStatusFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/"
CREATE, UPDATE = API + "custom-user-status.create", API + "custom-user-status.update"
ADD, CHANGE = "statuses.add_userstatus", "statuses.change_userstatus"
M = "insertOrUpdateUserStatus"
TAKEN = {
    "success": False,
    "error": "The custom user status name is already in use "
    "[Custom_User_Status_Error_Name_Already_In_Use]",
    "errorType": "Custom_User_Status_Error_Name_Already_In_Use",
    "details": {"method": M},
}


def not_a_type(value):
    return {
        "success": False,
        "error": f"{value} is not a valid status type [error-input-is-not-a-valid-field]",
        "errorType": "error-input-is-not-a-valid-field",
        "details": {"method": M, "input": value, "field": "StatusType"},
    }


STATUS_TYPE_REQUIRED = {
    "success": False,
    "error": "The field StatusType is required [error-the-field-is-required]",
    "errorType": "error-the-field-is-required",
    "details": {"method": M, "field": "StatusType"},
}


@pytest.mark.parametrize(
    ("name", "status_type", "reply"),
    [
        # a taken name (in another form) is reported before a bad or missing type...
        (" TAKEN", "Busy", TAKEN),
        ("taken", "", TAKEN),
        # ...its own name in another form is not taken: the type is what is wrong
        ("MINE", "Busy", not_a_type("Busy")),
        ("Mine", "", STATUS_TYPE_REQUIRED),
        # ...and with a good type, the write reports the taken name
        ("Taken", "away", TAKEN),
    ],
)
def test_update_reports_a_taken_name_before_the_status_type(rc_login, name, status_type, reply):
    UserStatusFactory(name="Taken", status_type="busy")
    status = UserStatusFactory(name="Mine", status_type="away")
    response = rc_login(CHANGE).post(
        UPDATE, {"_id": status.pk, "name": name, "statusType": status_type}, format="json"
    )
    assert response.status_code == 400, response.content
    assert response.json() == reply
    status.refresh_from_db()
    assert (status.name, status.status_type) == ("Mine", "away")


def status_selects(queries):
    return [
        query["sql"]
        for query in queries
        if query["sql"].startswith("SELECT") and "statuses_userstatus" in query["sql"]
    ]


@pytest.mark.parametrize(
    ("body", "selects"),
    [
        # the name fails: nothing is looked up
        ({"name": "a<b", "statusType": "Busy"}, 0),
        # the type fails: whether the name is taken is asked, once
        ({"name": "Free", "statusType": "Busy"}, 1),
        ({"name": "Taken", "statusType": ""}, 1),
        # a valid create, taken or not: the INSERT's unique constraint answers
        ({"name": "Taken", "statusType": "away"}, 0),
        ({"name": "Free", "statusType": "away"}, 0),
    ],
)
def test_the_taken_name_is_looked_up_only_when_the_status_type_fails(rc_login, body, selects):
    UserStatusFactory(name="Taken")
    agent = rc_login(ADD)
    with CaptureQueriesContext(connection) as queries:
        agent.post(CREATE, body, format="json")
    assert len(status_selects(queries)) == selects
    assert UserStatus.objects.count() == (2 if body["name"] == "Free" and selects == 0 else 1)
