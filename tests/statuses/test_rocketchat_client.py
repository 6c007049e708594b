"""The real `rocketchat-API` client against a live portal."""

import pytest
from rocketchat_API.APIExceptions.RocketExceptions import (
    RocketApiException,
    RocketAuthenticationException,
)
from rocketchat_API.rocketchat import RocketChat

from statuses.models import UserStatus
from tests.factories import UserFactory

# A vendor's client against the live server: what it sends and reads does not depend on
# the database behind it (the API's own tests run on both), so once is enough.
pytestmark = pytest.mark.one_database

PERMS = ["statuses.add_userstatus", "statuses.change_userstatus", "statuses.delete_userstatus"]


@pytest.fixture
def rocket(live_server):
    UserFactory(username="chatadmin", perms=PERMS)
    return RocketChat("chatadmin", "pw-secret-123", server_url=live_server.url)


def test_client_full_flow(rocket):
    created = [
        rocket.custom_user_status_create(name=f"Meeting {i:02d}", status_type="busy")
        for i in range(55)
    ]
    assert all(reply["success"] for reply in created)
    first_id = created[0]["customUserStatus"]["_id"]

    # The client's generator pages with offset/count=50 until a short page.
    listed = list(rocket.custom_user_status_list())
    assert [s["name"] for s in listed] == [f"Meeting {i:02d}" for i in range(55)]

    updated = rocket.custom_user_status_update(first_id, "Focus time", "away")
    assert updated["customUserStatus"]["name"] == "Focus time"
    assert UserStatus.objects.get(pk=first_id).status_type == "away"

    assert rocket.custom_user_status_delete(first_id) == {"success": True}
    assert not UserStatus.objects.filter(pk=first_id).exists()
    assert len(list(rocket.custom_user_status_list())) == 54

    with pytest.raises(RocketApiException) as caught:
        rocket.custom_user_status_create(name="Bad type", status_type="Offline")
    assert caught.value.error_type == "error-input-is-not-a-valid-field"
    assert caught.value.status_code == 400

    with pytest.raises(RocketApiException) as caught:
        rocket.custom_user_status_create(name="Meeting 01", status_type="busy")
    assert caught.value.error_type == "Custom_User_Status_Error_Name_Already_In_Use"

    rocket.logout()
    with pytest.raises(RocketApiException) as caught:  # the dead token is refused
        rocket.custom_user_status_create(name="After logout", status_type="busy")
    assert caught.value.status_code == 401
    assert caught.value.error == "You must be logged in to do this."
    assert not UserStatus.objects.filter(name="After logout").exists()


def test_client_wrong_password(live_server, db):
    UserFactory(username="chatadmin")
    with pytest.raises(RocketAuthenticationException):
        RocketChat("chatadmin", "wrong", server_url=live_server.url)
