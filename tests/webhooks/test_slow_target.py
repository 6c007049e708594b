"""One slow subscriber must not hold up the others (issue 21): a target that dribbles one
header byte every 8 s fills only its own subscription's slots, and a healthy target next
to it gets its events at once, from one worker process."""

import json
import socket
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import timezone

from tests.factories import ConversationStatusFactory, webhook_owner
from tests.live import manage, migrated, portal_env
from tests.webhooks.receiver import start_receiver
from tests.webhooks.test_crash import worker
from webhooks import queue, services
from webhooks.models import Delivery


class Dribbler:
    """A target that accepts every connection and sends one byte of a status line every
    `every` seconds, for ever (until closed)."""

    def __init__(self, every: float = 8.0):
        self.every = every
        self.server = socket.create_server(("127.0.0.1", 0))
        self.connections = 0
        self.closed = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.getsockname()[1]}/slow"

    def _accept(self):
        while not self.closed.is_set():
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._dribble, args=(conn,), daemon=True).start()

    def _dribble(self, conn):
        with conn:
            for byte in b"HTTP/1.1 200 OK\r\n" * 100:
                if self.closed.wait(self.every):
                    return
                try:
                    conn.sendall(bytes([byte]))
                except OSError:
                    return

    def close(self):
        self.closed.set()
        self.server.close()


SETUP = """
import json
from django.contrib.auth import get_user_model
from webhooks import services
owner = get_user_model().objects.create_superuser("owner", "owner@example.com", "owner")
for url in {urls!r}:
    services.subscription_create(owner=owner, url=url, event_types=["libredesk.status.created"])
"""

CHANGES = """
import json, time
from statuses import services
first = time.time()
for n in range({count}):
    services.conversation_status_create(name=f"{prefix} {{n}}", status_category="open")
print(json.dumps({{"first": first}}))
"""


@pytest.mark.one_database  # a worker process on a SQLite file of its own
def test_a_dribbling_target_does_not_delay_a_healthy_one():
    healthy, slow = start_receiver(), Dribbler(every=8.0)
    with tempfile.TemporaryDirectory(prefix="portal-slow-") as tmp:
        env = portal_env(
            Path(tmp) / "db.sqlite3",
            WEBHOOKS_ALLOW_PRIVATE_TARGETS="true",
            WEBHOOKS_LEASE_SECONDS="60",
        )
        migrated(env)
        # The slow subscription first: its deliveries are the oldest in every batch.
        manage(env, "shell", "-c", SETUP.format(urls=[slow.url, healthy.url]))
        # Idle threads look for tasks 4 times a second, not 20: eight threads polling an
        # SQLite file that often would slow the sends being measured on a loaded machine.
        with open(Path(tmp) / "worker.log", "wb") as log, worker(env, log, interval="0.25"):
            # A first change, so that the worker is up and the slow target already holds
            # every slot its subscription has.
            manage(env, "shell", "-c", CHANGES.format(count=1, prefix="Warm-up"))
            assert len(healthy.wait_for(1, timeout=60)) == 1, Path(tmp, "worker.log").read_text()
            out = manage(env, "shell", "-c", CHANGES.format(count=10, prefix="Burst"))
            first = json.loads(out.strip().splitlines()[-1])["first"]
            arrived = healthy.wait_for(11, timeout=30)
            received_at = time.time()
            slow.close()  # its sends in flight end now, and the worker stops at once
        took = received_at - first
        assert len(arrived) == 11, Path(tmp, "worker.log").read_text()[-3000:]
        assert took < 5, f"the healthy target's 10 events took {took:.1f} s"
        assert slow.connections >= 1  # the slow target was being sent to all along
    healthy.server.shutdown()


# --- the rule itself, without processes ----------------------------------------------------


@pytest.mark.django_db
def test_a_subscription_has_at_most_its_share_of_sends_in_flight(settings):
    settings.WEBHOOKS_SENDS_PER_SUBSCRIPTION = 2
    owner = webhook_owner()
    slow = services.subscription_create(
        owner=owner, url="http://127.0.0.1:9/slow", event_types=["libredesk.status.created"]
    ).subscription
    other = services.subscription_create(
        owner=owner, url="http://127.0.0.1:9/other", event_types=["libredesk.status.created"]
    ).subscription
    with transaction.atomic():
        services.emit(
            "conversation-status", "created", [ConversationStatusFactory() for _ in range(5)]
        )
    # Two of the slow subscription's five and two of the other's are queued, not all ten.
    assert services.queue_pending() == 4
    slow_ids = list(slow.deliveries.order_by("id").values_list("pk", flat=True))
    first, second = (services.claim(pk) for pk in slow_ids[:2])
    assert first and second
    # A third send to the same subscription waits (and is unqueued for later) ...
    assert services.claim(slow_ids[2]) is None
    assert Delivery.objects.get(pk=slow_ids[2]).queued_at is None
    # ... while the other subscription's deliveries go.
    assert services.claim(other.deliveries.order_by("id").first().pk) is not None
    # Nothing more of the slow one is queued while its two are in flight.
    assert services.queue_pending(subscription_id=slow.pk) == 0
    # When one ends, the next one is queued.
    services.record(
        first,
        services.http.Reply(204, "", ""),
        started=timezone.now(),
        finished=timezone.now(),
    )
    assert services.queue_pending(subscription_id=slow.pk) == 1
    assert services.claim(slow_ids[2]) is not None


@pytest.mark.django_db
def test_a_task_run_delivers_the_next_waiting_delivery_of_its_subscription(settings):
    settings.WEBHOOKS_SENDS_PER_SUBSCRIPTION = 1
    receiver = start_receiver()
    try:
        subscription = services.subscription_create(
            owner=webhook_owner(), url=receiver.url, event_types=["libredesk.status.created"]
        ).subscription
        with transaction.atomic():
            services.emit(
                "conversation-status", "created", [ConversationStatusFactory() for _ in range(3)]
            )
        queue.dispatch.call()
        ids = list(subscription.deliveries.order_by("id").values_list("pk", flat=True))
        assert (
            list(Delivery.objects.filter(queued_at__isnull=False).values_list("pk", flat=True))
            == ids[:1]
        )
        # Each run queues the next one; three runs deliver all three, in order.
        for pk in ids:
            assert queue.deliver.call(pk) == "delivered"
        assert [json.loads(r.body)["data"]["sequence"] for r in receiver.wait_for(3)] == [1, 1, 1]
        assert not Delivery.objects.filter(state="pending").exists()
    finally:
        receiver.server.shutdown()


@pytest.mark.django_db
def test_the_sweep_frees_a_slot_a_dead_worker_held(settings):
    settings.WEBHOOKS_SENDS_PER_SUBSCRIPTION = 1
    subscription = services.subscription_create(
        owner=webhook_owner(), url="http://127.0.0.1:9/x", event_types=["libredesk.status.created"]
    ).subscription
    with transaction.atomic():
        services.emit(
            "conversation-status", "created", [ConversationStatusFactory() for _ in range(2)]
        )
    assert services.queue_pending() == 1
    held = services.claim(subscription.deliveries.order_by("id").first().pk)
    assert held is not None
    # The worker died: its lease runs out and its queued time is long past.
    past = timezone.now() - timedelta(seconds=settings.WEBHOOKS_LEASE_SECONDS * 2)
    Delivery.objects.filter(pk=held.delivery_id).update(leased_until=past, queued_at=past)
    Delivery.objects.update(next_attempt_at=past)
    assert services.requeue_stranded() == 1  # one slot: the oldest goes first
