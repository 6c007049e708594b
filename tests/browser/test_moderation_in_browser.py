"""Issue 25 item 12 in Chromium: a moderator opens the moderation queue from the dashboard,
finds the most flagged post first, sees it rendered and sanitised with its image (not its
raw markup), and soft-deletes it from its page, which asks a reason and then shows it."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from playwright.sync_api import expect

from community import social
from community.models import FlagType, Media
from tests.community.factories import MediaFactory, StatusFactory
from tests.factories import UserFactory


def flag(post, *types):
    for flag_type in types:
        social.flag_toggle(status=post, user=UserFactory(), flag_type=flag_type)


@pytest.fixture
def queue(manager, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, "PNG")
    image = SimpleUploadedFile("square.png", buffer.getvalue(), content_type="image/png")
    picture = MediaFactory(type=Media.Type.IMAGE, url="", image=image, title="A red square")
    worst = StatusFactory(
        html='<p>Buy <strong>now</strong><script>alert("x")</script></p>',
        plain_text="Buy now",
        summary="Buy now",
        medias=[picture],
    )
    flag(worst, FlagType.SPAM, FlagType.SPAM, FlagType.VULGAR)
    mild = StatusFactory(plain_text="Off topic", summary="Off topic")
    flag(mild, FlagType.OFFTOPIC)
    return worst, mild


def test_a_moderator_works_the_queue_from_the_dashboard(login, queue):
    worst, _mild = queue
    page = login()
    alerts = []
    page.on("dialog", lambda dialog: (alerts.append(dialog.message), dialog.dismiss()))
    page.get_by_role("link", name="Moderation queue (2 flagged)").click()

    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Buy now")
    expect(rows.nth(0).locator("td.field-flag_types")).to_have_text("spam (2), vulgar")
    expect(rows.nth(1)).to_contain_text("Off topic")

    rows.nth(0).locator("th a").click()
    preview = page.locator(".post-preview")
    expect(preview.locator("strong")).to_have_text("now")  # rendered, not "<strong>"
    expect(preview).not_to_contain_text("<p>")
    image = preview.get_by_role("img", name="A red square")
    expect(image).to_be_visible()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth === 40", arg=image.element_handle()
    )
    assert alerts == []  # the post's <script> did not run

    page.get_by_role("button", name="Delete this post (soft)").click()
    reason = page.get_by_label("Reason")
    expect(reason).to_be_visible()
    page.get_by_role("button", name="Yes, delete it").click()
    # An empty reason is refused by the browser (the field is required).
    expect(reason).to_be_visible()
    assert reason.evaluate("box => box.validity.valueMissing")
    reason.fill("Selling things in the help forum")
    page.get_by_role("button", name="Yes, delete it").click()

    expect(page.locator(".messagelist")).to_contain_text("1 post deleted.")
    expect(page.locator(".post-deletion")).to_contain_text("by manager")
    expect(page.locator(".post-deletion-reason")).to_have_text("Selling things in the help forum")
    worst.refresh_from_db()
    assert worst.deleted

    # The queue now holds the other post alone.
    page.goto("/admin/community/status/?flagged=queue")
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    expect(page.locator("#result_list tbody tr")).to_contain_text("Off topic")
