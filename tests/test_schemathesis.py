"""Schemathesis over the portal's own OpenAPI document.

Every operation of every surface (config/surfaces.py) is called in-process (the Django
WSGI app, inside the test's database transaction) with real credentials of a user who holds
all of that surface's permissions (the credentials its registry entry names in
`tests.credentials`, or those of another surface whose operations start with the same
security scheme), and with ids of objects that exist, so
that writes and detail routes are reached and not only answered 401, 403 or 404. Each
reply is checked against the document: no 5xx, a documented status code, a body that
matches the documented schema, a documented content type.

The run is deterministic and bounded: derandomized Hypothesis with a fixed seed and no
example database, `MAX_EXAMPLES` generated cases per operation besides Schemathesis's
coverage cases (boundary values, missing and mistyped fields, unexpected methods). The
same requests are sent on every run, on SQLite and on PostgreSQL.
"""

import json
import zlib

import hypothesis
import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils.module_loading import import_string
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck
from rest_framework.settings import api_settings
from schemathesis.checks import not_a_server_error
from schemathesis.core import NotSet
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from community.models import Category, Media, Status, Tag
from config.surfaces import LIBREDESK, LIVEPERSON, ROCKETCHAT, SELFCOMMUNITY
from config.wsgi import application
from reasons.models import Account, StatusReason
from reasons.services import account_bearer_issue
from statuses.models import ConversationStatus, UserStatus
from tests.community.factories import CategoryFactory, MediaFactory, StatusFactory, TagFactory
from tests.conftest import LP_PERMS
from tests.factories import (
    AccountFactory,
    ConversationStatusFactory,
    StatusReasonFactory,
    UserFactory,
    UserStatusFactory,
)
from tests.surfaces import TESTED, openapi_paths

MAX_EXAMPLES = 10
SEED = 20240601

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    content_type_conformance,
]

PASSWORD = "pw-secret-123"  # every UserFactory user's
ACCOUNT = "acme"

LIBREDESK_PERMS = [
    *(f"statuses.{action}_conversationstatus" for action in ("view", "add", "change", "delete")),
    # the agents' API-key routes, for another user's key
    "auth.change_user",
    "access.add_apikey",
]
ROCKETCHAT_PERMS = [
    f"statuses.{action}_userstatus" for action in ("view", "add", "change", "delete")
]
SELFCOMMUNITY_PERMS = [
    f"community.{action}_{model}"
    for model in ("category", "tag", "status", "media")
    for action in ("view", "add", "change", "delete")
]


def load_schema():
    """The document /api/schema/ serves, made in-process (no request, no database)."""
    document = json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True)))
    config = schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "generation": {
                "max-examples": MAX_EXAMPLES,
                "deterministic": True,
                "database": "none",
                # Real credentials are added to every request instead (Portal.headers).
                "with-security-parameters": False,
            },
            # Operations are tested one by one; links between them are not followed.
            "phases": {"stateful": {"enabled": False}},
        }
    )
    loaded = schemathesis.openapi.from_dict(document, config=config)
    loaded.app = application
    return loaded


schema = load_schema()
# The surface of each path of the document (config/surfaces.py): every operation has one.
SURFACE_OF = {path: surface for surface in TESTED for path in openapi_paths(surface)}


def document_operations():
    """(method, path, operation) of every operation of the document."""
    return [
        (method.upper(), path, operation)
        for path, item in schema.raw_schema["paths"].items()
        for method, operation in item.items()
        if isinstance(operation, dict)
    ]


def first_scheme(operation):
    """The first security scheme the operation accepts (its surface's own credentials)."""
    security = operation.get("security", [])
    return next(iter(security[0])) if security and security[0] else None


# Each surface's own security scheme: the first one its operations accept (Rocket.Chat's
# login accepts none, its other routes `authToken`).
SCHEME_OF = {}
for _method, _path, _operation in document_operations():
    if first_scheme(_operation):
        SCHEME_OF.setdefault(SURFACE_OF[_path].tag, first_scheme(_operation))
# The credentials of each such scheme, `(user) -> headers`: those the registry names for the
# first surface whose own scheme it is (`tests.credentials`). LivePerson's, which come with
# the Login Service's session cookie, are made by `Portal.headers` itself.
CREDENTIALS = {}
for _surface in TESTED:
    if _surface.tests.credentials and _surface.tag in SCHEME_OF:
        CREDENTIALS.setdefault(SCHEME_OF[_surface.tag], import_string(_surface.tests.credentials))


def credentials_of(surface):
    """The surface's own credentials, else those of its security scheme (None: none)."""
    if surface.tests.credentials:
        return import_string(surface.tests.credentials)
    return CREDENTIALS.get(SCHEME_OF.get(surface.tag))


def all_permissions_of(surface):
    """Every action on each model whose permissions the registry gives the surface's client
    (`statuses.add_conversationstatus`: view, add, change and delete conversation statuses)."""
    return sorted(
        {
            f"{app}.{action}_{codename.split('_', 1)[1]}"
            for app, codename in (perm.split(".", 1) for perm in surface.tests.perms)
            for action in ("view", "add", "change", "delete")
        }
    )


class Choice:
    """Deterministic choices for one generated case, made from the case as generated.

    The same case always makes the same choices (Hypothesis replays a failing case), and
    they do not depend on the ids of the objects that earlier examples created.
    """

    def __init__(self, case):
        body = None if isinstance(case.body, NotSet) else case.body
        seen = [case.method, case.path_parameters, case.query, dict(case.headers or {}), body]
        self.key = json.dumps(seen, sort_keys=True, default=repr).encode()

    def of(self, salt, options):
        return options[zlib.crc32(self.key + salt.encode()) % len(options)]


class Portal:
    """The users, credentials and objects that the generated requests act on.

    Earlier examples of the same test may have deleted, soft-deleted or renamed any of
    the objects, so each one is checked before every example and made again if needed.
    """

    def __init__(self, oauth_app):
        self.oauth_app = oauth_app
        self.agent = UserFactory(perms=LIBREDESK_PERMS)
        self.other_agent = UserFactory()  # whose API key the agents routes issue and revoke
        self.rc_user = UserFactory(perms=ROCKETCHAT_PERMS)
        self.lp_user = UserFactory(perms=LP_PERMS)
        self.account = AccountFactory(id=ACCOUNT)
        self.account.members.add(self.lp_user)
        AccountFactory(id="elsewhere")  # exists, but lp_user is not a member
        self.sc_user = UserFactory(perms=SELFCOMMUNITY_PERMS, is_staff=True)
        # Who acts on each surface: these three own objects below or need more than their
        # models' permissions (the agents' API-key routes); any other surface (Zendesk, a
        # new one) gets a user of its own with every action on its client's models.
        self.users = {
            LIBREDESK.tag: self.agent,
            ROCKETCHAT.tag: self.rc_user,
            SELFCOMMUNITY.tag: self.sc_user,
        }
        self.ids = {}
        self.kinds = {
            # kind: (the live objects of that kind, how to make one)
            "conversation_status": (
                ConversationStatus.objects.filter(is_default=False),
                ConversationStatusFactory,
            ),
            "user_status": (UserStatus.objects.all(), UserStatusFactory),
            "reason": (
                StatusReason.objects.filter(account_id=ACCOUNT, deleted=False),
                lambda: StatusReasonFactory(account=self.account),
            ),
            "category": (Category.objects.filter(active=True), CategoryFactory),
            "tag": (Tag.objects.filter(type=Tag.Type.CONTRIBUTION), TagFactory),
            "user_tag": (
                Tag.objects.filter(type=Tag.Type.USER),
                lambda: TagFactory(type=Tag.Type.USER),
            ),
            "category_tag": (
                Tag.objects.filter(type=Tag.Type.CATEGORY),
                lambda: TagFactory(type=Tag.Type.CATEGORY),
            ),
            "media": (
                Media.objects.filter(owner=self.sc_user),
                lambda: MediaFactory(owner=self.sc_user),
            ),
            "post": (
                Status.objects.filter(author=self.sc_user, deleted=False),
                lambda: StatusFactory(author=self.sc_user),
            ),
        }

    def existing(self, kind):
        """The id of a live object of `kind`, made again if an earlier example removed it."""
        alive, make = self.kinds[kind]
        pk = self.ids.get(kind)
        if pk is None or not alive.filter(pk=pk).exists():
            self.ids[kind] = pk = make().pk
        return pk

    def headers(self, case):
        """Fresh credentials for the operation's surface: logout and the key routes revoke
        them, so none is reused from an earlier example."""
        surface = SURFACE_OF[case.path]
        if surface is LIVEPERSON:
            issued = account_bearer_issue(
                account_id=ACCOUNT, username=self.lp_user.username, password=PASSWORD
            )
            path = case.path
            if path.endswith("/refresh") and isinstance(case.body, dict) and "csrf" in case.body:
                case.body["csrf"] = issued.csrf  # the session's own (refresh takes no bearer)
            # The Login Service's refresh takes the cookie (plus the body's csrf) only.
            case.cookies = {**(case.cookies or {}), "Session_id": issued.session_id}
            return {"Authorization": f"Bearer {issued.bearer}"}
        # Rocket.Chat's login route has no security of its own: its surface's headers.
        return credentials_of(surface)(self.user_of(surface))

    def user_of(self, surface):
        if surface.tag not in self.users:
            self.users[surface.tag] = UserFactory(perms=all_permissions_of(surface))
        return self.users[surface.tag]

    def prepare(self, case):
        """Point the generated request at real things.

        Path ids become ids of live objects in most examples; the rest keep the generated
        value, so unknown and malformed ids stay covered. In positive examples, ids inside
        bodies, logins, API versions and revisions become real ones too, so that the
        successful branch of each write is reached.
        """
        choice = Choice(case)
        path = case.path_parameters or {}
        for name, kind in PATH_IDS.items():
            if name in path and choice.of(name, [True, True, True, False]):
                if callable(kind):
                    kind = kind(case.path)
                path[name] = str(self.existing(kind))
        if "account_id" in path:
            path["account_id"] = choice.of("account", [ACCOUNT] * 6 + ["elsewhere", "nobody"])
        if "agent_id" in path and choice.of("agent_id", [True, True, False]):
            path["agent_id"] = str(self.other_agent.pk)
        if case.meta is None or case.meta.generation.mode.is_positive:
            if SURFACE_OF[case.path] is LIVEPERSON:
                self.liveperson_version_and_revision(case, choice)
            fix = BODY_FIXES.get((case.method, case.path))
            if fix is not None:
                fix(self, case, choice)

    def liveperson_version_and_revision(self, case, choice):
        """A version the server takes (any number is valid to the schema, but `-1` or
        `1e+20` is a 400), an If-Match that is current or `-1` (else a 409), and mostly
        no X-HTTP-Method-Override (which turns a create into a bulk update or delete)."""
        if case.query and "v" in case.query:
            case.query["v"] = choice.of("v", ["1.0", "2.0", case.query["v"]])
        override = "X-HTTP-Method-Override"
        if case.headers and override in case.headers and choice.of(override, [1, 1, 0]):
            del case.headers[override]
        if case.headers and "If-Match" in case.headers:
            revision = Account.objects.get(pk=ACCOUNT).revision
            case.headers["If-Match"] = choice.of(
                "If-Match", ["-1", str(revision), case.headers["If-Match"]]
            )


PATH_IDS = {
    # path parameter: the kind of object it names (for status_id, it depends on the path)
    "status_id": lambda path: "post" if path.startswith("/api/v2/") else "conversation_status",
    "reason_id": "reason",
    "category_id": "category",
    "tag_id": "tag",
    "media_id": "media",
}


def body_object(case):
    return case.body if isinstance(case.body, dict) else {}


def post_ids(portal, case, choice):
    body = body_object(case)
    if "categories" in body:
        body["categories"] = [portal.existing("category")]
    for field, kind in (("medias", "media"), ("tags", "tag"), ("addressing", "user_tag")):
        if field in body:
            body[field] = choice.of(field, [[], [portal.existing(kind)]])


def category_ids(portal, case, choice):
    body = body_object(case)
    if "parents" in body:
        body["parents"] = []
    if "tags" in body:
        body["tags"] = choice.of("tags", [[], [portal.existing("category_tag")]])


def rocketchat_login(portal, case, choice):
    if isinstance(case.body, dict) and choice.of("login", [True, False]):
        case.body = {"user": portal.rc_user.username, "password": PASSWORD}


def liveperson_login(portal, case, choice):
    if isinstance(case.body, dict) and choice.of("login", [True, False]):
        case.body = {"username": portal.lp_user.username, "password": PASSWORD}


def user_status_id(field):
    def fix(portal, case, choice):
        body = body_object(case)
        if field in body:
            body[field] = portal.existing("user_status")

    return fix


def reason_bulk_update(portal, case, choice):
    """One item, for a reason that exists (several would need distinct texts and ids)."""
    if isinstance(case.body, list) and case.body and isinstance(case.body[0], dict):
        case.body = [{**case.body[0], "id": portal.existing("reason")}]


def reason_bulk_delete(portal, case, choice):
    if isinstance(case.body, list):
        case.body = [portal.existing("reason")]


REASONS = "/api/account/{account_id}/configuration/le-agents/status-reasons"
BODY_FIXES = {
    ("POST", "/api/v2/status/"): post_ids,
    ("PUT", "/api/v2/status/{status_id}/"): post_ids,
    ("POST", "/api/v2/category/"): category_ids,
    ("PUT", "/api/v2/category/{category_id}/"): category_ids,
    ("PATCH", "/api/v2/category/{category_id}/"): category_ids,
    ("POST", "/api/v1/login"): rocketchat_login,
    ("POST", "/api/account/{account_id}/login"): liveperson_login,
    ("POST", "/api/v1/custom-user-status.update"): user_status_id("_id"),
    ("POST", "/api/v1/custom-user-status.delete"): user_status_id("customUserStatusId"),
    ("PUT", REASONS): reason_bulk_update,
    ("DELETE", REASONS): reason_bulk_delete,
}


def test_every_operation_that_needs_credentials_gets_real_ones_of_a_scheme_it_accepts():
    # What the run below relies on: no surface is left to answer 401 to every request.
    # Schemathesis sends each operation its surface's own credentials (LivePerson's come
    # from Portal.headers); the other schemes an operation accepts (Libredesk's Basic form,
    # Zendesk's password, LivePerson's API keys, the session cookie) are not generated.
    called_with = {}
    for method, path, operation in document_operations():
        accepted = {name for requirement in operation.get("security", []) for name in requirement}
        if not accepted:
            continue
        surface = SURFACE_OF[path]
        if surface is LIVEPERSON:  # a bearer and its login session, both sent
            assert accepted & {"livepersonBearer", "livepersonSession"}, f"{method} {path}"
            continue
        assert credentials_of(surface), f"{method} {path}: no credentials"
        assert SCHEME_OF[surface.tag] in accepted, f"{method} {path}: {sorted(accepted)}"
        called_with[surface.tag] = SCHEME_OF[surface.tag]
    assert set(called_with.values()) <= set(CREDENTIALS)
    assert set(called_with) == {surface.tag for surface in TESTED if surface is not LIVEPERSON}


def test_each_surface_reads_with_the_credentials_and_user_the_run_gives_it(portal, client):
    # Not just some header: the user the run acts as, signed in, reads its surface's list.
    for surface in TESTED:
        if surface is not LIVEPERSON:
            user = portal.user_of(surface)
            assert user.has_perms(surface.tests.perms), surface.tag  # and more: all actions
            headers = credentials_of(surface)(user)
            query = f"?{surface.tests.query}" if surface.tests.query else ""
            response = client.get(surface.tests.read + query, headers=headers)
            assert response.status_code == 200, (surface.tag, response.content)


@pytest.fixture
def wsgi_keeps_the_test_connection():
    """Let the WSGI app run inside the test's transaction, as Django's test client does.

    At the end of each request the app closes the database connection when it is not in
    autocommit mode, which inside a test transaction it never is: PostgreSQL would lose
    the transaction (SQLite's in-memory database is never closed)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def portal(oauth_app, settings, tmp_path, wsgi_keeps_the_test_connection):
    settings.MEDIA_ROOT = tmp_path  # generated uploads that are real images are stored
    return Portal(oauth_app)


@schema.parametrize()
@hypothesis.settings(
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # `portal` is shared by the examples on purpose
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ]
)
def test_operation_conforms_to_the_schema(case, portal):
    cache.clear()  # rate limits count per minute: a slow run must not meet one
    portal.prepare(case)
    case.call_and_validate(headers=portal.headers(case), checks=CHECKS)


# --- replies that generated cases seldom or never provoke ---------------------------------
#
# Schemathesis's content-type probes are exempt from the status-code check, an oversized
# body is never generated, and the test above empties the rate-limit counters. These
# replies are still part of the API, so each one is sent on purpose and checked the same way.


def operations_with_a_body():
    return [
        (method.upper(), path)
        for path, item in schema.raw_schema["paths"].items()
        for method, operation in item.items()
        if isinstance(operation, dict) and "requestBody" in operation
    ]


def explicit_case(portal, method, path):
    """A case for one operation, with real ids and a valid API version, and no body."""
    ids = {}
    for name in (parameter.name for parameter in schema[path][method].path_parameters):
        if name == "account_id":
            ids[name] = ACCOUNT
        elif name == "agent_id":
            ids[name] = str(portal.other_agent.pk)
        elif name in PATH_IDS:
            kind = PATH_IDS[name]
            ids[name] = str(portal.existing(kind(path) if callable(kind) else kind))
        else:
            ids[name] = "1"
    query = {"v": "1.0"} if SURFACE_OF[path] is LIVEPERSON else None
    return schema[path][method].Case(path_parameters=ids, query=query)


@pytest.mark.parametrize(("method", "path"), operations_with_a_body())
@pytest.mark.parametrize(
    ("content_type", "size", "status"),
    [("text/plain", 10, 415), ("application/json", 4096, 413)],
    ids=["unsupported-media-type", "too-large"],
)
def test_unreadable_body_gets_a_documented_reply(
    portal, settings, method, path, content_type, size, status
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = settings.COMMUNITY_IMAGE_MAX_BYTES = 1024
    case = explicit_case(portal, method, path)
    headers = {**portal.headers(case), "Content-Type": content_type}
    response = case.call(headers=headers, data=b"x" * size)
    assert response.status_code == status, response.text
    case.validate_response(response, checks=CHECKS)


@pytest.mark.parametrize(
    ("path", "scope", "body"),
    [
        ("/api/v1/login", "rocketchat-login", {"user": "nobody", "password": "wrong"}),
        (
            "/api/account/{account_id}/login",
            "liveperson-login",
            {"username": "nobody", "password": "wrong"},
        ),
    ],
)
def test_throttled_login_gets_a_documented_reply(portal, path, scope, body):
    allowed = int(api_settings.DEFAULT_THROTTLE_RATES[scope].split("/")[0])
    case = explicit_case(portal, "POST", path)
    case.body, case.media_type = body, "application/json"
    assert {case.call().status_code for _ in range(allowed)} == {401}
    response = case.call()
    assert response.status_code == 429, response.text
    case.validate_response(response, checks=CHECKS)
