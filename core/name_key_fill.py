"""Filling a new name-key column for rows that existed before it (used by data migrations).

Policy for rows that collide under the new key (documented in docs/names.md):

- Within one scope (the whole table, or one account, or one tag type), rows are visited
  in the order given (oldest first; default conversation statuses before all others).
  The first row with a key keeps its name. Names that were already unique are never
  changed.
- Every later row with the same key is renamed by appending " (2)", " (3)", ... to its
  name (cutting the name short when the result would exceed the field's length), taking
  the first number whose key is not used by any row of the scope.
- A name whose key is empty (only spaces or invisible characters) is renamed the same way,
  starting from "Unnamed".
- Rows that need not be unique (soft-deleted reasons) get their key and keep their name.
- Each rename is recorded in the change history (without a user, with a reason).
"""

from django.utils import timezone

from core.text import name_key

UNNAMED = "Unnamed"
RENAME_REASON = "Renamed: same name as another one (Unicode-aware comparison)"
BATCH_SIZE = 500


def _candidate(base, number, max_length):
    suffix = f" ({number})"
    return f"{base[: max_length - len(suffix)].rstrip()}{suffix}"


def fill_name_keys(
    model,
    *,
    source,
    key,
    scope=(),
    live=None,
    order_by=("pk",),
    history_model=None,
):
    """Set `key` = name_key(`source`) on every row; rename duplicates (see the module doc)."""
    max_length = model._meta.get_field(source).max_length
    rows = list(model.objects.order_by(*order_by))
    competing = [row for row in rows if live is None or live(row)]
    taken, losers = set(), []
    for row in competing:
        row_key = (*(getattr(row, field) for field in scope), name_key(getattr(row, source)))
        if row_key[-1] and row_key not in taken:
            taken.add(row_key)
        else:
            losers.append(row)
    renamed = []
    for row in losers:
        base = getattr(row, source).strip() if name_key(getattr(row, source)) else UNNAMED
        scope_values = tuple(getattr(row, field) for field in scope)
        number = 1 if base == UNNAMED else 2
        while True:
            name = base if number == 1 else _candidate(base, number, max_length)
            if (*scope_values, name_key(name)) not in taken:
                break
            number += 1
        taken.add((*scope_values, name_key(name)))
        setattr(row, source, name)
        renamed.append(row)
    for row in rows:
        setattr(row, key, name_key(getattr(row, source)))
    model.objects.bulk_update(rows, [source, key], batch_size=BATCH_SIZE)
    if history_model is not None:
        _record_renames(model, history_model, renamed)
        history = list(history_model.objects.only("pk", source))
        for entry in history:
            setattr(entry, key, name_key(getattr(entry, source)))
        history_model.objects.bulk_update(history, [key], batch_size=BATCH_SIZE)
    return renamed


def _record_renames(model, history_model, renamed):
    now = timezone.now()
    entries = []
    for row in renamed:
        entry = history_model(
            history_date=now,
            history_type="~",
            history_change_reason=RENAME_REASON,
            history_user=None,
        )
        for field in model._meta.concrete_fields:
            setattr(entry, field.attname, getattr(row, field.attname))
        entries.append(entry)
    history_model.objects.bulk_create(entries, batch_size=BATCH_SIZE)
