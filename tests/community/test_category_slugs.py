"""Category slugs: numbered when names slugify alike, also when requests race (PostgreSQL);
a slug taken meanwhile is never reported as a taken name."""

import threading

import pytest
from django.db import connections
from rest_framework.test import APIClient

from community.models import Category
from tests.community.factories import CategoryFactory
from tests.community.test_selfcommunity_names import assert_field_error
from tests.community.test_supporting_routes import CATEGORY, CATEGORY_PERMS
from tests.conftest import issue_bearer
from tests.factories import UserFactory

THREADS = 24


@pytest.mark.django_db
def test_names_that_slugify_alike_get_numbered_slugs(sc_login):
    manager = sc_login(*CATEGORY_PERMS)
    slugs = [
        manager.post(CATEGORY, {"name": "Team A" + "!" * i}, format="json").json()["slug"]
        for i in range(4)
    ]
    assert slugs == ["team-a", "team-a-2", "team-a-3", "team-a-4"]


@pytest.mark.django_db
def test_a_taken_slug_chosen_by_the_client_is_a_slug_error(sc_login):
    manager = sc_login(*CATEGORY_PERMS)
    CategoryFactory(name="News", slug="news")
    response = manager.post(CATEGORY, {"name": "Other", "slug": "news"}, format="json")
    assert_field_error(response, "slug", "unique")


@pytest.mark.django_db
def test_an_automatic_slug_taken_meanwhile_is_replaced_not_a_name_error(sc_login, monkeypatch):
    """The slug picked before the INSERT is taken when the INSERT runs (as by a concurrent
    request): the service picks the next free slug instead of calling the name taken."""
    from community import services

    manager = sc_login(*CATEGORY_PERMS)
    real_free_slug = services._free_slug
    calls = []

    def stale_free_slug(base, *, exclude_id=None):
        calls.append(base)
        if len(calls) == 1:
            CategoryFactory(name="Someone else", slug="team-a")  # the concurrent winner
            return "team-a"
        return real_free_slug(base, exclude_id=exclude_id)

    monkeypatch.setattr(services, "_free_slug", stale_free_slug)
    response = manager.post(CATEGORY, {"name": "Team A"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["slug"] == "team-a-2"
    assert len(calls) == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_categories_with_one_slug_base_all_succeed(oauth_app):
    user = UserFactory(perms=CATEGORY_PERMS)
    bearer = issue_bearer(user, oauth_app)
    barrier = threading.Barrier(THREADS)
    results = []

    def create(i):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {bearer}")
        try:
            barrier.wait()
            # "Team A", "Team A!", "Team A!!", ...: different names, one slug base.
            response = client.post(CATEGORY, {"name": "Team A" + "!" * i}, format="json")
            results.append((response.status_code, response.json()))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [code for code, _ in results] == [201] * THREADS, [b for c, b in results if c != 201]
    slugs = {body["slug"] for _, body in results}
    assert slugs == {"team-a", *(f"team-a-{n}" for n in range(2, THREADS + 1))}
    assert Category.objects.count() == THREADS


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_categories_with_look_alike_names_one_wins(oauth_app):
    user = UserFactory(perms=CATEGORY_PERMS)
    bearer = issue_bearer(user, oauth_app)
    names = ["Ärger", "ärger", "ÄRGER", "A\u0308rger", "\uff21\u0308rger", "Är\u200bger"] * 2
    barrier = threading.Barrier(len(names))
    results = []

    def create(name):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {bearer}")
        try:
            barrier.wait()
            response = client.post(CATEGORY, {"name": name}, format="json")
            results.append((response.status_code, response.json()))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(code for code, _ in results) == [201] + [400] * (len(names) - 1)
    for code, body in results:
        if code == 400:
            assert body["errors"][0]["field"] == "name", body
            assert body["errors"][0]["messages"][0]["code"] == "unique", body
    assert Category.objects.count() == 1
