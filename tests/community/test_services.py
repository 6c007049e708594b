"""community.services called directly: category and tag names by core.text.name_key,
category slugs and parents, category html_info sanitising, media images, and status posts
(the create rules, mention rendering, who may edit, delete, restore and collapse)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from community import services
from community.models import Category, Media, Status, Tag
from core.errors import ConflictError, DomainError, ForbiddenError, NotFoundError, TooLargeError
from tests.community.factories import (
    CategoryFactory,
    MediaFactory,
    MemberProfileFactory,
    StatusFactory,
    TagFactory,
)
from tests.factories import UserFactory
from tests.names import INVISIBLE_NAMES, SAME_NAMES

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("first", "second"), SAME_NAMES)
def test_category_save_refuses_a_look_alike(first, second):
    services.category_save(name=first)
    with pytest.raises(DomainError) as caught:
        services.category_save(name=second)
    assert (caught.value.field, caught.value.code) == ("name", "name_taken")
    assert Category.objects.count() == 1


@pytest.mark.parametrize(("first", "second"), SAME_NAMES)
def test_tag_save_refuses_a_look_alike_in_the_same_type(first, second):
    services.tag_save(name=first, type="user")
    with pytest.raises(DomainError) as caught:
        services.tag_save(name=second, type="user")
    assert (caught.value.field, caught.value.code) == ("name", "name_taken")
    services.tag_save(name=second, type="category")
    assert Tag.objects.count() == 2


@pytest.mark.parametrize("name", INVISIBLE_NAMES)
def test_an_invisible_name_is_blank(name):
    for save in (services.category_save, lambda **kw: services.tag_save(type="user", **kw)):
        with pytest.raises(DomainError) as caught:
            save(name=name)
        assert (caught.value.field, caught.value.code) == ("name", "blank")


def test_category_save_stores_the_key():
    category = services.category_save(name="Lun\u200bch")
    category.refresh_from_db()
    assert (category.name, category.name_key) == ("Lun\u200bch", "lunch")


def test_automatic_slugs_count_up_from_the_name():
    names = ["Team A", "Team A!", "team a?", "TEAM-A"]
    assert [services.category_save(name=n).slug for n in names] == [
        "team-a",
        "team-a-2",
        "team-a-3",
        "team-a-4",
    ]
    # A gap left by a deletion is reused; a longer slug that merely starts alike is no clash.
    Category.objects.get(slug="team-a-2").delete()
    CategoryFactory(name="Team Alpha", slug="team-alpha")
    assert services.category_save(name="Team A.").slug == "team-a-2"


def test_a_name_without_letters_gets_a_slug():
    assert services.category_save(name="!!!").slug == "item"


def test_update_keeps_the_slug():
    category = services.category_save(name="News")
    services.category_save(category=category, name="Latest news")
    category.refresh_from_db()
    assert (category.name, category.slug) == ("Latest news", "news")


def test_a_client_slug_that_is_taken_is_a_slug_error():
    CategoryFactory(name="News", slug="news")
    with pytest.raises(DomainError) as caught:
        services.category_save(name="Other", slug="news")
    assert (caught.value.field, caught.value.code) == ("slug", "name_taken")


def test_html_info_is_sanitised_on_create_and_update():
    category = services.category_save(
        name="News", html_info="<p>Hi</p><img src=x onerror=alert(1)><script>alert(1)</script>"
    )
    assert category.html_info == '<p>Hi</p><img src="x">'
    services.category_save(
        category=category, name="News", html_info='<a href="javascript:alert(1)">x</a>'
    )
    category.refresh_from_db()
    assert "javascript" not in category.html_info


def test_a_blank_or_too_long_name_is_refused_by_the_models_rules():
    for name, code in [("", "blank"), ("   ", "blank"), ("x" * 256, "max_length")]:
        with pytest.raises(DomainError) as caught:
            services.category_save(name=name)
        assert (caught.value.field, caught.value.code) == ("name", code)
    with pytest.raises(DomainError) as caught:
        services.tag_save(name="x" * 51, type="user")
    assert (caught.value.field, caught.value.code) == ("name", "max_length")
    with pytest.raises(DomainError) as caught:
        services.tag_save(name="vip", type="group")
    assert (caught.value.field, caught.value.code) == ("type", "invalid_choice")
    assert not Category.objects.exists() and not Tag.objects.exists()


def test_name_and_slug_conflicts_are_conflict_errors():
    services.category_save(name="News", slug="news")
    with pytest.raises(ConflictError):
        services.category_save(name="NEWS")
    with pytest.raises(ConflictError) as caught:
        services.category_save(name="Other", slug="news")
    assert caught.value.field == "slug"
    services.tag_save(name="vip", type="user")
    with pytest.raises(ConflictError):
        services.tag_save(name="VIP", type="user")


def test_category_save_refuses_unknown_fields():
    with pytest.raises(TypeError):
        services.category_save(name="News", colour="red")


# --- category parents and tags ----------------------------------------------------------------


def test_parents_are_set_replaced_and_left_alone():
    root, other = CategoryFactory(), CategoryFactory()
    child = services.category_save(name="Child", parents=[root.pk])
    assert list(child.parents.all()) == [root]
    services.category_save(category=child, name="Child", slogan="s")  # parents=None
    assert list(child.parents.all()) == [root]
    services.category_save(category=child, name="Child", parents=[other.pk])
    assert list(child.parents.all()) == [other]
    services.category_save(category=child, name="Child", parents=[])
    assert not child.parents.exists()


def test_a_category_cannot_be_its_own_parent():
    category = CategoryFactory()
    with pytest.raises(DomainError) as caught:
        services.category_save(category=category, name=category.name, parents=[category.pk])
    assert (caught.value.field, caught.value.code) == ("parents", "invalid")
    assert not category.parents.exists()


def test_a_category_cannot_be_its_own_ancestor():
    root = CategoryFactory(name="Root")
    child = CategoryFactory(parents=[root])
    grandchild = CategoryFactory(parents=[child])
    with pytest.raises(DomainError) as caught:
        services.category_save(category=root, name="Renamed", parents=[grandchild.pk])
    assert (caught.value.field, caught.value.code) == ("parents", "invalid")
    root.refresh_from_db()
    # The whole save is undone, the new name too.
    assert root.name == "Root" and not root.parents.exists()


def test_unknown_parent_or_a_tag_of_another_type_is_not_found_and_saves_nothing():
    with pytest.raises(DomainError) as caught:
        services.category_save(name="New", parents=[424242])
    assert (caught.value.field, caught.value.code) == ("parents", "not_found")
    assert caught.value.params == {"value": 424242}
    contribution = TagFactory(type="contribution")
    with pytest.raises(DomainError) as caught:
        services.category_save(name="New", tags=[contribution.pk])
    assert (caught.value.field, caught.value.code) == ("tags", "not_found")
    assert not Category.objects.exists()
    label = TagFactory(type="category")
    assert list(services.category_save(name="New", tags=[label.pk]).tags.all()) == [label]


def test_a_taken_name_is_reported_before_a_bad_parent():
    CategoryFactory(name="News")
    with pytest.raises(DomainError) as caught:
        services.category_save(name="news", parents=[424242])
    assert (caught.value.field, caught.value.code) == ("name", "name_taken")


# --- media ------------------------------------------------------------------------------------


def image_upload(name="photo.png", image_format="PNG", size=(4, 3)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, format=image_format)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_an_image_is_stored_under_a_name_of_its_real_format(media_root):
    media = services.media_create_image(
        owner=UserFactory(), image=image_upload(name="x.html", image_format="GIF")
    )
    assert media.image.name.endswith(".gif") and "x.html" not in media.image.name
    assert (media.image_width, media.image_height) == (4, 3)


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("a.png", b"<script>alert(1)</script>"),
        image_upload(name="a.bmp", image_format="BMP"),
    ],
    ids=["not-an-image", "another-format"],
)
def test_what_is_not_a_png_jpeg_gif_or_webp_is_an_invalid_image(media_root, upload):
    with pytest.raises(DomainError) as caught:
        services.media_create_image(owner=UserFactory(), image=upload)
    assert (caught.value.field, caught.value.code) == ("image", "invalid_image")
    assert not Media.objects.exists()


def test_an_image_over_the_limit_is_too_large(media_root, settings):
    settings.COMMUNITY_IMAGE_MAX_BYTES = 100
    with pytest.raises(TooLargeError) as caught:
        services.image_checked(image_upload(size=(64, 64)))
    assert (caught.value.field, caught.value.code) == ("image", "too_large")
    assert caught.value.params == {"limit": 100}


def test_media_of_another_owner_is_not_found():
    media = MediaFactory()
    assert services.media_get(media_id=media.pk, owner=media.owner) == media
    with pytest.raises(NotFoundError):
        services.media_get(media_id=media.pk, owner=UserFactory())


def test_a_link_media_needs_a_valid_url():
    with pytest.raises(DomainError) as caught:
        services.media_create_url(owner=UserFactory(), url="javascript:alert(1)")
    assert (caught.value.field, caught.value.code) == ("url", "invalid")
    assert not Media.objects.exists()


# --- status posts -----------------------------------------------------------------------------


def test_create_sanitises_renders_mentions_and_adds_ancestors():
    root = CategoryFactory()
    leaf = CategoryFactory(parents=[CategoryFactory(parents=[root])])
    alice = MemberProfileFactory(user__username="alice", ext_id="crm-1").user
    author = UserFactory()
    status = services.status_create(
        author=author,
        action="Hello all",
        text='<p onclick="x()">Hi @alice and @nobody</p><script>alert(1)</script>',
        categories=[leaf.pk],
        location={"location": "Rome", "lat": 41.9, "lng": 12.5},
    )
    assert status.html == (
        f'<p>Hi <mention id="{alice.pk}" extid="crm-1">@alice</mention> and @nobody</p>'
    )
    assert status.plain_text == status.summary == "Hi @alice and @nobody"
    assert status.slug == "hello-all" and status.author == author
    assert len(status.categories.all()) == 3 and root in status.categories.all()
    assert (status.location, status.location_lat, status.location_lng) == ("Rome", 41.9, 12.5)


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"categories": []}, "categories", "empty"),
        ({"categories": [424242]}, "categories", "not_found"),
        ({"medias": "foreign"}, "medias", "not_found"),
        ({"medias": "two shares"}, "medias", "invalid"),
        ({"tags": "user tag"}, "tags", "invalid"),
        ({"addressing": "contribution tag"}, "addressing", "invalid"),
        ({"location": {"location": None, "lat": 91, "lng": 0}}, "location_lat", "max_value"),
        ({"location": {"location": None, "lat": 0, "lng": -181}}, "location_lng", "min_value"),
    ],
)
def test_create_rules(body, field, code):
    author = UserFactory()
    fixtures = {
        "foreign": [MediaFactory().pk],
        "two shares": [
            MediaFactory(owner=author, type="share").pk,
            MediaFactory(owner=author, type="share").pk,
        ],
        "user tag": [TagFactory(type="user").pk],
        "contribution tag": [TagFactory(type="contribution").pk],
    }
    body = {
        key: fixtures.get(value, value) if isinstance(value, str) else value
        for key, value in body.items()
    }
    body.setdefault("categories", [CategoryFactory().pk])
    existing = set(Status.objects.values_list("pk", flat=True))  # the shared statuses
    with pytest.raises(DomainError) as caught:
        services.status_create(author=author, action="x", **body)
    assert (caught.value.field, caught.value.code) == (field, code)
    assert set(Status.objects.values_list("pk", flat=True)) == existing


def test_inactive_categories_are_refused():
    inactive = CategoryFactory(active=False)
    with pytest.raises(DomainError) as caught:
        services.status_create(author=UserFactory(), action="x", categories=[inactive.pk])
    assert (caught.value.field, caught.value.code) == ("categories", "inactive")


def test_staff_only_categories_and_their_children_need_staff():
    staff_only = CategoryFactory(content_only_staff=True)
    child = CategoryFactory(parents=[staff_only])
    for ids in ([staff_only.pk], [child.pk]):
        with pytest.raises(ForbiddenError) as caught:
            services.status_create(author=UserFactory(), action="x", categories=ids)
        assert caught.value.code == "permission_denied"
    assert not Status.objects.exists()
    staff = UserFactory(is_staff=True)
    assert services.status_create(author=staff, action="x", categories=[child.pk]).pk


def test_only_the_author_may_update():
    status = StatusFactory()
    category = CategoryFactory()
    for intruder in (UserFactory(), UserFactory(is_staff=True, is_superuser=True)):
        with pytest.raises(ForbiddenError) as caught:
            services.status_update(
                status=status, actor=intruder, action="edited", categories=[category.pk]
            )
        assert (caught.value.code, caught.value.params) == (
            "permission_denied",
            {"action": "update"},
        )
    status.refresh_from_db()
    assert status.action == "Shared an update" and status.last_edited_at is None
    updated = services.status_update(
        status=status,
        actor=status.author,
        action="edited",
        text="<i>two</i>",
        categories=[category.pk],
    )
    assert updated.action == "edited" and updated.html == "<i>two</i>"
    assert updated.last_edited_at is not None
    assert list(updated.categories.all()) == [category]


@pytest.mark.parametrize(
    ("service", "field", "before", "after"),
    [
        (services.status_delete, "deleted", False, True),
        (services.status_restore, "deleted", True, False),
    ],
)
def test_delete_and_restore_by_the_author_or_staff(service, field, before, after):
    status = StatusFactory(**{field: before})
    with pytest.raises(ForbiddenError) as caught:
        service(status=status, actor=UserFactory())
    assert caught.value.code == "permission_denied"
    status.refresh_from_db()
    assert getattr(status, field) is before
    for actor in (status.author, UserFactory(is_staff=True)):
        Status.objects.filter(pk=status.pk).update(**{field: before})
        service(status=status, actor=actor)
        status.refresh_from_db()
        assert getattr(status, field) is after


def test_collapse_is_for_staff_only():
    status = StatusFactory()
    with pytest.raises(ForbiddenError):
        services.status_collapse(status=status, actor=status.author)
    services.status_collapse(status=status, actor=UserFactory(is_staff=True))
    status.refresh_from_db()
    assert status.collapsed is True
    services.status_collapse(status=status, actor=UserFactory(is_staff=True), collapsed=False)
    status.refresh_from_db()
    assert status.collapsed is False


def test_a_deleted_status_is_found_only_when_asked_for():
    status = StatusFactory(deleted=True)
    with pytest.raises(NotFoundError):
        services.status_get(status_id=status.pk)
    with pytest.raises(NotFoundError):
        services.status_get(status_id="abc")
    assert services.status_get(status_id=str(status.pk), include_deleted=True) == status
    assert status not in services.status_list()
