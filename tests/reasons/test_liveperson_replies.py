"""The LivePerson replies are made without DRF's per-field work (reason_reply,
reason_replies, reasons.selectors.reason_list_values) and must stay byte for byte what
ReasonSerializer gives; the lean INSERT of new reasons (reasons.db) writes the rows and
history rows that the ORM would."""

import json

import pytest
from django.utils import timezone
from rest_framework.settings import api_settings

from core.db import check_fields
from reasons import services
from reasons.liveperson import serializers as lp
from reasons.models import ORDER_MAX, ORDER_MIN, TEXT_MAX_LENGTH, StatusReason
from reasons.selectors import reason_list, reason_list_values
from tests.factories import AccountFactory, StatusReasonFactory
from tests.reasons.test_liveperson_api import url

pytestmark = pytest.mark.django_db

RICH_TEXTS = ['Ärger «über» "Zitat" & \\ 🍕', "ﬁ\u200bne", "Mittag 12:00 / Pause"]


def rich_reasons(account):
    # Live positions 1 and 2, and a deleted reason that goes back to position 1: states
    # the API can reach (a live reason's order is its rank, 1..N: issue 26).
    return [
        StatusReasonFactory(account=account, text=RICH_TEXTS[0], state="Online", order=1),
        StatusReasonFactory(
            account=account, text=RICH_TEXTS[1], state="Occupied", enabled=False, order=2
        ),
        StatusReasonFactory(account=account, text=RICH_TEXTS[2], deleted=True, order=1),
    ]


JSON = api_settings.DEFAULT_RENDERER_CLASSES[0]()


@pytest.mark.parametrize("include_deleted", [None, "true"])
def test_the_list_reply_is_the_serializers_byte_for_byte(lp_login, include_deleted):
    agent = lp_login()
    rich_reasons(agent.account)
    response = agent.get(url(include_deleted=include_deleted))
    assert response.status_code == 200
    reasons = reason_list(account=agent.account, include_deleted=bool(include_deleted))
    expected = lp.ReasonSerializer(reasons, many=True).data
    assert len(expected) == (3 if include_deleted else 2)
    assert response.content == JSON.render(expected)  # the list reply comes from the cache
    assert json.loads(response.content) == json.loads(json.dumps(expected))


def test_the_one_reason_replies_are_the_serializers_byte_for_byte(lp_login):
    agent = lp_login()
    for reason in rich_reasons(agent.account):
        response = agent.get(url(reason_id=reason.pk, include_deleted="true"))
        expected = lp.ReasonSerializer(reason).data
        assert response.content == response.accepted_renderer.render(expected)
        assert lp.reason_reply(reason) == expected
    created = agent.post(
        url(),
        {"text": RICH_TEXTS[0] + "!", "state": "Away", "enabled": False, "order": -3},
        format="json",
    )
    assert created.status_code == 200, created.content
    reason = StatusReason.objects.get(pk=created.json()["id"])
    assert created.content == created.accepted_renderer.render(lp.ReasonSerializer(reason).data)


def test_reason_list_values_gives_the_revision_with_the_rows():
    acme = AccountFactory(id="acme", revision=7)
    assert reason_list_values(account_id="acme", fields=["id"]) == (7, [])
    assert reason_list_values(account_id="nobody", fields=["id"]) == (None, [])
    one, two, gone = rich_reasons(acme)
    StatusReasonFactory(account=AccountFactory(id="other"), order=-5)
    assert reason_list_values(account_id="acme", fields=["id", "text"]) == (
        7,
        [(one.pk, one.text), (two.pk, two.text)],
    )
    assert reason_list_values(account_id="acme", fields=["id"], include_deleted=True) == (
        7,
        [(one.pk,), (gone.pk,), (two.pk,)],
    )


def test_created_rows_and_history_are_the_orms(lp_login):
    agent = lp_login()
    before = timezone.now()
    response = agent.post(
        url(), [{"text": " Ärger ", "state": "Online", "enabled": False, "order": 5}], format="json"
    )
    assert response.status_code == 200, response.content
    reason = StatusReason.objects.get(pk=response.json()[0]["id"])
    assert (reason.account_id, reason.text, reason.text_key) == ("acme", "Ärger", "ärger")
    # Order 5 in an empty account: past the end, so the last (and first) position.
    assert (reason.state, reason.enabled, reason.deleted, reason.order) == (
        "Online",
        False,
        False,
        1,
    )
    assert before <= reason.created_at == reason.updated_at <= timezone.now()
    (history,) = StatusReason.history.filter(id=reason.pk)
    assert history.history_type == "+"
    assert history.history_user_id == agent.user.pk
    assert history.history_change_reason is None
    assert history.history_date == reason.created_at
    tracked = [field.attname for field in StatusReason.history.model.tracked_fields]
    assert {name: getattr(history, name) for name in tracked} == {
        name: getattr(reason, name) for name in tracked
    }


def test_a_taken_text_leaves_the_positions_as_they_were(lp_login):
    account = lp_login().account
    StatusReasonFactory(account=account, text="Bottom", order=1)
    items = [services.ReasonFields(text=text, state="Away") for text in ("New", "bottom")]
    with pytest.raises(services.ConflictError) as caught:
        services.reason_create_many(account=account, items=items)
    assert [(item.index, item.code) for item in caught.value.items] == [(1, "name_taken")]
    # The live reasons had moved down to make room, in the same transaction: undone too.
    assert list(StatusReason.objects.values_list("text", "order")) == [("Bottom", 1)]


BAD_FIELDS = [
    {"text": "", "state": "Away"},
    {"text": "   ", "state": "Away"},
    {"text": "\u200b", "state": "Away"},
    {"text": "x" * 101, "state": "Away"},
    {"text": "x" * 101 + "\n", "state": "Nope"},
    {"text": "a\tb", "state": "Away"},
    {"text": "a<b", "state": "Away"},
    {"text": "a\x85b<", "state": ""},
    {"text": "Fine", "state": "away"},
    {"text": "Fine", "state": "Away", "order": ORDER_MIN - 1},
    {"text": "Fine", "state": "Away", "order": ORDER_MAX + 1},
    {"text": "", "state": "", "order": ORDER_MAX + 1},
    {"text": "Fine", "state": "Away", "enabled": None},
]


@pytest.mark.parametrize("fields", BAD_FIELDS)
def test_item_checks_are_the_models_clean_fields(fields):
    """services._checked checks items without a model instance each: the same first error
    as core.db.check_fields on a StatusReason."""
    item = services.ReasonFields(**fields)
    reason = StatusReason(
        text=item.text.strip(), state=item.state, enabled=item.enabled, order=item.order or 0
    )
    with pytest.raises(services.DomainError) as expected:
        check_fields(reason, fields=services.WRITABLE_FIELDS)
    with pytest.raises(services.DomainError) as caught:
        services._checked([item])
    (got,) = caught.value.items
    want = expected.value
    assert (got.field, got.code, got.message, got.params) == (
        want.field,
        want.code,
        want.message,
        want.params,
    )


def test_the_reason_shape_is_what_the_replies_write_and_the_document_declares():
    """The parity test of the Reason shape (reasons.liveperson.serializers.ReasonReply): what
    reason_reply and reason_replies write has its keys and types, is valid by the `Reason`
    component, and is what its documenting serializer writes; on edge values (the longest
    text, unicode, the extreme orders, every state, disabled and deleted reasons)."""
    from tests.shapes import reply_problems

    acme = AccountFactory(id="acme")
    rich_reasons(acme)
    longest = "Ä🍕" + "x" * (TEXT_MAX_LENGTH - 2)
    for index, state in enumerate(StatusReason.State.values):
        StatusReasonFactory(account=acme, text=longest[:-1] + str(index), state=state)
    _revision, rows = reason_list_values(
        account_id="acme", fields=lp.REASON_FIELDS, include_deleted=True
    )
    reasons = reason_list(account=acme, include_deleted=True)
    replies = lp.reason_replies(rows)
    assert len(replies) == 3 + len(StatusReason.State.values)
    assert {reply["text"] for reply in replies} >= {longest[:-1] + "0", *RICH_TEXTS}
    for reply, reason in zip(replies, reasons, strict=True):
        assert reply_problems(reply, lp.ReasonReply) == []
        assert reply == lp.reason_reply(reason) == lp.ReasonSerializer(reason).data
