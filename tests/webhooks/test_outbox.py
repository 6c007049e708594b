"""The outbox and one delivery: events written with the change, signed Standard Webhooks
requests to a real receiver, verified with the specification's own library."""

import json
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from standardwebhooks import Webhook

from tests.factories import (
    AccountFactory,
    ConversationStatusFactory,
    StatusReasonFactory,
    webhook_owner,
)
from tests.webhooks.receiver import start_receiver
from webhooks import queue, recovery, secrets, services
from webhooks.models import Attempt, Delivery, Event, Subscription

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver():
    receiver = start_receiver()
    yield receiver
    receiver.server.shutdown()


def subscribe(url, types=("libredesk.status.created",), **fields):
    return services.subscription_create(
        owner=webhook_owner(), url=url, event_types=list(types), **fields
    )


def deliver_all():
    """What a worker does: run the dispatch task, then every queued delivery task."""
    queue.dispatch.call()
    for delivery_id in Delivery.objects.filter(state="pending").values_list("pk", flat=True):
        queue.deliver.call(delivery_id)


def test_an_event_is_signed_with_standard_webhooks_and_carries_the_vendor_shape(receiver):
    issued = subscribe(receiver.url)
    status = ConversationStatusFactory(name="Pending", status_category="pending")
    with transaction.atomic():
        (event,) = services.emit("conversation-status", "created", [status])
    deliver_all()
    (request,) = receiver.wait_for(1)
    payload = Webhook(issued.secret).verify(request.body, request.headers)
    assert payload["type"] == "libredesk.status.created"
    assert payload["data"]["object"] == {
        "id": status.pk,
        "created_at": payload["data"]["object"]["created_at"],
        "updated_at": payload["data"]["object"]["updated_at"],
        "name": "Pending",
        "category": "waiting",
    }
    assert payload["data"]["actor"] == "system"
    assert payload["data"]["sequence"] == 1
    assert request.headers["webhook-id"] == event.webhook_id
    assert request.headers["webhook-signature"].startswith("v1,")
    assert request.headers["Content-Type"] == "application/json"
    delivery = Delivery.objects.get()
    assert delivery.state == "delivered" and delivery.attempts == 1
    attempt = Attempt.objects.get()
    assert attempt.status_code == 204 and attempt.next_retry_at is None


def test_sequences_rise_per_object_and_only_matching_subscriptions_get_deliveries(receiver):
    wanted = subscribe(receiver.url, ["libredesk.status.updated"]).subscription
    subscribe(receiver.url, ["rocketchat.user_status.updated"])
    subscribe(receiver.url, ["libredesk.status.updated"], is_active=False)
    first, second = ConversationStatusFactory.create_batch(2)
    with transaction.atomic():
        services.emit("conversation-status", "updated", [first, second, first])
    with transaction.atomic():
        services.emit("conversation-status", "updated", [first])
    sequences = {
        (e.object_key, e.sequence) for e in Event.objects.filter(type="libredesk.status.updated")
    }
    key, other = f"conversation-status:{first.pk}", f"conversation-status:{second.pk}"
    assert sequences == {(key, 1), (key, 2), (key, 3), (other, 1)}
    assert set(Delivery.objects.values_list("subscription", flat=True)) == {wanted.pk}
    assert Delivery.objects.count() == 4


def test_a_liveperson_subscription_can_be_limited_to_one_account(receiver):
    AccountFactory(id="acme")
    acme = subscribe(receiver.url, ["liveperson.reason.created"], scope="acme")
    every = subscribe(receiver.url, ["liveperson.reason.created"])
    reason = StatusReasonFactory(account__id="other")
    with transaction.atomic():
        (event,) = services.emit(
            "status-reason",
            "created",
            [reason],
            scope="other",
            extra={"account": "other", "revision": 7},
        )
    assert list(Delivery.objects.values_list("subscription", flat=True)) == [every.subscription.pk]
    data = json.loads(event.body)["data"]
    assert data["account"] == "other" and data["revision"] == 7
    assert data["object"]["text"] == reason.text
    assert acme.subscription.deliveries.count() == 0


def test_a_rolled_back_change_leaves_no_event_delivery_or_task(receiver):
    subscribe(receiver.url)
    status = ConversationStatusFactory()
    tasks = DBTaskResult.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.emit("conversation-status", "created", [status])
        raise RuntimeError("the change failed after the event was written")
    assert Event.objects.count() == 0 and Delivery.objects.count() == 0
    assert DBTaskResult.objects.count() == tasks


@pytest.mark.django_db(transaction=True)
def test_emit_refuses_to_run_outside_a_transaction():
    status = ConversationStatusFactory()
    with pytest.raises(RuntimeError, match="inside the change's transaction"):
        services.emit("conversation-status", "created", [status])


def test_a_rotated_secret_signs_with_both_for_a_day(receiver):
    issued = subscribe(receiver.url)
    rotated = services.secret_rotate(subscription=issued.subscription)
    with transaction.atomic():
        services.emit("conversation-status", "created", [ConversationStatusFactory()])
    deliver_all()
    (request,) = receiver.wait_for(1)
    assert len(request.headers["webhook-signature"].split(" ")) == 2
    Webhook(issued.secret).verify(request.body, request.headers)
    Webhook(rotated.secret).verify(request.body, request.headers)
    # A day later only the new one signs.
    Subscription.objects.update(previous_secret_expires_at=timezone.now() - timedelta(seconds=1))
    with transaction.atomic():
        services.emit("conversation-status", "created", [ConversationStatusFactory()])
    deliver_all()
    second = receiver.wait_for(2)[1]
    assert len(second.headers["webhook-signature"].split(" ")) == 1
    Webhook(rotated.secret).verify(second.body, second.headers)
    with pytest.raises(Exception, match="No matching signature"):
        Webhook(issued.secret).verify(second.body, second.headers)


def test_the_secret_is_stored_encrypted_and_decrypts_to_the_one_shown(receiver):
    issued = subscribe(receiver.url)
    stored = Subscription.objects.get()
    assert issued.secret.startswith("whsec_")
    assert issued.secret not in stored.secret_encrypted
    assert secrets.decrypt(stored.secret_encrypted) == issued.secret
    history = stored.history.first()
    assert not hasattr(history, "secret_encrypted")


def test_a_failed_attempt_is_logged_and_retried_later_with_backoff(receiver, settings):
    settings.WEBHOOKS_RETRY_BASE_SECONDS = 60
    receiver.status, receiver.reply = 503, b"x" * 5000
    subscribe(receiver.url)
    with transaction.atomic():
        services.emit("conversation-status", "created", [ConversationStatusFactory()])
    before = timezone.now()
    deliver_all()
    receiver.wait_for(1)
    delivery = Delivery.objects.get()
    attempt = Attempt.objects.get()
    assert delivery.state == "pending" and delivery.attempts == 1
    assert attempt.status_code == 503 and len(attempt.response_excerpt) == 1024
    # Jitter: between half and all of the base delay for the first retry.
    assert before + timedelta(seconds=29) <= attempt.next_retry_at
    assert attempt.next_retry_at <= timezone.now() + timedelta(seconds=61)
    assert delivery.next_attempt_at == attempt.next_retry_at
    retry = DBTaskResult.objects.filter(task_path="webhooks.queue.deliver").latest("enqueued_at")
    assert retry.run_after == attempt.next_retry_at and retry.args_kwargs["args"] == [delivery.pk]
    assert Subscription.objects.get().failing_since is not None
    # Not due yet: a task that runs early does nothing.
    assert queue.deliver.call(delivery.pk) == "skipped"
    # Due, and the receiver is back: delivered, and the subscription no longer failing.
    Delivery.objects.update(next_attempt_at=timezone.now())
    receiver.status = 200
    assert queue.deliver.call(delivery.pk) == "delivered"
    assert Delivery.objects.get().state == "delivered"
    assert Subscription.objects.get().failing_since is None


def test_backoff_grows_exponentially_with_jitter_up_to_its_cap(settings):
    settings.WEBHOOKS_RETRY_BASE_SECONDS = 5
    settings.WEBHOOKS_RETRY_MAX_SECONDS = 3600
    waits = [services.backoff(n).total_seconds() for n in range(1, 16)]
    for n, wait in enumerate(waits, start=1):
        full = min(5 * 2 ** (n - 1), 3600)
        assert full / 2 <= wait <= full
    assert len({round(services.backoff(3).total_seconds(), 6) for _ in range(20)}) > 1


def test_retries_stop_after_a_day_and_a_subscription_failing_for_days_is_paused(receiver):
    receiver.status = 500
    issued = subscribe(receiver.url)
    with transaction.atomic():
        services.emit("conversation-status", "created", [ConversationStatusFactory()])
    Event.objects.update(created_at=timezone.now() - timedelta(hours=25))
    Subscription.objects.update(failing_since=timezone.now() - timedelta(days=3, minutes=1))
    # ... failing attempt after attempt: the last one half an hour ago.
    Attempt.objects.create(
        delivery=Delivery.objects.get(),
        number=99,
        started_at=timezone.now() - timedelta(minutes=30),
        finished_at=timezone.now() - timedelta(minutes=30),
        latency_ms=5,
        status_code=500,
    )
    deliver_all()
    receiver.wait_for(1)
    assert Delivery.objects.get().state == "failed"
    subscription = Subscription.objects.get(pk=issued.subscription.pk)
    assert not subscription.is_active and "3 days" in subscription.paused_reason
    # Paused: new events do not reach it.
    with transaction.atomic():
        services.emit("conversation-status", "created", [ConversationStatusFactory()])
    assert Delivery.objects.count() == 1


def test_redirects_are_not_followed(receiver):
    receiver.status = 302
    subscribe(receiver.url)
    with transaction.atomic():
        services.emit("conversation-status", "created", [ConversationStatusFactory()])
    deliver_all()
    assert len(receiver.wait_for(1)) == 1
    assert Attempt.objects.get().status_code == 302
    assert Delivery.objects.get().state == "pending"


def test_two_claims_of_one_delivery_cannot_both_hold_it(receiver, settings):
    subscribe(receiver.url)
    with transaction.atomic():
        services.emit("conversation-status", "created", [ConversationStatusFactory()])
    delivery = Delivery.objects.get()
    first = services.claim(delivery.pk)
    assert first is not None and services.claim(delivery.pk) is None
    assert queue.deliver.call(delivery.pk) == "skipped"
    # The holder died: once its lease runs out, another worker may take it.
    Delivery.objects.update(leased_until=timezone.now() - timedelta(seconds=1))
    second = services.claim(delivery.pk)
    assert second is not None and second.number == 2 and second.lease != first.lease
    # The first worker's late result does not change the delivery the second one holds.
    services.attempt(first)
    assert Delivery.objects.get().lease == second.lease


def test_the_sweep_requeues_what_a_dead_worker_held_and_fails_its_task(receiver, settings):
    subscribe(receiver.url)
    with transaction.atomic():
        services.emit("conversation-status", "created", [ConversationStatusFactory()])
    delivery = Delivery.objects.get()
    services.claim(delivery.pk)
    long_ago = timezone.now() - timedelta(seconds=settings.WEBHOOKS_LEASE_SECONDS * 3)
    Delivery.objects.update(leased_until=long_ago, next_attempt_at=long_ago, queued_at=long_ago)
    stuck = DBTaskResult.objects.filter(task_path="webhooks.queue.dispatch").get()
    DBTaskResult.objects.filter(pk=stuck.pk).update(status="RUNNING", started_at=long_ago)
    abandoned, requeued = recovery.sweep()
    assert (abandoned, requeued) == (1, 1)
    assert DBTaskResult.objects.get(pk=stuck.pk).status == "FAILED"
    queued = DBTaskResult.objects.filter(task_path="webhooks.queue.deliver", status="READY")
    assert [task.args_kwargs["args"] for task in queued] == [[delivery.pk]]
    assert queue.deliver.call(delivery.pk) == "delivered"
    assert recovery.sweep() == (0, 0)


def test_a_test_event_and_a_resend_reach_the_receiver_with_the_same_id(receiver):
    issued = subscribe(receiver.url)
    event = services.send_test_event(subscription=issued.subscription)
    deliver_all()
    (first,) = receiver.wait_for(1)
    payload = Webhook(issued.secret).verify(first.body, first.headers)
    assert payload["type"] == "webhook.test"
    services.delivery_resend(deliveries=list(Delivery.objects.all()))
    deliver_all()
    second = receiver.wait_for(2)[1]
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == event.webhook_id
    assert Delivery.objects.get().attempts == 2


def test_a_failure_after_a_quiet_spell_starts_the_failing_count_again(receiver):
    receiver.status = 500
    subscribe(receiver.url)
    with transaction.atomic():
        services.emit("conversation-status", "created", [ConversationStatusFactory()])
    # It failed days ago, then nothing was sent for days: one new failure is no streak.
    Subscription.objects.update(failing_since=timezone.now() - timedelta(days=4))
    deliver_all()
    receiver.wait_for(1)
    subscription = Subscription.objects.get()
    assert subscription.is_active
    assert timezone.now() - subscription.failing_since < timedelta(minutes=1)


def test_an_error_before_any_reply_is_a_logged_failed_attempt(receiver):
    subscribe(receiver.url)
    with transaction.atomic():
        services.emit("conversation-status", "created", [ConversationStatusFactory()])
    Subscription.objects.update(secret_encrypted="not a Fernet token")
    deliver_all()
    attempt = Attempt.objects.get()
    assert attempt.status_code is None and "InvalidToken" in attempt.error
    assert attempt.next_retry_at is not None
    assert Delivery.objects.get().state == "pending" and receiver.requests == []


def test_a_reply_that_never_ends_is_cut_off_by_the_watchdog(settings, monkeypatch):
    import socket
    import threading

    from webhooks import http

    monkeypatch.setattr(http, "TOTAL_SECONDS", 1.0)
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]

    def dribble():
        conn, _ = server.accept()
        conn.recv(65536)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
        for _ in range(40):  # a byte every 0.1 s: no read ever waits 10 s
            try:
                conn.sendall(b"x")
            except OSError:
                break
            threading.Event().wait(0.1)
        conn.close()

    threading.Thread(target=dribble, daemon=True).start()
    started = timezone.now()
    reply = http.post(f"http://127.0.0.1:{port}/slow", b"{}", {})
    assert (timezone.now() - started).total_seconds() < 3
    assert reply.status_code == 200 and 0 < len(reply.excerpt) < 40
    server.close()


def test_a_resend_leaves_a_delivery_that_is_being_sent_alone(receiver):
    subscribe(receiver.url)
    with transaction.atomic():
        services.emit("conversation-status", "created", [ConversationStatusFactory()])
    held = services.claim(Delivery.objects.get().pk)
    assert services.delivery_resend(deliveries=list(Delivery.objects.all())) == 0
    assert Delivery.objects.get().lease == held.lease


def test_the_claim_is_one_update_of_the_delivery_table_alone(receiver):
    """On PostgreSQL an UPDATE rewritten as `id IN (SELECT ...)` (what a join makes Django
    write) is not rechecked after waiting for the row: two workers could both take it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    subscribe(receiver.url)
    with transaction.atomic():
        services.emit("conversation-status", "created", [ConversationStatusFactory()])
    with CaptureQueriesContext(connection) as ctx:
        services.claim(Delivery.objects.get().pk)
    (update,) = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("UPDATE")]
    assert '"webhooks_delivery"."id" IN (SELECT' not in update
    assert "leased_until" in update.split("WHERE", 1)[1]
