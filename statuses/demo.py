"""Demo conversation statuses and custom user statuses, made through the services."""

from core.demo import demo_data
from core.text import name_key
from statuses import services
from statuses.models import ConversationStatus, UserStatus

CONVERSATION = [("Pending", "pending"), ("Escalated", "open"), ("Awaiting customer", "hold")]
USER_STATUSES = [("In a meeting", "busy"), ("Lunch", "away"), ("Focus time", "busy")]


@demo_data(order=10)
def load(*, admin):
    """A few custom conversation and user statuses, unless they exist."""
    for name, status_category in CONVERSATION:
        if not ConversationStatus.objects.filter(name_key=name_key(name)).exists():
            services.conversation_status_create(name=name, status_category=status_category)
    for name, status_type in USER_STATUSES:
        if not UserStatus.objects.filter(name_key=name_key(name)).exists():
            services.user_status_create(name=name, status_type=status_type)
