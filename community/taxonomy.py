"""Categories and tags as members use them: following a category (with its follower
counter), a category's feed, followers, children, parents and audience, the filters of
the category and tag lists, and putting a tag on a category.

The SelfCommunity routes of `community.selfcommunity.taxonomy_views` call these; the
plain lists (`services.category_list`, `services.tag_list`) are the querysets they filter.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from community import services
from community.models import (
    Category,
    CategoryFollow,
    Status,
    StreamOrder,
    Tag,
    TagType,
)
from community.selectors import AUTHOR_COLUMNS, CATEGORY_ORDER, PROFILE_COLUMNS
from core import cache
from core.errors import DomainError, ErrorCode, NotFoundError
from webhooks.services import emit

User = AbstractUser  # the type of a member: settings.AUTH_USER_MODEL

# --- the category lists ------------------------------------------------------------------------


def _staff_only_or_below_sql() -> tuple[str, list]:
    """SQL for the ids of the staff-only categories and of every category below one (a
    post in a category is also published in its parents, so a member may post in none of
    them), and its parameters: one recursive statement, on SQLite as on PostgreSQL."""
    categories = connection.ops.quote_name(Category._meta.db_table)
    links = connection.ops.quote_name(Category.parents.through._meta.db_table)
    staff_only = connection.ops.quote_name(Category._meta.get_field("content_only_staff").column)
    sql = (
        f"WITH RECURSIVE closed(id) AS (SELECT c.id FROM {categories} c"  # noqa: S608
        f" WHERE c.{staff_only} = %s UNION SELECT l.from_category_id FROM {links} l"
        " JOIN closed ON l.to_category_id = closed.id) SELECT id FROM closed"
    )
    return sql, [True]


def _open_to(user: User | None) -> Q:
    """The categories `user` may publish in (as `services.status_create` checks them):
    active ones, and for a member who is not staff, none that is staff-only or lies below
    a staff-only one. An anonymous caller may publish in none."""
    if user is None:
        return Q(pk__in=[])
    if user.is_staff:
        return Q(active=True)
    closed = RawSQL(*_staff_only_or_below_sql())  # noqa: S611  names from model metadata
    return Q(active=True) & ~Q(pk__in=closed)


def category_filter(
    categories: QuerySet[Category],
    *,
    viewer: User | None,
    search: str | None = None,
    active: bool | None = None,
    deleted: bool | None = None,
    can_create_content: bool | None = None,
) -> QuerySet[Category]:
    """`categories` narrowed by the filters of SelfCommunity's category lists (None: no
    filter). `search` finds the name or a synonym, ignoring case. Deleting a category is
    final, so `deleted=True` finds none. `can_create_content` keeps the categories the
    viewer may (True) or may not (False) publish in."""
    if deleted:
        return categories.none()
    if search:
        categories = categories.filter(
            Q(name__icontains=search) | Q(name_synonyms__icontains=search)
        )
    if active is not None:
        categories = categories.filter(active=active)
    if can_create_content is not None:
        open_to = _open_to(viewer)
        categories = (
            categories.filter(open_to) if can_create_content else categories.exclude(open_to)
        )
    return categories


def category_list(*, viewer: User | None, **filters: Any) -> QuerySet[Category]:
    """Every category in the display order, narrowed by `category_filter`'s filters."""
    return category_filter(services.category_list(), viewer=viewer, **filters)


def categories_followed(*, user: User, **filters: Any) -> QuerySet[Category]:
    """The categories `user` follows, in the display order, narrowed by the filters."""
    return category_filter(
        services.category_list().filter(follows__user=user), viewer=user, **filters
    )


def categories_popular() -> QuerySet[Category]:
    """Every category, the most followed first (then in the display order)."""
    return services.category_list().order_by("-follower_count", *CATEGORY_ORDER)


def category_children(*, category: Category) -> QuerySet[Category]:
    """The categories whose parents include `category` (one level down)."""
    return services.category_list().filter(parents=category)


def category_parents(*, category: Category) -> QuerySet[Category]:
    """The parents of `category` (one level up)."""
    return services.category_list().filter(children=category)


# --- following a category ------------------------------------------------------------------

# How often a toggle is tried again when a concurrent toggle by the same member wrote first.
FOLLOW_ATTEMPTS = 5


def _count_follower(category: Category, delta: int) -> None:
    """Add `delta` to the category's counter in the database (not from a value read before);
    a category deleted meanwhile is NotFoundError, which rolls the follow back with it."""
    updated = Category.objects.filter(pk=category.pk).update(
        follower_count=F("follower_count") + delta
    )
    if not updated:
        raise NotFoundError(_("Category not found."), params={"model": "category"})


def _toggle_once(category: Category, user: User) -> bool:
    removed, _counts = CategoryFollow.objects.filter(category=category, user=user).delete()
    if removed:
        _count_follower(category, -1)
        return False
    CategoryFollow.objects.create(category=category, user=user)
    _count_follower(category, +1)
    return True


def category_follow_toggle(*, category: Category, user: User) -> bool:
    """Follow `category`, or stop following it if `user` already does (SelfCommunity's one
    route does both); whether `user` follows it now.

    The follow row and the counter change in one transaction, the counter by an UPDATE
    with F(). The unique constraint on (category, member) settles a race between two
    toggles by the same member: the loser's INSERT fails once the winner commits, and it
    tries again, now removing the winner's follow. So two racing toggles leave the member
    as before, and the counter always equals the rows.
    """
    attempts_left = FOLLOW_ATTEMPTS
    while True:
        try:
            with transaction.atomic():
                followed = _toggle_once(category, user)
            break
        except IntegrityError as lost:
            attempts_left -= 1
            if not attempts_left:
                # As for a status mark (community.social): "try again shortly", a 503.
                raise OperationalError(
                    "a category follow kept changing under concurrent requests"
                ) from lost
    # Status replies show their categories' counters: cached pages of them are stale now.
    cache.bump(services.STATUS_LISTS)
    return followed


def category_is_followed(*, category: Category, user: User) -> bool:
    """Whether `user` follows `category`."""
    return CategoryFollow.objects.filter(category=category, user=user).exists()


def followed_among(*, user: User, category_ids: Iterable[int]) -> set[int]:
    """Which of these categories `user` follows: one query (none for no ids)."""
    ids = list(category_ids)
    if not ids:
        return set()
    follows = CategoryFollow.objects.filter(user=user, category_id__in=ids)
    return set(follows.values_list("category_id", flat=True))


def category_followers(*, category: Category) -> QuerySet:
    """The members who follow `category`, the latest follow first, as dicts of their columns
    (`author__<column>`) and their profile's (`profile__<column>`, None without one), as a
    status's author is read: one query, joins included."""
    author = {f"author__{c}": F(f"user__{c}") for c in AUTHOR_COLUMNS}
    profile = {f"profile__{c}": F(f"user__community_profile__{c}") for c in PROFILE_COLUMNS}
    follows = CategoryFollow.objects.filter(category=category)
    return follows.order_by("-added_at", "-id").values(**author, **profile)


def member_rows(rows: Sequence[dict]) -> list[dict]:
    """The rows of `category_followers` as the member dicts a reply is built from: the
    member's columns with `profile` (None when the member has none)."""
    members = []
    for row in rows:
        member = {c: row[f"author__{c}"] for c in AUTHOR_COLUMNS}
        profile = {c: row[f"profile__{c}"] for c in PROFILE_COLUMNS}
        member["profile"] = profile if profile["id"] is not None else None
        members.append(member)
    return members


def category_audience(*, category: Category) -> dict[str, int]:
    """How many members a category reaches: its followers. The portal has no connections
    between members, so none of them reach it through one."""
    return {"category_audience": category.follower_count, "connections_audience": 0}


# --- a category's feed -----------------------------------------------------------------------

# The orderings of a category's feed, by SelfCommunity's name (`stream_order_by`).
FEED_ORDERINGS = {
    StreamOrder.RECENT: "-added_at",
    StreamOrder.LAST_ACTIVITY: "-last_activity_at",
}


def category_feed(*, category: Category, ordering: str | None = None) -> QuerySet[Status]:
    """The posts published in `category` that are not deleted, in `ordering` (by default
    the category's `stream_order_by`); no related objects loaded. A page of them is built
    as every page of posts is (the status views' `status_page`), which also leaves out
    the ones the caller hid."""
    statuses = Status.objects.filter(deleted=False, categories=category)
    order = FEED_ORDERINGS[ordering or category.stream_order_by]
    return statuses.order_by(*services.STATUS_ORDERINGS[order])


# --- the tag lists ---------------------------------------------------------------------------

# The fields a tag list may be ordered by (`ordering=name,-created_at`).
TAG_ORDERING_FIELDS = ("id", "name", "type", "created_at", "active", "visible")
DEFAULT_TAG_ORDERING = ("-created_at",)
_TAG_ORDER_COLUMNS = {"name": "name_key", "-name": "-name_key"}


def tag_list(
    *,
    search: str | None = None,
    type: str | None = None,
    active: bool | None = None,
    visible: bool | None = None,
    deleted: bool | None = None,
    visibility_boost: bool | None = None,
    ordering: Sequence[str] = DEFAULT_TAG_ORDERING,
) -> QuerySet[Tag]:
    """Tags narrowed by the filters of SelfCommunity's tag lists (None: no filter), in
    `ordering` (TAG_ORDERING_FIELDS, `-` for descending; the id breaks ties). `search`
    finds the name, ignoring case. Deleting a tag is final and the portal boosts none, so
    `deleted=True` and `visibility_boost=True` find none."""
    if deleted or visibility_boost:
        return Tag.objects.none()
    tags = services.tag_list(type=type)
    if search:
        tags = tags.filter(name__icontains=search)
    if active is not None:
        tags = tags.filter(active=active)
    if visible is not None:
        tags = tags.filter(visible=visible)
    ordering = list(ordering) or list(DEFAULT_TAG_ORDERING)
    if not {"id", "-id"} & set(ordering):
        ordering.append("-id" if ordering[0].startswith("-") else "id")
    # Names in the order of their keys (case folded, as they are compared), the same on
    # every database: a collation may put "beta" after "Gamma".
    return tags.order_by(*(_TAG_ORDER_COLUMNS.get(field, field) for field in ordering))


def tag_assign(*, tag: Tag, category_id: int) -> None:
    """Put `tag`, a tag of type category, on the category with this id (an unknown one is
    `not_found` on `category`); a tag already there changes nothing (SelfCommunity answers
    204 all the same)."""
    category = Category.objects.filter(pk=category_id).first()
    if category is None:
        raise DomainError(
            _("There is no such object with id %(value)s.") % {"value": category_id},
            code=ErrorCode.NOT_FOUND,
            field="category",
            params={"value": category_id},
        )
    if tag.type != TagType.CATEGORY:
        raise DomainError(
            _('Tag %(pk)s is not of type "%(type)s".') % {"pk": tag.pk, "type": TagType.CATEGORY},
            field="category",
            code=ErrorCode.INVALID,
            params={"value": tag.pk},
        )
    with transaction.atomic():
        if category.tags.filter(pk=tag.pk).exists():
            return
        try:
            with transaction.atomic():
                category.tags.add(tag)
        except IntegrityError:
            return  # a concurrent request put it there first
        emit(services.COMMUNITY_CATEGORY, "updated", [category])
