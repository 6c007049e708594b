"""LivePerson API keys: OAuth 1.0a signatures on the reason routes, checked with a real OAuth
1.0a client (`requests-oauthlib`, what `tap-liveperson` signs with), never with signing
written here; the Application Login and the Domain API with the exact requests
`node-agent-sdk` sends (its ExternalServices.login and CSDSClient, replayed); the key
records themselves (services, encryption at rest, who may make one).

tap-liveperson's client (tap_liveperson/client.py) sends every request as
`requests.request(method, url, headers={'Content-Type': 'application/json'}, auth=OAuth1(
app_key, app_secret, access_token, access_token_secret), params=params, json=body)`; the
`tap_request` helper below is that call.
"""

import json
import time
from io import StringIO

import pytest
import requests
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from requests_oauthlib import OAuth1

from reasons import services
from reasons.models import AccountApiKey, AccountBearer, KeyPermission, StatusReason
from tests.factories import AccountFactory, StatusReasonFactory, UserFactory

LP_PERMS = [
    "reasons.view_statusreason",
    "reasons.add_statusreason",
    "reasons.change_statusreason",
    "reasons.delete_statusreason",
]
BASE = "/api/account/acme/configuration/le-agents/status-reasons"
NOT_AUTHORIZED = {"message": "Not authorized", "errors": []}
AUTH_REQUIRED = {"message": "Authentication required", "errors": []}
# node-agent-sdk's ExternalServices.login: `request.post({url, jar, body, headers:
# {'User-Agent': 'NodeAgentSDK/<version>'}, json: true})`; `json: true` sends the body as JSON
# with `accept: application/json`.
SDK_HEADERS = {"HTTP_USER_AGENT": "NodeAgentSDK/1.2.0", "HTTP_ACCEPT": "application/json"}


@pytest.fixture
def bot(db):
    """A member of `acme` with every reason permission, whom the keys sign in as."""
    account = AccountFactory(id="acme")
    user = UserFactory(username="reporting-bot", perms=LP_PERMS)
    account.members.add(user)
    return user


def make_key(user, permission=KeyPermission.READ_WRITE, account_id="acme"):
    account = AccountFactory(id=account_id)
    return services.api_key_issue(
        account=account, user=user, permission=permission, name="export", actor=None
    )


def oauth1(issued, **kwargs):
    return OAuth1(
        issued.app_key,
        issued.secret,
        issued.access_token,
        issued.access_token_secret,
        **kwargs,
    )


def tap_request(method, url, issued, params=None, body=None, **auth_kwargs):
    """tap-liveperson's LivepersonClient.make_request, as it sends it."""
    return requests.request(
        method,
        url,
        headers={"Content-Type": "application/json"},
        auth=oauth1(issued, **auth_kwargs),
        params=params,
        json=body,
        timeout=10,
    )


# --- the key records ------------------------------------------------------------------------


def test_a_key_keeps_its_secrets_encrypted_and_looks_up_by_its_public_values(bot):
    issued = make_key(bot)
    record = AccountApiKey.objects.get(pk=issued.record.pk)
    values = [issued.app_key, issued.secret, issued.access_token, issued.access_token_secret]
    assert len(set(values)) == 4 and all(len(value) == 32 for value in values)
    assert (record.app_key, record.access_token) == (issued.app_key, issued.access_token)
    stored = " ".join(str(getattr(record, field.attname)) for field in record._meta.fields)
    assert issued.secret not in stored and issued.access_token_secret not in stored
    assert services.api_key_secrets(record) == (issued.secret, issued.access_token_secret)
    field = AccountApiKey._meta.get_field
    assert field("app_key").unique and field("access_token").unique  # indexed look-ups


def test_who_may_make_a_key(bot):
    acme = AccountFactory(id="acme")
    other = AccountFactory(id="other")
    manager = UserFactory(username="manager", perms=["reasons.add_accountapikey"])
    acme.members.add(manager)
    outsider = UserFactory(username="outsider")
    other.members.add(outsider)
    boss = UserFactory(username="boss", perms=["auth.change_user"])
    acme.members.add(boss)
    root = UserFactory(username="root", is_superuser=True)
    acme.members.add(root)

    allowed = services.api_key_issue_allowed
    assert allowed(actor=manager, account=acme, user=manager)  # a key of their own
    assert not allowed(actor=manager, account=acme, user=bot)  # another user: change_user
    assert allowed(actor=boss, account=acme, user=bot)
    assert not allowed(actor=boss, account=acme, user=root)  # a superuser takes a superuser
    assert allowed(actor=root, account=acme, user=root)
    assert not allowed(actor=manager, account=other, user=manager)  # not their account
    assert not allowed(actor=boss, account=acme, user=outsider)  # not a member of acme
    with pytest.raises(services.ForbiddenError):
        services.api_key_issue(account=other, user=outsider, permission="read_only", actor=boss)
    assert not AccountApiKey.objects.exists()


# --- OAuth 1.0a on the reason routes, with requests-oauthlib --------------------------------


def test_tap_liveperson_reads_and_writes_with_a_read_write_key(live_server, bot):
    issued = make_key(bot)
    url = live_server.url + BASE
    created = tap_request("POST", url, issued, {"v": "2.0"}, {"text": "Lunch", "state": "Away"})
    assert created.status_code == 200, created.text
    reason_id = created.json()["id"]
    assert created.headers["ac-revision"] == "1"

    listed = tap_request("GET", url, issued, {"v": "1.0", "include_deleted": "true"})
    assert listed.status_code == 200, listed.text
    assert [reason["text"] for reason in listed.json()] == ["Lunch"]

    replaced = tap_request(
        "PUT", f"{url}/{reason_id}", issued, None, {"text": "Long lunch", "state": "Away"}
    )
    assert replaced.status_code == 200 and replaced.json()["text"] == "Long lunch"
    deleted = tap_request("DELETE", url, issued, {"v": "1.0"}, [reason_id])
    assert deleted.status_code == 200 and deleted.json()[0]["deleted"] is True
    assert StatusReason.objects.get(pk=reason_id).deleted
    # The key acts as its user: the history names the bot.
    assert StatusReason.history.filter(id=reason_id).first().history_user == bot


def test_a_method_override_is_signed_as_the_post_it_is(live_server, bot):
    issued = make_key(bot)
    reason = StatusReasonFactory(account=bot.liveperson_accounts.get(), text="Break")
    reply = requests.post(
        f"{live_server.url}{BASE}/{reason.pk}",
        headers={"X-HTTP-Method-Override": "PUT"},
        json={"text": "Coffee", "state": "Away"},
        auth=oauth1(issued),
        timeout=10,
    )
    assert reply.status_code == 200, reply.text
    assert reply.json()["text"] == "Coffee"


def test_hmac_sha256_is_accepted_and_plaintext_is_not(live_server, bot):
    issued = make_key(bot)
    url = live_server.url + BASE
    assert tap_request("GET", url, issued, signature_method="HMAC-SHA256").status_code == 200
    refused = tap_request("GET", url, issued, signature_method="PLAINTEXT")
    assert refused.status_code == 401 and refused.json() == AUTH_REQUIRED


def test_a_read_only_key_reads_and_gets_403_on_every_write(live_server, bot):
    issued = make_key(bot, KeyPermission.READ_ONLY)
    reason = StatusReasonFactory(account=bot.liveperson_accounts.get(), text="Break")
    url = live_server.url + BASE
    assert tap_request("GET", url, issued).status_code == 200
    assert tap_request("GET", f"{url}/{reason.pk}", issued).status_code == 200
    for method, path, body in [
        ("POST", url, {"text": "Lunch", "state": "Away"}),
        ("PUT", f"{url}/{reason.pk}", {"text": "Lunch", "state": "Away"}),
        ("DELETE", f"{url}/{reason.pk}", None),
        ("DELETE", url, [reason.pk]),
    ]:
        refused = tap_request(method, url if path == url else path, issued, None, body)
        assert refused.status_code == 403, (method, path, refused.text)
        assert refused.json() == NOT_AUTHORIZED
    overridden = requests.post(
        f"{url}/{reason.pk}",
        headers={"X-HTTP-Method-Override": "DELETE"},
        auth=oauth1(issued),
        timeout=10,
    )
    assert overridden.status_code == 403
    assert not StatusReason.objects.filter(deleted=True).exists()


def test_a_key_never_does_more_than_its_user_may(live_server, db):
    account = AccountFactory(id="acme")
    viewer = UserFactory(username="viewer", perms=["reasons.view_statusreason"])
    account.members.add(viewer)
    issued = make_key(viewer, KeyPermission.READ_WRITE)
    url = live_server.url + BASE
    assert tap_request("GET", url, issued).status_code == 200
    refused = tap_request("POST", url, issued, None, {"text": "Lunch", "state": "Away"})
    assert refused.status_code == 403 and refused.json() == NOT_AUTHORIZED


@pytest.mark.parametrize("wrong", ["secret", "access_token", "access_token_secret", "app_key"])
def test_a_wrong_value_of_the_four_is_refused(live_server, bot, wrong):
    issued = make_key(bot)
    values = {
        "client_key": issued.app_key,
        "client_secret": issued.secret,
        "resource_owner_key": issued.access_token,
        "resource_owner_secret": issued.access_token_secret,
    }
    field = {
        "secret": "client_secret",
        "access_token": "resource_owner_key",
        "access_token_secret": "resource_owner_secret",
        "app_key": "client_key",
    }[wrong]
    values[field] = "0" * 32
    reply = requests.get(live_server.url + BASE, auth=OAuth1(**values), timeout=10)
    assert reply.status_code == 401 and reply.json() == AUTH_REQUIRED
    assert reply.headers["WWW-Authenticate"]


def test_a_key_without_its_access_token_is_refused(live_server, bot):
    issued = make_key(bot)
    reply = requests.get(
        live_server.url + BASE, auth=OAuth1(issued.app_key, issued.secret), timeout=10
    )
    assert reply.status_code == 401


def test_the_signature_covers_the_query(live_server, bot):
    issued = make_key(bot)
    request = requests.Request("GET", live_server.url + BASE + "?v=1.0", auth=oauth1(issued))
    prepared = request.prepare()
    prepared.url = live_server.url + BASE + "?v=1.0&include_deleted=true"
    with requests.Session() as session:
        assert session.send(prepared, timeout=10).status_code == 401


def test_a_replayed_request_is_refused(live_server, bot):
    issued = make_key(bot)
    prepared = requests.Request("GET", live_server.url + BASE, auth=oauth1(issued)).prepare()
    with requests.Session() as session:
        assert session.send(prepared, timeout=10).status_code == 200
        replayed = session.send(prepared, timeout=10)
    assert replayed.status_code == 401 and replayed.json() == AUTH_REQUIRED
    # A fresh signature (a new nonce) of the same request still works.
    assert tap_request("GET", live_server.url + BASE, issued).status_code == 200


def test_a_timestamp_outside_the_window_is_refused(live_server, bot):
    issued = make_key(bot)
    stale = str(int(time.time()) - 3600)
    reply = tap_request("GET", live_server.url + BASE, issued, timestamp=stale)
    assert reply.status_code == 401


def test_a_key_works_on_its_own_account_only(live_server, bot):
    issued = make_key(bot)
    other = AccountFactory(id="other")
    other.members.add(bot)
    path = "/api/account/other/configuration/le-agents/status-reasons"
    reply = tap_request("GET", live_server.url + path, issued)
    assert reply.status_code == 403 and reply.json() == NOT_AUTHORIZED
    assert "ac-revision" not in reply.headers
    missing = tap_request("GET", live_server.url + path.replace("other", "nowhere"), issued)
    assert missing.status_code == 403  # whether that account exists or not


@pytest.mark.parametrize("how", ["delete", "deactivate", "leave", "deactivate_user"])
def test_revoking_a_key_takes_effect_at_once(live_server, bot, how):
    issued = make_key(bot)
    url = live_server.url + BASE
    assert tap_request("GET", url, issued).status_code == 200
    key = AccountApiKey.objects.get(pk=issued.record.pk)
    if how == "delete":
        services.api_key_revoke(key=key)
    elif how == "deactivate":
        services.api_key_set_active(key=key, active=False)
    elif how == "leave":
        key.account.members.remove(bot)
    else:
        bot.is_active = False
        bot.save()
    reply = tap_request("GET", url, issued)
    assert reply.status_code == 401 and reply.json() == AUTH_REQUIRED


def test_a_form_body_is_part_of_the_signature(live_server, bot):
    """RFC 5849 signs the fields of a form body: changing one after signing is refused."""
    issued = make_key(bot)
    request = requests.Request(
        "POST", live_server.url + BASE, data={"text": "Lunch", "state": "Away"}, auth=oauth1(issued)
    )
    prepared = request.prepare()
    prepared.body = "text=Dinner&state=Away"
    prepared.headers["Content-Length"] = str(len(prepared.body))
    with requests.Session() as session:
        assert session.send(prepared, timeout=10).status_code == 401
    assert not StatusReason.objects.exists()


# --- Application Login: node-agent-sdk's request, replayed ----------------------------------


def app_login(client, issued, username="reporting-bot", account_id="acme", **changes):
    body = {
        "username": username,
        "appKey": issued.app_key,
        "secret": issued.secret,
        "accessToken": issued.access_token,
        "accessTokenSecret": issued.access_token_secret,
        **changes,
    }
    return client.post(
        f"/api/account/{account_id}/login?v=1.3",
        body,
        content_type="application/json",
        **SDK_HEADERS,
    )


def test_application_login_gives_a_bearer_the_reason_routes_accept(client, bot):
    issued = make_key(bot)
    reply = app_login(client, issued)
    assert reply.status_code == 200, reply.content
    body = reply.json()
    assert list(body) == [
        "csrf",
        "wsuk",
        "config",
        "csdsCollectionResponse",
        "accountData",
        "sessionTTl",
        "bearer",
    ]
    # node-agent-sdk needs config.userId (else "invalid login state"), csrf and bearer.
    assert body["config"]["userId"] == str(bot.pk)
    assert body["config"]["loginName"] == "reporting-bot"
    assert reply.cookies["Session_id"]["httponly"]
    session = AccountBearer.objects.get()
    assert session.api_key_id == issued.record.pk and session.user == bot

    bearer = {"HTTP_AUTHORIZATION": f"Bearer {body['bearer']}"}
    created = client.post(
        BASE, {"text": "Lunch", "state": "Away"}, content_type="application/json", **bearer
    )
    assert created.status_code == 200, created.content
    # node-agent-sdk's refreshSession: the cookie jar and {"csrf"}.
    refreshed = client.post(
        "/api/account/acme/refresh?v=1.3",
        {"csrf": body["csrf"]},
        content_type="application/json",
        **SDK_HEADERS,
    )
    assert refreshed.status_code == 200


def test_a_read_only_keys_session_is_read_only(client, bot):
    issued = make_key(bot, KeyPermission.READ_ONLY)
    body = app_login(client, issued).json()
    view = Permission.objects.get(codename="view_statusreason").pk
    assert body["config"]["userPrivileges"] == [view]
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {body['bearer']}"}
    assert client.get(BASE, **bearer).status_code == 200
    refused = client.post(
        BASE, {"text": "Lunch", "state": "Away"}, content_type="application/json", **bearer
    )
    assert refused.status_code == 403 and refused.json() == NOT_AUTHORIZED


@pytest.mark.parametrize(
    "changes",
    [
        {"secret": "0" * 32},
        {"accessToken": "0" * 32},
        {"accessTokenSecret": "0" * 32},
        {"appKey": "0" * 32},
        {"username": "someone-else"},
        {"secret": None},
        {"accessTokenSecret": 7},
    ],
    ids=lambda changes: next(iter(changes)),
)
def test_a_wrong_application_login_is_401_in_the_login_services_shape(client, bot, changes):
    issued = make_key(bot)
    UserFactory(username="someone-else")
    username = changes.pop("username", "reporting-bot")
    reply = app_login(client, issued, username=username, **changes)
    assert reply.status_code == 401
    error = reply.json()["error"]
    assert error["responseStatus"] == "UNAUTHORIZED" and error["internalCode"] == 0
    assert not AccountBearer.objects.exists()


def test_a_key_logs_into_its_own_account_only(client, bot):
    issued = make_key(bot)
    AccountFactory(id="other").members.add(bot)
    assert app_login(client, issued, account_id="other").status_code == 401


@pytest.mark.parametrize("how", ["delete", "deactivate"])
def test_revoking_a_key_ends_its_sessions_at_once(
    client, bot, how, django_capture_on_commit_callbacks
):
    issued = make_key(bot)
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {app_login(client, issued).json()['bearer']}"}
    assert client.get(BASE, **bearer).status_code == 200  # now in the credential cache
    key = AccountApiKey.objects.get(pk=issued.record.pk)
    with django_capture_on_commit_callbacks(execute=True):
        if how == "delete":
            services.api_key_revoke(key=key)
        else:
            services.api_key_set_active(key=key, active=False)
    reply = client.get(BASE, **bearer)
    assert reply.status_code == 401 and reply.json() == AUTH_REQUIRED


def test_a_user_login_is_unchanged(client, bot):
    reply = client.post(
        "/api/account/acme/login?v=1.3",
        {"username": "reporting-bot", "password": "pw-secret-123"},
        content_type="application/json",
    )
    assert reply.status_code == 200
    assert AccountBearer.objects.get().api_key is None
    assert len(reply.json()["config"]["userPrivileges"]) == 4


# --- the Domain API -------------------------------------------------------------------------


@pytest.mark.parametrize("service", ["accountConfigReadOnly", "accountConfigReadWrite", "agentVep"])
def test_the_domain_api_names_the_portal_for_its_services(client, db, settings, service):
    settings.ALLOWED_HOSTS = ["portal.example.com"]
    reply = client.get(
        f"/api/account/acme/service/{service}/baseURI.json?version=1.0",
        HTTP_HOST="portal.example.com:8443",
    )
    assert reply.status_code == 200
    assert list(reply.json().items()) == [
        ("service", service),
        ("account", "acme"),
        ("baseURI", "portal.example.com:8443"),
    ]


def test_the_domain_api_lists_every_service_as_node_agent_sdk_asks(client, db, settings):
    settings.ALLOWED_HOSTS = ["portal.example.com"]
    # CSDSClient.getAll: `request({url: https://{csdsDomain}/api/account/{accountId}/service/
    # baseURI.json?version=1.0, json: true})`.
    reply = client.get(
        "/api/account/12345678/service/baseURI.json?version=1.0",
        HTTP_HOST="portal.example.com",
        HTTP_ACCEPT="application/json",
    )
    assert reply.status_code == 200
    domains = {entry["service"]: entry["baseURI"] for entry in reply.json()["baseURIs"]}
    assert domains == {
        "agentVep": "portal.example.com",
        "accountConfigReadOnly": "portal.example.com",
        "accountConfigReadWrite": "portal.example.com",
    }
    assert {entry["account"] for entry in reply.json()["baseURIs"]} == {"12345678"}


def test_an_unknown_service_is_404(client, db):
    for service in ["msgHist", "accountconfigreadonly", "sentinel"]:
        reply = client.get(f"/api/account/acme/service/{service}/baseURI.json?version=1.0")
        assert reply.status_code == 404
        error = reply.json()["error"]
        assert error["message"] == f"Service {service} not found"
        assert error["responseStatus"] == "NOT_FOUND" and error["internalCode"] == 0


def test_tap_livepersons_signed_domain_lookup_works(live_server, bot):
    """tap-liveperson signs its Domain API lookups too; the lookup is public, so the
    signature is not read, and its answer leads back to the portal."""
    issued = make_key(bot)
    url = live_server.url + "/api/account/acme/service/accountConfigReadWrite/baseURI.json"
    reply = tap_request("GET", url, issued, {"version": "1.0"})
    assert reply.status_code == 200
    host = reply.json()["baseURI"]
    assert live_server.url.endswith(host)
    assert tap_request("GET", f"http://{host}{BASE}", issued).status_code == 200


# --- a malformed accountId is 400 -----------------------------------------------------------


@pytest.mark.parametrize("account_id", ["ac-me", "a" * 21, "ac%20me", "ac.me"])
def test_a_malformed_account_id_is_400(client, bot, account_id):
    bearer = app_login(client, make_key(bot)).json()["bearer"]
    path = f"/api/account/{account_id}/configuration/le-agents/status-reasons"
    reply = client.get(path, HTTP_AUTHORIZATION=f"Bearer {bearer}")
    assert reply.status_code == 400
    message = "accountId must be 1 to 20 letters, digits or _"
    assert reply.json() == {
        "message": message,
        "errors": [{"field": "accountId", "message": message}],
    }
    assert "ac-revision" not in reply
    # Without a credential the 401 comes first.
    assert client.get(path).status_code == 401
    login = client.post(
        f"/api/account/{account_id}/login?v=1.3",
        {"username": "reporting-bot", "password": "pw-secret-123"},
        content_type="application/json",
    )
    assert login.status_code == 400 and login.json()["error"]["message"] == message
    domain = client.get(f"/api/account/{account_id}/service/agentVep/baseURI.json?version=1.0")
    assert domain.status_code == 400 and domain.json()["error"]["responseStatus"] == "BAD_REQUEST"


def test_the_command_prints_an_application_login_body_once(client, bot):
    out = StringIO()
    call_command("create_liveperson_api_key", "acme", "--user", "reporting-bot", stdout=out)
    body = json.loads(out.getvalue())
    assert list(body) == ["username", "appKey", "secret", "accessToken", "accessTokenSecret"]
    key = AccountApiKey.objects.get(app_key=body["appKey"])
    assert key.permission == KeyPermission.READ_ONLY and key.user == bot
    reply = client.post("/api/account/acme/login?v=1.3", body, content_type="application/json")
    assert reply.status_code == 200
    with pytest.raises(CommandError):
        call_command("create_liveperson_api_key", "acme", "--user", "nobody")


# --- hostile input found by the review of issue 24 -------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [{"username": "réporting"}, {"secret": "s\u00e9cret"}, {"accessTokenSecret": "\ud800"}],
    ids=["accented username", "accented secret", "lone surrogate"],
)
def test_an_application_login_with_non_ascii_values_is_401_not_500(client, bot, changes):
    issued = make_key(bot)
    username = changes.pop("username", "reporting-bot")
    reply = app_login(client, issued, username=username, **changes)
    # A lone surrogate is refused by the strict JSON parser first (400), the rest by the
    # comparison (401): never a 500.
    assert reply.status_code == (400 if "\ud800" in changes.values() else 401), reply.content
    assert not AccountBearer.objects.exists()


def test_a_key_whose_user_has_an_accented_name_logs_in(client, db):
    account = AccountFactory(id="acme")
    user = UserFactory(username="rené", perms=LP_PERMS)
    account.members.add(user)
    issued = make_key(user)
    assert app_login(client, issued, username="rené").status_code == 200


@pytest.mark.parametrize(
    ("authorization", "query"),
    [
        ("OAuth garbage", ""),
        ('OAuth realm="x", oauth_consumer_key', ""),
        ('OAuth oauth_consumer_key="k"', "&x=[1]"),
        ('OAuth oauth_consumer_key="k"', "&x=%ZZ"),
    ],
)
def test_an_unreadable_oauth_request_is_401_not_500(client, bot, authorization, query):
    reply = client.get(f"{BASE}?v=2.0{query}", HTTP_AUTHORIZATION=authorization)
    assert reply.status_code == 401, reply.content
