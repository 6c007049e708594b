"""Errors raised by the domain services.

Services know nothing about HTTP envelopes: they raise these, and each API surface's
exception handler (or the admin) renders them in its own shape.
"""


class DomainError(Exception):
    """A domain rule refused the request; rendered as a 400 unless a subclass says otherwise."""

    status_code = 400
    default_code = "invalid"

    def __init__(self, message, *, code=None, field=None, details=None):
        super().__init__(message)
        self.message = str(message)
        # An empty code means "no machine-readable code" (some vendors send none).
        self.code = self.default_code if code is None else code
        self.field = field
        self.details = details or {}


class NotFoundError(DomainError):
    """The object the request names does not exist (for this caller)."""

    status_code = 404
    default_code = "not_found"


class ConflictError(DomainError):
    """The request collides with existing state: a duplicate name, a stale revision."""

    status_code = 409
    default_code = "conflict"


class ForbiddenError(DomainError):
    """The caller is authenticated but a domain rule forbids this action."""

    status_code = 403
    default_code = "permission_denied"
