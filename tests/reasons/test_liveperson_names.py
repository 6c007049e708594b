"""LivePerson: look-alike texts are one text (409, or 400 inside one request); invisible
texts are missing texts (400)."""

import pytest

from reasons.models import StatusReason
from tests.factories import StatusReasonFactory
from tests.names import INVISIBLE_NAMES, SAME_NAMES
from tests.reasons.test_liveperson_api import assert_lp_error, post, revision, url

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("first", "second"), SAME_NAMES)
def test_create_of_a_look_alike_text_is_409(lp_login, first, second):
    agent = lp_login()
    assert post(agent, {"text": first, "state": "Away"}).status_code == 200
    body = assert_lp_error(post(agent, {"text": second, "state": "Online"}), 409, ["text"])
    assert body["errors"][0]["message"] == "text already exists"
    assert StatusReason.objects.count() == 1 and revision() == 1


@pytest.mark.parametrize(("first", "second"), SAME_NAMES)
def test_look_alike_texts_in_one_request_are_400(lp_login, first, second):
    agent = lp_login()
    items = [{"text": first, "state": "Away"}, {"text": second, "state": "Away"}]
    assert_lp_error(post(agent, items), 400, ["[1].text"])
    assert not StatusReason.objects.exists() and revision() == 0


@pytest.mark.parametrize(("first", "second"), SAME_NAMES)
def test_update_to_a_look_alike_text_is_409(lp_login, first, second):
    agent = lp_login()
    StatusReasonFactory(account=agent.account, text=first)
    other = StatusReasonFactory(account=agent.account, text="Other")
    response = agent.put(url(reason_id=other.pk), {"text": second, "state": "Away"}, format="json")
    assert_lp_error(response, 409)
    other.refresh_from_db()
    assert other.text == "Other"


@pytest.mark.parametrize("text", INVISIBLE_NAMES)
def test_an_invisible_text_is_required(lp_login, text):
    agent = lp_login()
    body = assert_lp_error(post(agent, [{"text": "Fine", "state": "Away"}, {"text": text}]), 400)
    assert body["errors"][0] == {"field": "[1].text", "message": "text is required"}
    assert not StatusReason.objects.exists()


def test_a_deleted_look_alike_does_not_count(lp_login):
    agent = lp_login()
    StatusReasonFactory(account=agent.account, text="Ärger", deleted=True)
    assert post(agent, {"text": "ÄRGER", "state": "Away"}).status_code == 200


def test_bulk_update_swaps_texts_that_differ_only_in_unicode_form(lp_login):
    agent = lp_login()
    first = StatusReasonFactory(account=agent.account, text="Ärger")
    second = StatusReasonFactory(account=agent.account, text="Lunch")
    body = [
        {"id": first.pk, "text": "\uff2c\uff55\uff4e\uff43\uff48", "state": "Away"},
        {"id": second.pk, "text": "ärger", "state": "Away"},
    ]
    response = agent.put(url(), body, format="json")
    assert response.status_code == 200, response.content
    rows = dict(StatusReason.objects.values_list("pk", "text_key"))
    assert rows == {first.pk: "lunch", second.pk: "ärger"}
    history = StatusReason.history.filter(id=first.pk).latest("history_date")
    assert history.text_key == "lunch"
