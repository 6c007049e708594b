"""The SelfCommunity replies (`community.selfcommunity.replies`, each shape written once)
are what the DRF serializers wrote (`tests.community.reference_serializers`), key for key,
value for value and in the same order, and are valid by the shapes and their OpenAPI
components; the columns `community.selectors` reads are the shapes' keys."""

import json
from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from community import selectors, services
from community.models import Category, Media, Status, Tag
from community.selfcommunity import replies
from core.shapes import shape_columns, shape_keys
from tests.community.factories import (
    CategoryFactory,
    MediaFactory,
    MemberProfileFactory,
    StatusFactory,
    TagFactory,
)
from tests.community.reference_serializers import (
    SCCategorySerializer,
    SCMediaSerializer,
    SCStatusSerializer,
    SCTagSerializer,
)
from tests.factories import UserFactory
from tests.shapes import reply_problems

pytestmark = pytest.mark.django_db

STATUS = "/api/v2/status/"


@pytest.fixture
def rich_statuses():
    """Posts that use every branch of a reply: profiles with and without ext_id, no
    profile, real names, image and link media, each kind of location, edits, parents of
    several levels, category tags, addressing and tags, empty lists."""
    now = timezone.now()
    root = CategoryFactory(name="Root", order=2, slogan="s", html_info="<p>i</p>")
    middle = CategoryFactory(name="Middle", parents=[root], order=1)
    leaf = CategoryFactory(name="Leaf", parents=[middle, root], auto_follow="forced")
    middle.tags.set([TagFactory(type="category", name="zeta"), TagFactory(type="category")])
    writer = UserFactory(first_name="Ada", last_name="Lovelace")
    MemberProfileFactory(user=writer, bio="b", website="https://ada.example", avatar="")
    no_ext = UserFactory(first_name="", last_name="Solo")
    MemberProfileFactory(user=no_ext, ext_id=None, location="Paris")
    bare = UserFactory()
    image = MediaFactory(
        owner=writer,
        type=Media.Type.IMAGE,
        url="",
        image="community/media/2026/01/pic.png",
        image_width=640,
        image_height=480,
        order=1,
    )
    link = MediaFactory(owner=writer, order=0, description="d")
    places = [
        {"location": "Rome", "location_lat": 41.9, "location_lng": 12.5},
        {"location": None, "location_lat": -3.25, "location_lng": None},
        {"location": "", "location_lat": None, "location_lng": None},
        {"location": None, "location_lat": None, "location_lng": None},
    ]
    statuses = []
    for i, author in enumerate([writer, no_ext, bare, writer, no_ext, bare]):
        statuses.append(
            StatusFactory(
                author=author,
                action=None if i % 2 else f"Action {i} ünïcode ✓",
                html=f"<p>Post {i} &amp; “quotes”</p>",
                plain_text=f"Post {i}",
                summary=f"Post {i}",
                slug=f"post-{i}",
                categories=[leaf, middle, root][: 1 + i % 3],
                medias=[image, link] if i % 2 == 0 else [],
                tags=[TagFactory(name=f"b{i}"), TagFactory(name=f"a{i}")] if i != 1 else [],
                addressing=[TagFactory(type="user", color="#123abc")] if i % 3 == 0 else [],
                added_at=now - timedelta(minutes=i),
                last_edited_at=now if i == 2 else None,
                comment_count=i,
                **places[i % len(places)],
            )
        )
    StatusFactory(deleted=True)
    return statuses


# Issue 23: a signed-in caller's status replies end with its marks; these members have none.
CALLER_MARKS = {"voted": False, "followed": False, "suspended": False}


def serializer_json(statuses, path):
    """The pre-shape serializer's replies, with the caller's marks (none) at their end."""
    request = RequestFactory().get(path)
    data = SCStatusSerializer(statuses, many=True, context={"request": request}).data
    return [{**status, **CALLER_MARKS} for status in json.loads(JSONRenderer().render(data))]


def test_list_replies_are_the_serializers(member, rich_statuses):
    response = member.get(STATUS, {"limit": 50})
    assert response.status_code == 200
    expected = serializer_json(services.status_queryset().filter(deleted=False), STATUS)
    # Same keys in the same order, same values (json.dumps keeps the order).
    assert json.dumps(response.json()["results"]) == json.dumps(expected)
    assert len(expected) == 6 and "image" in json.dumps(expected)


def test_search_replies_are_the_serializers(member, rich_statuses):
    response = member.get(STATUS + "search/", {"search": "post", "ordering": "added_at"})
    assert response.status_code == 200
    statuses = services.status_queryset().filter(deleted=False).order_by("added_at", "id")
    assert json.dumps(response.json()["results"]) == json.dumps(serializer_json(statuses, STATUS))


@pytest.mark.parametrize("with_profile", [True, False])
def test_create_reply_is_the_serializers(member, with_profile):
    """The create reply, built from what was written, is SCStatusSerializer's reply of the
    post read back: categories with ancestors (parents of several levels, their tags),
    media in their order, addressing and tags in the tag ordering, a location."""
    root = CategoryFactory(name="Root", order=2, slogan="s", html_info="<p>i</p>")
    middle = CategoryFactory(name="Middle", parents=[root], order=1)
    leaf = CategoryFactory(name="leaf", parents=[middle, root], auto_follow="forced")
    other = CategoryFactory(name="Other", order=1)
    middle.tags.set([TagFactory(type="category", name="zeta"), TagFactory(type="category")])
    root.tags.set([TagFactory(type="category", name="Alpha")])
    author = member.user
    if with_profile:
        MemberProfileFactory(user=author, bio="b", website="https://ada.example")
    image = MediaFactory(
        owner=author,
        type=Media.Type.IMAGE,
        url="",
        image="community/media/2026/01/pic.png",
        image_width=640,
        image_height=480,
        order=1,
    )
    link = MediaFactory(owner=author, order=1, description="d")
    first = MediaFactory(owner=author, order=0)
    tags = [TagFactory(name=name) for name in ("b", "A", "ab", "c")]
    addressing = [TagFactory(type="user", name=name) for name in ("Zed", "amy")]
    body = {
        "action": "Hello ✓",
        "text": "<p>Hi &amp; “quotes” <b>there</b></p>",
        "categories": [leaf.pk, other.pk, leaf.pk],
        "medias": [link.pk, image.pk, first.pk],
        "tags": [t.pk for t in tags],
        "addressing": [t.pk for t in addressing],
        "location": {"location": "Rome", "lat": 41.9, "lng": 12.5},
    }
    response = member.post(STATUS, body, format="json")
    assert response.status_code == 201, response.content
    reply = response.json()
    expected = serializer_json(services.status_queryset().filter(pk=reply["id"]), STATUS)[0]
    assert json.dumps(reply) == json.dumps(expected)
    assert len(reply["categories"]) == 4 and len(reply["medias"]) == 3
    assert "image" in json.dumps(reply) and reply["location"]["lat"] == 41.9


def test_create_reply_of_a_bare_post_is_the_serializers(member):
    response = member.post(STATUS, {"categories": [CategoryFactory().pk]}, format="json")
    assert response.status_code == 201, response.content
    reply = response.json()
    expected = serializer_json(services.status_queryset().filter(pk=reply["id"]), STATUS)[0]
    assert json.dumps(reply) == json.dumps(expected)
    assert "location" not in reply and reply["action"] is None


# --- one parity test per shape: the routes of one object and the category and tag pages ----


def reference_json(serializer_class, instance, path, **kwargs):
    request = RequestFactory().get(path)
    data = serializer_class(instance, context={"request": request}, **kwargs).data
    return json.loads(JSONRenderer().render(data))


def test_the_status_shape(member, rich_statuses):
    """SCStatus (with SCCategory, SCMedia, SCTag, SCUser, SCLocationReply and SCReaction in
    it): each rich post's reply, and one with the longest action, equal the serializer's and
    are valid by the shape and its component."""
    longest = StatusFactory(
        author=member.user,
        action="Ä🍕" + "x" * (Status.ACTION_MAX_LENGTH - 2),
        categories=[CategoryFactory(name="Ω" * Category.NAME_MAX_LENGTH)],
    )
    listed = member.get(STATUS, {"limit": 50}).json()["results"]
    assert len(listed) == len(rich_statuses) + 1
    for status in [*rich_statuses, longest]:
        path = f"{STATUS}{status.pk}/"
        response = member.get(path)
        assert response.status_code == 200
        reply = response.json()
        expected = reference_json(
            SCStatusSerializer, services.status_get(status_id=status.pk), path
        )
        assert json.dumps(reply) == json.dumps({**expected, **CALLER_MARKS})
        assert reply_problems(reply, replies.SCStatus) == []
        assert reply in listed


def test_the_category_shape(member):
    """SCCategory: the page and the one-category reply equal the serializer's and are valid
    by the shape and its component (tags, several parents, the longest name, unicode)."""
    root = CategoryFactory(name="Root", order=2, slogan="s", html_info="<p>i</p>")
    middle = CategoryFactory(name="Ω" * Category.NAME_MAX_LENGTH, parents=[root], order=1)
    CategoryFactory(name="Leaf “ü”", parents=[middle, root], auto_follow="forced")
    middle.tags.set([TagFactory(type="category", name="zeta"), TagFactory(type="category")])
    response = member.get("/api/v2/category/", {"limit": 50})
    assert response.status_code == 200
    results = response.json()["results"]
    expected = reference_json(SCCategorySerializer, services.category_list(), "/", many=True)
    # The category routes add the caller's `followed` (issue 23); this member follows none.
    expected = [{**category, "followed": False} for category in expected]
    assert json.dumps(results) == json.dumps(expected) and len(results) == 3
    for category in results:
        assert reply_problems(category, replies.SCCategory) == []
        one = member.get(f"/api/v2/category/{category['id']}/")
        assert one.status_code == 200 and json.dumps(one.json()) == json.dumps(category)


def test_the_tag_shape(member):
    """SCTag: the page and the one-tag reply equal the serializer's and are valid by the
    shape and its component (every type, the longest name, unicode, an empty description)."""
    for index, kind in enumerate(Tag.Type.values):
        TagFactory(type=kind, name=f"{index}" + "ß" * (Tag.NAME_MAX_LENGTH - 1), description="")
    TagFactory(name="🍕 “x”", description="d" * 255, visible=False, active=False)
    response = member.get("/api/v2/tag/", {"limit": 50})
    assert response.status_code == 200
    results = response.json()["results"]
    tags = Tag.objects.order_by("type", "name", "id")
    expected = reference_json(SCTagSerializer, services.tag_list(), "/", many=True)
    assert json.dumps(results) == json.dumps(expected) and len(results) == tags.count()
    for tag in results:
        assert reply_problems(tag, replies.SCTag) == []
        one = member.get(f"/api/v2/tag/{tag['id']}/")
        assert one.status_code == 200 and json.dumps(one.json()) == json.dumps(tag)


def test_the_media_shape(member):
    """SCMedia: an image media and a link media (the longest title, unicode), as the
    serializer wrote them (the image as an absolute URL), valid by the shape and its
    component."""
    author = member.user
    medias = [
        MediaFactory(
            owner=author,
            type=Media.Type.IMAGE,
            url="",
            image="community/media/2026/01/pïc.png",
            image_width=640,
            image_height=480,
        ),
        MediaFactory(owner=author, title="t" * 255, description="“ü” 🍕"),
    ]
    for media in medias:
        path = f"/api/v2/media/{media.pk}/"
        response = member.get(path)
        assert response.status_code == 200
        reply = response.json()
        expected = reference_json(SCMediaSerializer, Media.objects.get(pk=media.pk), path)
        assert json.dumps(reply) == json.dumps(expected)
        assert reply_problems(reply, replies.SCMedia) == []
    assert response.json()["url"] and "image" not in response.json()


# The keys a shape computes rather than reads from its model's columns.
COMPUTED = {
    "SCStatus": {
        "type",
        "categories",
        "medias",
        "location",
        "addressing",
        "tags",
        "author",
        "reaction",
        "reactions_count",
        "voted",
        "followed",
        "suspended",
    },
    "SCCategory": {"tags", "parents", "followed"},
    "SCTag": {"deleted"},
    "SCMedia": {"embed"},  # from a share's status or an embed's columns (issue 23)
}


@pytest.mark.parametrize(
    ("shape", "columns", "extra"),
    [
        (replies.SCStatus, selectors.STATUS_COLUMNS, {"location_lat", "location_lng"}),
        (replies.SCCategory, selectors.CATEGORY_COLUMNS, set()),
        (replies.SCTag, selectors.TAG_COLUMNS, set()),
        (
            replies.SCMedia,
            selectors.MEDIA_COLUMNS,
            {"shared_object_id", "embed_type", "embed_id", "embed_metadata"},
        ),
    ],
)
def test_the_columns_read_are_the_shapes_keys(shape, columns, extra):
    """A key added to a shape and not to the columns `community.selectors` reads (or the
    other way round) fails here, unless the shape computes it."""
    computed = COMPUTED[shape.__name__]
    # A key read from a column of another name (`followers_counter`) names its `source`.
    keys, columns_read = shape_keys(shape), shape_columns(shape)
    read = [c for k, c in zip(keys, columns_read, strict=True) if k not in computed]
    if shape is replies.SCStatus:
        read.insert(read.index("added_at"), "location")  # with location_lat and location_lng
    assert [c for c in columns if c not in extra] == read
