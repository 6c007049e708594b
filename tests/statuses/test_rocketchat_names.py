"""Rocket.Chat: look-alike names are already in use; invisible names are required fields."""

import pytest

from statuses.models import UserStatus
from tests.names import INVISIBLE_NAMES, SAME_NAMES
from tests.statuses.test_rocketchat_api import ADD, CHANGE, CREATE, UPDATE, assert_rc_error

pytestmark = pytest.mark.django_db

M = "insertOrUpdateUserStatus"
IN_USE = "Custom_User_Status_Error_Name_Already_In_Use"
IN_USE_ERROR = f"The custom user status name is already in use [{IN_USE}]"


@pytest.mark.parametrize(("first", "second"), SAME_NAMES)
def test_create_of_a_look_alike_name_is_in_use(rc_login, first, second):
    agent = rc_login(ADD)
    response = agent.post(CREATE, {"name": first, "statusType": "busy"}, format="json")
    assert response.status_code == 200, response.content
    response = agent.post(CREATE, {"name": second, "statusType": "away"}, format="json")
    assert_rc_error(response, IN_USE, IN_USE_ERROR, {"method": M})
    assert UserStatus.objects.count() == 1


@pytest.mark.parametrize(("first", "second"), SAME_NAMES)
def test_update_to_a_look_alike_name_is_in_use(rc_login, first, second):
    agent = rc_login(ADD, CHANGE)
    agent.post(CREATE, {"name": first, "statusType": "busy"}, format="json")
    other = agent.post(CREATE, {"name": "Other", "statusType": "busy"}, format="json")
    other_id = other.json()["customUserStatus"]["_id"]
    response = agent.post(
        UPDATE, {"_id": other_id, "name": second, "statusType": "busy"}, format="json"
    )
    assert_rc_error(response, IN_USE, IN_USE_ERROR, {"method": M})
    assert UserStatus.objects.get(pk=other_id).name == "Other"


@pytest.mark.parametrize("name", INVISIBLE_NAMES)
def test_an_invisible_name_is_required(rc_login, name):
    UserStatus.objects.create(name="Lunch", status_type="away")
    response = rc_login(ADD).post(CREATE, {"name": name, "statusType": "busy"}, format="json")
    assert_rc_error(
        response,
        "error-the-field-is-required",
        "The field Name is required [error-the-field-is-required]",
        {"method": M, "field": "Name"},
    )
    assert UserStatus.objects.count() == 1
