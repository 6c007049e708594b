"""Members voting, following and flagging one status at once, on PostgreSQL, through the
real views: every request answers 204, and each counter equals its rows afterwards, also
when one member's own toggles race each other (the unique constraint decides, and the
loser takes the toggle's other branch)."""

import threading

import pytest
from django.db import connections
from rest_framework.test import APIClient

from community.models import Status, StatusFlag, StatusFollow, StatusVote
from tests.community.factories import StatusFactory
from tests.conftest import issue_bearer
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# Members who vote, follow and flag once each; and members whose own toggles race: an odd
# number of them leaves the mark, an even one does not.
ONCE = 10
TOGGLES = {"odd": 5, "even": 4}


def race(requests):
    """Send every (bearer, method, path, body) at once; their status codes and failures."""
    barrier = threading.Barrier(len(requests))
    codes, failures = [], []

    def send(bearer, path, body):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {bearer}")
        try:
            barrier.wait()
            response = client.post(path, body, format="json") if body else client.post(path)
            codes.append(response.status_code)
            if response.status_code != 204:
                failures.append((path, response.status_code, response.content))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=request) for request in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return codes, failures


def test_racing_votes_follows_and_flags_are_all_counted(oauth_app):
    status = StatusFactory()
    base = f"/api/v2/status/{status.pk}"
    once = [UserFactory() for _ in range(ONCE)]
    odd, even = UserFactory(), UserFactory()
    bearers = {user.pk: issue_bearer(user, oauth_app) for user in [*once, odd, even]}
    requests = []
    for index, user in enumerate(once):
        bearer = bearers[user.pk]
        requests += [
            (bearer, f"{base}/vote/", None),
            (bearer, f"{base}/follow/", None),
            (bearer, f"{base}/flag/", {"flag_type": index % 5}),
        ]
    for user, times in ((odd, TOGGLES["odd"]), (even, TOGGLES["even"])):
        for _ in range(times):
            requests += [
                (bearers[user.pk], f"{base}/vote/", None),
                (bearers[user.pk], f"{base}/follow/", None),
                (bearers[user.pk], f"{base}/flag/", {"flag_type": 1}),
            ]

    codes, failures = race(requests)

    assert codes == [204] * len(requests), failures
    expected = {user.pk for user in [*once, odd]}
    for model in (StatusVote, StatusFollow, StatusFlag):
        assert set(model.objects.filter(status=status).values_list("user", flat=True)) == expected
    status = Status.objects.get(pk=status.pk)
    assert status.vote_count == StatusVote.objects.filter(status=status).count() == ONCE + 1
    assert status.follower_count == StatusFollow.objects.filter(status=status).count() == ONCE + 1
    assert status.flag_count == StatusFlag.objects.filter(status=status).count() == ONCE + 1

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {bearers[odd.pk]}")
    reply = client.get(f"{base}/").json()
    assert (reply["vote_count"], reply["follower_count"], reply["flag_count"]) == (
        ONCE + 1,
        ONCE + 1,
        ONCE + 1,
    )
    assert (reply["voted"], reply["followed"]) == (True, True)
    assert client.get(f"{base}/vote/", {"limit": 100}).json()["count"] == ONCE + 1


def test_one_members_racing_flags_of_several_types_leave_one_flag_or_none(oauth_app):
    """Flag types racing for one member: whatever the order, at most one flag is left, and
    `flag_count` is the number of flags."""
    status = StatusFactory()
    member = UserFactory()
    bearer = issue_bearer(member, oauth_app)
    path = f"/api/v2/status/{status.pk}/flag/"
    requests = [(bearer, path, {"flag_type": index % 3}) for index in range(9)]

    codes, failures = race(requests)

    assert codes == [204] * len(requests), failures
    status = Status.objects.get(pk=status.pk)
    flags = StatusFlag.objects.filter(status=status).count()
    assert flags in (0, 1)
    assert status.flag_count == flags
