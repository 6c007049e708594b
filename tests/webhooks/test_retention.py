"""Old webhook rows are pruned by the worker (issue 21): finished deliveries with their
attempts, events left without deliveries and the queue's finished task rows, once older
than WEBHOOKS_RETENTION_DAYS; in bounded batches, with the same statements per batch."""

import time
from datetime import timedelta

import pytest
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.factories import webhook_owner
from webhooks import queue, recovery, retention, services
from webhooks.models import Attempt, Delivery, Event

pytestmark = pytest.mark.django_db

DAYS = 30


@pytest.fixture(autouse=True)
def retention_days(settings):
    settings.WEBHOOKS_RETENTION_DAYS = DAYS


@pytest.fixture
def subscriptions():
    owner = webhook_owner()
    return [
        services.subscription_create(
            owner=owner, url=f"http://127.0.0.1:9/{n}", event_types=["libredesk.status.created"]
        ).subscription
        for n in range(2)
    ]


def ago(days: float):
    return timezone.now() - timedelta(days=days)


OLD, YOUNG = DAYS + 1, DAYS - 1


def event(created_days_ago: float) -> Event:
    return Event.objects.create(
        type="libredesk.status.created",
        object_key=f"conversation-status:{Event.objects.count() + 1}",
        sequence=1,
        body="{}",
        created_at=ago(created_days_ago),
    )


def delivery(event_, subscription, state, *, finished_days_ago=None, attempts=1) -> Delivery:
    made = Delivery.objects.create(
        event=event_,
        subscription=subscription,
        state=state,
        attempts=attempts,
        created_at=event_.created_at,
        finished_at=None if finished_days_ago is None else ago(finished_days_ago),
    )
    for number in range(1, attempts + 1):
        Attempt.objects.create(
            delivery=made,
            number=number,
            started_at=event_.created_at,
            finished_at=event_.created_at,
            latency_ms=5,
            status_code=500,
        )
    return made


def task(status, *, finished_days_ago=None, queue_name=queue.QUEUE) -> DBTaskResult:
    return DBTaskResult.objects.create(
        status=status,
        args_kwargs={"args": [1], "kwargs": {}},
        task_path="webhooks.queue.deliver",
        queue_name=queue_name,
        backend_name="default",
        run_after=ago(OLD + 1),
        started_at=None if status == "READY" else ago(OLD + 1),
        finished_at=None if finished_days_ago is None else ago(finished_days_ago),
        exception_class_path="",
        traceback="",
    )


def test_old_finished_rows_go_and_young_or_pending_ones_stay(subscriptions):
    first, second = subscriptions
    gone, kept = [], []
    # Delivered and given up a month ago: they go, with their attempts and their events.
    old_delivered = event(OLD)
    gone.append(delivery(old_delivered, first, "delivered", finished_days_ago=OLD, attempts=2))
    old_failed = event(OLD + 5)
    gone.append(delivery(old_failed, first, "failed", finished_days_ago=OLD, attempts=3))
    # Still pending after a month (a paused subscription): the delivery and event stay.
    old_pending = event(OLD + 60)
    kept.append(delivery(old_pending, first, "pending", attempts=3))
    # One delivery done, the other pending: the done one goes, the event stays.
    half_done = event(OLD)
    gone.append(delivery(half_done, first, "delivered", finished_days_ago=OLD))
    kept.append(delivery(half_done, second, "pending", attempts=0))
    # An old event whose delivery finished within the limit (a late resend): both stay.
    resent = event(OLD + 10)
    kept.append(delivery(resent, first, "delivered", finished_days_ago=YOUNG))
    # Young ones stay, in every state.
    young = event(YOUNG)
    kept.append(delivery(young, first, "delivered", finished_days_ago=YOUNG))
    kept.append(delivery(young, second, "failed", finished_days_ago=YOUNG))
    # Events left without deliveries (their subscription was deleted): old ones go.
    bare_old, bare_young = event(OLD), event(YOUNG)

    old_tasks = [task("SUCCESSFUL", finished_days_ago=OLD), task("FAILED", finished_days_ago=OLD)]
    kept_tasks = [
        task("SUCCESSFUL", finished_days_ago=YOUNG),
        task("FAILED", finished_days_ago=YOUNG),
        # Never a task still to run or running, whatever its timestamps say.
        task("READY", finished_days_ago=OLD),
        task("RUNNING", finished_days_ago=OLD),
        task("READY"),
        task("RUNNING"),
        # Another queue's rows are not the webhooks' to prune.
        task("SUCCESSFUL", finished_days_ago=OLD, queue_name="default"),
    ]

    pruned = retention.prune()

    assert set(Delivery.objects.values_list("pk", flat=True)) == {d.pk for d in kept}
    assert set(Attempt.objects.values_list("delivery_id", flat=True)) == {
        d.pk for d in kept if d.attempts
    }
    assert Attempt.objects.count() == sum(d.attempts for d in kept)
    survivors = set(Event.objects.values_list("pk", flat=True))
    assert survivors == {e.pk for e in [old_pending, half_done, resent, young, bare_young]}
    assert old_delivered.pk not in survivors and bare_old.pk not in survivors
    assert set(DBTaskResult.objects.values_list("pk", flat=True)) == {t.pk for t in kept_tasks}
    assert (pruned.deliveries, pruned.events, pruned.tasks) == (3, 3, 2)
    assert pruned.complete
    # Nothing more is due.
    assert retention.prune().total == 0
    assert {t.pk for t in old_tasks}.isdisjoint(DBTaskResult.objects.values_list("pk", flat=True))


def test_the_retention_limit_is_the_setting(subscriptions, settings):
    done = delivery(event(10), subscriptions[0], "delivered", finished_days_ago=10)
    assert retention.prune().total == 0
    settings.WEBHOOKS_RETENTION_DAYS = 7
    assert retention.prune().deliveries == 1
    assert not Delivery.objects.filter(pk=done.pk).exists()


def test_batches_loop_until_done_and_each_prune_does_bounded_work(subscriptions):
    first = subscriptions[0]
    for _ in range(7):
        delivery(event(OLD), first, "delivered", finished_days_ago=OLD)
    for _ in range(5):
        task("SUCCESSFUL", finished_days_ago=OLD)
    # At most two batches of two per table: four of seven, and it says it is not done.
    pruned = retention.prune(batch_size=2, max_batches=2)
    assert (pruned.deliveries, pruned.tasks, pruned.complete) == (4, 4, False)
    assert Delivery.objects.count() == 3 and DBTaskResult.objects.count() == 1
    # Batches of three until the end: more than one batch, and it stops.
    pruned = retention.prune(batch_size=3, max_batches=100)
    assert (pruned.deliveries, pruned.tasks, pruned.complete) == (3, 1, True)
    assert not Delivery.objects.exists() and not Attempt.objects.exists()
    assert not Event.objects.exists()  # the events their deliveries left bare, too


def queries_for_one_batch(rows, dependents=None, *, size):
    with CaptureQueriesContext(connection) as captured:
        chosen, deleted = retention.delete_batch(rows, size=size, dependents=dependents)
    assert chosen == deleted == size
    return [q["sql"].split()[0].upper() for q in captured.captured_queries]


def test_a_batch_is_the_same_few_statements_however_many_rows_it_holds(subscriptions):
    first = subscriptions[0]
    cutoff = ago(DAYS)
    for _ in range(2):
        delivery(event(OLD), first, "failed", finished_days_ago=OLD, attempts=1)
    small = queries_for_one_batch(
        retention.finished_deliveries(cutoff), retention.attempts_of, size=2
    )
    for _ in range(20):
        delivery(event(OLD), first, "delivered", finished_days_ago=OLD, attempts=5)
    large = queries_for_one_batch(
        retention.finished_deliveries(cutoff), retention.attempts_of, size=20
    )
    assert small == large
    assert [q for q in large if q in ("SELECT", "DELETE")] == ["SELECT", "DELETE", "DELETE"]
    # Events (22 bare now) and task rows alike.
    assert [q for q in queries_for_one_batch(retention.orphaned_events(cutoff), size=2)] == [
        q for q in queries_for_one_batch(retention.orphaned_events(cutoff), size=20)
    ]
    for _ in range(22):
        task("FAILED", finished_days_ago=OLD)
    assert queries_for_one_batch(retention.finished_tasks(cutoff), size=2) == (
        queries_for_one_batch(retention.finished_tasks(cutoff), size=20)
    )


def test_the_sweepers_chore_prunes_at_once_then_hourly_and_sooner_while_behind(subscriptions):
    first = subscriptions[0]
    for _ in range(3):
        delivery(event(OLD), first, "delivered", finished_days_ago=OLD)
    chore = retention.PruneEvery(3600, batch_size=1, max_batches=2)
    assert chore().deliveries == 2  # at once, and stopped short ...
    assert chore().deliveries == 1  # ... so again at the next sweep
    assert chore() is None  # then not before the hour is up
    assert not Delivery.objects.exists()


def still_there(pk):
    """Whether the delivery is still stored. On SQLite the tests' database is in memory with
    a shared cache, where a read that meets the sweeper thread's write is refused at once
    ("database table is locked") instead of waiting: that is an answer of "not yet"."""
    try:
        return Delivery.objects.filter(pk=pk).exists()
    except OperationalError as exc:
        if "locked" not in str(exc):
            raise
        return True


@pytest.mark.django_db(transaction=True)
def test_a_running_worker_sweeper_prunes(subscriptions):
    """The thread `manage.py webhooks_worker` runs, with its own database connection."""
    done = delivery(event(OLD), subscriptions[0], "delivered", finished_days_ago=OLD)
    pending = delivery(event(OLD), subscriptions[0], "pending")
    sweeper = recovery.Sweeper(interval=0.05)
    sweeper.start()
    try:
        deadline = time.monotonic() + 30
        while still_there(done.pk) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        sweeper.stopped.set()
        sweeper.join(timeout=10)
    assert not Delivery.objects.filter(pk=done.pk).exists()
    assert Delivery.objects.filter(pk=pending.pk).exists()
