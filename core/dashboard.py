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


# Models of the admin's "Everything" list that are technical (sign-in records, protocol
# tokens, bearers): the admin home lists them under "Advanced", for superusers only. Apps
# name their own with `advanced("app_label.model_name", ...)`.
ADVANCED_MODELS: set[str] = set()


def advanced(*labels):
    """Put the models `labels` ("app_label.model_name") under the home's Advanced heading."""
    ADVANCED_MODELS.update(label.lower() for label in labels)


def split_advanced(app_list, user):
    """(everyday, advanced) parts of the admin's app list: the advanced models apart, each
    part grouped by app as the admin groups them. A user who is no superuser gets no
    advanced part: those models are not listed for them at all."""
    everyday, technical = [], []
    for app in app_list:
        models = {True: [], False: []}
        for model in app["models"]:
            label = f"{app['app_label']}.{model['object_name']}".lower()
            models[label in ADVANCED_MODELS].append(model)
        if models[False]:
            everyday.append({**app, "models": models[False]})
        if models[True]:
            technical.append({**app, "models": models[True]})
    return everyday, technical if user.is_superuser else []
