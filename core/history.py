"""django-simple-history, with its history manager class made once per model.

`Model.history` is a descriptor that calls `HistoryManager.from_queryset(...)` on every
access, and every save reaches it (`create_historical_record`): `from_queryset` builds a
new class, walking the queryset's methods with `inspect.getmembers` each time. That was
about a fifth of a single-row create's time (issue 13; docs/performance.md). The class
depends only on the two classes given, so it is made once here.
"""

import functools

from simple_history import manager as history_manager
from simple_history import models as history_models


class HistoryManager(history_manager.HistoryManager):
    """simple_history's HistoryManager; `from_queryset` returns the same class each time."""

    @classmethod
    @functools.cache
    def from_queryset(cls, queryset_class, class_name=None):
        return super().from_queryset(queryset_class, class_name)


class HistoricalRecords(history_models.HistoricalRecords):
    """simple_history's HistoricalRecords with the HistoryManager above by default."""

    def __init__(self, *args, history_manager=HistoryManager, **kwargs):
        super().__init__(*args, history_manager=history_manager, **kwargs)
