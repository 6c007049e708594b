"""Rules for the community: categories, tags, media and status posts.

The SelfCommunity API and the admin both change community data through these functions.
"""

import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from community.models import Category, Media, MediaType, Status, Tag, TagType
from community.sanitize import clean as clean_html
from community.sanitize import render_text, summarize
from core.db import raise_on_integrity_error
from core.errors import DomainError, ForbiddenError, NotFoundError
from core.ids import parse_id
from core.text import name_key


class PayloadTooLargeError(DomainError):
    """An uploaded file is larger than the site allows."""

    status_code = 413
    default_code = "too_large"


# --- lookups -----------------------------------------------------------------------------


def _get(model, pk, message, queryset=None):
    found = (queryset if queryset is not None else model.objects).filter(pk=parse_id(pk)).first()
    if found is None:
        raise NotFoundError(message)
    return found


def _resolve_ids(model, ids, *, field, queryset=None):
    """The objects with these ids, in the given order, or a field error naming a bad id."""
    wanted = list(dict.fromkeys(ids))
    source = queryset if queryset is not None else model.objects.all()
    found = {obj.pk: obj for obj in source.filter(pk__in=wanted)}
    for pk in wanted:
        if pk not in found:
            raise DomainError(
                _('Invalid pk "%(pk)s" - object does not exist.') % {"pk": pk},
                field=field,
                code="does_not_exist",
            )
    return [found[pk] for pk in wanted]


# --- categories ----------------------------------------------------------------------------


def _category_name_taken():
    return DomainError(_("A category with this name already exists."), field="name", code="unique")


def _category_slug_taken():
    return DomainError(_("A category with this slug already exists."), field="slug", code="unique")


# How often a save is retried when concurrent requests keep taking the slug it picked.
SLUG_ATTEMPTS = 100


def _free_slug(base, *, exclude_id=None):
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


def _category_write(category, *, slug_base):
    """Save `category` in a savepoint; the database's unique constraints decide races.

    A unique violation is a name conflict only when the name (its key) really is taken.
    An automatic slug (`slug_base` given) that a concurrent request took since it was
    picked is replaced by the next free one and the save is tried again; a slug the client
    chose stays a slug error.
    """
    for _attempt in range(SLUG_ATTEMPTS):
        try:
            with transaction.atomic():
                category.save()
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


def _check_parents(*, category, parents):
    """Refuse parents that would make `category` its own ancestor."""
    if category.pk is None:
        return
    seen, frontier = set(), {p.pk for p in parents}
    while frontier:
        if category.pk in frontier:
            raise DomainError(
                _("A category cannot be its own parent or ancestor."),
                field="parents",
                code="invalid",
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


def category_get(*, category_id):
    """The category with this id, or NotFoundError."""
    return _get(Category, category_id, _("Category not found."))


def category_list():
    """Categories in their display order, with parents and tags ready."""
    return Category.objects.prefetch_related("parents", "tags").order_by("order", "name", "id")


@transaction.atomic
def category_save(*, category=None, name, parents=None, tags=None, **fields):
    """Create a category, or update `category`; names are unique as compared by name_key.

    `html_info` is sanitised with the same allowlist as status posts.
    """
    category = category or Category()
    name = (name or "").strip()
    if not name_key(name):
        raise DomainError(_("This field may not be blank."), field="name", code="blank")
    if Category.objects.filter(name_key=name_key(name)).exclude(pk=category.pk).exists():
        raise _category_name_taken()
    category.name = name
    for key, value in fields.items():
        setattr(category, key, value)
    category.html_info = clean_html(category.html_info or "")
    slug_base = None
    if fields.get("slug"):
        if Category.objects.filter(slug=fields["slug"]).exclude(pk=category.pk).exists():
            raise _category_slug_taken()
    elif not category.slug:
        slug_base = slugify(name, allow_unicode=True)
        category.slug = _free_slug(slug_base, exclude_id=category.pk)
    parent_objs = None
    if parents is not None:
        parent_objs = _resolve_ids(Category, parents, field="parents")
        _check_parents(category=category, parents=parent_objs)
    tag_objs = None
    if tags is not None:
        tag_objs = _resolve_ids(
            Tag, tags, field="tags", queryset=Tag.objects.filter(type=TagType.CATEGORY)
        )
    _category_write(category, slug_base=slug_base)
    if parent_objs is not None:
        category.parents.set(parent_objs)
    if tag_objs is not None:
        category.tags.set(tag_objs)
    return category


def category_delete(*, category):
    """Delete a category; posts keep their other categories."""
    category.delete()


# --- tags -----------------------------------------------------------------------------------


def _tag_name_taken():
    return DomainError(
        _("A tag with this name and type already exists."), field="name", code="unique"
    )


def tag_get(*, tag_id):
    """The tag with this id, or NotFoundError."""
    return _get(Tag, tag_id, _("Tag not found."))


def tag_list(*, type=None):
    """Tags ordered by type and name, optionally of one type."""
    tags = Tag.objects.all()
    if type:
        tags = tags.filter(type=type)
    return tags.order_by("type", "name", "id")


def tag_save(*, tag=None, name, type, **fields):
    """Create a tag, or update `tag`; a name is unique within its type (by name_key)."""
    tag = tag or Tag()
    name = (name or "").strip()
    if not name_key(name):
        raise DomainError(_("This field may not be blank."), field="name", code="blank")
    if Tag.objects.filter(name_key=name_key(name), type=type).exclude(pk=tag.pk).exists():
        raise _tag_name_taken()
    tag.name, tag.type = name, type
    for key, value in fields.items():
        setattr(tag, key, value)
    with raise_on_integrity_error(_tag_name_taken()):
        tag.save()
    return tag


def tag_delete(*, tag):
    """Delete a tag."""
    tag.delete()


# --- media ----------------------------------------------------------------------------------


def media_get(*, media_id, owner):
    """One of `owner`'s media; another user's media is NotFoundError, like an unknown one."""
    return _get(Media, media_id, _("Media not found."), queryset=Media.objects.filter(owner=owner))


def media_create_url(*, owner, url, title="", description=""):
    """A link media; the server does not fetch the URL."""
    return Media.objects.create(
        owner=owner, type=MediaType.URL, url=url, title=title, description=description
    )


# The only image formats kept, by Pillow's name, with the extension a stored file gets.
IMAGE_FORMATS = {"PNG": "png", "JPEG": "jpg", "GIF": "gif", "WEBP": "webp"}


def _invalid_image():
    return DomainError(
        _(
            "Upload a valid image (PNG, JPEG, GIF or WebP). The file you uploaded was either "
            "not an image, an image of another format, or a corrupted image."
        ),
        field="image",
        code="invalid_image",
    )


def image_checked(upload):
    """`upload` renamed for storage, once Pillow has decoded it as a PNG, JPEG, GIF or WebP.

    Neither the client's file name nor its content type is trusted: the format comes from
    decoding the pixels, and the stored name is random, with that format's extension, so
    a polyglot such as `x.html` can never be stored (or served) as anything but an image.
    """
    limit = settings.COMMUNITY_IMAGE_MAX_BYTES
    if upload.size > limit:
        raise PayloadTooLargeError(
            _("The image is larger than %(limit)s bytes.") % {"limit": limit},
            field="image",
            code="file_too_large",
        )
    try:
        upload.seek(0)
        with Image.open(upload, formats=list(IMAGE_FORMATS)) as probe:
            probe.verify()
        upload.seek(0)
        with Image.open(upload, formats=list(IMAGE_FORMATS)) as probe:
            image_format = probe.format
            width, height = probe.size
            if width * height > Image.MAX_IMAGE_PIXELS:
                raise DomainError(_("The image is too large."), field="image", code="invalid")
            probe.load()  # decode the pixels, not just the header
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise _invalid_image() from None
    if image_format not in IMAGE_FORMATS:
        raise _invalid_image()
    upload.seek(0)
    upload.name = f"{secrets.token_hex(16)}.{IMAGE_FORMATS[image_format]}"
    return upload


def media_save(*, media):
    """Save a media from the admin or the API; a new image file is checked and renamed first."""
    if media.image and not media.image._committed:
        media.image.file = image_checked(media.image.file)
        media.image.name = media.image.file.name
    media.save()
    return media


def media_create_image(*, owner, image, title="", description=""):
    """An image media from an uploaded file, checked to be a real image of bounded size."""
    media = Media(owner=owner, type=MediaType.IMAGE, title=title, description=description)
    media.image = image
    return media_save(media=media)


# --- status posts --------------------------------------------------------------------------


def status_queryset():
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


def status_list(*, ordering="-added_at", search=None):
    """Statuses that are not deleted, newest first by default, optionally matching text."""
    statuses = status_queryset().filter(deleted=False)
    if search:
        statuses = statuses.filter(Q(plain_text__icontains=search) | Q(action__icontains=search))
    return statuses.order_by(*STATUS_ORDERINGS[ordering])


def status_get(*, status_id, include_deleted=False):
    """A status by id; a deleted one is NotFoundError unless `include_deleted`."""
    statuses = status_queryset()
    if not include_deleted:
        statuses = statuses.filter(deleted=False)
    return _get(Status, status_id, _("Not found."), queryset=statuses)


def _can_moderate(*, actor, status):
    return actor.is_staff or actor.pk == status.author_id


def status_require_author(*, status, actor):
    """Only a status's author may edit it."""
    if actor.pk != status.author_id:
        raise ForbiddenError(_("You do not have permission to perform this action."))


def _resolve_categories(*, ids, actor):
    """The active categories named, plus all their ancestors; staff-only ones need staff."""
    if not ids:
        raise DomainError(_("This list may not be empty."), field="categories", code="empty")
    categories = _resolve_ids(Category, ids, field="categories")
    inactive = [c for c in categories if not c.active]
    if inactive:
        raise DomainError(
            _('Category "%(name)s" is not active.') % {"name": inactive[0].name},
            field="categories",
            code="inactive",
        )
    result = {c.pk: c for c in categories}
    frontier = set(result)
    while frontier:
        parents = Category.objects.filter(children__in=frontier).exclude(pk__in=result)
        frontier = set()
        for parent in parents:
            if parent.pk not in result:
                result[parent.pk] = parent
                frontier.add(parent.pk)
    if not actor.is_staff:
        staff_only = [c for c in result.values() if c.content_only_staff]
        if staff_only:
            raise ForbiddenError(
                _('Only staff members may publish in category "%(name)s".')
                % {"name": staff_only[0].name},
                code="permission_denied",
            )
    return list(result.values())


def _resolve_medias(*, ids, actor):
    medias = _resolve_ids(Media, ids, field="medias", queryset=Media.objects.filter(owner=actor))
    if sum(1 for media in medias if media.type == MediaType.SHARE) > 1:
        raise DomainError(
            _("A status can contain at most one share media."), field="medias", code="invalid"
        )
    return medias


def _resolve_tags(*, ids, field, tag_type):
    tags = _resolve_ids(Tag, ids, field=field)
    wrong = [tag for tag in tags if tag.type != tag_type]
    if wrong:
        raise DomainError(
            _('Tag %(pk)s is not of type "%(type)s".') % {"pk": wrong[0].pk, "type": tag_type},
            field=field,
            code="invalid",
        )
    return tags


def _apply_body(*, status, actor, action, text, categories, medias, location, addressing, tags):
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
    return related


def _save_related(status, related):
    for name, objects in related.items():
        getattr(status, name).set(objects)


@transaction.atomic
def status_create(
    *,
    author,
    action,
    categories,
    text="",
    medias=(),
    location=None,
    addressing=(),
    tags=(),
):
    """Publish a status post by `author` under SelfCommunity's rules."""
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
    _save_related(status, related)
    return status_get(status_id=status.pk)


@transaction.atomic
def status_update(
    *,
    status,
    actor,
    action,
    categories,
    text="",
    medias=(),
    location=None,
    addressing=(),
    tags=(),
):
    """Replace a status's content; only its author may."""
    status_require_author(status=status, actor=actor)
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
    status.save()
    _save_related(status, related)
    return status_get(status_id=status.pk)


def _set_flag(*, status, actor, **flags):
    if not _can_moderate(actor=actor, status=status):
        raise ForbiddenError(_("You do not have permission to perform this action."))
    Status.objects.filter(pk=status.pk).update(**flags)
    for key, value in flags.items():
        setattr(status, key, value)
    return status


def status_delete(*, status, actor):
    """Soft-delete a status; its author or staff may."""
    return _set_flag(status=status, actor=actor, deleted=True)


def status_restore(*, status, actor):
    """Undo a soft delete; its author or staff may."""
    return _set_flag(status=status, actor=actor, deleted=False)


def status_collapse(*, status, actor, collapsed=True):
    """Collapse (or expand) a status in the feed; staff only."""
    if not actor.is_staff:
        raise ForbiddenError(_("You do not have permission to perform this action."))
    return _set_flag(status=status, actor=actor, collapsed=collapsed)
