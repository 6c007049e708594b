"""Read-only questions about statuses, asked by the services and the surfaces."""

from django.db.models import Count

from core.text import name_key
from statuses.models import ConversationStatus, StatusCategory, UserStatus


def conversation_status_counts() -> dict[str, int]:
    """How many conversation statuses each status category has, every row counted (active
    or not, as the Zendesk limits count them); every category present, 0 when empty."""
    counts = dict(
        ConversationStatus.objects.order_by()
        .values_list("status_category")
        .annotate(n=Count("id"))
        .values_list("status_category", "n")
    )
    return {category: counts.get(category, 0) for category in StatusCategory.values}


def user_status_name_in_use(*, name: str, exclude_id: str | None = None) -> bool:
    """Whether a custom user status has this name, as compared by core.text.name_key
    (so whitespace around it, case and look-alikes do not count); `exclude_id` is the
    status being changed, whose own name is not taken by itself."""
    statuses = UserStatus.objects.filter(name_key=name_key(name))
    if exclude_id:
        statuses = statuses.exclude(pk=exclude_id)
    return statuses.exists()
