"""SurfaceView.cached_reply and core.cache generations, through the Libredesk list."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from statuses.models import ConversationStatus

pytestmark = pytest.mark.django_db

LIST = "/api/v1/statuses"
TABLE = "statuses_conversationstatus"


def reads_table(client, url=LIST, **extra):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **extra)
    assert response.status_code == 200, response.content
    return response, any(TABLE in q["sql"] for q in ctx.captured_queries)


def test_a_second_json_reply_comes_from_the_cache_and_is_the_same(make_agent):
    agent = make_agent()
    first, read = reads_table(agent)
    assert read
    second, read = reads_table(agent)
    assert not read
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"] == "application/json"


def test_every_kind_of_write_retires_it(make_agent):
    agent = make_agent()
    reads_table(agent)
    status = ConversationStatus.objects.create(
        name="Parked", status_category="open", category="open"
    )
    response, read = reads_table(agent)
    assert read and "Parked" in response.content.decode()
    status.name = "Parked for later"
    status.save()
    assert "Parked for later" in reads_table(agent)[0].content.decode()
    status.delete()
    assert "Parked" not in reads_table(agent)[0].content.decode()


def test_the_query_string_is_part_of_the_key(make_agent):
    agent = make_agent()
    reads_table(agent)
    assert reads_table(agent, LIST + "?page=2")[1]
    assert not reads_table(agent, LIST + "?page=2")[1]


def test_the_browsable_api_is_rendered_afresh(make_agent):
    agent = make_agent()
    reads_table(agent)
    response, read = reads_table(agent, HTTP_ACCEPT="text/html")
    assert read and response["Content-Type"].startswith("text/html")


def test_it_can_be_turned_off(make_agent, settings):
    settings.REPLY_CACHE_SECONDS = 0
    agent = make_agent()
    reads_table(agent)
    assert reads_table(agent)[1]


def test_a_lost_generation_token_retires_everything(make_agent):
    from django.core.cache import cache

    from core.cache import generation_key

    agent = make_agent()
    reads_table(agent)
    cache.delete(generation_key("conversation-statuses"))
    assert reads_table(agent)[1]
    assert not reads_table(agent)[1]


def test_the_rocketchat_list_is_cached_per_query_and_retired_by_a_write(rc_login):
    from statuses.models import UserStatus

    client = rc_login("statuses.add_userstatus")
    url = "/api/v1/custom-user-status.list?count=5"
    assert reads_rc(client, url)[1]
    assert not reads_rc(client, url)[1]
    reply = client.post(
        "/api/v1/custom-user-status.create",
        {"name": "Deep work", "statusType": "busy"},
        format="json",
    )
    assert reply.status_code == 200, reply.content
    response, read = reads_rc(client, url)
    assert read and "Deep work" in response.content.decode()
    UserStatus.objects.filter(name="Deep work").delete()  # a queryset delete sends signals too
    assert "Deep work" not in reads_rc(client, url)[0].content.decode()


def reads_rc(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return response, any("statuses_userstatus" in q["sql"] for q in ctx.captured_queries)


@pytest.mark.parametrize(
    ("url", "login"), [(LIST, "make_agent"), ("/api/v1/custom-user-status.list", "rc_login")]
)
def test_a_cached_list_costs_one_cache_round_trip_with_its_credential(
    url, login, request, make_agent, rc_login
):
    """The credential's lookup reads the reply's entry too (core.cache.read_ahead): with the
    database cache that is one SELECT for the whole request, with Redis no SQL at all."""
    from django.core.cache import caches
    from django.core.cache.backends.db import DatabaseCache

    agent = {"make_agent": make_agent, "rc_login": rc_login}[login]()
    assert agent.get(url).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        assert agent.get(url).status_code == 200
    expected = 1 if isinstance(caches["default"], DatabaseCache) else 0
    assert len(ctx.captured_queries) == expected, ctx.captured_queries


def test_links_in_a_cached_reply_name_the_host_it_was_asked_at(sc_login):
    from tests.community.factories import StatusFactory

    StatusFactory.create_batch(2)
    client = sc_login("community.view_status")
    url = "/api/v2/status/?limit=1"
    for host in ("localhost", "127.0.0.1", "localhost"):
        reply = client.get(url, HTTP_HOST=host)
        assert reply.status_code == 200, reply.content
        assert reply.json()["next"].startswith(f"http://{host}/api/v2/status/")


def test_a_new_post_shows_in_the_cached_list_and_search(sc_login):
    from tests.community.factories import StatusFactory

    client = sc_login("community.view_status")
    StatusFactory(html="<p>first aurora</p>", plain_text="first aurora")
    for url in ("/api/v2/status/", "/api/v2/status/search/?search=aurora"):
        assert client.get(url).json()["count"] == 1
    StatusFactory(html="<p>second aurora</p>", plain_text="second aurora")
    for url in ("/api/v2/status/", "/api/v2/status/search/?search=aurora"):
        assert client.get(url).json()["count"] == 2


def test_the_liveperson_list_is_cached_per_account_with_its_revision(lp_login):
    from reasons.models import StatusReason

    def listing(client, account):
        reply = client.get(f"/api/account/{account}/configuration/le-agents/status-reasons?v=1.0")
        assert reply.status_code == 200, reply.content
        return [r["text"] for r in reply.json()], reply["ac-revision"]

    acme, other = lp_login(), lp_login(account_id="other")
    base = "/api/account/acme/configuration/le-agents/status-reasons?v=1.0"
    assert listing(acme, "acme") == ([], "0")
    assert acme.post(base, {"text": "Lunch", "state": "Away"}, format="json").status_code == 200
    assert listing(acme, "acme") == (["Lunch"], "1")  # the write retired the cached list
    assert listing(other, "other") == ([], "0")  # another account's list is its own
    reason = StatusReason.objects.get(text="Lunch")
    reason.text = "Long lunch"
    reason.save()  # as the admin saves: a signal retires the account's lists
    assert listing(acme, "acme")[0] == ["Long lunch"]
