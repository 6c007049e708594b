"""Community admin: categories through the service, and status moderation actions."""

import re

import pytest

from community.models import DEFAULT_TAG_COLOR, Category, Status, Tag
from tests.community.factories import CategoryFactory, StatusFactory, TagFactory

pytestmark = pytest.mark.django_db
STATUS_ADMIN = "/admin/community/status/"
CATEGORY_ADMIN = "/admin/community/category/"


def category_form(**overrides):
    data = {
        "name": "Help",
        "slug": "help",
        "slogan": "",
        "order": 1,
        "active": "on",
        "auto_follow": "none",
        "stream_order_by": "recent",
    }
    data.update(overrides)
    return data


def test_admin_creates_a_category_with_parents(admin_client):
    parent = CategoryFactory(name="Support")
    response = admin_client.post(f"{CATEGORY_ADMIN}add/", category_form(parents=[parent.pk]))
    assert response.status_code == 302, response.content
    category = Category.objects.get(name="Help")
    assert list(category.parents.all()) == [parent]


def test_admin_refuses_a_parent_cycle(admin_client):
    root = CategoryFactory(name="Root", slug="root")
    child = CategoryFactory(name="Child", parents=[root])
    response = admin_client.post(
        f"{CATEGORY_ADMIN}{root.pk}/change/",
        category_form(name="Root", slug="root", parents=[child.pk]),
        follow=True,
    )
    assert "cannot be its own parent" in response.content.decode()
    assert list(root.parents.all()) == []


def test_admin_refuses_duplicate_tag(admin_client):
    TagFactory(name="vip", type="user")
    response = admin_client.post(
        "/admin/community/tag/add/", {"name": "VIP", "type": "user", "visible": "on"}
    )
    assert response.status_code == 200
    assert Tag.objects.filter(name__iexact="vip").count() == 1


def test_admin_tag_colour_is_checked_and_defaulted(admin_client):
    form = admin_client.get("/admin/community/tag/add/").content.decode()
    assert f'value="{DEFAULT_TAG_COLOR}"' in form
    data = {"name": "vip", "type": "user", "visible": "on", "color": "red"}
    response = admin_client.post("/admin/community/tag/add/", data)
    assert response.status_code == 200 and not Tag.objects.exists()
    response = admin_client.post("/admin/community/tag/add/", {**data, "color": "#3366ff"})
    assert response.status_code == 302
    assert Tag.objects.get().color == "#3366ff"
    # A colour left empty (or a form without the field) becomes the default.
    response = admin_client.post("/admin/community/tag/add/", {**data, "name": "x", "color": ""})
    assert response.status_code == 302
    assert Tag.objects.get(name="x").color == DEFAULT_TAG_COLOR


def test_moderation_search_and_filters(admin_client):
    news = CategoryFactory(name="News")
    match = StatusFactory(plain_text="quarterly results", categories=[news])
    StatusFactory(plain_text="lunch", deleted=True)
    by_author = StatusFactory(author__username="zed", plain_text="other")

    def ids(**query):
        response = admin_client.get(STATUS_ADMIN, query)
        assert response.status_code == 200
        return {s.pk for s in response.context["cl"].result_list}

    assert ids(q="quarterly") == {match.pk}
    assert ids(q="zed") == {by_author.pk}
    assert ids(categories__id__exact=news.pk) == {match.pk}
    assert len(ids(deleted__exact="1")) == 1


@pytest.mark.parametrize(
    ("action", "field", "before", "after"),
    [
        ("soft_delete", "deleted", False, True),
        ("restore", "deleted", True, False),
        ("collapse", "collapsed", False, True),
    ],
)
def test_moderation_actions(admin_client, action, field, before, after):
    statuses = [StatusFactory(**{field: before}) for _ in range(2)]
    untouched = StatusFactory(**{field: before})
    # A soft delete asks a reason first (tests/community/test_moderation.py): given here.
    response = admin_client.post(
        STATUS_ADMIN,
        {"action": action, "_selected_action": [s.pk for s in statuses], "reason": "Spam"},
    )
    assert response.status_code == 302
    for status in statuses:
        status.refresh_from_db()
        assert getattr(status, field) is after
    untouched.refresh_from_db()
    assert getattr(untouched, field) is before
    assert Status.objects.count() == 3  # soft: nothing is removed


def test_status_admin_cannot_hard_delete(admin_client):
    status = StatusFactory()
    response = admin_client.post(f"{STATUS_ADMIN}{status.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert Status.objects.filter(pk=status.pk).exists()


def test_oauth_admin_is_registered(admin_client):
    """OAuth client apps and access tokens have admin pages (whichever app groups them)."""
    from django.contrib import admin
    from django.urls import reverse
    from oauth2_provider.models import AccessToken, Application

    for model in [Application, AccessToken]:
        registered = [
            m for m in admin.site._registry if m is model or m._meta.concrete_model is model
        ]
        assert registered, model
        for admin_model in registered:
            opts = admin_model._meta
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
            assert admin_client.get(url).status_code == 200, url


def test_status_post_page_is_read_only_without_save_buttons(admin_client):
    status = StatusFactory(plain_text="Hello")
    response = admin_client.get(f"{STATUS_ADMIN}{status.pk}/change/")
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["title"] == "View status post"
    for name in ["_save", "_continue", "_addanother", "_saveasnew"]:
        assert f'name="{name}"' not in html
    assert 'class="closelink"' in html
    # A crafted POST to the form changes nothing: the post is not editable here.
    response = admin_client.post(f"{STATUS_ADMIN}{status.pk}/change/", {"action": "x"})
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("flags", "offered"),
    [
        ({}, ["soft_delete", "collapse"]),
        ({"deleted": True, "collapsed": True}, ["restore", "expand"]),
    ],
)
def test_status_post_page_offers_the_actions_that_apply(admin_client, flags, offered):
    status = StatusFactory(**flags)
    html = admin_client.get(f"{STATUS_ADMIN}{status.pk}/change/").content.decode()
    buttons = re.findall(r'<button[^>]*form="status-moderation"[^>]*value="(\w+)"', html)
    assert buttons == offered


@pytest.mark.parametrize(
    ("action", "field", "before", "after", "message", "logged"),
    [
        ("soft_delete", "deleted", False, True, "1 post deleted.", "Deleted (soft)."),
        ("restore", "deleted", True, False, "1 post restored.", "Restored."),
        ("collapse", "collapsed", False, True, "1 post collapsed.", "Collapsed."),
        ("expand", "collapsed", True, False, "1 post expanded.", "Expanded."),
    ],
)
def test_status_post_page_buttons_run_the_action_and_come_back(
    admin_client, admin_user, action, field, before, after, message, logged
):
    status = StatusFactory(**{field: before})
    other = StatusFactory(**{field: before})
    page = f"{STATUS_ADMIN}{status.pk}/change/"
    response = admin_client.post(
        STATUS_ADMIN,
        {
            "action": action,
            "index": "0",
            "_selected_action": status.pk,
            "_from_post_page": "1",
            "reason": "Spam",  # asked by a soft delete, ignored by the others
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == page
    assert message in [str(m) for m in response.context["messages"]]
    status.refresh_from_db()
    other.refresh_from_db()
    assert (getattr(status, field), getattr(other, field)) == (after, before)
    # The post's admin History says who moderated it, and how.
    history = admin_client.get(f"{STATUS_ADMIN}{status.pk}/history/").content.decode()
    assert f"{logged}" in history and admin_user.username in history


def test_status_post_page_offers_no_actions_to_a_viewer(client, django_user_model):
    from django.contrib.auth.models import Permission

    viewer = django_user_model.objects.create_user("viewer", password="pw-123456789", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_status"))
    client.force_login(viewer)
    status = StatusFactory()
    html = client.get(f"{STATUS_ADMIN}{status.pk}/change/").content.decode()
    assert 'form="status-moderation"' not in html and 'id="status-moderation"' not in html
    client.post(
        STATUS_ADMIN, {"action": "soft_delete", "index": "0", "_selected_action": status.pk}
    )
    status.refresh_from_db()
    assert status.deleted is False
