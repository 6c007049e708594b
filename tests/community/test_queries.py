"""Listing and searching statuses run a constant number of queries, whatever the page size."""

from contextlib import contextmanager

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.community.factories import (
    CategoryFactory,
    MediaFactory,
    MemberProfileFactory,
    StatusFactory,
    TagFactory,
)
from tests.conftest import data_statements
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# Queries of the data, not of the cache (the credential and the reply come from the cache:
# tests/core/test_reply_cache.py counts those). A page that is not cached yet: the page
# (with authors and profiles; the posts the caller hid left out in the same statement), the
# categories with their links, their parents, every tag (one UNION), the media, and the
# caller's marks (votes, follows, suspended notifications: one UNION). The count (capped)
# comes from the cache too, kept by the warm-up's other page of the same list (issue 26).
PAGE_QUERIES = 6
# The first page asked after a write counts (COUNTED_PAGE_QUERIES), once for all pages.
COUNTED_PAGE_QUERIES = PAGE_QUERIES + 1
# The last page tells the count itself: no count query.
LAST_PAGE_QUERIES = PAGE_QUERIES


@pytest.fixture
def fifty_rich_statuses():
    root = CategoryFactory()
    categories = [CategoryFactory(parents=[root]) for _ in range(3)]
    for category in categories:
        category.tags.set([TagFactory(type="category")])
    for i in range(50):
        author = UserFactory()
        if i % 2:
            MemberProfileFactory(user=author)
        StatusFactory(
            author=author,
            categories=[root, *categories],
            medias=[MediaFactory(owner=author), MediaFactory(owner=author)],
            tags=[TagFactory(), TagFactory()],
            addressing=[TagFactory(type="user")],
        )


@contextmanager
def data_queries(expected):
    with CaptureQueriesContext(connection) as ctx:
        yield
    queries = data_statements(ctx)
    assert len(queries) == expected, "\n".join(queries)


def warm(client):
    """Warm the credential cache with another page (not the one measured)."""
    assert client.get("/api/v2/status/", {"limit": 1, "offset": 1}).status_code == 200


def count_queries(client, limit):
    response = client.get("/api/v2/status/", {"limit": limit})
    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == limit
    assert all(len(s["categories"]) == 4 and len(s["medias"]) == 2 for s in results)
    assert all(len(s["tags"]) == 2 and len(s["addressing"]) == 1 for s in results)


@pytest.mark.parametrize("limit", [2, 5, 49])
def test_list_query_count_does_not_grow_with_page_size(member, fifty_rich_statuses, limit):
    warm(member)
    with data_queries(PAGE_QUERIES):
        count_queries(member, limit)


@pytest.mark.parametrize("limit", [2, 5, 49])
def test_a_first_page_counts_in_one_query_whatever_its_size(member, fifty_rich_statuses, limit):
    """No count kept yet (the warm-up asked the search, another list): the capped count is
    one query more, whatever the page size."""
    assert member.get("/api/v2/status/search/", {"search": "x", "limit": 1}).status_code == 200
    with data_queries(COUNTED_PAGE_QUERIES):
        count_queries(member, limit)


def test_last_page_needs_no_count_query(member, fifty_rich_statuses, settings):
    settings.COMMUNITY_COUNT_CACHE_SECONDS = 0  # nothing kept: the last page counts by itself
    warm(member)
    with data_queries(LAST_PAGE_QUERIES):
        count_queries(member, 50)


@pytest.mark.parametrize("limit", [2, 5, 49])
def test_search_query_count_is_constant_too(member, fifty_rich_statuses, limit):
    warm(member)  # the list's count: the search counts its own
    with data_queries(COUNTED_PAGE_QUERIES):
        response = member.get("/api/v2/status/search/", {"search": "Hello", "limit": limit})
    assert len(response.json()["results"]) == limit
    # Another page of the same search: its count is kept.
    with data_queries(PAGE_QUERIES):
        response = member.get(
            "/api/v2/status/search/", {"search": "Hello", "limit": limit, "offset": 1}
        )
    assert len(response.json()["results"]) == limit


# A create: the write limit's count (one UPSERT; none with Redis: THROTTLE_QUERIES),
# the categories with their ancestors and parent links (one recursive query),
# the INSERT of the post (nothing read back), one INSERT of link rows per relation that
# has any, then for the reply (built from what was written) the tags shown (one UNION)
# and the author's profile.
# One relation (the categories), besides the limit's count. No webhooks query: no
# subscription wants the event (issue 26: webhooks.services.subscribed_event_types; it was
# 6 with that SELECT).
CREATE_QUERIES = 5
# Media, addressing and tags too: each read (the caller's media, the tags of each kind)
# and its link rows inserted.
CREATE_QUERIES_ALL_RELATIONS = CREATE_QUERIES + 2 * 3


THROTTLE_QUERIES = 0 if isinstance(caches["default"], RedisCache) else 1


@pytest.mark.parametrize("n", [1, 3])
def test_create_query_count_does_not_grow_with_the_related_rows(member, n):
    root = CategoryFactory()
    categories = [CategoryFactory(parents=[CategoryFactory(parents=[root])]) for _ in range(n)]
    for category in categories:
        category.tags.set([TagFactory(type="category")])
    MemberProfileFactory(user=member.user)
    bare = {"action": "x", "categories": [categories[0].pk]}
    warm_create = member.post("/api/v2/status/", bare, format="json")
    assert warm_create.status_code == 201
    with data_queries(THROTTLE_QUERIES + CREATE_QUERIES):
        assert member.post("/api/v2/status/", bare, format="json").status_code == 201
    body = {
        "action": "x",
        "categories": [c.pk for c in categories],
        "medias": [MediaFactory(owner=member.user).pk for _ in range(n)],
        "tags": [TagFactory().pk for _ in range(n)],
        "addressing": [TagFactory(type="user").pk for _ in range(n)],
    }
    with data_queries(THROTTLE_QUERIES + CREATE_QUERIES_ALL_RELATIONS):
        response = member.post("/api/v2/status/", body, format="json")
    assert response.status_code == 201
    reply = response.json()
    assert len(reply["categories"]) == 1 + 2 * n and len(reply["medias"]) == n
