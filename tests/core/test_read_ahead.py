"""What a request reads ahead (core.cache.read_ahead) is its own: the next request or
command on the same thread starts without it, even when the request ended in a 500 (DRF
skips finalize_response then), or it would take old generation tokens for current ones
(issue 26: the webhooks' subscribed event types are read that way)."""

import pytest

from core import cache

pytestmark = pytest.mark.django_db

GENERATION = "webhook-subscriptions"


def test_a_request_leaves_nothing_read_ahead_to_the_next(client):
    cache.read_ahead(None, [GENERATION])
    cache._read([cache.generation_key(GENERATION)])  # read: kept for the request's use
    assert cache._ahead.found is not None
    client.get("/")  # any request (the landing page: no API view clears it)
    assert cache._ahead.wanted is None and cache._ahead.found is None


def test_a_stale_read_ahead_token_is_not_taken_after_a_request(client):
    from webhooks import services

    assert services.subscribed_event_types() == frozenset()
    cache.read_ahead(None, [GENERATION])
    old = cache._token(GENERATION)  # as a write that crashed would have left it
    cache.bump(GENERATION)
    client.get("/")
    assert cache._token(GENERATION) != old
