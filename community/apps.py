from django.apps import AppConfig


class CommunityConfig(AppConfig):
    """Community categories, tags, media and status posts (SelfCommunity)."""

    name = "community"
    verbose_name = "Community"
