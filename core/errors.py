"""Errors raised by the domain services.

Services know nothing about vendors or HTTP envelopes. They raise these with a stable
domain `code` (below), the domain `field` it concerns (a model field name such as
`name` or `status_type`) and `params` (values a message may quote). Each API surface's
`errors.py` maps them to its vendor's status, code, text and field spelling; the admin
shows `message`.

Codes in use:

- `invalid`: a value breaks a rule (`params["value"]` is the value);
- `required` / `blank`: a value is missing, or has nothing visible in it;
- `name_taken`: a name (or text) is already used by another object;
- `duplicate`: the same name or id twice in one request;
- `not_found`: the object does not exist for this caller (with a `field`: an id in a
  list names nothing, `params["value"]` is the id);
- `inactive`: the object named is switched off (an inactive category);
- `default_protected`: a shipped default cannot be changed or deleted;
- `stale_revision`: the caller's expected revision is not the current one;
- `too_many` / `empty`: a batch is over its size limit, or has no items;
- `permission_denied`: a domain rule forbids the caller this action;
- `invalid_credentials`: a login's username, password or membership does not match;
- `too_large`: an uploaded file is over the size limit;
- `invalid_image`: an uploaded file is not an image of an accepted format.

`core.db.check_fields` also passes on the codes of Django's own field validators
(`max_length`, `invalid_choice`, `min_value`, ...).
"""

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ItemError:
    """One failed rule for one item of a batch (`index` into the request's items)."""

    index: int | None
    field: str | None
    code: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)


class DomainError(Exception):
    """A domain rule refused the request; usually rendered as a 400."""

    status_code = 400
    default_code = "invalid"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        field: str | None = None,
        params: dict[str, Any] | None = None,
        items: list[ItemError] | tuple[ItemError, ...] = (),
    ):
        super().__init__(message)
        self.message = str(message)
        self.code = self.default_code if code is None else code
        self.field = field
        self.params = params or {}
        # For a batch: every failed item, in request order (the message is the first's).
        self.items = tuple(items)


class NotFoundError(DomainError):
    """The object the request names does not exist (for this caller)."""

    status_code = 404
    default_code = "not_found"


class ConflictError(DomainError):
    """The request collides with existing state: a duplicate name, a stale revision."""

    status_code = 409
    default_code = "name_taken"


class ForbiddenError(DomainError):
    """The caller is authenticated but a domain rule forbids this action."""

    status_code = 403
    default_code = "permission_denied"


class TooLargeError(DomainError):
    """An uploaded file or a batch is larger than the portal accepts."""

    status_code = 413
    default_code = "too_large"
