"""Rules for statuses. The admin and every API surface change statuses through these."""

from collections.abc import Sequence
from typing import Protocol

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from core.db import check_fields, raise_on_integrity_error
from core.errors import ConflictError, DomainError, NotFoundError
from core.ids import parse_id
from core.text import name_key
from statuses.models import ConversationStatus, UserStatus
from webhooks.services import emit

# The kinds of object these services report to webhook subscribers (webhooks.catalogue).
CONVERSATION_STATUS = "conversation-status"
USER_STATUS = "user-status"


def conversation_status_get(*, status_id: object) -> ConversationStatus:
    """The conversation status with this id (as read from a path), or NotFoundError."""
    status = ConversationStatus.objects.filter(pk=parse_id(status_id)).first()
    if status is None:
        raise NotFoundError(_("Conversation status not found"))
    return status


def _conversation_status_name_taken() -> ConflictError:
    return ConflictError(
        _("A conversation status with this name already exists."), code="name_taken", field="name"
    )


def _conversation_status_protect(status: ConversationStatus, *, action: str) -> None:
    if status.is_default:
        message = {
            "update": _("Cannot update default conversation status"),
            "delete": _("Cannot delete default conversation status"),
        }[action]
        raise DomainError(message, code="default_protected", params={"action": action})


def conversation_status_create(*, name: str, category: str) -> ConversationStatus:
    """Create a conversation status; a name already used (by name_key) is `name_taken`."""
    status = ConversationStatus(name=name.strip(), category=category)
    check_fields(status)
    with raise_on_integrity_error(_conversation_status_name_taken()):
        status.save()
        emit(CONVERSATION_STATUS, "created", [status])
    return status


def conversation_status_update(
    *, status: ConversationStatus, name: str, category: str
) -> ConversationStatus:
    """Replace a status's name and category; the defaults are `default_protected`."""
    _conversation_status_protect(status, action="update")
    status.name, status.category = name.strip(), category
    check_fields(status)
    with raise_on_integrity_error(_conversation_status_name_taken()):
        status.save(update_fields=["name", "category", "updated_at"])
        emit(CONVERSATION_STATUS, "updated", [status])
    return status


def conversation_status_delete(*, status: ConversationStatus) -> None:
    """Delete a status; the defaults are `default_protected`."""
    _conversation_status_protect(status, action="delete")
    with transaction.atomic():
        # Locked first, so that of two racing deletes only one reports it.
        if not ConversationStatus.objects.select_for_update().filter(pk=status.pk).exists():
            raise NotFoundError(_("Conversation status not found"))
        emit(CONVERSATION_STATUS, "deleted", [status])
        status.delete()


# --- Rocket.Chat custom user statuses ---------------------------------------------------


def _user_status_name_taken() -> ConflictError:
    return ConflictError(
        _("The custom user status name is already in use"), code="name_taken", field="name"
    )


def user_status_check(*, name: str, status_type: str, exclude_id: str | None = None) -> str:
    """Check a custom user status's name and type; return the name as stored (trimmed).

    The checks run in a fixed order, because API clients see only the first failure:
    the name (`blank`, then `invalid`: the model's rules), whether another status
    (`exclude_id` is the status itself) has it (`name_taken`), then the status type
    (`required`, then `invalid`).
    """
    stored = _user_status_name_checked(name)
    if _user_status_name_in_use(stored, exclude_id=exclude_id):
        raise _user_status_name_taken()
    _user_status_type_check(status_type)
    return stored


def _user_status_write_check(*, name: str, status_type: str, exclude_id: str | None) -> str:
    """user_status_check for a write that the unique constraint guards: the same errors in
    the same order, with the look-up of a taken name only when the type is wrong too (the
    name is reported first). Otherwise the write's IntegrityError reports it, and a valid
    write runs no SELECT before its INSERT or UPDATE."""
    stored = _user_status_name_checked(name)
    try:
        _user_status_type_check(status_type)
    except DomainError:
        if _user_status_name_in_use(stored, exclude_id=exclude_id):
            raise _user_status_name_taken() from None
        raise
    return stored


def _user_status_name_checked(name: str) -> str:
    """The name as stored (trimmed), or its first failure of the model's rules."""
    candidate = UserStatus(id=None, name=name.strip())  # id=None: no random id to make
    check_fields(candidate, fields=["name"])
    return candidate.name


def _user_status_name_in_use(name: str, *, exclude_id: str | None) -> bool:
    statuses = UserStatus.objects.filter(name_key=name_key(name))
    return statuses.exclude(pk=exclude_id).exists() if exclude_id else statuses.exists()


def _user_status_type_check(status_type: str) -> None:
    if not status_type:
        raise DomainError(_("The status type is required."), code="required", field="status_type")
    if status_type not in UserStatus.Type.values:
        raise DomainError(
            _("%(value)s is not a valid status type") % {"value": status_type},
            code="invalid",
            field="status_type",
            params={"value": status_type},
        )


class SearchPattern(Protocol):
    """A compiled regular expression (Python's `re`, or RE2 for patterns from outside)."""

    def search(self, text: str, /) -> object: ...


def user_status_list(
    *,
    name: str | None = None,
    status_id: str | None = None,
    name_equals: str | None = None,
    status_type: str | None = None,
    name_pattern: SearchPattern | None = None,
    order_by: Sequence[str] = ("name", "id"),
) -> QuerySet[UserStatus]:
    """Custom user statuses matching every filter given: a case-insensitive name substring
    (`name`), an id, an exact name, a status type, and a compiled regular expression that
    the name must contain a match of (`name_pattern`).

    The pattern is run by Python over the names, never handed to the database: its
    dialect is the one the caller compiled, and it never becomes SQL.
    """
    statuses = UserStatus.objects.all()
    if name:
        statuses = statuses.filter(name__icontains=name)
    if status_id is not None:
        statuses = statuses.filter(pk=status_id)
    if name_equals is not None:
        statuses = statuses.filter(name=name_equals)
    if status_type is not None:
        statuses = statuses.filter(status_type=status_type)
    if name_pattern is not None:
        matching = [
            pk for pk, text in statuses.values_list("pk", "name") if name_pattern.search(text)
        ]
        statuses = statuses.filter(pk__in=matching)
    return statuses.order_by(*order_by)


def user_status_get(*, status_id: str | None) -> UserStatus:
    """The custom user status with this id, or `not_found` (also for no id at all)."""
    status = UserStatus.objects.filter(pk=status_id).first() if status_id else None
    if status is None:
        raise NotFoundError(_("Custom user status not found"), field="id", params={"id": status_id})
    return status


def user_status_create(*, name: str, status_type: str) -> UserStatus:
    """Create a custom user status; names are unique as compared by core.text.name_key."""
    name = _user_status_write_check(name=name, status_type=status_type, exclude_id=None)
    status = UserStatus(name=name, status_type=status_type)
    with raise_on_integrity_error(_user_status_name_taken()):
        status.save(force_insert=True)
        emit(USER_STATUS, "created", [status])
    return status


def user_status_update(*, status: UserStatus, name: str, status_type: str) -> UserStatus:
    """Rename a custom user status and/or change its type, under the create rules."""
    status.name = _user_status_write_check(name=name, status_type=status_type, exclude_id=status.pk)
    status.status_type = status_type
    with raise_on_integrity_error(_user_status_name_taken()):
        status.save(update_fields=["name", "status_type", "updated_at"])
        emit(USER_STATUS, "updated", [status])
    return status


def user_status_delete(*, status_id: str) -> None:
    """Delete a custom user status by id; an unknown id is `not_found` (action `delete`)."""
    with transaction.atomic():
        # Read (and lock) it first: the event carries the status as it was.
        status = UserStatus.objects.select_for_update().filter(pk=status_id).first()
        if status is not None:
            emit(USER_STATUS, "deleted", [status])
            status.delete()
    if status is None:
        raise NotFoundError(
            _("Custom user status not found"),
            field="id",
            params={"id": status_id, "action": "delete"},
        )
