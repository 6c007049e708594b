"""Database helpers shared by the services."""

from contextlib import contextmanager

from django.db import IntegrityError, transaction


@contextmanager
def raise_on_integrity_error(error):
    """Run the block in a savepoint and raise `error` (a DomainError) if a constraint fails.

    The database constraint is the arbiter when two requests race for the same unique
    value: the loser gets the surface's conflict error instead of a 500.
    """
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        raise error from exc
