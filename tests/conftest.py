import base64
import os
import secrets
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from access.services import api_key_issue
from tests.factories import UserFactory

DB_FIXTURES = {"db", "transactional_db", "live_server", "django_db_setup"}


def pytest_configure(config):
    """`make test` runs the suite in several processes (pytest-xdist's workers gw0, gw1...).
    Each has its own test database (pytest-django names it after the worker), but the Redis
    server of the PostgreSQL pass is one: a worker's cache.clear() (_fresh_cache below) would
    empty the other's throttle counters mid-test. So each worker takes a Redis database of
    its own (scripts/with-redis.sh gives the server enough of them), and the environment
    says so too, for the app servers the live tests start (tests/live.py)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    url = os.environ.get("CACHE_URL", "")
    if not worker or not url.startswith("redis://"):
        return
    from django.conf import settings

    server = url.rsplit("/", 1)[0]  # redis://host:port, without the database number
    os.environ["CACHE_URL"] = f"{server}/{int(worker.removeprefix('gw')) + 1}"
    assert settings.CACHES["default"]["LOCATION"] == url, settings.CACHES
    settings.CACHES["default"]["LOCATION"] = os.environ["CACHE_URL"]


def _utf8(value):
    """`value` with every string made encodable as UTF-8 (a lone surrogate as `\\udc80`)."""
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, dict):
        return {_utf8(key): _utf8(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_utf8(item) for item in value)
    return value


@pytest.hookimpl(wrapper=True)
def pytest_report_to_serializable(config, report):
    """A pytest-xdist worker sends each test's report to the main process as UTF-8: a lone
    surrogate in it (tests put them in bodies and errors on purpose, and the portal's log of
    such an error is captured in the report) would crash the worker. Escaped instead."""
    data = yield
    return None if data is None else _utf8(data)


@pytest.fixture(autouse=True)
def _fresh_cache(request, django_db_blocker):
    """Throttling counters must not leak between tests. The cache is shared (a database
    table, or Redis in the PostgreSQL run), so it is emptied before each test that uses the
    database: what an earlier test left, even a transactional one, is gone."""
    uses_db = request.node.get_closest_marker("django_db") or DB_FIXTURES & set(
        request.fixturenames
    )
    if not uses_db:
        yield
        return
    request.getfixturevalue("django_db_setup")  # the test database, never the real one
    with django_db_blocker.unblock():
        cache.clear()
    yield


@pytest.fixture(autouse=True)
def _fast_and_plain(settings):
    # Fast hashing for test users, and static files without a collectstatic manifest.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def client_api():
    return APIClient()


def basic_header(key, secret):
    return "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()


def token_header(key, secret):
    return f"token {key}:{secret}"


@pytest.fixture(params=["basic", "token"])
def header_form(request):
    """Run a test once with each Libredesk header form."""
    return {"basic": basic_header, "token": token_header}[request.param]


@pytest.fixture
def make_agent(db, header_form):
    """Make a user with the given permissions and an APIClient logged in with its API key."""

    def make(*perms, **user_kwargs):
        user = UserFactory(perms=list(perms), **user_kwargs)
        issued = api_key_issue(user=user, actor=user)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=header_form(issued.api_key, issued.api_secret))
        client.user, client.issued = user, issued
        return client

    return make


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` need real concurrency; on SQLite they are skipped. Tests
    marked `one_database` check the same thing whatever the run's database and cache (the
    browser tests, the vendors' clients against the live server, and the processes that run
    on a SQLite file of their own): `make test` runs them in its SQLite pass, and the
    PostgreSQL pass skips them."""
    if connection.vendor == "postgresql":
        marker, reason = "one_database", "database-independent; `make test`'s SQLite pass runs it"
    else:
        marker, reason = "postgres", "needs PostgreSQL; `make test` runs it"
    skip = pytest.mark.skip(reason=reason)
    for item in items:
        if item.get_closest_marker(marker) is not None:
            item.add_marker(skip)


def api_key_headers(user):
    """New Libredesk API-key credentials of `user`, in the token header form (Libredesk's
    `SurfaceTests.credentials`; Zendesk reuses none of them)."""
    issued = api_key_issue(user=user, actor=user)
    return {"Authorization": token_header(issued.api_key, issued.api_secret)}


def login_token_headers(user):
    """A new Rocket.Chat login of `user`: the header pair."""
    from access.services import login_token_issue

    issued = login_token_issue(user=user)
    return {"X-Auth-Token": issued.auth_token, "X-User-Id": issued.user_id}


def zendesk_token_headers(user):
    """A new Zendesk API token of `user`: `Basic base64("{email}/token:{token}")`."""
    from access.services import zendesk_token_issue

    issued = zendesk_token_issue(user=user)
    return {"Authorization": basic_header(f"{issued.email}/token", issued.token)}


def oauth2_headers(user):
    """A new OAuth2 bearer of `user`, from the tests' client app (the `oauth_app` fixture's,
    made here if no test made it)."""
    from oauth2_provider.models import Application

    application = Application.objects.filter(name=OAUTH_APP).order_by("pk").first()
    return {"Authorization": f"Bearer {issue_bearer(user, application or _oauth_app())}"}


@pytest.fixture
def rc_login(db):
    """Make a user with the given permissions and a client logged in with Rocket.Chat headers."""
    from access.services import login_token_issue

    def make(*perms, **user_kwargs):
        user = UserFactory(perms=list(perms), **user_kwargs)
        issued = login_token_issue(user=user)
        client = APIClient()
        client.credentials(HTTP_X_AUTH_TOKEN=issued.auth_token, HTTP_X_USER_ID=issued.user_id)
        client.user, client.issued = user, issued
        return client

    return make


@pytest.fixture
def zd_login(db):
    """Make a user with the given permissions and a client signed in with a Zendesk API
    token: `Authorization: Basic base64("{email}/token:{token}")`."""
    from access.services import zendesk_token_issue

    def make(*perms, **user_kwargs):
        user = UserFactory(perms=list(perms), **user_kwargs)
        issued = zendesk_token_issue(user=user)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=basic_header(f"{issued.email}/token", issued.token))
        client.user, client.token = user, issued.token
        return client

    return make


LP_PERMS = [
    "reasons.view_statusreason",
    "reasons.add_statusreason",
    "reasons.change_statusreason",
    "reasons.delete_statusreason",
]


@pytest.fixture
def lp_login(db):
    """Make a member of an account (created if missing) and a client with its bearer."""
    from reasons.services import account_bearer_issue
    from tests.factories import AccountFactory

    def make(account_id="acme", perms=tuple(LP_PERMS), **user_kwargs):
        account = AccountFactory(id=account_id)
        user = UserFactory(perms=list(perms), **user_kwargs)
        account.members.add(user)
        issued = account_bearer_issue(
            account_id=account_id, username=user.username, password="pw-secret-123"
        )
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {issued.bearer}")
        client.user, client.account, client.bearer = user, account, issued.bearer
        return client

    return make


TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")
# The database cache's table (settings.CACHES): the credential and reply caches read it, and
# with Redis they run no SQL at all.
CACHE_TABLE = "portal_cache"


def data_statements(captured):
    """The SQL of `captured` (a CaptureQueriesContext) that reads or writes data: not
    transaction control and not the database cache's table (tests/core counts those)."""
    return [
        q["sql"]
        for q in captured
        if CACHE_TABLE not in q["sql"] and not q["sql"].startswith(TRANSACTION_CONTROL)
    ]


@pytest.fixture
def assert_max_data_queries():
    """Like django_assert_max_num_queries, but counts only statements that read or write
    data: BEGIN/SAVEPOINT/RELEASE differ between SQLite, PostgreSQL and the test wrapper."""
    from contextlib import contextmanager

    from django.test.utils import CaptureQueriesContext

    @contextmanager
    def check(limit):
        with CaptureQueriesContext(connection) as ctx:
            yield ctx
        statements = [
            q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(TRANSACTION_CONTROL)
        ]
        assert len(statements) <= limit, "\n".join([f"{len(statements)} > {limit}:", *statements])

    return check


OAUTH_APP = "tests"


def _oauth_app():
    from oauth2_provider.models import Application

    return Application.objects.create(
        name=OAUTH_APP,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_PASSWORD,
    )


@pytest.fixture
def oauth_app(db):
    """A confidential client allowed the password grant."""
    return _oauth_app()


def issue_bearer(user, application):
    """A valid access token for `user`, made directly (no token endpoint round trip)."""
    from oauth2_provider.models import AccessToken

    raw = secrets.token_urlsafe(30)
    AccessToken.objects.create(
        user=user,
        application=application,
        token=raw,
        expires=timezone.now() + timedelta(hours=1),
        scope="read write",
    )
    return raw


@pytest.fixture
def sc_login(oauth_app):
    """Make a user (with permissions) and an APIClient sending its OAuth2 bearer."""

    def make(*perms, **user_kwargs):
        user = UserFactory(perms=list(perms), **user_kwargs)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {issue_bearer(user, oauth_app)}")
        client.user = user
        return client

    return make


@pytest.fixture
def gc_login(db):
    """Make a user with the given permissions and a client logged in as Genesys Cloud's SDK
    does: a client-credentials application acting as the user, whose id and secret are
    traded at `POST /oauth/token` (HTTP Basic, no trailing slash) for the bearer sent as
    `Authorization: Bearer <token>`. Each call takes one token from the token endpoint,
    which counts towards its LOGIN_RATE throttle. With `is_active=False` the user is
    deactivated after the token is taken (no client can be made for an inactive user): the
    bearer then stands for "a client whose user is inactive"."""
    from access.services import oauth_client_issue

    def make(*perms, is_active=True, **user_kwargs):
        user = UserFactory(perms=list(perms), **user_kwargs)
        issued = oauth_client_issue(name=f"Genesys Cloud ({user.username})", user=user)
        response = APIClient().post(
            "/oauth/token",
            {"grant_type": "client_credentials"},
            HTTP_AUTHORIZATION=basic_header(issued.client_id, issued.client_secret),
        )
        assert response.status_code == 200, response.content
        if not is_active:
            user.is_active = False
            user.save()
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {response.json()['access_token']}")
        client.user, client.client_id, client.client_secret = (
            user,
            issued.client_id,
            issued.client_secret,
        )
        return client

    return make
