"""Rules for statuses. The admin and every API surface change statuses through these."""

import copy
import dataclasses
import zlib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.db import check_fields, domain_error_from, raise_on_integrity_error
from core.errors import ConflictError, DomainError, ErrorCode, NotFoundError
from core.ids import parse_id
from statuses.models import (
    ALL_DIVISIONS,
    CATEGORY_OF_STATUS_CATEGORY,
    MAX_ACTIVE_PER_PRESENCE,
    MAX_PER_CATEGORY,
    MAX_STATUSES,
    STATUS_TYPE_OF_PRESENCE,
    ConversationCategory,
    ConversationStatus,
    ConversationStatusTranslation,
    StatusCategory,
    SystemPresence,
    UserStatus,
    UserStatusTranslation,
    canonical_locale,
    normalise_locale,
)
from statuses.selectors import user_status_name_in_use, user_statuses_under_presence
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
    status_category: str
    end_user_label: str | None = None
    description: str = ""
    end_user_description: str = ""
    active: bool = True


@dataclass(frozen=True, kw_only=True)
class UserStatusFields:
    """What a create or update sets on a custom user status: every editable field of
    UserStatus (tests/statuses/test_fields.py holds the two lists equal). The admin, the
    import and the Rocket.Chat API each build one and pass it to the service."""

    name: str
    status_type: str
    system_presence: str | None = None
    active: bool = True
    division_id: str = ALL_DIVISIONS


@dataclass(frozen=True, kw_only=True)
class TranslationFields:
    """A conversation status's texts in one locale: every editable field of
    ConversationStatusTranslation but the status and the locale, which are the keys of
    the mapping conversation_status_translations_set takes."""

    agent_label: str
    end_user_label: str = ""
    description: str = ""
    end_user_description: str = ""


@dataclass(frozen=True, kw_only=True)
class LabelFields:
    """A custom user status's label in one locale: every editable field of
    UserStatusTranslation but the status and the locale (the admin's labels inline)."""

    label: str


Fields = TypeVar(
    "Fields", ConversationStatusFields, UserStatusFields, TranslationFields, LabelFields
)


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


# The fields that are names: stored trimmed, as a name's key ignores the spaces around it.
_TRIMMED = {"name", "agent_label", "end_user_label"}


def _assign(instance, given: ConversationStatusFields | UserStatusFields | TranslationFields):
    """Set every field of `given` on `instance` (names trimmed); their names."""
    names = field_names(type(given))
    for name in names:
        value = getattr(given, name)
        setattr(instance, name, value.strip() if name in _TRIMMED and value else value)
    return names


def _assign_conversation_status(
    status: ConversationStatus, given: ConversationStatusFields
) -> list[str]:
    """_assign, plus what a conversation status derives: `category` from
    `status_category`, and a blank `end_user_label` stored as None ("same as the name")."""
    names = _assign(status, given)
    label = status.end_user_label
    status.end_user_label = label.strip() or None if isinstance(label, str) else label
    status.category = CATEGORY_OF_STATUS_CATEGORY.get(status.status_category, "")
    return [*names, "category"]


# --- conversation statuses ------------------------------------------------------------------


# The status category a Libredesk category is created as (docs/contracts/zendesk.md).
CANONICAL_STATUS_CATEGORY = {
    ConversationCategory.OPEN: StatusCategory.OPEN,
    ConversationCategory.WAITING: StatusCategory.PENDING,
    ConversationCategory.RESOLVED: StatusCategory.SOLVED,
}


def status_category_for(category: str, current: str | None = None) -> str:
    """The status category a Libredesk write of `category` sets: `current` (the status's
    own, on a PUT) when it is served as `category` already, so that On-hold stays On-hold
    under `waiting`; otherwise the canonical one (open, pending, solved)."""
    if current is not None and CATEGORY_OF_STATUS_CATEGORY.get(current) == category:
        return current
    return CANONICAL_STATUS_CATEGORY[category]


def conversation_status_get(*, status_id: object, active_only: bool = False) -> ConversationStatus:
    """The conversation status with this id (as read from a path), or NotFoundError;
    `active_only`: an inactive one is not found either (the Libredesk wire hides them)."""
    statuses = ConversationStatus.objects.filter(pk=parse_id(status_id))
    if active_only:
        statuses = statuses.filter(active=True)
    status = statuses.first()
    if status is None:
        raise NotFoundError(_("Conversation status not found"))
    return status


def _conversation_status_name_taken() -> ConflictError:
    return ConflictError(
        _("A conversation status with this name already exists."),
        code=ErrorCode.NAME_TAKEN,
        field="name",
    )


# The order in which a conversation status's field rules are reported, the first failure
# deciding (docs/contracts/zendesk.md, "Validation, in this order"): a blank name, then any
# label too long, then a label's characters, then the descriptions, `active` and the
# category. Each step is (field, codes); None is any code.
_CHECK_ORDER: list[tuple[str, frozenset[str] | None]] = [
    ("name", frozenset({ErrorCode.BLANK, ErrorCode.REQUIRED, ErrorCode.NULL})),
    ("name", frozenset({ErrorCode.MAX_LENGTH})),
    ("end_user_label", frozenset({ErrorCode.MAX_LENGTH})),
    ("name", None),
    ("end_user_label", None),
    ("description", None),
    ("end_user_description", None),
    ("active", None),
    ("status_category", None),
]


def _conversation_status_check(status: ConversationStatus) -> None:
    """The model's field rules for `status`, the first failure in _CHECK_ORDER raised as a
    DomainError (core.db.check_fields raises in the model's field order instead)."""
    try:
        status.clean_fields()
    except ValidationError as exc:
        failures = exc.error_dict
    else:
        return
    for field, codes in [*_CHECK_ORDER, *((field, None) for field in failures)]:
        for error in failures.get(field, []):
            if codes is None or error.code in codes:
                raise domain_error_from(ValidationError({field: [error]}))


def _conversation_status_protect(
    status: ConversationStatus, *, action: str, category_default: bool = False
) -> None:
    # The portal's words, which the admin and the import show; each API words the code
    # (with its `action`) in its own errors.py.
    if status.is_default:
        message = {
            "update": _("A default conversation status cannot be changed."),
            "delete": _("A default conversation status cannot be deleted."),
        }[action]
        raise DomainError(message, code=ErrorCode.DEFAULT_PROTECTED, params={"action": action})
    if category_default and status.is_category_default:
        message = {
            "update": _("The default status of a category cannot be changed here."),
            "delete": _(
                "The default status of a category cannot be deleted; make another status "
                "of its category the default first."
            ),
        }[action]
        raise DomainError(
            message,
            code=ErrorCode.DEFAULT_PROTECTED,
            params={"action": action, "reason": "category_default"},
        )


def conversation_status_protect(*, status: ConversationStatus, action: str) -> None:
    """Refuse (`default_protected`, with `action` update or delete) a built-in status, and a
    category default: for a wire on which the default is fixed (Libredesk)."""
    _conversation_status_protect(status, action=action, category_default=True)


def _conversation_status_limits(
    *, status_category: str, exclude_id: int | None = None, new_single: bool = False
) -> None:
    """The limits of a Zendesk write that adds a status to `status_category` (a create, or a
    reactivation of `exclude_id`): one status in `new` (`new_single`), MAX_STATUSES in all
    and MAX_PER_CATEGORY in one category, every row counted, active or not (`too_many`).

    The first status (a built-in, never deleted) is locked first, as a mutex: writes of
    this kind wait for each other, and two of them cannot both take the last place. Counts
    are not invariants a constraint could hold."""
    list(ConversationStatus.objects.select_for_update().order_by("pk").values_list("pk")[:1])
    others = ConversationStatus.objects.all()
    if exclude_id is not None:
        others = others.exclude(pk=exclude_id)
    in_category = others.filter(status_category=status_category)
    if new_single and status_category == StatusCategory.NEW and in_category.exists():
        raise DomainError(
            _("The New category can only have one status."),
            code=ErrorCode.TOO_MANY,
            field="status_category",
            params={"limit": 1, "status_category": StatusCategory.NEW.value},
        )
    if others.count() + 1 > MAX_STATUSES:
        raise DomainError(
            _("There can be at most %(limit)d conversation statuses.") % {"limit": MAX_STATUSES},
            code=ErrorCode.TOO_MANY,
            params={"limit": MAX_STATUSES},
        )
    if in_category.count() + 1 > MAX_PER_CATEGORY:
        raise DomainError(
            _("There can be at most %(limit)d conversation statuses in one category.")
            % {"limit": MAX_PER_CATEGORY},
            code=ErrorCode.TOO_MANY,
            field="status_category",
            params={"limit": MAX_PER_CATEGORY, "status_category": status_category},
        )


def conversation_status_create(
    *,
    fields: ConversationStatusFields | None = None,
    within_limits: bool = False,
    **values: Any,
) -> ConversationStatus:
    """Create a conversation status (its `category` derived from `status_category`); a
    name already used (by name_key) is `name_taken`, reported by the unique constraint.

    `within_limits`: the Zendesk wire's rules too, checked after the fields: one status
    in `new`, and the caps (_conversation_status_limits)."""
    given = _fields(ConversationStatusFields, fields, values)
    status = ConversationStatus()
    _assign_conversation_status(status, given)
    _conversation_status_check(status)
    with raise_on_integrity_error(_conversation_status_name_taken()):
        if within_limits:
            _conversation_status_limits(status_category=status.status_category, new_single=True)
        status.save()
        emit(CONVERSATION_STATUS, "created", [status])
    return status


def conversation_status_update(
    *,
    status: ConversationStatus,
    fields: ConversationStatusFields | None = None,
    within_limits: bool = False,
    **values: Any,
) -> ConversationStatus:
    """Replace a status's fields (`category` derived again). In this order: the field
    rules, a built-in status (`default_protected`), a category default switched off
    (`inactive`, field `active`), the caps of a reactivation when `within_limits`
    (Zendesk), then a name already used (`name_taken`)."""
    given = _fields(ConversationStatusFields, fields, values)
    # Checked on a copy: a refused write leaves the caller's instance as it was.
    candidate = copy.copy(status)
    _assign_conversation_status(candidate, given)
    _conversation_status_check(candidate)
    _conversation_status_protect(status, action="update")
    if status.is_category_default and not candidate.active:
        raise DomainError(
            _("The default status of a category must be active."),
            code=ErrorCode.INACTIVE,
            field="active",
        )
    with raise_on_integrity_error(_conversation_status_name_taken()):
        if within_limits and candidate.active and not status.active:
            _conversation_status_limits(
                status_category=candidate.status_category, exclude_id=status.pk
            )
        names = _assign_conversation_status(status, given)
        status.save(update_fields=[*names, "updated_at"])
        emit(CONVERSATION_STATUS, "updated", [status])
    return status


def conversation_status_delete(*, status: ConversationStatus) -> None:
    """Delete a status; a built-in status and a category default are `default_protected`
    (on every wire: a category always keeps its default)."""
    _conversation_status_protect(status, action="delete", category_default=True)
    with transaction.atomic():
        # Locked first, so that of two racing deletes only one reports it, and a status
        # made its category's default meanwhile is not deleted.
        current = ConversationStatus.objects.select_for_update().filter(pk=status.pk).first()
        if current is None:
            raise NotFoundError(_("Conversation status not found"))
        _conversation_status_protect(current, action="delete", category_default=True)
        emit(CONVERSATION_STATUS, "deleted", [status])
        status.delete()


def conversation_status_make_default(*, statuses: Sequence[ConversationStatus]) -> None:
    """Make each of `statuses` its category's default; the previous default of that
    category loses the flag. All or nothing: an inactive status is `inactive`, two of one
    category are `duplicate`, and then nothing changes. Every status whose flag changed
    is reported to webhook subscribers as updated.

    The rows of the categories concerned are locked and read again first, so a
    concurrent make-default of the same category waits and then sees this one's result;
    the partial unique constraint (one default per category) is the last word."""
    ids = [status.pk for status in statuses]
    lost_race = ConflictError(
        _("Another change of the default statuses came first; try again."),
        code=ErrorCode.DUPLICATE,
        field="status_category",
    )
    with raise_on_integrity_error(lost_race):
        categories = set(
            ConversationStatus.objects.filter(pk__in=ids).values_list("status_category", flat=True)
        )
        locked = {
            status.pk: status
            for status in ConversationStatus.objects.select_for_update()
            .filter(status_category__in=categories)
            .order_by("pk")
        }
        chosen: dict[str, ConversationStatus] = {}
        for pk in ids:
            status = locked.get(pk)
            if status is None:  # deleted, or moved to another category, meanwhile
                raise NotFoundError(
                    _("Conversation status not found"), field="id", params={"value": pk}
                )
            if not status.active:
                raise DomainError(
                    _("An inactive status cannot be the default of its category."),
                    code=ErrorCode.INACTIVE,
                    field="active",
                    params={"value": pk},
                )
            other = chosen.setdefault(status.status_category, status)
            if other.pk != status.pk:
                raise DomainError(
                    _("Only one status of a category can be its default."),
                    code=ErrorCode.DUPLICATE,
                    field="status_category",
                    params={"value": pk, "status_category": status.status_category},
                )
        changed = []
        for status_category, status in chosen.items():
            for previous in locked.values():
                if (
                    previous.is_category_default
                    and previous.status_category == status_category
                    and previous.pk != status.pk
                ):
                    previous.is_category_default = False
                    previous.save(update_fields=["is_category_default", "updated_at"])
                    changed.append(previous)
        for status in chosen.values():
            if not status.is_category_default:
                status.is_category_default = True
                status.save(update_fields=["is_category_default", "updated_at"])
                changed.append(status)
        emit(CONVERSATION_STATUS, "updated", changed)
    # The callers' instances as stored now.
    for status in statuses:
        status.is_category_default = locked[status.pk].is_category_default
        status.updated_at = locked[status.pk].updated_at


def _translation_label_taken(locale: str) -> ConflictError:
    return ConflictError(
        _("Another conversation status already has this agent label in this locale."),
        code=ErrorCode.NAME_TAKEN,
        field="agent_label",
        params={"locale": locale},
    )


def _translations_by_locale(
    translations: Mapping[str, TranslationFields],
) -> dict[str, TranslationFields]:
    """`translations` keyed by their stored locales (`pt_BR` is `pt-br`); two keys that are
    one locale are `duplicate`."""
    by_locale: dict[str, TranslationFields] = {}
    for given, fields in translations.items():
        locale = normalise_locale(given) if isinstance(given, str) else given
        if locale in by_locale:
            raise DomainError(
                _("The locale %(locale)s is given twice.") % {"locale": locale},
                code=ErrorCode.DUPLICATE,
                field="locale",
                params={"locale": locale},
            )
        by_locale[locale] = fields
    return by_locale


def conversation_status_translations_set(
    *, status: ConversationStatus, translations: Mapping[str, TranslationFields]
) -> list[ConversationStatusTranslation]:
    """Make `translations` (locale -> texts) the status's whole set of translations, at once:
    locales not given are deleted, the others created or updated; the stored rows, by
    locale. Each is held to the model's rules first (the error's `params["locale"]` names
    the locale); an agent label that another status has in that locale is `name_taken`
    (field `agent_label`), as the unique constraint decides. A change is an "updated"
    event of the status, whose `updated_at` it moves.

    The default statuses' own fields are protected, not their translations: a manager
    translates the shipped statuses too.
    """
    by_locale = _translations_by_locale(translations)
    wanted: dict[str, ConversationStatusTranslation] = {}
    for locale, given in sorted(by_locale.items()):
        row = ConversationStatusTranslation(status=status, locale=locale)
        _assign(row, given)
        try:
            check_fields(row, fields=["locale", *field_names(TranslationFields)])
        except DomainError as exc:
            exc.params = {**exc.params, "locale": locale}
            raise
        wanted[row.locale] = row
    with transaction.atomic():
        # The status's row is locked, so two sets of one status's translations take turns
        # (and a status deleted meanwhile is not_found, not an IntegrityError).
        if not ConversationStatus.objects.select_for_update().filter(pk=status.pk).exists():
            raise NotFoundError(_("Conversation status not found"))
        current = {row.locale: row for row in status.translations.all()}
        changed = False
        for locale, row in current.items():
            if locale not in wanted:
                row.delete()
                changed = True
        stored = []
        for locale, row in wanted.items():
            old = current.get(locale)
            if old is not None:
                names = field_names(TranslationFields)
                if all(getattr(old, name) == getattr(row, name) for name in names):
                    stored.append(old)
                    continue
                for name in names:
                    setattr(old, name, getattr(row, name))
                row = old
            with raise_on_integrity_error(_translation_label_taken(locale)):
                row.save()
            stored.append(row)
            changed = True
        if changed:
            status.updated_at = timezone.now()
            ConversationStatus.objects.filter(pk=status.pk).update(updated_at=status.updated_at)
            emit(CONVERSATION_STATUS, "updated", [status])
    # A prefetched set (the caller's) would now be stale.
    getattr(status, "_prefetched_objects_cache", {}).pop("translations", None)
    return stored


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
    active: bool | None = None,
    division_ids: Collection[str] | None = None,
    order_by: Sequence[str] = ("name", "id"),
) -> QuerySet[UserStatus]:
    """Custom user statuses matching every filter given: a case-insensitive name substring
    (`name`), an id, an exact name, a status type, a compiled regular expression that the
    name must contain a match of (`name_pattern`), active or not (`active`), and the
    divisions (`division_ids`: a status of one of them, or of all divisions, `*`).

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
    if active is not None:
        statuses = statuses.filter(active=active)
    if division_ids is not None:
        statuses = statuses.filter(division_id__in=[*division_ids, ALL_DIVISIONS])
    if name_pattern is not None:
        matching = [
            pk for pk, text in statuses.values_list("pk", "name") if name_pattern.search(text)
        ]
        statuses = statuses.filter(pk__in=matching)
    return statuses.order_by(*order_by)


def user_status_get(
    *, status_id: str | None, lock: bool = False, active_only: bool = False
) -> UserStatus:
    """The custom user status with this id, or `not_found` (also for no id at all);
    `lock`: its row locked until the caller's transaction ends (to change it from what
    was read); `active_only`: an inactive one is not found either (the Rocket.Chat wire
    knows no inactive statuses)."""
    statuses = UserStatus.objects.select_for_update() if lock else UserStatus.objects.all()
    if active_only:
        statuses = statuses.filter(active=True)
    status = statuses.filter(pk=status_id).first() if status_id else None
    if status is None:
        raise NotFoundError(_("Custom user status not found"), field="id", params={"id": status_id})
    return status


def _user_status_labels(labels: Mapping[str, str]) -> dict[str, str]:
    """`labels` (locale -> label, locales in any spelling) as stored: keyed by the stored
    locale, each label trimmed and held to the model's rules (the error's `params["locale"]`
    names the locale). None given is `required` (field `labels`); two spellings of one
    locale are `duplicate`."""
    if not labels:
        raise DomainError(
            _("A custom user status needs at least one label."),
            code=ErrorCode.REQUIRED,
            field="labels",
        )
    by_locale: dict[str, str] = {}
    for given, label in labels.items():
        locale = normalise_locale(given) if isinstance(given, str) else given
        if locale in by_locale:
            raise DomainError(
                _("The locale %(locale)s is given twice.") % {"locale": locale},
                code=ErrorCode.DUPLICATE,
                field="locale",
                params={"locale": locale},
            )
        row = UserStatusTranslation(
            locale=locale, label=label.strip() if isinstance(label, str) else label
        )
        try:
            check_fields(row, fields=["locale", "label"])
        except DomainError as exc:
            exc.params = {**exc.params, "locale": locale}
            raise
        by_locale[row.locale] = row.label
    return by_locale


def _user_status_given(given: UserStatusFields, labels: dict[str, str] | None) -> UserStatusFields:
    """What a write stores: the name is the canonical label when labels are given, and a
    blank system presence is none. A system presence served as another status type than
    the write's is refused (`invalid`, field `system_presence`), as the model's check
    constraint would: a wire that moves a status to another type drops its presence first
    (user_status_presence_for)."""
    if labels is not None:
        given = dataclasses.replace(given, name=labels[canonical_locale(labels)])
    presence = given.system_presence
    if isinstance(presence, str) and not presence.strip():
        # Blank (a form's or a file's empty cell) is none, as stored.
        given = dataclasses.replace(given, system_presence=None)
    elif presence in SystemPresence.values and (
        STATUS_TYPE_OF_PRESENCE[SystemPresence(presence)] != given.status_type
    ):
        raise DomainError(
            _("The system presence %(presence)s is not of the status type %(status_type)s.")
            % {"presence": presence, "status_type": given.status_type},
            code=ErrorCode.INVALID,
            field="system_presence",
            params={"value": presence},
        )
    return given


def user_status_presence_for(status: UserStatus, status_type: str) -> str | None:
    """The system presence `status` keeps when its status type becomes `status_type`: its
    own while the type is the one it is served as (Meal stays Meal under `away`), none
    otherwise (the new type's canonical presence then applies)."""
    presence = status.system_presence
    if presence in SystemPresence.values and (
        STATUS_TYPE_OF_PRESENCE[SystemPresence(presence)] == status_type
    ):
        return presence
    return None


# The first of the two keys of the PostgreSQL advisory locks that make the per-presence
# limit's checks take turns (the second is the presence's place in SystemPresence).
_PRESENCE_LOCK_SPACE = zlib.crc32(b"statuses.UserStatus.presence") & 0x7FFFFFFF


def _user_status_limit(*, presence: str, exclude_id: str | None = None) -> None:
    """Refuse (`too_many`, field `system_presence`) a write that makes one more status
    active under `presence` when MAX_ACTIVE_PER_PRESENCE are already; statuses without a
    presence of their own count under their status type's canonical one.

    Two such writes take turns: on PostgreSQL each takes a transaction-long advisory lock
    of the presence first, so the second counts after the first has committed; SQLite's
    transactions are IMMEDIATE (config/settings.py), so its writers take turns already.
    A count is not an invariant a constraint could hold."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)",
                [_PRESENCE_LOCK_SPACE, SystemPresence.values.index(presence)],
            )
    others = user_statuses_under_presence(presence).filter(active=True)
    if exclude_id is not None:
        others = others.exclude(pk=exclude_id)
    if others.count() + 1 > MAX_ACTIVE_PER_PRESENCE:
        raise DomainError(
            _("There can be at most %(limit)d active custom user statuses of one presence.")
            % {"limit": MAX_ACTIVE_PER_PRESENCE},
            code=ErrorCode.TOO_MANY,
            field="system_presence",
            params={"limit": MAX_ACTIVE_PER_PRESENCE, "system_presence": presence},
        )


def _user_status_labels_write(
    status: UserStatus, labels: dict[str, str] | None, *, created: bool
) -> None:
    """Store the status's labels: `labels` as its whole set (other locales deleted), or,
    when None, its name as the label of its canonical locale (`en-us` for a status without
    labels), the other locales kept."""
    current = (
        {}
        if created
        else {row.locale: row for row in UserStatusTranslation.objects.filter(status=status)}
    )
    if labels is None:
        locale = canonical_locale(current) or "en-us"
        labels = {**{key: row.label for key, row in current.items()}, locale: status.name}
    for locale, row in current.items():
        if locale not in labels:
            row.delete()
    for locale, label in labels.items():
        row = current.get(locale)
        if row is None:
            UserStatusTranslation(status=status, locale=locale, label=label).save(force_insert=True)
        elif row.label != label:
            row.label = label
            row.save(update_fields=["label"])
    # A prefetched set (the caller's) would now be stale.
    getattr(status, "_prefetched_objects_cache", {}).pop("translations", None)


def user_status_create(
    *,
    fields: UserStatusFields | None = None,
    labels: Mapping[str, str] | None = None,
    within_limits: bool = False,
    **values: Any,
) -> UserStatus:
    """Create a custom user status with its labels: the fields are checked in the model's
    order (as user_status_check), then written; a name already used (names are unique as
    compared by core.text.name_key) is `name_taken`, reported by the unique constraint.

    `labels` (locale -> label): the status's labels, checked first; its name is then the
    canonical label (`fields.name` is ignored). None: the name is its one label, `en-us`.
    A blank system presence is none; one served as another status type is dropped.
    `within_limits`: an active status is refused beyond MAX_ACTIVE_PER_PRESENCE under its
    presence (`too_many`), checked after the fields and before the name."""
    by_locale = None if labels is None else _user_status_labels(labels)
    given = _user_status_given(_fields(UserStatusFields, fields, values), by_locale)
    _user_status_fields_check(given)
    status = UserStatus()
    _assign(status, given)
    with transaction.atomic():
        if within_limits and status.active:
            _user_status_limit(presence=status.presence)
        with raise_on_integrity_error(user_status_name_taken()):
            status.save(force_insert=True)
        _user_status_labels_write(status, by_locale, created=True)
        emit(USER_STATUS, "created", [status])
    return status


def user_status_update(
    *,
    status: UserStatus,
    fields: UserStatusFields | None = None,
    labels: Mapping[str, str] | None = None,
    within_limits: bool = False,
    **values: Any,
) -> UserStatus:
    """Replace a custom user status's fields, under the create rules (its own name in
    another form is not taken).

    `labels`: the status's whole set of labels, its name the canonical one (as on create);
    None keeps the other locales and makes the new name the canonical locale's label.
    `within_limits`: a reactivation, or an active status's move to another presence, is
    refused beyond MAX_ACTIVE_PER_PRESENCE (`too_many`)."""
    by_locale = None if labels is None else _user_status_labels(labels)
    given = _user_status_given(_fields(UserStatusFields, fields, values), by_locale)
    _user_status_fields_check(given)
    # Assigned on a copy first: a refused write leaves the caller's instance as it was.
    candidate = copy.copy(status)
    _assign(candidate, given)
    with transaction.atomic():
        # Compared with the row as stored, locked: not with the caller's copy, which a form
        # has already changed or a concurrent write may have made stale.
        stored = UserStatus.objects.select_for_update().filter(pk=status.pk).first()
        if stored is None:
            raise NotFoundError(
                _("Custom user status not found"), field="id", params={"id": status.pk}
            )
        joins = not stored.active or stored.presence != candidate.presence
        if within_limits and candidate.active and joins:
            _user_status_limit(presence=candidate.presence, exclude_id=status.pk)
        names = field_names(UserStatusFields)
        with raise_on_integrity_error(user_status_name_taken()):
            candidate.save(update_fields=[*names, "updated_at"])
        _user_status_labels_write(candidate, by_locale, created=False)
        emit(USER_STATUS, "updated", [candidate])
    for name in [*names, "name_key", "updated_at"]:
        setattr(status, name, getattr(candidate, name))
    getattr(status, "_prefetched_objects_cache", {}).pop("translations", None)
    return status


def user_status_deactivate(*, status: UserStatus) -> UserStatus:
    """Make a custom user status inactive (Genesys's DELETE, the admin's Deactivate): hidden
    from the chat, its name still reserved. An inactive one stays as it is, with no event;
    one deleted meanwhile is `not_found`. Reactivate with user_status_update(active=True)."""
    with transaction.atomic():
        current = UserStatus.objects.select_for_update().filter(pk=status.pk).first()
        if current is None:
            raise NotFoundError(
                _("Custom user status not found"), field="id", params={"id": status.pk}
            )
        if current.active:
            current.active = False
            current.save(update_fields=["active", "updated_at"])
            emit(USER_STATUS, "updated", [current])
    status.active, status.updated_at = current.active, current.updated_at
    return status


def user_status_delete(*, status_id: str, active_only: bool = False) -> None:
    """Delete a custom user status by id; an unknown id is `not_found` (action `delete`),
    and so is an inactive one when `active_only` (the Rocket.Chat wire knows none)."""
    with transaction.atomic():
        # Read (and lock) it first: the event carries the status as it was.
        statuses = UserStatus.objects.select_for_update().filter(pk=status_id)
        if active_only:
            statuses = statuses.filter(active=True)
        status = statuses.first()
        if status is not None:
            emit(USER_STATUS, "deleted", [status])
            status.delete()
    if status is None:
        raise NotFoundError(
            _("Custom user status not found"),
            field="id",
            params={"id": status_id, "action": "delete"},
        )
