"""Running calls at the same moment, each in its own thread and database connection (the
PostgreSQL race tests)."""

import threading

from django.db import connections

from core.errors import DomainError


def race(calls):
    """Run each call in its own thread and connection, all released at once; each result
    is None (done) or the DomainError it raised."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            call()
        except DomainError as exc:
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
