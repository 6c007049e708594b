"""A LivePerson API key's nonce is good once across servers: two gunicorn processes of the
portal on one database and one shared cache (the database cache here, Redis in the
PostgreSQL half of `make test`), a request signed by `requests-oauthlib` sent to one and
replayed, byte for byte, to the other."""

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from requests_oauthlib import OAuth1

from tests.live import gunicorns, manage, migrated, portal_env

SETUP = """
import json
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from reasons.services import account_ensure, api_key_issue
user = get_user_model().objects.create_user("bot", "bot@example.com", "right-password")
user.user_permissions.add(*Permission.objects.filter(content_type__app_label="reasons"))
account, _ = account_ensure(account_id="acme", members=[user])
issued = api_key_issue(account=account, user=user, permission="read_write", actor=None)
print(json.dumps([issued.app_key, issued.secret, issued.access_token,
                  issued.access_token_secret]))
"""
PATH = "/api/account/acme/configuration/le-agents/status-reasons"


@pytest.fixture(scope="module")
def servers_and_key(tmp_path_factory):
    folder = tmp_path_factory.mktemp("nonce") / "data"
    folder.mkdir()
    env = portal_env(folder / "db.sqlite3")
    migrated(env)
    manage(env, "shell", "-c", "from django.core.cache import cache; cache.clear()")
    key = json.loads(manage(env, "shell", "-c", SETUP).strip().splitlines()[-1])
    with gunicorns(env, 2) as urls:
        yield urls, key


def signed(url, key, method="GET", body=None):
    """A request signed once by requests-oauthlib, to send as it is, more than once."""
    return requests.Request(method, url, json=body, auth=OAuth1(*key)).prepare()


def resend(prepared, url):
    """The same signed request (same nonce, timestamp and signature) to another server."""
    copy = prepared.copy()
    copy.url = url + prepared.path_url
    return copy


def test_a_nonce_used_on_one_server_is_refused_on_the_other(servers_and_key):
    (first, second), key = servers_and_key
    with requests.Session() as session:
        read = signed(first + PATH, key)
        assert session.send(read, timeout=10).status_code == 200
        replayed = session.send(resend(read, second), timeout=10)
        assert replayed.status_code == 401
        assert replayed.json() == {"message": "Authentication required", "errors": []}

        # A write replayed to the other server writes nothing twice.
        write = signed(second + PATH, key, "POST", {"text": "Lunch", "state": "Away"})
        assert session.send(write, timeout=10).status_code == 200
        assert session.send(resend(write, first), timeout=10).status_code == 401
        listed = session.send(signed(first + PATH, key), timeout=10)
    assert [reason["text"] for reason in listed.json()] == ["Lunch"]


def test_the_same_nonce_raced_to_both_servers_gets_in_once(servers_and_key):
    (first, second), key = servers_and_key
    for _attempt in range(5):
        prepared = signed(first + PATH, key)
        copies = [prepared, resend(prepared, second)] * 2

        def send(request):
            with requests.Session() as session:
                return session.send(request, timeout=10).status_code

        with ThreadPoolExecutor(len(copies)) as pool:
            statuses = sorted(pool.map(send, copies))
        assert statuses == [200, 401, 401, 401], statuses
