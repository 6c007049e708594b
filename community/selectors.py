"""Reads of community data for the SelfCommunity API's hot paths.

A page of status posts is loaded as plain values, not model instances, in a fixed number
of queries whatever the page size: the page (with each author and profile), the
categories of its posts, the categories' parents, every tag it shows (the categories',
the addressing and the contribution tags, in one query) and the media. A list counts its
posts only up to a cap (`count_capped`).
"""

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from functools import cache
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connections, router
from django.db.models import F, QuerySet

from community.models import (
    Category,
    Media,
    MemberProfile,
    Status,
    StatusFollow,
    StatusSuspend,
    StatusVote,
    Tag,
)

# How many matching posts a list counts at most; settings.COMMUNITY_COUNT_CAP overrides it.
DEFAULT_COUNT_CAP = 10_000


def count_cap() -> int:
    return getattr(settings, "COMMUNITY_COUNT_CAP", DEFAULT_COUNT_CAP)


def count_capped(queryset: QuerySet, *, cap: int) -> tuple[int, bool]:
    """How many rows `queryset` has, reading at most `cap + 1` of them:
    `(n, False)` when there are at most `cap`, else `(cap + 1, True)`."""
    n = queryset.order_by()[: cap + 1].count()
    return n, n > cap


def estimate(queryset: QuerySet) -> int | None:
    """The planner's estimate of how many rows `queryset` has (PostgreSQL's `EXPLAIN`), or
    None on a database that gives none."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


# --- the columns a reply shows ---------------------------------------------------------------

STATUS_COLUMNS = (
    "id",
    "action",
    "html",
    "summary",
    "slug",
    "location",
    "location_lat",
    "location_lng",
    "added_at",
    "last_activity_at",
    "last_edited_at",
    "deleted",
    "collapsed",
    "comment_count",
    "view_count",
    "vote_count",
    "flag_count",
    "share_count",
    "follower_count",
)
AUTHOR_COLUMNS = ("id", "username", "first_name", "last_name", "date_joined")
PROFILE_COLUMNS = ("id", "bio", "location", "description", "website", "avatar", "ext_id")
CATEGORY_COLUMNS = (
    "id",
    "order",
    "name",
    "name_synonyms",
    "slug",
    "slogan",
    "html_info",
    "seo_title",
    "seo_description",
    "auto_follow",
    "active",
    "content_only_staff",
    "lastmod_datetime",
    "stream_order_by",
    "follower_count",
)
TAG_COLUMNS = ("id", "type", "name", "description", "color", "visible", "active", "created_at")
MEDIA_COLUMNS = (
    "id",
    "added_at",
    "type",
    "title",
    "description",
    "url",
    "image",
    "image_width",
    "image_height",
    "order",
    # A share's status, an embed's kind, id and metadata (the reply's `embed`).
    "shared_object_id",
    "embed_type",
    "embed_id",
    "embed_metadata",
)
# The model orderings (Meta.ordering) that the related lists of a reply follow.
CATEGORY_ORDER = ("order", "name", "id")
TAG_ORDER = ("type", "name", "id")
MEDIA_ORDER = ("order", "id")


def _prefixed(prefix: str, columns: Iterable[str]) -> dict[str, F]:
    return {f"{prefix}{c}": F(f"{prefix}{c}") for c in columns}


def status_values(statuses: QuerySet[Status]) -> QuerySet:
    """`statuses` as dicts of the columns a reply shows, with their author's
    (`author__<column>`) and the author's profile's (`profile__<column>`, all None when
    the author has none): one query, joins included."""
    profile = {f"profile__{c}": F(f"author__community_profile__{c}") for c in PROFILE_COLUMNS}
    return statuses.values(*STATUS_COLUMNS, **_prefixed("author__", AUTHOR_COLUMNS), **profile)


def _split(row: dict, prefix: str) -> dict:
    n = len(prefix)
    return {key[n:]: row[key] for key in row if key.startswith(prefix)}


# --- related rows in plain SQL ------------------------------------------------------------
#
# The related rows of a page are read with fixed SQL statements (tables and columns from
# the models' metadata), not built through the ORM for each request: the ORM's query
# compilation cost more than the database's work. The SQL is the same on SQLite and
# PostgreSQL; `_Columns` converts what SQLite hands back as text or 0/1. Only names from the
# models' metadata are formatted into it (hence the S608 noqa); ids go as parameters.


def _q(name: str) -> str:
    return f'"{name}"'


def _table(model) -> str:
    return _q(model._meta.db_table)


class _Columns:
    """The columns of a model a reply shows: their SQL and a converter per row."""

    def __init__(self, model, names: Sequence[str], alias: str):
        fields = [model._meta.get_field(name) for name in names]
        self.names = tuple(names)
        self.sql = ", ".join(f"{alias}.{_q(f.column)}" for f in fields)
        self.datetimes = [
            i for i, f in enumerate(fields) if f.get_internal_type() == "DateTimeField"
        ]
        self.booleans = [i for i, f in enumerate(fields) if f.get_internal_type() == "BooleanField"]
        # Every database hands JSON back as text here (Django reads jsonb as text too).
        self.jsons = [i for i, f in enumerate(fields) if f.get_internal_type() == "JSONField"]

    @classmethod
    def joined(cls, parts: dict[str, "_Columns"]) -> "_Columns":
        """The columns of several, one after the other in a row, each name with its
        part's prefix (`author__id`), as `values()` names a relation's columns."""
        joined = cls.__new__(cls)
        joined.names, joined.datetimes, joined.booleans, joined.jsons = (), [], [], []
        joined.sql = ", ".join(part.sql for part in parts.values())
        for prefix, part in parts.items():
            start = len(joined.names)
            joined.names += tuple(f"{prefix}{name}" for name in part.names)
            joined.datetimes += [start + i for i in part.datetimes]
            joined.booleans += [start + i for i in part.booleans]
            joined.jsons += [start + i for i in part.jsons]
        return joined

    def row(self, values: Sequence, vendor: str) -> dict:
        if self.jsons:
            values = list(values)
            for index in self.jsons:
                if isinstance(values[index], str):
                    values[index] = json.loads(values[index])
        if vendor == "sqlite":
            values = list(values)
            for index in self.datetimes:
                values[index] = _sqlite_datetime(values[index])
            for index in self.booleans:
                values[index] = bool(values[index])
        return dict(zip(self.names, values, strict=True))


def _sqlite_datetime(value):
    """SQLite's datetime (text, or naive as its converter reads it) as an aware UTC one."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


def _placeholders(n: int) -> str:
    return ", ".join(["%s"] * n)


@cache
def _statements() -> dict[str, Any]:
    categories = _Columns(Category, CATEGORY_COLUMNS, "c")
    tags = _Columns(Tag, TAG_COLUMNS, "t")
    medias = _Columns(Media, MEDIA_COLUMNS, "m")
    status_categories = _table(Status.categories.through)
    parents = _table(Category.parents.through)
    category_order = ", ".join(f"c.{_q(c)}" for c in CATEGORY_ORDER)
    media_order = ", ".join(f"m.{_q(c)}" for c in MEDIA_ORDER)

    def tag_links(kind: str, through, owner: str) -> str:
        return (
            f"SELECT '{kind}' AS kind, l.{_q(owner)} AS owner, {tags.sql} FROM {_table(through)} l"  # noqa: S608
            f" JOIN {_table(Tag)} t ON t.id = l.tag_id WHERE l.{_q(owner)} IN ({{ids}})"
        )

    profiles = _Columns(MemberProfile, PROFILE_COLUMNS, "p")

    def marks(kind: str, model) -> str:
        return (
            f"SELECT '{kind}', m.status_id FROM {_table(model)} m"  # noqa: S608
            f" WHERE m.user_id = %s AND m.status_id IN ({{ids}})"
        )

    statuses = _Columns(Status, STATUS_COLUMNS, "s")
    authors = _Columns(get_user_model(), AUTHOR_COLUMNS, "u")
    author_profiles = _Columns(MemberProfile, PROFILE_COLUMNS, "p")
    window_columns = _Columns.joined(
        {"": statuses, "author__": authors, "profile__": author_profiles}
    )
    return {
        # A page of posts: the window's rows (an ordered, sliced subquery of ids) with
        # their author and the author's profile (none: NULLs), in the window's order.
        "window": (
            f"SELECT {window_columns.sql}"  # noqa: S608
            f" FROM {_table(Status)} s JOIN {_table(get_user_model())} u ON u.id = s.author_id"
            f" LEFT JOIN {_table(MemberProfile)} p ON p.user_id = s.author_id"
            " WHERE s.id IN "  # the window's SQL follows (not formatted: it may hold braces)
        ),
        "window_columns": window_columns,
        "categories": categories,
        "tags": tags,
        "medias": medias,
        "profiles": profiles,
        "profile": (
            f"SELECT {profiles.sql} FROM {_table(MemberProfile)} p WHERE p.user_id = %s"  # noqa: S608
        ),
        # The categories of the posts (each post's in the category ordering), with columns.
        "status_categories": (
            f"SELECT l.status_id, {categories.sql} FROM {status_categories} l"  # noqa: S608
            f" JOIN {_table(Category)} c ON c.id = l.category_id"
            f" WHERE l.status_id IN ({{ids}}) ORDER BY l.status_id, {category_order}"
        ),
        # Categories by id and all their ancestors (the closure over the parent links), in
        # the category ordering, each once per child of it among them (its id first, None
        # for none): each category's parents in the category ordering, in one statement.
        "closure": (
            f"WITH RECURSIVE closure(id) AS (SELECT c.id FROM {_table(Category)} c"  # noqa: S608
            f" WHERE c.id IN ({{ids}}) UNION SELECT l.to_category_id FROM {parents} l"
            f" JOIN closure ON l.from_category_id = closure.id)"
            f" SELECT l.from_category_id, {categories.sql} FROM {_table(Category)} c"
            f" LEFT JOIN {parents} l ON l.to_category_id = c.id"
            f" AND l.from_category_id IN (SELECT id FROM closure)"
            f" WHERE c.id IN (SELECT id FROM closure) ORDER BY {category_order}"
        ),
        "categories_by_id": (
            f"SELECT 0, {categories.sql} FROM {_table(Category)} c WHERE c.id IN ({{ids}})"  # noqa: S608
        ),
        # The parents of these categories, in the category ordering.
        "parents": (
            f"SELECT l.from_category_id, l.to_category_id FROM {parents} l"  # noqa: S608
            f" JOIN {_table(Category)} c ON c.id = l.to_category_id"
            f" WHERE l.from_category_id IN ({{ids}}) ORDER BY l.from_category_id, {category_order}"
        ),
        # Every tag a page shows: the categories' (c), the addressing (a) and the
        # contribution tags (t), each owner's in the tag ordering.
        "category_tags": tag_links("c", Category.tags.through, "category_id"),
        "status_tags": " UNION ALL ".join(
            [
                tag_links("a", Status.addressing.through, "status_id"),
                tag_links("t", Status.tags.through, "status_id"),
            ]
        ),
        # By position: the column names of a UNION are not the same on every database.
        "tag_order": " ORDER BY 1, 2, "
        + ", ".join(str(3 + TAG_COLUMNS.index(c)) for c in TAG_ORDER),
        # The caller's marks on the posts of a page: votes (v), follows (f) and suspended
        # notifications (s), in one statement.
        "viewer_marks": " UNION ALL ".join(
            [marks("v", StatusVote), marks("f", StatusFollow), marks("s", StatusSuspend)]
        ),
        "status_medias": (
            f"SELECT l.status_id, {medias.sql} FROM {_table(Status.medias.through)} l"  # noqa: S608
            f" JOIN {_table(Media)} m ON m.id = l.media_id"
            f" WHERE l.status_id IN ({{ids}}) ORDER BY l.status_id, {media_order}"
        ),
    }


def _fetch(cursor, sql: str, ids: Sequence[int], times: int = 1) -> list[tuple]:
    cursor.execute(sql.format(ids=_placeholders(len(ids))), list(ids) * times)
    return cursor.fetchall()


def _order_by_sql(ordering: Sequence[str], alias: str) -> str:
    """`ordering` (names of Status's own fields, `-` for descending) as SQL on `alias`."""
    terms = []
    for name in ordering:
        field = Status._meta.get_field(name.lstrip("-"))
        direction = " DESC" if name.startswith("-") else " ASC"
        terms.append(f"{alias}.{_q(field.column)}{direction}")
    return ", ".join(terms)


def status_window_rows(window: QuerySet[Status]) -> list[dict]:
    """The statuses of `window` (a slice of statuses ordered by their own fields) as
    `status_values` gives them, in the same order, in one statement: the window (its
    filters compiled by the ORM) is chosen on the statuses table alone, in a subquery,
    and only its rows are joined to their authors and profiles, in fixed SQL. Joined
    first, PostgreSQL joined every match of a search (it expects far too few) before it
    sorted them and kept a page; and compiling the joined `values()` query cost more
    than the database's work."""
    statements = _statements()
    connection = connections[window.db]
    ordering = window.query.order_by or Status._meta.ordering
    inner, params = window.values("pk").query.get_compiler(connection=connection).as_sql()
    sql = f"{statements['window']}({inner}) ORDER BY {_order_by_sql(ordering, 's')}"
    columns = statements["window_columns"]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [columns.row(values, connection.vendor) for values in cursor.fetchall()]


def _attach_parents_and_tags(
    cursor, vendor, categories: dict[int, dict], extra=(), *, parents=True
) -> list:
    """Fill each category's `parents` (unless `parents` is false: already there) and
    `tags`; `extra` are more tag sources (`status_tags` with status ids) read in the same
    statement. The extra rows are returned as (kind, owner, tag dict)."""
    statements = _statements()
    category_ids = list(categories)
    if parents:
        for child, parent in _fetch(cursor, statements["parents"], category_ids):
            categories[child]["parents"].append(parent)
    parts, params = [], []
    if category_ids:
        parts.append(statements["category_tags"].format(ids=_placeholders(len(category_ids))))
        params += category_ids
    for sql, ids in extra:
        parts.append(sql.format(ids=_placeholders(len(ids))))
        params += list(ids) * sql.count("{ids}")
    if not parts:
        return []
    cursor.execute(" UNION ALL ".join(parts) + statements["tag_order"], params)
    others = []
    tags = statements["tags"]
    for kind, owner, *values in cursor.fetchall():
        tag = tags.row(values, vendor)
        if kind == "c":
            categories[owner]["tags"].append(tag)
        else:
            others.append((kind, owner, tag))
    return others


def category_details(category_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Categories by id, as dicts of the columns a reply shows plus `parents` (ids) and
    `tags` (tag dicts), in the order the reply gives them: three queries."""
    ids = list(category_ids)
    if not ids:
        return {}
    statements = _statements()
    connection = connections[router.db_for_read(Category)]
    vendor = connection.vendor
    with connection.cursor() as cursor:
        columns = statements["categories"]
        categories = {}
        for _, *values in _fetch(cursor, statements["categories_by_id"], ids):
            category = columns.row(values, vendor)
            categories[category["id"]] = {**category, "tags": [], "parents": []}
        _attach_parents_and_tags(cursor, vendor, categories)
    return categories


# The caller's marks on a post (`viewer_marks`), as the reply names them.
NO_MARKS = {"voted": False, "followed": False, "suspended": False}
_MARK_KEYS = {"v": "voted", "f": "followed", "s": "suspended"}


def _signed_in(viewer) -> bool:
    return viewer is not None and viewer.is_authenticated


def viewer_marks(status_ids: Sequence[int], viewer, *, cursor=None) -> dict[int, dict]:
    """`viewer`'s marks on these statuses, by id (`NO_MARKS` where none): one statement."""
    found = {pk: dict(NO_MARKS) for pk in status_ids}
    if not status_ids:
        return found
    sql = _statements()["viewer_marks"].format(ids=_placeholders(len(status_ids)))
    params = [viewer.pk, *status_ids] * 3
    if cursor is None:
        with connections[router.db_for_read(Status)].cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
    else:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    for kind, status_id in rows:
        found[status_id][_MARK_KEYS[kind]] = True
    return found


def status_page(rows: list[dict], *, viewer=None) -> list[dict]:
    """The status rows of `status_values`, each with `author` (a dict; `profile` None
    without one), `categories`, `medias`, `addressing` and `tags` (lists of dicts in the
    order a reply gives them): four queries for any number of rows (the categories with
    their links, their parents, every tag in one UNION, the media). For a signed-in
    `viewer`, each also has `marks` (`viewer_marks`): one query more. Every page of posts
    goes through here, so each shows its caller's marks."""
    ids = [row["id"] for row in rows]
    if not ids:
        return []
    statements = _statements()
    connection = connections[router.db_for_read(Status)]
    vendor = connection.vendor
    by_status: dict[str, dict[int, list]] = {
        name: defaultdict(list) for name in ("categories", "medias", "addressing", "tags")
    }
    categories: dict[int, dict] = {}
    with connection.cursor() as cursor:
        columns = statements["categories"]
        for status_id, *values in _fetch(cursor, statements["status_categories"], ids):
            category_id = values[0]
            if category_id not in categories:
                categories[category_id] = {**columns.row(values, vendor), "tags": [], "parents": []}
            by_status["categories"][status_id].append(categories[category_id])
        kinds = {"a": "addressing", "t": "tags"}
        for kind, owner, tag in _attach_parents_and_tags(
            cursor, vendor, categories, extra=[(statements["status_tags"], ids)]
        ):
            by_status[kinds[kind]][owner].append(tag)
        columns = statements["medias"]
        for status_id, *values in _fetch(cursor, statements["status_medias"], ids):
            by_status["medias"][status_id].append(columns.row(values, vendor))
        marks = viewer_marks(ids, viewer, cursor=cursor) if _signed_in(viewer) else {}
    page = []
    for row in rows:
        status = {key: row[key] for key in STATUS_COLUMNS}
        author = _split(row, "author__")
        profile = _split(row, "profile__")
        author["profile"] = profile if profile["id"] is not None else None
        status["author"] = author
        for name, lists in by_status.items():
            status[name] = lists.get(row["id"], [])
        if row["id"] in marks:
            status["marks"] = marks[row["id"]]
        page.append(status)
    return page


def category_closure(category_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """The categories with these ids and all their ancestors, by id in the category
    ordering, as dicts of the columns a reply shows plus `parents` (ids, in the category
    ordering) and `tags` (empty; `written_status` fills them): one statement. An id that
    names no category is left out."""
    ids = list(category_ids)
    if not ids:
        return {}
    statements = _statements()
    connection = connections[router.db_for_read(Category)]
    vendor = connection.vendor
    columns = statements["categories"]
    categories: dict[int, dict] = {}
    links = []
    with connection.cursor() as cursor:
        for child, *values in _fetch(cursor, statements["closure"], ids):
            category_id = values[0]
            if category_id not in categories:
                categories[category_id] = {**columns.row(values, vendor), "tags": [], "parents": []}
            if child is not None:
                links.append((child, category_id))
    for child, parent in links:  # in the parents' (the rows') category ordering
        categories[child]["parents"].append(parent)
    return categories


def _media_row(media: Media) -> dict:
    row = {name: getattr(media, name) for name in MEDIA_COLUMNS}
    row["image"] = media.image.name or ""
    return row


def written_status(
    status: Status, *, categories: dict[int, dict], medias: list[Media], viewer=None
) -> dict:
    """A post just written, in the shape of `status_page`'s dicts, from what was written:
    its columns and author from the instances, its categories as `category_closure` read
    them, its media as resolved. Two statements: the tags shown (the categories', the
    addressing and the contribution tags, in the tag ordering) and the author's profile.
    A signed-in `viewer` (its author) has no marks on a post just written: `NO_MARKS`."""
    statements = _statements()
    connection = connections[router.db_for_read(Status)]
    vendor = connection.vendor
    shown = {"addressing": [], "tags": []}
    kinds = {"a": "addressing", "t": "tags"}
    author = status.author
    with connection.cursor() as cursor:
        extra = [(statements["status_tags"], [status.pk])]
        for kind, _owner, tag in _attach_parents_and_tags(
            cursor, vendor, categories, extra=extra, parents=False
        ):
            shown[kinds[kind]].append(tag)
        cursor.execute(statements["profile"], [author.pk])
        profile = cursor.fetchone()
    reply = {name: getattr(status, name) for name in STATUS_COLUMNS}
    reply["author"] = {name: getattr(author, name) for name in AUTHOR_COLUMNS}
    reply["author"]["profile"] = (
        statements["profiles"].row(profile, vendor) if profile is not None else None
    )
    reply["categories"] = list(categories.values())
    reply["medias"] = [_media_row(m) for m in sorted(medias, key=lambda m: (m.order, m.pk))]
    reply.update(shown)
    if _signed_in(viewer):
        reply["marks"] = dict(NO_MARKS)
    return reply
