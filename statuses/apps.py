from django.apps import AppConfig


class StatusesConfig(AppConfig):
    """Helpdesk conversation statuses (Libredesk) and chat custom user statuses (Rocket.Chat)."""

    name = "statuses"
    verbose_name = "Statuses"

    def ready(self):
        from core.cache import bump_on_change
        from statuses.models import (
            ConversationStatus,
            ConversationStatusTranslation,
            UserStatus,
            UserStatusTranslation,
        )
        from statuses.services import CONVERSATION_STATUS, USER_STATUS
        from webhooks.catalogue import Kind, register_kind

        # The list replies cached by the Libredesk and Rocket.Chat list routes.
        # A status's translations are part of what the Zendesk wire replies with.
        bump_on_change("conversation-statuses", ConversationStatus, ConversationStatusTranslation)
        bump_on_change("user-statuses", UserStatus, UserStatusTranslation)
        # The kinds of object whose changes webhook subscribers get (webhooks.catalogue).
        register_kind(Kind(CONVERSATION_STATUS, "statuses.ConversationStatus"))
        register_kind(Kind(USER_STATUS, "statuses.UserStatus"))
