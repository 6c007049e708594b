"""Defects a review of issue 23 found, each pinned by the test that showed it."""

import pytest

from community import services, social
from community.models import Media, Status
from tests.community.factories import CategoryFactory, StatusFactory
from tests.factories import UserFactory

MEDIA = "/api/v2/media/"
pytestmark = pytest.mark.django_db


@pytest.fixture
def member(sc_login):
    return sc_login()


@pytest.mark.parametrize(
    "metadata",
    [
        {"a": 10**30},  # past 64 bits: the replies' JSON encoder cannot write it
        {"a": -(10**30)},
        {"deep": [[[[[[[[[[10**25]]]]]]]]]]},
        {"big": "x" * 20_000},
    ],
)
def test_embed_metadata_the_replies_cannot_write_is_refused_and_nothing_is_kept(member, metadata):
    body = {"type": "embed", "embed": {"embed_type": "x", "embed_id": "1", "metadata": metadata}}
    reply = member.post(MEDIA, body, format="json")
    assert reply.status_code == 400, reply.content
    (error,) = reply.json()["errors"]
    assert error["field"] == "embed"
    assert not Media.objects.exists()
    # Everybody's status list still answers.
    assert member.get("/api/v2/status/").status_code == 200


def test_metadata_with_64_bit_numbers_is_kept(member):
    metadata = {"views": 2**62, "ratio": 0.5, "tags": ["a"], "nested": {"ok": True}}
    body = {"type": "embed", "embed": {"embed_type": "x", "embed_id": "1", "metadata": metadata}}
    reply = member.post(MEDIA, body, format="json")
    assert reply.status_code == 201, reply.content
    assert reply.json()["embed"]["metadata"] == metadata


def test_an_edit_keeps_the_votes_flags_and_follows_made_since_it_read_the_post():
    author, other = UserFactory(), UserFactory()
    category = CategoryFactory()
    post = StatusFactory(author=author)
    post.categories.add(category)
    stale = services.status_get(status_id=post.pk)  # the author's PUT has read the post
    social.vote_toggle(status=post, user=other)
    social.flag_toggle(status=post, user=other, flag_type=0)
    social.follow_toggle(status=post, user=other)
    services.status_update(status=stale, actor=author, categories=[category.pk], action="Edited")
    post.refresh_from_db()
    assert post.action == "Edited"
    assert (post.vote_count, post.flag_count, post.follower_count) == (1, 1, 1)


def test_an_edit_of_a_post_deleted_since_it_was_read_is_not_found():
    from core.errors import NotFoundError

    author, moderator = UserFactory(), UserFactory(is_staff=True)
    category = CategoryFactory()
    post = StatusFactory(author=author)
    post.categories.add(category)
    stale = services.status_get(status_id=post.pk)
    services.status_delete(status=post, actor=moderator)
    with pytest.raises(NotFoundError):
        services.status_update(status=stale, actor=author, categories=[category.pk], action="x")
    assert Status.objects.get(pk=post.pk).deleted is True  # the deletion holds


def test_deleting_a_share_media_counts_its_posts_out_of_the_shared_posts_share_count(member):
    shared = StatusFactory()
    category = CategoryFactory()
    share = member.post(MEDIA, {"type": "share", "shared_object": shared.pk}, format="json")
    assert share.status_code == 201, share.content
    body = {"action": "look", "categories": [category.pk], "medias": [share.json()["id"]]}
    assert member.post("/api/v2/status/", body, format="json").status_code == 201
    shared.refresh_from_db()
    assert shared.share_count == 1
    assert member.delete(f"{MEDIA}{share.json()['id']}/").status_code == 204
    shared.refresh_from_db()
    assert shared.share_count == 0
    shares = member.get(f"/api/v2/status/{shared.pk}/shares/").json()
    assert shares["count"] == shared.share_count == 0
