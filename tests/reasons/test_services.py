"""reasons.services called directly: texts are unique per account among live reasons, by
core.text.name_key, on every write path (bulk create, bulk update, swaps, restore)."""

import pytest

from core.errors import ConflictError, DomainError
from reasons import services
from reasons.models import StatusReason
from tests.factories import AccountFactory, StatusReasonFactory
from tests.names import INVISIBLE_NAMES, SAME_NAMES

pytestmark = pytest.mark.django_db


@pytest.fixture
def account():
    return AccountFactory(id="acme")


def create(*texts, account_id="acme"):
    items = [{"text": text, "state": "Away"} for text in texts]
    return services.reason_create_many(account_id=account_id, items=items).reasons


@pytest.mark.parametrize(("first", "second"), SAME_NAMES)
def test_create_many_refuses_a_look_alike_of_a_live_reason(account, first, second):
    create(first)
    with pytest.raises(ConflictError) as caught:
        create("Fine", second)
    assert caught.value.details["errors"][0]["field"] == "[1].text"
    assert StatusReason.objects.count() == 1


@pytest.mark.parametrize(("first", "second"), SAME_NAMES)
def test_create_many_refuses_look_alikes_in_one_batch(account, first, second):
    with pytest.raises(DomainError) as caught:
        create(first, second)
    assert not isinstance(caught.value, ConflictError)
    assert caught.value.details["errors"][0]["field"] == "[1].text"


def test_bulk_create_stores_each_key_and_its_history(account):
    reasons = create("Ärger", "Lun\u200bch")
    assert sorted(StatusReason.objects.values_list("text_key", flat=True)) == ["lunch", "ärger"]
    history = StatusReason.history.get(id=reasons[0].pk)
    assert history.text_key == "ärger"


@pytest.mark.parametrize("text", INVISIBLE_NAMES)
def test_an_invisible_text_is_required(account, text):
    _clean, errors = services.reason_clean({"text": text, "state": "Away"})
    assert errors == [{"field": "text", "message": "text is required"}]


def test_update_many_stores_the_new_key(account):
    (reason,) = create("Lunch")
    services.reason_update_many(
        account_id="acme", items=[{"id": reason.pk, "text": "Ärger", "state": "Away"}]
    )
    reason.refresh_from_db()
    assert reason.text_key == "ärger"
    assert StatusReason.history.filter(id=reason.pk).latest("history_date").text_key == "ärger"


def test_update_many_rotates_texts_across_unicode_forms(account):
    first, second, third = create("Ärger", "Lunch", "Σ")
    services.reason_update_many(
        account_id="acme",
        items=[
            {"id": first.pk, "text": "LUNCH", "state": "Away"},
            {"id": second.pk, "text": "\u03c3", "state": "Away"},
            {"id": third.pk, "text": "A\u0308rger", "state": "Away"},
        ],
    )
    keys = dict(StatusReason.objects.values_list("pk", "text_key"))
    assert keys == {first.pk: "lunch", second.pk: "\u03c3", third.pk: "ärger"}


def test_text_taken_ignores_deleted_reasons_and_other_accounts(account):
    StatusReasonFactory(account=account, text="Ärger", deleted=True)
    StatusReasonFactory(account=AccountFactory(id="beta"), text="Lunch")
    assert not services.reason_text_taken(account_id="acme", text="ärger")
    assert not services.reason_text_taken(account_id="acme", text="LUNCH")
    StatusReasonFactory(account=account, text="Ärger")
    assert services.reason_text_taken(account_id="acme", text="\uff21\u0308rger")


def test_restoring_a_look_alike_of_a_live_reason_is_a_conflict(account):
    deleted = StatusReasonFactory(account=account, text="Ärger", deleted=True)
    create("ÄRGER")
    with pytest.raises(ConflictError):
        services.reasons_set_flags(reasons=[deleted], deleted=False)
    deleted.refresh_from_db()
    assert deleted.deleted
