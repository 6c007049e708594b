"""Demo conversation statuses and custom user statuses, made through the services."""

from core.demo import demo_data
from core.text import name_key
from statuses import services
from statuses.models import ConversationStatus, UserStatus

CONVERSATION = [("Pending", "pending"), ("Escalated", "open"), ("Awaiting customer", "hold")]
# (name, status type, system presence, language labels): None is the defaults.
USER_STATUSES = [
    ("In a meeting", "busy", "Meeting", {"en-us": "In a meeting", "fr": "En réunion"}),
    ("Lunch", "away", "Meal", {"en-us": "Lunch", "fr": "Déjeuner", "de": "Mittagspause"}),
    ("Focus time", "busy", None, None),
]


@demo_data(order=10)
def load(*, admin):
    """A few custom conversation and user statuses, unless they exist."""
    for name, status_category in CONVERSATION:
        if not ConversationStatus.objects.filter(name_key=name_key(name)).exists():
            services.conversation_status_create(name=name, status_category=status_category)
    for name, status_type, system_presence, labels in USER_STATUSES:
        if not UserStatus.objects.filter(name_key=name_key(name)).exists():
            services.user_status_create(
                name=name, status_type=status_type, system_presence=system_presence, labels=labels
            )
