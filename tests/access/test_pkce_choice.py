"""PKCE per OAuth2 client: on by default, a confidential client may turn it off in the
admin, a public client never goes without it (access/pkce.py, OAuthClientPolicy).

The flow without PKCE replays SelfCommunity's own documentation of the authorization-code
grant (selfcommunity/developers-doc, docs/api/authentication/oauth.md): the browser opens
`/oauth/authorize/?response_type=code&client_id=...&redirect_uri=https://127.0.0.1:8000/callback`,
the user authorises, and the client trades the code with a form POST carrying
`Cache-Control: no-cache`, `client_id`, `client_secret`, `code`, `redirect_uri` and
`grant_type=authorization_code`, then calls the API with the bearer.
"""

import base64
import hashlib
import secrets
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from django.test import Client
from oauth2_provider.models import AccessToken, Application

from access.models import OAuthClientPolicy
from access.pkce import pkce_choice, pkce_choice_save, pkce_required
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

AUTHORIZE, TOKEN = "/oauth/authorize/", "/oauth/token/"
# The vendor's example redirect URI.
CALLBACK = "https://127.0.0.1:8000/callback"
SECRET = "DZFpuNjRdt5xUEzxXovAp40bU3lQvoMvF3awEStn61RXWE0Ses4RgzHWKJKTvUCHfRkhcBi3ebsEfSjf"


def make_client_app(client_type=Application.CLIENT_CONFIDENTIAL, *, pkce=None):
    application = Application.objects.create(
        name="Community app",
        client_type=client_type,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=CALLBACK,
        client_secret=SECRET,
    )
    if pkce is not None:
        # Straight into the table, as a shell or an old row could: the server decides.
        OAuthClientPolicy.objects.create(application=application, pkce_required=pkce)
    return application


class HiddenInputs(HTMLParser):
    """The hidden fields of the consent page's form: what the browser posts back."""

    def __init__(self):
        super().__init__()
        self.fields = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") == "hidden" and attrs.get("name"):
            self.fields[attrs["name"]] = attrs.get("value") or ""


def authorize(browser, application, **extra):
    """The vendor's authorize URL opened by a signed-in user who clicks *Authorise*: the
    redirect back to the client (its query parsed)."""
    query = {"response_type": "code", "client_id": application.client_id, "redirect_uri": CALLBACK}
    page = browser.get(f"{AUTHORIZE}?{urlencode({**query, **extra})}")
    if page.status_code != 200:
        return page.status_code, parse_qs(urlparse(page["Location"]).query)
    form = HiddenInputs()
    form.feed(page.content.decode())
    assert "client_id" in form.fields, page.content
    reply = browser.post(AUTHORIZE, {**form.fields, "allow": "Authorise"})
    assert reply.status_code == 302, reply.content
    location = urlparse(reply["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == CALLBACK
    return reply.status_code, parse_qs(location.query)


def trade(application, code, **extra):
    """The vendor's token request: a form POST with Cache-Control: no-cache."""
    body = {
        "client_id": application.client_id,
        "client_secret": SECRET,
        "code": code,
        "redirect_uri": CALLBACK,
        "grant_type": "authorization_code",
        **extra,
    }
    return Client().post(
        TOKEN,
        urlencode(body),
        content_type="application/x-www-form-urlencoded",
        HTTP_CACHE_CONTROL="no-cache",
    )


def challenge_pair():
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


@pytest.fixture
def browser():
    client = Client()
    client.force_login(UserFactory(username="maria"))
    return client


# --- the flow -------------------------------------------------------------------------------


def test_a_confidential_client_with_pkce_off_follows_the_vendors_docs(browser):
    application = make_client_app()
    pkce_choice_save(application=application, required=False)
    _status, query = authorize(browser, application)
    assert "code" in query, query
    response = trade(application, query["code"][0])
    assert response.status_code == 200, response.content
    token = response.json()
    assert set(token) >= {"access_token", "expires_in", "token_type", "scope", "refresh_token"}
    assert token["token_type"] == "Bearer" and token["expires_in"] == 36000
    assert token["scope"] == "read write"
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token['access_token']}")
    assert api.get("/api/v2/status/").status_code == 200


def test_by_default_the_same_requests_are_refused_for_want_of_pkce(browser):
    application = make_client_app()
    assert pkce_required(application.client_id) is True
    status, query = authorize(browser, application)
    # RFC 7636 §4.4.1: back to the client with the OAuth2 error, and no code.
    assert status == 302
    assert query["error"] == ["invalid_request"]
    assert query["error_description"] == ["Code challenge required."]
    assert "code" not in query


def test_with_pkce_on_the_flow_with_pkce_works(browser):
    application = make_client_app()
    verifier, challenge = challenge_pair()
    _status, query = authorize(
        browser, application, code_challenge=challenge, code_challenge_method="S256"
    )
    response = trade(application, query["code"][0], code_verifier=verifier)
    assert response.status_code == 200, response.content


def test_a_code_issued_without_pkce_is_refused_once_pkce_is_turned_on(browser):
    application = make_client_app()
    pkce_choice_save(application=application, required=False)
    _status, query = authorize(browser, application)
    pkce_choice_save(application=application, required=True)
    response = trade(application, query["code"][0])
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert response.json()["error_description"] == "Code verifier required."
    assert not AccessToken.objects.exists()


@pytest.mark.parametrize("stored", [None, True, False])
def test_a_public_client_always_needs_pkce(browser, stored):
    application = make_client_app(Application.CLIENT_PUBLIC, pkce=stored)
    assert pkce_required(application.client_id) is True
    _status, query = authorize(browser, application)
    assert query["error"] == ["invalid_request"] and "code" not in query


def test_saving_a_public_clients_choice_stores_pkce_on():
    application = make_client_app(Application.CLIENT_PUBLIC)
    pkce_choice_save(application=application, required=False)
    assert pkce_choice(application) is True


def test_a_client_without_pkce_may_still_use_it_and_a_wrong_verifier_fails(browser):
    application = make_client_app(pkce=False)
    verifier, challenge = challenge_pair()
    extra = {"code_challenge": challenge, "code_challenge_method": "S256"}
    _status, query = authorize(browser, application, **extra)
    response = trade(application, query["code"][0], code_verifier="x" * 50)
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"
    _status, query = authorize(browser, application, **extra)
    assert trade(application, query["code"][0], code_verifier=verifier).status_code == 200


def test_a_verifier_for_a_code_issued_without_a_challenge_is_refused(browser):
    # RFC 9700 §4.8.2 (PKCE downgrade): an attacker who strips the code_challenge from the
    # authorization request must not get a code that the client's verifier then redeems.
    application = make_client_app(pkce=False)
    _status, query = authorize(browser, application)
    response = trade(application, query["code"][0], code_verifier=challenge_pair()[0])
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_grant",
        "error_description": "A code_verifier was sent for a code issued without a code_challenge.",
    }


@pytest.mark.parametrize("client_id", [None, "", "unknown", "nul\x00id"])
def test_an_unknown_client_id_requires_pkce(client_id):
    assert pkce_required(client_id) is True


def test_the_choice_costs_one_query(django_assert_num_queries):
    application = make_client_app(pkce=False)
    with django_assert_num_queries(1):
        assert pkce_required(application.client_id) is False


def test_the_implicit_grant_of_the_vendors_docs_stays_refused(browser):
    # Their URL (with the trailing slash their authorization-code URL has: the portal's
    # paths are exact), for a client allowed the implicit grant.
    application = Application.objects.create(
        name="Old SPA",
        client_type=Application.CLIENT_PUBLIC,
        authorization_grant_type=Application.GRANT_IMPLICIT,
        redirect_uris=CALLBACK,
    )
    url = (
        f"/oauth/authorize/?client_id={application.client_id}&redirect_uri={CALLBACK}"
        "&response_type=token"
    )
    response = browser.get(url)
    # Back to the client with RFC 6749's error in the query, no token in a fragment.
    assert response.status_code == 302
    location = urlparse(response["Location"])
    assert location.fragment == "" and "access_token" not in response["Location"]
    assert parse_qs(location.query) == {"error": ["unauthorized_client"]}
    assert not AccessToken.objects.exists()


# --- the admin ------------------------------------------------------------------------------


@pytest.fixture
def admin_client(db):
    client = Client()
    client.force_login(UserFactory(username="boss", is_staff=True, is_superuser=True))
    return client


def change_url(application):
    return f"/admin/access/oauthclientapp/{application.pk}/change/"


def form_data(response):
    """The change form's fields as the browser would post them unchanged."""
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value
    return data


def test_the_change_page_shows_the_choice_on_by_default(admin_client):
    application = make_client_app()
    response = admin_client.get(change_url(application))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="pkce_required"' in html and "Require PKCE" in html
    assert response.context["adminform"].form["pkce_required"].value() is True
    fields = list(response.context["adminform"].form.fields)
    assert fields.index("pkce_required") == fields.index("authorization_grant_type") + 1


def test_the_admin_turns_pkce_off_for_a_confidential_client(admin_client, browser):
    application = make_client_app()
    data = form_data(admin_client.get(change_url(application)))
    data.pop("pkce_required")
    response = admin_client.post(change_url(application), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert pkce_choice(application) is False
    assert pkce_required(application.client_id) is False
    assert (
        admin_client.get(change_url(application)).context["adminform"].form["pkce_required"].value()
        is False
    )
    _status, query = authorize(browser, application)
    assert trade(application, query["code"][0]).status_code == 200


def test_the_admin_refuses_pkce_off_for_a_public_client(admin_client):
    application = make_client_app(Application.CLIENT_PUBLIC)
    data = form_data(admin_client.get(change_url(application)))
    data.pop("pkce_required")
    response = admin_client.post(change_url(application), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["pkce_required"] == ["A public client has no secret: it must always use PKCE."]
    assert not OAuthClientPolicy.objects.exists()


def test_the_admin_refuses_making_a_client_without_pkce_public(admin_client):
    application = make_client_app(pkce=False)
    data = form_data(admin_client.get(change_url(application)))
    assert "pkce_required" not in data
    data["client_type"] = Application.CLIENT_PUBLIC
    response = admin_client.post(change_url(application), data)
    assert response.status_code == 200
    assert "pkce_required" in response.context["adminform"].form.errors
    application.refresh_from_db()
    assert application.client_type == Application.CLIENT_CONFIDENTIAL


def test_the_list_shows_which_clients_need_pkce(admin_client):
    make_client_app(pkce=False)
    make_client_app()
    make_client_app(Application.CLIENT_PUBLIC, pkce=False)
    response = admin_client.get("/admin/access/oauthclientapp/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('alt="True"') == 2 and html.count('alt="False"') == 1
