"""The credential cache (access/credential_cache.py): a repeated request costs no
credential or permission query, and every way of ending a credential still works at once."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from oauth2_provider.models import AccessToken

from access.models import ApiKey, LoginToken
from access.services import api_key_revoke, login_token_revoke
from core import cache as generations
from tests.conftest import CACHE_TABLE

pytestmark = pytest.mark.django_db

LD = "/api/v1/statuses"
RC = "/api/v1/custom-user-status.list"
SC = "/api/v2/status/"
LP = "/api/account/acme/configuration/le-agents/status-reasons?v=1.0"


def data_queries(client, url):
    """The reply's status and the SQL it ran outside the cache table."""
    with CaptureQueriesContext(connection) as ctx:
        status = client.get(url).status_code
    return status, [q["sql"] for q in ctx.captured_queries if CACHE_TABLE not in q["sql"]]


def logins(make_agent, rc_login, sc_login, lp_login):
    return {
        LD: make_agent("statuses.view_conversationstatus"),
        RC: rc_login("statuses.view_userstatus"),
        SC: sc_login("community.view_status"),
        LP: lp_login(),
    }


@pytest.mark.parametrize("url", [LD, RC, SC, LP])
def test_a_repeated_request_reads_no_credential_and_no_permission(
    url, make_agent, rc_login, sc_login, lp_login
):
    client = logins(make_agent, rc_login, sc_login, lp_login)[url]
    assert client.get(url).status_code == 200
    status, queries = data_queries(client, url)
    assert status == 200
    tables = " ".join(queries)
    for table in ("access_apikey", "access_logintoken", "access_accountbearer"):
        assert table not in tables, queries
    assert "oauth2_provider_accesstoken" not in tables and "auth_permission" not in tables
    assert 'FROM "auth_user"' not in tables  # (a post's author may be joined)


def test_cached_entries_hold_no_secret_and_no_password_hash(
    make_agent, rc_login, sc_login, lp_login
):
    from django.core.cache import cache

    clients = logins(make_agent, rc_login, sc_login, lp_login)
    for url, client in clients.items():
        assert client.get(url).status_code == 200
    entries = cache.get_many([key for key in _cache_keys() if "credential:" in key])
    assert len(entries) == 4
    stored = repr([vars(user) for _tokens, _until, (user, _auth, _exp) in entries.values()])
    stored += repr([vars(auth) for *_, (_u, auth, _e) in entries.values() if auth is not None])
    secrets_in_clear = [
        clients[LD].issued.api_secret,
        clients[RC].issued.auth_token,
        clients[LP].bearer,
        AccessToken.objects.get(user=clients[SC].user).token,
    ]
    for secret in secrets_in_clear:
        assert secret not in stored
    for client in clients.values():
        assert client.user.password not in stored
    for *_, (_user, auth, _exp) in entries.values():  # no hash of a secret either
        names = set(vars(auth)) if auth is not None else set()
        assert not {n for n in names if n.endswith("_hash")} | (names & {"token_checksum"})
        assert auth is None or "application" not in auth._state.fields_cache
    # What was left out is read again when needed, and a save leaves it alone.
    user = next(iter(entries.values()))[2][0]
    user.first_name = "Changed"
    user.save()
    user.refresh_from_db()
    assert user.password and user.first_name == "Changed"


def test_a_rocketchat_logout_with_a_cached_credential_revokes_the_token(rc_login):
    client = rc_login("statuses.view_userstatus")
    assert client.get(RC).status_code == 200  # cached now
    assert client.post("/api/v1/logout").status_code == 200
    assert client.get(RC).status_code == 401


def test_a_revoked_api_key_stops_at_once(make_agent):
    client = make_agent("statuses.view_conversationstatus")
    assert client.get(LD).status_code == 200
    api_key_revoke(user=client.user)
    assert client.get(LD).status_code == 401


def test_a_replaced_api_key_stops_at_once(make_agent):
    from access.services import api_key_issue

    client = make_agent("statuses.view_conversationstatus")
    assert client.get(LD).status_code == 200
    api_key_issue(user=client.user, actor=client.user)
    assert client.get(LD).status_code == 401


def test_a_deactivated_user_stops_at_once(make_agent, rc_login, sc_login, lp_login):
    for url, client in logins(make_agent, rc_login, sc_login, lp_login).items():
        assert client.get(url).status_code == 200
        client.user.is_active = False
        client.user.save()
        assert client.get(url).status_code == 401, url


@pytest.mark.parametrize("how", ["user", "group"])
def test_a_withdrawn_permission_counts_at_once(lp_login, how):
    client = lp_login(perms=())
    permission = Permission.objects.get(codename="view_statusreason")
    group = Group.objects.create(name="readers")
    if how == "user":
        client.user.user_permissions.add(permission)
    else:
        group.permissions.add(permission)
        client.user.groups.add(group)
    assert client.get(LP).status_code == 200
    if how == "user":
        client.user.user_permissions.remove(permission)
    else:
        group.permissions.clear()
    assert client.get(LP).status_code == 403


def test_a_granted_permission_counts_at_once(lp_login):
    client = lp_login(perms=())
    assert client.get(LP).status_code == 403  # a refusal by permission: the caller is known
    client.user.user_permissions.add(Permission.objects.get(codename="view_statusreason"))
    assert client.get(LP).status_code == 200


def test_a_rocketchat_logout_and_a_deleted_token_stop_at_once(rc_login):
    client = rc_login("statuses.view_userstatus")
    assert client.get(RC).status_code == 200
    assert login_token_revoke(token=client.issued.auth_token)
    assert client.get(RC).status_code == 401
    other = rc_login("statuses.view_userstatus")
    assert other.get(RC).status_code == 200
    LoginToken.objects.filter(user=other.user).delete()
    assert other.get(RC).status_code == 401


def test_an_oauth2_token_revoked_or_deleted_stops_at_once(sc_login):
    client = sc_login("community.view_status")
    assert client.get(SC).status_code == 200
    AccessToken.objects.get(user=client.user).revoke()
    assert client.get(SC).status_code == 401


def test_a_liveperson_member_removed_or_logged_out_stops_at_once(lp_login):
    client = lp_login()
    assert client.get(LP).status_code == 200
    client.account.members.remove(client.user)
    assert client.get(LP).status_code == 401
    again = lp_login(account_id="other")
    url = LP.replace("acme", "other")
    assert again.get(url).status_code == 200
    again.account.delete()
    assert again.get(url).status_code == 401


def test_an_entry_never_outlives_its_credential(rc_login, settings):
    """A login token that expires within the cache's lifetime is refused once it expires."""
    settings.LOGIN_TOKEN_TTL_DAYS = 1
    client = rc_login("statuses.view_userstatus")
    token = LoginToken.objects.get(user=client.user)
    # Issued 1 day less 2 seconds ago: 2 seconds left, although entries live 60 s.
    LoginToken.objects.filter(pk=token.pk).update(
        created_at=timezone.now() - timedelta(days=1) + timedelta(seconds=2)
    )
    assert client.get(RC).status_code == 200
    from django.core.cache import cache

    entries = [
        value
        for key, value in cache.get_many([k for k in _cache_keys() if "credential:" in k]).items()
    ]
    assert entries and all(
        valid_until - timezone.now().timestamp() <= 3 for _, valid_until, _v in entries
    )


def _cache_keys():
    from django.core.cache import cache

    if hasattr(cache, "_cache") and hasattr(cache._cache, "get_client"):  # Redis
        client = cache._cache.get_client(None)
        return [key.decode().split(":", 2)[-1] for key in client.keys("*credential:*")]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cache_key FROM {CACHE_TABLE}")  # noqa: S608
        return [row[0].split(":", 2)[-1] for row in cursor.fetchall()]


def test_a_bump_retires_the_generation_now_and_once_more_after_the_commit(
    django_capture_on_commit_callbacks,
):
    """Whatever another process cached while the transaction was open is retired when it
    commits. The token may be missing when the write deletes it (an earlier bump), and a
    reader may start a new one and cache the data from before the commit under it: the
    deletion after the commit retires that too, whatever the cache backend."""
    from django.core.cache import cache

    key = generations.generation_key("credentials")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        ApiKey.objects.filter(pk=0).delete()  # nothing: no signal, no bump
        assert not callbacks
        generations.bump("credentials")  # deletes nothing: no token yet
        assert cache.get(key) is None
        cache.add(key, "started by a reader meanwhile")
    assert len(callbacks) == 1
    assert cache.get(key) is None


def test_migrate_retires_every_watched_generation():
    """post_migrate (which Django sends for apps with models, not for core) retires the
    generations of the lists and credentials, the LivePerson accounts' lists included."""
    from django.core.cache import cache
    from django.core.management.sql import emit_post_migrate_signal

    names = ["credentials", "conversation-statuses", "user-statuses", "community-statuses"]
    names.append("liveperson-reasons")
    keys = [generations.generation_key(name) for name in names]
    cache.set_many(dict.fromkeys(keys, "before"), None)
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert cache.get_many(keys) == {}


def test_the_cache_can_be_turned_off(make_agent, settings):
    settings.CREDENTIAL_CACHE_SECONDS = 0
    client = make_agent("statuses.view_conversationstatus")
    assert client.get(LD).status_code == 200
    status, queries = data_queries(client, LD)
    assert status == 200 and any("access_apikey" in q for q in queries)
