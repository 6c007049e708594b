"""Admin doors that wrote data without the right permission: import, export, history, revert.

Each rule is checked for staff with no permissions, view-only, add-only, a member of
another account, and a superuser.
"""

import tempfile
from pathlib import Path

import pytest
from django.test import Client

from community.models import Category
from reasons.models import Account, StatusReason
from statuses.models import ConversationStatus, UserStatus
from tests.community.factories import CategoryFactory
from tests.factories import (
    AccountFactory,
    ConversationStatusFactory,
    StatusReasonFactory,
    UserFactory,
)
from tests.portal.admin_import import EXAMPLES, confirm, preview

pytestmark = pytest.mark.django_db

IMPORTERS = {
    "/admin/statuses/conversationstatus/": ("statuses", "conversationstatus"),
    "/admin/statuses/userstatus/": ("statuses", "userstatus"),
    "/admin/reasons/statusreason/": ("reasons", "statusreason"),
    "/admin/community/category/": ("community", "category"),
}


def staff_with(*actions, app, model):
    user = UserFactory(is_staff=True, perms=[f"{app}.{action}_{model}" for action in actions])
    client = Client()
    client.force_login(user)
    return client


def export(client, path):
    return client.post(f"{path}export/", {"format": "0", "resource": "0"})


# --- 2. import and export need model permissions -------------------------------------------


@pytest.mark.parametrize("path", IMPORTERS)
@pytest.mark.parametrize(
    ("actions", "may_import", "may_export"),
    [
        ((), False, False),
        (("view",), False, True),
        (("add",), False, False),
        (("add", "change"), True, False),
        (("view", "add", "change"), True, True),
    ],
)
def test_import_needs_add_and_change_and_export_needs_view(path, actions, may_import, may_export):
    app, model = IMPORTERS[path]
    client = staff_with(*actions, app=app, model=model)
    assert (client.get(f"{path}import/").status_code == 200) is may_import
    example = {
        "conversationstatus": "conversation-statuses.csv",
        "userstatus": "custom-user-statuses.csv",
        "statusreason": "status-reasons.csv",
        "category": "categories.csv",
    }[model]
    AccountFactory(id="acme")
    content = (EXAMPLES / example).read_bytes()
    response = preview(client, path, example, content, "csv")
    assert (response.status_code == 200) is may_import
    assert (export(client, path).status_code == 200) is may_export


def test_a_superuser_may_import_and_export_everything(admin_client):
    for path in IMPORTERS:
        assert admin_client.get(f"{path}import/").status_code == 200
        assert export(admin_client, path).status_code == 200


# --- 3. revert needs the change permission ---------------------------------------------------


def test_a_view_only_user_cannot_revert_a_conversation_status():
    status = ConversationStatusFactory(name="Pending", status_category="pending")
    version = ConversationStatus.history.get(id=status.pk)
    client = staff_with("view", app="statuses", model="conversationstatus")
    url = f"/admin/statuses/conversationstatus/{status.pk}/history/{version.history_id}/"
    assert client.get(url).status_code == 200  # looking is fine
    response = client.post(url, {"name": "Hacked", "status_category": "open", "active": "on"})
    assert response.status_code == 403
    status.refresh_from_db()
    assert status.name == "Pending"


def test_a_view_only_user_cannot_plant_html_through_a_category_revert():
    category = CategoryFactory(name="News", html_info="<p>hello</p>")
    version = Category.history.filter(id=category.pk).latest("history_date")
    client = staff_with("view", app="community", model="category")
    response = client.post(
        f"/admin/community/category/{category.pk}/history/{version.history_id}/",
        {"name": "News", "slug": category.slug, "html_info": "<img src=x onerror=alert(1)>"},
    )
    assert response.status_code == 403
    category.refresh_from_db()
    assert "onerror" not in category.html_info


@pytest.mark.parametrize(
    "url_of",
    [
        lambda s, v: f"/admin/statuses/userstatus/{s.pk}/history/{v.history_id}/",
    ],
)
def test_a_view_only_user_cannot_revert_a_user_status(url_of):
    from tests.factories import UserStatusFactory

    status = UserStatusFactory(name="Lunch", status_type="away")
    version = UserStatus.history.get(id=status.pk)
    client = staff_with("view", app="statuses", model="userstatus")
    response = client.post(url_of(status, version), {"name": "Hacked", "status_type": "busy"})
    assert response.status_code == 403
    status.refresh_from_db()
    assert status.name == "Lunch"


def test_a_user_with_the_change_permission_still_reverts():
    status = ConversationStatusFactory(name="Pending", status_category="pending")
    version = ConversationStatus.history.get(id=status.pk)
    ConversationStatus.objects.filter(pk=status.pk).update(name="On hold")
    client = staff_with("view", "change", app="statuses", model="conversationstatus")
    response = client.post(
        f"/admin/statuses/conversationstatus/{status.pk}/history/{version.history_id}/",
        {"name": "Pending", "status_category": "pending", "active": "on"},
    )
    assert response.status_code == 302
    status.refresh_from_db()
    assert status.name == "Pending"


# --- 4. history and revert follow account membership ----------------------------------------


@pytest.fixture
def other_accounts_reason():
    mine, theirs = AccountFactory(id="mine"), AccountFactory(id="theirs")
    reason = StatusReasonFactory(account=theirs, text="Secret reason")
    manager = UserFactory(
        is_staff=True,
        perms=[f"reasons.{a}_statusreason" for a in ("view", "add", "change", "delete")],
    )
    mine.members.add(manager)
    client = Client()
    client.force_login(manager)
    return client, reason


def test_another_accounts_reason_history_is_not_found(other_accounts_reason):
    client, reason = other_accounts_reason
    response = client.get(f"/admin/reasons/statusreason/{reason.pk}/history/")
    assert response.status_code == 404
    assert "Secret reason" not in response.content.decode()


def test_another_accounts_reason_cannot_be_reverted(other_accounts_reason):
    client, reason = other_accounts_reason
    version = StatusReason.history.filter(id=reason.pk).latest("history_date")
    url = f"/admin/reasons/statusreason/{reason.pk}/history/{version.history_id}/"
    assert client.get(url).status_code == 404
    response = client.post(url, {"text": "Rewritten", "state": "Away", "order": 0})
    assert response.status_code == 404
    reason.refresh_from_db()
    assert reason.text == "Secret reason"
    assert Account.objects.get(pk="theirs").revision == 0


def test_a_member_still_sees_their_own_reasons_history(other_accounts_reason):
    client, _reason = other_accounts_reason
    own = StatusReasonFactory(account=Account.objects.get(pk="mine"), text="Lunch")
    assert client.get(f"/admin/reasons/statusreason/{own.pk}/history/").status_code == 200


# --- 10. reverting a deleted status -----------------------------------------------------------


@pytest.mark.parametrize("model", ["conversationstatus", "userstatus"])
def test_reverting_a_deleted_status_is_refused_with_a_message(admin_client, model):
    from tests.factories import UserStatusFactory

    if model == "conversationstatus":
        status = ConversationStatusFactory(name="Pending", status_category="pending")
        history, body = (
            ConversationStatus.history,
            {"name": "Pending", "status_category": "pending", "active": "on"},
        )
    else:
        status = UserStatusFactory(name="Lunch", status_type="away")
        history, body = UserStatus.history, {"name": "Lunch", "status_type": "away"}
    version = history.filter(id=status.pk).earliest("history_date")
    status.delete()
    response = admin_client.post(
        f"/admin/statuses/{model}/{version.id}/history/{version.history_id}/", body, follow=True
    )
    assert response.status_code == 200
    assert "has been deleted, so it cannot be reverted" in response.content.decode()


# --- 5 and 6. the confirm step ----------------------------------------------------------------

CONVERSATIONS = "/admin/statuses/conversationstatus/"


def test_a_row_that_became_invalid_before_confirm_writes_nothing():
    mine, theirs = AccountFactory(id="mine"), AccountFactory(id="theirs")
    manager = UserFactory(
        is_staff=True,
        perms=[f"reasons.{a}_statusreason" for a in ("view", "add", "change")],
    )
    mine.members.add(manager)
    theirs.members.add(manager)
    client = Client()
    client.force_login(manager)
    reasons = "/admin/reasons/statusreason/"
    content = "account,text,state\nmine,Lunch,Away\ntheirs,Coffee,Away\n"
    response = preview(client, reasons, "r.csv", content, "csv")
    assert "import_file_name" in response.content.decode()
    theirs.members.remove(manager)  # between the preview and the confirm
    confirmed = confirm(client, reasons, response)
    page = confirmed.content.decode()
    assert "Nothing was imported" in page and "Unknown account" in page
    assert not StatusReason.objects.exists()
    assert Account.objects.get(pk="mine").revision == 0


def test_a_file_that_was_never_previewed_is_refused(admin_client):
    response = admin_client.post(
        f"{CONVERSATIONS}process_import/",
        {"import_file_name": "made-up", "original_file_name": "x.csv", "format": "0"},
        follow=True,
    )
    assert "not waiting for confirmation" in response.content.decode()


def test_a_client_chosen_file_name_is_never_read_or_deleted(admin_client):
    victim = Path(tempfile.mkdtemp()) / "victim.csv"
    victim.write_text("name,category\nInjected,open\n")
    response = admin_client.post(
        f"{CONVERSATIONS}process_import/",
        {
            "import_file_name": f"../../..{victim}",
            "original_file_name": "x.csv",
            "format": "0",
        },
        follow=True,
    )
    assert "not waiting for confirmation" in response.content.decode()
    assert victim.exists()
    assert not ConversationStatus.objects.filter(name="Injected").exists()


def test_another_managers_pending_import_cannot_be_confirmed(admin_client, admin_user):
    response = preview(admin_client, CONVERSATIONS, "s.csv", "name,category\nMine,open\n", "csv")
    html = response.content.decode()
    other = UserFactory(is_superuser=True, is_staff=True)
    thief = Client()
    thief.force_login(other)
    import re

    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))
    stolen = thief.post(f"{CONVERSATIONS}process_import/", hidden, follow=True)
    assert "not waiting for confirmation" in stolen.content.decode()
    assert not ConversationStatus.objects.filter(name="Mine").exists()
    # The owner still can, once.
    confirm(admin_client, CONVERSATIONS, response)
    assert ConversationStatus.objects.filter(name="Mine").exists()


def test_a_preview_leaves_no_file_in_the_temp_folder(admin_client):
    before = set(Path(tempfile.gettempdir()).iterdir())
    preview(admin_client, CONVERSATIONS, "s.csv", "name,category\nA1,open\n", "csv")
    preview(admin_client, CONVERSATIONS, "bad.csv", "name,category\n,nope\n", "csv")
    assert set(Path(tempfile.gettempdir()).iterdir()) == before


# --- 7. limits ----------------------------------------------------------------------------------


def test_a_file_over_the_size_limit_is_refused(admin_client, settings):
    settings.IMPORT_MAX_BYTES = 100
    rows = "".join(f"Name {n},open\n" for n in range(20))
    response = preview(admin_client, CONVERSATIONS, "s.csv", "name,category\n" + rows, "csv")
    assert "The file is larger than 100 bytes" in response.content.decode()
    assert "import_file_name" not in response.content.decode()


def test_a_file_over_the_row_limit_is_refused(admin_client, settings):
    settings.IMPORT_MAX_ROWS = 3
    rows = "".join(f"Name {n},open\n" for n in range(4))
    response = preview(admin_client, CONVERSATIONS, "s.csv", "name,category\n" + rows, "csv")
    assert "more than 3 rows" in response.content.decode()
    assert "import_file_name" not in response.content.decode()
    assert not ConversationStatus.objects.filter(name__startswith="Name ").exists()


def test_nul_characters_in_an_import_are_refused_like_in_the_api(admin_client):
    response = preview(admin_client, CONVERSATIONS, "s.csv", "name,category\nA\x00B,open\n", "csv")
    assert "NUL characters are not allowed" in response.content.decode()
    assert "import_file_name" not in response.content.decode()


def test_a_history_url_with_a_malformed_id_is_not_found(admin_client):
    assert admin_client.get("/admin/statuses/conversationstatus/abc/history/").status_code == 404
    assert admin_client.post("/admin/statuses/conversationstatus/abc/history/1/").status_code == 404
