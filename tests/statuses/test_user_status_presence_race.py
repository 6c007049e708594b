"""Concurrency on PostgreSQL: the limit of active custom user statuses per system presence
holds when Genesys creates race for the last place (each takes its presence's advisory lock,
so the later counts after the earlier has committed)."""

import dataclasses

import pytest

from statuses import services
from statuses.models import MAX_ACTIVE_PER_PRESENCE, UserStatus
from statuses.selectors import user_status_presence_counts
from tests.races import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

RIVALS = 6


def test_concurrent_creates_for_the_last_place_of_a_presence_leave_one_winner():
    UserStatus.objects.filter(system_presence="Meal").delete()
    UserStatus.objects.bulk_create(
        UserStatus(name=f"Meal {i}", status_type="away", system_presence="Meal")
        for i in range(MAX_ACTIVE_PER_PRESENCE - 1)
    )
    results = race(
        [
            lambda i=i: services.user_status_create(
                name=f"Last {i}",
                status_type="away",
                system_presence="Meal",
                labels={"en-us": f"Last {i}", "fr": "Dernier"},
                within_limits=True,
            )
            for i in range(RIVALS)
        ]
    )
    codes = sorted(str(getattr(result, "code", result)) for result in results)
    assert codes == ["None", *["too_many"] * (RIVALS - 1)]
    assert user_status_presence_counts()["Meal"] == MAX_ACTIVE_PER_PRESENCE
    assert UserStatus.objects.filter(name__startswith="Last").count() == 1


def test_concurrent_reactivations_for_the_last_place_leave_one_winner():
    UserStatus.objects.filter(system_presence="Break").delete()
    UserStatus.objects.bulk_create(
        UserStatus(name=f"Break {i}", status_type="away", system_presence="Break")
        for i in range(MAX_ACTIVE_PER_PRESENCE - 1)
    )
    sleeping = [
        services.user_status_create(
            name=f"Nap {i}", status_type="away", system_presence="Break", active=False
        )
        for i in range(RIVALS)
    ]

    def reactivate(status):
        fields = services.fields_of(services.UserStatusFields, status)
        services.user_status_update(
            status=status, fields=dataclasses.replace(fields, active=True), within_limits=True
        )

    results = race([lambda s=s: reactivate(s) for s in sleeping])
    codes = sorted(str(getattr(result, "code", result)) for result in results)
    assert codes == ["None", *["too_many"] * (RIVALS - 1)]
    assert user_status_presence_counts()["Break"] == MAX_ACTIVE_PER_PRESENCE
