"""The dashboard card of the community: posts, categories and tags."""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from community.models import Category, Status, Tag
from core.dashboard import Domain, card, link


@card(order=40)
def community(user):
    """SelfCommunity: live and deleted posts, categories, tags, and moderation links."""
    posts = Status.objects.aggregate(
        live=Count("id", filter=Q(deleted=False)), deleted=Count("id", filter=Q(deleted=True))
    )
    return Domain(
        _("Community status posts"),
        "SelfCommunity",
        [
            (_("posts"), posts["live"]),
            (_("deleted"), posts["deleted"]),
            (_("categories"), Category.objects.count()),
            (_("tags"), Tag.objects.count()),
        ],
        [
            link(user, _("Moderate posts"), Status),
            link(user, _("Categories"), Category),
            link(user, _("Tags"), Tag),
            link(user, _("Import categories"), Category, "import"),
        ],
    )
