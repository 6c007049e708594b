"""Community models: categories, tags, media, member profiles and status posts."""

import re

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.history import HistoricalRecords
from core.text import (
    NameKeyMixin,
    NameKeyQuerySet,
    name_key_field,
    validate_name_characters,
    visible_name_field,
)


class TagType(models.TextChoices):
    """What a tag may be attached to."""

    USER = "user", _("User")
    CATEGORY = "category", _("Category")
    CONTRIBUTION = "contribution", _("Contribution")


# A tag's colour: `#rrggbb`, as SelfCommunity's clients read it (its React TagChip computes a
# contrast colour from it and fails on anything else); a tag without one gets the default.
TAG_COLOR_PATTERN = re.compile(r"#[0-9a-fA-F]{6}")
DEFAULT_TAG_COLOR = "#9e9e9e"
validate_tag_color = RegexValidator(
    regex=rf"\A{TAG_COLOR_PATTERN.pattern}\Z",
    message=_("Enter a colour as #rrggbb, for example #3366ff."),
    code="invalid",
)


def fix_tag_colors(tag_model) -> int:
    """Give every tag whose colour is empty or not `#rrggbb` the default colour (used by
    the data migration for rows saved before the rule); the number of tags changed."""
    bad = [
        pk
        for pk, color in tag_model.objects.values_list("pk", "color")
        if not TAG_COLOR_PATTERN.fullmatch(color or "")
    ]
    return tag_model.objects.filter(pk__in=bad).update(color=DEFAULT_TAG_COLOR)


class Tag(NameKeyMixin, models.Model):
    """A label for users (addressing), categories or contributions; unique per type."""

    Type = TagType
    NAME_MAX_LENGTH = 50

    name = visible_name_field(
        _("name"), max_length=NAME_MAX_LENGTH, validators=[validate_name_characters]
    )
    name_key = name_key_field()
    type = models.CharField(_("type"), max_length=16, choices=TagType.choices)
    description = models.CharField(_("description"), max_length=255, blank=True)
    color = models.CharField(
        _("color"),
        max_length=16,
        blank=True,  # an empty colour becomes the default (clean, save)
        default=DEFAULT_TAG_COLOR,
        validators=[validate_tag_color],
        help_text=_("#rrggbb, e.g. #3366ff; left empty, the default %(default)s.")
        % {"default": DEFAULT_TAG_COLOR},
    )
    visible = models.BooleanField(_("visible"), default=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = NameKeyQuerySet.as_manager()
    name_keys = {"name": "name_key"}

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["type", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["name_key", "type"],
                name="community_tag_name_key_type_unique",
                violation_error_message=_("A tag with this name and type already exists."),
            ),
            models.CheckConstraint(
                condition=models.Q(type__in=TagType.values), name="community_tag_type_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(name=""), name="community_tag_name_not_blank"
            ),
            models.CheckConstraint(
                condition=~models.Q(name_key=""),
                name="community_tag_name_key_not_blank",
                violation_error_message=_("The name needs at least one visible character."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.type})"

    def save(self, *args, **kwargs):
        if not self.color:
            self.color = DEFAULT_TAG_COLOR
        super().save(*args, **kwargs)

    def clean(self):
        # A tag always has a colour: clients compute a contrast colour from it.
        if not self.color:
            self.color = DEFAULT_TAG_COLOR


class AutoFollow(models.TextChoices):
    """Whether new members follow a category."""

    NONE = "none", _("None")
    DEFAULT = "default", _("Default")
    FORCED = "forced", _("Forced")


class StreamOrder(models.TextChoices):
    """How a category's stream is ordered."""

    RECENT = "recent", _("Most recent")
    LAST_ACTIVITY = "last_activity", _("Last activity")


class Category(NameKeyMixin, models.Model):
    """A community category; status posts are published in one or more of them."""

    NAME_MAX_LENGTH = 255

    name = visible_name_field(
        _("name"), max_length=NAME_MAX_LENGTH, validators=[validate_name_characters]
    )
    name_key = name_key_field()
    name_synonyms = models.CharField(_("name synonyms"), max_length=255, blank=True)
    slug = models.SlugField(_("slug"), max_length=255, unique=True, allow_unicode=True)
    slogan = models.CharField(_("slogan"), max_length=255, blank=True)
    html_info = models.TextField(_("HTML info"), blank=True)
    seo_title = models.CharField(_("SEO title"), max_length=255, blank=True)
    seo_description = models.TextField(_("SEO description"), blank=True)
    auto_follow = models.CharField(
        _("auto follow"), max_length=16, choices=AutoFollow.choices, default=AutoFollow.NONE
    )
    stream_order_by = models.CharField(
        _("stream order"), max_length=16, choices=StreamOrder.choices, default=StreamOrder.RECENT
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)
    content_only_staff = models.BooleanField(
        _("staff only"),
        default=False,
        help_text=_("Only staff members may publish in this category."),
    )
    parents = models.ManyToManyField(
        "self",
        symmetrical=False,
        related_name="children",
        blank=True,
        verbose_name=_("parents"),
        help_text=_("A post in this category is also published in its parents."),
    )
    tags = models.ManyToManyField(
        Tag,
        related_name="categories",
        blank=True,
        limit_choices_to={"type": TagType.CATEGORY},
        verbose_name=_("tags"),
    )
    follower_count = models.PositiveIntegerField(
        _("followers"), default=0, editable=False, help_text=_("Members who follow it.")
    )
    lastmod_datetime = models.DateTimeField(_("last modified"), auto_now=True)
    # Parent changes are M2M and not versioned; the category's own fields are.
    history = HistoricalRecords()

    objects = NameKeyQuerySet.as_manager()
    name_keys = {"name": "name_key"}

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["order", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["name_key"],
                name="community_category_name_key_unique",
                violation_error_message=_("A category with this name already exists."),
            ),
            models.CheckConstraint(
                condition=~models.Q(name=""), name="community_category_name_not_blank"
            ),
            models.CheckConstraint(
                condition=~models.Q(name_key=""),
                name="community_category_name_key_not_blank",
                violation_error_message=_("The name needs at least one visible character."),
            ),
            models.CheckConstraint(
                condition=models.Q(auto_follow__in=AutoFollow.values),
                name="community_category_auto_follow_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(stream_order_by__in=StreamOrder.values),
                name="community_category_stream_order_valid",
            ),
        ]

    def __str__(self):
        return self.name


class MediaType(models.TextChoices):
    """The kind of a media attached to a post."""

    URL = "url", _("Link")
    IMAGE = "image", _("Image")
    DOC = "doc", _("Document")
    SHARE = "share", _("Share")
    EMBED = "embed", _("Embed")


class Media(models.Model):
    """A link, an uploaded image or a share that its owner can attach to posts."""

    Type = MediaType

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="community_medias",
        verbose_name=_("owner"),
    )
    type = models.CharField(_("type"), max_length=16, choices=MediaType.choices)
    title = models.CharField(_("title"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)
    url = models.URLField(_("URL"), max_length=2000, blank=True)
    image = models.ImageField(
        _("image"),
        upload_to="community/media/%Y/%m/",
        width_field="image_width",
        height_field="image_height",
        blank=True,
    )
    image_width = models.PositiveIntegerField(_("image width"), null=True, blank=True)
    image_height = models.PositiveIntegerField(_("image height"), null=True, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    added_at = models.DateTimeField(_("added at"), default=timezone.now)
    # A share media points at the status it shares.
    shared_object = models.ForeignKey(
        "Status",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="share_medias",
        verbose_name=_("shared status"),
    )
    # An embed media describes an object outside the community (SelfCommunity's Embed).
    embed_type = models.CharField(_("embed type"), max_length=255, blank=True)
    embed_id = models.CharField(_("embed id"), max_length=255, blank=True)
    embed_metadata = models.JSONField(_("embed metadata"), default=dict, blank=True)
    click_count = models.PositiveIntegerField(_("clicks"), default=0, editable=False)

    class Meta:
        verbose_name = _("media")
        verbose_name_plural = _("media")
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(type__in=MediaType.values), name="community_media_type_valid"
            ),
            # A link media needs its URL and an image media its file.
            models.CheckConstraint(
                condition=~models.Q(type=MediaType.URL) | ~models.Q(url=""),
                name="community_media_url_has_url",
            ),
            models.CheckConstraint(
                condition=~models.Q(type=MediaType.IMAGE) | ~models.Q(image=""),
                name="community_media_image_has_file",
            ),
            # A share media shares a status; an embed media names its embed.
            models.CheckConstraint(
                condition=~models.Q(type=MediaType.SHARE) | models.Q(shared_object__isnull=False),
                name="community_media_share_has_object",
            ),
            models.CheckConstraint(
                condition=~models.Q(type=MediaType.EMBED)
                | (~models.Q(embed_type="") & ~models.Q(embed_id="")),
                name="community_media_embed_has_id",
            ),
        ]

    def __str__(self):
        return f"{self.get_type_display()} #{self.pk}: {self.title or self.url or self.image}"


class MemberProfile(models.Model):
    """The community side of a user: external id and public profile fields."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="community_profile",
        verbose_name=_("user"),
    )
    ext_id = models.CharField(
        _("external id"),
        max_length=255,
        null=True,
        blank=True,
        unique=True,
        help_text=_("The user's id in the site that embeds the community."),
    )
    bio = models.TextField(_("bio"), blank=True)
    description = models.CharField(_("description"), max_length=255, blank=True)
    location = models.CharField(_("location"), max_length=255, blank=True)
    website = models.URLField(_("website"), blank=True)
    avatar = models.URLField(_("avatar"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("member profile")
        verbose_name_plural = _("member profiles")

    def __str__(self):
        return str(self.user)


class Status(models.Model):
    """A short community status post, published in categories; deleting it is soft."""

    ACTION_MAX_LENGTH = 255
    SUMMARY_MAX_LENGTH = 500

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="community_statuses",
        verbose_name=_("author"),
    )
    # null and "" differ in SelfCommunity's replies, so these strings are nullable.
    action = models.CharField(  # noqa: DJ001
        _("action"), max_length=ACTION_MAX_LENGTH, null=True, blank=True
    )
    html = models.TextField(_("HTML"), blank=True, help_text=_("Sanitised, with mentions."))
    plain_text = models.TextField(_("plain text"), blank=True, editable=False)
    summary = models.CharField(_("summary"), max_length=SUMMARY_MAX_LENGTH, blank=True)
    slug = models.SlugField(_("slug"), max_length=255, blank=True, allow_unicode=True)
    categories = models.ManyToManyField(
        Category, related_name="statuses", verbose_name=_("categories")
    )
    medias = models.ManyToManyField(
        Media, related_name="statuses", blank=True, verbose_name=_("medias")
    )
    addressing = models.ManyToManyField(
        Tag,
        related_name="addressed_statuses",
        blank=True,
        limit_choices_to={"type": TagType.USER},
        verbose_name=_("addressing"),
    )
    tags = models.ManyToManyField(
        Tag,
        related_name="tagged_statuses",
        blank=True,
        limit_choices_to={"type": TagType.CONTRIBUTION},
        verbose_name=_("tags"),
    )
    location = models.CharField(_("location"), max_length=255, null=True, blank=True)  # noqa: DJ001
    location_lat = models.FloatField(
        _("latitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    location_lng = models.FloatField(
        _("longitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    added_at = models.DateTimeField(_("added at"), default=timezone.now)
    last_activity_at = models.DateTimeField(_("last activity at"), default=timezone.now)
    last_edited_at = models.DateTimeField(_("last edited at"), null=True, blank=True)
    deleted = models.BooleanField(_("deleted"), default=False)
    collapsed = models.BooleanField(_("collapsed"), default=False)
    comment_count = models.PositiveIntegerField(_("comments"), default=0)
    view_count = models.PositiveIntegerField(_("views"), default=0)
    vote_count = models.PositiveIntegerField(_("votes"), default=0)
    flag_count = models.PositiveIntegerField(_("flags"), default=0)
    share_count = models.PositiveIntegerField(_("shares"), default=0)
    follower_count = models.PositiveIntegerField(_("followers"), default=0)

    class Meta:
        verbose_name = _("status post")
        verbose_name_plural = _("status posts")
        ordering = ["-added_at", "-id"]
        # The lists' orderings (services.STATUS_ORDERINGS, each way), over the posts they
        # show: partial indexes, which SQLite also walks in order for `NOT deleted` (with
        # `deleted` as a first column it sorted every post), and whose rows end with the
        # id, the orderings' tie-break (issue 26).
        indexes = [
            models.Index(
                fields=["-added_at", "-id"],
                condition=models.Q(deleted=False),
                name="community_status_live_added",
            ),
            models.Index(
                fields=["-last_activity_at", "-id"],
                condition=models.Q(deleted=False),
                name="community_status_live_activity",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(location_lat__isnull=True)
                | models.Q(location_lat__gte=-90, location_lat__lte=90),
                name="community_status_lat_range",
            ),
            models.CheckConstraint(
                condition=models.Q(location_lng__isnull=True)
                | models.Q(location_lng__gte=-180, location_lng__lte=180),
                name="community_status_lng_range",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.action or self.summary[:60]}"


class FlagType(models.IntegerChoices):
    """Why a member flags a status (SelfCommunity's `SCFlagTypeEnum`)."""

    SPAM = 0, _("spam")
    AGGRESSIVE = 1, _("aggressive")
    VULGAR = 2, _("vulgar")
    POOR = 3, _("poor")
    OFFTOPIC = 4, _("offtopic")


class FlagModeration(models.TextChoices):
    """What a moderator decided about a flagged status (`SCFlagModerationStatusType`)."""

    PENDING = "", _("not moderated")
    IGNORED = "ignored", _("ignored")
    DELETED = "deleted", _("deleted")
    HIDDEN = "hidden", _("hidden")


class _MemberMark(models.Model):
    """One member's mark on one status (a vote, a follow, ...): at most one per member."""

    status = models.ForeignKey(Status, on_delete=models.CASCADE, verbose_name=_("status post"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="%(app_label)s_%(class)s_set",
        verbose_name=_("member"),
    )
    added_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.user} on #{self.status_id}"


def _one_per_member(name: str) -> list:
    return [models.UniqueConstraint(fields=["status", "user"], name=f"community_{name}_once")]


class StatusVote(_MemberMark):
    """A member's vote (SelfCommunity's default reaction, id 1) on a status."""

    reaction = models.PositiveSmallIntegerField(_("reaction"), default=1)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        default_related_name = "votes"
        ordering = ["-added_at", "-id"]
        constraints = _one_per_member("vote")


class StatusFollow(_MemberMark):
    """A member follows a status."""

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        default_related_name = "follows"
        ordering = ["-added_at", "-id"]
        constraints = _one_per_member("follow")


class StatusFlag(_MemberMark):
    """A member reports a status to the moderators."""

    flag_type = models.PositiveSmallIntegerField(_("reason"), choices=FlagType.choices)
    moderation = models.CharField(
        _("moderation"), max_length=16, choices=FlagModeration.choices, blank=True, default=""
    )
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("moderated by"),
    )

    class Meta:
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        default_related_name = "flags"
        ordering = ["-added_at", "-id"]
        constraints = [
            *_one_per_member("flag"),
            models.CheckConstraint(
                condition=models.Q(flag_type__in=FlagType.values), name="community_flag_type_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(moderation__in=FlagModeration.values),
                name="community_flag_moderation_valid",
            ),
        ]


class StatusHide(_MemberMark):
    """A member hid a status: it leaves that member's lists."""

    class Meta:
        verbose_name = _("hidden status")
        verbose_name_plural = _("hidden statuses")
        default_related_name = "hides"
        ordering = ["-added_at", "-id"]
        constraints = _one_per_member("hide")


class StatusSuspend(_MemberMark):
    """A member suspended the notifications about a status."""

    class Meta:
        verbose_name = _("suspended notification")
        verbose_name_plural = _("suspended notifications")
        default_related_name = "suspends"
        ordering = ["-added_at", "-id"]
        constraints = _one_per_member("suspend")


class CategoryFollow(models.Model):
    """A member follows a category."""

    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, related_name="follows", verbose_name=_("category")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="community_category_follows",
        verbose_name=_("member"),
    )
    added_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        verbose_name = _("category follow")
        verbose_name_plural = _("category follows")
        ordering = ["-added_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "user"], name="community_category_follow_once"
            )
        ]

    def __str__(self):
        return f"{self.user} follows {self.category_id}"


class MediaUpload(models.Model):
    """A chunked upload in progress: the chunks received so far, appended in a file of
    their own, until `media/upload/complete/` turns it into a media or it expires."""

    upload_id = models.CharField(_("upload id"), max_length=64, unique=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="community_media_uploads",
        verbose_name=_("owner"),
    )
    field = models.CharField(_("field"), max_length=16, default="image")
    path = models.CharField(_("file"), max_length=500)
    offset = models.PositiveBigIntegerField(_("bytes received"), default=0)
    total = models.PositiveBigIntegerField(_("bytes announced"))
    created_at = models.DateTimeField(_("started at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    class Meta:
        verbose_name = _("chunked upload")
        verbose_name_plural = _("chunked uploads")

    def __str__(self):
        return f"{self.upload_id} ({self.offset}/{self.total})"


class WriteCount(models.Model):
    """How many writes one client made in the current window of a rate limit
    (`community.selfcommunity.throttling`): one row per client, counted up in one
    statement and restarted when a new window begins."""

    key = models.CharField(_("key"), max_length=200, primary_key=True)
    slot = models.BigIntegerField(_("window"), help_text=_("The window's number since 1970."))
    hits = models.PositiveIntegerField(_("hits"))

    class Meta:
        verbose_name = _("write count")
        verbose_name_plural = _("write counts")

    def __str__(self):
        return f"{self.key}: {self.hits}"
