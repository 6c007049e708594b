"""`manage.py webhooks_worker`: django-tasks-db's `db_worker` for the webhooks queue, plus a
thread that recovers what killed workers left behind (webhooks.recovery). Run as many as
you like, on as many machines as share the database."""

from django.conf import settings
from django_tasks_db.management.commands import db_worker

from webhooks import queue
from webhooks.recovery import Sweeper


class Command(db_worker.Command):
    help = "Deliver webhook events (django-tasks-db's db_worker on the webhooks queue)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(queue_name=queue.QUEUE)
        parser.add_argument(
            "--sweep-interval",
            type=float,
            default=None,
            help="Seconds between looks for abandoned deliveries "
            "(default: WEBHOOKS_SWEEP_SECONDS).",
        )

    def handle(self, *args, sweep_interval=None, **options):
        sweeper = Sweeper(sweep_interval or settings.WEBHOOKS_SWEEP_SECONDS)
        sweeper.start()
        try:
            super().handle(*args, **options)
        finally:
            sweeper.stopped.set()
