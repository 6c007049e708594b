"""Listing statuses runs a constant number of queries, whatever the page size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.community.factories import (
    CategoryFactory,
    MediaFactory,
    MemberProfileFactory,
    StatusFactory,
    TagFactory,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# Token lookup, count, statuses (with author and profile), categories, their parents,
# their tags, medias, addressing, tags.
MAX_QUERIES = 10


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


def count_queries(client, limit):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v2/status/", {"limit": limit})
    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == limit
    assert all(len(s["categories"]) == 4 and len(s["medias"]) == 2 for s in results)
    assert all(len(s["tags"]) == 2 and len(s["addressing"]) == 1 for s in results)
    return len(queries)


def test_list_query_count_does_not_grow_with_page_size(
    member, fifty_rich_statuses, django_assert_max_num_queries
):
    small = count_queries(member, 5)
    with django_assert_max_num_queries(MAX_QUERIES):
        member.get("/api/v2/status/", {"limit": 50})
    assert count_queries(member, 50) == small


def test_search_query_count_is_constant_too(member, fifty_rich_statuses):
    with CaptureQueriesContext(connection) as few:
        member.get("/api/v2/status/search/", {"search": "Hello", "limit": 2})
    with CaptureQueriesContext(connection) as many:
        member.get("/api/v2/status/search/", {"search": "Hello", "limit": 50})
    assert len(few) == len(many) <= MAX_QUERIES
