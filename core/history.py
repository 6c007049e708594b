"""django-simple-history, with its history manager class made once per model, and the
management command that made a change recorded with it.

`Model.history` is a descriptor that calls `HistoryManager.from_queryset(...)` on every
access, and every save reaches it (`create_historical_record`): `from_queryset` builds a
new class, walking the queryset's methods with `inspect.getmembers` each time. That was
about a fifth of a single-row create's time (issue 13; docs/performance.md). The class
depends only on the two classes given, so it is made once here.

A change made outside any request (by `manage.py load_demo_data`, say) has no user. While a
command runs (`command_running`, entered by manage.py for every command), such changes get
the change reason `manage.py <command>`, in simple_history's own column, so the history
page can say "system (<command>)" instead of nobody. No column is added to any history
table; every writer of history rows asks `change_reason` for the reason.
"""

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from simple_history import manager as history_manager
from simple_history import models as history_models
from simple_history.utils import get_change_reason_from_object

COMMAND_REASON_PREFIX = "manage.py "

_running_command: ContextVar[str | None] = ContextVar("running_command", default=None)


@contextmanager
def command_running(name: str) -> Iterator[None]:
    """Record changes made inside, outside any request, as made by the command `name`."""
    token = _running_command.set(name)
    try:
        yield
    finally:
        _running_command.reset(token)


def command_reason() -> str | None:
    """The change reason of the command running now; None inside a request (its user made
    the change, even when a command started the server) or when no command runs."""
    name = _running_command.get()
    if not name or getattr(HistoricalRecords.context, "request", None) is not None:
        return None
    return COMMAND_REASON_PREFIX + name


def change_reason(instance) -> str | None:
    """The change reason to record for `instance`: its own (simple_history's
    `_change_reason`), else the running command's."""
    return get_change_reason_from_object(instance) or command_reason()


def command_of(reason: str | None) -> str | None:
    """The command a recorded change reason names (`load_demo_data`), or None."""
    if reason and reason.startswith(COMMAND_REASON_PREFIX):
        return reason.removeprefix(COMMAND_REASON_PREFIX) or None
    return None


class HistoryManager(history_manager.HistoryManager):
    """simple_history's HistoryManager; `from_queryset` returns the same class each time, and
    bulk-written history rows get the running command's reason."""

    @classmethod
    @functools.cache
    def from_queryset(cls, queryset_class, class_name=None):
        return super().from_queryset(queryset_class, class_name)

    def bulk_history_create(self, objs, *args, default_change_reason="", **kwargs):
        # bulk_create_with_history and bulk_update_with_history write history rows here.
        if not default_change_reason:
            default_change_reason = command_reason() or default_change_reason
        return super().bulk_history_create(
            objs, *args, default_change_reason=default_change_reason, **kwargs
        )


class HistoricalRecords(history_models.HistoricalRecords):
    """simple_history's HistoricalRecords with the HistoryManager above by default, and the
    running command's change reason."""

    def __init__(self, *args, history_manager=HistoryManager, **kwargs):
        super().__init__(*args, history_manager=history_manager, **kwargs)

    def get_change_reason_for_object(self, instance, history_type, using):
        return change_reason(instance)
