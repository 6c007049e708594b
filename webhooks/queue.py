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
    """Queue one `deliver` task per pending delivery that has none yet (as many at a time
    per subscription as it may have in flight)."""
    from webhooks import services

    return services.queue_pending(limit=DISPATCH_BATCH)


@task(queue_name=QUEUE)
def deliver(delivery_id: int) -> str:
    """One attempt at one delivery, if it is still due and no other worker holds it; then
    the next of its subscription's waiting deliveries is queued."""
    from webhooks import services

    claim = services.claim(delivery_id)
    if claim is None:
        return "skipped"
    attempt = services.attempt(claim, worker=f"{socket.gethostname()}:{os.getpid()}")
    services.queue_pending(subscription_id=claim.subscription_id, limit=DISPATCH_BATCH)
    return "delivered" if attempt.succeeded else "failed"
