"""Issue 25 item 6: a reorder counts every reason that moved, those renumbered to make room
included; the webhook events go to the reasons placed only (the event's revision tells
subscribers the rest of the list moved: README and docs/contracts/liveperson.md)."""

import json

import pytest
from django.contrib.messages import get_messages

from reasons import services
from reasons.models import Account, StatusReason
from tests.factories import AccountFactory, webhook_owner
from webhooks import catalogue
from webhooks import services as webhooks
from webhooks.models import Event

pytestmark = pytest.mark.django_db

LIST = "/admin/reasons/statusreason/"


@pytest.fixture
def acme():
    account = AccountFactory(id="acme")
    for text in ["Lunch", "Training", "Coaching", "Break"]:
        services.reason_create(
            account=account, fields=services.ReasonFields(text=text, state="Away", order=None)
        )
    # reason_create puts a reason without an order first: make the list read as written.
    for position, text in enumerate(["Lunch", "Training", "Coaching", "Break"], start=1):
        StatusReason.objects.filter(text=text).update(order=position, sort_key=position)
    return account


def pk(text):
    return StatusReason.objects.get(text=text).pk


def listed():
    return list(StatusReason.objects.order_by("position").values_list("text", "position"))


def test_place_counts_the_renumbered_reasons(acme):
    written = services.reasons_place(account=acme, positions={pk("Break"): 1})
    assert listed() == [("Break", 1), ("Lunch", 2), ("Training", 3), ("Coaching", 4)]
    assert written.moved == 4 and [r.text for r in written.reasons] == ["Break"]


def test_place_to_where_a_reason_already_is_moves_nothing(acme):
    assert services.reasons_place(account=acme, positions={pk("Break"): 99}).moved == 0


def post_positions(client, positions):
    texts = ["Lunch", "Training", "Coaching", "Break"]
    data = {"form-TOTAL_FORMS": "4", "form-INITIAL_FORMS": "4", "_save": "Save"}
    for i, text in enumerate(texts):
        data[f"form-{i}-id"] = pk(text)
        data[f"form-{i}-order"] = str(positions.get(text, texts.index(text) + 1))
    return client.post(f"{LIST}?account__id__exact=acme", data)


def test_the_list_says_four_reasons_changed_when_one_typed_moved_four(admin_client, acme):
    webhooks.subscription_create(
        owner=webhook_owner(), url="http://127.0.0.1:9/hook", event_types=catalogue.event_types()
    )
    before = Account.objects.get(pk="acme").revision
    response = post_positions(admin_client, {"Break": 1})
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "4 status reasons were changed successfully (their positions, those renumbered to "
        "make room included)."
    ]
    # One write, one revision; one `updated` event, for the reason placed, with it.
    assert Account.objects.get(pk="acme").revision == before + 1
    updated = [
        json.loads(e.body)["data"] for e in Event.objects.filter(type="liveperson.reason.updated")
    ]
    assert [(e["object"]["text"], e["revision"]) for e in updated] == [("Break", before + 1)]


def test_a_typed_position_that_moves_nothing_says_so(admin_client, acme):
    response = post_positions(admin_client, {"Break": 9})
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "No status reason moved: each is already at the position typed."
    ]
    assert listed() == [("Lunch", 1), ("Training", 2), ("Coaching", 3), ("Break", 4)]
