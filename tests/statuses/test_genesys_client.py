"""Genesys Cloud's own Python SDK, PureCloudPlatformClientV2 (pinned), against a live portal:
it logs in with the client-credentials grant at /oauth/token, then drives `PresenceApi`:
list with each filter, create, get, update (labels replaced whole), delete (deactivation)
and the system presences. No field of any reply reaches it as `outdated_sdk_version`, and
statuses written on the Rocket.Chat wire are there with their mapped presence, and back.
On both databases: the cross-wire tests write through two wires onto one table."""

import json

import pytest
from PureCloudPlatformClientV2 import OrganizationPresenceDefinition, PresenceApi
from PureCloudPlatformClientV2.api_client import ApiClient
from PureCloudPlatformClientV2.rest import ApiException
from rest_framework.test import RequestsClient

from statuses.models import UserStatus
from tests.factories import UserFactory

PERMS = [
    "statuses.view_userstatus",
    "statuses.add_userstatus",
    "statuses.change_userstatus",
    "statuses.delete_userstatus",
]
OUTDATED = "outdated_sdk_version"


@pytest.fixture
def credentials(db):
    from io import StringIO

    from django.core.management import call_command

    def make(username="gcadmin", perms=tuple(PERMS)):
        UserFactory(username=username, perms=list(perms))
        out = StringIO()
        call_command(
            "create_oauth_client",
            f"{username} sdk",
            "--grant",
            "client-credentials",
            "--user",
            username,
            stdout=out,
        )
        issued = json.loads(out.getvalue())
        return issued["client_id"], issued["client_secret"]

    return make


@pytest.fixture
def presence(live_server, credentials):
    client_id, secret = credentials()
    api_client = ApiClient(host=live_server.url).get_client_credentials_token(client_id, secret)
    assert api_client.access_token
    return PresenceApi(api_client)


def no_outdated(definition):
    """Every enum of a definition the SDK parsed is a real value."""
    assert definition.type in ("System", "User"), definition
    assert definition.system_presence not in (None, OUTDATED), definition
    return definition


def test_login_list_create_get_update_delete(presence):
    listing = presence.get_presence_definitions()
    systems = [no_outdated(d) for d in listing.entities]
    assert listing.total == len(systems) == 10 + UserStatus.objects.filter(active=True).count()
    assert [d.system_presence for d in systems[:3]] == ["Available", "Away", "Break"]

    body = OrganizationPresenceDefinition()
    body.language_labels = {"en_US": "Lunch", "fr": "Déjeuner"}
    body.system_presence = "Meal"
    body.division_id = "*"
    created = no_outdated(presence.post_presence_definitions(body))
    assert (created.name, created.type, created.system_presence) == ("Lunch", "User", "Meal")
    assert created.language_labels == {"en_US": "Lunch", "fr": "Déjeuner"}
    assert created.deactivated is False
    assert UserStatus.objects.get(pk=created.id).status_type == "away"

    shown = no_outdated(presence.get_presence_definition(created.id))
    assert shown.to_dict() == created.to_dict()

    shown.language_labels = {"en_US": "Long lunch", "de": "Mittagessen"}
    updated = no_outdated(presence.put_presence_definition(created.id, shown))
    assert updated.language_labels == {"de": "Mittagessen", "en_US": "Long lunch"}
    assert updated.name == "Long lunch"

    assert presence.delete_presence_definition(created.id) is None
    assert no_outdated(presence.get_presence_definition(created.id)).deactivated is True
    off = presence.get_presence_definitions(deactivated="TRUE")
    assert [d.id for d in off.entities] == [created.id]
    on = presence.get_presence_definitions(deactivated="FALSE")
    assert created.id not in [d.id for d in on.entities]


def test_each_filter_through_the_sdk(presence):
    for labels, division in (
        ({"en_US": "North desk", "fr": "Bureau nord"}, "north"),
        ({"en_US": "South desk"}, "south"),
        ({"en_US": "Any desk"}, "*"),
    ):
        body = OrganizationPresenceDefinition()
        body.language_labels = labels
        body.system_presence = "Busy"
        body.division_id = division
        presence.post_presence_definitions(body)

    def names(**kwargs):
        listing = presence.get_presence_definitions(**kwargs)
        return [no_outdated(d).name for d in listing.entities if d.type == "User"]

    assert names() == ["Any desk", "North desk", "South desk"]
    # The SDK joins a list of division ids with commas.
    assert names(division_id=["north"]) == ["Any desk", "North desk"]
    assert names(division_id=["north", "south"]) == ["Any desk", "North desk", "South desk"]
    french = presence.get_presence_definitions(locale_code="fr")
    labels = {d.name: d.language_labels for d in french.entities if d.type == "User"}
    assert labels["North desk"] == {"fr": "Bureau nord"}
    assert labels["South desk"] == {"en_US": "South desk"}
    one = presence.get_presence_definition(
        next(d.id for d in french.entities if d.name == "North desk"), locale_code="fr"
    )
    assert one.language_labels == {"fr": "Bureau nord"}


def test_system_presences(presence):
    presences = presence.get_systempresences()
    assert [p.id for p in presences][:2] == ["AVAILABLE", "AWAY"]
    assert len(presences) == 10
    assert all(p.name not in (None, OUTDATED) for p in presences)


def test_errors_reach_the_sdk_as_api_exceptions(presence, live_server):
    body = OrganizationPresenceDefinition()
    body.language_labels = {"en_US": "Coaching"}
    body.system_presence = "Training"
    presence.post_presence_definitions(body)
    with pytest.raises(ApiException) as conflict:
        presence.post_presence_definitions(body)
    assert conflict.value.status == 409
    assert json.loads(conflict.value.body)["code"] == "general.conflict"
    with pytest.raises(ApiException) as missing:
        presence.get_presence_definition("nope")
    assert missing.value.status == 404
    assert json.loads(missing.value.body)["code"] == "not.found"
    body.language_labels = {"xx": "Coaching"}
    with pytest.raises(ApiException) as invalid:
        presence.post_presence_definitions(body)
    assert json.loads(invalid.value.body)["code"] == "invalid.value"


def test_a_wrong_secret_is_refused_at_login(live_server, credentials):
    client_id, _secret = credentials()
    with pytest.raises(ApiException) as refused:
        ApiClient(host=live_server.url).get_client_credentials_token(client_id, "wrong")
    assert refused.value.status == 401
    assert json.loads(refused.value.body)["error"] == "invalid_client"


def test_a_user_without_permission_gets_missing_permissions(live_server, credentials):
    client_id, secret = credentials("viewer", perms=())
    api_client = ApiClient(host=live_server.url).get_client_credentials_token(client_id, secret)
    with pytest.raises(ApiException) as refused:
        PresenceApi(api_client).get_presence_definitions()
    assert refused.value.status == 403
    assert json.loads(refused.value.body)["code"] == "missing.permissions"


def test_both_wires_see_one_record_both_ways(presence, live_server, credentials):
    from access.services import login_token_issue

    user = UserFactory(perms=["statuses.add_userstatus", "statuses.change_userstatus"])
    issued = login_token_issue(user=user)
    rc = RequestsClient()
    rc.headers.update({"X-Auth-Token": issued.auth_token, "X-User-Id": issued.user_id})
    base = live_server.url

    # Rocket.Chat -> Genesys, with the mapped presence.
    made = rc.post(
        f"{base}/api/v1/custom-user-status.create",
        json={"name": "Heads down", "statusType": "busy"},
    ).json()["customUserStatus"]
    shown = no_outdated(presence.get_presence_definition(made["_id"]))
    assert (shown.name, shown.system_presence, shown.type) == ("Heads down", "Busy", "User")
    assert shown.language_labels == {"en_US": "Heads down"}

    # Genesys -> Rocket.Chat.
    body = OrganizationPresenceDefinition()
    body.language_labels = {"en_US": "Lunch", "fr": "Déjeuner"}
    body.system_presence = "Meal"
    created = presence.post_presence_definitions(body)
    listed = rc.get(f"{base}/api/v1/custom-user-status.list").json()["statuses"]
    mine = next(s for s in listed if s["_id"] == created.id)
    assert (mine["name"], mine["statusType"]) == ("Lunch", "away")

    # A Rocket.Chat rename that keeps `away` keeps Meal and the French label.
    rc.post(
        f"{base}/api/v1/custom-user-status.update",
        json={"_id": created.id, "name": "Late lunch", "statusType": "away"},
    )
    renamed = no_outdated(presence.get_presence_definition(created.id))
    assert renamed.language_labels == {"en_US": "Late lunch", "fr": "Déjeuner"}
    assert renamed.system_presence == "Meal"

    # Deactivated through the SDK: Rocket.Chat no longer lists it.
    presence.delete_presence_definition(created.id)
    listed = rc.get(f"{base}/api/v1/custom-user-status.list").json()["statuses"]
    assert created.id not in [s["_id"] for s in listed]
