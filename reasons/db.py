"""Lean SQL for the reasons' hot writes, where the ORM's per-value machinery costs more
than the statements themselves (issue 13: the 1,000-item LivePerson bulk create).

`insert_with_history` writes new rows and their `+` history rows (django-simple-history)
in two INSERTs however many rows there are, as simple_history's bulk_create_with_history
does, but without a model instance per history row or the insert compiler's work per value.
`bump_revision` locks an account and raises its revision in one statement. `first_key`
reads the first sort key of an account's live reasons, `live_positions` numbers some live
reasons by their keys (the admin's pages), and `set_values` writes a different
value to each of many rows in one UPDATE (the reasons' sort keys after a rebalance,
reasons.services).
"""

import sqlite3
from collections.abc import Sequence
from datetime import datetime

from django.conf import settings
from django.db import connections, models, router
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from core import bulk
from core.bulk import insert_rows, max_params
from core.history import change_reason, source_fields


def insert_with_history(objs: Sequence[models.Model], *, now: datetime | None = None) -> list:
    """Insert the unsaved `objs` (one model, auto primary key, their fields already set:
    nothing here calls pre_save, so auto_now fields must be set by the caller) with one
    INSERT that returns their ids, then their history rows with one more INSERT, dated
    `now`. The same rows as bulk_create_with_history writes; the objs, with their ids."""
    objs = list(objs)
    if not objs:
        return objs
    model = type(objs[0])
    connection = connections[router.db_for_write(model)]
    if not connection.features.can_return_rows_from_bulk_insert:
        return bulk_create_with_history(objs, model)
    now = now or timezone.now()
    pk = model._meta.pk
    fields = [field for field in model._meta.concrete_fields if field is not pk]
    prepared = {
        field.attname: bulk.prepared(
            field, [getattr(obj, field.attname) for obj in objs], connection
        )
        for field in fields
    }
    ids = insert_rows(connection, model, fields, list(prepared.values()), returning=pk.column)
    for obj, obj_id in zip(objs, ids, strict=True):
        setattr(obj, pk.attname, obj_id)
        obj._state.adding, obj._state.db = False, connection.alias
    prepared[pk.attname] = ids
    if getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        _insert_history(connection, model, objs, prepared, now)
    return objs


def _insert_history(connection, model, objs, prepared, now) -> None:
    """The `+` history row of each obj, as simple_history's bulk_history_create makes it."""
    history = model.history.model
    # All objs are fresh and created by one request: one user for all of them.
    user = history.get_default_history_user(objs[0])
    extra = {
        "history_date": bulk.prepared(history._meta.get_field("history_date"), [now], connection)
        * len(objs),
        "history_change_reason": [change_reason(obj) for obj in objs],
        "history_type": ["+"] * len(objs),
        "history_user_id": [getattr(user, "pk", None)] * len(objs),
        # Where the change came from (the change log's source and credential).
        **{name: [value] * len(objs) for name, value in source_fields().items()},
    }
    fields = [field for field in history._meta.concrete_fields if not field.primary_key]
    columns = [prepared.get(field.attname) or extra[field.attname] for field in fields]
    insert_rows(connection, history, fields, columns)


def bump_revision(model, pk, *, field: str = "revision") -> int | None:
    """Raise the row's `field` by one and return its new value, in one statement that also
    locks the row until the transaction ends (any later writer waits, as after SELECT ...
    FOR UPDATE); None when no row has this primary key."""
    connection = connections[router.db_for_write(model)]
    if connection.vendor not in {"sqlite", "postgresql"}:  # no UPDATE ... RETURNING
        row = model._default_manager.select_for_update().filter(pk=pk).values(field).first()
        if row is None:
            return None
        model._default_manager.filter(pk=pk).update(**{field: models.F(field) + 1})
        return row[field] + 1
    qn = connection.ops.quote_name
    table, column = qn(model._meta.db_table), qn(model._meta.get_field(field).column)
    key = qn(model._meta.pk.column)
    sql = f"UPDATE {table} SET {column} = {column} + 1 WHERE {key} = %s RETURNING {column}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        row = cursor.fetchone()
    return None if row is None else row[0]


def _where(model, connection, where: dict) -> tuple[str, list]:
    """`a = %s AND b = %s` over the model's columns named by the fields of `where`."""
    qn = connection.ops.quote_name
    terms = [f"{qn(model._meta.get_field(name).column)} = %s" for name in where]
    params = [
        model._meta.get_field(name).get_db_prep_value(value, connection)
        for name, value in where.items()
    ]
    return " AND ".join(terms), params


def first_key(model, account_id) -> int | None:
    """The smallest sort key of the account's live reasons (None: it has none). One
    SELECT on the (account, deleted, sort_key) index, without the ORM's compiling (it runs
    on every create without an order)."""
    connection = connections[router.db_for_write(model)]
    qn = connection.ops.quote_name
    column = qn(model._meta.get_field("sort_key").column)
    condition, params = _where(model, connection, {"account": account_id, "deleted": False})
    sql = f"SELECT MIN({column}) FROM {qn(model._meta.db_table)} WHERE {condition}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def live_positions(model, reasons: Sequence[tuple[int, str]]) -> dict[int, int]:
    """The positions of the live reasons `reasons` ((id, account id) pairs) by id: each one's
    rank among its account's live reasons by (sort_key, id), numbered by the database in one
    window over those accounts' live reasons (one SELECT for as many reasons as the
    connection's parameter limit allows), not by a count per reason."""
    connection = connections[router.db_for_read(model)]
    qn = connection.ops.quote_name
    meta = model._meta
    table, pk = qn(meta.db_table), qn(meta.pk.column)
    account, deleted, key = (
        qn(meta.get_field(name).column) for name in ("account", "deleted", "sort_key")
    )
    deleted_value = meta.get_field("deleted").get_db_prep_value(False, connection)
    positions: dict[int, int] = {}
    rows = list(reasons)
    per_statement = max(1, (max_params(connection) - 1) // 2)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            accounts = sorted({account_id for _pk, account_id in chunk})
            ids = [reason_id for reason_id, _account in chunk]
            sql = (
                f"SELECT n.id, n.position FROM (SELECT {pk} AS id, ROW_NUMBER() OVER "  # noqa: S608
                f"(PARTITION BY {account} ORDER BY {key}, {pk}) AS position FROM {table} "
                f"WHERE {deleted} = %s AND {account} IN ({', '.join(['%s'] * len(accounts))})"
                f") n WHERE n.id IN ({', '.join(['%s'] * len(ids))})"
            )
            cursor.execute(sql, [deleted_value, *accounts, *ids])
            positions.update(cursor.fetchall())
    return positions


def set_values(model, field: str, values: dict) -> None:
    """Set `field` to `values[pk]` on each row named by a primary key of `values`: one UPDATE
    that joins the rows to their new values (as many as the connection's parameter limit
    requires), not one per row. Plain integer columns only (the reasons' sort keys)."""
    if not values:
        return
    connection = connections[router.db_for_write(model)]
    qn = connection.ops.quote_name
    table, pk = qn(model._meta.db_table), qn(model._meta.pk.column)
    column = qn(model._meta.get_field(field).column)
    if connection.vendor == "postgresql":
        key_type, value_type = (
            f.db_type(connection).split("(")[0]
            for f in (model._meta.pk, model._meta.get_field(field))
        )
        sql = (
            f"UPDATE {table} SET {column} = v.value "  # noqa: S608
            f"FROM UNNEST(%s::{key_type}[], %s::{value_type}[]) AS v(pk, value) "
            f"WHERE {table}.{pk} = v.pk"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [list(values), list(values.values())])
        return
    if connection.vendor != "sqlite" or sqlite3.sqlite_version_info < (3, 33, 0):
        # No UPDATE ... FROM here: the ORM's CASE WHEN, in its own batches.
        pk_name = model._meta.pk.attname
        rows = [model(**{pk_name: key, field: value}) for key, value in values.items()]
        model._default_manager.bulk_update(rows, [field])
        return
    rows = list(values.items())
    per_statement = max(1, max_params(connection) // 2)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            sql = (
                f"UPDATE {table} SET {column} = v.column2 "  # noqa: S608
                f"FROM (VALUES {', '.join(['(%s, %s)'] * len(chunk))}) AS v "
                f"WHERE {table}.{pk} = v.column1"
            )
            cursor.execute(sql, [value for row in chunk for value in row])
