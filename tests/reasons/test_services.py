"""reasons.services called directly: texts are unique per account among live reasons, by
core.text.name_key, on every write path (bulk create, bulk update, swaps, restore); order
allocation, revisions, If-Match, soft delete and the errors of a batch; LivePerson bearers."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from access.services import hash_secret, user_sessions_revoke
from core.errors import ConflictError, DomainError, NotFoundError
from reasons import services
from reasons.models import ORDER_MIN, Account, AccountBearer, StatusReason
from reasons.selectors import reason_text_taken
from reasons.services import ReasonChange, ReasonFields
from tests.factories import AccountFactory, StatusReasonFactory, UserFactory
from tests.names import INVISIBLE_NAMES, SAME_NAMES

pytestmark = pytest.mark.django_db


@pytest.fixture
def account():
    return AccountFactory(id="acme")


def create(*texts, account_id="acme"):
    items = [ReasonFields(text=text, state="Away") for text in texts]
    account = Account.objects.get(pk=account_id)
    return services.reason_create_many(account=account, items=items).reasons


def revision(account_id="acme"):
    return Account.objects.get(pk=account_id).revision


def failed_items(error):
    return [(item.index, item.field, item.code) for item in error.items]


@pytest.mark.parametrize(("first", "second"), SAME_NAMES)
def test_create_many_refuses_a_look_alike_of_a_live_reason(account, first, second):
    create(first)
    with pytest.raises(ConflictError) as caught:
        create("Fine", second)
    assert failed_items(caught.value) == [(1, "text", "name_taken")]
    assert StatusReason.objects.count() == 1


@pytest.mark.parametrize(("first", "second"), SAME_NAMES)
def test_create_many_refuses_look_alikes_in_one_batch(account, first, second):
    with pytest.raises(DomainError) as caught:
        create(first, second)
    assert not isinstance(caught.value, ConflictError)
    assert failed_items(caught.value) == [(1, "text", "duplicate")]


def test_bulk_create_stores_each_key_and_its_history(account):
    reasons = create("Ärger", "Lun\u200bch")
    assert sorted(StatusReason.objects.values_list("text_key", flat=True)) == ["lunch", "ärger"]
    history = StatusReason.history.get(id=reasons[0].pk)
    assert history.text_key == "ärger"


@pytest.mark.parametrize("text", INVISIBLE_NAMES)
def test_an_invisible_text_is_required(account, text):
    with pytest.raises(DomainError) as caught:
        services.reason_create(account=account, fields=ReasonFields(text=text, state="Away"))
    assert [(item.field, item.message) for item in caught.value.items] == [
        ("text", "text is required")
    ]


def test_update_many_stores_the_new_key(account):
    (reason,) = create("Lunch")
    services.reason_update_many(
        account=account, items=[ReasonChange(id=reason.pk, text="Ärger", state="Away")]
    )
    reason.refresh_from_db()
    assert reason.text_key == "ärger"
    assert StatusReason.history.filter(id=reason.pk).latest("history_date").text_key == "ärger"


def test_update_many_rotates_texts_across_unicode_forms(account):
    first, second, third = create("Ärger", "Lunch", "Σ")
    services.reason_update_many(
        account=account,
        items=[
            ReasonChange(id=first.pk, text="LUNCH", state="Away"),
            ReasonChange(id=second.pk, text="\u03c3", state="Away"),
            ReasonChange(id=third.pk, text="A\u0308rger", state="Away"),
        ],
    )
    keys = dict(StatusReason.objects.values_list("pk", "text_key"))
    assert keys == {first.pk: "lunch", second.pk: "\u03c3", third.pk: "ärger"}


def test_text_taken_ignores_deleted_reasons_and_other_accounts(account):
    StatusReasonFactory(account=account, text="Ärger", deleted=True)
    StatusReasonFactory(account=AccountFactory(id="beta"), text="Lunch")
    assert not reason_text_taken(account_id="acme", text="ärger")
    assert not reason_text_taken(account_id="acme", text="LUNCH")
    StatusReasonFactory(account=account, text="Ärger")
    assert reason_text_taken(account_id="acme", text="\uff21\u0308rger")


def test_restoring_a_look_alike_of_a_live_reason_is_a_conflict(account):
    deleted = StatusReasonFactory(account=account, text="Ärger", deleted=True)
    create("ÄRGER")
    with pytest.raises(ConflictError):
        services.reasons_set_flags(reasons=[deleted], deleted=False)
    deleted.refresh_from_db()
    assert deleted.deleted


# --- order allocation (more in test_positions.py) -------------------------------------------


def test_the_first_reasons_of_an_account_are_one_two_three(account):
    assert [reason.order for reason in create("A", "B", "C")] == [1, 2, 3]


def test_new_reasons_go_first_in_the_order_given(account):
    create("Existing", "Deleted")
    services.reason_delete(account=account, reason_id=StatusReason.objects.get(text="Deleted").pk)
    written = services.reason_create_many(
        account=account,
        items=[
            ReasonFields(text="First", state="Away"),
            ReasonFields(text="Pinned", state="Online", order=40),
            ReasonFields(text="Second", state="Occupied"),
        ],
    )
    # Before every live reason; an order past the end is the last position.
    assert [(r.text, r.order) for r in written.reasons] == [
        ("First", 1),
        ("Pinned", 4),
        ("Second", 2),
    ]
    listed = StatusReason.objects.filter(deleted=False).order_by("position", "id")
    assert [(r.text, r.order) for r in listed] == [
        ("First", 1),
        ("Second", 2),
        ("Existing", 3),
        ("Pinned", 4),
    ]


def test_an_order_far_below_the_range_is_the_first_position(account):
    create("Bottom")
    services.reason_create(
        account=account, fields=ReasonFields(text="Low", state="Away", order=ORDER_MIN)
    )
    create("New")  # there is always room at the top
    listed = StatusReason.objects.order_by("position").values_list("text", "position")
    assert list(listed) == [("New", 1), ("Low", 2), ("Bottom", 3)]
    assert revision() == 3


def test_an_update_without_order_keeps_the_reasons_place(account):
    create("Tea", "Lunch", "Coffee")
    reason = StatusReason.objects.get(text="Lunch")
    services.reason_update(
        account=account, reason_id=reason.pk, fields=ReasonFields(text="Dinner", state="Online")
    )
    reason.refresh_from_db()
    assert (reason.text, reason.state, reason.order, reason.enabled) == (
        "Dinner",
        "Online",
        2,
        True,
    )


# --- the text-swap placeholder -------------------------------------------------------------


def test_a_swap_within_a_batch_frees_the_texts_first(account):
    lunch, coffee = create("Lunch", "Coffee")
    written = services.reason_update_many(
        account=account,
        items=[
            ReasonChange(id=lunch.pk, text="coffee", state="Away"),
            ReasonChange(id=coffee.pk, text="LUNCH", state="Away"),
        ],
    )
    assert [r.text for r in written.reasons] == ["coffee", "LUNCH"]
    assert dict(StatusReason.objects.values_list("pk", "text_key")) == {
        lunch.pk: "coffee",
        coffee.pk: "lunch",
    }
    # The placeholder never reaches a row's history, and one write is one revision.
    texts = StatusReason.history.values_list("text", flat=True)
    assert not any("\u2063" in text for text in texts)
    assert revision() == 2


def test_a_text_moved_to_a_reason_outside_the_batch_is_still_taken(account):
    one, two, _three = create("One", "Two", "Three")
    with pytest.raises(ConflictError) as caught:
        services.reason_update_many(
            account=account,
            items=[
                ReasonChange(id=one.pk, text="Two", state="Away"),
                ReasonChange(id=two.pk, text="Three", state="Away"),
            ],
        )
    assert failed_items(caught.value) == [(1, "text", "name_taken")]
    assert sorted(StatusReason.objects.values_list("text", flat=True)) == ["One", "Three", "Two"]
    assert revision() == 1


# --- revisions and If-Match ----------------------------------------------------------------


def test_every_write_raises_the_revision_by_exactly_one(account):
    a, b = create("A", "B")
    assert revision() == 1
    services.reason_update(
        account=account, reason_id=a.pk, fields=ReasonFields(text="A2", state="Away")
    )
    assert revision() == 2
    services.reason_delete(account=account, reason_id=a.pk)
    assert revision() == 3
    services.reason_delete_many(account=account, ids=[b.pk])
    assert revision() == 4
    written = services.reason_create(account=account, fields=ReasonFields(text="C", state="Away"))
    assert written.revision == revision() == 5


def test_a_failed_write_leaves_the_revision(account):
    (reason,) = create("Lunch")
    with pytest.raises(ConflictError):
        create("LUNCH")
    with pytest.raises(NotFoundError):
        services.reason_delete_many(account=account, ids=[reason.pk, 999999])
    with pytest.raises(DomainError):
        services.reason_create(account=account, fields=ReasonFields(text="a<b", state="Away"))
    assert revision() == 1
    assert not StatusReason.objects.get(pk=reason.pk).deleted


def test_a_stale_if_match_writes_nothing(account):
    (reason,) = create("Lunch")  # revision 1
    with pytest.raises(ConflictError) as caught:
        services.reason_update(
            account=account,
            reason_id=reason.pk,
            fields=ReasonFields(text="Dinner", state="Away"),
            if_match=0,
        )
    assert caught.value.code == "stale_revision"
    assert caught.value.params == {"given": 0, "current": 1}
    with pytest.raises(ConflictError):
        services.reason_delete(account=account, reason_id=reason.pk, if_match=7)
    reason.refresh_from_db()
    assert (reason.text, reason.deleted, revision()) == ("Lunch", False, 1)
    written = services.reason_create(
        account=account, fields=ReasonFields(text="Tea", state="Away"), if_match=1
    )
    assert written.revision == 2


def test_a_stale_if_match_is_reported_before_the_texts(account):
    create("Lunch")
    with pytest.raises(ConflictError) as caught:
        services.reason_create_many(
            account=account,
            items=[ReasonFields(text="lunch", state="Away")] * 2,
            if_match=0,
        )
    assert caught.value.code == "stale_revision"


def test_flags_raise_each_accounts_revision_once(account):
    beta = AccountFactory(id="beta")
    mine = [StatusReasonFactory(account=account) for _ in range(3)]
    theirs = StatusReasonFactory(account=beta)
    assert services.reasons_set_flags(reasons=[*mine, theirs], enabled=False) == 4
    assert (revision("acme"), revision("beta")) == (1, 1)
    assert not StatusReason.objects.filter(enabled=True).exists()
    services.reasons_set_flags(reasons=mine[:1], deleted=True)
    services.reasons_set_flags(reasons=mine[:1], deleted=False)
    assert revision("acme") == 3 and not StatusReason.objects.filter(deleted=True).exists()


# --- soft delete ---------------------------------------------------------------------------


def test_delete_is_soft_and_frees_the_text(account):
    (reason,) = create("Lunch")
    written = services.reason_delete(account=account, reason_id=str(reason.pk))
    assert written.reasons[0].deleted
    reason.refresh_from_db()
    assert reason.deleted and reason.text == "Lunch"
    with pytest.raises(NotFoundError):
        services.reason_delete(account=account, reason_id=reason.pk)
    create("lunch")  # the text is free again
    assert StatusReason.objects.count() == 2


def test_bulk_delete_takes_an_id_twice_once(account):
    one, two = create("One", "Two")
    written = services.reason_delete_many(account=account, ids=[one.pk, one.pk])
    assert [r.pk for r in written.reasons] == [one.pk]
    assert list(StatusReason.objects.filter(deleted=False)) == [two]


# --- the errors of a batch -----------------------------------------------------------------


def test_unknown_deleted_and_foreign_ids_are_not_found_with_their_indexes(account):
    one, gone = create("One", "Gone")
    services.reason_delete(account=account, reason_id=gone.pk)
    foreign = StatusReasonFactory(account=AccountFactory(id="beta"))
    items = [
        ReasonChange(id=one.pk, text="Changed", state="Away"),
        ReasonChange(id=999999, text="X", state="Away"),
        ReasonChange(id=gone.pk, text="Y", state="Away"),
        ReasonChange(id=foreign.pk, text="Z", state="Away"),
    ]
    with pytest.raises(NotFoundError) as caught:
        services.reason_update_many(account=account, items=items)
    assert failed_items(caught.value) == [
        (1, "id", "not_found"),
        (2, "id", "not_found"),
        (3, "id", "not_found"),
    ]
    assert caught.value.items[0].params == {"value": 999999}
    assert StatusReason.objects.get(pk=one.pk).text == "One"
    with pytest.raises(NotFoundError) as caught:
        services.reason_delete_many(account=account, ids=[999999, one.pk, foreign.pk])
    # A bulk delete's items are the ids themselves: no field.
    assert failed_items(caught.value) == [(0, None, "not_found"), (2, None, "not_found")]


def test_an_id_twice_in_an_update_is_a_duplicate(account):
    one, two = create("One", "Two")
    items = [
        ReasonChange(id=one.pk, text="A", state="Away"),
        ReasonChange(id=two.pk, text="B", state="Away"),
        ReasonChange(id=one.pk, text="C", state="Away"),
    ]
    with pytest.raises(DomainError) as caught:
        services.reason_update_many(account=account, items=items)
    assert failed_items(caught.value) == [(2, "id", "duplicate")]
    assert revision() == 1


def test_every_item_breaking_a_model_rule_is_reported(account):
    items = [
        ReasonFields(text="Fine", state="Away"),
        ReasonFields(text="tab\there", state="Away"),
        ReasonFields(text="Fine too", state="Busy"),
        ReasonFields(text="x" * 101, state="Away"),
        ReasonFields(text="Low", state="Away", order=ORDER_MIN - 1),
    ]
    with pytest.raises(DomainError) as caught:
        services.reason_create_many(account=account, items=items)
    assert [(i.index, i.field, i.message) for i in caught.value.items] == [
        (1, "text", "text must not contain control characters"),
        (2, "state", "state must be one of Online, Occupied, Away"),
        (3, "text", "text must be at most 100 characters"),
        (4, "order", "order is out of range"),
    ]
    assert caught.value.message == "text must not contain control characters"
    assert not StatusReason.objects.exists() and revision() == 0


def test_texts_are_trimmed(account):
    written = services.reason_create(
        account=account, fields=ReasonFields(text="  Lunch \n", state="Away")
    )
    assert written.reasons[0].text == "Lunch"


def test_the_errors_of_a_one_reason_write_name_no_item(account):
    create("Lunch")
    with pytest.raises(ConflictError) as caught:
        services.reason_create(account=account, fields=ReasonFields(text="LUNCH", state="Away"))
    assert failed_items(caught.value) == [(None, "text", "name_taken")]
    with pytest.raises(NotFoundError) as caught:
        services.reason_update(
            account=account, reason_id=999999, fields=ReasonFields(text="X", state="Away")
        )
    assert failed_items(caught.value) == [(None, "id", "not_found")]


@pytest.mark.parametrize(("count", "code"), [(0, "empty"), (services.MAX_ITEMS + 1, "too_many")])
def test_a_batch_has_one_to_max_items(account, count, code):
    items = [ReasonFields(text=f"R{i}", state="Away") for i in range(count)]
    with pytest.raises(DomainError) as caught:
        services.reason_create_many(account=account, items=items)
    assert caught.value.code == code
    assert not StatusReason.objects.exists()


# --- accounts ------------------------------------------------------------------------------


def test_account_ensure_is_idempotent_and_adds_members():
    ann, bob = UserFactory(), UserFactory()
    _account, created = services.account_ensure(account_id="acme_1", name="Acme", members=[ann])
    assert created
    again, created = services.account_ensure(account_id="acme_1", name="Other", members=[bob])
    assert not created and again.name == "Acme"
    assert set(again.members.all()) == {ann, bob}


def test_account_ensure_refuses_a_bad_id():
    with pytest.raises(ValidationError):
        services.account_ensure(account_id="has-dash")
    assert not Account.objects.exists()


# --- LivePerson bearers --------------------------------------------------------------------


@pytest.fixture
def member(account):
    user = UserFactory(username="agent")
    account.members.add(user)
    return user


def test_a_bearer_is_issued_for_one_account_and_stored_hashed(member):
    issued = services.account_bearer_issue(
        account_id="acme", username="agent", password="pw-secret-123"
    )
    stored = AccountBearer.objects.get()
    assert (stored.user, stored.account_id) == (member, "acme")
    assert stored.token_hash == hash_secret(issued.bearer) != issued.bearer
    assert services.account_bearer_authenticate(token=issued.bearer) == stored


@pytest.mark.parametrize(
    ("account_id", "password"),
    [("acme", "wrong"), ("beta", "pw-secret-123"), ("ghost", "pw-secret-123")],
)
def test_wrong_credentials_and_strangers_get_no_bearer(member, account_id, password):
    AccountFactory(id="beta")
    with pytest.raises(DomainError) as caught:
        services.account_bearer_issue(account_id=account_id, username="agent", password=password)
    assert caught.value.code == "invalid_credentials"
    assert not AccountBearer.objects.exists()


def test_a_bearer_stops_working_when_expired_revoked_or_no_longer_a_member(
    member, account, settings
):
    def issue():
        return services.account_bearer_issue(
            account_id="acme", username="agent", password="pw-secret-123"
        ).bearer

    expired = issue()
    AccountBearer.objects.update(
        refreshed_at=timezone.now() - timedelta(hours=settings.BEARER_TTL_HOURS, seconds=1)
    )
    assert services.account_bearer_authenticate(token=expired) is None
    revoked = issue()
    services.account_bearer_revoke(bearer=services.account_bearer_authenticate(token=revoked))
    assert services.account_bearer_authenticate(token=revoked) is None
    removed = issue()
    account.members.remove(member)
    assert services.account_bearer_authenticate(token=removed) is None
    assert services.account_bearer_authenticate(token="") is None


def test_ending_a_users_sessions_ends_their_bearers(member):
    other = UserFactory()
    AccountFactory(id="acme").members.add(other)
    for username in ("agent", other.username):
        services.account_bearer_issue(
            account_id="acme", username=username, password="pw-secret-123"
        )
    user_sessions_revoke(user=member)  # access's service; reasons ends its own sessions
    assert list(AccountBearer.objects.values_list("user__username", flat=True)) == [other.username]


def test_a_session_is_found_by_its_cookie_only_with_its_own_csrf(member, account, settings):
    issued = services.account_bearer_issue(
        account_id="acme", username="agent", password="pw-secret-123"
    )
    stored = AccountBearer.objects.get()
    assert (stored.csrf_hash, stored.session_hash) == (
        hash_secret(issued.csrf),
        hash_secret(issued.session_id),
    )
    found = services.account_session_authenticate(session_id=issued.session_id, csrf=issued.csrf)
    assert found == stored
    for csrf in ("", issued.bearer, issued.session_id, "x"):
        with pytest.raises(DomainError) as caught:
            services.account_session_authenticate(session_id=issued.session_id, csrf=csrf)
        assert caught.value.code == "csrf_invalid"
    assert services.account_session_authenticate(session_id="nope", csrf=issued.csrf) is None
    assert services.account_session_authenticate(session_id="", csrf=issued.csrf) is None
    # Refreshing restarts the lifetime, for the bearer too.
    old = timezone.now() - timedelta(hours=settings.BEARER_TTL_HOURS, minutes=-1)
    AccountBearer.objects.update(refreshed_at=old)
    services.account_session_refresh(session=found)
    AccountBearer.objects.update(created_at=old)
    stored.refresh_from_db()
    assert stored.refreshed_at > old + timedelta(minutes=1)
    assert services.account_bearer_authenticate(token=issued.bearer) == stored
