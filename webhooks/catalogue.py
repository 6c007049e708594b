"""The event types a subscriber can choose, and the domain kinds they come from.

The services speak the domain: they emit a *kind* of object (`conversation-status`) and
an *action* (created, updated, deleted). Each kind has one public event-type prefix, named
after the surface whose shape the event carries (`libredesk.status`), and one function
that renders objects of the kind in that shape. The vendor folders provide those functions
(`WEBHOOKS_EVENT_SHAPES` in settings names their modules, which register here), so neither
this app nor the services import a vendor.
"""

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

ACTIONS = ("created", "updated", "deleted")
TEST_EVENT = "webhook.test"


@dataclass(frozen=True)
class Kind:
    name: str  # the domain's name, used by the services
    prefix: str  # the event type's prefix, e.g. "libredesk.status"
    label: str
    model: str  # "app_label.Model": a subscription's owner needs its view permission
    scope: str = ""  # the Scope its events carry (an account), checked against the owner


KINDS = {
    kind.name: kind
    for kind in (
        Kind(
            "conversation-status",
            "libredesk.status",
            _("Libredesk conversation status"),
            "statuses.ConversationStatus",
        ),
        Kind(
            "user-status",
            "rocketchat.user_status",
            _("Rocket.Chat custom user status"),
            "statuses.UserStatus",
        ),
        Kind(
            "status-reason",
            "liveperson.reason",
            _("LivePerson status reason"),
            "reasons.StatusReason",
            scope="account",
        ),
        Kind(
            "community-status",
            "community.status",
            _("SelfCommunity status post"),
            "community.Status",
        ),
        Kind(
            "community-category",
            "community.category",
            _("SelfCommunity category"),
            "community.Category",
        ),
    )
}


@dataclass(frozen=True)
class Scope:
    """A part of the data that only some users may see (a LivePerson account), registered
    by the domain app that owns it, so that this app applies the app's own rule."""

    name: str
    label: str
    # The scope values `user` may see, as a queryset of model objects (value: pk).
    visible_for: Callable[[object], QuerySet]
    # The condition that the user whose id is `user_id` (an OuterRef) may see `value`.
    visible_to: Callable[[str, object], Q]


SCOPES: dict[str, Scope] = {}


def register_scope(scope: Scope) -> None:
    SCOPES[scope.name] = scope


def event_types_of_models(model_labels: set[str]) -> list[str]:
    """The event types whose objects are of one of these models ("app_label.Model")."""
    return [
        f"{kind.prefix}.{action}"
        for kind in KINDS.values()
        if kind.model in model_labels
        for action in ACTIONS
    ]


EVENT_TYPES = [f"{kind.prefix}.{action}" for kind in KINDS.values() for action in ACTIONS]


def event_type_choices() -> list[tuple[str, str]]:
    return [
        (f"{kind.prefix}.{action}", f"{kind.prefix}.{action} ({kind.label}, {action})")
        for kind in KINDS.values()
        for action in ACTIONS
    ]


# kind name -> a function from a sequence of model instances to their vendor shapes.
Shape = Callable[[Sequence], list[dict]]
_shapes: dict[str, Shape] = {}


def shape(kind: str):
    """A decorator: the function renders objects of `kind` as its surface's API does."""
    if kind not in KINDS:
        raise ValueError(f"Unknown event kind {kind!r}")

    def register(function: Shape) -> Shape:
        _shapes[kind] = function
        return function

    return register


def render(kind: str, objects: Sequence) -> list[dict]:
    """`objects` of `kind` in their surface's shape, in order."""
    if kind not in _shapes:
        for module in settings.WEBHOOKS_EVENT_SHAPES:
            importlib.import_module(module)
    return _shapes[kind](objects)
