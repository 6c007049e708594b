"""Rules for accounts, their status reasons and the bearers agents log in with. The admin,
the imports and the LivePerson API all use these.

Every successful write to an account's reasons raises the account's revision by exactly
one, inside the same transaction and under a row lock on the account, so concurrent
writers get distinct, gap-free revisions: the raise is the write's first statement, and
it locks the account (reasons.db.bump_revision); a write that fails takes it back. A
write may name the revision it expects (`if_match`); a stale one is `stale_revision` and
nothing is written. A batch is all or nothing: its failures are raised together, one
ItemError per failed item.

Orders are positions: an account's live reasons have the orders 1, 2, ..., N, counted in
the order of their sort keys (see "Sort keys" below), so a write that adds, moves, deletes
or restores reasons moves the others without writing them (see `arrange` for where each
goes). A deleted reason keeps the position it had, and goes back there when restored.
"""

import hmac
import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from datetime import timedelta
from functools import cache
from typing import TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import CharField, F, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from access.services import hash_secret, touch_last_used, user_authenticate_password
from core.cache import bump as retire
from core.db import domain_error_from, raise_on_integrity_error
from core.errors import (
    ConflictError,
    DomainError,
    ErrorCode,
    ForbiddenError,
    ItemError,
    NotFoundError,
)
from core.text import name_key
from reasons import db
from reasons.db import bump_revision, insert_with_history
from reasons.models import (
    SORT_KEY_GAP,
    SORT_KEY_MAX,
    SORT_KEY_MIN,
    Account,
    AccountApiKey,
    AccountBearer,
    KeyPermission,
    StatusReason,
)
from reasons.selectors import account_list_for, reason_get, reason_permission_ids_of
from webhooks import secrets as sealed
from webhooks.services import emit

# The most reasons one write takes: enough for any account, and few enough that a batch
# stays a handful of queries of bounded size.
MAX_ITEMS = 1000
# The kind of object these services report to webhook subscribers (webhooks.catalogue).
STATUS_REASON = "status-reason"
WRITABLE_FIELDS = ["text", "state", "enabled", "order"]


@dataclass(frozen=True, kw_only=True)
class ReasonFields:
    """What a write sets on a reason. `order` is the position it asks for (1 is first; see
    `arrange`). Without one, a new reason goes before all existing ones and an updated
    reason keeps its place."""

    text: str
    state: str
    enabled: bool = True
    order: int | None = None


@dataclass(frozen=True, kw_only=True)
class ReasonChange(ReasonFields):
    """The new fields of the reason with this id."""

    id: int


@dataclass
class Written:
    """The outcome of a write: the reasons it touched and the account's new revision."""

    reasons: list[StatusReason]
    revision: int
    # How many of the account's reasons changed position (reasons_place: those placed and
    # those renumbered to make room).
    moved: int = 0


# --- accounts ------------------------------------------------------------------------------


def account_ensure(
    *, account_id: str, name: str = "", members: Sequence = ()
) -> tuple[Account, bool]:
    """Create the account if missing and add members; idempotent. Returns (account, created)."""
    account = Account(pk=account_id, name=name)
    account.full_clean(validate_unique=False, validate_constraints=False)
    account, created = Account.objects.get_or_create(pk=account_id, defaults={"name": name})
    if members:
        account.members.add(*members)
    return account, created


# Every account's cached reason lists also belong to this generation, which the admin's
# saves and `migrate` retire (reasons/apps.py).
ALL_REASON_LISTS = "liveperson-reasons"


def reason_lists(account_id: str) -> str:
    """The core.cache generation of an account's cached reason lists: every write to its
    reasons through these services retires it (`_lock`)."""
    return f"{ALL_REASON_LISTS}:{account_id}"


def _lock(account_id: str, *, if_match: int | None) -> int:
    """Lock the account for this transaction and raise its revision by one, once the
    revision it had is the one expected; the new revision. One statement: the raise comes
    first, and the write's transaction takes it back if anything after it fails (a stale
    revision too), so every successful write raises the revision by exactly one."""
    revision = bump_revision(Account, account_id)
    if revision is None:
        raise NotFoundError(_("Account not found"))
    retire(reason_lists(account_id))
    current = revision - 1
    if if_match is not None and if_match != current:
        raise ConflictError(
            _("Revision %(given)s is stale; the current revision is %(current)s")
            % {"given": if_match, "current": current},
            code=ErrorCode.STALE_REVISION,
            params={"given": if_match, "current": current},
        )
    return revision


# --- checks shared by the writes -----------------------------------------------------------


def _raise_for(failures: list[ItemError], error_class: type[DomainError] = DomainError) -> None:
    """Raise every failed item of a batch as one error, worded as its first failure."""
    if failures:
        first = failures[0]
        raise error_class(first.message, code=first.code, field=first.field, items=failures)


def _check_count(items: Sequence) -> None:
    if not items:
        raise DomainError(_("Nothing to write: no reasons given"), code=ErrorCode.EMPTY)
    if len(items) > MAX_ITEMS:
        raise DomainError(
            _("At most %(max)d reasons in one write") % {"max": MAX_ITEMS},
            code=ErrorCode.TOO_MANY,
            params={"max": MAX_ITEMS},
        )


Item = TypeVar("Item", bound="ReasonFields")


@cache
def _writable_fields() -> list:
    """StatusReason's WRITABLE_FIELDS, in the model's order (the order of its checks)."""
    return [field for field in StatusReason._meta.fields if field.name in WRITABLE_FIELDS]


def _field_error(*, text: str, state: str, enabled: bool, order: int) -> DomainError | None:
    """The first of StatusReason's field rules that these values break, as core.db.
    check_fields(reason, fields=WRITABLE_FIELDS) reports it, or None. The same checks as
    Model.clean_fields (each field's clean: its blank and choices rules, then its
    validators), without a model instance for each item of a batch."""
    values = {"text": text, "state": state, "enabled": enabled, "order": order}
    for field in _writable_fields():
        value = values[field.attname]
        if field.blank and value in field.empty_values:
            continue
        try:
            field.clean(value, None)
        except ValidationError as exc:
            return domain_error_from(ValidationError({field.name: exc.error_list}))
    return None


def _checked(items: Sequence[Item]) -> list[Item]:
    """The items with their texts trimmed, once every one keeps the model's field rules
    (StatusReason's validators: visible text, its length and characters, state, order)."""
    trimmed = [replace(item, text=item.text.strip()) for item in items]
    failures = []
    for index, item in enumerate(trimmed):
        error = _field_error(
            text=item.text, state=item.state, enabled=item.enabled, order=item.order or 0
        )
        if error is not None:
            failures.append(ItemError(index, error.field, error.code, error.message, error.params))
    _raise_for(failures)
    return trimmed


def _text_taken() -> ConflictError:
    """A text taken by another live reason, as the database's unique constraint saw it."""
    return ConflictError(
        _("A status reason with this text already exists"), code=ErrorCode.NAME_TAKEN
    )


def _check_duplicates(keys: list[str]) -> None:
    """The same text twice in one write is `duplicate` (texts compared by their keys,
    core.text.name_key, as the database's unique constraint compares them)."""
    seen: set[str] = set()
    duplicates = []
    for index, key in enumerate(keys):
        if key in seen:
            duplicates.append(
                ItemError(index, "text", ErrorCode.DUPLICATE, _("duplicate text in this request"))
            )
        seen.add(key)
    _raise_for(duplicates)


def _taken(
    *, account_id: str, keys: list[str], exclude_ids: Sequence[int] = ()
) -> ConflictError | None:
    """`name_taken` for each item whose text a live reason of the account already uses
    (the first item of each text), or None when no text is taken. One query."""
    first_index: dict[str, int] = {}
    for index, key in enumerate(keys):
        first_index.setdefault(key, index)
    taken = set(
        StatusReason.objects.filter(account_id=account_id, deleted=False)
        .exclude(pk__in=exclude_ids)
        .filter(text_key__in=list(first_index))
        .order_by()
        .values_list("text_key", flat=True)
    )
    if not taken:
        return None
    return _name_taken([first_index[key] for key in sorted(taken)])


def _name_taken(indexes: list[int]) -> ConflictError:
    """`name_taken` for the items at these indexes."""
    return ConflictError(
        _("A status reason with this text already exists"),
        code=ErrorCode.NAME_TAKEN,
        field="text",
        items=[
            ItemError(index, "text", ErrorCode.NAME_TAKEN, _("text already exists"))
            for index in indexes
        ],
    )


def _check_texts(*, account: Account, texts: list[str], exclude_ids: Sequence[int] = ()) -> None:
    """The same text twice in one write is `duplicate`; a text that a live reason of the
    account already uses is `name_taken`."""
    keys = [name_key(text) for text in texts]
    _check_duplicates(keys)
    taken = _taken(account_id=account.pk, keys=keys, exclude_ids=exclude_ids)
    if taken:
        raise taken


@contextmanager
def _one_reason() -> Iterator[None]:
    """A write of one reason reports its failures without an item index."""
    try:
        yield
    except DomainError as exc:
        exc.items = tuple(replace(item, index=None) for item in exc.items)
        raise


# --- status reasons ------------------------------------------------------------------------


T = TypeVar("T")


def arrange(base: Sequence[T], placed: Sequence[tuple[T, int]]) -> list[T]:
    """The new sequence of an account's live reasons, first to last.

    Each `placed` item (item, position) goes to the position it asks for, 1 being the first,
    clamped to the sequence (0 or less is the first, past the end is the last). Items that
    ask for the same position, or for one that an earlier ask took, keep their request
    order and take the next free positions. The `base` items fill the positions left, in
    their order. So a reason moved to 3 is third, and the reasons it passed move by one."""
    size = len(base) + len(placed)
    wanted = [min(max(position, 1), size) for _item, position in placed]
    asks = sorted(range(len(placed)), key=lambda ask: (wanted[ask], ask))
    slots, last = [], 0
    for ask in asks:
        last = max(wanted[ask], last + 1)
        slots.append(last)
    # Asks crowded at the end push back, so that none falls past it.
    for k in range(len(slots) - 1, -1, -1):
        slots[k] = min(slots[k], size - (len(slots) - 1 - k))
    taken = {slot: placed[ask][0] for ask, slot in zip(asks, slots, strict=True)}
    rest = iter(base)
    return [taken[position] if position in taken else next(rest) for position in range(1, size + 1)]


# --- sort keys -----------------------------------------------------------------------------
#
# An account's live reasons are listed in the order of their sort keys (then their ids),
# and a reason's position is its rank in that order: no column holds the positions 1..N,
# so a write changes only the reasons it writes. A create without an order takes keys
# below the account's first key (one SELECT, whatever the account's size). A reason placed
# at position p (a create or a move with an order, a restore, the admin's positions) takes
# a key strictly between the keys of its new neighbours; several placed side by side share
# the gap evenly. Keys start SORT_KEY_GAP (2**20) apart.
#
# Rebalance: when k reasons must go between two neighbours whose keys leave fewer than k
# free integers between them, or a key would leave the 64-bit range, every live reason of
# the account takes the key (its new position) x SORT_KEY_GAP, in one UPDATE of those whose
# key changes. Each placement into a gap halves it, so it takes about 20 placements into
# the same spot; creates at the top never rebalance (2**43 of them would).


def _live_order(account_id: str) -> list[tuple[int, int]]:
    """(id, sort_key) of the account's live reasons, first to last. One query; read under
    the account's lock, so no other write moves them meanwhile."""
    return list(
        StatusReason.rows.filter(account_id=account_id, deleted=False)
        .order_by("sort_key", "id")
        .values_list("id", "sort_key")
    )


def _positions_of(current: Sequence[tuple[int, int]]) -> dict[int, int]:
    """The positions of the live reasons `current` (in their order) by id."""
    return {pk: n for n, (pk, _key) in enumerate(current, start=1)}


def _spread(count: int, low: int | None, high: int | None) -> list[int] | None:
    """`count` increasing keys strictly between `low` and `high` (None: no neighbour on
    that side), or None when they do not fit."""
    if low is None and high is None:
        keys = [SORT_KEY_GAP * (n + 1) for n in range(count)]
    elif low is None:
        keys = [high - SORT_KEY_GAP * (count - n) for n in range(count)]
    elif high is None:
        keys = [low + SORT_KEY_GAP * (n + 1) for n in range(count)]
    else:
        step = (high - low) // (count + 1)
        if step < 1:
            return None
        keys = [low + step * (n + 1) for n in range(count)]
    if keys[0] < SORT_KEY_MIN or keys[-1] > SORT_KEY_MAX:
        return None
    return keys


_END = object()


def _keys_between(sequence: Sequence, fixed: dict) -> dict | None:
    """New keys for the items of `sequence` that are not in `fixed` ({item: key}, the live
    reasons that keep theirs), each run of them between the keys of its fixed neighbours;
    None when a run does not fit (a rebalance)."""
    keys, run, low = {}, [], None
    for item in [*sequence, _END]:
        if item is not _END and item not in fixed:
            run.append(item)
            continue
        high = None if item is _END else fixed[item]
        if run:
            spread = _spread(len(run), low, high)
            if spread is None:
                return None
            keys.update(zip(run, spread, strict=True))
            run = []
        low = high
    return keys


@dataclass
class _Arranged:
    """Where a write puts the account's live reasons and the items it places."""

    # The new position of every item: the live reasons and the items placed or created.
    positions: dict
    # The new sort key of every item whose key changes: those placed and created (and all
    # those that change after a rebalance).
    keys: dict
    # How many of the live reasons before the write change position.
    moved: int


def _arrange(
    account_id: str,
    *,
    placed: Sequence[tuple[object, int]],
    base_first=(),
    current: Sequence[tuple[int, int]] | None = None,
) -> _Arranged:
    """Arrange the account's live reasons (`current`, or as read now) with `placed` items at
    the positions they ask for and `base_first` items before all others (`arrange`), and
    give the items placed and created keys between their new neighbours'. The live reasons
    keep their keys, unless a rebalance (above) gives them new ones (`_write_keys`)."""
    current = _live_order(account_id) if current is None else current
    moving = {item for item, _position in placed}
    base = [*base_first, *(pk for pk, _key in current if pk not in moving)]
    sequence = arrange(base, placed)
    positions = {item: n for n, item in enumerate(sequence, start=1)}
    fixed = {pk: key for pk, key in current if pk not in moving}
    keys = _keys_between(sequence, fixed)
    if keys is None:
        keys = {
            item: n * SORT_KEY_GAP
            for item, n in positions.items()
            if fixed.get(item) != n * SORT_KEY_GAP
        }
    before = _positions_of(current)
    moved = sum(1 for pk, n in before.items() if positions[pk] != n)
    return _Arranged(positions, keys, moved)


def _write_keys(arranged: _Arranged, *, leave=frozenset()) -> None:
    """Write the new keys of the existing reasons that the caller does not write itself
    (`leave`): after a rebalance, or those of reasons placed where they already were. One
    UPDATE, no history: their own fields do not change."""
    db.set_values(
        StatusReason,
        "sort_key",
        {
            pk: key
            for pk, key in arranged.keys.items()
            if not isinstance(pk, _New) and pk not in leave
        },
    )


@dataclass(frozen=True)
class _New:
    """A reason of a create, before it has an id: its index in the request."""

    index: int


def _new_places(account_id: str, items: Sequence[ReasonFields]) -> list[tuple[int, int]]:
    """Each new reason's (position, sort key).

    Items without an order come first, in request order, with keys below the account's
    first key: one query, and no other reason changes. Items with an order go to that
    position (see `arrange`), with keys between their new neighbours'."""
    if all(item.order is None for item in items):
        first = db.first_key(StatusReason, account_id)
        keys = _spread(len(items), None, first)
        if keys is not None:
            return list(zip(range(1, len(items) + 1), keys, strict=True))
    arranged = _arrange(
        account_id,
        placed=[(_New(i), item.order) for i, item in enumerate(items) if item.order is not None],
        base_first=[_New(i) for i, item in enumerate(items) if item.order is None],
    )
    _write_keys(arranged)
    return [(arranged.positions[_New(i)], arranged.keys[_New(i)]) for i in range(len(items))]


def reason_create_many(
    *, account: Account, items: Sequence[ReasonFields], if_match: int | None = None
) -> Written:
    """Create reasons, all or nothing: one INSERT (and one for their history) however many.

    Whether a text is taken is the database's unique constraint's to say: the INSERT is
    tried, and only when the constraint refuses it does a query name the items whose texts
    are taken. The transaction is the only one (no savepoint): when the constraint refuses,
    all of it is rolled back, the revision's raise too."""
    _check_count(items)
    items = _checked(items)
    keys = [name_key(item.text) for item in items]
    try:
        with transaction.atomic():
            revision = _lock(account.pk, if_match=if_match)
            _check_duplicates(keys)
            now = timezone.now()
            reasons = [
                StatusReason(
                    account_id=account.pk,
                    text=item.text,
                    text_key=key,
                    state=item.state,
                    enabled=item.enabled,
                    deleted=False,
                    order=order,
                    sort_key=sort_key,
                    created_at=now,
                    updated_at=now,
                )
                for item, key, (order, sort_key) in zip(
                    items, keys, _new_places(account.pk, items), strict=True
                )
            ]
            try:
                insert_with_history(reasons, now=now)
            except IntegrityError as exc:
                raise _TextRefused from exc
            _report("created", account.pk, reasons, revision)
            return Written(reasons, revision)
    except _TextRefused:
        if len(items) == 1:  # no query needed to name the item
            raise _name_taken([0]) from None
        raise _taken(account_id=account.pk, keys=keys) or _text_taken() from None


class _TextRefused(Exception):
    """The unique constraint on live texts refused a write (raised inside the write's
    transaction, so that the transaction is rolled back before the error is made)."""


def reason_create(
    *, account: Account, fields: ReasonFields, if_match: int | None = None
) -> Written:
    """Create one reason (see reason_create_many)."""
    with _one_reason():
        return reason_create_many(account=account, items=[fields], if_match=if_match)


def _live_reasons(
    account: Account, ids: Sequence[int], *, field: str | None
) -> dict[int, StatusReason]:
    """The account's live reasons by id; an id that names none (unknown, deleted, another
    account's) is `not_found`, reported on `field` of its item."""
    # Their stored rows: the writes number them from the account's keys (`_live_order`).
    found = StatusReason.rows.filter(account=account, deleted=False).in_bulk(ids)
    _raise_for(
        [
            ItemError(
                index,
                field,
                ErrorCode.NOT_FOUND,
                _("status reason %(id)s not found") % {"id": reason_id},
                {"value": reason_id},
            )
            for index, reason_id in enumerate(ids)
            if reason_id not in found
        ],
        NotFoundError,
    )
    return found


def reason_update_many(
    *, account: Account, items: Sequence[ReasonChange], if_match: int | None = None
) -> Written:
    """Replace the fields of the live reasons named by id, all or nothing. An id given
    twice is `duplicate`; one that is unknown, deleted or another account's is `not_found`."""
    _check_count(items)
    items = _checked(items)
    seen: set[int] = set()
    duplicates = []
    for index, item in enumerate(items):
        if item.id in seen:
            duplicates.append(
                ItemError(index, "id", ErrorCode.DUPLICATE, _("duplicate id in this request"))
            )
        seen.add(item.id)
    _raise_for(duplicates)
    ids = [item.id for item in items]
    with transaction.atomic():
        revision = _lock(account.pk, if_match=if_match)
        found = _live_reasons(account, ids, field="id")
        _check_texts(account=account, texts=[item.text for item in items], exclude_ids=ids)
        _free_texts_taken_within_batch(found, items)
        # The reasons that ask for a position move there, between their new neighbours
        # (and those of the batch without one keep their place among the others).
        placed = [(item.id, item.order) for item in items if item.order is not None]
        arranged = _arrange(account.pk, placed=placed)
        _write_keys(arranged, leave=set(ids))
        reasons, now = [], timezone.now()
        for item in items:
            reason = found[item.id]
            reason.text, reason.state, reason.enabled = item.text, item.state, item.enabled
            reason.order = arranged.positions[item.id]
            reason.sort_key = arranged.keys.get(item.id, reason.sort_key)
            reason.updated_at = now
            reasons.append(reason)
        with raise_on_integrity_error(_text_taken()):
            bulk_update_with_history(
                reasons,
                StatusReason,
                ["text", "text_key", "state", "enabled", "order", "sort_key", "updated_at"],
            )
        _report("updated", account.pk, reasons, revision)
        return Written(reasons, revision)


def reason_update(
    *, account: Account, reason_id: int, fields: ReasonFields, if_match: int | None = None
) -> Written:
    """Replace one reason's fields (see reason_update_many)."""
    change = ReasonChange(id=reason_id, **asdict(fields))
    with _one_reason():
        return reason_update_many(account=account, items=[change], if_match=if_match)


def _free_texts_taken_within_batch(
    found: dict[int, StatusReason], items: Sequence[ReasonChange]
) -> None:
    """When a batch moves a text from one of its reasons to another (a swap, a rotation),
    first give the givers a placeholder text: the unique index is checked row by row, so
    the final UPDATE would otherwise trip over a text that is about to be freed."""
    new_key = {item.id: name_key(item.text) for item in items}
    wanted = set(new_key.values())
    givers = [
        reason_id
        for reason_id, reason in found.items()
        if reason.text_key in wanted and reason.text_key != new_key[reason_id]
    ]
    if givers:
        # U+2063 is a format character, which name_key removes: no real key contains it,
        # so the placeholder keys can clash neither with real keys nor with each other.
        placeholder = Concat(Value("\u2063swap "), Cast("id", output_field=CharField()))
        StatusReason.objects.filter(pk__in=givers).update(text=placeholder, text_key=placeholder)


def _report(action: str, account_id: str, reasons: Sequence[StatusReason], revision: int) -> None:
    """Tell webhook subscribers, in the write's transaction, which reasons the write made,
    changed or deleted, with the account's new revision. Reasons whose position moved only
    because others were placed around them get no event of their own: the revision in the
    event says the collection changed (docs/contracts/liveperson.md)."""
    emit(
        STATUS_REASON,
        action,
        reasons,
        scope=account_id,
        extra={"account": account_id, "revision": revision},
    )


def _set_flags(
    reasons: list[StatusReason],
    *,
    positions: dict[int, int],
    keys: dict | None = None,
    **flags: bool,
) -> list[StatusReason]:
    """Set the flags, each reason's position (`positions` by id; a reason not in it keeps
    its `order`: a deleted one's) and, with `keys`, its new sort key, and record them. The
    `order` written is the position the reason has after this write, as its history row
    records it."""
    now = timezone.now()
    for reason in reasons:
        for name, value in {**flags, "updated_at": now}.items():
            setattr(reason, name, value)
        reason.order = positions.get(reason.pk, reason.order)
        if keys is not None and reason.pk in keys:
            reason.sort_key = keys[reason.pk]
    fields = [*flags, "updated_at", "order", *(["sort_key"] if keys is not None else [])]
    # One UPDATE and one history INSERT, however many reasons.
    bulk_update_with_history(reasons, StatusReason, fields)
    return reasons


def _delete(account_id: str, reasons: list[StatusReason]) -> list[StatusReason]:
    """Soft-delete live reasons: each keeps the position it had (where it goes back when
    restored) in its `order`, and its key; the live reasons after it move up, as their
    positions are counted (nothing of theirs is written)."""
    return _set_flags(reasons, positions=_positions_of(_live_order(account_id)), deleted=True)


def _restore(account_id: str, reasons: list[StatusReason]) -> list[StatusReason]:
    """Bring deleted reasons back at the positions they had (as `arrange` places them, in
    the order of those positions), with keys between their new neighbours'; the live
    reasons from there on move down. A text that a live reason uses now is `name_taken`."""
    reasons = sorted(reasons, key=lambda reason: (reason.order, reason.pk))
    arranged = _arrange(account_id, placed=[(reason.pk, reason.order) for reason in reasons])
    _write_keys(arranged, leave={reason.pk for reason in reasons})
    with raise_on_integrity_error(_text_taken()):
        return _set_flags(reasons, positions=arranged.positions, keys=arranged.keys, deleted=False)


def reason_delete_many(
    *, account: Account, ids: Sequence[int], if_match: int | None = None
) -> Written:
    """Soft-delete reasons by id, all or nothing; an id that is unknown, already deleted or
    another account's is `not_found`. An id given twice is deleted once."""
    _check_count(ids)
    with transaction.atomic():
        revision = _lock(account.pk, if_match=if_match)
        # A bulk delete's items are the ids themselves: its errors name no field.
        found = _live_reasons(account, ids, field=None)
        deleted = _delete(account.pk, list(found.values()))
        _report("deleted", account.pk, deleted, revision)
        return Written(deleted, revision)


def reason_delete(
    *, account: Account, reason_id: int | str, if_match: int | None = None
) -> Written:
    """Soft-delete one live reason of the account (`reason_id` as read from a path)."""
    with transaction.atomic():
        revision = _lock(account.pk, if_match=if_match)
        reason = reason_get(account=account, reason_id=reason_id)
        deleted = _delete(account.pk, [reason])
        _report("deleted", account.pk, deleted, revision)
        return Written(deleted, revision)


def reasons_set_flags(
    *, reasons: Sequence[StatusReason], enabled: bool | None = None, deleted: bool | None = None
) -> int:
    """Enable, disable, soft-delete or restore reasons (the admin's actions and buttons),
    one revision per account named; how many reasons changed (those that already had
    these flags, as read under the account's lock, are left alone). Deleting and restoring
    move the account's other live reasons, without writing them (see `_delete` and
    `_restore`). Restoring a reason whose text is live again is `name_taken`, and nothing
    changes."""
    flags = {k: v for k, v in {"enabled": enabled, "deleted": deleted}.items() if v is not None}
    by_account: dict[str, list[int]] = {}
    for reason in reasons:
        by_account.setdefault(reason.account_id, []).append(reason.pk)
    changed = 0
    with transaction.atomic():
        for account_id, ids in sorted(by_account.items()):
            revision = _lock(account_id, if_match=None)
            group = [
                reason
                for reason in StatusReason.rows.filter(account_id=account_id, pk__in=ids)
                if any(getattr(reason, name) != value for name, value in flags.items())
            ]
            if not group:
                continue
            if deleted is True:
                _report("deleted", account_id, _delete(account_id, group), revision)
            elif deleted is False:
                _report("updated", account_id, _restore(account_id, group), revision)
            else:
                positions = _positions_of(_live_order(account_id))
                changed_flags = _set_flags(group, positions=positions, **flags)
                _report("updated", account_id, changed_flags, revision)
            changed += len(group)
    return changed


def reasons_place(*, account: Account, positions: dict[int, int]) -> Written:
    """Move live reasons of the account to new positions ({id: position}), all at once
    and all or nothing (the admin list's position column): each goes where it asks, as
    `arrange` places them, and the others fill the rest in their order. An id that is
    unknown, deleted or another account's is `not_found`."""
    _check_count(list(positions))
    with transaction.atomic():
        revision = _lock(account.pk, if_match=None)
        found = _live_reasons(account, list(positions), field=None)
        current = _live_order(account.pk)
        before = _positions_of(current)
        placed = sorted(positions.items(), key=lambda item: before[item[0]])
        arranged = _arrange(account.pk, placed=placed, current=current)
        moved = [
            reason
            for reason in found.values()
            if before[reason.pk] != arranged.positions[reason.pk]
        ]
        # The reasons placed where they already were may take new keys too (their
        # neighbours moved): written without history, as the others' after a rebalance.
        _write_keys(arranged, leave={reason.pk for reason in moved})
        if moved:
            # Only the reasons placed get an event; those renumbered to make room are told
            # by the event's revision (docs/contracts/liveperson.md, Orders are positions).
            written = _set_flags(moved, positions=arranged.positions, keys=arranged.keys)
            _report("updated", account.pk, written, revision)
        for reason in found.values():
            reason.order = arranged.positions[reason.pk]
        reasons = sorted(found.values(), key=lambda reason: reason.order)
        return Written(reasons, revision, moved=arranged.moved)


# --- LivePerson sessions: a login bound to one account ------------------------------------


def session_ttl() -> timedelta:
    """How long a session lives after its login or its last refresh."""
    return timedelta(hours=settings.BEARER_TTL_HOURS)


@dataclass(frozen=True)
class IssuedBearer:
    """A fresh session's secrets in clear, returned once by the login route: the bearer,
    the csrf its refresh and logout carry, and the id of its `Session_id` cookie."""

    bearer: str
    csrf: str
    session_id: str
    user: object
    account_id: str
    api_key: AccountApiKey | None = None


def _wrong_credentials() -> DomainError:
    """Wrong credentials, an inactive user, a user who is not a member, a wrong or ended
    API key: all alike, so a reply tells nothing about which part was wrong."""
    return DomainError(
        _("Wrong username or password, or not a member"), code=ErrorCode.INVALID_CREDENTIALS
    )


def _session_start(*, user, account: Account, api_key: AccountApiKey | None) -> IssuedBearer:
    """A new session of `user` on `account` (started by `api_key`'s Application Login, or
    by a user login); its secrets in clear, once."""
    bearer, csrf, session_id = (secrets.token_hex(32) for _secret in range(3))
    AccountBearer.objects.create(
        user=user,
        account=account,
        api_key=api_key,
        token_hash=hash_secret(bearer),
        csrf_hash=hash_secret(csrf),
        session_hash=hash_secret(session_id),
    )
    return IssuedBearer(
        bearer=bearer,
        csrf=csrf,
        session_id=session_id,
        user=user,
        account_id=account.pk,
        api_key=api_key,
    )


def account_bearer_issue(*, account_id: str, username: str, password: str) -> IssuedBearer:
    """Log a member into an account: a session for that account alone. Wrong credentials,
    an inactive user and a user who is not a member are all `invalid_credentials`, alike."""
    user = user_authenticate_password(login=username, password=password)
    account = user.liveperson_accounts.filter(pk=account_id).first() if user else None
    if account is None:
        raise _wrong_credentials()
    return _session_start(user=user, account=account, api_key=None)


def _bytes(text: str) -> bytes:
    # compare_digest takes ASCII text only; bytes of any text (a lone surrogate too).
    return text.encode("utf-8", "surrogatepass")


def account_bearer_issue_for_key(
    *,
    account_id: str,
    username: str,
    app_key: str,
    secret: str,
    access_token: str,
    access_token_secret: str,
) -> IssuedBearer:
    """LivePerson's Application Login: the four values of one of the account's API keys,
    and the username of the user the key signs in as, for a session of that user bounded
    by the key's permission. Anything wrong is `invalid_credentials`, as for a user login."""
    key = api_key_find(app_key=app_key, access_token=access_token)
    if (
        key is None
        or key.account_id != account_id
        or not hmac.compare_digest(_bytes(key.user.get_username()), _bytes(username))
    ):
        raise _wrong_credentials()
    key_secret, token_secret = api_key_secrets(key)
    # Both compared, whatever the first gives: the time taken tells nothing.
    secret_ok = hmac.compare_digest(_bytes(key_secret), _bytes(secret))
    token_ok = hmac.compare_digest(_bytes(token_secret), _bytes(access_token_secret))
    if not (secret_ok and token_ok):
        raise _wrong_credentials()
    return _session_start(user=key.user, account=Account(pk=key.account_id), api_key=key)


def session_permission_ids(*, issued: IssuedBearer) -> list[int]:
    """The ids of the reason permissions a new session may use: its user's, and for a
    read-only API key's session only the view permission among them."""
    ids = reason_permission_ids_of(user=issued.user)
    if issued.api_key is None or issued.api_key.permission == KeyPermission.READ_WRITE:
        return ids
    return reason_permission_ids_of(user=issued.user, codenames=("view_statusreason",))


def _live_sessions():
    """Unexpired sessions of active users who are still members of their account (a join,
    so removing a member ends their sessions at once), and whose API key, if an
    Application Login started them, is still active. `api_key_permission` is that key's
    permission (None for a user login)."""
    return (
        AccountBearer.objects.select_related("user", "account")
        .filter(
            Q(api_key__isnull=True) | Q(api_key__is_active=True),
            refreshed_at__gte=timezone.now() - session_ttl(),
            user__is_active=True,
            account__members=F("user"),
        )
        .annotate(api_key_permission=F("api_key__permission"))
    )


def account_bearer_authenticate(*, token: str) -> AccountBearer | None:
    """The live session (with its user and account) whose bearer this is, or None. One
    indexed query."""
    if not token:
        return None
    bearer = _live_sessions().filter(token_hash=hash_secret(token)).first()
    if bearer is not None:
        touch_last_used(bearer)
    return bearer


def account_session_authenticate(*, session_id: str, csrf: str) -> AccountBearer | None:
    """The live session whose `Session_id` cookie this is, or None. The csrf must be the
    session's own: a cookie alone proves nothing, since a browser sends it on any request
    to the portal. A wrong or missing csrf is `csrf_invalid`."""
    if not session_id:
        return None
    session = _live_sessions().filter(session_hash=hash_secret(session_id)).first()
    if session is None:
        return None
    if not (csrf and hmac.compare_digest(session.csrf_hash, hash_secret(csrf))):
        raise DomainError(
            _("The csrf does not match the session's"),
            code=ErrorCode.CSRF_INVALID,
            field="csrf",
        )
    touch_last_used(session)
    return session


def account_session_refresh(*, session: AccountBearer) -> AccountBearer:
    """Start the session's lifetime again: its bearer, csrf and cookie stay valid for
    another `session_ttl()` from now."""
    session.refreshed_at = timezone.now()
    AccountBearer.objects.filter(pk=session.pk).update(refreshed_at=session.refreshed_at)
    return session


def account_bearer_revoke(*, bearer: AccountBearer) -> None:
    """End one LivePerson session: its bearer, csrf and cookie stop working at once."""
    bearer.delete()


def account_bearer_revoke_all(*, user) -> None:
    """End every LivePerson session of `user` (a new password, a deactivation)."""
    AccountBearer.objects.filter(user=user).delete()


# --- LivePerson API keys: OAuth 1.0a credentials of one account ----------------------------


@dataclass(frozen=True)
class IssuedApiKey:
    """A new API key's four values in clear, returned once to the admin that made it."""

    app_key: str
    secret: str
    access_token: str
    access_token_secret: str
    record: AccountApiKey


def _key_value() -> str:
    """One of a key's four values: 32 hex digits (128 random bits), as LivePerson's app keys
    and access tokens are written."""
    return secrets.token_hex(16)


def api_key_issue_allowed(*, actor, account: Account, user) -> bool:
    """Whether `actor` may make an API key of `account` that signs in as `user`.

    The account must be one the actor works on (a member, or a superuser) and the user an
    active member of it. A key acts with its user's rights: a key for someone else takes
    the permission to change users, and only a superuser makes one for a superuser (the
    rule of access.services.api_key_issue_allowed).
    """
    if not (actor.is_active and user.is_active):
        return False
    if not account_list_for(user=actor).filter(pk=account.pk).exists():
        return False
    if not user.liveperson_accounts.filter(pk=account.pk).exists():
        return False
    if actor.pk == user.pk:
        return True
    if user.is_superuser and not actor.is_superuser:
        return False
    return actor.has_perm("auth.change_user")


def api_key_issue(
    *, account: Account, user, permission: str, name: str = "", actor
) -> IssuedApiKey:
    """Make an API key of `account` that signs in as `user` with `permission`; its four
    values come back once, and only the two secrets' encryptions are kept. `actor` is held
    to `api_key_issue_allowed`; None only for the operator at the command line."""
    if actor is not None and not api_key_issue_allowed(actor=actor, account=account, user=user):
        raise ForbiddenError(_("Permission denied"))
    if permission not in KeyPermission.values:
        raise DomainError(_("Unknown permission"), code=ErrorCode.INVALID, field="permission")
    app_key, secret, access_token, token_secret = (_key_value() for _value in range(4))
    record = AccountApiKey.objects.create(
        account=account,
        user=user,
        name=name,
        permission=permission,
        app_key=app_key,
        secret_encrypted=sealed.encrypt(secret),
        access_token=access_token,
        token_secret_encrypted=sealed.encrypt(token_secret),
        created_by=actor,
    )
    return IssuedApiKey(
        app_key=app_key,
        secret=secret,
        access_token=access_token,
        access_token_secret=token_secret,
        record=record,
    )


def api_key_set_active(*, key: AccountApiKey, active: bool) -> None:
    """Pause or resume a key. A paused key, and every session its Application Login
    started, stops working at once (its sessions are ended, not only paused)."""
    with transaction.atomic():
        key.is_active = active
        key.save(update_fields=["is_active"])  # a save: cached sessions end (reasons/apps.py)
        if not active:
            AccountBearer.objects.filter(api_key=key).delete()


def api_key_revoke(*, key: AccountApiKey) -> None:
    """Delete a key: it and the sessions it started stop working at once."""
    key.delete()


def api_key_find(*, app_key: str, access_token: str | None = None) -> AccountApiKey | None:
    """The working key (with its user) whose app key this is, and, when given, whose access
    token this is too; None otherwise. Working: active, and its user active and still a
    member of the key's account. One query, by the app key's unique index."""
    if not app_key or "\x00" in app_key:
        return None
    key = (
        AccountApiKey.objects.select_related("user")
        .filter(
            app_key=app_key,
            is_active=True,
            user__is_active=True,
            account__members=F("user"),
        )
        .order_by()
        .first()
    )
    if key is None:
        return None
    if access_token is not None and not hmac.compare_digest(
        key.access_token.encode(), access_token.encode()
    ):
        return None
    touch_last_used(key)
    return key


def api_key_secrets(key: AccountApiKey) -> tuple[str, str]:
    """The key's secret and access token secret, in clear, to check a signature or an
    Application Login with."""
    return sealed.decrypt(key.secret_encrypted), sealed.decrypt(key.token_secret_encrypted)
