"""Status pages count at most COMMUNITY_COUNT_CAP posts; `next` and `previous` stay right
past the cap."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.community.factories import CategoryFactory, StatusFactory

pytestmark = pytest.mark.django_db

STATUS = "/api/v2/status/"
SEARCH = STATUS + "search/"


@pytest.fixture
def twelve(settings):
    """12 posts, newest first as made, with a cap of 5."""
    settings.COMMUNITY_COUNT_CAP = 5
    category, now = CategoryFactory(), timezone.now()
    return [
        StatusFactory(
            categories=[category], plain_text=f"aurora {i}", added_at=now - timedelta(minutes=i)
        )
        for i in range(12)
    ]


def ids(body):
    return [s["id"] for s in body["results"]]


@pytest.mark.parametrize("path", [STATUS, SEARCH])
def test_walking_past_the_cap(member, twelve, path):
    query = {"search": "aurora"} if path == SEARCH else {}
    seen, url, pages = [], path, 0
    body = member.get(url, {**query, "limit": 4}).json()
    while True:
        pages += 1
        seen += ids(body)
        # Past the cap the count is an estimate: more than the cap, and never less than
        # the posts up to this page's end.
        assert body["count"] > 5 and body["count"] >= len(seen)
        if body["next"] is None:
            break
        body = member.get(body["next"]).json()
    assert pages == 3 and seen == [s.pk for s in twelve]
    assert body["previous"].endswith("limit=4&offset=4") or "offset=4" in body["previous"]


def test_last_page_past_the_cap_has_no_next(member, twelve):
    body = member.get(STATUS, {"limit": 4, "offset": 8}).json()
    assert ids(body) == [s.pk for s in twelve[8:]]
    assert body["next"] is None and "offset=4" in body["previous"]
    assert body["count"] == 12  # the last page tells the exact count


def test_a_page_ending_exactly_at_the_end_has_no_next(member, twelve):
    body = member.get(STATUS, {"limit": 6, "offset": 6}).json()
    assert len(body["results"]) == 6 and body["next"] is None and body["count"] == 12


def test_past_the_end(member, twelve):
    body = member.get(STATUS, {"limit": 4, "offset": 40}).json()
    assert body["results"] == [] and body["next"] is None
    assert body["count"] > 5
    assert "offset=36" in body["previous"]


@pytest.mark.parametrize("path", [STATUS, SEARCH, "/api/v2/category/", "/api/v2/category/popular/"])
def test_an_offset_past_64_bits_is_an_empty_page(member, twelve, path):
    # Found by Schemathesis: SQLite refused the OFFSET ("datatype mismatch"), a 500.
    response = member.get(path, {"offset": "15094955634448539752333312", "search": "aurora"})
    assert response.status_code == 200
    assert response.json()["results"] == [] and response.json()["next"] is None


def test_under_the_cap_the_count_is_exact(member, twelve, settings):
    settings.COMMUNITY_COUNT_CAP = 12
    body = member.get(STATUS, {"limit": 4}).json()
    assert body["count"] == 12 and "offset=4" in body["next"] and body["previous"] is None
    body = member.get(SEARCH, {"search": "aurora 1", "limit": 2}).json()
    assert body["count"] == 3  # "aurora 1", "aurora 10", "aurora 11"
    assert body["next"] is not None


def test_empty(member, settings):
    settings.COMMUNITY_COUNT_CAP = 5
    assert member.get(STATUS).json() == {"count": 0, "next": None, "previous": None, "results": []}
