"""The admin and imports refuse look-alike names as duplicates, cleanly (docs/names.md)."""

import re

import pytest

from community.models import Category, Tag
from reasons.models import StatusReason
from statuses.models import ConversationStatus, UserStatus
from tests.community.factories import CategoryFactory, TagFactory
from tests.factories import AccountFactory, StatusReasonFactory, UserStatusFactory
from tests.portal.admin_import import confirm, preview

pytestmark = pytest.mark.django_db

FULLWIDTH_ARGER = "\uff21\u0308\uff52\uff47\uff45\uff52"  # fullwidth A, combining diaeresis


def form_errors(response):
    assert response.status_code == 200, "the form was accepted"
    form = response.context["adminform"].form
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


@pytest.mark.parametrize("second", ["ärger", "A\u0308rger", "Är\u200bger", FULLWIDTH_ARGER])
def test_conversation_status_admin(admin_client, second):
    ConversationStatus.objects.create(name="Ärger", status_category="open", category="open")
    response = admin_client.post(
        "/admin/statuses/conversationstatus/add/",
        {"name": second, "status_category": "open", "active": "on"},
    )
    assert "A conversation status with this name already exists." in form_errors(response)
    assert ConversationStatus.objects.filter(name_key="ärger").count() == 1


def test_conversation_status_admin_refuses_an_invisible_name(admin_client):
    response = admin_client.post(
        "/admin/statuses/conversationstatus/add/",
        {"name": "\u200b", "status_category": "open", "active": "on"},
    )
    assert "at least one visible character" in form_errors(response)
    assert ConversationStatus.objects.count() == 6


def test_user_status_admin(admin_client):
    UserStatusFactory(name="Ärger")
    response = admin_client.post(
        "/admin/statuses/userstatus/add/", {"name": "ÄRGER", "status_type": "busy"}
    )
    assert "already in use" in form_errors(response)
    response = admin_client.post(
        "/admin/statuses/userstatus/add/", {"name": "\u200b", "status_type": "busy"}
    )
    assert "The name needs at least one visible character." in form_errors(response)
    assert UserStatus.objects.count() == 1


def test_reason_admin(admin_client):
    account = AccountFactory(id="acme")
    StatusReasonFactory(account=account, text="Ärger")
    data = {"account": "acme", "text": "ÄRGER", "state": "Away", "enabled": "on", "order": 3}
    response = admin_client.post("/admin/reasons/statusreason/add/", data)
    assert "already has a status reason with this text" in form_errors(response)
    response = admin_client.post("/admin/reasons/statusreason/add/", {**data, "text": "\u200b"})
    assert "text is required" in form_errors(response)
    assert StatusReason.objects.count() == 1


def test_category_admin(admin_client):
    CategoryFactory(name="Ärger", slug="arger")
    data = {
        "name": FULLWIDTH_ARGER,
        "slug": "other",
        "order": 1,
        "active": "on",
        "auto_follow": "none",
        "stream_order_by": "recent",
    }
    response = admin_client.post("/admin/community/category/add/", data)
    assert "A category with this name already exists." in form_errors(response)
    assert Category.objects.count() == 1


def test_tag_admin(admin_client):
    TagFactory(name="Ärger", type="user")
    data = {"name": "ärger", "type": "user", "visible": "on", "active": "on"}
    response = admin_client.post("/admin/community/tag/add/", data)
    assert "A tag with this name and type already exists." in form_errors(response)
    response = admin_client.post("/admin/community/tag/add/", {**data, "type": "contribution"})
    assert response.status_code == 302
    assert Tag.objects.count() == 2


# --- imports -----------------------------------------------------------------------------------


def bad_rows(html):
    """The file lines of the rows the import preview refuses (the header is line 1)."""
    return re.findall(r'<tbody class="invalid-row">\s*<tr>\s*<th scope="row">(\d+)</th>', html)


def test_conversation_status_import_matches_a_look_alike_name(admin_client):
    status = ConversationStatus.objects.create(
        name="Ärger", status_category="open", category="open"
    )
    content = f"name,category\n{FULLWIDTH_ARGER},waiting\n"
    response = preview(admin_client, "/admin/statuses/conversationstatus/", "a.csv", content, "csv")
    assert bad_rows(response.content.decode()) == []
    confirm(admin_client, "/admin/statuses/conversationstatus/", response)
    status.refresh_from_db()  # updated, not duplicated
    assert status.category == "waiting" and ConversationStatus.objects.count() == 7


def test_user_status_import_of_a_look_alike_name_is_a_row_error(admin_client):
    UserStatusFactory(name="Ärger")
    other = UserStatusFactory(name="Other")
    content = f"id,name,status_type\n,Fine,busy\n{other.pk},ÄRGER,busy\n"
    response = preview(admin_client, "/admin/statuses/userstatus/", "a.csv", content, "csv")
    html = response.content.decode()
    assert "already in use" in html and bad_rows(html) == ["3"]
    assert 'name="import_file_name"' not in html
    assert sorted(UserStatus.objects.values_list("name", flat=True)) == ["Other", "Ärger"]


def test_reason_import_of_an_invisible_text_is_a_row_error(admin_client):
    AccountFactory(id="acme")
    content = "account,text,state,enabled,order\nacme,Fine,Away,true,1\nacme,\u200b,Away,true,2\n"
    response = preview(admin_client, "/admin/reasons/statusreason/", "a.csv", content, "csv")
    html = response.content.decode()
    assert "text is required" in html and bad_rows(html) == ["3"]
    assert not StatusReason.objects.exists()


def test_category_import_matches_look_alike_names_and_parents(admin_client):
    CategoryFactory(name="Ärger", slug="arger")
    content = f"name,order,parents\nÄRGER,5,\nChild,1,{FULLWIDTH_ARGER}\n"
    response = preview(admin_client, "/admin/community/category/", "a.csv", content, "csv")
    assert bad_rows(response.content.decode()) == []
    confirm(admin_client, "/admin/community/category/", response)
    arger = Category.objects.get(name_key="ärger")
    assert arger.order == 5 and Category.objects.count() == 2
    assert list(Category.objects.get(name="Child").parents.all()) == [arger]
