"""Concurrency on PostgreSQL: one default per category, and the Zendesk limits, hold when
requests race (the locks let the later request see the earlier's result; the partial unique
constraint is the last word)."""

import pytest

from statuses import services
from statuses.models import CATEGORY_OF_STATUS_CATEGORY, MAX_PER_CATEGORY, ConversationStatus
from tests.races import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_ten_concurrent_make_defaults_of_one_category_leave_one_default():
    # An earlier transactional test may have emptied the table of the shipped statuses.
    others = ConversationStatus.objects.filter(is_category_default=True).exclude(
        status_category="pending"
    )
    other_defaults = set(others.values_list("pk", flat=True))
    rivals = [
        services.conversation_status_create(name=f"Rival {i}", status_category="pending")
        for i in range(10)
    ]
    results = race(
        [lambda s=s: services.conversation_status_make_default(statuses=[s]) for s in rivals]
    )
    assert results == [None] * 10  # each waited for the one before, and then won in turn
    defaults = ConversationStatus.objects.filter(
        status_category="pending", is_category_default=True
    )
    assert defaults.count() == 1
    assert defaults.get().name.startswith("Rival")
    # Every other category kept its default.
    assert set(others.values_list("pk", flat=True)) == other_defaults


def test_two_concurrent_creates_for_the_last_place_of_a_category():
    have = ConversationStatus.objects.filter(status_category="hold").count()
    ConversationStatus.objects.bulk_create(
        ConversationStatus(
            name=f"Fill {i}", status_category="hold", category=CATEGORY_OF_STATUS_CATEGORY["hold"]
        )
        for i in range(MAX_PER_CATEGORY - 1 - have)
    )
    results = race(
        [
            lambda i=i: services.conversation_status_create(
                name=f"Last {i}", status_category="hold", within_limits=True
            )
            for i in range(2)
        ]
    )
    assert sorted(str(getattr(r, "code", r)) for r in results) == ["None", "too_many"]
    assert ConversationStatus.objects.filter(status_category="hold").count() == MAX_PER_CATEGORY
