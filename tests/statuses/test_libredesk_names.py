"""Libredesk: names that look alike are one name (409), invisible names are empty (400)."""

import pytest

from statuses.models import ConversationStatus
from tests.names import INVISIBLE_NAMES, SAME_NAMES
from tests.statuses.test_libredesk_api import ADD, CHANGE, LIST, assert_error, detail

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("first", "second"), SAME_NAMES)
def test_create_of_a_look_alike_name_is_409(make_agent, first, second):
    agent = make_agent(ADD)
    assert agent.post(LIST, {"name": first, "category": "open"}, format="json").status_code == 200
    response = agent.post(LIST, {"name": second, "category": "open"}, format="json")
    assert_error(response, 409, "ConflictException", "Status name already exists")
    assert ConversationStatus.objects.count() == 7


@pytest.mark.parametrize(("first", "second"), SAME_NAMES)
def test_update_to_a_look_alike_name_is_409(make_agent, first, second):
    agent = make_agent(ADD, CHANGE)
    agent.post(LIST, {"name": first, "category": "open"}, format="json")
    other = agent.post(LIST, {"name": "Other", "category": "open"}, format="json").json()["data"]
    response = agent.put(detail(other["id"]), {"name": second, "category": "open"}, format="json")
    assert_error(response, 409, "ConflictException")
    assert ConversationStatus.objects.get(pk=other["id"]).name == "Other"


def test_a_default_name_in_another_script_form_is_taken(make_agent):
    response = make_agent(ADD).post(
        LIST, {"name": "\uff2f\uff50\uff45\uff4e", "category": "open"}, format="json"
    )
    assert_error(response, 409, "ConflictException")


@pytest.mark.parametrize("name", INVISIBLE_NAMES)
def test_an_invisible_name_is_empty(make_agent, name):
    agent = make_agent(ADD, CHANGE)
    response = agent.post(LIST, {"name": name, "category": "open"}, format="json")
    assert_error(response, 400, "InputException", "`name` empty")
    status = ConversationStatus.objects.create(
        name="Pending", status_category="open", category="open"
    )
    response = agent.put(detail(status.pk), {"name": name, "category": "nope"}, format="json")
    assert_error(response, 400, "InputException", "`name` empty")  # before the category
    assert ConversationStatus.objects.count() == 7


def test_renaming_to_a_look_alike_of_its_own_name_is_fine(make_agent):
    agent = make_agent(ADD, CHANGE)
    pk = agent.post(LIST, {"name": "Ärger", "category": "open"}, format="json").json()["data"]["id"]
    response = agent.put(detail(pk), {"name": "ÄRGER", "category": "open"}, format="json")
    assert response.status_code == 200
    assert ConversationStatus.objects.get(pk=pk).name_key == "ärger"
