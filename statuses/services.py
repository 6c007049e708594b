"""Rules for statuses. The admin and every API surface change statuses through these."""

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from core.db import check_fields, raise_on_integrity_error
from core.errors import ConflictError, DomainError, ErrorCode, NotFoundError
from core.ids import parse_id
from statuses.models import ConversationStatus, UserStatus
from statuses.selectors import user_status_name_in_use
from webhooks.services import emit

# The kinds of object these services report to webhook subscribers (webhooks.catalogue).
CONVERSATION_STATUS = "conversation-status"
USER_STATUS = "user-status"


# --- what a write sets ----------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ConversationStatusFields:
    """What a create or update sets on a conversation status: every editable field of
    ConversationStatus (tests/statuses/test_fields.py holds the two lists equal). The
    admin, the import and the Libredesk API each build one and pass it to the service."""

    name: str
    category: str


@dataclass(frozen=True, kw_only=True)
class UserStatusFields:
    """What a create or update sets on a custom user status: every editable field of
    UserStatus (tests/statuses/test_fields.py holds the two lists equal). The admin, the
    import and the Rocket.Chat API each build one and pass it to the service."""

    name: str
    status_type: str


Fields = TypeVar("Fields", ConversationStatusFields, UserStatusFields)


def field_names(fields_class: type[Fields]) -> list[str]:
    """The names of a fields class, in order: the admin's form fields and the import's
    columns are these, so a field added to the class reaches both."""
    return [field.name for field in dataclasses.fields(fields_class)]


def fields_of(fields_class: type[Fields], source: object, *, none_as_blank=False) -> Fields:
    """`fields_class` with the same-named attributes of `source` (a model instance that
    an admin form or an import row has filled in); `none_as_blank`: a missing text
    (None) is "", for the rules to report."""
    values = {name: getattr(source, name) for name in field_names(fields_class)}
    if none_as_blank:
        values = {name: "" if value is None else value for name, value in values.items()}
    return fields_class(**values)


def _fields(fields_class: type[Fields], given: Fields | None, values: dict[str, Any]) -> Fields:
    """The fields object of a write: `given`, or one built from keyword values (the
    shorthand `name=..., category=...` of scripts and tests)."""
    if given is None:
        return fields_class(**values)
    if values:
        raise TypeError(f"pass either fields or {', '.join(values)}, not both")
    return given


def _assign(instance, given: ConversationStatusFields | UserStatusFields) -> list[str]:
    """Set every field of `given` on `instance` (the name trimmed); their names."""
    names = field_names(type(given))
    for name in names:
        value = getattr(given, name)
        setattr(instance, name, value.strip() if name == "name" else value)
    return names


# --- conversation statuses ------------------------------------------------------------------


def conversation_status_get(*, status_id: object) -> ConversationStatus:
    """The conversation status with this id (as read from a path), or NotFoundError."""
    status = ConversationStatus.objects.filter(pk=parse_id(status_id)).first()
    if status is None:
        raise NotFoundError(_("Conversation status not found"))
    return status


def _conversation_status_name_taken() -> ConflictError:
    return ConflictError(
        _("A conversation status with this name already exists."),
        code=ErrorCode.NAME_TAKEN,
        field="name",
    )


def _conversation_status_protect(status: ConversationStatus, *, action: str) -> None:
    # The portal's words, which the admin and the import show; each API words the code
    # (with its `action`) in its own errors.py.
    if status.is_default:
        message = {
            "update": _("A default conversation status cannot be changed."),
            "delete": _("A default conversation status cannot be deleted."),
        }[action]
        raise DomainError(message, code=ErrorCode.DEFAULT_PROTECTED, params={"action": action})


def conversation_status_create(
    *, fields: ConversationStatusFields | None = None, **values: Any
) -> ConversationStatus:
    """Create a conversation status; a name already used (by name_key) is `name_taken`."""
    given = _fields(ConversationStatusFields, fields, values)
    status = ConversationStatus()
    _assign(status, given)
    check_fields(status)
    with raise_on_integrity_error(_conversation_status_name_taken()):
        status.save()
        emit(CONVERSATION_STATUS, "created", [status])
    return status


def conversation_status_update(
    *,
    status: ConversationStatus,
    fields: ConversationStatusFields | None = None,
    **values: Any,
) -> ConversationStatus:
    """Replace a status's fields; the defaults are `default_protected`."""
    given = _fields(ConversationStatusFields, fields, values)
    _conversation_status_protect(status, action="update")
    names = _assign(status, given)
    check_fields(status)
    with raise_on_integrity_error(_conversation_status_name_taken()):
        status.save(update_fields=[*names, "updated_at"])
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


# --- custom user statuses -------------------------------------------------------------------


def user_status_name_taken() -> ConflictError:
    """The error of a custom user status name already in use, in the portal's words (as
    the model's unique constraint says them to the admin's form). Raised by the writes,
    and by a surface that reports a taken name ahead of other failures."""
    return ConflictError(
        _("The custom user status name is already in use."),
        code=ErrorCode.NAME_TAKEN,
        field="name",
    )


def user_status_check(
    *, fields: UserStatusFields | None = None, exclude_id: str | None = None, **values: Any
) -> str:
    """Check a custom user status's fields; return the name as stored (trimmed).

    The model's rules run field by field in the model's order, and only the first
    failure is raised: the name (`blank`, then `invalid`), then the status type (`blank`,
    then `invalid_choice`); then whether another status has the name (`name_taken`;
    `exclude_id` is the status itself).
    """
    given = _fields(UserStatusFields, fields, values)
    stored = _user_status_fields_check(given)
    if user_status_name_in_use(name=stored, exclude_id=exclude_id):
        raise user_status_name_taken()
    return stored


def _user_status_fields_check(given: UserStatusFields) -> str:
    """The model's rules for every field of `given`, in the model's order (the first
    failure raised); the name as stored (trimmed). A taken name is not looked up: a
    write's unique constraint reports it, so a valid write runs no SELECT first."""
    candidate = UserStatus(id=None)  # id=None: no random id to make
    check_fields(candidate, fields=_assign(candidate, given))
    return candidate.name


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


def user_status_get(*, status_id: str | None, lock: bool = False) -> UserStatus:
    """The custom user status with this id, or `not_found` (also for no id at all);
    `lock`: its row locked until the caller's transaction ends (to change it from what
    was read)."""
    statuses = UserStatus.objects.select_for_update() if lock else UserStatus.objects
    status = statuses.filter(pk=status_id).first() if status_id else None
    if status is None:
        raise NotFoundError(_("Custom user status not found"), field="id", params={"id": status_id})
    return status


def user_status_create(*, fields: UserStatusFields | None = None, **values: Any) -> UserStatus:
    """Create a custom user status: the fields are checked in the model's order (as
    user_status_check), then written; a name already used (names are unique as compared
    by core.text.name_key) is `name_taken`, reported by the unique constraint."""
    given = _fields(UserStatusFields, fields, values)
    _user_status_fields_check(given)
    status = UserStatus()
    _assign(status, given)
    with raise_on_integrity_error(user_status_name_taken()):
        status.save(force_insert=True)
        emit(USER_STATUS, "created", [status])
    return status


def user_status_update(
    *, status: UserStatus, fields: UserStatusFields | None = None, **values: Any
) -> UserStatus:
    """Rename a custom user status and/or change its type, under the create rules (its own
    name in another form is not taken)."""
    given = _fields(UserStatusFields, fields, values)
    _user_status_fields_check(given)
    names = _assign(status, given)
    with raise_on_integrity_error(user_status_name_taken()):
        status.save(update_fields=[*names, "updated_at"])
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
