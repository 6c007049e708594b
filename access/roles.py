"""Ready-made roles: the groups a manager gives a colleague instead of raw permissions.

Each role is a group of the same name whose permissions `sync_roles` sets from ROLES: a
data migration makes the groups (access 0009), and a post_migrate handler (access.apps)
applies the definitions again after every `migrate`, so a model added to a role later,
or a permission its app gains, joins the group. The groups are the portal's: a change
made to one by hand is undone at the next `migrate` (make a group of another name for a
mix of one's own).

Every model the admin shows is in a role or in EXCLUDED (tests/access/test_roles.py), so a
new model cannot be forgotten. Models are named by label: `access` imports no domain app.

`surface_access(user)` says what a user's credentials may do on each API surface, from the
permissions each surface's routes check (their DRF permission classes), not from a list
kept by hand.
"""

from dataclasses import dataclass
from functools import cache

from django.utils.translation import gettext_lazy as _

from core.dashboard import advanced

ALL = ("view", "add", "change", "delete")


@dataclass(frozen=True)
class Role:
    name: str
    # What the group may do, in a sentence a manager reads on the user page.
    explanation: str
    # {model label: actions}
    models: dict


STATUS_MANAGERS = Role(
    name="Status managers",
    explanation=_(
        "Add, change, reorder, import and delete conversation statuses (Libredesk) and "
        "custom user statuses (Rocket.Chat), in the admin and through the APIs."
    ),
    models={"statuses.conversationstatus": ALL, "statuses.userstatus": ALL},
)
CONTACT_CENTRE_MANAGERS = Role(
    name="Contact-centre managers",
    explanation=_(
        "Add, change, reorder, import and delete agent status reasons (LivePerson) of the "
        "accounts they are a member of, see the accounts, revoke their login bearers and "
        "manage their API keys."
    ),
    models={
        "reasons.statusreason": ALL,
        "reasons.account": ("view",),
        "reasons.accountbearer": ("view", "delete"),
        "reasons.accountapikey": ALL,
    },
)
COMMUNITY_MODERATORS = Role(
    name="Community moderators",
    explanation=_(
        "Moderate community posts (SelfCommunity): hide or delete posts, decide on flags, "
        "and manage categories, tags and media."
    ),
    models={
        "community.status": ALL,
        "community.statusflag": ALL,
        "community.category": ALL,
        "community.tag": ALL,
        "community.media": ALL,
    },
)
WEBHOOK_MANAGERS = Role(
    name="Webhook managers",
    explanation=_(
        "Set up webhook subscriptions, send test events and read their deliveries. A "
        "subscription receives only the events of objects its owner may view."
    ),
    models={"webhooks.subscription": ALL, "webhooks.delivery": ("view",)},
)
MANAGER_ROLES = (STATUS_MANAGERS, CONTACT_CENTRE_MANAGERS, COMMUNITY_MODERATORS, WEBHOOK_MANAGERS)
READ_ONLY = Role(
    name="Read-only",
    explanation=_(
        "See everything the roles above manage (statuses, reasons, posts, flags, categories, "
        "tags, media, webhooks), in the admin and through the APIs, and change nothing."
    ),
    models={label: ("view",) for role in MANAGER_ROLES for label in role.models},
)
ROLES = (*MANAGER_ROLES, READ_ONLY)

# Models the admin shows that no role includes, and why: who may sign in and with what
# (giving those permissions gives every permission), and records kept for the superuser.
EXCLUDED = {
    "auth.user": "accounts and their permissions: a superuser's",
    "auth.group": "the roles themselves: a superuser's",
    "access.apikey": "credentials: made on the user page by whoever may change users",
    "access.logintoken": "credentials",
    "access.zendeskapitoken": "credentials: made by whoever may change users",
    "access.oauthclientapp": "OAuth2 client apps: a superuser's",
    "access.oauthaccesstoken": "credentials",
    "access.oauthrefreshtoken": "credentials",
    "access.oauthauthorizationcode": "protocol internals",
    "access.oauthidtoken": "protocol internals",
    "axes.accessattempt": "sign-in lockouts: a superuser's",
    "axes.accesslog": "sign-in records",
    "axes.accessfailurelog": "sign-in records",
    "community.memberprofile": "members' profiles, made when they sign in",
}


# The technical ones among them: the admin home lists these under "Advanced", for
# superusers only (core.dashboard.advanced).
ADVANCED = (
    "axes.accessattempt",
    "axes.accesslog",
    "axes.accessfailurelog",
    "access.logintoken",
    "access.oauthclientapp",
    "access.oauthaccesstoken",
    "access.oauthrefreshtoken",
    "access.oauthauthorizationcode",
    "access.oauthidtoken",
    "reasons.accountbearer",
    "community.memberprofile",
)
advanced(*ADVANCED)


def role_permissions(role, apps):
    """The Permission rows of `role` that exist (one of a model not yet migrated is left
    out; the post_migrate run after it adds it)."""
    Permission = apps.get_model("auth", "Permission")
    wanted = {
        (label.split(".")[0], f"{action}_{label.split('.')[1]}")
        for label, actions in role.models.items()
        for action in actions
    }
    found = Permission.objects.filter(
        content_type__app_label__in={app for app, _ in wanted},
        codename__in={codename for _, codename in wanted},
    ).select_related("content_type")
    return [p for p in found if (p.content_type.app_label, p.codename) in wanted]


def sync_roles(apps=None, using="default"):
    """Make each role's group and set its permissions to the role's; safe to run again."""
    if apps is None:
        from django.apps import apps
    Group = apps.get_model("auth", "Group")
    for role in ROLES:
        group, _created = Group.objects.using(using).get_or_create(name=role.name)
        group.permissions.set(role_permissions(role, apps))


def sync_roles_after_migrate(sender, app_config=None, using="default", apps=None, **kwargs):
    """post_migrate: apply the roles again (auth's handler made the permissions first)."""
    if apps is None:
        from django.apps import apps
    try:
        apps.get_model("auth", "Group")
    except LookupError:
        return
    sync_roles(apps, using=using)


def role_explanations():
    """{group name: explanation} of every role."""
    return {role.name: role.explanation for role in ROLES}


# --- What a user's credentials may do on each surface -----------------------------------


@dataclass(frozen=True)
class Route:
    surface: str  # the OpenAPI tag of the route: the surface's name
    write: bool
    perms: frozenset  # the Django permissions its permission classes check
    model: str  # the verbose plural name of the model whose permissions they are ("" if none)
    authentication: frozenset  # the dotted names of its authentication classes


def _route_perms(view, method):
    """(permissions, model name) that `view`'s permission classes check for `method`."""
    from rest_framework.permissions import DjangoModelPermissions

    perms, model = set(), ""
    for permission in view.get_permissions():
        if isinstance(permission, DjangoModelPermissions):
            queryset = getattr(view, "queryset", None)
            if queryset is None:
                continue
            perms |= set(permission.get_required_permissions(method, queryset.model))
            model = str(queryset.model._meta.verbose_name_plural)
        required = getattr(permission, "required", None)
        if isinstance(required, (tuple, list)):
            perms |= set(required)
            if required and not model:
                app_label, codename = required[0].split(".")
                model = _model_name(app_label, codename.partition("_")[2])
    return frozenset(perms), model


def _model_name(app_label, model_name):
    from django.apps import apps

    try:
        return str(apps.get_model(app_label, model_name)._meta.verbose_name_plural)
    except LookupError:
        return model_name


@cache
def routes():
    """Every API route with its surface, kind (read or write), permissions and
    authentication, found in the URLconf as the OpenAPI document finds them."""
    from drf_spectacular.generators import SchemaGenerator
    from rest_framework.permissions import SAFE_METHODS

    generator = SchemaGenerator()
    generator._initialise_endpoints()
    found = []
    for path, path_regex, method, callback in generator.endpoints:
        view = generator.create_view(callback, method)
        schema = view.schema  # a descriptor: a new object at each access
        if schema is None or getattr(view, "exclude_from_schema", False):
            continue
        # What drf-spectacular's get_operation sets before it asks for the tags.
        schema.view = view
        schema.path, schema.path_regex = path, path_regex
        schema.path_prefix, schema.method = "^/", method
        tags = schema.get_tags()
        if not tags:
            continue
        perms, model = _route_perms(view, method)
        found.append(
            Route(
                surface=tags[0],
                write=method not in SAFE_METHODS,
                perms=perms,
                model=model,
                authentication=frozenset(
                    f"{cls.__module__}.{cls.__name__}" for cls in view.authentication_classes
                ),
            )
        )
    return tuple(found)


@dataclass
class SurfaceAccess:
    surface: str
    read: bool  # the user may read what the surface serves
    writes: list  # the models the user may change there, each "name (actions)"
    opened_by: bool  # whether the credential asked about is accepted there

    def __str__(self):
        parts = [str(_("read")) if self.read else str(_("no access"))]
        if self.writes:
            parts.append(str(_("write %(what)s")) % {"what": "; ".join(self.writes)})
        return ", ".join(parts)


ACTION_WORDS = {"add": _("add"), "change": _("change"), "delete": _("delete")}


def surface_access(user, credential=None):
    """What `user` may do on each surface, in the order of the OpenAPI document's tags:
    reading (every read route that checks model permissions is allowed) and writing (the
    models whose write routes' permissions the user holds, with which actions). With
    `credential` (an authentication class's dotted name), `opened_by` says on which
    surfaces that credential is accepted."""
    from django.conf import settings

    # The surfaces, in the order of the OpenAPI document's tags (routes of no surface's
    # tag, if any, are left out).
    tags = [tag["name"] for tag in settings.SPECTACULAR_SETTINGS.get("TAGS", ())]
    by_surface = {tag: [] for tag in tags}
    for route in routes():
        if route.surface in by_surface:
            by_surface[route.surface].append(route)
    result = []
    for surface, surface_routes in by_surface.items():
        if not surface_routes:
            continue
        reads = [r for r in surface_routes if not r.write and r.perms]
        read = all(user.has_perms(r.perms) for r in reads) if reads else True
        writes = {}
        for route in surface_routes:
            if route.write and route.perms and user.has_perms(route.perms):
                actions = writes.setdefault(route.model, set())
                actions |= {p.split(".")[1].partition("_")[0] for p in route.perms}
        result.append(
            SurfaceAccess(
                surface=surface,
                read=read,
                writes=[
                    "{} ({})".format(
                        model, ", ".join(str(w) for a, w in ACTION_WORDS.items() if a in actions)
                    )
                    for model, actions in sorted(writes.items())
                ],
                opened_by=credential is None
                or any(credential in r.authentication for r in surface_routes),
            )
        )
    return result


API_KEY_AUTHENTICATION = (
    "access.authentication.ApiKeyTokenAuthentication",
    "access.authentication.ApiKeyBasicAuthentication",
)


def api_key_access(user):
    """What a user's API key may do: `surface_access` marked where the key is accepted."""
    return surface_access(user, credential=API_KEY_AUTHENTICATION[0])
