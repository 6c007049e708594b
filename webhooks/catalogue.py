"""The registry of what can be sent: kinds of object, the shapes they are sent in, and the
scopes that limit who may see them. This app fills none of it and knows no vendor.

- A domain app registers each **kind** of object its services emit (`conversation-status`)
  with the model whose view permission a subscription's owner needs, and the **scope** its
  events carry, if any (an account), with the app's own rule for who may see a scope.
- A surface registers a **shape** for a kind: a prefix naming the event types
  (`<prefix>.created`, `.updated`, `.deleted`) and a function that renders objects of the
  kind as its API replies with them. A kind may have a shape per surface: each change of
  the object is then one event per shape that somebody subscribed to, all with the same
  sequence number. The surfaces' modules are named in the WEBHOOKS_EVENT_SHAPES setting and
  imported on first use, so neither this app nor the services import a vendor.
"""

import importlib
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet

ACTIONS = ("created", "updated", "deleted")
TEST_EVENT = "webhook.test"


@dataclass(frozen=True)
class Kind:
    """A kind of object the domain's services emit events for."""

    name: str  # the domain's name, used by the services
    model: str  # "app_label.Model": a subscription's owner needs its view permission
    scope: str = ""  # the Scope its events carry, checked against the owner


@dataclass(frozen=True)
class Shape:
    """One surface's shape of a kind: its event types and how objects are rendered."""

    kind: str
    prefix: str  # the event types' prefix, e.g. "<surface>.status"
    label: str
    render: Callable[[Sequence], list[dict]]
    module: str  # the module that registered it: in use while WEBHOOKS_EVENT_SHAPES names it

    def event_type(self, action: str) -> str:
        return f"{self.prefix}.{action}"


@dataclass(frozen=True)
class Scope:
    """A part of the data that only some users may see (an account), registered by the
    domain app that owns it, so that this app applies the app's own rule."""

    name: str
    label: str
    # The scope values `user` may see, as a queryset of model objects (value: pk).
    visible_for: Callable[[object], QuerySet]
    # The condition that the user whose id is `user_id` (an OuterRef) may see `value`.
    visible_to: Callable[[str, object], Q]


KINDS: dict[str, Kind] = {}
SCOPES: dict[str, Scope] = {}
_shapes: dict[str, list[Shape]] = {}
_loaded = threading.Lock()
_loaded_modules: list[str] = []


def register_kind(kind: Kind) -> None:
    KINDS[kind.name] = kind


def register_scope(scope: Scope) -> None:
    SCOPES[scope.name] = scope


def shape(kind: str, *, prefix: str, label: str):
    """A decorator: the function renders objects of `kind` as its surface's API does, for
    the event types `<prefix>.<action>`."""

    def register(function):
        shapes = _shapes.setdefault(kind, [])
        if not any(existing.prefix == prefix for existing in shapes):
            shapes.append(Shape(kind, prefix, label, function, function.__module__))
        return function

    return register


def _load() -> None:
    """Import the surfaces' shape modules (once; a test may add more)."""
    if _loaded_modules == list(settings.WEBHOOKS_EVENT_SHAPES):
        return
    with _loaded:
        for module in settings.WEBHOOKS_EVENT_SHAPES:
            importlib.import_module(module)
        _loaded_modules[:] = list(settings.WEBHOOKS_EVENT_SHAPES)


def shapes_of(kind: str) -> list[Shape]:
    """The shapes of `kind` in use, in the order the surfaces registered them."""
    if kind not in KINDS:
        raise ValueError(f"Unknown event kind {kind!r}")
    _load()
    modules = settings.WEBHOOKS_EVENT_SHAPES
    return [shape for shape in _shapes.get(kind, ()) if shape.module in modules]


def all_shapes() -> list[Shape]:
    """Every shape in use, kind by kind in the order the kinds were registered."""
    return [shape for kind in KINDS for shape in shapes_of(kind)]


def event_types() -> list[str]:
    """Every event type a subscriber can choose, in the catalogue's order."""
    return [shape.event_type(action) for shape in all_shapes() for action in ACTIONS]


def event_type_choices() -> list[tuple[str, str]]:
    return [
        (shape.event_type(action), f"{shape.event_type(action)} ({shape.label}, {action})")
        for shape in all_shapes()
        for action in ACTIONS
    ]


def event_types_of_models(model_labels: set[str]) -> list[str]:
    """The event types whose objects are of one of these models ("app_label.Model")."""
    return [
        shape.event_type(action)
        for shape in all_shapes()
        if KINDS[shape.kind].model in model_labels
        for action in ACTIONS
    ]


def scoped_event_types() -> dict[str, list[str]]:
    """The event types of each scope's kinds: scope name -> event types."""
    found: dict[str, list[str]] = {}
    for shape in all_shapes():
        scope = KINDS[shape.kind].scope
        if scope:
            found.setdefault(scope, []).extend(shape.event_type(a) for a in ACTIONS)
    return found
