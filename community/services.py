"""Rules for the community: categories, tags, media and status posts.

The SelfCommunity API, the admin and the imports change community data through these
functions. They raise `core.errors` with domain codes and model field names; the rules
about one field (visible names, lengths, ranges) are the models' own, run by
`core.db.check_fields`.
"""

import re
import secrets
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.core.files import File
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from community import selectors
from community.images import read_image_header
from community.models import Category, Media, MediaType, Status, Tag, TagType
from community.sanitize import clean as clean_html
from community.sanitize import render_text, summarize
from core import cache
from core.db import check_fields, raise_on_integrity_error
from core.errors import (
    ConflictError,
    DomainError,
    ErrorCode,
    ForbiddenError,
    NotFoundError,
    TooLargeError,
)
from core.ids import parse_id
from core.text import name_key
from webhooks.services import emit

# The core.cache generation of the status list and search replies: every write to what a
# page of posts shows retires it (the signals in community/apps.py, and `cache.bump` here
# for the writes that send none).
STATUS_LISTS = "community-statuses"
# The kinds of object these services report to webhook subscribers (webhooks.catalogue).
COMMUNITY_STATUS = "community-status"
COMMUNITY_CATEGORY = "community-category"

User = AbstractUser  # the type of an actor or owner: settings.AUTH_USER_MODEL

# --- lookups -----------------------------------------------------------------------------


def _get(queryset: QuerySet, pk: object, message: str, *, model: str) -> Any:
    """The object of `queryset` with this id (as read from a path), or NotFoundError."""
    found = queryset.filter(pk=parse_id(pk)).first()
    if found is None:
        raise NotFoundError(message, params={"model": model})
    return found


def _resolve_ids(queryset: QuerySet, ids: Iterable[int], *, field: str) -> list:
    """The objects of `queryset` with these ids, in the given order; an id that names
    none of them is `not_found` on `field`."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return []  # no query to compile (it would send none)
    found = {obj.pk: obj for obj in queryset.filter(pk__in=wanted)}
    for pk in wanted:
        if pk not in found:
            raise DomainError(
                _("There is no such object with id %(value)s.") % {"value": pk},
                code=ErrorCode.NOT_FOUND,
                field=field,
                params={"value": pk},
            )
    return [found[pk] for pk in wanted]


# --- categories ----------------------------------------------------------------------------


def _category_name_taken() -> ConflictError:
    return ConflictError(_("A category with this name already exists."), field="name")


def _category_slug_taken() -> ConflictError:
    return ConflictError(_("A category with this slug already exists."), field="slug")


# How often a save is retried when concurrent requests keep taking the slug it picked.
SLUG_ATTEMPTS = 100

# The fields of a category that `category_save` sets as given (the name, the parents and
# the tags have rules of their own).
CATEGORY_FIELDS = frozenset(
    {
        "slug",
        "name_synonyms",
        "slogan",
        "html_info",
        "seo_title",
        "seo_description",
        "auto_follow",
        "stream_order_by",
        "order",
        "active",
        "content_only_staff",
    }
)


def _free_slug(base: str, *, exclude_id: int | None = None) -> str:
    """`base`, else `base-2`, `base-3`, ...: the first slug no other category uses."""
    base = (base or "item")[:240]
    used = set(
        Category.objects.filter(Q(slug=base) | Q(slug__startswith=f"{base}-"))
        .exclude(pk=exclude_id)
        .values_list("slug", flat=True)
    )
    slug, n = base, 1
    while slug in used:
        n += 1
        slug = f"{base}-{n}"
    return slug


def _category_save_row(category: Category) -> None:
    """Insert `category`, or update every column of its row but `follower_count`: the
    follow routes count followers with F() (community.taxonomy), and a category read
    before a follow must not write its old count back. A row deleted meanwhile is
    NotFoundError (a plain save() would have inserted it again)."""
    if category._state.adding:
        category.save()
        return
    fields = [
        field.name
        for field in Category._meta.concrete_fields
        if not field.primary_key and field.name != "follower_count"
    ]
    try:
        category.save(update_fields=fields)
    except DatabaseError as exc:
        # Django's own "did not affect any rows" is a plain DatabaseError; the database's
        # errors are its subclasses (IntegrityError, OperationalError, ...).
        if type(exc) is not DatabaseError:
            raise
        raise NotFoundError(_("Category not found."), params={"model": "category"}) from None


def _category_write(category: Category, *, slug_base: str | None) -> None:
    """Save `category` in a savepoint; the database's unique constraints decide races.

    A unique violation is a name conflict only when the name (its key) really is taken.
    An automatic slug (`slug_base` given) that a concurrent request took since it was
    picked is replaced by the next free one and the save is tried again; a slug the client
    chose stays a slug error.
    """
    for _attempt in range(SLUG_ATTEMPTS):
        try:
            with transaction.atomic():
                _category_save_row(category)
            return
        except IntegrityError:
            others = Category.objects.exclude(pk=category.pk)
            if others.filter(name_key=name_key(category.name)).exists():
                raise _category_name_taken() from None
            if not others.filter(slug=category.slug).exists():
                raise  # neither name nor slug: a broken invariant, not a race to resolve
            if slug_base is None:
                raise _category_slug_taken() from None
            category.slug = _free_slug(slug_base, exclude_id=category.pk)
    raise _category_slug_taken()


def _check_parents(*, category: Category, parents: Sequence[Category]) -> None:
    """Refuse parents that would make `category` its own ancestor."""
    if category.pk is None:
        return
    seen, frontier = set(), {p.pk for p in parents}
    while frontier:
        if category.pk in frontier:
            raise DomainError(
                _("A category cannot be its own parent or ancestor."),
                field="parents",
                code=ErrorCode.INVALID,
            )
        seen |= frontier
        frontier = (
            set(
                Category.parents.through.objects.filter(from_category_id__in=frontier).values_list(
                    "to_category_id", flat=True
                )
            )
            - seen
        )


def category_get(*, category_id: object) -> Category:
    """The category with this id (as read from a path), or NotFoundError."""
    return _get(Category.objects.all(), category_id, _("Category not found."), model="category")


def category_list() -> QuerySet[Category]:
    """Categories in their display order, with parents and tags ready."""
    return Category.objects.prefetch_related("parents", "tags").order_by("order", "name", "id")


@transaction.atomic
def category_save(
    *,
    category: Category | None = None,
    name: str,
    parents: Sequence[int] | None = None,
    tags: Sequence[int] | None = None,
    **fields: Any,
) -> Category:
    """Create a category, or update `category`, with any of CATEGORY_FIELDS.

    Names are unique as compared by name_key (`name_taken`), and so are slugs; a missing
    slug is made from the name. `html_info` is sanitised with the same allowlist as status
    posts. `parents` and `tags` (ids; None leaves them as they are) replace the category's.
    """
    unknown = set(fields) - CATEGORY_FIELDS
    if unknown:
        raise TypeError(f"category_save() got unexpected fields {sorted(unknown)}")
    action = "updated" if category is not None else "created"
    category = category or Category()
    category.name = name.strip()
    for key, value in fields.items():
        setattr(category, key, value)
    category.html_info = clean_html(category.html_info or "")
    slug_base = None
    if not fields.get("slug") and not category.slug:
        slug_base = slugify(category.name, allow_unicode=True)
        category.slug = _free_slug(slug_base, exclude_id=category.pk)
    check_fields(category)
    # Name and slug first: a taken name is reported before a bad parent or tag id. Any
    # error below rolls the save back with the rest of the transaction.
    _category_write(category, slug_base=slug_base)
    if parents is not None:
        parent_objs = _resolve_ids(Category.objects.all(), parents, field="parents")
        _check_parents(category=category, parents=parent_objs)
        category.parents.set(parent_objs)
    if tags is not None:
        category_tags = Tag.objects.filter(type=TagType.CATEGORY)
        category.tags.set(_resolve_ids(category_tags, tags, field="tags"))
    emit(COMMUNITY_CATEGORY, action, [category])
    return category


@transaction.atomic
def category_delete(*, category: Category) -> None:
    """Delete a category; posts keep their other categories."""
    # Locked first, so that of two racing deletes only one reports it.
    if not Category.objects.select_for_update().filter(pk=category.pk).exists():
        raise NotFoundError(_("Category not found."))
    emit(COMMUNITY_CATEGORY, "deleted", [category])
    category.delete()


# --- tags -----------------------------------------------------------------------------------


def tag_get(*, tag_id: object) -> Tag:
    """The tag with this id (as read from a path), or NotFoundError."""
    return _get(Tag.objects.all(), tag_id, _("Tag not found."), model="tag")


def tag_list(*, type: str | None = None) -> QuerySet[Tag]:
    """Tags, the newest first (SelfCommunity's default order), optionally of one type;
    `community.taxonomy.tag_list` adds the other filters and orderings."""
    tags = Tag.objects.all()
    if type:
        tags = tags.filter(type=type)
    return tags.order_by("-created_at", "-id")


def tag_save(*, tag: Tag | None = None, name: str, type: str, **fields: Any) -> Tag:
    """Create a tag, or update `tag`; a name is unique within its type (by name_key)."""
    tag = tag or Tag()
    tag.name, tag.type = name.strip(), type
    for key, value in fields.items():
        setattr(tag, key, value)
    check_fields(tag)
    taken = ConflictError(_("A tag with this name and type already exists."), field="name")
    with raise_on_integrity_error(taken):
        tag.save()
    return tag


def tag_delete(*, tag: Tag) -> None:
    """Delete a tag."""
    tag.delete()


# --- media ----------------------------------------------------------------------------------


def media_get(*, media_id: object, owner: User) -> Media:
    """One of `owner`'s media; another user's media is NotFoundError, like an unknown one."""
    return _get(Media.objects.filter(owner=owner), media_id, _("Media not found."), model="media")


def media_get_visible(*, media_id: object, user: User | None) -> Media:
    """A media `user` can see: their own, or one shown in a status that is not deleted
    (only those for an anonymous reader, `user` None); any other is NotFoundError."""
    shown = Exists(
        Status.medias.through.objects.filter(media_id=OuterRef("pk"), status__deleted=False)
    )
    visible = shown if user is None else Q(owner=user) | shown
    return _get(Media.objects.filter(visible), media_id, _("Media not found."), model="media")


def media_create_url(*, owner: User, url: str, title: str = "", description: str = "") -> Media:
    """A link media; the server does not fetch the URL."""
    media = Media(owner=owner, type=MediaType.URL, url=url, title=title, description=description)
    check_fields(media, fields=["type", "url", "title", "description"])
    media.save()
    return media


def media_create_share(*, owner: User, shared_object: int) -> Media:
    """A media sharing a status that is not deleted. A status that itself shares another
    cannot be shared: share the status it shares (a share of a share would nest)."""
    status = Status.objects.filter(pk=shared_object, deleted=False).first()
    if status is None:
        raise DomainError(
            _("There is no such object with id %(value)s.") % {"value": shared_object},
            code=ErrorCode.NOT_FOUND,
            field="shared_object",
            params={"value": shared_object},
        )
    if status.medias.filter(type=MediaType.SHARE).exists():
        raise DomainError(
            _("Status %(value)s shares another status: share that one instead.")
            % {"value": shared_object},
            code=ErrorCode.INVALID,
            field="shared_object",
            params={"value": shared_object},
        )
    media = Media(owner=owner, type=MediaType.SHARE, shared_object=status)
    media.save()
    return media


def media_create_embed(
    *, owner: User, embed_type: str, embed_id: str, url: str = "", metadata: dict | None = None
) -> Media:
    """A media describing an object outside the community: its kind (`embed_type`), its id
    there, an optional URL (never fetched) and metadata (a JSON object) kept as given."""
    media = Media(
        owner=owner,
        type=MediaType.EMBED,
        embed_type=embed_type,
        embed_id=embed_id,
        url=url,
        embed_metadata=metadata or {},
    )
    check_fields(media, fields=["type", "url", "embed_type", "embed_id"])
    media.save()
    return media


def _statuses_showing(media: Media) -> list[Status]:
    """The statuses, not deleted, that show `media` (their webhook subscribers hear of a
    change to it)."""
    return list(Status.objects.filter(medias=media, deleted=False))


@transaction.atomic
def media_set_preview(*, media: Media, image_name: str | None) -> Media:
    """Give a link media, as its preview, the image of one of its owner's image media
    (`image_name`, the stored file's name). The portal never fetches an image from
    elsewhere: any other image is `invalid` on `image`, as is a media that is no link."""
    if media.type != MediaType.URL:
        raise DomainError(
            _("Only a link media takes a preview image."), field="image", code=ErrorCode.INVALID
        )
    source = None
    if image_name:
        source = (
            Media.objects.filter(owner_id=media.owner_id, type=MediaType.IMAGE, image=image_name)
            .exclude(image="")
            .first()
        )
    if source is None:
        raise DomainError(
            _(
                "The preview must be one of your uploaded images, given by its address: the "
                "portal does not fetch images from other sites."
            ),
            field="image",
            code=ErrorCode.INVALID,
        )
    # The file is shared, not copied: it was checked when it was uploaded, and deleting
    # either media leaves it to the other (media_delete).
    Media.objects.filter(pk=media.pk).update(
        image=source.image.name, image_width=source.image_width, image_height=source.image_height
    )
    cache.bump(STATUS_LISTS)  # an UPDATE sends no signal (community/apps.py)
    media.refresh_from_db()
    emit(COMMUNITY_STATUS, "updated", _statuses_showing(media))
    return media


@transaction.atomic
def media_delete(*, media: Media) -> None:
    """Delete a media: the statuses that showed it no longer do. Its image file goes too
    (once the transaction commits) unless another media shows the same file."""
    # Locked first, so that of two racing deletes only one reports it.
    if not Media.objects.select_for_update().filter(pk=media.pk).exists():
        raise NotFoundError(_("Media not found."), params={"model": "media"})
    statuses = _statuses_showing(media)
    if media.type == MediaType.SHARE and media.shared_object_id:
        # The posts that carried this share no longer do: the shared post counts them out.
        carriers = Status.objects.filter(medias=media.pk, deleted=False).count()
        if carriers:
            _move_share_counts({media.shared_object_id}, -carriers)
    name, storage = media.image.name, media.image.storage
    media.delete()
    emit(COMMUNITY_STATUS, "updated", statuses)
    if name and not Media.objects.filter(image=name).exists():
        transaction.on_commit(lambda: storage.delete(name))


def media_click(*, media: Media) -> None:
    """Count one click on a media, in one statement (concurrent clicks all count)."""
    Media.objects.filter(pk=media.pk).update(click_count=F("click_count") + 1)


# The only image formats kept, by Pillow's name, with the extension a stored file gets.
IMAGE_FORMATS = {"PNG": "png", "JPEG": "jpg", "GIF": "gif", "WEBP": "webp"}


def invalid_image_error() -> DomainError:
    """A file that is no PNG, JPEG, GIF or WebP (`invalid_image` on `image`)."""
    return DomainError(
        _(
            "Upload a valid image (PNG, JPEG, GIF or WebP). The file you uploaded was either "
            "not an image, an image of another format, or a corrupted image."
        ),
        field="image",
        code=ErrorCode.INVALID_IMAGE,
    )


def image_too_large_error(limit: int) -> TooLargeError:
    """A file over COMMUNITY_IMAGE_MAX_BYTES (`too_large` on `image`)."""
    return TooLargeError(
        _("The image is larger than %(limit)s bytes.") % {"limit": limit},
        field="image",
        params={"limit": limit},
    )


def too_many_pixels_error(limit: int) -> TooLargeError:
    """An image whose header claims more than IMAGE_MAX_PIXELS (`too_large` on `image`)."""
    return TooLargeError(
        _("The image has more than %(limit)s pixels.") % {"limit": limit},
        field="image",
        params={"limit": limit},
    )


def image_checked(upload: File) -> File:
    """`upload` renamed for storage, once Pillow has decoded it as a PNG, JPEG, GIF or WebP.

    Neither the client's file name nor its content type is trusted: the format comes from
    decoding the pixels, and the stored name is random, with that format's extension, so
    a polyglot such as `x.html` can never be stored (or served) as anything but an image.
    A file over COMMUNITY_IMAGE_MAX_BYTES, or whose header claims more than IMAGE_MAX_PIXELS
    pixels, is `too_large`; one that is no such image is `invalid_image`.

    The pixel size is read from the header (community.images) before Pillow opens the file,
    and Pillow's own reading of it is checked again before it decodes: decoding costs up to
    4 bytes a pixel, so a small file claiming a large size (an image bomb: 344 KB of PNG
    can claim 9,400 x 9,400 pixels, 345 MB decoded) is refused before any bitmap exists.
    Every way in (the API, the admin) calls this before the file reaches the model's
    ImageField, which reads an assigned file's dimensions with Pillow.
    """
    limit = settings.COMMUNITY_IMAGE_MAX_BYTES
    if upload.size > limit:
        raise image_too_large_error(limit)
    upload.seek(0)
    header = read_image_header(upload)
    if header is None:
        raise invalid_image_error()
    pixel_limit = settings.IMAGE_MAX_PIXELS
    if header.width * header.height > pixel_limit:
        raise too_many_pixels_error(pixel_limit)
    try:
        upload.seek(0)
        with Image.open(upload, formats=[header.format]) as probe:
            width, height = probe.size  # Pillow's own reading of the header, before it decodes
            if width * height > pixel_limit:
                raise too_many_pixels_error(pixel_limit)
            probe.verify()
        upload.seek(0)
        with Image.open(upload, formats=[header.format]) as probe:
            image_format = probe.format
            probe.load()  # decode the pixels, not just the header
    except Image.DecompressionBombError:
        # Pillow's own ceiling, twice Image.MAX_IMAGE_PIXELS, if IMAGE_MAX_PIXELS is above it.
        raise too_many_pixels_error(min(pixel_limit, 2 * Image.MAX_IMAGE_PIXELS)) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise invalid_image_error() from None
    if image_format not in IMAGE_FORMATS:
        raise invalid_image_error()
    upload.seek(0)
    upload.name = f"{secrets.token_hex(16)}.{IMAGE_FORMATS[image_format]}"
    return upload


def media_save(*, media: Media, image: File | None = None) -> Media:
    """Save a media from the admin or the API; a new image file is checked and renamed first.

    A new upload is passed as `image` (or, as the admin's form does, assigned once it passed
    `image_checked`): assigning a file to the model's ImageField makes Django read its
    dimensions with Pillow, which must not happen to an image bomb.
    """
    if image is not None:
        media.image = image_checked(image)
    elif media.image and not media.image._committed:
        media.image.file = image_checked(media.image.file)
        media.image.name = media.image.file.name
    media.save()
    return media


def media_create_image(
    *, owner: User, image: File, title: str = "", description: str = ""
) -> Media:
    """An image media from an uploaded file, checked to be a real image of bounded size."""
    media = Media(owner=owner, type=MediaType.IMAGE, title=title, description=description)
    check_fields(media, fields=["type", "title", "description"])
    return media_save(media=media, image=image)


# --- status posts --------------------------------------------------------------------------


def status_queryset() -> QuerySet[Status]:
    """Statuses with everything their reply shows loaded in a fixed number of queries."""
    categories = Category.objects.prefetch_related("parents", "tags")
    return Status.objects.select_related("author", "author__community_profile").prefetch_related(
        Prefetch("categories", queryset=categories),
        "medias",
        "addressing",
        "tags",
    )


STATUS_ORDERINGS = {
    "added_at": ("added_at", "id"),
    "-added_at": ("-added_at", "-id"),
    "last_activity_at": ("last_activity_at", "id"),
    "-last_activity_at": ("-last_activity_at", "-id"),
}


# Search on PostgreSQL: the words of the search, each as the start of a word, against this
# full-text vector of the text and the action (GIN index `community_status_search`, made by
# migration 0010 from the same expression: a query must use exactly this one to use it).
# The `simple` configuration: no stemming and no stop words, as posts are in any language.
SEARCH_CONFIG = "simple"
# A search without a letter or a digit has no word for PostgreSQL's parser either.
HAS_WORD = re.compile(r"[^\W_]")


def status_search_vector() -> SearchVector:
    return SearchVector("plain_text", "action", config=SEARCH_CONFIG)


class PrefixSearchQuery(SearchQuery):
    """Every word of a text, as PostgreSQL's text-search parser reads it (so `v2.1`,
    `release-notes` or an e-mail address are what they are in the posts' vectors), each
    matching as the start of a word: `plainto_tsquery` with `:*` added to each lexeme."""

    def __init__(self, value, *, config):
        super().__init__(value, config=config)

    def as_sql(self, compiler, connection, function=None, template=None):
        config, value = self.get_source_expressions()
        config_sql, config_params = compiler.compile(config)
        value_sql, value_params = compiler.compile(value)
        sql = (
            f"to_tsquery({config_sql}, regexp_replace("
            f"plainto_tsquery({config_sql}, {value_sql})::text, %s, %s, 'g'))"
        )
        return sql, [*config_params, *config_params, *value_params, r"'(\s|$)", r"':*\1"]


def _search_filter(statuses: QuerySet[Status], search: str) -> QuerySet[Status]:
    """Posts whose text or action contains `search`, ignoring case.

    Everywhere that is the `icontains` filter. On PostgreSQL, posts are first narrowed
    through the full-text index to those holding every word of the search at the start of
    a word (a GIN index scan instead of reading every post), then `icontains` keeps those
    that contain the search as written. So there a search finds text that starts a word
    ("relea" finds "release", "elea" no longer does), and never more than `icontains`.
    """
    contains = Q(plain_text__icontains=search) | Q(action__icontains=search)
    if connection.vendor != "postgresql" or not HAS_WORD.search(search):
        return statuses.filter(contains)
    query = PrefixSearchQuery(search, config=SEARCH_CONFIG)
    return statuses.alias(search_vector=status_search_vector()).filter(
        contains, search_vector=query
    )


def status_list(*, ordering: str = "-added_at", search: str | None = None) -> QuerySet[Status]:
    """Statuses that are not deleted, newest first by default, optionally matching text
    (`_search_filter`); no related objects loaded (`status_queryset` has them)."""
    statuses = Status.objects.filter(deleted=False)
    if search:
        statuses = _search_filter(statuses, search)
    return statuses.order_by(*STATUS_ORDERINGS[ordering])


def status_get(*, status_id: object, include_deleted: bool = False) -> Status:
    """A status by id (as read from a path); a deleted one is NotFoundError unless
    `include_deleted`."""
    statuses = status_queryset()
    if not include_deleted:
        statuses = statuses.filter(deleted=False)
    return _get(statuses, status_id, _("Status post not found."), model="status")


def status_require_author(*, status: Status, actor: User) -> None:
    """Only a status's author may edit it (`permission_denied`, action `update`)."""
    if actor.pk != status.author_id:
        raise ForbiddenError(
            _("Only its author may edit a status post."), params={"action": "update"}
        )


def _resolve_categories(*, ids: Sequence[int], actor: User) -> dict[int, dict]:
    """The active categories named, plus all their ancestors, by id in the category
    ordering (dicts of `selectors.category_closure`, read in one statement); staff-only
    ones need staff."""
    if not ids:
        raise DomainError(
            _("A status post needs at least one category."),
            field="categories",
            code=ErrorCode.EMPTY,
        )
    wanted = list(dict.fromkeys(ids))
    closure = selectors.category_closure(wanted)
    for pk in wanted:
        if pk not in closure:
            raise DomainError(
                _("There is no such object with id %(value)s.") % {"value": pk},
                code=ErrorCode.NOT_FOUND,
                field="categories",
                params={"value": pk},
            )
    inactive = [closure[pk] for pk in wanted if not closure[pk]["active"]]
    if inactive:
        raise DomainError(
            _('Category "%(name)s" is not active.') % {"name": inactive[0]["name"]},
            field="categories",
            code=ErrorCode.INACTIVE,
            params={"value": inactive[0]["id"]},
        )
    if not actor.is_staff:
        # The named ones first, then their ancestors.
        named = [closure[pk] for pk in wanted]
        staff_only = [c for c in [*named, *closure.values()] if c["content_only_staff"]]
        if staff_only:
            raise ForbiddenError(
                _('Only staff members may publish in category "%(name)s".')
                % {"name": staff_only[0]["name"]},
                params={"value": staff_only[0]["id"]},
            )
    return closure


def _resolve_medias(*, ids: Sequence[int], actor: User) -> list[Media]:
    """The caller's own media with these ids; at most one of them a share."""
    medias = _resolve_ids(Media.objects.filter(owner=actor), ids, field="medias")
    if sum(1 for media in medias if media.type == MediaType.SHARE) > 1:
        raise DomainError(
            _("A status can contain at most one share media."),
            field="medias",
            code=ErrorCode.INVALID,
        )
    return medias


def _resolve_tags(*, ids: Sequence[int], field: str, tag_type: str) -> list[Tag]:
    """The tags with these ids, all of `tag_type`."""
    tags = _resolve_ids(Tag.objects.all(), ids, field=field)
    wrong = [tag for tag in tags if tag.type != tag_type]
    if wrong:
        raise DomainError(
            _('Tag %(pk)s is not of type "%(type)s".') % {"pk": wrong[0].pk, "type": tag_type},
            field=field,
            code=ErrorCode.INVALID,
            params={"value": wrong[0].pk},
        )
    return tags


def _apply_body(
    *,
    status: Status,
    actor: User,
    action: str | None,
    text: str,
    categories: Sequence[int],
    medias: Sequence[int],
    location: dict | None,
    addressing: Sequence[int],
    tags: Sequence[int],
) -> dict[str, Any]:
    """Check a create or update body against the rules and return the related objects."""
    related = {
        "categories": _resolve_categories(ids=categories, actor=actor),
        "medias": _resolve_medias(ids=medias or [], actor=actor),
        "addressing": _resolve_tags(ids=addressing or [], field="addressing", tag_type="user"),
        "tags": _resolve_tags(ids=tags or [], field="tags", tag_type="contribution"),
    }
    rendered = render_text(text)
    status.action = action
    status.html = rendered.html
    status.plain_text = rendered.plain_text
    status.summary = summarize(rendered.plain_text, limit=Status.SUMMARY_MAX_LENGTH)
    status.slug = slugify(action or rendered.plain_text[:80], allow_unicode=True)[:255]
    location = location or {}
    status.location = location.get("location")
    status.location_lat = location.get("lat")
    status.location_lng = location.get("lng")
    check_fields(status, fields=["action", "location", "location_lat", "location_lng"])
    return related


def _save_related(status: Status, related: dict[str, Any]) -> None:
    """Replace the related rows of a status (`categories` by id)."""
    for name, objects in related.items():
        getattr(status, name).set(list(objects))


def _add_related(status: Status, related: dict[str, Any]) -> None:
    """The related rows of a status just inserted (it has none): one INSERT of link rows
    per relation that has any, with no reads. `bulk_create` sends no `m2m_changed`; the
    status's own save already retired the status lists (`cache.bump`, again at commit with
    a cache outside the database), so the links, in the same transaction, need no bump."""
    for name, objects in related.items():
        if not objects:
            continue
        field = Status._meta.get_field(name)
        through = field.remote_field.through
        target = field.m2m_reverse_field_name() + "_id"
        source = field.m2m_field_name() + "_id"
        ids = objects if name == "categories" else [obj.pk for obj in objects]
        through.objects.bulk_create(
            [through(**{source: status.pk, target: pk}) for pk in dict.fromkeys(ids)]
        )


# --- share counts: a post that carries a share media of another counts in that one's
# `share_count` while it is not deleted (the `shares/` list of that post shows the same).


def _shared_ids(medias: Iterable[Media]) -> set[int]:
    """The statuses that these media share."""
    return {m.shared_object_id for m in medias if m.type == MediaType.SHARE and m.shared_object_id}


def _move_share_counts(status_ids, delta: int) -> None:
    """Add `delta` to the `share_count` of these statuses (ids, or a subquery of ids), in
    one UPDATE: an `F()` expression, so that concurrent shares all count."""
    if isinstance(status_ids, set | list | tuple) and not status_ids:
        return
    Status.objects.filter(pk__in=status_ids).update(
        share_count=Greatest(F("share_count") + delta, 0)
    )


def _share_counts_follow_deletion(status: Status, *, deleted: bool) -> None:
    """Mark `status` deleted (or not) and, if it was not already, count it out of (or back
    into) the `share_count` of the posts it shares. The conditional UPDATE decides, so two
    racing deletes count once."""
    if Status.objects.filter(pk=status.pk, deleted=not deleted).update(deleted=deleted):
        shared = Media.objects.filter(
            statuses=status.pk, type=MediaType.SHARE, shared_object__isnull=False
        ).values("shared_object_id")
        _move_share_counts(shared, -1 if deleted else 1)


@transaction.atomic
def status_create(
    *,
    author: User,
    categories: Sequence[int],
    action: str | None = None,
    text: str = "",
    medias: Sequence[int] = (),
    location: dict | None = None,
    addressing: Sequence[int] = (),
    tags: Sequence[int] = (),
) -> Status:
    """Publish a status post by `author`: its text sanitised with mentions rendered, its
    categories' ancestors added; `location` is `{"location", "lat", "lng"}` or None."""
    status = Status(author=author)
    related = _apply_body(
        status=status,
        actor=author,
        action=action,
        text=text,
        categories=categories,
        medias=medias,
        location=location,
        addressing=addressing,
        tags=tags,
    )
    status.save()
    _add_related(status, related)
    _move_share_counts(_shared_ids(related["medias"]), +1)
    emit(COMMUNITY_STATUS, "created", [status])
    # What was written, for the reply (`selectors.written_status`), without reading it back.
    status.written = related
    return status


# What an edit writes: the content, never the counters or the moderation flags.
STATUS_CONTENT_FIELDS = [
    "action",
    "html",
    "plain_text",
    "summary",
    "slug",
    "location",
    "location_lat",
    "location_lng",
    "last_edited_at",
]


@transaction.atomic
def status_update(
    *,
    status: Status,
    actor: User,
    categories: Sequence[int],
    action: str | None = None,
    text: str = "",
    medias: Sequence[int] = (),
    location: dict | None = None,
    addressing: Sequence[int] = (),
    tags: Sequence[int] = (),
) -> Status:
    """Replace a status's content under the create rules; only its author may.

    The row is locked first, and only the content columns are written: the counters (moved
    by votes, flags, follows and shares with F() meanwhile) and the moderation flags
    (`deleted`, `collapsed`) keep their current values; a post deleted since it was read
    is not found.
    """
    status_require_author(status=status, actor=actor)
    locked = Status.objects.select_for_update().filter(pk=status.pk).values("deleted").first()
    if locked is None or locked["deleted"]:
        raise NotFoundError(_("Status post not found."), params={"model": "status"})
    related = _apply_body(
        status=status,
        actor=actor,
        action=action,
        text=text,
        categories=categories,
        medias=medias,
        location=location,
        addressing=addressing,
        tags=tags,
    )
    status.last_edited_at = timezone.now()
    status.save(update_fields=STATUS_CONTENT_FIELDS)
    shared_before = set(
        Media.objects.filter(
            statuses=status.pk, type=MediaType.SHARE, shared_object__isnull=False
        ).values_list("shared_object_id", flat=True)
    )
    _save_related(status, related)
    shared_after = _shared_ids(related["medias"])
    _move_share_counts(shared_before - shared_after, -1)
    _move_share_counts(shared_after - shared_before, +1)
    emit(COMMUNITY_STATUS, "updated", [status])
    return status_get(status_id=status.pk)


@transaction.atomic
def _set_flags(*, status: Status, **flags: bool) -> Status:
    if "deleted" in flags:
        _share_counts_follow_deletion(status, deleted=flags["deleted"])
    Status.objects.filter(pk=status.pk).update(**flags)
    cache.bump(STATUS_LISTS)  # an UPDATE sends no signal (community/apps.py)
    for key, value in flags.items():
        setattr(status, key, value)
    # A soft delete is a deletion to subscribers; a restore or a collapse, an update. The
    # event's post is read again in this transaction (the UPDATE above holds its row), so
    # an edit committed since `status` was read is in it.
    emit(COMMUNITY_STATUS, "deleted" if flags.get("deleted") else "updated", [status])
    return status


def _require_moderator(*, status: Status, actor: User, action: str) -> None:
    """Its author or staff may delete and restore a status (`permission_denied`)."""
    if not (actor.is_staff or actor.pk == status.author_id):
        message = {
            "delete": _("Only its author or staff may delete a status post."),
            "restore": _("Only its author or staff may restore a status post."),
        }[action]
        raise ForbiddenError(message, params={"action": action})


def status_delete(*, status: Status, actor: User) -> Status:
    """Soft-delete a status; its author or staff may."""
    _require_moderator(status=status, actor=actor, action="delete")
    return _set_flags(status=status, deleted=True)


def status_restore(*, status: Status, actor: User) -> Status:
    """Undo a soft delete; its author or staff may."""
    _require_moderator(status=status, actor=actor, action="restore")
    return _set_flags(status=status, deleted=False)


def status_collapse(*, status: Status, actor: User, collapsed: bool = True) -> Status:
    """Collapse (or expand) a status in the feed; staff only."""
    if not actor.is_staff:
        raise ForbiddenError(
            _("Only staff may collapse a status post."), params={"action": "collapse"}
        )
    return _set_flags(status=status, collapsed=collapsed)
