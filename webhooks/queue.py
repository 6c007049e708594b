"""The task queue behind the outbox: django-tasks, with its database backend (django-tasks-db)
in this project (docs/architecture.md says why). Only this module knows the library; the
services ask it to deliver now or later, and could be served by another queue.

With the database backend a task is a row written in the caller's transaction, so the
task that will send an event commits or rolls back with the change itself. Workers
(`manage.py webhooks_worker`) claim task rows with SELECT ... FOR UPDATE SKIP LOCKED
(an exclusive transaction on SQLite).
"""

import os
import socket
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django_tasks import task

QUEUE = "webhooks"
DISPATCH_BATCH = 500


def dispatch_later() -> None:
    """Have the pending, not yet queued deliveries queued (by a worker, in one task)."""
    dispatch.enqueue()


def deliver_now(delivery_id: int) -> None:
    deliver.enqueue(delivery_id)


def deliver_at(delivery_id: int, when: datetime) -> None:
    deliver.using(run_after=when).enqueue(delivery_id)


@task(queue_name=QUEUE)
def dispatch() -> int:
    """Queue one `deliver` task per pending delivery that has none yet."""
    from webhooks.models import Delivery

    with transaction.atomic():
        ids = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(state=Delivery.State.PENDING, queued_at__isnull=True)
            .order_by("id")
            .values_list("pk", flat=True)[:DISPATCH_BATCH]
        )
        Delivery.objects.filter(pk__in=ids).update(queued_at=timezone.now())
        for delivery_id in ids:
            deliver_now(delivery_id)
        if len(ids) == DISPATCH_BATCH:
            dispatch_later()
    return len(ids)


@task(queue_name=QUEUE)
def deliver(delivery_id: int) -> str:
    """One attempt at one delivery, if it is still due and no other worker holds it."""
    from webhooks import services

    claim = services.claim(delivery_id)
    if claim is None:
        return "skipped"
    attempt = services.attempt(claim, worker=f"{socket.gethostname()}:{os.getpid()}")
    return "delivered" if attempt.succeeded else "failed"
