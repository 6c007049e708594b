"""Issue 26: a write whose events no subscription wants runs no query for webhooks.

`webhooks.services.subscribed_event_types()` keeps the event types that some active
subscription wants in each process's memory, under a generation in the shared cache that
every change of a subscription bumps (core.cache.remember_locally). An API write reads that
generation's token in the same cache round trip as its credential. These tests pin that an
emit nobody wants costs nothing, that a change made anywhere (another server: the shared
cache alone tells this process) is seen by the next write, and each surface's create's
statements.
"""

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from core.cache import generation_key
from statuses.services import CONVERSATION_STATUS
from tests.conftest import TRANSACTION_CONTROL, data_statements
from tests.factories import ConversationStatusFactory, UserFactory, webhook_owner
from webhooks import services
from webhooks.models import Delivery, Subscription

pytestmark = pytest.mark.django_db

HOOK = "http://127.0.0.1:9/hook"
STATUS_CREATED = "libredesk.status.created"
OTHER_TYPES = ["rocketchat.user_status.created", "liveperson.reason.updated"]
DATABASE_CACHE = "portal_cache"


def emit_status():
    status = ConversationStatusFactory()
    with transaction.atomic():
        return services.emit(CONVERSATION_STATUS, "created", [status])


def subscribe(types, owner=None, **fields):
    owner = owner or webhook_owner()
    return services.subscription_create(owner=owner, url=HOOK, event_types=types, **fields)


def cache_statements(captured):
    return [q["sql"] for q in captured if DATABASE_CACHE in q["sql"]]


def test_emit_nobody_wants_runs_no_query(settings, django_assert_num_queries):
    # With a cache that is not the database (Redis in production; here the local memory),
    # an emit that no subscription wants runs no SQL at all once the types are known.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    subscribe(OTHER_TYPES)
    assert emit_status() == []  # reads the subscribed event types once
    status = ConversationStatusFactory()
    with transaction.atomic(), django_assert_num_queries(0):
        assert services.emit(CONVERSATION_STATUS, "created", [status]) == []


def test_an_api_write_reads_the_generation_with_its_credential(make_agent):
    subscribe(OTHER_TYPES)
    agent = make_agent("statuses.add_conversationstatus")
    body = {"name": "Warm", "category": "open"}
    assert agent.post("/api/v1/statuses", body, format="json").status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        body = {"name": "Second", "category": "open"}
        assert agent.post("/api/v1/statuses", body, format="json").status_code == 200
    assert not [q for q in data_statements(ctx) if "webhooks_" in q], data_statements(ctx)
    if caches["default"].__class__.__name__ == "DatabaseCache":
        reads = [q for q in cache_statements(ctx) if q.startswith("SELECT")]
        # one read: the credential and the subscriptions' generation together
        assert len(reads) == 1, reads
        assert "webhook-subscriptions" in reads[0] and "credential:" in reads[0]


def test_a_subscription_made_on_another_server_is_seen_by_the_next_write():
    owner = webhook_owner()
    assert emit_status() == []  # this process now knows: nobody subscribed
    # Another server writes a subscription: this process's signals do not run, only the
    # shared cache (reached here through a second client of it) tells.
    other_server = caches.create_connection("default")
    Subscription.objects.bulk_create(
        [Subscription(owner=owner, url=HOOK, event_types=[STATUS_CREATED], secret_encrypted="x")]
    )
    assert emit_status() == []  # its generation not bumped yet: still believed unwanted
    other_server.delete(generation_key(services.SUBSCRIBED_TYPES_GENERATION))
    events = emit_status()
    assert [event.type for event in events] == [STATUS_CREATED]
    assert Delivery.objects.filter(event__in=events).count() == 1


def test_made_changed_paused_resumed_and_deleted_subscriptions_are_seen_at_once():
    owner = webhook_owner()
    assert emit_status() == []
    issued = subscribe(OTHER_TYPES, owner=owner)
    assert emit_status() == []
    subscription = issued.subscription
    subscription.event_types = [*OTHER_TYPES, STATUS_CREATED]
    services.subscription_update(subscription=subscription, actor=owner, url_changed=False)
    assert len(emit_status()) == 1  # changed: now wanted

    subscription.is_active = False
    services.subscription_update(subscription=subscription, actor=owner, url_changed=False)
    assert emit_status() == []  # paused
    subscription.is_active = True
    services.subscription_update(subscription=subscription, actor=owner, url_changed=False)
    assert len(emit_status()) == 1  # resumed

    subscription.delete()
    with CaptureQueriesContext(connection) as ctx:
        assert emit_status() == []  # deleted: the set is empty again (read once)
    with CaptureQueriesContext(connection) as ctx:
        assert emit_status() == []
    assert not [q for q in data_statements(ctx) if "webhooks_" in q]

    subscribe([STATUS_CREATED], owner=owner)
    assert len(emit_status()) == 1  # made


def test_a_subscription_paused_by_failures_is_dropped_from_the_set(settings):
    issued = subscribe([STATUS_CREATED])
    assert len(emit_status()) == 1
    settings.WEBHOOKS_PAUSE_AFTER_DAYS = 0
    from django.utils import timezone

    # A failing streak long enough: _note_failure pauses it with an UPDATE (no signal).
    Subscription.objects.filter(pk=issued.subscription.pk).update(failing_since=timezone.now())
    services._note_failure(issued.subscription.pk, timezone.now())
    assert not Subscription.objects.get(pk=issued.subscription.pk).is_active
    with CaptureQueriesContext(connection) as ctx:
        assert emit_status() == []
    # the set was read again (the pause bumped it), and holds nothing now
    assert [q for q in data_statements(ctx) if "webhooks_subscription" in q]
    with CaptureQueriesContext(connection) as ctx:
        assert emit_status() == []
    assert not [q for q in data_statements(ctx) if "webhooks_" in q]


def test_the_set_never_skips_a_subscription_its_owner_rules_then_refuse():
    # The set says "someone wants it"; the owner rules still decide who gets it.
    stranger = UserFactory(perms=[])  # may not view conversation statuses
    subscribe([STATUS_CREATED], owner=stranger)
    assert emit_status() == []
    assert STATUS_CREATED in services.subscribed_event_types()
    viewer = UserFactory(perms=["statuses.view_conversationstatus"])
    mine = subscribe([STATUS_CREATED], owner=viewer).subscription
    events = emit_status()
    assert list(Delivery.objects.filter(event__in=events).values_list("subscription", flat=True))
    assert set(
        Delivery.objects.filter(event__in=events).values_list("subscription", flat=True)
    ) == {mine.pk}


# --- each surface's create, with subscriptions that want other events ---------------------

# Data statements (not transaction control, not the database cache's table) of a second
# create with subscriptions to other event types present.
CREATES = {
    "libredesk": 2,  # INSERT, history INSERT
    # INSERT, history INSERT, and the same two for its one language label (en-us)
    "rocketchat": 4,
    # the revision raised (and locked), the account's reasons moved down a place, INSERT,
    # history INSERT
    "liveperson": 4,
    # the write limit's count (with the database cache: an UPSERT of community_writecount;
    # one Redis INCR instead), the categories with their ancestors, INSERT, the link rows,
    # the tags shown and the author's profile (tests/community/test_queries.py)
    "selfcommunity": 5 + (0 if isinstance(caches["default"], RedisCache) else 1),
}


def create_with(surface, request):
    if surface == "libredesk":
        from access.services import api_key_issue

        issued = api_key_issue(
            user=UserFactory(perms=["statuses.add_conversationstatus"]), actor=None
        )
        agent = APIClient()
        agent.credentials(HTTP_AUTHORIZATION=f"token {issued.api_key}:{issued.api_secret}")
        return lambda n: agent.post(
            "/api/v1/statuses", {"name": f"Status {n}", "category": "open"}, format="json"
        )
    if surface == "rocketchat":
        agent = request.getfixturevalue("rc_login")("statuses.add_userstatus")
        return lambda n: agent.post(
            "/api/v1/custom-user-status.create",
            {"name": f"Presence {n}", "statusType": "busy"},
            format="json",
        )
    if surface == "selfcommunity":
        from tests.community.factories import CategoryFactory

        member = request.getfixturevalue("sc_login")()
        category = CategoryFactory()
        return lambda n: member.post(
            "/api/v2/status/", {"action": f"Post {n}", "categories": [category.pk]}, format="json"
        )
    if surface == "liveperson":
        agent = request.getfixturevalue("lp_login")()
        url = f"/api/account/{agent.account.pk}/configuration/le-agents/status-reasons?v=1.0"
        return lambda n: agent.post(url, {"text": f"Reason {n}", "state": "Away"}, format="json")
    raise AssertionError(surface)


@pytest.mark.parametrize("surface", list(CREATES))
def test_create_statements_are_pinned(surface, request):
    subscribe(OTHER_TYPES if surface != "rocketchat" else ["liveperson.reason.updated"])
    create = create_with(surface, request)
    assert create(0).status_code in (200, 201)
    with CaptureQueriesContext(connection) as ctx:
        response = create(1)
    assert response.status_code in (200, 201), response.content
    statements = data_statements(ctx)
    assert not [q for q in statements if "webhooks_" in q], statements
    assert len(statements) == CREATES[surface], statements
    other = [q for q in ctx.captured_queries if not q["sql"].startswith(TRANSACTION_CONTROL)]
    assert len(other) >= len(statements)
