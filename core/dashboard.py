"""The admin home: what a support manager looks at first, grouped by product domain."""

from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Count, Q
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _


@dataclass
class Domain:
    """One card of the dashboard: a product domain with its counts and common tasks."""

    title: str
    surface: str
    stats: list = field(default_factory=list)
    links: list = field(default_factory=list)


def _link(user, label, model, action="changelist", query=""):
    """A (label, url) pair if `user` may do `action` on `model`, else None."""
    opts = model._meta
    needed = {"add": "add", "import": "add"}.get(action, "view")
    if not user.has_perm(f"{opts.app_label}.{needed}_{opts.model_name}"):
        return None
    name = {"import": "import"}.get(action, action)
    try:
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_{name}")
    except NoReverseMatch:
        return None
    return (label, url + query)


def _model(label):
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def dashboard(user):
    """The dashboard cards `user` may see (a card needs at least one permitted link),
    with live counts."""
    cards = []

    conversation = _model("statuses.ConversationStatus")
    counts = conversation.objects.aggregate(
        total=Count("id"), custom=Count("id", filter=Q(is_default=False))
    )
    cards.append(
        Domain(
            _("Helpdesk conversation statuses"),
            "Libredesk",
            [(_("statuses"), counts["total"]), (_("custom"), counts["custom"])],
            [
                _link(user, _("Add a status"), conversation, "add"),
                _link(user, _("All statuses"), conversation),
                _link(user, _("Import"), conversation, "import"),
            ],
        )
    )

    user_status = _model("statuses.UserStatus")
    by_type = dict(
        user_status.objects.values_list("status_type").annotate(n=Count("id")).order_by()
    )
    cards.append(
        Domain(
            _("Chat presence statuses"),
            "Rocket.Chat",
            [(_("custom statuses"), sum(by_type.values()))]
            + [(label, by_type.get(value, 0)) for value, label in user_status.Type.choices],
            [
                _link(user, _("Add a status"), user_status, "add"),
                _link(user, _("All statuses"), user_status),
                _link(user, _("Import"), user_status, "import"),
            ],
        )
    )

    account, reason = _model("reasons.Account"), _model("reasons.StatusReason")
    reasons = reason.objects.aggregate(
        live=Count("id", filter=Q(deleted=False)),
        disabled=Count("id", filter=Q(deleted=False, enabled=False)),
        deleted=Count("id", filter=Q(deleted=True)),
    )
    cards.append(
        Domain(
            _("Contact-center away reasons"),
            "LivePerson",
            [
                (_("accounts"), account.objects.count()),
                (_("reasons"), reasons["live"]),
                (_("disabled"), reasons["disabled"]),
                (_("deleted"), reasons["deleted"]),
            ],
            [
                _link(user, _("Add a reason"), reason, "add"),
                _link(user, _("Reorder reasons"), reason, query="?deleted__exact=0"),
                _link(user, _("Accounts and members"), account),
                _link(user, _("Import"), reason, "import"),
            ],
        )
    )

    post, category = _model("community.Status"), _model("community.Category")
    if post is not None and category is not None:
        tag = _model("community.Tag")
        posts = post.objects.aggregate(
            live=Count("id", filter=Q(deleted=False)), deleted=Count("id", filter=Q(deleted=True))
        )
        cards.append(
            Domain(
                _("Community status posts"),
                "SelfCommunity",
                [
                    (_("posts"), posts["live"]),
                    (_("deleted"), posts["deleted"]),
                    (_("categories"), category.objects.count()),
                    (_("tags"), tag.objects.count() if tag else 0),
                ],
                [
                    _link(user, _("Moderate posts"), post),
                    _link(user, _("Categories"), category),
                    _link(user, _("Tags"), tag) if tag else None,
                    _link(user, _("Import categories"), category, "import"),
                ],
            )
        )

    for card in cards:
        card.links = [link for link in card.links if link]
    # A card's counts are shown only to someone who may look at that domain.
    return [card for card in cards if card.links]
