"""Database helpers shared by the services."""

from contextlib import contextmanager

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction

from core.errors import DomainError, ErrorCode


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


def check_fields(instance, *, fields=None):
    """Run the model's own rules (field validators, Model.clean) for `fields` (all when
    None), raising the first failure as a DomainError with its field and code.

    Uniqueness is left to the database constraints (`raise_on_integrity_error`): a check
    before the write would race with a concurrent request anyway.
    """
    names = {field.name for field in instance._meta.fields}
    exclude = None if fields is None else names - set(fields)
    try:
        instance.clean_fields(exclude=exclude)
        if fields is None:
            instance.clean()
    except ValidationError as exc:
        raise domain_error_from(exc) from None


def domain_error_from(exc):
    """The first error of a Django ValidationError as a DomainError. Its code (a model
    validator's, or one of Django's own field rules) must be an ErrorCode: a model rule
    with a new code fails loudly (tests/core/test_error_codes.py checks every model's)."""
    field, errors = (
        next(iter(exc.error_dict.items()))
        if hasattr(exc, "error_dict")
        else (
            NON_FIELD_ERRORS,
            exc.error_list,
        )
    )
    error = errors[0]
    message = error.message % error.params if error.params else error.message
    return DomainError(
        message,
        code=error.code or ErrorCode.INVALID,
        field=None if field == NON_FIELD_ERRORS else field,
        params=dict(error.params or {}),
    )
