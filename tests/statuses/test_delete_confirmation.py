"""Issue 25 item 8: the delete confirmations of statuses say the delete is permanent (the
reasons' say theirs is a soft delete)."""

import pytest

from tests.factories import ConversationStatusFactory, UserStatusFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("factory", "path"),
    [
        (ConversationStatusFactory, "/admin/statuses/conversationstatus/"),
        (UserStatusFactory, "/admin/statuses/userstatus/"),
    ],
)
def test_the_delete_pages_say_permanent(admin_client, factory, path):
    status = factory(name="Pending")
    html = admin_client.get(f"{path}{status.pk}/delete/").content.decode()
    assert "Deleting “Pending” is <strong>permanent</strong>" in html
    assert "cannot be restored" in html
    bulk = admin_client.post(path, {"action": "delete_selected", "_selected_action": [status.pk]})
    assert "Deleting is <strong>permanent</strong>" in bulk.content.decode()
