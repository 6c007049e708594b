"""Status search: `icontains` everywhere, narrowed through the full-text GIN index on
PostgreSQL (community.services._search_filter)."""

import pytest
from django.db import connection

from community import services
from community.models import Status
from tests.community.factories import StatusFactory

pytestmark = pytest.mark.django_db

SEARCH = "/api/v2/status/search/"
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search is PostgreSQL's"
)


def found(member, search):
    body = member.get(SEARCH, {"search": search, "limit": 100}).json()
    return sorted(s["id"] for s in body["results"])


@pytest.fixture
def posts():
    return {
        "release": StatusFactory(plain_text="The new Release is out", action=None),
        "notes": StatusFactory(plain_text="release-notes, v2.1", action="Docs"),
        "accents": StatusFactory(plain_text="Crème brûlée à Paris", action=None),
        "action": StatusFactory(plain_text="", action="Aurora borealis tonight"),
        "quote": StatusFactory(plain_text="it's O'Brien's day", action=None),
        "other": StatusFactory(plain_text="Lunch plans", action=None),
        "deleted": StatusFactory(plain_text="release (deleted)", deleted=True),
    }


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("RELEASE", ["release", "notes"]),
        ("relea", ["release", "notes"]),  # a word's start
        ("new release", ["release"]),  # the words in this order, as written
        ("release new", []),
        ("release-notes", ["notes"]),
        ("v2.1", ["notes"]),
        ("v2", ["notes"]),
        ("notes, v2", ["notes"]),
        ("brûlée", ["accents"]),
        ("crème", ["accents"]),
        ("aurora", ["action"]),
        ("O'Brien", ["quote"]),
        ("it's", ["quote"]),
        ("nothing", []),
        ("%", []),
        ("_", []),
        ("'", ["quote"]),  # no word: icontains alone
        ("&", []),
        ("a:* | b", []),  # tsquery syntax is text, not operators
    ],
)
def test_search_semantics_on_every_database(member, posts, search, expected):
    assert found(member, search) == sorted(posts[name].pk for name in expected)


def test_mid_word_text(member, posts):
    # icontains finds text inside a word; on PostgreSQL the index finds words by their
    # start only.
    expected = [] if connection.vendor == "postgresql" else [posts["accents"].pk]
    assert found(member, "rûl") == expected


@postgres_only
def test_search_can_use_the_gin_index(posts):
    # The services' vector is the index's expression: with sequential scans off (the
    # table is tiny), the planner reaches the posts through the index.
    query = services.PrefixSearchQuery("aurora", config=services.SEARCH_CONFIG)
    statuses = Status.objects.alias(v=services.status_search_vector()).filter(v=query)
    sql, params = statuses.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "community_status_search" in plan, plan
    assert list(statuses.values_list("pk", flat=True)) == [posts["action"].pk]


@postgres_only
def test_the_index_is_the_services_expression():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'community_status_search'"
        )
        (definition,) = cursor.fetchone()
    assert "USING gin" in definition and "to_tsvector('simple'::regconfig" in definition
