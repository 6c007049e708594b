"""The count of a status list or search is kept in the shared cache for every page of it
(per caller and search, COMMUNITY_COUNT_CACHE_SECONDS), and every write that changes which
posts it counts retires it at once: a create, a delete and a restore, a moderator's
decision, a post the caller hides. Each request below asks a page that is not the last
(limit 1), so its count is the counted one, not told by the page itself (issue 26)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from community import services, social
from community.models import FlagModeration, FlagType, Status, StatusFlag
from tests.community.factories import CategoryFactory, StatusFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

STATUS = "/api/v2/status/"
SEARCH = STATUS + "search/"


@pytest.fixture(autouse=True)
def replies_not_cached(settings):
    # Every request builds its page: only the count can come from the cache.
    settings.REPLY_CACHE_SECONDS = 0
    settings.COMMUNITY_COUNT_CACHE_SECONDS = 300


@pytest.fixture
def category():
    return CategoryFactory()


@pytest.fixture
def five(category):
    return [
        StatusFactory(categories=[category], plain_text=f"aurora {i}", html=f"<p>aurora {i}</p>")
        for i in range(5)
    ]


def count(client, path=STATUS, offset=0, **query):
    reply = client.get(path, {"limit": 1, "offset": offset, **query})
    assert reply.status_code == 200, reply.content
    body = reply.json()
    assert body["next"] is not None  # not the last page: the count is counted, or kept
    return body["count"]


def counts_queried(client, path=STATUS, **query):
    with CaptureQueriesContext(connection) as ctx:
        counted = count(client, path, offset=1, **query)
    return counted, any("COUNT(" in q["sql"] for q in ctx.captured_queries)


def test_the_count_is_kept_for_every_page_and_ordering(member, five):
    assert count(member) == 5
    assert counts_queried(member) == (5, False)
    assert counts_queried(member, ordering="last_activity_at") == (5, False)


def test_a_write_that_retires_nothing_leaves_the_kept_count(member, five):
    """What the next tests' bumps are needed for: a write that sends no signal and bumps
    nothing is not seen by the kept count."""
    assert count(member) == 5
    Status.objects.filter(pk=five[0].pk).update(deleted=True)  # no signal, no bump
    assert counts_queried(member) == (5, False)
    services.cache.bump(services.STATUS_LISTS)
    assert counts_queried(member) == (4, True)


def test_a_count_under_no_cache_is_counted_every_time(member, five, settings):
    settings.COMMUNITY_COUNT_CACHE_SECONDS = 0
    assert count(member) == 5
    assert counts_queried(member) == (5, True)


def test_a_create_retires_the_count(member, five, category):
    assert count(member) == 5 and count(member, SEARCH, search="aurora") == 5
    reply = member.post(
        STATUS, {"text": "<p>aurora new</p>", "categories": [category.pk]}, format="json"
    )
    assert reply.status_code == 201, reply.content
    assert counts_queried(member) == (6, True)
    assert counts_queried(member, SEARCH, search="aurora") == (6, True)


def test_a_delete_and_a_restore_retire_the_count(member, five, category):
    mine = StatusFactory(author=member.user, categories=[category], plain_text="aurora mine")
    assert count(member) == 6 and count(member, SEARCH, search="aurora") == 6
    assert member.delete(f"{STATUS}{mine.pk}/").status_code == 204
    assert count(member, offset=1) == 5
    assert count(member, SEARCH, offset=1, search="aurora") == 5
    assert member.post(f"{STATUS}{mine.pk}/restore/").status_code == 204
    assert count(member, offset=2) == 6


@pytest.mark.parametrize("decision", [FlagModeration.DELETED, FlagModeration.HIDDEN])
def test_a_moderators_decision_retires_the_count(member, five, decision):
    assert count(member) == 5
    social.flag_toggle(status=five[0], user=UserFactory(), flag_type=FlagType.SPAM)
    moderator = UserFactory(is_staff=True)
    social.flags_moderate(
        flags=StatusFlag.objects.filter(status=five[0]), decision=decision, actor=moderator
    )
    # A deleted post leaves the count; a collapsed (hidden in the feed) one stays in it.
    expected = 4 if decision == FlagModeration.DELETED else 5
    assert counts_queried(member) == (expected, True)


def test_a_hidden_post_leaves_only_its_hiders_count(member, sc_login, five):
    other = sc_login()
    assert count(member) == 5 and count(other) == 5
    assert member.post(f"{STATUS}{five[0].pk}/hide/").status_code in (200, 201, 204)
    assert count(member, offset=1) == 4
    assert count(other, offset=1) == 5
    assert count(member, SEARCH, search="aurora") == 4


def test_each_search_keeps_its_own_count(member, five):
    assert count(member, SEARCH, search="aurora") == 5
    assert counts_queried(member, SEARCH, search="aurora") == (5, False)
    for n in range(3):
        StatusFactory(plain_text=f"borealis {n}")
    assert count(member, SEARCH, search="borealis") == 3
    assert counts_queried(member, SEARCH, search="aurora") == (5, True)  # the creates bumped
