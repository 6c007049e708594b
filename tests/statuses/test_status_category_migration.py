"""Migrations 0013-0015: status categories filled from the Libredesk categories, the
shipped statuses marked (one default per category), New and On-hold added, and back."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from statuses.models import ConversationStatus

BEFORE = [("statuses", "0012_history_source")]
AFTER = [("statuses", "0015_status_category_constraints")]


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_status_categories_and_marks_the_defaults_and_back():
    old = _migrate(BEFORE)
    Status = old.get_model("statuses", "ConversationStatus")
    Status.objects.filter(is_default=False).delete()
    Status.objects.create(name="Pending", name_key="pending", category="waiting")
    Status.objects.create(name="Escalated", name_key="escalated", category="open")
    # A custom status already named New (in another case) is taken over, not doubled.
    taken = Status.objects.create(name="NEW", name_key="new", category="waiting")

    _migrate(AFTER)
    rows = {
        status.name: (
            status.status_category, status.category, status.is_default, status.is_category_default,
            status.active,
        )
        for status in ConversationStatus.objects.all()
    }  # fmt: skip
    assert rows == {
        "Open": ("open", "open", True, True, True),
        "Snoozed": ("pending", "waiting", True, True, True),
        "Resolved": ("solved", "resolved", True, True, True),
        "Closed": ("solved", "resolved", True, False, True),
        "NEW": ("new", "open", True, True, True),
        "On-hold": ("hold", "waiting", True, True, True),
        "Pending": ("pending", "waiting", False, False, True),
        "Escalated": ("open", "open", False, False, True),
    }
    assert ConversationStatus.objects.get(name="NEW").pk == taken.pk

    # Backwards: the columns go; New and On-hold stay, as ordinary statuses (this cannot
    # tell a row it made from one it took over).
    old = _migrate(BEFORE)
    Status = old.get_model("statuses", "ConversationStatus")
    rows = dict(Status.objects.values_list("name", "is_default"))
    assert rows == {
        "Open": True, "Snoozed": True, "Resolved": True, "Closed": True,
        "NEW": False, "On-hold": False, "Pending": False, "Escalated": False,
    }  # fmt: skip
    assert dict(Status.objects.values_list("name", "category"))["NEW"] == "open"

    # And forwards again: the same result, nothing doubled.
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert ConversationStatus.objects.filter(is_category_default=True).count() == 5
    assert ConversationStatus.objects.count() == 8
