"""Bulk INSERTs for hot writes, where the ORM's per-value machinery costs more than the
statements themselves (issue 13), and where Django's bulk_create would split a batch into
many statements on SQLite (it assumes 999 parameters per statement; the linked SQLite
allows far more, and says how many).

`insert_rows` writes rows given column by column in as few statements as the connection
allows (one per batch on PostgreSQL, through UNNEST); `insert_objects` does it for unsaved
model instances. Nothing here sends signals or calls `pre_save`: callers set every field.
"""

import sqlite3
from collections.abc import Sequence

from django.db import connections, models, router

# Values that both drivers (sqlite3, psycopg) take as they are, exactly as the fields'
# get_db_prep_save would give them.
_PLAIN_FIELDS = (models.CharField, models.TextField, models.IntegerField, models.BooleanField)
# PostgreSQL takes at most 65,535 parameters in one statement.
_POSTGRES_MAX_PARAMS = 65_535


def plain(field: models.Field) -> bool:
    if field.is_relation:
        field = field.target_field
    return isinstance(field, _PLAIN_FIELDS)


def max_params(connection) -> int:
    """The most parameters one statement may carry on this connection."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return connection.features.max_query_params or _POSTGRES_MAX_PARAMS


def insert_rows(connection, model, fields, columns, *, returning: str | None = None) -> list:
    """INSERT rows given as `columns` (one list of prepared values per field of `fields`);
    the `returning` column of each row, in the order of the rows.

    On PostgreSQL, several rows go in as one array per column (`SELECT * FROM UNNEST(...)`,
    as Django's own bulk_create does there): psycopg's work for a statement grows with its
    placeholders. Elsewhere, `VALUES (...), (...)` in as few statements as the connection's
    parameter limit allows."""
    qn = connection.ops.quote_name
    # Only quoted identifiers of the model go into the SQL; every value is a parameter.
    table, names = qn(model._meta.db_table), ", ".join(qn(field.column) for field in fields)
    head = f"INSERT INTO {table} ({names}) "
    tail = f" RETURNING {qn(returning)}" if returning else ""
    count = len(columns[0])
    if connection.vendor == "postgresql" and count > 1:
        # The array types without their modifiers (varchar[], not varchar(100)[]).
        types = [field.db_type(connection).split("(")[0] for field in fields]
        arrays = ", ".join(f"(%s)::{db_type}[]" for db_type in types)
        unnest = f"SELECT * FROM UNNEST({arrays})"  # noqa: S608
        statements = [(unnest, [list(column) for column in columns])]
    else:
        rows = list(zip(*columns, strict=True))
        placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"
        per_statement = max(1, max_params(connection) // len(fields))
        statements = [
            (
                "VALUES " + ", ".join([placeholder] * len(chunk)),
                [value for row in chunk for value in row],
            )
            for chunk in (rows[i : i + per_statement] for i in range(0, count, per_statement))
        ]
    returned = []
    with connection.cursor() as cursor:
        for body, params in statements:
            cursor.execute(head + body + tail, params)
            if returning:
                returned.extend(row[0] for row in cursor.fetchall())
    return returned


def prepared(field, values: list, connection) -> list:
    """The values as the field's get_db_prep_save gives them to the driver: as they are for
    plain fields, else once for each distinct value (the batch's one timestamp)."""
    if plain(field):
        return values
    memo: dict = {}
    prepared = []
    for value in values:
        try:
            prepared.append(memo[value])
        except KeyError:
            prepared.append(memo.setdefault(value, field.get_db_prep_save(value, connection)))
        except TypeError:  # unhashable
            prepared.append(field.get_db_prep_save(value, connection))
    return prepared


def insert_objects(objs: Sequence[models.Model]) -> list:
    """INSERT the unsaved `objs` (one model, every field set, `auto_now` ones included) in
    as few statements as the connection allows. A primary key set on every obj (a UUID) is
    written; otherwise the database's ids are read back (RETURNING) and set on the objs."""
    objs = list(objs)
    if not objs:
        return objs
    model = type(objs[0])
    connection = connections[router.db_for_write(model)]
    pk = model._meta.pk
    own_keys = all(getattr(obj, pk.attname) is not None for obj in objs)
    fields = [f for f in model._meta.concrete_fields if own_keys or f is not pk]
    columns = [prepared(f, [getattr(obj, f.attname) for obj in objs], connection) for f in fields]
    returning = None if own_keys else pk.column
    ids = insert_rows(connection, model, fields, columns, returning=returning)
    for n, obj in enumerate(objs):
        if not own_keys:
            setattr(obj, pk.attname, ids[n])
        obj._state.adding, obj._state.db = False, connection.alias
    return objs
