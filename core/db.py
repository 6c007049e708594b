"""Database helpers shared by the services."""

from contextlib import contextmanager

from django.db import IntegrityError, transaction

from core.errors import ConflictError


@contextmanager
def conflict_on_integrity_error(message, **kwargs):
    """Run the block in a savepoint and turn a constraint violation into a ConflictError.

    The database constraint is the arbiter when two requests race for the same unique
    value: the loser gets the surface's conflict error instead of a 500.
    """
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        raise ConflictError(message, **kwargs) from exc
