"""Issue 25 item 8 in Chromium: deleting a conversation status or a custom user status is
permanent, and its confirmation says so before the manager confirms."""

from playwright.sync_api import expect

from statuses.models import ConversationStatus, UserStatus


def _delete_from_its_page(page, changelist, name):
    page.goto(changelist)
    page.locator("#result_list").get_by_role("link", name=name, exact=True).click()
    page.locator("a.deletelink").click()
    expect(page.locator("h1")).to_have_text("Delete")


def test_conversation_status_delete_says_it_is_permanent(login):
    status = ConversationStatus.objects.create(
        name="Pending", status_category="pending", category="waiting"
    )
    page = login()
    _delete_from_its_page(page, "/admin/statuses/conversationstatus/", "Pending")
    warning = page.locator("p.delete-permanent")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("“Pending” is permanent")
    expect(warning).to_contain_text("cannot be restored")
    page.locator("form input[type=submit]").last.click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    assert not ConversationStatus.objects.filter(pk=status.pk).exists()


def test_custom_user_status_delete_says_it_is_permanent(login):
    status = UserStatus.objects.create(name="Lunch", status_type="away")
    page = login()
    _delete_from_its_page(page, "/admin/statuses/userstatus/", "Lunch")
    expect(page.locator("p.delete-permanent")).to_contain_text("“Lunch” is permanent")
    page.get_by_role("link", name="No, take me back").click()
    assert UserStatus.objects.filter(pk=status.pk).exists()


def test_the_bulk_delete_of_either_says_it_is_permanent(login):
    ConversationStatus.objects.create(name="Pending", status_category="pending", category="waiting")
    UserStatus.objects.create(name="Lunch", status_type="away")
    page = login()
    for changelist, name in [
        ("/admin/statuses/conversationstatus/", "Pending"),
        ("/admin/statuses/userstatus/", "Lunch"),
    ]:
        page.goto(changelist)
        page.locator("#result_list tr", has_text=name).locator("input.action-select").check()
        page.select_option("select[name=action]", "delete_selected")
        page.click("button[name=index]")
        expect(page.locator("p.delete-permanent")).to_contain_text("permanent")
        expect(page.locator("p.delete-permanent")).to_contain_text("cannot be restored")
