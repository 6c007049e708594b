"""Rules for accounts and their status reasons. The admin and the LivePerson API use these.

Every successful write to an account's reasons raises the account's revision by exactly
one, inside the same transaction and under a row lock on the account, so concurrent
writers get distinct, gap-free revisions. A write may name the revision it expects
(`if_match`); a stale one is a ConflictError and nothing is written.
"""

import secrets
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import CharField, F, Min, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from access.services import hash_secret, user_authenticate_password
from core.db import raise_on_integrity_error
from core.errors import ConflictError, DomainError, NotFoundError
from core.ids import MAX_ID, parse_id
from core.text import name_key
from reasons.models import Account, AccountBearer, StatusReason

MAX_ITEMS = 1000
ANY_REVISION = -1
ORDER_MIN, ORDER_MAX = -(2**31), 2**31 - 1


def _is_id(value):
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID


@dataclass
class Written:
    """The outcome of a write: the reasons it touched and the account's new revision."""

    reasons: list
    revision: int


def _field_error(path, field, message):
    return {"field": f"{path}.{field}" if path else field, "message": str(message)}


def _invalid(errors):
    return DomainError(errors[0]["message"], details={"errors": errors})


def reason_clean(raw, *, path=""):
    """Check one reason body; return (clean fields, errors). `deleted` and `id` are ignored."""
    if not isinstance(raw, dict):
        return None, [{"field": path or "body", "message": _("must be a JSON object")}]
    errors, clean = [], {}
    text = raw.get("text")
    if not isinstance(text, str) or not name_key(text):
        errors.append(_field_error(path, "text", _("text is required")))
    else:
        text = text.strip()
        if len(text) > StatusReason.TEXT_MAX_LENGTH:
            errors.append(_field_error(path, "text", _("text must be at most 100 characters")))
        elif any(unicodedata.category(c) == "Cc" for c in text):
            errors.append(_field_error(path, "text", _("text must not contain control characters")))
        elif "<" in text or ">" in text:
            errors.append(_field_error(path, "text", _("text must not contain < or >")))
        clean["text"] = text
    state = raw.get("state")
    if state not in StatusReason.State.values:
        errors.append(_field_error(path, "state", _("state must be one of Online, Occupied, Away")))
    clean["state"] = state
    enabled = raw.get("enabled", True)
    if not isinstance(enabled, bool):
        errors.append(_field_error(path, "enabled", _("enabled must be true or false")))
    clean["enabled"] = enabled
    order = raw.get("order")
    if order is not None and (isinstance(order, bool) or not isinstance(order, int)):
        errors.append(_field_error(path, "order", _("order must be an integer")))
    elif order is not None and not ORDER_MIN <= order <= ORDER_MAX:
        errors.append(_field_error(path, "order", _("order is out of range")))
    clean["order"] = order
    return clean, errors


def _clean_all(items, *, paths):
    cleaned, errors = [], []
    for item, path in zip(items, paths, strict=True):
        clean, item_errors = reason_clean(item, path=path)
        cleaned.append(clean)
        errors.extend(item_errors)
    if errors:
        raise _invalid(errors)
    return cleaned


def _check_item_count(items):
    if not items:
        raise DomainError(_("The array must not be empty"), details={"errors": []})
    if len(items) > MAX_ITEMS:
        raise DomainError(
            _("At most %(max)d items in one request") % {"max": MAX_ITEMS}, details={"errors": []}
        )


def _check_texts(*, account, cleaned, paths, exclude_ids=()):
    """Duplicates inside the request are a 400; clashes with live reasons are a 409.
    Texts are compared by core.text.name_key, as the database's unique constraint does."""
    seen, errors = {}, []
    for clean, path in zip(cleaned, paths, strict=True):
        key = name_key(clean["text"])
        if key in seen:
            errors.append(_field_error(path, "text", _("duplicate text in this request")))
        seen.setdefault(key, path)
    if errors:
        raise _invalid(errors)
    taken = set(
        StatusReason.objects.filter(account=account, deleted=False)
        .exclude(pk__in=exclude_ids)
        .filter(text_key__in=list(seen))
        .order_by()
        .values_list("text_key", flat=True)
    )
    if taken:
        raise ConflictError(
            _("A status reason with this text already exists"),
            details={
                "errors": [
                    _field_error(seen[key], "text", _("text already exists"))
                    for key in sorted(taken)
                ]
            },
        )


def reason_text_taken(*, account_id, text, exclude_id=None):
    """Whether a live reason of the account already uses this text (by name_key)."""
    return (
        StatusReason.objects.filter(account_id=account_id, deleted=False, text_key=name_key(text))
        .exclude(pk=exclude_id)
        .exists()
    )


def _text_conflict():
    return ConflictError(_("A status reason with this text already exists"), details={"errors": []})


def _lock_account(*, account_id, if_match):
    """Lock the account row for this transaction and check the expected revision."""
    account = Account.objects.select_for_update().filter(pk=account_id).first()
    if account is None:
        raise NotFoundError(_("Account not found"), details={"errors": []})
    if if_match is not None and if_match != ANY_REVISION and if_match != account.revision:
        raise ConflictError(
            _("Revision %(given)s is stale; the current revision is %(current)s")
            % {"given": if_match, "current": account.revision},
            code="revision_mismatch",
            details={"errors": []},
        )
    return account


def _bump(account):
    Account.objects.filter(pk=account.pk).update(revision=F("revision") + 1)
    account.revision += 1
    return account.revision


def _paths(items, *, single):
    return [""] if single else [f"[{i}]" for i in range(len(items))]


def reason_list(*, account_id, include_deleted=False):
    """An account's reasons in display order; soft-deleted ones only when asked."""
    reasons = StatusReason.objects.filter(account_id=account_id)
    if not include_deleted:
        reasons = reasons.filter(deleted=False)
    return reasons.order_by("order", "id")


def reason_get(*, account_id, reason_id, include_deleted=False):
    """One reason of the account, or NotFoundError."""
    reasons = reason_list(account_id=account_id, include_deleted=include_deleted)
    reason = reasons.filter(pk=parse_id(reason_id)).first()
    if reason is None:
        raise NotFoundError(
            _("Status reason %(id)s not found") % {"id": reason_id}, details={"errors": []}
        )
    return reason


def reason_create_many(*, account_id, items, single=False, if_match=None):
    """Create reasons, all or nothing. Items without `order` go before existing ones."""
    if not single:
        _check_item_count(items)
    paths = _paths(items, single=single)
    cleaned = _clean_all(items, paths=paths)
    with transaction.atomic():
        account = _lock_account(account_id=account_id, if_match=if_match)
        _check_texts(account=account, cleaned=cleaned, paths=paths)
        unordered = sum(1 for clean in cleaned if clean["order"] is None)
        next_order = 0
        if unordered:
            lowest = StatusReason.objects.filter(account=account).aggregate(low=Min("order"))
            next_order = (lowest["low"] if lowest["low"] is not None else unordered) - unordered
            if next_order < ORDER_MIN:
                raise DomainError(
                    _("No room to put new reasons first: lower the smallest order in use"),
                    details={"errors": []},
                )
        reasons = []
        for clean in cleaned:
            if clean["order"] is None:
                clean["order"], next_order = next_order, next_order + 1
            reasons.append(StatusReason(account=account, **clean))
        with raise_on_integrity_error(_text_conflict()):
            # StatusReason.objects.bulk_create sets each text_key (core.text.NameKeyQuerySet).
            reasons = bulk_create_with_history(reasons, StatusReason)
        return Written(reasons, _bump(account))


def reason_update_many(*, account_id, items, single=False, if_match=None):
    """Full-replace reasons named by `id` (`order` kept when not given); all or nothing."""
    if not single:
        _check_item_count(items)
    paths = _paths(items, single=single)
    cleaned = _clean_all(items, paths=paths)
    ids, errors = [], []
    for item, path in zip(items, paths, strict=True):
        reason_id = item.get("id")
        if not _is_id(reason_id):
            errors.append(_field_error(path, "id", _("id must be a positive integer")))
        elif reason_id in ids:
            errors.append(_field_error(path, "id", _("duplicate id in this request")))
        ids.append(reason_id)
    if errors:
        raise _invalid(errors)
    with transaction.atomic():
        account = _lock_account(account_id=account_id, if_match=if_match)
        found = StatusReason.objects.filter(account=account, deleted=False).in_bulk(ids)
        missing = [
            _field_error(path, "id", _("status reason %(id)s not found") % {"id": reason_id})
            for reason_id, path in zip(ids, paths, strict=True)
            if reason_id not in found
        ]
        if missing:
            raise NotFoundError(missing[0]["message"], details={"errors": missing})
        _check_texts(account=account, cleaned=cleaned, paths=paths, exclude_ids=ids)
        _free_texts_taken_within_batch(found, ids, cleaned)
        reasons, now = [], timezone.now()
        for reason_id, clean in zip(ids, cleaned, strict=True):
            reason = found[reason_id]
            reason.updated_at = now
            reason.text, reason.state, reason.enabled = (
                clean["text"],
                clean["state"],
                clean["enabled"],
            )
            if clean["order"] is not None:
                reason.order = clean["order"]
            reasons.append(reason)
        with raise_on_integrity_error(_text_conflict()):
            bulk_update_with_history(
                reasons,
                StatusReason,
                ["text", "text_key", "state", "enabled", "order", "updated_at"],
            )
        return Written(reasons, _bump(account))


def _free_texts_taken_within_batch(found, ids, cleaned):
    """When a batch moves a text from one of its reasons to another (a swap, a rotation),
    first give the givers a placeholder text: the unique index is checked row by row, so
    the final UPDATE would otherwise trip over a text that is about to be freed."""
    new_key = {rid: name_key(clean["text"]) for rid, clean in zip(ids, cleaned, strict=True)}
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


def reason_delete_many(*, account_id, ids, if_match=None):
    """Soft-delete reasons by id, all or nothing; unknown or already deleted ids are a 404."""
    _check_item_count(ids)
    paths = [f"[{i}]" for i in range(len(ids))]
    bad = [
        {"field": path, "message": str(_("id must be a positive integer"))}
        for reason_id, path in zip(ids, paths, strict=True)
        if not _is_id(reason_id)
    ]
    if bad:
        raise _invalid(bad)
    with transaction.atomic():
        account = _lock_account(account_id=account_id, if_match=if_match)
        found = StatusReason.objects.filter(account=account, deleted=False).in_bulk(ids)
        missing = [
            {"field": path, "message": str(_("status reason %(id)s not found") % {"id": rid})}
            for rid, path in zip(ids, paths, strict=True)
            if rid not in found
        ]
        if missing:
            raise NotFoundError(missing[0]["message"], details={"errors": missing})
        return Written(_set_flags(account, list(found.values()), deleted=True), _bump(account))


def reason_delete(*, account_id, reason_id, if_match=None):
    """Soft-delete one reason."""
    with transaction.atomic():
        account = _lock_account(account_id=account_id, if_match=if_match)
        reason = reason_get(account_id=account.pk, reason_id=reason_id)
        return Written(_set_flags(account, [reason], deleted=True), _bump(account))


def _set_flags(account, reasons, **flags):
    now = timezone.now()
    for reason in reasons:
        for name, value in {**flags, "updated_at": now}.items():
            setattr(reason, name, value)
    # One UPDATE and one history INSERT, however many reasons.
    bulk_update_with_history(reasons, StatusReason, [*flags, "updated_at"])
    return reasons


def reasons_set_flags(*, reasons, enabled=None, deleted=None):
    """Enable, disable, soft-delete or restore reasons (admin bulk actions), one revision
    per account touched. Restoring a reason whose text is live again is a ConflictError."""
    flags = {k: v for k, v in {"enabled": enabled, "deleted": deleted}.items() if v is not None}
    by_account = {}
    for reason in reasons:
        by_account.setdefault(reason.account_id, []).append(reason)
    with transaction.atomic():
        for account_id, group in sorted(by_account.items()):
            account = _lock_account(account_id=account_id, if_match=None)
            with raise_on_integrity_error(_text_conflict()):
                _set_flags(account, group, **flags)
            _bump(account)
    return sum(len(group) for group in by_account.values())


def account_ensure(*, account_id, name="", members=()):
    """Create the account if missing and add members; idempotent. Returns (account, created)."""
    account = Account(pk=account_id, name=name)
    account.full_clean(validate_unique=False, validate_constraints=False)
    account, created = Account.objects.get_or_create(pk=account_id, defaults={"name": name})
    if members:
        account.members.add(*members)
    return account, created


# --- LivePerson bearers: a login bound to one account ----------------------------------


@dataclass(frozen=True)
class IssuedBearer:
    """A freshly issued LivePerson bearer in clear, returned once by the login route."""

    bearer: str
    user: object
    account_id: str


def account_bearer_issue(*, account_id: str, username: str, password: str) -> IssuedBearer:
    """Log a member into an account: a bearer for that account alone. Wrong credentials,
    an inactive user or one who is not a member are all `invalid_credentials`, alike."""
    user = user_authenticate_password(login=username, password=password)
    account = user.liveperson_accounts.filter(pk=account_id).first() if user else None
    if account is None:
        raise DomainError(
            _("Wrong username or password, or not a member"), code="invalid_credentials"
        )
    token = secrets.token_urlsafe(48)
    AccountBearer.objects.create(user=user, account=account, token_hash=hash_secret(token))
    return IssuedBearer(bearer=token, user=user, account_id=account.pk)


def account_bearer_authenticate(*, token: str) -> AccountBearer | None:
    """The unexpired bearer (with its user and account) of a current member, or None.

    One indexed query: the membership check is a join, so removing a member from an
    account ends their sessions at once.
    """
    if not token:
        return None
    ttl = timedelta(hours=settings.BEARER_TTL_HOURS)
    return (
        AccountBearer.objects.select_related("user", "account")
        .filter(
            token_hash=hash_secret(token),
            created_at__gte=timezone.now() - ttl,
            user__is_active=True,
            account__members=F("user"),
        )
        .first()
    )


def account_bearer_revoke(*, bearer: AccountBearer) -> None:
    """End one LivePerson session."""
    bearer.delete()


def account_bearer_revoke_all(*, user) -> None:
    """End every LivePerson session of `user` (a new password, a deactivation)."""
    AccountBearer.objects.filter(user=user).delete()
