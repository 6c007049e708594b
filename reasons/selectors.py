"""Reads of accounts and reasons that several doors share (admin, import, API, dashboard)."""

from collections.abc import Sequence
from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connections, models, router
from django.db.models import Exists, Q, QuerySet
from django.utils.translation import gettext as _

from core.errors import NotFoundError
from core.ids import parse_id
from core.text import name_key
from reasons.models import Account, StatusReason


def account_list_for(*, user) -> QuerySet[Account]:
    """The accounts `user` may see and work on: all for a superuser, else their own."""
    if user.is_superuser:
        return Account.objects.all()
    if not (user and user.is_authenticated):
        return Account.objects.none()
    return Account.objects.filter(members=user)


def account_visible_to(account_id: str, user_id) -> Q:
    """The rule of `account_list_for` as a condition on a user id (an OuterRef): the user
    is a superuser or a member of `account_id`. Checks many users in one query."""
    User = get_user_model()
    return Q(
        Exists(
            User.objects.filter(pk=user_id).filter(
                Q(is_superuser=True) | Q(liveperson_accounts=account_id)
            )
        )
    )


REASON_PERMISSIONS = (
    "view_statusreason",
    "add_statusreason",
    "change_statusreason",
    "delete_statusreason",
)


def reason_permission_ids_of(*, user, codenames: Sequence[str] = REASON_PERMISSIONS) -> list[int]:
    """The ids of the reason permissions `user` holds (all for a superuser), directly or
    through a group: what `user.has_perm` reads for them. `codenames` narrows them."""
    permissions = Permission.objects.filter(
        content_type__app_label="reasons", codename__in=codenames
    )
    if not user.is_superuser:
        permissions = permissions.filter(Q(user=user) | Q(group__user=user))
    return sorted(set(permissions.values_list("pk", flat=True)))


def reason_list(*, account: Account, include_deleted: bool = False) -> QuerySet[StatusReason]:
    """An account's reasons in display order (position, then id), each with its position
    as `order`; soft-deleted ones only when asked."""
    reasons = StatusReason.objects.filter(account=account)
    if not include_deleted:
        return reasons.filter(deleted=False).order_by("sort_key", "id")
    return reasons.order_by("position", "id")


# The kinds of StatusReason columns reason_list_values reads as the driver gives them
# (booleans are made bool: SQLite gives 0 or 1).
_PLAIN = (models.AutoField, models.CharField, models.IntegerField, models.BooleanField)


@cache
def _list_values_sql(vendor: str, fields: tuple[str, ...], include_deleted: bool):
    """The SQL of reason_list_values (quoted names only), which of its columns are
    booleans, and where `order` is among them (None: not asked for)."""
    connection = connections[router.db_for_read(StatusReason)]
    qn = connection.ops.quote_name
    meta = StatusReason._meta
    # `deleted` and `order` last, to number the rows (reason_list_values).
    names = ("id", *fields, "deleted", "order")
    columns = [meta.get_field(name) for name in names]
    if not all(isinstance(field, _PLAIN) for field in columns):
        raise ValueError(f"reason_list_values reads plain columns only, not {fields}")

    def column(name):
        return f"r.{qn(meta.get_field(name).column)}"

    live = "" if include_deleted else f" AND {column('deleted')} = %s"
    account_key = f"a.{qn(Account._meta.pk.column)}"
    # Quoted names of the models only; the values are parameters.
    revision = f"a.{qn(Account._meta.get_field('revision').column)}"
    sql = (
        f"SELECT {revision}, "  # noqa: S608
        + ", ".join(f"r.{qn(field.column)}" for field in columns)
        + f" FROM {qn(Account._meta.db_table)} a"
        + f" LEFT JOIN {qn(meta.db_table)} r ON {column('account')} = {account_key}{live}"
        + f" WHERE {account_key} = %s"
        # The live ones first, by sort key: their positions are their ranks.
        + f" ORDER BY {column('deleted')}, {column('sort_key')}, {column('id')}"
    )
    booleans = [
        i for i, name in enumerate(fields) if isinstance(meta.get_field(name), models.BooleanField)
    ]
    order = fields.index("order") if "order" in fields else None
    return sql, booleans, order


def reason_list_values(
    *, account_id: str, fields: Sequence[str], include_deleted: bool = False
) -> tuple[int | None, list[tuple]]:
    """The account's revision and the `fields` (plain columns) of its reasons, in
    reason_list's order and with its filter, in one query (the account LEFT JOIN its
    reasons): (None, []) for an unknown account. `order` is the position: a live reason's
    is its rank by sort key, counted here; a deleted one's is the one it had. For replies
    that show these columns only: no model instances, and fixed SQL (the ORM's compiling
    of this query was half of the LivePerson list's cost)."""
    connection = connections[router.db_for_read(StatusReason)]
    sql, booleans, order = _list_values_sql(connection.vendor, tuple(fields), include_deleted)
    params = [account_id] if include_deleted else [False, account_id]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows:
        return None, []
    revision = rows[0][0]
    if rows[0][1] is None:  # the account has no such reason: one row of NULLs
        return revision, []
    # Each row: the revision, the id, the fields, then `deleted` and the stored `order`.
    if not booleans and order is None and not include_deleted:
        return revision, [row[2:-2] for row in rows]
    numbered = []
    for rank, row in enumerate(rows, start=1):
        values = list(row[2:-2])
        for index in booleans:
            values[index] = bool(values[index])
        position = row[-1] if row[-2] else rank  # the live rows come first
        if order is not None:
            values[order] = position
        numbered.append((position, row[1], tuple(values)))
    if include_deleted:
        # The deleted ones at the positions they had, among the live ones (then by id).
        numbered.sort(key=lambda entry: entry[:2])
    return revision, [values for _position, _id, values in numbered]


def reason_get(
    *, account: Account, reason_id: int | str, include_deleted: bool = False
) -> StatusReason:
    """One reason of the account (`reason_id` as read from a path), or `not_found`."""
    reasons = reason_list(account=account, include_deleted=include_deleted)
    reason = reasons.filter(pk=parse_id(reason_id)).first()
    if reason is None:
        raise NotFoundError(
            _("Status reason %(id)s not found") % {"id": reason_id}, params={"value": reason_id}
        )
    return reason


def reason_text_taken(*, account_id: str, text: str, exclude_id: int | None = None) -> bool:
    """Whether a live reason of the account already uses this text (by name_key)."""
    return (
        StatusReason.objects.filter(account_id=account_id, deleted=False, text_key=name_key(text))
        .exclude(pk=exclude_id)
        .exists()
    )
