"""Errors raised by the domain services.

Services know nothing about vendors or HTTP envelopes. They raise these with a stable
domain `code` (an `ErrorCode`), the domain `field` it concerns (a model field name such
as `name` or `status_type`) and `params` (values a message may quote). Their `message`
is the portal's own, neutral wording, which the admin and the imports show. Each API
surface's `errors.py` maps the code, field and params to its vendor's status, code,
text and field spelling.

The codes are the members of `ErrorCode`, each with its meaning. An error built with a
code that is not a member is refused at once (ValueError), so a misspelt code fails the
first test that reaches it instead of falling through every vendor's mapping.
"""

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    """The code of every error a domain service raises (Zulip's `ErrorCode`, domain side).

    A member is a `str` equal to its value, so vendor maps keyed by the plain strings,
    and comparisons such as `problem.code == "name_taken"`, keep working.
    """

    # --- the portal's own rules ---------------------------------------------------------
    INVALID = "invalid"  # a value breaks a rule (`params["value"]` is the value)
    REQUIRED = "required"  # a value is missing
    BLANK = "blank"  # a value has nothing visible in it
    CONTROL = "control"  # a name or text has a control character (core.text)
    ANGLE_BRACKETS = "angle_brackets"  # a name or text has `<` or `>` (core.text)
    NAME_TAKEN = "name_taken"  # a name (or text) is already used by another object
    DUPLICATE = "duplicate"  # the same name or id twice in one request
    NOT_FOUND = "not_found"  # the object does not exist for this caller (with a
    # `field`: an id in a list names nothing, `params["value"]` is the id)
    INACTIVE = "inactive"  # the object named is switched off (an inactive category)
    DEFAULT_PROTECTED = "default_protected"  # a shipped default cannot be changed or deleted
    STALE_REVISION = "stale_revision"  # the caller's expected revision is not the current one
    TOO_MANY = "too_many"  # a batch is over its size limit
    EMPTY = "empty"  # a batch or a list has no items
    PERMISSION_DENIED = "permission_denied"  # a domain rule forbids the caller this action
    INVALID_CREDENTIALS = "invalid_credentials"  # a login's username, password or membership
    CSRF_INVALID = "csrf_invalid"  # a session's csrf is not the one the request carries
    TOO_LARGE = "too_large"  # an uploaded file is over the size limit
    INVALID_IMAGE = "invalid_image"  # an uploaded file is not an image of an accepted format

    # --- Django's own field rules, passed on by core.db.check_fields ---------------------
    MAX_LENGTH = "max_length"  # a text is longer than its field holds
    MIN_LENGTH = "min_length"  # a text is shorter than its field needs
    INVALID_CHOICE = "invalid_choice"  # a value is not one of the field's choices
    MIN_VALUE = "min_value"  # a number is below the field's minimum
    MAX_VALUE = "max_value"  # a number is above the field's maximum
    NULL = "null"  # a field that may not be null is None
    INVALID_DATE = "invalid_date"  # a date that does not exist
    INVALID_DATETIME = "invalid_datetime"  # a date and time that does not exist
    INVALID_NULLABLE = "invalid_nullable"  # a yes/no/unknown field has another value


def error_code(code: str) -> ErrorCode:
    """`code` as its ErrorCode member; ValueError for a code that is not one."""
    try:
        return ErrorCode(code)
    except ValueError:
        raise ValueError(f"{code!r} is not a domain error code (core.errors.ErrorCode)") from None


@dataclass(frozen=True)
class ItemError:
    """One failed rule for one item of a batch (`index` into the request's items); its
    code must be an ErrorCode, as a DomainError's."""

    index: int | None
    field: str | None
    code: ErrorCode
    message: str
    params: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self):
        object.__setattr__(self, "code", error_code(self.code))


class DomainError(Exception):
    """A domain rule refused the request; usually rendered as a 400."""

    status_code = 400
    default_code = ErrorCode.INVALID

    def __init__(
        self,
        message: str,
        *,
        code: ErrorCode | str | None = None,
        field: str | None = None,
        params: dict[str, Any] | None = None,
        items: list[ItemError] | tuple[ItemError, ...] = (),
    ):
        super().__init__(message)
        self.message = str(message)
        self.code = self.default_code if code is None else error_code(code)
        self.field = field
        self.params = params or {}
        # For a batch: every failed item, in request order (the message is the first's).
        self.items = tuple(items)


class NotFoundError(DomainError):
    """The object the request names does not exist (for this caller)."""

    status_code = 404
    default_code = ErrorCode.NOT_FOUND


class ConflictError(DomainError):
    """The request collides with existing state: a duplicate name, a stale revision."""

    status_code = 409
    default_code = ErrorCode.NAME_TAKEN


class ForbiddenError(DomainError):
    """The caller is authenticated but a domain rule forbids this action."""

    status_code = 403
    default_code = ErrorCode.PERMISSION_DENIED


class TooLargeError(DomainError):
    """An uploaded file or a batch is larger than the portal accepts."""

    status_code = 413
    default_code = ErrorCode.TOO_LARGE
