"""Every registered admin screen answers hostile input with a 4xx or one of the admin's own
redirects (`?e=1` for a bad filter, "does not exist" for an unknown id), never a 500
(issue 21, items 2 and 3): a NUL byte in a list filter, a search, an object path or an
action's selection (PostgreSQL refuses NUL in text), a non-numeric history version,
numbers past 64 bits, quotes and bidi controls. The screens are walked from
`admin.site._registry`, so a model registered later is walked too. This runs on SQLite
and on PostgreSQL (the second half of `make test`), where the NUL cases used to fail."""

import pytest
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.filters import FieldListFilter
from django.contrib.admin.utils import get_fields_from_path, quote
from django.db import DatabaseError, transaction
from django.test import Client, RequestFactory
from simple_history.admin import SimpleHistoryAdmin

from core.demo import load_demo_data
from reasons.services import account_bearer_issue
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ADMINS = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
ADMIN_IDS = [model._meta.label for model, _model_admin in ADMINS]

HOSTILE_VALUES = ["\x00", "abc", "-1", "99999999999999999999", "'", "\u202e"]
# For a lookup on every field beyond the filters': the values a column's type may refuse.
FIELD_VALUES = ["\x00", "abc", "99999999999999999999"]
# The changelist's own parameters: search, ordering, page, the error flag.
CHANGELIST_QUERIES = [
    {"q": "\x00"},
    {"q": "a\x00b"},
    {"o": "abc"},
    {"o": "\x00"},
    {"p": "abc"},
    {"p": "99999999999999999999"},
    {"e": "1"},
    {"_facets": "\x00"},
    {"\x00": "1"},
]
BAD_OBJECT_IDS = ["%00", "a%00b", "abc"]
OBJECT_VIEWS = ["change", "history", "delete"]
BAD_VERSION_IDS = ["abc", "%00", "1.5", "99999999999999999999"]


class _Undo(Exception):
    """Rolls the request's writes (and a transaction PostgreSQL aborted) back."""


def status_of(client, method, url, data=None):
    """The status code of one request and, for a 500, the exception behind it. Each request
    runs in a savepoint that is rolled back, so that a failed statement on PostgreSQL does
    not poison the requests after it, and a successful delete does not empty the walk."""
    try:
        with transaction.atomic():
            response = getattr(client, method)(url, data or {})
            raise _Undo(response)
    except _Undo as undo:
        response = undo.args[0]
    except DatabaseError as exc:  # the request swallowed a database error and went on
        return 500, f"transaction left broken: {exc!r}"
    exc_info = getattr(response, "exc_info", None)
    return response.status_code, repr(exc_info[1]) if exc_info else ""


def url_of(model, suffix=""):
    return f"/admin/{model._meta.app_label}/{model._meta.model_name}/{suffix}"


def filter_parameters(model, model_admin, request):
    """The query parameters of the changelist's filters, as Django's ChangeList builds them
    (whether or not a filter is shown: one with a single choice is not)."""
    parameters = []
    for list_filter in model_admin.get_list_filter(request):
        if callable(list_filter):  # a SimpleListFilter
            spec = list_filter(request, {}, model, model_admin)
        else:
            field, filter_class = (
                list_filter
                if isinstance(list_filter, list | tuple)
                else (list_filter, FieldListFilter.create)
            )
            field_path = field
            field = get_fields_from_path(model, field_path)[-1]
            spec = filter_class(field, request, {}, model, model_admin, field_path=field_path)
        parameters += spec.expected_parameters()
    return list(dict.fromkeys(parameters))


def field_lookups(model, parameters):
    """A lookup on every concrete field that no filter parameter already covers (the admin
    accepts `?username=...` on any field of the model)."""
    return [field.name for field in model._meta.concrete_fields if field.name not in parameters]


@pytest.fixture
def superuser(admin_user):
    """A client of the superuser, with the demo data and a LivePerson session, so that
    lists have rows and filters have choices."""
    load_demo_data(admin=admin_user)
    member = UserFactory(username="maria")
    admin_user.liveperson_accounts.first().members.add(member)
    account_bearer_issue(
        account_id=admin_user.liveperson_accounts.first().pk,
        username="maria",
        password="pw-secret-123",
    )
    client = Client(raise_request_exception=False)
    client.force_login(admin_user)
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    client.request_for_admin = request
    return client


def some_pk(model, model_admin, request):
    """The quoted primary key of an object of the model, or "1" when there is none."""
    obj = model_admin.get_queryset(request).order_by("pk").first()
    return quote(obj.pk) if obj is not None else "1"


@pytest.mark.parametrize(("model", "model_admin"), ADMINS, ids=ADMIN_IDS)
def test_no_hostile_filter_or_path_is_a_server_error(superuser, model, model_admin):
    request = superuser.request_for_admin
    failures = []

    def check(method, url, data=None, allowed=None):
        status, error = status_of(superuser, method, url, data)
        if status >= 500 or (allowed and status not in allowed):
            failures.append(f"{method.upper()} {url} {data or ''!r}: {status} {error}")

    changelist = url_of(model)
    check("get", changelist, allowed={200})
    parameters = filter_parameters(model, model_admin, request)
    for parameter in parameters:
        for value in HOSTILE_VALUES:
            check("get", changelist, {parameter: value})
    for lookup in field_lookups(model, parameters):
        for value in FIELD_VALUES:
            check("get", changelist, {lookup: value})
    for query in CHANGELIST_QUERIES:
        check("get", changelist, query)
    # An action on ids no object has (a NUL among them): the bulk delete's confirmation.
    check(
        "post",
        changelist,
        {"action": "delete_selected", helpers.ACTION_CHECKBOX_NAME: ["\x00", "abc"]},
    )
    for object_id in BAD_OBJECT_IDS:
        for view in OBJECT_VIEWS:
            check("get", url_of(model, f"{object_id}/{view}/"))
        check("post", url_of(model, f"{object_id}/delete/"), {"post": "yes"})
    pk = some_pk(model, model_admin, request)
    for version in BAD_VERSION_IDS:
        check("get", url_of(model, f"{pk}/history/{version}/"))
        check("get", url_of(model, f"%00/history/{version}/"))
    assert not failures, f"{len(failures)} server errors:\n" + "\n".join(failures[:40])


# The admins that serve past versions (`<id>/history/<version>/`, django-simple-history's
# view); a model whose history has no admin view is walked above like any other.
HISTORY_ADMINS = [
    (model, model_admin)
    for model, model_admin in ADMINS
    if isinstance(model_admin, SimpleHistoryAdmin)
]


def test_the_walk_finds_the_models_with_history():
    labels = {model._meta.label for model, _model_admin in HISTORY_ADMINS}
    assert {"statuses.ConversationStatus", "reasons.StatusReason", "community.Tag"} <= labels


@pytest.mark.parametrize(
    ("model", "model_admin"),
    HISTORY_ADMINS,
    ids=[model._meta.label for model, _model_admin in HISTORY_ADMINS],
)
def test_a_non_numeric_history_version_is_not_found(superuser, model, model_admin):
    pk_name = model._meta.pk.attname
    # The newest version of an object that still exists; "1" where there is none.
    version = (
        model.history.filter(**{f"{pk_name}__in": model._default_manager.values("pk")})
        .order_by("-history_id")
        .first()
    )
    pk = quote(getattr(version, pk_name)) if version is not None else "1"
    if version is not None:  # the real version opens: the walk reaches the view
        url = url_of(model, f"{pk}/history/{version.history_id}/")
        assert superuser.get(url).status_code == 200
    for bad in ["abc", "1.5", "1e3", "99999999999999999999"]:
        url = url_of(model, f"{pk}/history/{bad}/")
        for method in ("get", "post"):
            status, error = status_of(superuser, method, url)
            assert status == 404, f"{method.upper()} {url}: {status} {error}"
    # A NUL is refused before anything is looked up, as everywhere in the admin.
    status, error = status_of(superuser, "get", url_of(model, f"{pk}/history/%00/"))
    assert status in (400, 404), error


@pytest.mark.parametrize(
    "url",
    [
        "/admin/statuses/conversationstatus/?category=%00",
        "/admin/reasons/statusreason/?state=%00",
        "/admin/auth/user/?username=%00",
        "/admin/reasons/statusreason/?account__id__exact=%00",
        "/admin/statuses/conversationstatus/%00/change/",
        "/admin/statuses/userstatus/%00/change/",  # a string primary key
        "/admin/reasons/account/a%00b/change/",  # a string primary key
        "/admin/reasons/account/?q=%00",
    ],
)
def test_a_nul_in_an_admin_url_is_a_bad_request(superuser, url):
    # The URLs of the issue: 500 on PostgreSQL before, refused before any query now.
    response = superuser.get(url)
    assert response.status_code == 400
    assert "\x00" not in response.content.decode()


def test_a_nul_is_refused_before_the_login_check_too(client):
    assert client.get("/admin/auth/user/?username=%00").status_code == 400
    assert client.get("/admin/auth/user/").status_code == 302  # to the login page
