"""Categories and tags as members use them (community.taxonomy and its SelfCommunity
routes): following with an exact counter, the feed, the list filters and bad input, and
a constant number of queries per page. The SDK's own calls are in test_taxonomy_sdk.py,
the race on PostgreSQL in test_taxonomy_race.py."""

from contextlib import contextmanager

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from community import services, taxonomy
from community.models import Category, CategoryFollow, StatusHide, Tag
from core.errors import NotFoundError
from tests.community.factories import (
    CategoryFactory,
    MemberProfileFactory,
    StatusFactory,
    TagFactory,
)
from tests.community.test_queries import COUNTED_PAGE_QUERIES as PAGE_QUERIES
from tests.conftest import data_statements
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# PAGE_QUERIES is test_queries' COUNTED_PAGE_QUERIES: a category's feed keeps no count (only
# the status list and search do), it counts.

CATEGORY, TAG = "/api/v2/category/", "/api/v2/tag/"


def field_error(response, field, code):
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert [(e["field"], [m["code"] for m in e["messages"]]) for e in errors] == [(field, [code])]


def names(response):
    assert response.status_code == 200, response.content
    return [item["name"] for item in response.json()["results"]]


# --- the follow service ---------------------------------------------------------------------


def test_following_counts_and_toggles():
    category, member, other = CategoryFactory(), UserFactory(), UserFactory()
    assert taxonomy.category_follow_toggle(category=category, user=member) is True
    assert taxonomy.category_follow_toggle(category=category, user=other) is True
    category.refresh_from_db()
    assert category.follower_count == 2
    assert taxonomy.category_is_followed(category=category, user=member)
    assert taxonomy.category_follow_toggle(category=category, user=member) is False
    category.refresh_from_db()
    assert category.follower_count == 1
    assert list(CategoryFollow.objects.values_list("user", flat=True)) == [other.pk]


def test_a_toggle_that_loses_the_insert_race_removes_the_winners_follow(monkeypatch):
    """The member's other request committed its follow after this one's DELETE looked
    (so it found none): this INSERT fails on the unique constraint, and the toggle, tried
    again, removes that follow. Both requests counted, no error."""
    from django.db.models.query import QuerySet

    category, member = CategoryFactory(), UserFactory()
    taxonomy.category_follow_toggle(category=category, user=member)  # the winner's follow
    real_delete = QuerySet.delete
    deletes = []

    def delete_that_saw_nothing_yet(queryset):
        deletes.append(queryset.model)
        if queryset.model is CategoryFollow and len(deletes) == 1:
            return 0, {}  # as it read before the winner committed
        return real_delete(queryset)

    monkeypatch.setattr(QuerySet, "delete", delete_that_saw_nothing_yet)
    assert taxonomy.category_follow_toggle(category=category, user=member) is False
    category.refresh_from_db()
    assert category.follower_count == 0 and not CategoryFollow.objects.exists()
    assert deletes == [CategoryFollow, CategoryFollow]  # tried twice


def test_a_follow_that_keeps_losing_the_race_is_a_503_not_a_500(monkeypatch, sc_login):
    """Every try's DELETE finds nothing and every INSERT hits the constraint (a follow
    committed meanwhile, each time): the route answers "try again shortly", as a status
    mark does, never an IntegrityError's 500."""
    from django.db.models.query import QuerySet

    category, client = CategoryFactory(), sc_login()
    taxonomy.category_follow_toggle(category=category, user=client.user)
    monkeypatch.setattr(QuerySet, "delete", lambda queryset: (0, {}))
    response = client.post(f"/api/v2/category/{category.pk}/follow/")
    assert response.status_code == 503, response.content
    assert response.json()["errors"][0]["code"] == "service_unavailable"


def test_following_a_category_deleted_meanwhile_is_not_found():
    category, member = CategoryFactory(), UserFactory()
    Category.objects.filter(pk=category.pk).delete()
    with pytest.raises(NotFoundError):
        taxonomy.category_follow_toggle(category=category, user=member)
    assert not CategoryFollow.objects.exists()


def test_saving_a_category_read_before_a_follow_keeps_the_count():
    """The counter is the follow routes' own: a category read earlier (as the admin's form
    or a PATCH reads it) does not write its old count back."""
    category = CategoryFactory(name="Old")
    stale = Category.objects.get(pk=category.pk)
    taxonomy.category_follow_toggle(category=category, user=UserFactory())
    services.category_save(category=stale, name="New")
    category.refresh_from_db()
    assert (category.name, category.follower_count) == ("New", 1)


def test_saving_a_category_deleted_meanwhile_is_not_found_not_a_new_one():
    category = CategoryFactory(name="Gone")
    stale = Category.objects.get(pk=category.pk)
    Category.objects.filter(pk=category.pk).delete()
    with pytest.raises(NotFoundError):
        services.category_save(category=stale, name="Back")
    assert not Category.objects.exists()


# --- the routes -----------------------------------------------------------------------------


def test_follow_routes(member):
    category = CategoryFactory()
    path = f"{CATEGORY}{category.pk}/"
    assert member.get(path + "is_followed/").json() == {"is_followed": False}
    response = member.post(path + "follow/")
    assert (response.status_code, response.content) == (204, b"")
    assert member.get(path + "is_followed/").json() == {"is_followed": True}
    reply = member.get(path).json()
    assert (reply["followed"], reply["followers_counter"]) == (True, 1)
    assert member.get(path + "audience/").json() == {
        "category_audience": 1,
        "connections_audience": 0,
    }
    assert member.post(path + "follow/").status_code == 204
    assert member.get(path + "is_followed/").json() == {"is_followed": False}
    assert member.get(path).json()["followers_counter"] == 0


def test_a_follow_needs_a_token_that_may_write(member, oauth_app):
    from oauth2_provider.models import AccessToken

    category = CategoryFactory()
    AccessToken.objects.filter(user=member.user).update(scope="read")
    response = member.post(f"{CATEGORY}{category.pk}/follow/")
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "permission_denied"
    assert not CategoryFollow.objects.exists()


@pytest.mark.parametrize(
    "route",
    ["follow/", "is_followed/", "followers/", "feed/", "children/", "parents/", "audience/"],
)
@pytest.mark.parametrize("category_id", ["999999", "abc", "0"])
def test_an_unknown_category_is_not_found(member, route, category_id):
    send = member.post if route == "follow/" else member.get
    response = send(f"{CATEGORY}{category_id}/{route}")
    assert response.status_code == 404
    assert response.json() == {"errors": [{"code": "not_found", "message": "Category not found."}]}


def test_the_routes_need_a_bearer(db):
    category = CategoryFactory()
    anonymous = APIClient()
    for path in ["followed/", f"{category.pk}/followers/", f"{category.pk}/is_followed/"]:
        response = anonymous.get(CATEGORY + path)
        assert response.status_code == 401
        assert response.json()["errors"][0]["code"] == "not_authenticated"
    assert anonymous.post(f"{CATEGORY}{category.pk}/follow/").status_code == 401


def test_a_follow_retires_the_cached_status_pages(member):
    """A status's categories show their counters; the status lists' cached replies must
    not keep the count from before a follow."""
    category = CategoryFactory()
    StatusFactory(categories=[category])
    counters = lambda: [  # noqa: E731
        c["followers_counter"]
        for c in member.get("/api/v2/status/").json()["results"][0]["categories"]
    ]
    assert counters() == [0]
    member.post(f"{CATEGORY}{category.pk}/follow/")
    assert counters() == [1]


def test_the_feed_leaves_out_deleted_and_hidden_posts(member, sc_login):
    category = CategoryFactory(stream_order_by="last_activity")
    kept = StatusFactory(categories=[category])
    StatusFactory(categories=[category], deleted=True)
    hidden = StatusFactory(categories=[category])
    StatusFactory(categories=[CategoryFactory()])  # another category
    StatusHide.objects.create(status=hidden, user=member.user)
    feed = member.get(f"{CATEGORY}{category.pk}/feed/").json()
    assert [unit["status"]["id"] for unit in feed["results"]] == [kept.pk]
    assert feed["count"] == 1
    # Hidden for that member only.
    other = sc_login().get(f"{CATEGORY}{category.pk}/feed/").json()
    assert {unit["status"]["id"] for unit in other["results"]} == {kept.pk, hidden.pk}


def test_the_followers_page_shows_members_as_authors_are_shown(member):
    category = CategoryFactory()
    with_profile = UserFactory(username="ada", first_name="Ada", last_name="L")
    MemberProfileFactory(user=with_profile, ext_id="crm-1", bio="b")
    for user in [with_profile, UserFactory(username="bob")]:
        taxonomy.category_follow_toggle(category=category, user=user)
    results = member.get(f"{CATEGORY}{category.pk}/followers/").json()["results"]
    assert [u["username"] for u in results] == ["bob", "ada"]  # the latest follow first
    ada = results[1]
    assert (ada["real_name"], ada["ext_id"], ada["bio"]) == ("Ada L", "crm-1", "b")
    assert "ext_id" not in results[0] and "email" not in results[0]


def test_the_category_filters(sc_login):
    root = CategoryFactory(name="Root", slogan="about news", order=1)
    staff_only = CategoryFactory(name="Staff", content_only_staff=True, order=2)
    CategoryFactory(name="Below staff", parents=[staff_only], order=3)
    CategoryFactory(name="Below root", name_synonyms="Alias\nOther", parents=[root], order=4)
    CategoryFactory(name="Off", active=False, order=5)
    member, staff = sc_login(), sc_login(is_staff=True)
    assert names(member.get(CATEGORY, {"search": "alias"})) == ["Below root"]
    assert names(member.get(CATEGORY, {"search": "news"})) == []  # not the slogan
    assert names(member.get(CATEGORY, {"active": "false"})) == ["Off"]
    assert member.get(CATEGORY, {"deleted": "true"}).json()["count"] == 0
    assert member.get(CATEGORY, {"deleted": "false"}).json()["count"] == 5
    assert names(member.get(CATEGORY, {"can_create_content": "true"})) == ["Root", "Below root"]
    assert names(member.get(CATEGORY, {"can_create_content": "false"})) == [
        "Staff",
        "Below staff",
        "Off",
    ]
    assert names(staff.get(CATEGORY, {"can_create_content": "true"})) == [
        "Root",
        "Staff",
        "Below staff",
        "Below root",
    ]
    # The search route takes the same filters.
    assert names(member.get(CATEGORY + "search/", {"search": "below", "active": "1"})) == [
        "Below staff",
        "Below root",
    ]
    # Each category's children and parents, one level.
    assert names(member.get(f"{CATEGORY}{root.pk}/children/")) == ["Below root"]
    assert names(member.get(f"{CATEGORY}{staff_only.pk}/parents/")) == []


@pytest.mark.parametrize(
    ("path", "params", "field", "code"),
    [
        (CATEGORY, {"active": "maybe"}, "active", "invalid"),
        (CATEGORY, {"deleted": "yes please"}, "deleted", "invalid"),
        (CATEGORY + "search/", {"can_create_content": "2"}, "can_create_content", "invalid"),
        (CATEGORY + "followed/", {"active": "nope"}, "active", "invalid"),
        (CATEGORY, {"search": "x" * 256}, "search", "max_length"),
        (TAG, {"visible": "sometimes"}, "visible", "invalid"),
        (TAG, {"ordering": "password"}, "ordering", "invalid_choice"),
        (TAG, {"ordering": "name,-name"}, "ordering", "invalid_choice"),
        (TAG, {"ordering": "name,"}, "ordering", "invalid_choice"),
        (TAG, {"type": "group"}, "type", "invalid_choice"),
        (TAG + "search/", {"active": "?"}, "active", "invalid"),
        (TAG + "user/search/", {"ordering": "color"}, "ordering", "invalid_choice"),
    ],
)
def test_bad_query_parameters(member, path, params, field, code):
    field_error(member.get(path, params), field, code)


def test_the_feed_refuses_an_ordering_it_does_not_have(member):
    category = CategoryFactory()
    response = member.get(f"{CATEGORY}{category.pk}/feed/", {"ordering": "relevance"})
    field_error(response, "ordering", "invalid_choice")


def test_the_tag_filters_and_orderings(member):
    first = TagFactory(name="Alpha", type=Tag.Type.USER)
    TagFactory(name="beta", type=Tag.Type.CONTRIBUTION, active=False)
    TagFactory(name="Gamma", type=Tag.Type.USER, visible=False)
    assert names(member.get(TAG)) == ["Gamma", "beta", "Alpha"]  # the newest first
    assert names(member.get(TAG, {"ordering": "name"})) == ["Alpha", "beta", "Gamma"]
    assert names(member.get(TAG, {"ordering": "-active,-name"})) == ["Gamma", "Alpha", "beta"]
    assert names(member.get(TAG, {"search": "A", "active": "true"})) == ["Gamma", "Alpha"]
    assert names(member.get(TAG, {"visible": "false"})) == ["Gamma"]
    assert names(member.get(TAG, {"visibility_boost": "true"})) == []
    assert names(member.get(TAG, {"visibility_boost": "false", "deleted": "false"})) == [
        "Gamma",
        "beta",
        "Alpha",
    ]
    assert names(member.get(TAG + "search/", {"type": "contribution"})) == ["beta"]
    # The tags a post may address: of type user only, whatever the query asks.
    assert names(member.get(TAG + "user/search/", {"type": "contribution"})) == ["Gamma", "Alpha"]
    assert names(member.get(TAG + "user/search/", {"search": "alp"})) == ["Alpha"]
    assert first.pk in [t["id"] for t in member.get(TAG, {"ordering": "id"}).json()["results"]]


def test_putting_a_tag_on_a_category(sc_login):
    manager, member = sc_login("community.change_category"), sc_login()
    category = CategoryFactory()
    tag = TagFactory(type=Tag.Type.CATEGORY, name="product")
    path = f"{TAG}{tag.pk}/assign/"
    refused = member.post(path, {"category": category.pk}, format="json")
    assert refused.status_code == 403
    for _ in range(2):  # a tag already there: 204 all the same
        assert manager.post(path, {"category": category.pk}, format="json").status_code == 204
    assert list(category.tags.values_list("name", flat=True)) == ["product"]
    wrong_type = TagFactory(type=Tag.Type.USER)
    field_error(
        manager.post(f"{TAG}{wrong_type.pk}/assign/", {"category": category.pk}, format="json"),
        "category",
        "invalid",
    )
    field_error(
        manager.post(path, {"category": 999999}, format="json"), "category", "does_not_exist"
    )
    field_error(manager.post(path, {"user": manager.user.pk}, format="json"), "user", "invalid")
    field_error(manager.post(path, {"contribution": 1}, format="json"), "contribution", "invalid")
    for body in [{}, {"category": category.pk, "user": 1}]:
        response = manager.post(path, body, format="json")
        assert response.status_code == 400
        assert response.json()["errors"][0]["code"] == "invalid"
    assert manager.post(f"{TAG}999999/assign/", {"category": 1}, format="json").status_code == 404


# --- queries per page -----------------------------------------------------------------------


@contextmanager
def data_queries(expected):
    with CaptureQueriesContext(connection) as ctx:
        yield
    queries = data_statements(ctx)
    assert len(queries) == expected, "\n".join(queries)


@pytest.fixture
def rich_categories(member):
    """Twelve categories with parents and tags, half of them followed by the member, each
    with a post and a follower with a profile."""
    root = CategoryFactory()
    categories = []
    for _ in range(12):
        category = CategoryFactory(parents=[root])
        category.tags.set([TagFactory(type="category"), TagFactory(type="category")])
        categories.append(category)
    for category in categories[::2]:
        taxonomy.category_follow_toggle(category=category, user=member.user)
    for category in categories:
        follower = UserFactory()
        MemberProfileFactory(user=follower)
        taxonomy.category_follow_toggle(category=category, user=follower)
        taxonomy.category_follow_toggle(category=root, user=follower)
        StatusFactory(categories=[category, root])
    return root, categories


def warm(client):
    """The credential's look-up is cached after a first request (not the one measured)."""
    assert client.get(TAG, {"limit": 1}).status_code == 200


# A page of categories: the page, the count (capped; none on a last page), the parents,
# the tags, the caller's follows among them.
CATEGORY_PAGE_QUERIES = 5
# The routes of one category first read it.
ONE_CATEGORY = 1


@pytest.mark.parametrize("limit", [2, 5, 11])
@pytest.mark.parametrize(
    ("path", "extra"),
    [
        (CATEGORY, 0),
        (CATEGORY + "search/", 0),
        (CATEGORY + "popular/", 0),
        (CATEGORY + "followed/", -1),  # every one of them is followed: no look-up
        ("{root}/children/", ONE_CATEGORY),
    ],
)
def test_category_pages_run_a_constant_number_of_queries(
    member, rich_categories, limit, path, extra
):
    root, _categories = rich_categories
    if path.startswith("{root}"):
        path = CATEGORY + path.format(root=root.pk)
    params = {"limit": limit, "active": "true"} if "popular" not in path else {"limit": limit}
    if "children" in path:
        params = {"limit": limit}
    # Thirteen categories, twelve children of the root, six followed by the member.
    total = 6 if "followed" in path else 12 if "children" in path else 13
    last_page = limit >= total  # a page that ends early tells the count without counting
    warm(member)
    with data_queries(CATEGORY_PAGE_QUERIES + extra - last_page):
        response = member.get(path, params)
    results = response.json()["results"]
    assert len(results) == min(limit, total) and response.json()["count"] == total
    children = [c for c in results if c["id"] != root.pk]
    assert all(len(c["tags"]) == 2 and c["parents"] == [root.pk] for c in children)


@pytest.mark.parametrize("limit", [2, 5, 11])
def test_the_followers_page_runs_a_constant_number_of_queries(member, rich_categories, limit):
    root, _categories = rich_categories
    warm(member)
    # The category, the page (each member with the profile), the count.
    with data_queries(ONE_CATEGORY + 2):
        response = member.get(f"{CATEGORY}{root.pk}/followers/", {"limit": limit})
    assert len(response.json()["results"]) == limit


@pytest.mark.parametrize("limit", [2, 5, 11])
def test_the_feed_runs_as_many_queries_as_a_status_page(member, rich_categories, limit):
    root, _categories = rich_categories
    warm(member)
    with data_queries(ONE_CATEGORY + PAGE_QUERIES):
        response = member.get(f"{CATEGORY}{root.pk}/feed/", {"limit": limit})
    units = response.json()["results"]
    assert len(units) == limit and all(len(u["status"]["categories"]) == 2 for u in units)


@pytest.mark.parametrize("limit", [2, 5, 11])
@pytest.mark.parametrize("path", [TAG, TAG + "search/", TAG + "user/search/"])
def test_tag_pages_run_a_constant_number_of_queries(member, path, limit):
    for _ in range(12):
        TagFactory(type="user")
    warm(member)
    # The page and the count.
    with data_queries(2):
        response = member.get(path, {"limit": limit, "visible": "true", "ordering": "-name"})
    assert len(response.json()["results"]) == limit


def test_an_empty_ordering_is_the_default(member):
    TagFactory(name="old")
    TagFactory(name="new")
    assert names(member.get(TAG, {"ordering": ""})) == ["new", "old"]
    assert names(member.get(TAG, {"ordering": " name "})) == ["new", "old"]


def test_anonymous_readers_get_no_caller_keys(settings):
    """With anonymous reads on, a reader with no credential gets categories without
    `followed`, may publish in none, and still needs a bearer for what is about the
    caller (the vendor's docs: "This operation requires authentication")."""
    settings.COMMUNITY_ANONYMOUS_READS = True
    category = CategoryFactory(name="Open")
    post = StatusFactory(categories=[category])
    taxonomy.category_follow_toggle(category=category, user=UserFactory())
    reader = APIClient()
    for path in [CATEGORY, CATEGORY + "popular/", CATEGORY + "search/"]:
        (listed,) = reader.get(path).json()["results"]
        assert listed["followers_counter"] == 1 and "followed" not in listed
    assert "followed" not in reader.get(f"{CATEGORY}{category.pk}/").json()
    assert names(reader.get(CATEGORY, {"can_create_content": "true"})) == []
    assert names(reader.get(CATEGORY, {"can_create_content": "false"})) == ["Open"]
    feed = reader.get(f"{CATEGORY}{category.pk}/feed/").json()
    assert [unit["status"]["id"] for unit in feed["results"]] == [post.pk]
    assert reader.get(f"{CATEGORY}{category.pk}/audience/").json()["category_audience"] == 1
    for path in ["followed/", f"{category.pk}/is_followed/", f"{category.pk}/followers/"]:
        assert reader.get(CATEGORY + path).status_code == 401
    assert reader.post(f"{CATEGORY}{category.pk}/follow/").status_code == 401
