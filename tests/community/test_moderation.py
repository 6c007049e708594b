"""Moderation in the post admin (issue 25 item 12): a post's page shows its HTML rendered
and sanitised, with its images; the moderation queue lists the flagged posts awaiting a
decision, most flagged first, with their flag types, in a constant number of queries; a
soft delete asks a reason, which the post's History keeps and its page shows. Clicked in
Chromium in tests/browser/test_moderation_in_browser.py."""

import io
import re

import pytest
from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from community import sanitize, social
from community.models import FlagModeration, FlagType, Media, StatusFlag
from tests.community.factories import MediaFactory, StatusFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
POSTS = "/admin/community/status/"
QUEUE = f"{POSTS}?flagged=queue"


def flag(post, *types):
    for flag_type in types:
        social.flag_toggle(status=post, user=UserFactory(), flag_type=flag_type)


def png(size=(12, 8)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, "PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


# --- the preview -------------------------------------------------------------------------


def test_sanitize_preview_keeps_this_sites_images_and_names_the_others():
    rendered = sanitize.preview(
        '<p style="color:red" onclick="x()">Hi <img src="https://evil.example/t.png" alt="t">'
        '<img src="/media/a.png" alt="a"><script>alert(1)</script></p>',
        image_origins=["https://media.example.net/"],
    )
    assert rendered.html == '<p>Hi <img alt="t"><img src="/media/a.png" alt="a"></p>'
    assert rendered.other_sites_images == ["https://evil.example/t.png"]
    kept = sanitize.preview(
        '<img src="https://media.example.net/b.png">', image_origins=["https://media.example.net/"]
    )
    assert (
        kept.html == '<img src="https://media.example.net/b.png">' and not kept.other_sites_images
    )


def test_a_posts_page_shows_its_html_rendered_and_sanitised_with_its_images(
    admin_client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    picture = MediaFactory(type=Media.Type.IMAGE, url="", image=png(), title="The red square")
    post = StatusFactory(
        # Stored HTML is sanitised on write; a row written some other way is not trusted.
        html='<p>Buy <strong>now</strong> <img src="https://tracker.example/p.gif">'
        '<script>alert("x")</script><a href="javascript:alert(1)" onclick="y()">here</a></p>',
        medias=[picture],
    )
    page = admin_client.get(f"{POSTS}{post.pk}/change/").content.decode()
    preview = page[page.index('<div class="post-preview">') :]
    preview = preview[: preview.index('<div class="form-row field-action')]
    assert "<p>Buy <strong>now</strong>" in preview  # rendered, not shown as &lt;p&gt;
    assert "<script" not in preview and "onclick" not in preview and "javascript:" not in preview
    assert 'src="https://tracker.example' not in preview
    assert "<code>https://tracker.example/p.gif</code>" in preview  # named, not loaded
    assert re.search(
        rf'<img src="/media/{re.escape(picture.image.name)}" alt="The red square" '
        r'width="12" height="8">',
        preview,
    ), preview
    assert 'href="/static/community/moderation.css"' in page


# --- the queue ---------------------------------------------------------------------------


@pytest.fixture
def flagged_posts():
    """Three posts awaiting a decision (1, 3 and 2 flags), and flagged posts that are not:
    one deleted, one whose flags were ignored; and one clean post."""
    one, three, two = StatusFactory(), StatusFactory(), StatusFactory()
    flag(one, FlagType.SPAM)
    flag(three, FlagType.SPAM, FlagType.SPAM, FlagType.VULGAR)
    flag(two, FlagType.POOR, FlagType.OFFTOPIC)
    deleted, ignored = StatusFactory(), StatusFactory()
    flag(deleted, FlagType.SPAM)
    deleted.deleted = True
    deleted.save()
    flag(ignored, FlagType.SPAM, FlagType.SPAM, FlagType.SPAM, FlagType.SPAM)
    social.flags_moderate(
        flags=list(StatusFlag.objects.filter(status=ignored)),
        decision=FlagModeration.IGNORED,
        actor=UserFactory(),
    )
    StatusFactory()
    return one, three, two, ignored


def listed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return [post.pk for post in response.context["cl"].result_list], response.content.decode()


def test_the_queue_lists_posts_awaiting_a_decision_most_flagged_first(admin_client, flagged_posts):
    one, three, two, ignored = flagged_posts
    ids, html = listed(admin_client, QUEUE)
    assert ids == [three.pk, two.pk, one.pk]
    row = next(row for row in html.split("<tr>") if f'value="{three.pk}"' in row)
    assert '<td class="field-flag_types">spam (2), vulgar</td>' in row
    # "Flagged" lists every flagged post, most flagged first too; a column header still sorts.
    ids, _ = listed(admin_client, f"{POSTS}?flagged=yes")
    assert ids[:2] == [ignored.pk, three.pk]
    ids, _ = listed(admin_client, f"{QUEUE}&o=1")
    assert ids == sorted([one.pk, two.pk, three.pk])


def test_the_queue_takes_the_same_number_of_queries_for_more_posts(
    admin_client, flagged_posts, django_assert_num_queries
):
    admin_client.get(QUEUE)  # warm the content types and the session
    with django_assert_num_queries(10):
        admin_client.get(QUEUE)
    for _ in range(4):
        flag(StatusFactory(), FlagType.SPAM, FlagType.AGGRESSIVE)
    with django_assert_num_queries(10):
        ids, _ = listed(admin_client, QUEUE)
    assert len(ids) == 7


def test_the_dashboard_links_the_queue_with_its_count(admin_client, flagged_posts):
    html = admin_client.get("/admin/").content.decode()
    assert f'href="{POSTS}?flagged=queue"' in html
    assert "Moderation queue (3 flagged)" in html


# --- a soft delete asks a reason ---------------------------------------------------------


def delete(client, post, **extra):
    data = {"action": "soft_delete", "_selected_action": post.pk, "index": "0", **extra}
    return client.post(POSTS, data)


def test_a_soft_delete_asks_a_reason_and_refuses_an_empty_one(admin_client):
    post = StatusFactory()
    asked = delete(admin_client, post)
    assert asked.status_code == 200
    html = asked.content.decode()
    assert '<textarea name="reason"' in html and "required" in html
    assert 'name="action" value="soft_delete"' in html
    assert f'name="_selected_action" value="{post.pk}"' in html
    for empty in ["", "   "]:
        refused = delete(admin_client, post, reason=empty)
        assert refused.status_code == 200
        messages = [str(m) for m in refused.context["messages"]]
        assert messages == ["Say why the post is deleted: a reason is required."]
        assert refused.context["form"].errors == {"reason": ["This field is required."]}
        post.refresh_from_db()
        assert post.deleted is False


def test_a_soft_delete_records_its_reason_and_the_page_shows_it(admin_client, admin_user):
    post = StatusFactory()
    flag(post, FlagType.SPAM, FlagType.VULGAR)
    reason = "Spam link <b>twice</b>"
    done = admin_client.post(
        POSTS,
        {
            "action": "soft_delete",
            "_selected_action": post.pk,
            "_from_post_page": "1",
            "reason": f"  {reason} ",
        },
    )
    assert done.status_code == 302 and done["Location"] == f"{POSTS}{post.pk}/change/"
    post.refresh_from_db()
    assert post.deleted is True
    entry = LogEntry.objects.get(object_id=str(post.pk))
    assert entry.change_message == f"Deleted (soft). Reason: {reason}"
    assert entry.user == admin_user
    # The flags record the decision, who and when.
    assert set(post.flags.values_list("moderation", "moderated_by")) == {
        (FlagModeration.DELETED, admin_user.pk)
    }
    page = admin_client.get(f"{POSTS}{post.pk}/change/").content.decode()
    assert '<div class="module post-deletion">' in page
    assert f"by {admin_user.username}. Reason:" in page
    assert '<p class="post-deletion-reason">Spam link &lt;b&gt;twice&lt;/b&gt;</p>' in page
    history = admin_client.get(f"{POSTS}{post.pk}/history/").content.decode()
    assert "Deleted (soft). Reason: Spam link &lt;b&gt;twice&lt;/b&gt;" in history


def test_a_post_deleted_without_a_recorded_reason_says_so(admin_client):
    post = StatusFactory(deleted=True)
    page = admin_client.get(f"{POSTS}{post.pk}/change/").content.decode()
    assert "No reason was recorded for this deletion." in page
    live = admin_client.get(f"{POSTS}{StatusFactory().pk}/change/").content.decode()
    assert 'class="module post-deletion"' not in live
