from django.apps import AppConfig


class StatusesConfig(AppConfig):
    """Helpdesk conversation statuses (Libredesk) and chat custom user statuses (Rocket.Chat)."""

    name = "statuses"
    verbose_name = "Statuses"
