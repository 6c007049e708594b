"""A member flags a post through SelfCommunity's route; a manager, clicking in Chromium,
finds the flag in the admin's Flags list and deletes the flagged post; the post leaves
the members' list and the flag records the decision (issue 23)."""

from playwright.sync_api import expect
from rest_framework.test import APIClient


def test_a_flag_sent_through_the_api_is_moderated_by_clicking_in_the_admin(login, oauth_app):
    from community.models import FlagModeration, Status, StatusFlag
    from tests.community.factories import StatusFactory
    from tests.conftest import issue_bearer
    from tests.factories import UserFactory

    author = UserFactory(username="author")
    keep = StatusFactory(author=author, plain_text="Keep me", summary="Keep me")
    spam = StatusFactory(author=author, plain_text="Buy now", summary="Buy now")
    reader = UserFactory(username="reader")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {issue_bearer(reader, oauth_app)}")
    assert (
        api.post(f"/api/v2/status/{spam.pk}/flag/", {"flag_type": 0}, format="json").status_code
        == 204
    )
    flag = StatusFlag.objects.get(status=spam)

    page = login()
    page.goto("/admin/")
    page.get_by_role("link", name="Flags").first.click()
    row = page.locator("#result_list tbody tr").filter(has_text=f"#{spam.pk} ")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("reader")
    expect(row).to_contain_text("spam")
    expect(row).to_contain_text("not moderated")
    row.locator("input[name=_selected_action]").check()
    page.select_option("select[name=action]", "delete_posts")
    page.click("button[name=index]")
    expect(page.locator(".messagelist")).to_contain_text("1 flagged post deleted.")

    listed = [s["id"] for s in api.get("/api/v2/status/").json()["results"]]
    assert listed == [keep.pk]
    assert Status.objects.get(pk=spam.pk).deleted is True
    flag.refresh_from_db()
    assert flag.moderation == FlagModeration.DELETED
    assert flag.moderated_by.username == "manager"
