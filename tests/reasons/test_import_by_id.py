"""Issue 25 item 2: a reason row with an `id` updates that reason (a new text renames it),
one without matches by account and text; an unknown id, or one of a reason in an account
the manager is not a member of, is the row's error."""

import pytest

from reasons.models import StatusReason
from reasons.resources import StatusReasonResource
from tests.core.import_rows import actions, row_errors, run_import
from tests.factories import AccountFactory, StatusReasonFactory, UserFactory
from tests.portal.admin_import import confirm, preview

pytestmark = pytest.mark.django_db

HEADER = "id,account,text,state,enabled,order\n"


@pytest.fixture
def acme():
    return AccountFactory(id="acme")


def test_a_row_with_an_id_renames_that_reason(acme):
    training = StatusReasonFactory(account=acme, text="Training", state="Away", order=1)
    result = run_import(
        StatusReasonResource(), f"{HEADER}{training.pk},acme,Coaching,Away,true,1\n"
    )
    assert actions(result) == ["update"]
    assert list(StatusReason.objects.values_list("pk", "text")) == [(training.pk, "Coaching")]


def test_a_row_without_an_id_matches_by_account_and_text(acme):
    training = StatusReasonFactory(account=acme, text="Training", state="Away", order=1)
    result = run_import(StatusReasonResource(), f"{HEADER},acme,training,Occupied,true,1\n")
    assert actions(result) == ["update"]
    training.refresh_from_db()
    assert training.state == "Occupied" and StatusReason.objects.count() == 1


def test_an_unknown_id_is_the_rows_error(acme):
    result = run_import(StatusReasonResource(), f"{HEADER}424242,acme,Gym,Away,true,1\n")
    assert row_errors(result) == {1: ["No status reason has id 424242"]}
    assert not StatusReason.objects.exists()


def test_an_id_of_another_accounts_reason_is_unknown_to_a_member_of_one(acme):
    other = StatusReasonFactory(account=AccountFactory(id="globex"), text="Secret", order=1)
    manager = UserFactory()
    acme.members.add(manager)
    result = run_import(
        StatusReasonResource(user=manager), f"{HEADER}{other.pk},acme,Renamed,Away,true,1\n"
    )
    assert row_errors(result) == {1: [f"No status reason has id {other.pk}"]}
    other.refresh_from_db()
    assert other.text == "Secret" and other.account_id == "globex"


def test_a_reason_does_not_move_to_another_account(acme):
    AccountFactory(id="globex")
    lunch = StatusReasonFactory(account=acme, text="Lunch", order=1)
    result = run_import(StatusReasonResource(), f"{HEADER}{lunch.pk},globex,Lunch,Away,true,1\n")
    assert row_errors(result) == {
        1: [f"reason {lunch.pk} is in account acme; a reason cannot move to another account"]
    }


def test_a_deleted_reasons_row_is_skipped_unchanged_and_refused_changed(acme):
    gone = StatusReasonFactory(account=acme, text="Training", state="Away", order=1, deleted=True)
    unchanged = f"{HEADER}{gone.pk},acme,Training,Away,true,1\n"
    assert actions(run_import(StatusReasonResource(), unchanged)) == ["skip"]
    changed = f"{HEADER}{gone.pk},acme,Training 2,Away,true,1\n"
    assert row_errors(run_import(StatusReasonResource(), changed)) == {
        1: [f"reason {gone.pk} is deleted; restore it in the admin before changing it"]
    }
    gone.refresh_from_db()
    assert gone.text == "Training"


def test_the_admin_preview_shows_the_rename_and_the_confirm_writes_it(admin_client, acme):
    training = StatusReasonFactory(account=acme, text="Training", state="Away", order=1)
    content = f"{HEADER}{training.pk},acme,Coaching,Away,true,1\n"
    response = preview(admin_client, "/admin/reasons/statusreason/", "r.csv", content, "csv")
    html = response.content.decode()
    assert '<tr class="update">' in html
    assert "</span>Training</del>" in html and "</span>Coaching</ins>" in html
    confirm(admin_client, "/admin/reasons/statusreason/", response)
    assert list(StatusReason.objects.values_list("pk", "text")) == [(training.pk, "Coaching")]
