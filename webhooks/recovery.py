"""What a worker does besides running tasks: every WEBHOOKS_SWEEP_SECONDS, find work that a
dead worker left behind, and once an hour delete rows older than WEBHOOKS_RETENTION_DAYS
(`manage.py webhooks_worker` runs this in a thread).

- A task row a killed worker had claimed stays RUNNING for ever: past the lease it is
  marked FAILED, so the task list tells the truth.
- The delivery it was sending is pending with an expired lease, or a delivery's task was
  never queued: `services.requeue_stranded` queues it again.
- Finished deliveries, bare events and finished task rows past the retention limit go
  (`webhooks.retention`, at the first sweep and then hourly, in bounded batches).
"""

import logging
import threading
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connections
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from webhooks import queue, retention, services

logger = logging.getLogger(__name__)


def fail_abandoned_tasks() -> int:
    """Mark FAILED the webhook task rows left RUNNING by a worker that died."""
    stale = timezone.now() - timedelta(seconds=settings.WEBHOOKS_LEASE_SECONDS * 2)
    return DBTaskResult.objects.filter(
        queue_name=queue.QUEUE, status="RUNNING", started_at__lt=stale
    ).update(
        status="FAILED",
        finished_at=timezone.now(),
        exception_class_path="webhooks.recovery.WorkerLost",
        traceback="The worker running this task stopped before it finished.",
    )


def sweep() -> tuple[int, int]:
    return fail_abandoned_tasks(), services.requeue_stranded()


class Sweeper(threading.Thread):
    """A daemon thread that sweeps now and then every `interval` seconds until stopped, and
    prunes old rows at its first sweep and then every `prune_every` seconds."""

    def __init__(self, interval: float, prune_every: float = retention.PRUNE_EVERY_SECONDS):
        super().__init__(name="webhooks-sweeper", daemon=True)
        self.interval = interval
        self.stopped = threading.Event()
        self.prune = retention.PruneEvery(prune_every)

    def run(self):
        while not self.stopped.is_set():
            try:
                close_old_connections()
                abandoned, requeued = sweep()
                if abandoned or requeued:
                    logger.info(
                        "Recovered %d abandoned task(s), requeued %d delivery(ies)",
                        abandoned,
                        requeued,
                    )
            except Exception:  # a database hiccup must not end the thread
                logger.exception("Webhook sweep failed; trying again later")
            try:
                self.prune()
            except Exception:
                logger.exception("Webhook pruning failed; trying again later")
            finally:
                connections.close_all()
            self.stopped.wait(self.interval)
