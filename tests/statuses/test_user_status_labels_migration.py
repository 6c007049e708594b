"""Migrations 0017-0018: custom user statuses gain a system presence, an active flag, a
division and language labels; each existing status gets its name as its en-us label, and
back."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from statuses.models import UserStatus

BEFORE = [("statuses", "0016_conversationstatustranslation")]
AFTER = [("statuses", "0018_fill_user_status_labels")]


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.mark.django_db(transaction=True)
def test_every_status_gets_its_name_as_its_en_us_label_and_back():
    old = _migrate(BEFORE)
    Status = old.get_model("statuses", "UserStatus")
    Status.objects.create(id="A" * 17, name="Lunch", name_key="lunch", status_type="away")
    Status.objects.create(id="B" * 17, name="Meeting", name_key="meeting", status_type="busy")

    _migrate(AFTER)
    rows = {
        status.name: (
            status.system_presence, status.presence, status.active, status.division_id,
            dict(status.translations.values_list("locale", "label")),
        )
        for status in UserStatus.objects.all()
    }  # fmt: skip
    assert rows == {
        "Lunch": (None, "Away", True, "*", {"en-us": "Lunch"}),
        "Meeting": (None, "Busy", True, "*", {"en-us": "Meeting"}),
    }

    old = _migrate(BEFORE)
    Status = old.get_model("statuses", "UserStatus")
    assert dict(Status.objects.values_list("name", "status_type")) == {
        "Lunch": "away",
        "Meeting": "busy",
    }

    # And forwards again: the same labels, nothing doubled.
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert dict(UserStatus.objects.values_list("name", "translations__label")) == {
        "Lunch": "Lunch",
        "Meeting": "Meeting",
    }
