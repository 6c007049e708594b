"""The admin home: what a support manager looks at first, one card per product domain.

`core` knows no domain app. Each app contributes its card from its own `dashboard.py`
module, registering a function with `@card(order=...)`; the modules are found with
Django's `autodiscover_modules`, as the admin finds `admin.py`.
"""

from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse

from core.registry import Registry


@dataclass
class Domain:
    """One card of the dashboard: a product domain with its counts and common tasks."""

    title: str
    surface: str
    stats: list = field(default_factory=list)
    links: list = field(default_factory=list)


_cards = Registry("dashboard")
# Register `build(user) -> Domain` as a dashboard card: `@card(order=10)`.
card = _cards.register


def link(user, label, model, action="changelist", query=""):
    """A (label, url) pair if `user` may do `action` on `model`, else None."""
    opts = model._meta
    needed = {"add": "add", "import": "add"}.get(action, "view")
    if not user.has_perm(f"{opts.app_label}.{needed}_{opts.model_name}"):
        return None
    try:
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_{action}")
    except NoReverseMatch:
        return None
    return (label, url + query)


def dashboard(user):
    """The dashboard cards `user` may see (a card needs at least one permitted link)."""
    cards = [build(user) for build in _cards.entries()]
    for domain in cards:
        domain.links = [entry for entry in domain.links if entry]
    # A card's counts are shown only to someone who may look at that domain.
    return [domain for domain in cards if domain.links]
