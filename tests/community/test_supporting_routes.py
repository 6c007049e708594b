"""Categories, tags and media routes of the SelfCommunity surface (CONTRACTS.md §4)."""

import importlib
import io

import pytest
from django.apps import apps as django_apps
from PIL import Image

from community.models import DEFAULT_TAG_COLOR, Category, Media, Tag
from tests.community.factories import CategoryFactory, MediaFactory, TagFactory

pytestmark = pytest.mark.django_db

CATEGORY, TAG, MEDIA = "/api/v2/category/", "/api/v2/tag/", "/api/v2/media/"
CATEGORY_PERMS = [
    "community.add_category",
    "community.change_category",
    "community.delete_category",
]
TAG_PERMS = ["community.add_tag", "community.change_tag", "community.delete_tag"]


def png_bytes(size=(3, 2)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, format="PNG")
    return buffer.getvalue()


def upload(name, content, content_type="image/png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


# --- categories ------------------------------------------------------------------------------


def test_any_member_lists_and_reads_categories(member):
    second = CategoryFactory(name="B", order=2)
    first = CategoryFactory(name="A", order=1, slogan="First")
    second.parents.set([first])
    response = member.get(CATEGORY)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2 and [c["id"] for c in body["results"]] == [first.pk, second.pk]
    assert body["results"][1]["parents"] == [first.pk]
    detail = member.get(f"{CATEGORY}{first.pk}/").json()
    assert detail["slogan"] == "First" and detail["content_only_staff"] is False
    assert member.get(f"{CATEGORY}999999/").status_code == 404


def test_category_writes_need_permissions(member):
    category = CategoryFactory()
    assert member.post(CATEGORY, {"name": "X"}, format="json").status_code == 403
    assert member.put(f"{CATEGORY}{category.pk}/", {"name": "X"}, format="json").status_code == 403
    assert member.delete(f"{CATEGORY}{category.pk}/").status_code == 403
    assert member.post(CATEGORY, {"name": "X"}, format="json").json()["errors"][0]["code"] == (
        "permission_denied"
    )
    assert Category.objects.count() == 1


def test_manager_creates_updates_and_deletes_categories(sc_login):
    manager = sc_login(*CATEGORY_PERMS)
    parent = CategoryFactory()
    response = manager.post(
        CATEGORY,
        {"name": "Product News", "parents": [parent.pk], "content_only_staff": True, "order": 3},
        format="json",
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["slug"] == "product-news" and created["parents"] == [parent.pk]
    assert created["content_only_staff"] is True and created["order"] == 3
    path = f"{CATEGORY}{created['id']}/"
    response = manager.put(path, {"name": "News", "active": False}, format="json")
    assert response.status_code == 200 and response.json()["name"] == "News"
    assert response.json()["active"] is False
    response = manager.patch(path, {"slogan": "All the news"}, format="json")
    assert response.json()["slogan"] == "All the news" and response.json()["name"] == "News"
    assert manager.delete(path).status_code == 204
    assert not Category.objects.filter(pk=created["id"]).exists()


def test_category_name_is_unique_in_any_case(sc_login):
    manager = sc_login(*CATEGORY_PERMS)
    CategoryFactory(name="News")
    response = manager.post(CATEGORY, {"name": "NEWS"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "name"
    assert response.json()["errors"][0]["messages"][0]["code"] == "unique"


def test_category_cannot_be_its_own_ancestor(sc_login):
    manager = sc_login(*CATEGORY_PERMS)
    root = CategoryFactory()
    child = CategoryFactory(parents=[root])
    response = manager.patch(f"{CATEGORY}{root.pk}/", {"parents": [child.pk]}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "parents"
    assert list(root.parents.all()) == []


def test_category_missing_name_is_a_field_error(sc_login):
    response = sc_login(*CATEGORY_PERMS).post(CATEGORY, {}, format="json")
    assert response.json() == {
        "errors": [
            {
                "field": "name",
                "messages": [{"code": "required", "message": "This field is required."}],
            }
        ]
    }


# --- tags ------------------------------------------------------------------------------------


def test_tags_list_filter_and_permissions(sc_login):
    member = sc_login()
    user_tag = TagFactory(name="vip", type="user")
    TagFactory(name="howto", type="contribution")
    assert member.get(TAG).json()["count"] == 2
    filtered = member.get(TAG, {"type": "user"}).json()
    assert [t["id"] for t in filtered["results"]] == [user_tag.pk]
    assert member.get(TAG, {"type": "nope"}).status_code == 400
    assert member.get(f"{TAG}{user_tag.pk}/").json()["type"] == "user"
    assert member.post(TAG, {"name": "x", "type": "user"}, format="json").status_code == 403


def test_manager_creates_updates_and_deletes_tags(sc_login):
    manager = sc_login(*TAG_PERMS)
    response = manager.post(TAG, {"name": "vip", "type": "user", "color": "#ff0000"}, format="json")
    assert response.status_code == 201, response.content
    tag_id = response.json()["id"]
    # The same name is allowed in another type, not twice in one type.
    assert (
        manager.post(TAG, {"name": "VIP", "type": "contribution"}, format="json").status_code == 201
    )
    duplicate = manager.post(TAG, {"name": "Vip", "type": "user"}, format="json")
    assert duplicate.status_code == 400 and duplicate.json()["errors"][0]["field"] == "name"
    bad_type = manager.post(TAG, {"name": "x", "type": "group"}, format="json")
    assert bad_type.json()["errors"][0]["field"] == "type"
    response = manager.put(f"{TAG}{tag_id}/", {"name": "gold", "type": "user"}, format="json")
    assert response.status_code == 200 and response.json()["name"] == "gold"
    assert manager.delete(f"{TAG}{tag_id}/").status_code == 204
    assert not Tag.objects.filter(pk=tag_id).exists()


def test_a_tag_always_has_a_hex_colour(sc_login):
    # Issue 12, break 10: the vendor's TagChip calls getContrastText(tag.color).
    manager = sc_login(*TAG_PERMS)
    response = manager.post(TAG, {"name": "plain", "type": "user"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["color"] == DEFAULT_TAG_COLOR
    assert response.json()["deleted"] is False
    for bad in ["red", "#fff", "#12345g", "3366ff", ""]:
        response = manager.post(TAG, {"name": "x", "type": "user", "color": bad}, format="json")
        assert response.status_code == 400, bad
        assert response.json()["errors"][0]["field"] == "color"
    response = manager.patch(f"{TAG}{Tag.objects.get().pk}/", {"color": "#3366FF"}, format="json")
    assert response.status_code == 200 and response.json()["color"] == "#3366FF"
    assert (
        manager.patch(f"{TAG}{Tag.objects.get().pk}/", {"color": "blue"}, format="json").status_code
        == 400
    )
    assert Tag.objects.get().color == "#3366FF"


def test_the_colour_migration_gives_old_rows_the_default(db):
    migration = importlib.import_module("community.migrations.0008_tag_color_rule")
    good = TagFactory(color="#00aa00")
    old = [TagFactory(), TagFactory(), TagFactory()]
    for tag, color in zip(old, ["", "red", "#fff"], strict=True):
        Tag.objects.filter(pk=tag.pk).update(color=color)
    migration.fill_default_colors(django_apps, None)
    assert [Tag.objects.get(pk=t.pk).color for t in old] == [DEFAULT_TAG_COLOR] * 3
    assert Tag.objects.get(pk=good.pk).color == "#00aa00"


def test_category_tags_are_tag_objects(member):
    label = TagFactory(name="help", type="category", color="#123456")
    category = CategoryFactory()
    category.tags.set([label])
    body = member.get(f"{CATEGORY}{category.pk}/").json()
    assert [(t["id"], t["name"], t["color"], t["deleted"]) for t in body["tags"]] == [
        (label.pk, "help", "#123456", False)
    ]


def test_tag_type_is_checked_by_the_database(db):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        Tag.objects.create(name="x", type="group")


# --- media -----------------------------------------------------------------------------------


def test_create_url_media_and_read_it_back(member):
    response = member.post(
        MEDIA,
        {"type": "url", "url": "https://example.com/a", "title": "A", "description": "d"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["type"] == "url" and body["url"] == "https://example.com/a"
    assert body["title"] == "A"
    # SCMediaType's image keys are optional strings and numbers: left out, never null.
    assert not {"image", "image_width", "image_height"} & set(body)
    assert member.get(f"{MEDIA}{body['id']}/").json()["id"] == body["id"]


def test_url_media_needs_a_valid_url(member):
    response = member.post(MEDIA, {"type": "url"}, format="json")
    assert response.json()["errors"][0]["field"] == "url"
    response = member.post(MEDIA, {"type": "url", "url": "javascript:alert(1)"}, format="json")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "url"


def test_upload_an_image(member, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = member.post(
        MEDIA, {"type": "image", "image": upload("pic.png", png_bytes((3, 2)))}, format="multipart"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["type"] == "image" and body["image_width"] == 3 and body["image_height"] == 2
    assert body["image"].startswith("http://testserver/media/community/media/")
    assert Media.objects.get(pk=body["id"]).owner == member.user


def test_upload_that_is_not_an_image_is_refused(member, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    fake = upload("pic.png", b"<?php echo 'not an image'; ?>")
    response = member.post(MEDIA, {"type": "image", "image": fake}, format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "image"
    assert response.json()["errors"][0]["messages"][0]["code"] == "invalid_image"
    assert not Media.objects.exists()


def test_upload_over_the_size_limit_is_413(member, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.COMMUNITY_IMAGE_MAX_BYTES = 100
    response = member.post(
        MEDIA,
        {"type": "image", "image": upload("big.png", png_bytes((64, 64)))},
        format="multipart",
    )
    assert response.status_code == 413
    assert response.json()["errors"][0]["field"] == "image"
    assert not Media.objects.exists()


def test_someone_elses_media_is_404(member):
    media = MediaFactory()
    response = member.get(f"{MEDIA}{media.pk}/")
    assert response.status_code == 404 and response.json()["errors"][0]["code"] == "not_found"


def test_media_list_is_not_a_route(member):
    assert member.get(MEDIA).status_code == 405


def test_a_taken_name_is_a_400_unique_error_as_selfcommunity_says(sc_login):
    manager = sc_login(*CATEGORY_PERMS, *TAG_PERMS)
    CategoryFactory(name="News", slug="news")
    TagFactory(name="vip", type="user")
    replies = [
        manager.post(CATEGORY, {"name": "NEWS"}, format="json"),
        manager.post(CATEGORY, {"name": "Other", "slug": "news"}, format="json"),
        manager.post(TAG, {"name": "VIP", "type": "user"}, format="json"),
    ]
    assert [(r.status_code, r.json()["errors"]) for r in replies] == [
        (
            400,
            [
                {
                    "field": "name",
                    "messages": [
                        {"code": "unique", "message": "A category with this name already exists."}
                    ],
                }
            ],
        ),
        (
            400,
            [
                {
                    "field": "slug",
                    "messages": [
                        {"code": "unique", "message": "A category with this slug already exists."}
                    ],
                }
            ],
        ),
        (
            400,
            [
                {
                    "field": "name",
                    "messages": [
                        {
                            "code": "unique",
                            "message": "A tag with this name and type already exists.",
                        }
                    ],
                }
            ],
        ),
    ]


def test_an_image_over_the_limit_is_a_413_file_too_large(member, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.COMMUNITY_IMAGE_MAX_BYTES = 100
    image = upload("big.png", png_bytes((64, 64)))
    response = member.post(MEDIA, {"type": "image", "image": image}, format="multipart")
    assert response.status_code == 413
    assert response.json() == {
        "errors": [
            {
                "field": "image",
                "messages": [
                    {"code": "file_too_large", "message": "The image is larger than 100 bytes."}
                ],
            }
        ]
    }
