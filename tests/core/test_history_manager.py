"""core.history: simple_history's manager class is made once per model, not on each save."""

import pytest

from core.history import HistoryManager
from statuses.models import ConversationStatus

pytestmark = pytest.mark.django_db


def test_the_history_manager_class_is_made_once_and_still_works():
    status = ConversationStatus.objects.create(
        name="Waiting on customer", status_category="open", category="open"
    )
    first, second = status.history, ConversationStatus.history
    assert type(first) is type(second)
    assert isinstance(first, HistoryManager)
    status.name = "Waiting on the customer"
    status.save()
    assert [row.history_type for row in status.history.all()] == ["~", "+"]
    assert status.history.most_recent().name == "Waiting on the customer"
