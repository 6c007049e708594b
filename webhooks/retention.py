"""How long webhook rows are kept: the worker's sweeper (webhooks.recovery) prunes, now and
then, what is older than WEBHOOKS_RETENTION_DAYS, so that the tables do not grow for ever.

- Deliveries that are finished (delivered, or given up) since before the limit go, with
  their attempts. Pending ones stay however old they are (a paused subscription's, say).
- An event goes once it is older than the limit and has no delivery left.
- The webhooks queue's task rows (django-tasks-db) that finished before the limit go;
  ready and running ones never do.
- Objects' sequence numbers (`ObjectSequence`) stay: one row per object, and an object's
  next event must carry a higher number than every one before it.

Each batch is one short transaction that deletes at most BATCH_SIZE rows chosen by id
(`FOR UPDATE SKIP LOCKED` on PostgreSQL, so two workers pruning at once take different
rows), with the same few statements whatever the batch holds; one prune does at most
MAX_BATCHES per table, and the next sweep goes on where it stopped.
"""

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from webhooks import queue
from webhooks.models import Attempt, Delivery, Event

logger = logging.getLogger(__name__)

BATCH_SIZE = 1000
MAX_BATCHES = 20  # per table and prune: at most 20,000 rows each
PRUNE_EVERY_SECONDS = 3600.0
FINISHED_TASK_STATES = ["SUCCESSFUL", "FAILED"]


@dataclass
class Pruned:
    """How many rows one prune deleted, and whether it got to the end of each table."""

    deliveries: int = 0
    events: int = 0
    tasks: int = 0
    complete: bool = True

    @property
    def total(self) -> int:
        return self.deliveries + self.events + self.tasks


def finished_deliveries(cutoff: datetime) -> QuerySet:
    """Deliveries delivered or given up before `cutoff`."""
    return Delivery.objects.filter(
        state__in=[Delivery.State.DELIVERED, Delivery.State.FAILED], finished_at__lt=cutoff
    )


def attempts_of(deliveries: QuerySet) -> QuerySet:
    """The attempts of `deliveries`, which go with them."""
    return Attempt.objects.filter(delivery__in=deliveries)


def orphaned_events(cutoff: datetime) -> QuerySet:
    """Events made before `cutoff` that no delivery refers to any more."""
    return Event.objects.filter(created_at__lt=cutoff).filter(
        ~Exists(Delivery.objects.filter(event_id=OuterRef("pk")))
    )


def finished_tasks(cutoff: datetime) -> QuerySet:
    """The webhooks queue's task rows that succeeded or failed before `cutoff`."""
    return DBTaskResult.objects.filter(
        queue_name=queue.QUEUE, status__in=FINISHED_TASK_STATES, finished_at__lt=cutoff
    )


def delete_batch(rows: QuerySet, *, size: int, dependents=None) -> tuple[int, int]:
    """Delete up to `size` of `rows` (lowest ids first) in one transaction, and first what
    `dependents(chosen)` returns; (rows chosen, rows deleted). Both deletes repeat the
    filter, so a row that changed meanwhile (a delivery a manager sends again) stays with
    its attempts."""
    with transaction.atomic():
        ids = list(
            rows.select_for_update(skip_locked=True)
            .order_by("pk")
            .values_list("pk", flat=True)[:size]
        )
        if not ids:
            return 0, 0
        chosen = rows.filter(pk__in=ids)
        if dependents is not None:
            _delete(dependents(chosen))
        return len(ids), _delete(chosen)


def _delete(rows: QuerySet) -> int:
    """One DELETE statement. Django's `delete()` would collect a delivery's or an event's
    related rows first, loading every row and deleting in chunks of 100: what refers to
    these rows is deleted just before (a delivery's attempts), or cannot exist (an event
    is chosen for having no delivery), so the statement is all it takes."""
    return rows._raw_delete(rows.db)


def prune(
    *,
    days: float | None = None,
    batch_size: int = BATCH_SIZE,
    max_batches: int = MAX_BATCHES,
) -> Pruned:
    """Delete the finished deliveries, bare events and finished task rows older than
    `days` (WEBHOOKS_RETENTION_DAYS), at most `max_batches` batches of each."""
    if days is None:
        days = settings.WEBHOOKS_RETENTION_DAYS
    cutoff = timezone.now() - timedelta(days=days)
    pruned = Pruned()
    # Deliveries first: the events they leave bare can go in the same prune.
    kinds = [
        ("deliveries", finished_deliveries(cutoff), attempts_of),
        ("events", orphaned_events(cutoff), None),
        ("tasks", finished_tasks(cutoff), None),
    ]
    for name, rows, dependents in kinds:
        for _ in range(max_batches):
            chosen, deleted = delete_batch(rows, size=batch_size, dependents=dependents)
            setattr(pruned, name, getattr(pruned, name) + deleted)
            if chosen < batch_size:
                break
        else:
            pruned.complete = False
    return pruned


class PruneEvery:
    """A sweeper chore: prune at the first call, then every `seconds`; at the next sweep
    again while a prune stopped short (more than MAX_BATCHES batches were due)."""

    def __init__(
        self,
        seconds: float = PRUNE_EVERY_SECONDS,
        *,
        batch_size: int = BATCH_SIZE,
        max_batches: int = MAX_BATCHES,
    ):
        self.seconds = seconds
        self.batch = {"batch_size": batch_size, "max_batches": max_batches}
        self.next_at = 0.0

    def __call__(self) -> Pruned | None:
        if time.monotonic() < self.next_at:
            return None
        # Set first: a prune that fails is tried again at the next interval, not every sweep.
        self.next_at = time.monotonic() + self.seconds
        pruned = prune(**self.batch)
        if not pruned.complete:
            self.next_at = 0.0
        if pruned.total:
            logger.info(
                "Pruned %d delivery(ies), %d event(s) and %d task row(s) older than %s days",
                pruned.deliveries,
                pruned.events,
                pruned.tasks,
                settings.WEBHOOKS_RETENTION_DAYS,
            )
        return pruned
