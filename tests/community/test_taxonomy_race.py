"""Members following one category at once, on PostgreSQL: every request answers 204,
every toggle counts exactly once, and the category's `followers_counter` equals its follow
rows, also when one member's own toggles race each other."""

import threading

import pytest
from django.db import connections
from rest_framework.test import APIClient

from community.models import Category, CategoryFollow
from tests.community.factories import CategoryFactory
from tests.conftest import issue_bearer
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# Members who follow once each, and two members who toggle many times at once: an odd
# number of toggles leaves a member following, an even one not.
ONCE = 12
TOGGLES = {"odd": 7, "even": 6}


def test_racing_follows_are_all_counted(oauth_app):
    category = CategoryFactory()
    path = f"/api/v2/category/{category.pk}/follow/"
    once = [UserFactory() for _ in range(ONCE)]
    odd, even = UserFactory(), UserFactory()
    bearers = {user.pk: issue_bearer(user, oauth_app) for user in [*once, odd, even]}
    requests = [*once, *[odd] * TOGGLES["odd"], *[even] * TOGGLES["even"]]
    barrier = threading.Barrier(len(requests))
    statuses, failures = [], []

    def toggle(user):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {bearers[user.pk]}")
        try:
            barrier.wait()
            response = client.post(path)
            statuses.append(response.status_code)
            if response.status_code != 204:
                failures.append(response.content)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=toggle, args=(user,)) for user in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [204] * len(requests), failures
    followers = set(CategoryFollow.objects.filter(category=category).values_list("user", flat=True))
    assert followers == {user.pk for user in [*once, odd]}
    category = Category.objects.get(pk=category.pk)
    assert category.follower_count == len(followers) == ONCE + 1

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {bearers[odd.pk]}")
    reply = client.get(f"/api/v2/category/{category.pk}/").json()
    assert (reply["followers_counter"], reply["followed"]) == (ONCE + 1, True)
    followers_page = client.get(f"/api/v2/category/{category.pk}/followers/", {"limit": 100})
    assert followers_page.json()["count"] == ONCE + 1
