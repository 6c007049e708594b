"""Issue 25 item 2: a status row with an `id` updates that status (a rename is old → new),
a row without one matches by name; an unknown id is the row's error, never a new status."""

import pytest

from statuses.models import ConversationStatus, UserStatus
from statuses.resources import ConversationStatusResource, UserStatusResource
from tests.core.import_rows import actions, row_errors, run_import
from tests.factories import ConversationStatusFactory, UserStatusFactory
from tests.portal.admin_import import confirm, preview

pytestmark = pytest.mark.django_db

CONVERSATION = "/admin/statuses/conversationstatus/"


def test_a_conversation_status_row_with_an_id_renames_that_status():
    pending = ConversationStatusFactory(name="Pending", status_category="pending")
    count = ConversationStatus.objects.count()
    result = run_import(
        ConversationStatusResource(),
        f"id,name,category\n{pending.pk},Pending internal review,waiting\n",
    )
    assert not result.has_validation_errors() and actions(result) == ["update"]
    pending.refresh_from_db()
    assert pending.name == "Pending internal review"
    assert ConversationStatus.objects.count() == count
    assert not ConversationStatus.objects.filter(name="Pending").exists()


def test_a_conversation_status_row_without_an_id_matches_by_name():
    pending = ConversationStatusFactory(name="Pending", status_category="pending")
    result = run_import(ConversationStatusResource(), "id,name,category\n,pending,open\n")
    assert actions(result) == ["update"]
    pending.refresh_from_db()
    assert pending.category == "open"
    result = run_import(ConversationStatusResource(), "name,category\nEscalated,open\n")
    assert actions(result) == ["new"]


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("999999", "No conversation status has id 999999"),
        ("abc", "id must be a whole number, not 'abc'"),
    ],
)
def test_a_conversation_status_row_with_an_unknown_id_is_refused(cell, message):
    count = ConversationStatus.objects.count()
    result = run_import(ConversationStatusResource(), f"id,name,category\n{cell},Fresh,open\n")
    assert row_errors(result) == {1: [message]}
    assert ConversationStatus.objects.count() == count


def test_a_rename_to_a_taken_name_is_the_rows_error():
    ConversationStatusFactory(name="Escalated")
    pending = ConversationStatusFactory(name="Pending", status_category="pending")
    result = run_import(
        ConversationStatusResource(), f"id,name,category\n{pending.pk},escalated,waiting\n"
    )
    assert result.has_validation_errors()
    pending.refresh_from_db()
    assert pending.name == "Pending"


def test_the_admin_preview_shows_the_rename_old_to_new_and_the_confirm_writes_it(admin_client):
    pending = ConversationStatusFactory(name="Pending", status_category="pending")
    count = ConversationStatus.objects.count()
    content = f"id,name,category\n{pending.pk},Pending internal review,waiting\n"
    response = preview(admin_client, CONVERSATION, "s.csv", content, "csv")
    html = response.content.decode()
    assert '<tr class="update">' in html and '<tr class="new">' not in html
    assert '<del class="import-old"><span class="visually-hidden">was: </span>Pending</del>' in html
    assert "</span>Pending internal review</ins>" in html
    confirm(admin_client, CONVERSATION, response)
    assert ConversationStatus.objects.count() == count
    assert ConversationStatus.objects.get(pk=pending.pk).name == "Pending internal review"


def test_a_user_status_row_with_an_id_renames_that_status():
    lunch = UserStatusFactory(name="Lunch", status_type="away")
    result = run_import(UserStatusResource(), f"id,name,status_type\n{lunch.pk},Lunch break,away\n")
    assert actions(result) == ["update"]
    assert list(UserStatus.objects.values_list("pk", "name")) == [(lunch.pk, "Lunch break")]


def test_a_user_status_row_with_an_unknown_id_is_refused_not_created():
    result = run_import(UserStatusResource(), "id,name,status_type\nnoSuchId12345678,Gym,away\n")
    assert row_errors(result) == {1: ["No custom user status has id noSuchId12345678"]}
    assert not UserStatus.objects.exists()


def test_a_user_status_row_without_an_id_matches_by_name():
    lunch = UserStatusFactory(name="Lunch", status_type="away")
    result = run_import(UserStatusResource(), "name,status_type\nLUNCH,busy\nGym,away\n")
    assert actions(result) == ["update", "new"]
    lunch.refresh_from_db()
    assert lunch.status_type == "busy" and UserStatus.objects.count() == 2


def test_a_default_status_is_not_renamed_through_its_id():
    default = ConversationStatus.objects.filter(is_default=True).first()
    result = run_import(
        ConversationStatusResource(),
        f"id,name,category\n{default.pk},Renamed,{default.category}\n",
    )
    assert row_errors(result) == {1: ["A default conversation status cannot be changed."]}
    default.refresh_from_db()
    assert default.name != "Renamed"


def test_an_unchanged_export_imports_as_unchanged_built_ins_included():
    """Every column round-trips: an empty customer label is None again, so the built-in
    statuses (which may not change) are skipped, not refused."""
    ConversationStatusFactory(name="Escalated", status_category="hold", description="Second line")
    exported = ConversationStatusResource().export().csv
    result = run_import(ConversationStatusResource(), exported)
    assert actions(result) == ["skip"] * ConversationStatus.objects.count()
