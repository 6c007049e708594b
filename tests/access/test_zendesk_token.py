"""Zendesk API tokens and the two Zendesk Basic forms (CONTRACTS.md §5 "Authentication"):
`{email}/token:{token}` and `{email}:{password}`, checked through a tiny DRF view that
lists both classes the way the Zendesk views do (token first)."""

import base64
import json
import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from access.authentication import ZendeskPasswordAuthentication, ZendeskTokenAuthentication
from access.models import ZendeskApiToken
from access.services import (
    api_key_issue,
    hash_secret,
    zendesk_token_find,
    zendesk_token_issue,
)
from core.errors import DomainError
from tests.conftest import data_statements
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pw-secret-123"


class WhoAmI(APIView):
    authentication_classes = [ZendeskTokenAuthentication, ZendeskPasswordAuthentication]
    permission_classes = [IsAuthenticated]

    def get(self, request):
        auth = request.auth
        return Response({"user": request.user.pk, "auth": None if auth is None else auth.pk})


def basic(user_part, secret):
    return "Basic " + base64.b64encode(f"{user_part}:{secret}".encode()).decode()


def call(authorization=None, address="203.0.113.5"):
    factory = APIRequestFactory()
    headers = {} if authorization is None else {"HTTP_AUTHORIZATION": authorization}
    return WhoAmI.as_view()(factory.get("/whoami", REMOTE_ADDR=address, **headers))


def token_call(email, token, **kwargs):
    return call(basic(f"{email}/token", token), **kwargs)


def assert_refused(response, detail="Invalid credential"):
    assert response.status_code == 401, response.data
    assert response["WWW-Authenticate"] == 'Basic realm="Web Password"'
    assert str(response.data["detail"]) == detail


@pytest.fixture
def maria():
    return UserFactory(username="maria", email="Maria@Example.com")


# --- issuing --------------------------------------------------------------------------


def test_a_token_is_40_alphanumerics_shown_once_and_stored_hashed(maria):
    issued = zendesk_token_issue(user=maria)
    assert re.fullmatch(r"[A-Za-z0-9]{40}", issued.token)
    assert (issued.email, issued.user_id) == ("Maria@Example.com", maria.pk)
    row = ZendeskApiToken.objects.get()
    assert row.user == maria and row.token_hash == hash_secret(issued.token)
    assert issued.token not in {getattr(row, f.attname) for f in row._meta.concrete_fields}
    assert row.last_used_at is None


def test_a_new_token_leaves_the_earlier_ones_working(maria):
    first, second = zendesk_token_issue(user=maria), zendesk_token_issue(user=maria)
    assert first.token != second.token
    assert zendesk_token_find(email=maria.email, token=first.token).user == maria
    assert zendesk_token_find(email=maria.email, token=second.token).user == maria


@pytest.mark.parametrize("email", ["", "   "])
def test_a_user_without_email_gets_no_token(email):
    user = UserFactory(username="noemail", email=email)
    with pytest.raises(DomainError) as refused:
        zendesk_token_issue(user=user)
    assert refused.value.code == "required" and refused.value.field == "email"
    assert "noemail has no email address" in refused.value.message
    assert not ZendeskApiToken.objects.exists()


# --- finding a token ------------------------------------------------------------------


def test_find_matches_the_email_case_insensitively_among_active_users(maria):
    issued = zendesk_token_issue(user=maria)
    for email in ("maria@example.com", "MARIA@EXAMPLE.COM", "Maria@Example.com"):
        assert zendesk_token_find(email=email, token=issued.token).user == maria
    assert zendesk_token_find(email="maria@example.co", token=issued.token) is None
    assert zendesk_token_find(email="%@example.com", token=issued.token) is None  # no LIKE
    other_last = "y" if issued.token.endswith("x") else "x"
    assert zendesk_token_find(email=maria.email, token=issued.token[:-1] + other_last) is None
    assert zendesk_token_find(email=maria.email, token="") is None
    assert zendesk_token_find(email=maria.email, token="a\x00" * 20) is None


def test_a_token_works_only_with_its_own_users_email(maria):
    other = UserFactory(username="olga", email="olga@example.com")
    issued = zendesk_token_issue(user=maria)
    assert zendesk_token_find(email=other.email, token=issued.token) is None


def test_an_email_two_active_users_share_is_refused(maria):
    issued = zendesk_token_issue(user=maria)
    twin = UserFactory(username="maria2", email="maria@EXAMPLE.com")
    assert zendesk_token_find(email=maria.email, token=issued.token) is None
    twin.is_active = False
    twin.save()
    assert zendesk_token_find(email=maria.email, token=issued.token).user == maria


def test_the_token_of_an_inactive_user_is_refused(maria):
    issued = zendesk_token_issue(user=maria)
    maria.is_active = False
    maria.save()
    assert zendesk_token_find(email=maria.email, token=issued.token) is None


def test_find_is_one_query_and_records_last_use_once_a_minute(maria):
    issued = zendesk_token_issue(user=maria)
    with CaptureQueriesContext(connection) as ctx:
        found = zendesk_token_find(email=maria.email, token=issued.token)
    reads = [q for q in data_statements(ctx.captured_queries) if q.startswith("SELECT")]
    assert len(reads) == 1 and "token_hash" in reads[0]
    first = found.last_used_at
    assert first is not None and timezone.now() - first < timedelta(seconds=5)
    assert ZendeskApiToken.objects.get().last_used_at == first
    with CaptureQueriesContext(connection) as ctx:
        zendesk_token_find(email=maria.email, token=issued.token)
    assert not any(q.startswith("UPDATE") for q in data_statements(ctx.captured_queries))
    ZendeskApiToken.objects.update(last_used_at=first - timedelta(minutes=2))
    zendesk_token_find(email=maria.email, token=issued.token)
    assert ZendeskApiToken.objects.get().last_used_at > first


def test_the_token_lookup_uses_the_unique_index_on_postgresql(maria):
    if connection.vendor != "postgresql":
        pytest.skip("EXPLAIN's wording is PostgreSQL's")
    issued = zendesk_token_issue(user=maria)
    with CaptureQueriesContext(connection) as ctx:
        zendesk_token_find(email=maria.email, token=issued.token)
    (select,) = [q for q in ctx.captured_queries if q["sql"].startswith("SELECT")]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + select["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "access_zendeskapitoken_token_hash" in plan, plan


# --- the token class --------------------------------------------------------------------


def test_the_token_form_authenticates_its_user(maria):
    issued = zendesk_token_issue(user=maria)
    response = token_call("maria@EXAMPLE.com", issued.token)
    assert response.status_code == 200
    assert response.data == {"user": maria.pk, "auth": issued.record.pk}


def test_a_wrong_token_or_another_users_email_is_refused(maria):
    issued = zendesk_token_issue(user=maria)
    UserFactory(username="olga", email="olga@example.com")
    assert_refused(token_call(maria.email, "x" * 40))
    assert_refused(token_call("olga@example.com", issued.token))


def test_a_shared_email_and_an_inactive_user_are_refused(maria):
    issued = zendesk_token_issue(user=maria)
    twin = UserFactory(username="twin", email="maria@example.com")
    assert_refused(token_call(maria.email, issued.token))
    twin.delete()
    assert token_call(maria.email, issued.token).status_code == 200
    maria.is_active = False
    maria.save()
    assert_refused(token_call(maria.email, issued.token))


def test_a_revoked_token_stops_at_once_even_when_cached(maria, settings):
    settings.CREDENTIAL_CACHE_SECONDS = 60
    issued = zendesk_token_issue(user=maria)
    assert token_call(maria.email, issued.token).status_code == 200
    ZendeskApiToken.objects.get().delete()  # the admin's revoke
    assert_refused(token_call(maria.email, issued.token))


def test_a_token_request_costs_one_query_then_a_cache_hit(maria, settings):
    settings.CREDENTIAL_CACHE_SECONDS = 60
    issued = zendesk_token_issue(user=maria)
    header = basic(f"{maria.email}/token", issued.token)
    with CaptureQueriesContext(connection) as ctx:
        assert call(header).status_code == 200
    statements = data_statements(ctx.captured_queries)
    token_reads = [q for q in statements if "access_zendeskapitoken" in q and "SELECT" in q]
    assert len(token_reads) == 1, statements
    with CaptureQueriesContext(connection) as ctx:
        assert call(header).status_code == 200
    assert data_statements(ctx.captured_queries) == []


def test_without_the_cache_a_token_request_is_one_query(maria, settings):
    settings.CREDENTIAL_CACHE_SECONDS = 0
    issued = zendesk_token_issue(user=maria)
    ZendeskApiToken.objects.update(last_used_at=timezone.now())  # no write this time
    with CaptureQueriesContext(connection) as ctx:
        assert token_call(maria.email, issued.token).status_code == 200
    assert len(data_statements(ctx.captured_queries)) == 1


# --- the header, whichever form -----------------------------------------------------------


@pytest.mark.parametrize(
    "authorization",
    [
        "Basic !!!not-base64!!!",
        "Basic " + base64.b64encode(b"no-colon-at-all").decode(),
        "Basic " + base64.b64encode(b"\xff\xfe:x").decode(),
        "Basic",
        "Basic a b",
    ],
)
def test_a_malformed_basic_header_is_refused(authorization):
    assert_refused(call(authorization))


def test_no_header_or_another_scheme_is_not_authenticated():
    for authorization in (None, "Bearer abc", "token key:secret"):
        response = call(authorization)
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == 'Basic realm="Web Password"'
        assert response.data["detail"].code == "not_authenticated"


def test_libredesk_key_and_secret_do_not_authenticate_here(maria):
    issued = api_key_issue(user=maria, actor=None)
    assert_refused(call(basic(issued.api_key, issued.api_secret)))


def test_each_class_answers_only_its_own_form(maria):
    factory = APIRequestFactory()
    token_form = factory.get("/", HTTP_AUTHORIZATION=basic("a@b.c/token", "x"))
    password_form = factory.get("/", HTTP_AUTHORIZATION=basic("a@b.c", "x"))
    from rest_framework.request import Request

    assert ZendeskPasswordAuthentication().authenticate(Request(token_form)) is None
    assert ZendeskTokenAuthentication().authenticate(Request(password_form)) is None


# --- the password class -----------------------------------------------------------------


def test_the_password_form_authenticates_by_email(maria):
    response = call(basic("maria@example.COM", PASSWORD))
    assert response.status_code == 200
    assert response.data == {"user": maria.pk, "auth": None}


def test_the_password_form_refuses_wrong_unknown_shared_and_inactive(maria):
    assert_refused(call(basic(maria.email, "wrong")))
    assert_refused(call(basic("nobody@example.com", PASSWORD)))
    assert_refused(call(basic("maria", PASSWORD)))  # a username is not an email
    twin = UserFactory(username="twin", email="MARIA@example.com")
    assert_refused(call(basic(maria.email, PASSWORD)))
    twin.delete()
    maria.is_active = False
    maria.save()
    assert_refused(call(basic(maria.email, PASSWORD)))


def test_wrong_passwords_lock_the_user_out_from_that_address(maria, settings):
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        assert_refused(call(basic(maria.email, "wrong")))
    locked = "Too many failed sign-ins as this user from your address."
    assert_refused(call(basic(maria.email, "wrong")), locked)
    assert AccessAttempt.objects.get(username="maria").failures_since_start == limit
    # The right password is refused too, from that address only.
    assert_refused(call(basic(maria.email, PASSWORD)), locked)
    assert call(basic(maria.email, PASSWORD), address="198.51.100.7").status_code == 200


def test_the_lockout_is_the_one_the_admin_login_shares(maria, settings):
    maria.is_staff = True
    maria.save()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        call(basic(maria.email, "wrong"), address="127.0.0.1")
    admin = Client().post("/admin/login/", {"username": "maria", "password": PASSWORD})
    assert admin.status_code == 429


def test_the_lockout_leaves_no_mark_for_axes_middleware(maria, settings):
    # axes' middleware turns a request marked `axes_locked_out` into the sign-in pages' HTML
    # lockout page; the API answers the lockout itself, in its own shape.
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        call(basic(maria.email, "wrong"))
    request = APIRequestFactory().get(
        "/whoami", REMOTE_ADDR="203.0.113.5", HTTP_AUTHORIZATION=basic(maria.email, "wrong")
    )
    response = WhoAmI.as_view()(request)
    assert response.status_code == 401 and response.data["detail"].code == "locked_out"
    assert not getattr(request, "axes_locked_out", False)


def test_password_checks_are_throttled_at_login_rate():
    allowed = int(api_settings.DEFAULT_THROTTLE_RATES["zendesk-password"].split("/")[0])
    for n in range(allowed):
        assert_refused(call(basic(f"guess{n}@example.com", "wrong")))
    response = call(basic("guess@example.com", "wrong"))
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    # Another address is not slowed, and the token form is not throttled.
    assert_refused(call(basic("guess@example.com", "wrong"), address="198.51.100.7"))
    assert_refused(token_call("guess@example.com", "x" * 40))


def test_throttled_before_any_password_is_checked(maria):
    allowed = int(api_settings.DEFAULT_THROTTLE_RATES["zendesk-password"].split("/")[0])
    for n in range(allowed):
        call(basic(f"guess{n}@example.com", "wrong"))
    assert call(basic(maria.email, PASSWORD)).status_code == 429
    assert not AccessAttempt.objects.filter(username="maria").exists()


# --- the command ------------------------------------------------------------------------


def test_create_zendesk_token_prints_one_json_line(maria, capsys):
    call_command("create_zendesk_token", "maria")
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    printed = json.loads(out)
    assert set(printed) == {"email", "token", "user_id"}
    assert printed["email"] == "Maria@Example.com" and printed["user_id"] == maria.pk
    assert token_call(printed["email"], printed["token"]).status_code == 200
    call_command("create_zendesk_token", "maria")
    again = json.loads(capsys.readouterr().out)
    assert again["token"] != printed["token"]
    assert token_call(printed["email"], printed["token"]).status_code == 200  # still works


def test_create_zendesk_token_fails_for_a_missing_user_or_one_without_email():
    with pytest.raises(CommandError, match="No user named 'ghost'"):
        call_command("create_zendesk_token", "ghost")
    UserFactory(username="noemail", email="")
    with pytest.raises(CommandError, match="noemail has no email address"):
        call_command("create_zendesk_token", "noemail")
    assert not ZendeskApiToken.objects.exists()


def test_the_zd_login_fixture_signs_in_with_a_token(zd_login):
    client = zd_login("statuses.view_conversationstatus")
    assert ZendeskApiToken.objects.get().user == client.user
    assert len(client.token) == 40


# --- revocation that follows the user ---------------------------------------------------


def test_a_new_password_keeps_the_tokens_and_deactivation_deletes_them(maria):
    issued = zendesk_token_issue(user=maria)
    maria.set_password("another-pw-456")
    maria.save()
    assert zendesk_token_find(email=maria.email, token=issued.token) is not None
    maria.is_active = False
    maria.save()
    assert not ZendeskApiToken.objects.exists()
    maria.is_active = True
    maria.save()
    assert zendesk_token_find(email=maria.email, token=issued.token) is None
