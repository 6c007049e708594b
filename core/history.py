"""django-simple-history, with its history manager class made once per model, and the
management command that made a change recorded with it.

`Model.history` is a descriptor that calls `HistoryManager.from_queryset(...)` on every
access, and every save reaches it (`create_historical_record`): `from_queryset` builds a
new class, walking the queryset's methods with `inspect.getmembers` each time. That was
about a fifth of a single-row create's time (issue 13; docs/performance.md). The class
depends only on the two classes given, so it is made once here.

A change made outside any request (by `manage.py load_demo_data`, say) has no user. While a
command runs (`command_running`, entered by manage.py for every command), such changes get
the change reason `manage.py <command>`, in simple_history's own column, so the history
page can say "system (<command>)" instead of nobody; every writer of history rows asks
`change_reason` for the reason.

Each history row also records where its change came from
(`core.changelog_models.HistorySource`): the admin, or the API surface whose views answered
the request, and the credential an API client used (`source_of`). Both come from the request
simple_history's middleware keeps, with no query: the change log (core/changelog.py) shows
and filters them.
"""

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from importlib import import_module

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, models
from django.db.models.signals import post_save, pre_save
from django.utils import timezone
from simple_history import manager as history_manager
from simple_history import models as history_models
from simple_history.signals import post_create_historical_record, pre_create_historical_record
from simple_history.utils import get_change_reason_from_object

from core.bulk import insert_objects

COMMAND_REASON_PREFIX = "manage.py "
# The source of a change made through the admin (any other is a surface's tag).
ADMIN_SOURCE = "admin"

_running_command: ContextVar[str | None] = ContextVar("running_command", default=None)


@contextmanager
def command_running(name: str) -> Iterator[None]:
    """Record changes made inside, outside any request, as made by the command `name`."""
    token = _running_command.set(name)
    try:
        yield
    finally:
        _running_command.reset(token)


def command_reason() -> str | None:
    """The change reason of the command running now; None inside a request (its user made
    the change, even when a command started the server) or when no command runs."""
    name = _running_command.get()
    if not name or getattr(HistoricalRecords.context, "request", None) is not None:
        return None
    return COMMAND_REASON_PREFIX + name


# The attribute of a request whose changes all get one reason ("Reverted to ... version").
REQUEST_REASON = "history_change_reason"


def request_reason() -> str | None:
    """The change reason set on the request being answered (`REQUEST_REASON`), if any."""
    return getattr(getattr(HistoricalRecords.context, "request", None), REQUEST_REASON, None)


def change_reason(instance) -> str | None:
    """The change reason to record for `instance`: its own (simple_history's
    `_change_reason`), else the request's (a revert's), else the running command's."""
    return get_change_reason_from_object(instance) or request_reason() or command_reason()


def command_of(reason: str | None) -> str | None:
    """The command a recorded change reason names (`load_demo_data`), or None."""
    if reason and reason.startswith(COMMAND_REASON_PREFIX):
        return reason.removeprefix(COMMAND_REASON_PREFIX) or None
    return None


@functools.cache
def _surface_packages() -> tuple[tuple[str, str], ...]:
    """(package of a surface's URLconf + ".", the surface's tag), for every surface the
    project's URLconf mounts (its `SURFACES`): the views of a surface live in its package."""
    surfaces = getattr(import_module(settings.ROOT_URLCONF), "SURFACES", ())
    return tuple(
        (urlconf.rpartition(".")[0] + ".", surface.tag)
        for surface in surfaces
        for _prefix, urlconf in surface.urls
    )


def surface_tags() -> list[str]:
    """The tags of the surfaces a change can come through, in the URLconf's order."""
    return list(dict.fromkeys(tag for _package, tag in _surface_packages()))


def credential_label(auth) -> str:
    """Which stored credential a request was authenticated with, as `<model label>#<id>`
    (core.changelog names it), never its secret; "" for none or a bare token (its user says
    enough). An OAuth2 token stands for its application. Read from what authentication
    loaded, with no query."""
    if auth is None or isinstance(auth, str | bytes):
        return ""
    meta = getattr(auth, "_meta", None)
    if meta is None:
        return ""
    application_id = getattr(auth, "application_id", None)
    if application_id is not None:
        related = meta.get_field("application").related_model._meta
        return f"{related.label_lower}#{application_id}"
    return f"{meta.label_lower}#{auth.pk}"


def source_of(request) -> tuple[str, str]:
    """(source, credential) of a change made while answering `request`: "admin" or the tag of
    the surface whose views answer it ("" for any other page), and the API credential."""
    if request is None:
        return "", ""
    cached = getattr(request, "_history_source", None)
    if cached is not None:
        return cached
    match = getattr(request, "resolver_match", None)
    source = ""
    if match is not None:
        if match.app_name == "admin" or "admin" in match.namespaces:
            source = ADMIN_SOURCE
        else:
            module = getattr(match.func, "__module__", "") + "."
            source = next(
                (tag for package, tag in _surface_packages() if module.startswith(package)), ""
            )
    credential = credential_label(getattr(request, "auth", None)) if source != ADMIN_SOURCE else ""
    result = (source, credential)
    if credential or source == ADMIN_SOURCE:  # DRF sets `auth` during the view: ask again
        request._history_source = result
    return result


def source_fields() -> dict[str, str]:
    """The source fields of a history row written now (for writers of raw history rows)."""
    source, credential = source_of(getattr(HistoricalRecords.context, "request", None))
    return {"history_source": source, "history_credential": credential}


def _record_source(sender, history_instance, **kwargs):
    if hasattr(history_instance, "history_source"):
        for name, value in source_fields().items():
            setattr(history_instance, name, value)


pre_create_historical_record.connect(_record_source, dispatch_uid="core.history.source")


class HistoryManager(history_manager.HistoryManager):
    """simple_history's HistoryManager; `from_queryset` returns the same class each time, and
    bulk-written history rows get the running command's reason."""

    @classmethod
    @functools.cache
    def from_queryset(cls, queryset_class, class_name=None):
        return super().from_queryset(queryset_class, class_name)

    def bulk_history_create(self, objs, *args, default_change_reason="", **kwargs):
        # bulk_create_with_history and bulk_update_with_history write history rows here.
        if not default_change_reason:
            default_change_reason = request_reason() or command_reason() or default_change_reason
        if hasattr(self.model, "history_source"):
            kwargs["custom_historical_attrs"] = {
                **source_fields(),
                **(kwargs.get("custom_historical_attrs") or {}),
            }
        return super().bulk_history_create(
            objs, *args, default_change_reason=default_change_reason, **kwargs
        )


class HistoricalRecords(history_models.HistoricalRecords):
    """simple_history's HistoricalRecords with the HistoryManager above by default, the
    running command's change reason, the change's source (core.changelog_models), and the
    indexes the change log reads with (a person's, a source's or an object's changes,
    newest first)."""

    def __init__(self, *args, history_manager=HistoryManager, bases=(), **kwargs):
        from core.changelog_models import HistorySource  # a model: made once apps load

        super().__init__(
            *args, history_manager=history_manager, bases=(HistorySource, *bases), **kwargs
        )

    def get_meta_options(self, model):
        options = super().get_meta_options(model)
        prefix = f"{model._meta.app_label[:8]}_h{model._meta.model_name[:12]}"
        options["indexes"] = (
            *options.get("indexes", ()),
            models.Index(fields=["history_user", "-history_date"], name=f"{prefix}_user"),
            models.Index(fields=["history_source", "-history_date"], name=f"{prefix}_src"),
            # An object's versions newest first: the change log's old → new reads the
            # version before each change on its page with it.
            models.Index(fields=[model._meta.pk.attname, "-history_date"], name=f"{prefix}_obj"),
        )
        return options

    def get_change_reason_for_object(self, instance, history_type, using):
        return change_reason(instance)

    def create_historical_record(self, instance, history_type, using=None):
        """simple_history's, with the row written from the values at hand by one INSERT
        (core.bulk.insert_objects) instead of the history model's save(): no pre_save and
        post_save signals for it (nothing listens to them), no SQL compiled per row. The
        same row, the same pre/post_create_historical_record signals. Models whose history
        has many-to-many fields, or with receivers of the history model's save signals,
        keep simple_history's path."""
        using = using if self.use_base_model_db else None
        manager = getattr(instance, self.manager_name)
        model = manager.model
        if (
            self.get_m2m_fields_from_model(instance)
            or getattr(model, "history_relation", None) is not None
            or pre_save.has_listeners(model)
            or post_save.has_listeners(model)
            or using not in (None, DEFAULT_DB_ALIAS)
        ):
            return super().create_historical_record(instance, history_type, using)
        history_date = getattr(instance, "_history_date", timezone.now())
        history_user = self.get_history_user(instance)
        history_change_reason = self.get_change_reason_for_object(instance, history_type, using)
        history_instance = model(
            history_date=history_date,
            history_type=history_type,
            history_user=history_user,
            history_change_reason=history_change_reason,
            **{
                field.attname: getattr(instance, field.attname)
                for field in self.fields_included(instance)
            },
        )
        signal = {
            "sender": model,
            "instance": instance,
            "history_date": history_date,
            "history_user": history_user,
            "history_change_reason": history_change_reason,
            "history_instance": history_instance,
            "using": using,
        }
        pre_create_historical_record.send(**signal)
        insert_objects([history_instance])
        post_create_historical_record.send(**signal)
