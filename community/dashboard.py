"""The dashboard card of the community: posts, categories and tags."""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from community.models import Category, Status, Tag
from core.dashboard import Domain, card, link


@card(order=40)
def community(user):
    """SelfCommunity: live and deleted posts, categories, tags, and moderation links: the
    moderation queue (flagged posts awaiting a decision, most flagged first)."""
    from community.admin import FlaggedFilter, awaiting_moderation

    posts = Status.objects.aggregate(
        live=Count("id", filter=Q(deleted=False)), deleted=Count("id", filter=Q(deleted=True))
    )
    queued = awaiting_moderation(Status.objects.all()).count()
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
            link(
                user,
                _("Moderation queue (%(count)d flagged)") % {"count": queued},
                Status,
                query=f"?{FlaggedFilter.parameter_name}={FlaggedFilter.QUEUE}",
            ),
            link(user, _("Moderate posts"), Status),
            link(user, _("Categories"), Category),
            link(user, _("Tags"), Tag),
            link(user, _("Import categories"), Category, "import"),
        ],
    )
