"""Read-only questions about statuses, asked by the services and the surfaces."""

from core.text import name_key
from statuses.models import UserStatus


def user_status_name_in_use(*, name: str, exclude_id: str | None = None) -> bool:
    """Whether a custom user status has this name, as compared by core.text.name_key
    (so whitespace around it, case and look-alikes do not count); `exclude_id` is the
    status being changed, whose own name is not taken by itself."""
    statuses = UserStatus.objects.filter(name_key=name_key(name))
    if exclude_id:
        statuses = statuses.exclude(pk=exclude_id)
    return statuses.exists()
