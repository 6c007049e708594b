"""The media routes besides the upload: share and embed media, delete, the link preview
(PUT) and click, with SelfCommunity's codes and shapes (its api-docs, `media/*.md`,
`schemas/media.md` and `embed.md`; the UI's Share action and share preview)."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from community import services
from community.models import Media
from tests.community.factories import MediaFactory, StatusFactory
from tests.conftest import issue_bearer
from tests.factories import UserFactory, webhook_owner
from webhooks import services as webhooks
from webhooks.models import Event

pytestmark = pytest.mark.django_db

MEDIA = "/api/v2/media/"


def one(media_id):
    return f"{MEDIA}{media_id}/"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def member(sc_login):
    return sc_login()


def png(size=(8, 6)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "blue").save(buffer, "PNG")
    return SimpleUploadedFile("x.png", buffer.getvalue(), content_type="image/png")


def image_media(client):
    reply = client.post(MEDIA, {"type": "image", "image": png()}, format="multipart")
    assert reply.status_code == 201, reply.content
    return reply.json()


def field_error(reply):
    (error,) = reply.json()["errors"]
    return error["field"], [(m["code"], m["message"]) for m in error["messages"]]


# --- share ----------------------------------------------------------------------------------


def test_a_share_carries_the_shared_status_in_embed(member):
    status = StatusFactory()
    # Exactly the body of the UI's Share action (FeedObject/Actions/Share).
    reply = member.post(MEDIA, {"type": "share", "shared_object": status.pk}, format="json")
    assert reply.status_code == 201, reply.content
    body = reply.json()
    assert body["type"] == "share"
    assert body["embed"] == {
        "id": body["id"],
        "embed_type": "sc_shared_object",
        "embed_id": str(status.pk),
        "metadata": {"type": "status", "id": status.pk},
    }
    assert "image" not in body
    media = Media.objects.get(pk=body["id"])
    assert media.shared_object == status and media.owner == member.user
    assert member.get(one(body["id"])).json() == body


def test_a_status_with_a_share_shows_the_embed_in_every_reply(member):
    shared = StatusFactory()
    share = member.post(MEDIA, {"type": "share", "shared_object": shared.pk}, format="json").json()
    category = shared.categories.get()
    created = member.post(
        "/api/v2/status/",
        {"text": "Look", "categories": [category.pk], "medias": [share["id"]]},
        format="json",
    ).json()
    assert created["medias"] == [share]
    # The UI re-shares the original: `medias[].embed.metadata.id` of the share.
    assert member.get(f"/api/v2/status/{created['id']}/").json()["medias"] == [share]
    page = member.get("/api/v2/status/").json()["results"]
    assert next(s for s in page if s["id"] == created["id"])["medias"] == [share]


@pytest.mark.parametrize("state", ["unknown", "deleted"])
def test_a_share_of_no_live_status_is_a_field_error(member, state):
    status = StatusFactory(deleted=True)
    target = status.pk if state == "deleted" else status.pk + 1000
    reply = member.post(MEDIA, {"type": "share", "shared_object": target}, format="json")
    assert reply.status_code == 400
    assert field_error(reply) == (
        "shared_object",
        [("does_not_exist", f'Invalid pk "{target}" - object does not exist.')],
    )
    assert not Media.objects.exists()


def test_a_status_that_shares_another_cannot_be_shared(member):
    original = StatusFactory()
    sharing = StatusFactory(medias=[MediaFactory(type=Media.Type.SHARE, shared_object=original)])
    reply = member.post(MEDIA, {"type": "share", "shared_object": sharing.pk}, format="json")
    assert reply.status_code == 400
    assert field_error(reply) == (
        "shared_object",
        [("invalid", f"Status {sharing.pk} shares another status: share that one instead.")],
    )


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"type": "share"}, "shared_object", "required"),
        ({"type": "share", "shared_object": "5"}, "shared_object", "invalid"),
        ({"type": "share", "event_object": 5}, "shared_object", "required"),
        ({"type": "eimage"}, "type", "invalid_choice"),
    ],
)
def test_share_bodies_are_checked(member, body, field, code):
    reply = member.post(MEDIA, body, format="json")
    assert reply.status_code == 400
    assert field_error(reply)[0] == field
    assert field_error(reply)[1][0][0] == code


# --- embed ----------------------------------------------------------------------------------


def test_an_embed_is_kept_as_given(member):
    embed = {
        "embed_type": "video",
        "embed_id": "dQw4w9WgXcQ",
        "url": "https://example.com/watch?v=dQw4w9WgXcQ",
        "metadata": {"title": "Walkthrough", "duration": 212, "tags": ["a", "b"]},
    }
    reply = member.post(MEDIA, {"type": "embed", "embed": embed}, format="json")
    assert reply.status_code == 201, reply.content
    body = reply.json()
    assert body["type"] == "embed"
    assert body["embed"] == {"id": body["id"], **embed}
    assert body["url"] == embed["url"]
    assert member.get(one(body["id"])).json() == body


def test_an_embed_without_url_or_metadata_has_an_empty_object(member):
    body = {"type": "embed", "embed": {"embed_type": "product", "embed_id": 42}}
    reply = member.post(MEDIA, body, format="json")
    assert reply.status_code == 201, reply.content
    assert reply.json()["embed"] == {
        "id": reply.json()["id"],
        "embed_type": "product",
        "embed_id": "42",  # SCEmbedType: number | string; kept as its digits
        "metadata": {},
    }


@pytest.mark.parametrize("reserved", ["sc_link", "sc_shared_object", "sc_shared_event"])
def test_the_embed_types_selfcommunity_makes_are_refused(member, reserved):
    body = {"type": "embed", "embed": {"embed_type": reserved, "embed_id": "1"}}
    reply = member.post(MEDIA, body, format="json")
    assert reply.status_code == 400
    assert field_error(reply) == (
        "embed",
        [("invalid", f'"{reserved}" is an embed type SelfCommunity makes itself.')],
    )


@pytest.mark.parametrize(
    "embed",
    [
        None,
        {"embed_id": "1"},
        {"embed_type": "video"},
        {"embed_type": "video", "embed_id": True},
        {"embed_type": "video", "embed_id": "1", "metadata": [1, 2]},
        {"embed_type": "video", "embed_id": "1", "url": "javascript:alert(1)"},
        {"embed_type": "x" * 256, "embed_id": "1"},
    ],
)
def test_bad_embeds_are_field_errors_on_embed(member, embed):
    body = {"type": "embed"} if embed is None else {"type": "embed", "embed": embed}
    reply = member.post(MEDIA, body, format="json")
    assert reply.status_code == 400
    assert field_error(reply)[0] == "embed"
    assert not Media.objects.exists()


def test_url_and_image_media_are_unchanged(member):
    link = member.post(MEDIA, {"type": "url", "url": "https://example.com"}, format="json")
    assert link.status_code == 201
    assert list(link.json()) == ["id", "added_at", "type", "title", "description", "url", "order"]
    image = image_media(member)
    assert list(image) == [
        "id",
        "added_at",
        "type",
        "title",
        "description",
        "url",
        "image",
        "image_width",
        "image_height",
        "order",
    ]


# --- delete ---------------------------------------------------------------------------------


def test_deleting_your_media_answers_204(member, media_root):
    created = image_media(member)
    media = Media.objects.get(pk=created["id"])
    path = media_root / media.image.name
    assert path.exists()

    reply = member.delete(one(created["id"]))
    assert reply.status_code == 204
    assert reply.content == b""
    assert not Media.objects.filter(pk=created["id"]).exists()
    assert member.get(one(created["id"])).status_code == 404
    assert member.delete(one(created["id"])).status_code == 404


def test_another_members_media_cannot_be_deleted(member):
    theirs = MediaFactory()
    reply = member.delete(one(theirs.pk))
    assert reply.status_code == 404
    assert reply.json() == {"errors": [{"code": "not_found", "message": "Media not found."}]}
    assert Media.objects.filter(pk=theirs.pk).exists()


def test_a_media_shown_in_a_status_leaves_it_when_deleted(member):
    media = MediaFactory(owner=member.user)
    kept = MediaFactory(owner=member.user)
    status = StatusFactory(author=member.user, medias=[media, kept])
    assert member.delete(one(media.pk)).status_code == 204
    shown = member.get(f"/api/v2/status/{status.pk}/").json()["medias"]
    assert [m["id"] for m in shown] == [kept.pk]


def test_a_deleted_media_s_file_goes_once_the_delete_commits(
    member, media_root, django_capture_on_commit_callbacks
):
    created = image_media(member)
    path = media_root / Media.objects.get(pk=created["id"]).image.name
    with django_capture_on_commit_callbacks(execute=True):
        assert member.delete(one(created["id"])).status_code == 204
    assert not path.exists()


def test_a_file_two_media_show_stays_until_neither_does(
    member, media_root, django_capture_on_commit_callbacks
):
    image = image_media(member)
    link = member.post(MEDIA, {"type": "url", "url": "https://example.com"}, format="json").json()
    assert member.put(one(link["id"]), {"image": image["image"]}, format="json").status_code == 200
    path = media_root / Media.objects.get(pk=image["id"]).image.name
    with django_capture_on_commit_callbacks(execute=True):
        assert member.delete(one(image["id"])).status_code == 204
    assert path.exists()
    assert member.get(one(link["id"])).json()["image"] == image["image"]
    with django_capture_on_commit_callbacks(execute=True):
        assert member.delete(one(link["id"])).status_code == 204
    assert not path.exists()


# --- update: a link's preview ---------------------------------------------------------------


def test_a_link_takes_one_of_your_images_as_its_preview(member):
    image = image_media(member)
    link = member.post(MEDIA, {"type": "url", "url": "https://example.com/a"}, format="json")
    reply = member.put(one(link.json()["id"]), {"image": image["image"]}, format="json")
    assert reply.status_code == 200, reply.content
    body = reply.json()
    assert body["type"] == "url" and body["url"] == "https://example.com/a"
    assert body["image"] == image["image"]
    assert (body["image_width"], body["image_height"]) == (8, 6)
    assert member.get(one(body["id"])).json() == body


def test_the_preview_may_be_named_from_the_sites_root(member):
    image = image_media(member)
    link = member.post(MEDIA, {"type": "url", "url": "https://example.com/a"}, format="json")
    path = image["image"].removeprefix("http://testserver")
    assert path.startswith("/media/")
    reply = member.put(one(link.json()["id"]), {"image": path}, format="json")
    assert reply.status_code == 200
    assert reply.json()["image"] == image["image"]


PREVIEW_REFUSED = (
    "The preview must be one of your uploaded images, given by its address: the portal does "
    "not fetch images from other sites."
)


@pytest.mark.parametrize(
    "address",
    [
        "https://images.example.com/photo.png",
        "http://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
        "http://testserver/media/../config/settings.py",
        "http://testserver/media/",
    ],
)
def test_the_portal_never_fetches_a_preview(member, address, monkeypatch):
    def no_fetch(*args, **kwargs):
        raise AssertionError("the portal fetched a URL")

    monkeypatch.setattr("urllib.request.urlopen", no_fetch)
    link = member.post(MEDIA, {"type": "url", "url": "https://example.com/a"}, format="json")
    reply = member.put(one(link.json()["id"]), {"image": address}, format="json")
    assert reply.status_code == 400
    assert field_error(reply) == ("image", [("invalid", PREVIEW_REFUSED)])
    assert "image" not in member.get(one(link.json()["id"])).json()


def test_another_members_image_is_no_preview(member, sc_login):
    theirs = image_media(sc_login())
    link = member.post(MEDIA, {"type": "url", "url": "https://example.com/a"}, format="json")
    reply = member.put(one(link.json()["id"]), {"image": theirs["image"]}, format="json")
    assert reply.status_code == 400
    assert field_error(reply) == ("image", [("invalid", PREVIEW_REFUSED)])


def test_only_a_link_takes_a_preview(member):
    image = image_media(member)
    reply = member.put(one(image["id"]), {"image": image["image"]}, format="json")
    assert reply.status_code == 400
    assert field_error(reply) == (
        "image",
        [("invalid", "Only a link media takes a preview image.")],
    )


def test_another_members_media_cannot_be_updated(member, sc_login):
    theirs = MediaFactory()
    image = image_media(member)
    assert member.put(one(theirs.pk), {"image": image["image"]}, format="json").status_code == 404


def test_an_update_needs_an_image(member):
    link = member.post(MEDIA, {"type": "url", "url": "https://example.com/a"}, format="json")
    reply = member.put(one(link.json()["id"]), {}, format="json")
    assert reply.status_code == 400
    assert field_error(reply) == ("image", [("required", "This field is required.")])


# --- click ----------------------------------------------------------------------------------


def clicks(media):
    return Media.objects.values_list("click_count", flat=True).get(pk=media.pk)


def test_a_click_on_your_media_is_counted(member):
    media = MediaFactory(owner=member.user)
    reply = member.post(f"{one(media.pk)}click/", {"ip": "203.0.113.9"}, format="json")
    assert reply.status_code == 204
    assert reply.content == b""
    assert member.post(f"{one(media.pk)}click/").status_code == 204
    assert clicks(media) == 2


def test_a_click_on_a_media_shown_in_a_status_is_counted(member):
    media = MediaFactory()
    StatusFactory(author=media.owner, medias=[media])
    assert member.post(f"{one(media.pk)}click/").status_code == 204
    assert clicks(media) == 1


@pytest.mark.parametrize("where", ["nowhere", "deleted status", "unknown"])
def test_a_media_you_cannot_see_is_not_found(member, where):
    media = MediaFactory()
    if where == "deleted status":
        StatusFactory(author=media.owner, medias=[media], deleted=True)
    target = media.pk + 1000 if where == "unknown" else media.pk
    reply = member.post(f"{one(target)}click/")
    assert reply.status_code == 404
    assert clicks(media) == 0


def test_anonymous_clicks_follow_the_anonymous_reads_setting(client, settings):
    media = MediaFactory()
    StatusFactory(author=media.owner, medias=[media])
    hidden = MediaFactory()

    settings.COMMUNITY_ANONYMOUS_READS = False
    reply = client.post(f"{one(media.pk)}click/")
    assert reply.status_code == 401
    assert reply.json()["errors"][0]["code"] == "not_authenticated"

    settings.COMMUNITY_ANONYMOUS_READS = True
    assert client.post(f"{one(media.pk)}click/").status_code == 204
    assert client.post(f"{one(hidden.pk)}click/").status_code == 404
    assert clicks(media) == 1 and clicks(hidden) == 0
    # A credential that fails stays a 401: it is never taken for an anonymous click.
    bad = client.post(f"{one(media.pk)}click/", HTTP_AUTHORIZATION="Bearer nope")
    assert bad.status_code == 401


def test_a_read_only_token_may_click(oauth_app, client):
    from oauth2_provider.models import AccessToken

    user = UserFactory()
    media = MediaFactory(owner=user)
    issue_bearer(user, oauth_app)
    token = AccessToken.objects.get(user=user)
    token.scope = "read"
    token.save()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token.token}"}
    assert client.post(f"{one(media.pk)}click/", **auth).status_code == 204
    assert client.delete(one(media.pk), **auth).status_code == 403  # a write needs `write`


# --- services -------------------------------------------------------------------------------


def test_the_services_keep_their_rules_for_every_door():
    owner = UserFactory()
    status = StatusFactory()
    share = services.media_create_share(owner=owner, shared_object=status.pk)
    assert share.type == "share" and share.shared_object_id == status.pk
    embed = services.media_create_embed(owner=owner, embed_type="video", embed_id="7")
    assert embed.embed_metadata == {}
    services.media_click(media=embed)
    services.media_click(media=embed)
    embed.refresh_from_db()
    assert embed.click_count == 2
    services.media_delete(media=embed)
    assert not Media.objects.filter(pk=embed.pk).exists()
    assert services.media_get_visible(media_id=share.pk, user=owner) == share
    with pytest.raises(services.NotFoundError):
        services.media_get_visible(media_id=share.pk, user=None)


# --- webhooks -------------------------------------------------------------------------------


def test_subscribers_of_statuses_hear_of_a_media_leaving_a_status(member, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
    webhooks.subscription_create(
        owner=webhook_owner(),
        url="http://127.0.0.1:9/hook",
        event_types=["community.status.updated"],
    )
    shared = StatusFactory()
    share = MediaFactory(owner=member.user, type=Media.Type.SHARE, url="", shared_object=shared)
    link = MediaFactory(owner=member.user)
    status = StatusFactory(author=member.user, medias=[share, link])

    assert member.delete(one(link.pk)).status_code == 204

    (event,) = Event.objects.filter(type="community.status.updated")
    shown = json.loads(event.body)["data"]["object"]
    assert shown["id"] == status.pk
    assert [m["id"] for m in shown["medias"]] == [share.pk]
    assert shown["medias"][0]["embed"]["metadata"] == {"type": "status", "id": shared.pk}
