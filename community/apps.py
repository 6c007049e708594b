from django.apps import AppConfig


class CommunityConfig(AppConfig):
    """Community categories, tags, media and status posts (SelfCommunity)."""

    name = "community"
    verbose_name = "Community"

    def ready(self):
        from community.selfcommunity import schema  # noqa: F401  registers the OAuth2 scheme
