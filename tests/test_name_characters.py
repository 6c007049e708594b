"""Which characters a name may hold, on every surface and in the admin (issue 14, item 18;
docs/names.md).

The portal's rule for every name shown in the admin: no control characters and no `<` or
`>`. LivePerson's contract has always said so for a reason's text; Rocket.Chat's refuses
`& " '` too, as Rocket.Chat does; Libredesk and SelfCommunity, whose vendors say nothing,
follow the portal's rule. Each surface answers in its own shape and words.
"""

import pytest
from django.core.exceptions import ValidationError

from community.models import Category, Tag
from core.text import (
    NAME_ANGLE_BRACKETS,
    NAME_CONTROL_CHARACTERS,
    validate_name_characters,
)
from statuses.models import ConversationStatus, UserStatus
from tests.community.factories import CategoryFactory, TagFactory
from tests.factories import ConversationStatusFactory, UserStatusFactory

pytestmark = pytest.mark.django_db

ANGLE = ["<b>hi</b>", "a > b", "<"]
# A tab, a line break, NUL, DEL and a C1 control (NEL) inside a name.
CONTROL = ["Coffee\tbreak", "Two\nlines", "nul\x00here", "del\x7fhere", "next\x85line"]
# Characters the rule lets through: they are neither controls nor angle brackets.
ALLOWED = ["Café & Bar", "Ärger", 'The "best" one', "Lun\u200bch", "50% off", "a/b; c=d"]


@pytest.mark.parametrize("name", ANGLE)
def test_the_rule_refuses_angle_brackets(name):
    with pytest.raises(ValidationError) as error:
        validate_name_characters(name)
    assert error.value.code == "angle_brackets"
    assert error.value.messages == [str(NAME_ANGLE_BRACKETS)]


@pytest.mark.parametrize("name", CONTROL)
def test_the_rule_refuses_control_characters(name):
    with pytest.raises(ValidationError) as error:
        validate_name_characters(name)
    assert error.value.code == "control"
    assert error.value.messages == [str(NAME_CONTROL_CHARACTERS)]


@pytest.mark.parametrize("name", ALLOWED)
def test_the_rule_lets_other_characters_through(name):
    validate_name_characters(name)


# --- Libredesk ----------------------------------------------------------------------------------

LIBREDESK = "/api/v1/statuses"
LIBREDESK_PERMS = ("statuses.add_conversationstatus", "statuses.change_conversationstatus")


def libredesk_error(response, message):
    assert response.status_code == 400, response.content
    assert response.json() == {
        "status": "error",
        "message": message,
        "data": None,
        "error_type": "InputException",
    }


@pytest.mark.parametrize("name", ANGLE)
def test_libredesk_refuses_angle_brackets_on_create_and_update(make_agent, name):
    agent = make_agent(*LIBREDESK_PERMS)
    response = agent.post(LIBREDESK, {"name": name, "category": "open"}, format="json")
    libredesk_error(response, "`name` must not contain < or >")
    status = ConversationStatusFactory(name="Waiting")
    response = agent.put(
        f"{LIBREDESK}/{status.pk}", {"name": name, "category": "open"}, format="json"
    )
    libredesk_error(response, "`name` must not contain < or >")
    status.refresh_from_db()
    assert status.name == "Waiting"
    assert not ConversationStatus.objects.filter(name=name).exists()


# A NUL never reaches the name rules: the portal's JSON parser refuses it in any body
# (core.parsers), which Libredesk words "Error parsing request".
@pytest.mark.parametrize("name", [name for name in CONTROL if "\x00" not in name])
def test_libredesk_refuses_control_characters(make_agent, name):
    response = make_agent(*LIBREDESK_PERMS).post(
        LIBREDESK, {"name": name, "category": "open"}, format="json"
    )
    libredesk_error(response, "`name` must not contain control characters")


def test_libredesk_checks_the_length_first_then_the_characters_then_the_category(make_agent):
    agent = make_agent(*LIBREDESK_PERMS)
    too_long = agent.post(LIBREDESK, {"name": "<" * 26, "category": "open"}, format="json")
    libredesk_error(too_long, "Status is too long, should be at most 25 characters")
    both = agent.post(LIBREDESK, {"name": "<b>", "category": "nope"}, format="json")
    libredesk_error(both, "`name` must not contain < or >")


@pytest.mark.parametrize("name", ALLOWED)
def test_libredesk_keeps_other_names_as_sent(make_agent, name):
    response = make_agent(*LIBREDESK_PERMS).post(
        LIBREDESK, {"name": name, "category": "open"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["data"]["name"] == name


def test_trimmed_white_space_around_a_name_is_no_control_character(make_agent):
    response = make_agent(*LIBREDESK_PERMS).post(
        LIBREDESK, {"name": "\tLunch\n", "category": "open"}, format="json"
    )
    assert response.status_code == 200 and response.json()["data"]["name"] == "Lunch"


# --- Rocket.Chat --------------------------------------------------------------------------------

RC_CREATE = "/api/v1/custom-user-status.create"
RC_UPDATE = "/api/v1/custom-user-status.update"


def rocketchat_not_valid(response, name):
    assert response.status_code == 400, response.content
    assert response.json() == {
        "success": False,
        "error": f"{name} is not a valid name [error-input-is-not-a-valid-field]",
        "errorType": "error-input-is-not-a-valid-field",
        "details": {"method": "insertOrUpdateUserStatus", "input": name, "field": "Name"},
    }


@pytest.mark.parametrize("name", [*ANGLE, "Tea & cake", 'Say "hi"', "It's me", *CONTROL[:2]])
def test_rocketchat_refuses_its_own_characters_and_control_characters(rc_login, name):
    client = rc_login("statuses.add_userstatus", "statuses.change_userstatus")
    response = client.post(RC_CREATE, {"name": name, "statusType": "busy"}, format="json")
    rocketchat_not_valid(response, name)
    status = UserStatusFactory(name="Busy bee")
    response = client.post(
        RC_UPDATE, {"_id": status.pk, "name": name, "statusType": "busy"}, format="json"
    )
    rocketchat_not_valid(response, name)
    assert not UserStatus.objects.filter(name=name).exists()


# --- LivePerson ---------------------------------------------------------------------------------

LP = "/api/account/acme/configuration/le-agents/status-reasons?v=1"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("<b>hi</b>", "text must not contain < or >"),
        ("Coffee\tbreak", "text must not contain control characters"),
    ],
)
def test_liveperson_keeps_its_contract_rule(lp_login, text, message):
    response = lp_login().post(LP, {"text": text, "state": "Away"}, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["errors"] == [{"field": "text", "message": message}]


# --- SelfCommunity ------------------------------------------------------------------------------

SC_PERMS = (
    "community.add_category",
    "community.change_category",
    "community.add_tag",
    "community.change_tag",
)


def selfcommunity_name_error(response, code, message):
    assert response.status_code == 400, response.content
    assert response.json() == {
        "errors": [{"field": "name", "messages": [{"code": code, "message": message}]}]
    }


@pytest.mark.parametrize(
    ("name", "code", "message"),
    [
        ("<b>hi</b>", "angle_brackets", str(NAME_ANGLE_BRACKETS)),
        ("Two\nlines", "control", str(NAME_CONTROL_CHARACTERS)),
    ],
)
@pytest.mark.parametrize(
    ("route", "body", "factory"),
    [
        ("/api/v2/category/", {}, CategoryFactory),
        ("/api/v2/tag/", {"type": "contribution"}, TagFactory),
    ],
)
def test_selfcommunity_category_and_tag_names_follow_the_rule(
    sc_login, route, body, factory, name, code, message
):
    client = sc_login(*SC_PERMS)
    response = client.post(route, {**body, "name": name}, format="json")
    selfcommunity_name_error(response, code, message)
    existing = factory(name="Keep me", **({"type": "contribution"} if body else {}))
    response = client.patch(f"{route}{existing.pk}/", {"name": name}, format="json")
    selfcommunity_name_error(response, code, message)
    existing.refresh_from_db()
    assert existing.name == "Keep me"


@pytest.mark.parametrize("name", ["Café & Bar", 'The "best" one'])
def test_selfcommunity_keeps_other_names_as_sent(sc_login, name):
    response = sc_login(*SC_PERMS).post("/api/v2/category/", {"name": name}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["name"] == name


# --- the admin ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/admin/statuses/conversationstatus/add/", {"status_category": "open", "active": "on"}),
        ("/admin/statuses/userstatus/add/", {"status_type": "busy"}),
        ("/admin/community/tag/add/", {"type": "contribution", "color": "#3366ff"}),
        (
            "/admin/community/category/add/",
            {"slug": "x", "auto_follow": "none", "stream_order_by": "recent", "order": 0},
        ),
    ],
)
def test_the_admin_refuses_such_names_on_the_name_field(admin_client, url, data):
    response = admin_client.post(url, {**data, "name": "<b>hi</b>"})
    assert response.status_code == 200  # the form again, with the error
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["name"], errors
    assert errors["name"][0] in {str(NAME_ANGLE_BRACKETS), "<b>hi</b> is not a valid name"}
    model = {"statuses": (ConversationStatus, UserStatus), "community": (Tag, Category)}
    assert not any(m.objects.filter(name="<b>hi</b>").exists() for ms in model.values() for m in ms)


@pytest.mark.parametrize(
    ("admin_path", "content"),
    [
        ("/admin/statuses/conversationstatus/", "name,category\nFine,open\n<b>hi</b>,open\n"),
        ("/admin/community/category/", "name,order\nFine,1\n<b>hi</b>,2\n"),
    ],
)
def test_an_import_refuses_such_a_name_as_a_row_error(admin_client, admin_path, content):
    from tests.portal.admin_import import preview

    response = preview(admin_client, admin_path, "names.csv", content, "csv")
    html = response.content.decode()
    assert str(NAME_ANGLE_BRACKETS).replace(">", "&gt;").replace("<", "&lt;") in html
    assert 'name="import_file_name"' not in html  # nothing can be confirmed
    assert not ConversationStatus.objects.filter(name="<b>hi</b>").exists()
    assert not Category.objects.filter(name="<b>hi</b>").exists()
