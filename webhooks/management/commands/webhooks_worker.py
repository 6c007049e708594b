"""`manage.py webhooks_worker`: django-tasks-db's `db_worker` loop for the webhooks queue on
several threads, plus a thread that recovers what killed workers left behind
(webhooks.recovery). Run as many as you like, on as many machines as share the database.

Sending is mostly waiting for the target, so one process runs WEBHOOKS_WORKER_THREADS of
db_worker's own `Worker` loops, each with its own database connection. With the limit of
deliveries in flight per subscription (`services.claim`), a target that answers slowly
holds at most that many threads, never all of them.
"""

import signal
import sys
import threading

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection
from django_tasks_db.management.commands import db_worker

from webhooks import queue
from webhooks.recovery import Sweeper


class Pool:
    """db_worker `Worker` loops on threads; the first Ctrl-C (or SIGTERM) lets each finish
    the task it is running, a second one exits at once."""

    def __init__(self, workers: list[db_worker.Worker]):
        self.workers = workers
        self.stopping = False

    def shutdown(self, signum, frame):
        if self.stopping:
            db_worker.logger.warning("Received %s again - exiting now.", signal.strsignal(signum))
            sys.exit(1)
        db_worker.logger.warning(
            "Received %s - finishing the tasks being run... (press Ctrl+C again to force)",
            signal.strsignal(signum),
        )
        self.stopping = True
        for worker in self.workers:
            worker.running = False

    def run(self) -> None:
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT):
            signal.signal(signum, self.shutdown)
        threads = [
            threading.Thread(target=self._run, args=(worker,), name=f"webhooks-{n}", daemon=True)
            for n, worker in enumerate(self.workers)
        ]
        for thread in threads:
            thread.start()
        while any(thread.is_alive() for thread in threads):
            for thread in threads:
                thread.join(timeout=0.2)  # short waits: signals are handled between them

    @staticmethod
    def _run(worker: db_worker.Worker) -> None:
        try:
            worker.run()
        finally:
            connection.close()  # this thread's own connection


class Command(db_worker.Command):
    help = "Deliver webhook events (django-tasks-db's db_worker on the webhooks queue)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(queue_name=queue.QUEUE, reload=False)
        parser.add_argument(
            "--sweep-interval",
            type=float,
            default=None,
            help="Seconds between looks for abandoned deliveries "
            "(default: WEBHOOKS_SWEEP_SECONDS).",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=None,
            help="Deliveries sent at once by this process (default: WEBHOOKS_WORKER_THREADS).",
        )

    def handle(
        self,
        *args,
        sweep_interval=None,
        threads=None,
        verbosity,
        queue_name,
        interval,
        batch,
        backend_name,
        startup_delay,
        reload,
        max_tasks,
        worker_id,
        exclude_queues,
        **options,
    ):
        if reload:
            raise CommandError("webhooks_worker does not reload; restart it after a change.")
        count = threads or settings.WEBHOOKS_WORKER_THREADS
        if count < 1:
            raise CommandError("--threads must be at least 1.")
        self.configure_logging(verbosity)
        pool = Pool(
            [
                db_worker.Worker(
                    queue_names=queue_name.split(","),
                    interval=interval,
                    batch=batch,
                    backend_name=backend_name,
                    startup_delay=startup_delay,
                    max_tasks=max_tasks,
                    worker_id=f"{worker_id[:56]}-{n}",
                    excluded_queue_names=exclude_queues.split(",") if exclude_queues else [],
                )
                for n in range(count)
            ]
        )
        sweeper = Sweeper(sweep_interval or settings.WEBHOOKS_SWEEP_SECONDS)
        sweeper.start()
        try:
            pool.run()
        finally:
            sweeper.stopped.set()
