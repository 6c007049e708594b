from django.apps import AppConfig


class CommunityConfig(AppConfig):
    """Community categories, tags, media and status posts (SelfCommunity)."""

    name = "community"
    verbose_name = "Community"

    def ready(self):
        from django.contrib.auth import get_user_model

        from community.models import Category, Media, MemberProfile, Status, Tag
        from community.services import COMMUNITY_CATEGORY, COMMUNITY_STATUS, STATUS_LISTS
        from core.cache import bump_on_change, many_to_many_of
        from webhooks.catalogue import Kind, register_kind

        # The status list replies cached by the SelfCommunity routes show posts with their
        # categories (and their parents and tags), tags, media and authors.
        shown = (Status, Category, Tag, Media, MemberProfile, get_user_model())
        bump_on_change(STATUS_LISTS, *shown, m2m=many_to_many_of(*shown))
        # The kinds of object whose changes webhook subscribers get (webhooks.catalogue).
        register_kind(Kind(COMMUNITY_STATUS, "community.Status"))
        register_kind(Kind(COMMUNITY_CATEGORY, "community.Category"))
