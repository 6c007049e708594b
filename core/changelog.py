"""The change log: one admin page listing every recorded change, newest first, across every
model whose history the portal keeps (core.history.HistoricalRecords).

`core` names no model: the tables are the admin's registered models that have a history.
A manager sees a table's rows only with the view permission of its model, and only the rows
its own history page would show: those of objects the model admin's queryset lets the
manager see (another account's reasons are hidden), or that no longer exist.

The query stays fast however long the history grows: one UNION ALL of the tables, each part
filtered, ordered by its (history_date) index and limited to one page, then merged; pages
follow a keyset cursor (date, table, history id), so a later page costs as little as the
first. The page's rows and their previous versions (for old → new) are then read with two
queries per table on the page, whatever the page size (docs/performance.md).
"""

import datetime
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import OuterRef, Q, Subquery
from django.http import QueryDict
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from core.history import ADMIN_SOURCE, command_of, surface_tags

PAGE_SIZE = 50
# The `source` filter's value for changes that came through no surface nor the admin.
OTHER_SOURCE = "-"


@dataclass(frozen=True)
class Table:
    """One model's history, as the change log reads it."""

    model: type
    model_admin: object
    rank: int  # its place among all history tables: the cursor's tie-breaker

    @property
    def history_model(self):
        return getattr(self.model, self.model._meta.simple_history_manager_attribute).model

    @property
    def key(self) -> str:
        return self.model._meta.label_lower

    def label(self) -> str:
        return str(self.model._meta.verbose_name_plural).capitalize()


def history_tables(site) -> list[Table]:
    """Every model registered with the admin `site` that keeps a history, by label."""
    models = sorted(
        (
            model
            for model in site._registry
            if hasattr(model._meta, "simple_history_manager_attribute")
        ),
        key=lambda model: model._meta.label_lower,
    )
    return [Table(model, site._registry[model], rank) for rank, model in enumerate(models)]


def visible_tables(request, site) -> list[Table]:
    """The history tables `request.user` may read (the model admin's view permission)."""
    return [
        table for table in history_tables(site) if table.model_admin.has_view_permission(request)
    ]


def out_of_scope(request, table: Table) -> Q:
    """The history rows of objects that exist but that the model admin's queryset hides from
    the user (core.admin's `_refuse_out_of_scope`, the rule of each object's history page);
    an empty Q when the queryset hides nothing."""
    shown = table.model_admin.get_queryset(request)
    if not shown.query.where:
        return Q()
    hidden = table.model._default_manager.exclude(pk__in=shown.values("pk")).values("pk")
    return Q(**{f"{table.model._meta.pk.attname}__in": Subquery(hidden)})


@dataclass
class Filters:
    """The change log's filters, read from the query string (invalid values are ignored)."""

    user: int | None = None
    source: str = ""
    kind: str = ""
    since: datetime.date | None = None
    until: datetime.date | None = None
    cursor: tuple[datetime.datetime, int, int] | None = None
    errors: list[str] = field(default_factory=list)

    @classmethod
    def from_query(cls, query) -> "Filters":
        filters = cls(source=query.get("source", ""), kind=query.get("type", ""))
        user = query.get("user", "")
        if user.isdigit() and len(user) < 19:
            filters.user = int(user)
        for name in ("since", "until"):
            raw = query.get(name, "")
            try:
                value = parse_date(raw) if raw else None
            except ValueError:
                value = None
            if raw and value is None:
                filters.errors.append(_("Enter a date as YYYY-MM-DD."))
            setattr(filters, name, value)
        filters.cursor = parse_cursor(query.get("after", ""))
        return filters

    def query(self, **changes) -> str:
        """The query string of these filters, with `changes` (None drops a parameter)."""
        values = {
            "user": self.user,
            "source": self.source,
            "type": self.kind,
            "since": self.since,
            "until": self.until,
            **changes,
        }
        query = QueryDict(mutable=True)
        for name, value in values.items():
            if value not in (None, ""):
                query[name] = str(value)
        return query.urlencode()


def cursor_of(change) -> str:
    """The cursor of the page that follows `change` (its date, table and history id)."""
    return f"{change.history_date.isoformat()}~{change.rank}~{change.history_id}"


def parse_cursor(raw: str) -> tuple[datetime.datetime, int, int] | None:
    parts = raw.split("~")
    if len(parts) != 3 or not parts[1].isdigit() or not parts[2].isdigit():
        return None
    try:
        date = parse_datetime(parts[0])
    except ValueError:
        return None
    if date is None or len(parts[2]) > 18:
        return None
    if timezone.is_naive(date):
        date = timezone.make_aware(date, datetime.UTC)
    return date, int(parts[1]), int(parts[2])


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def table_rows(request, table: Table, filters: Filters, limit: int):
    """One table's part of the page: its rows (history id, date, rank) after the cursor that
    pass the filters, newest first, `limit` of them at most."""
    rows = table.history_model.objects.all()
    scope = out_of_scope(request, table)
    if scope:
        rows = rows.exclude(scope)
    if filters.user is not None:
        rows = rows.filter(history_user_id=filters.user)
    if filters.source == OTHER_SOURCE:
        rows = rows.filter(history_source="")
    elif filters.source:
        rows = rows.filter(history_source=filters.source)
    if filters.since:
        rows = rows.filter(history_date__gte=_day_start(filters.since))
    if filters.until:
        rows = rows.filter(history_date__lt=_day_start(filters.until + datetime.timedelta(days=1)))
    if filters.cursor:
        date, rank, history_id = filters.cursor
        # Rows after the cursor in the order (date, rank, id), all descending.
        if table.rank < rank:
            rows = rows.filter(history_date__lte=date)
        elif table.rank == rank:
            rows = rows.filter(
                Q(history_date__lt=date) | Q(history_date=date, history_id__lt=history_id)
            )
        else:
            rows = rows.filter(history_date__lt=date)
    return rows.order_by("-history_date", "-history_id").values_list("history_id", "history_date")[
        :limit
    ]


def page_keys(request, tables: list[Table], filters: Filters, limit: int) -> list[tuple]:
    """(rank, history id) of the page's rows, newest first: one UNION ALL query of
    each table's own ordered, limited part."""
    parts, params = [], []
    for table in tables:
        sql, part_params = table_rows(request, table, filters, limit).query.sql_with_params()
        # Django compiled each part; the ranks are integers; every value is a parameter.
        alias = f"t{int(table.rank)}"
        parts.append(f"SELECT {int(table.rank)} AS log_rank, {alias}.* FROM ({sql}) AS {alias}")  # noqa: S608
        params.extend(part_params)
    if not parts:
        return []
    sql = (
        "SELECT log_rank, history_id, history_date FROM ("  # noqa: S608 (see above)
        + " UNION ALL ".join(parts)
        + ") AS changes ORDER BY history_date DESC, log_rank DESC, history_id DESC LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit])
        return [(rank, history_id) for rank, history_id, _date in cursor.fetchall()]


@dataclass
class Change:
    """One row of the change log."""

    table: Table
    record: object
    previous: object | None
    rank: int
    history_id: int

    @property
    def history_date(self) -> datetime.datetime:
        return self.record.history_date

    def who(self) -> str:
        if self.record.history_user_id is not None:
            return str(self.record.history_user)
        command = command_of(self.record.history_change_reason)
        return _("system (%(command)s)") % {"command": command} if command else _("system")

    credential_name: str = ""
    person_query: str = ""  # the query string that filters the log by this change's user

    def credential(self) -> str:
        return self.credential_name

    def source(self) -> str:
        source = self.record.history_source
        return _("Admin") if source == ADMIN_SOURCE else source

    def reason(self) -> str:
        reason = self.record.history_change_reason or ""
        return "" if command_of(reason) else reason

    def object_name(self) -> str:
        return str(self.record.history_object)

    def type_label(self) -> str:
        return str(self.table.model._meta.verbose_name).capitalize()

    def action(self) -> str:
        return self.record.get_history_type_display()

    def changes(self) -> list:
        if self.record.history_type != "~" or self.previous is None:
            return []
        return self.record.diff_against(self.previous).changes

    def _url(self, view, *args) -> str | None:
        opts = self.table.model._meta
        try:
            return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)
        except NoReverseMatch:
            return None

    def history_url(self) -> str | None:
        return self._url("history", self.record.instance.pk)

    def revert_url(self) -> str | None:
        return self._url("simple_history", self.record.instance.pk, self.history_id)


def load_changes(tables: list[Table], keys: list[tuple]) -> list[Change]:
    """The page's rows with their users and previous versions: two queries per table on the
    page (its rows, with the id of each one's previous version; those versions)."""
    by_rank = {table.rank: table for table in tables}
    wanted: dict[int, list[int]] = {}
    for rank, history_id in keys:
        wanted.setdefault(rank, []).append(history_id)
    records, previous = {}, {}
    for rank, ids in wanted.items():
        history_model = by_rank[rank].history_model
        pk = by_rank[rank].model._meta.pk.attname
        earlier = history_model.objects.filter(
            **{pk: OuterRef(pk)}, history_date__lt=OuterRef("history_date")
        ).order_by("-history_date", "-history_id")
        found = list(
            history_model.objects.filter(history_id__in=ids)
            .select_related("history_user")
            .annotate(previous_id=Subquery(earlier.values("history_id")[:1]))
        )
        prior_ids = [record.previous_id for record in found if record.previous_id]
        prior = {
            record.history_id: record
            for record in (
                history_model.objects.filter(history_id__in=prior_ids) if prior_ids else []
            )
        }
        for record in found:
            records[(rank, record.history_id)] = record
            previous[(rank, record.history_id)] = prior.get(record.previous_id)
    return [
        Change(by_rank[rank], records[(rank, hid)], previous[(rank, hid)], rank, hid)
        for rank, hid in keys
        if (rank, hid) in records
    ]


def changelog(request, site, filters: Filters, page_size: int | None = None):
    """The page of changes `filters` select for `request.user`, and whether more follow."""
    page_size = page_size or PAGE_SIZE
    tables = visible_tables(request, site)
    if filters.kind:
        tables = [table for table in tables if table.key == filters.kind]
    keys = page_keys(request, tables, filters, page_size + 1)
    more = len(keys) > page_size
    changes = load_changes(tables, keys[:page_size])
    name_credentials(changes)
    return changes, more


def name_credentials(changes: list["Change"]) -> None:
    """Name the credential of each change (`<model label>#<id>`, core.history): by its
    `name` when its model has one (one query per kind of credential on the page), else by
    the model's name and the id."""
    wanted: dict[str, set[str]] = {}
    for change in changes:
        label, _sep, pk = change.record.history_credential.partition("#")
        if label and pk:
            wanted.setdefault(label, set()).add(pk)
    names = {}
    for label, pks in wanted.items():
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            continue
        kind = str(model._meta.verbose_name)
        named = {}
        if any(field.name == "name" for field in model._meta.concrete_fields):
            try:
                found = model._default_manager.filter(pk__in=pks).values_list("pk", "name")
                named = {str(pk): name for pk, name in found}
            except (ValueError, ValidationError):
                named = {}
        for pk in pks:
            name = named.get(pk)
            names[f"{label}#{pk}"] = f"{kind} “{name}”" if name else f"{kind} #{pk}"
    for change in changes:
        change.credential_name = names.get(change.record.history_credential, "")


def people(chosen: int | None):
    """The people the person filter offers, by username: the staff (who work in the admin),
    and the person chosen. Anyone else (an API client's user) is picked by clicking their
    name on a row: the list stays short however many users the APIs have."""
    shown = Q(is_staff=True) | Q(pk=chosen) if chosen is not None else Q(is_staff=True)
    return get_user_model().objects.filter(shown).order_by("username").only("pk", "username")


def sources() -> list[tuple[str, str]]:
    """The product filter's choices: the admin, each surface, and anything else."""
    return [
        (ADMIN_SOURCE, _("Admin")),
        *((tag, tag) for tag in surface_tags()),
        (OTHER_SOURCE, _("Other (commands, data migrations)")),
    ]


def changelog_view(site, request):
    """The change log page (the admin site's `changelog` URL)."""
    filters = Filters.from_query(request.GET)
    changes, more = changelog(request, site, filters)
    for change in changes:  # a user's name filters the log by them
        user_id = change.record.history_user_id
        change.person_query = filters.query(user=user_id) if user_id is not None else ""
    tables = visible_tables(request, site)
    context = {
        **site.each_context(request),
        "title": _("Change log"),
        "changes": changes,
        "filters": filters,
        "people": people(filters.user),
        "sources": sources(),
        "types": [(table.key, table.label()) for table in tables],
        "next_query": filters.query(after=cursor_of(changes[-1])) if more else None,
        "first_query": filters.query() if filters.cursor else None,
        "filtered": any((filters.user, filters.source, filters.kind, filters.since, filters.until)),
    }
    return TemplateResponse(request, "admin/changelog/changelog.html", context)
