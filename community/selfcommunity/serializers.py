"""Translation between SelfCommunity's JSON and the community services."""

import orjson
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail
from rest_framework.fields import empty

from community.models import (
    AutoFollow,
    Category,
    FlagType,
    Media,
    MediaType,
    Status,
    StreamOrder,
    Tag,
    TagType,
)
from community.selfcommunity import replies
from community.services import STATUS_ORDERINGS
from community.taxonomy import FEED_ORDERINGS, TAG_ORDERING_FIELDS
from core.serializers import (
    IdField,
    NameField,
    StrictCharField,
    StrictFloatField,
    StrictIntegerField,
    StrictSerializer,
)
from core.shapes import reply_serializer

# The largest value of a PositiveIntegerField (`order`) on every database.
MAX_ORDER = 2**31 - 1

# Examples of the fields of each object for the API documentation
# (core.schema.PortalAutoSchema); the ids refer to one another.
TAG_EXAMPLES = {
    "id": 12,
    "name": "Release notes",
    "description": "Posts about a new version",
    "color": "#3366ff",
    "created_at": "2026-10-02T10:00:00Z",
}
CATEGORY_EXAMPLES = {
    "id": 3,
    "order": 1,
    "name": "Announcements",
    "name_synonyms": "News, Updates",
    "slug": "announcements",
    "slogan": "What is new in the product",
    "html_info": "<p>Product news from the team.</p>",
    "seo_title": "Announcements",
    "seo_description": "Product news and release announcements.",
    "parents": [1],
    "lastmod_datetime": "2026-11-20T09:30:00Z",
    "followers_counter": 120,
}
MEDIA_EXAMPLES = {
    "id": 31,
    "added_at": "2026-11-21T14:00:00Z",
    "title": "Release 4.2",
    "description": "What changed in 4.2",
    "url": "https://example.com/blog/release-4-2",
    "image": "https://portal.example.com/media/community/2026/11/5f2c1a.png",
    "image_width": 1200,
    "image_height": 630,
    "order": 1,
}
LOCATION_EXAMPLES = {"location": "Lisbon", "lat": 38.7223, "lng": -9.1393}
USER_EXAMPLES = {
    "id": 42,
    "username": "maria",
    "real_name": "Maria Rossi",
    "date_joined": "2026-01-15T08:00:00Z",
    "bio": "Support lead",
    "location": "Lisbon",
    "description": "Answers questions about billing",
    "gender": "Unspecified",
    "website": "https://example.com/maria",
    "avatar": "https://example.com/avatars/maria.png",
    "ext_id": "crm-4711",
    "reputation": 0,
}
STATUS_EXAMPLES = {
    "id": 101,
    "type": "status",
    "action": "Release 4.2 is out",
    "html": '<p>Release 4.2 is out, thanks <mention id="42" extid="crm-4711">@maria</mention>!</p>',
    "summary": "Release 4.2 is out, thanks @maria!",
    "slug": "release-42-is-out",
    "added_at": "2026-11-21T14:05:12Z",
    "last_activity_at": "2026-11-21T15:40:00Z",
    "last_edited_at": "2026-11-21T14:05:12Z",
    "comment_count": 0,
    "view_count": 0,
    "vote_count": 0,
    "flag_count": 0,
    "share_count": 0,
    "follower_count": 0,
    "reactions_count": [],
    "voted": False,
    "followed": False,
    "suspended": False,
}


class SCBodySerializer(StrictSerializer):
    """A SelfCommunity request body or query. Its server is a DRF application: keys it does
    not know are ignored, and a body that is not an object is answered in DRF's words
    (`errors.SelfCommunityErrors` gives that `not_an_object` DRF's code, `invalid`)."""

    reject_unknown = False
    default_error_messages = {
        "not_an_object": _("Invalid data. Expected a dictionary, but got {datatype}."),
    }

    def run_validation(self, data=empty):
        if data is None:
            # A `null` body: DRF answers "No data provided" (code `null`), so does this.
            self.fail("null")
        return super().run_validation(data)


class SCLocationSerializer(serializers.Serializer):
    """Where a status was posted from; all three keys are present, each may be null."""

    field_examples = LOCATION_EXAMPLES

    location = StrictCharField(allow_null=True, allow_blank=True, max_length=255)
    lat = StrictFloatField(allow_null=True, min_value=-90, max_value=90)
    lng = StrictFloatField(allow_null=True, min_value=-180, max_value=180)


# --- replies --------------------------------------------------------------------------------
#
# The classes that document the reply shapes of `community.selfcommunity.replies` (their
# OpenAPI components). They write replies through the shapes' fast functions, so the routes
# of one object and the category and tag pages give what the lists give.

SCTagSerializer = reply_serializer(
    replies.SCTag,
    model=Tag,
    read_only=True,
    examples=TAG_EXAMPLES,
    build=lambda tag, context: replies.tag_reply(replies.tag_row(tag)),
)
SCCategorySerializer = reply_serializer(
    replies.SCCategory,
    model=Category,
    read_only=True,
    examples=CATEGORY_EXAMPLES,
    build=lambda category, context: replies.category_reply(replies.category_row(category)),
)
# Made before the Media reply, which nests it (reply_serializer makes a shape's serializer
# once): the examples of an embed.
SCEmbedSerializer = reply_serializer(
    replies.SCEmbed,
    examples={
        "id": 12,
        "embed_type": "video",
        "embed_id": "dQw4w9WgXcQ",
        "url": "https://example.com/videos/dQw4w9WgXcQ",
        "metadata": {"title": "Release 4.2 walkthrough"},
    },
)
SCMediaSerializer = reply_serializer(
    replies.SCMedia,
    model=Media,
    read_only=True,
    examples=MEDIA_EXAMPLES,
    build=lambda media, context: replies.media_reply(
        replies.media_row(media), context.get("request")
    ),
)
SCChunkMediaSerializer = reply_serializer(
    replies.SCChunkMedia,
    examples={
        "upload_id": "5f2c1a0e9b7d4c3a8e6f1b2d0c9a7e5f",
        "offset": "204800",
        "expires": "2026-11-21T15:00:00Z",
    },
)
SCUserSerializer = reply_serializer(replies.SCUser, examples=USER_EXAMPLES)
SCLocationReplySerializer = reply_serializer(replies.SCLocationReply, examples=LOCATION_EXAMPLES)
SCReactionSerializer = reply_serializer(
    replies.SCReaction,
    examples={
        "id": 1,
        "label": "Like",
        "sentiment": 1,
        "image": "https://example.com/reactions/like.png",
    },
)
SCStatusSerializer = reply_serializer(
    replies.SCStatus,
    model=Status,
    read_only=True,
    examples=STATUS_EXAMPLES,
    build=lambda status, context: replies.status_reply(
        replies.status_row(status, viewer=getattr(context.get("request"), "user", None)),
        context.get("request"),
    ),
)


# The replies of the category routes of issue 23 (after SCStatusSerializer: a feed unit
# holds a status, whose component that class is).
SCFeedUnitSerializer = reply_serializer(replies.SCFeedUnit, examples={"type": "status"})
SCCategoryAudienceSerializer = reply_serializer(
    replies.SCCategoryAudience, examples={"category_audience": 120, "connections_audience": 0}
)
SCCategoryFollowedSerializer = reply_serializer(replies.SCCategoryFollowed)


# The replies of a member's marks on a status (community.social).
FLAG_EXAMPLES = {
    "added_at": "2026-11-21T16:00:00Z",
    "flag_type": 0,
    "flag_type_description": "spam",
}
SCVoteSerializer = reply_serializer(replies.SCVote, examples={"voted_at": "2026-11-21T16:00:00Z"})
SCFlagSerializer = reply_serializer(replies.SCFlag, examples=FLAG_EXAMPLES)
SCFlagStatusSerializer = reply_serializer(replies.SCFlagStatus, examples=FLAG_EXAMPLES)
SCFollowingStatusSerializer = reply_serializer(replies.SCFollowingStatus)
SCSuspendedStatusSerializer = reply_serializer(replies.SCSuspendedStatus)
SCHiddenStatusSerializer = reply_serializer(replies.SCHiddenStatus)


# --- request bodies --------------------------------------------------------------------------


class SCStatusWriteSerializer(SCBodySerializer):
    """The body of a status create or update."""

    field_examples = {
        "action": STATUS_EXAMPLES["action"],
        "text": "<p>Release 4.2 is out, thanks @maria!</p>",
        "categories": [CATEGORY_EXAMPLES["id"]],
        "medias": [MEDIA_EXAMPLES["id"]],
        "addressing": [7],
        "tags": [TAG_EXAMPLES["id"]],
    }

    action = StrictCharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        default=None,
        max_length=Status.ACTION_MAX_LENGTH,
        help_text="A short headline, or null; a missing key means null.",
    )
    text = StrictCharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        default="",
        help_text="HTML; sanitised. `@username` becomes a mention.",
    )
    categories = serializers.ListField(
        child=IdField(),
        allow_empty=False,
        help_text="Ids of active categories; their parents are added.",
    )
    medias = serializers.ListField(
        child=IdField(), required=False, default=list, help_text="Ids of your own media."
    )
    location = SCLocationSerializer(required=False, allow_null=True, default=None)
    addressing = serializers.ListField(
        child=IdField(), required=False, default=list, help_text="Ids of tags of type user."
    )
    tags = serializers.ListField(
        child=IdField(), required=False, default=list, help_text="Ids of tags of type contribution."
    )


class SCStatusListQuerySerializer(SCBodySerializer):
    """Query parameters of the status list and search."""

    ordering = serializers.ChoiceField(
        choices=list(STATUS_ORDERINGS), required=False, default="-added_at"
    )
    search = serializers.CharField(required=False, allow_blank=True, max_length=255)


class SCCategoryWriteSerializer(SCBodySerializer):
    """The body of a category create or update."""

    field_examples = {**CATEGORY_EXAMPLES, "tags": [TAG_EXAMPLES["id"]]}

    name = NameField(max_length=Category.NAME_MAX_LENGTH)
    slug = serializers.SlugField(max_length=255, required=False, allow_unicode=True)
    name_synonyms = StrictCharField(max_length=255, required=False, allow_blank=True)
    slogan = StrictCharField(max_length=255, required=False, allow_blank=True)
    html_info = StrictCharField(required=False, allow_blank=True)
    seo_title = StrictCharField(max_length=255, required=False, allow_blank=True)
    seo_description = StrictCharField(required=False, allow_blank=True)
    auto_follow = serializers.ChoiceField(choices=AutoFollow.choices, required=False)
    stream_order_by = serializers.ChoiceField(choices=StreamOrder.choices, required=False)
    order = StrictIntegerField(min_value=0, max_value=MAX_ORDER, required=False)
    active = serializers.BooleanField(required=False)
    content_only_staff = serializers.BooleanField(required=False)
    parents = serializers.ListField(child=IdField(), required=False)
    tags = serializers.ListField(
        child=IdField(), required=False, help_text="Ids of tags of type category."
    )


class SCTagWriteSerializer(SCBodySerializer):
    """The body of a tag create or update."""

    field_examples = TAG_EXAMPLES

    name = NameField(max_length=Tag.NAME_MAX_LENGTH)
    type = serializers.ChoiceField(choices=TagType.choices)
    description = StrictCharField(max_length=255, required=False, allow_blank=True)
    color = StrictCharField(
        max_length=Tag._meta.get_field("color").max_length,
        required=False,
        help_text="#rrggbb; a new tag without one gets the default colour.",
    )
    visible = serializers.BooleanField(required=False)
    active = serializers.BooleanField(required=False)


def _flag(help_text: str) -> serializers.BooleanField:
    """A boolean query parameter: `true`/`false` (or `1`/`0`); missing or empty, no filter."""
    return serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text=help_text
    )


SEARCH_HELP = "Text to find, ignoring case."


class SCCategoryFollowedQuerySerializer(SCBodySerializer):
    """Query parameters of the categories I follow: the category list's, less
    `can_create_content`."""

    search = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=255,
        help_text="Text to find in the name or the synonyms, ignoring case.",
    )
    active = _flag("Only the active (true) or the inactive (false) categories.")
    deleted = _flag("Deleting a category is final: true finds none, false filters nothing.")


class SCCategoryListQuerySerializer(SCCategoryFollowedQuerySerializer):
    """Query parameters of the category list and search."""

    can_create_content = _flag(
        "Only the categories the caller may (true) or may not (false) publish in."
    )


class SCTagSearchQuerySerializer(SCBodySerializer):
    """Query parameters of the tag lists (`tag/user/search/` has its type already)."""

    search = serializers.CharField(
        required=False, allow_blank=True, max_length=255, help_text=SEARCH_HELP + " In names."
    )
    active = _flag("Only the active (true) or the inactive (false) tags.")
    visible = _flag("Only the visible (true) or the hidden (false) tags.")
    deleted = _flag("Deleting a tag is final: true finds none, false filters nothing.")
    visibility_boost = _flag("The portal boosts no tag: true finds none, false filters nothing.")
    ordering = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=255,
        help_text="Fields separated by commas, `-` for descending: "
        + ", ".join(f"`{name}`" for name in TAG_ORDERING_FIELDS)
        + ". Default (also when empty) `-created_at`.",
    )

    def validate_ordering(self, value):
        if not value.strip():
            return ()  # the default
        fields = [part.strip() for part in value.split(",")]
        for field in fields:
            if field.removeprefix("-") not in TAG_ORDERING_FIELDS:
                raise serializers.ValidationError(
                    _('"%(value)s" is not a valid choice.') % {"value": field},
                    code="invalid_choice",
                )
        if len({field.removeprefix("-") for field in fields}) != len(fields):
            raise serializers.ValidationError(
                _("Each field may be named once."), code="invalid_choice"
            )
        return tuple(fields)


class SCTagListQuerySerializer(SCTagSearchQuerySerializer):
    """Query parameters of the tag list and `tag/search/`."""

    type = serializers.ChoiceField(choices=TagType.choices, required=False)


class SCCategoryFeedQuerySerializer(SCBodySerializer):
    """Query parameters of a category's feed."""

    ordering = serializers.ChoiceField(
        choices=list(FEED_ORDERINGS),
        required=False,
        help_text="`recent` (newest first) or `last_activity`; by default the category's "
        "`stream_order_by`. The portal has no `relevance` ordering.",
    )


class SCTagAssignSerializer(SCBodySerializer):
    """The body of `tag/{id}/assign/`: one of `user`, `category` and `contribution`."""

    field_examples = {
        "category": CATEGORY_EXAMPLES["id"],
        "user": USER_EXAMPLES["id"],
        "contribution": STATUS_EXAMPLES["id"],
    }
    user = IdField(required=False, help_text="Not accepted: the portal keeps no member tags.")
    category = IdField(required=False, help_text="A category, for a tag of type category.")
    contribution = IdField(
        required=False, help_text="Not accepted: a post's tags are set by its author."
    )

    def validate(self, attrs):
        if len(attrs) != 1:
            message = _('Send one of "user", "category" and "contribution".')
            raise serializers.ValidationError(message, code="invalid")
        if "user" in attrs:
            raise serializers.ValidationError(
                {"user": [ErrorDetail(_("The portal keeps no tags on members."), code="invalid")]}
            )
        if "contribution" in attrs:
            message = _("A post's tags are set by its author, when it is published or edited.")
            raise serializers.ValidationError(
                {"contribution": [ErrorDetail(message, code="invalid")]}
            )
        return attrs


class EmbedIdField(serializers.CharField):
    """An embed's id: a string, or an integer kept as its digits (`SCEmbedType`'s
    `embed_id: number | string`); anything else is a type error."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, str | int):
            self.fail("invalid")
        return super().to_internal_value(str(data))


class EmbedURLField(serializers.URLField):
    """An embed's URL: a URL, or empty or null for none. The empty string is taken here
    rather than with `allow_blank`, which drf-spectacular documents as a `oneOf` with no
    example."""

    def run_validation(self, data=empty):
        if data == "":
            return ""
        return super().run_validation(data)


class SCEmbedWriteSerializer(serializers.Serializer):
    """The `embed` of an embed media (`SCEmbedType` without its id)."""

    field_examples = {
        "embed_type": "video",
        "embed_id": "dQw4w9WgXcQ",
        "url": "https://example.com/videos/dQw4w9WgXcQ",
        "metadata": {"title": "Release 4.2 walkthrough"},
    }

    embed_type = StrictCharField(
        max_length=255,
        help_text="Any kind but those SelfCommunity makes itself: "
        + ", ".join(f"`{name}`" for name in replies.RESERVED_EMBED_TYPES)
        + ".",
    )
    embed_id = EmbedIdField(max_length=255, help_text="The object's id where it lives.")
    url = EmbedURLField(
        max_length=2000,
        required=False,
        allow_null=True,
        default="",
        help_text="Never fetched.",
    )
    metadata = serializers.DictField(
        required=False, allow_null=True, default=dict, help_text="A JSON object, kept as given."
    )

    METADATA_MAX_BYTES = 16 * 1024

    def validate_metadata(self, value):
        # Kept as given and sent back in every reply that shows the media: it must be what
        # the replies' JSON encoder can write (an integer past 64 bits cannot, and would make
        # every page that shows the media fail), and bounded.
        if value is None:
            return value
        try:
            encoded = orjson.dumps(value)
        except (TypeError, orjson.JSONEncodeError):
            raise serializers.ValidationError(
                _("The metadata must be a JSON object whose numbers fit in 64 bits."),
                code="invalid",
            ) from None
        if len(encoded) > self.METADATA_MAX_BYTES:
            raise serializers.ValidationError(
                _("The metadata may take at most %(limit)d bytes as JSON.")
                % {"limit": self.METADATA_MAX_BYTES},
                code="max_length",
            )
        return value

    def validate_embed_type(self, value):
        if value in replies.RESERVED_EMBED_TYPES:
            raise serializers.ValidationError(
                _('"%(value)s" is an embed type SelfCommunity makes itself.') % {"value": value},
                code="invalid",
            )
        return value


class SCMediaWriteSerializer(SCBodySerializer):
    """The body of a media create: JSON for a `url`, a `share` or an `embed`, multipart
    with a file for an `image`."""

    field_examples = {
        **{key: MEDIA_EXAMPLES[key] for key in ("url", "title", "description")},
        "shared_object": 101,
    }

    # What each type needs besides `type`.
    NEEDS = {
        MediaType.URL: "url",
        MediaType.IMAGE: "image",
        MediaType.SHARE: "shared_object",
        MediaType.EMBED: "embed",
    }

    type = serializers.ChoiceField(choices=list(NEEDS))
    url = serializers.URLField(max_length=2000, required=False)
    image = serializers.FileField(required=False, help_text="Multipart only; a real image.")
    shared_object = IdField(
        required=False, help_text="For a `share`: the id of a status that is not deleted."
    )
    embed = SCEmbedWriteSerializer(required=False, help_text="For an `embed`.")
    title = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    description = serializers.CharField(required=False, allow_blank=True, default="")

    def validate(self, attrs):
        # Which of `url`, `image`, `shared_object` and `embed` is required depends on the type.
        required = self.NEEDS[attrs["type"]]
        if not attrs.get(required):
            message = ErrorDetail(_("This field is required."), code="required")
            raise serializers.ValidationError({required: [message]})
        return attrs


class SCMediaPreviewSerializer(SCBodySerializer):
    """The body of a media update: the preview image of a link media."""

    field_examples = {"image": MEDIA_EXAMPLES["image"]}

    image = StrictCharField(
        max_length=2000,
        help_text="The address of one of your image media's `image`: the portal does not "
        "fetch images from other sites.",
    )


class SCChunkSerializer(SCBodySerializer):
    """One chunk of a chunked upload (multipart); its range is the `Content-Range` header."""

    field_examples = {"upload_id": "5f2c1a0e9b7d4c3a8e6f1b2d0c9a7e5f"}

    upload_id = StrictCharField(
        required=False, max_length=64, help_text="From the first chunk's reply; not on it."
    )
    image = serializers.FileField(required=False, help_text="The chunk's bytes.")
    document = serializers.FileField(
        required=False, help_text="Refused: the portal keeps images only."
    )

    def validate(self, attrs):
        if "document" in attrs:
            message = ErrorDetail(
                _("Only images can be uploaded: the portal keeps no documents."), code="invalid"
            )
            raise serializers.ValidationError({"document": [message]})
        if "image" not in attrs:
            message = ErrorDetail(_("No file was submitted."), code="required")
            raise serializers.ValidationError({"image": [message]})
        return attrs


class SCChunkCompleteSerializer(SCBodySerializer):
    """The end of a chunked upload (a form, multipart or JSON)."""

    field_examples = {
        "upload_id": "5f2c1a0e9b7d4c3a8e6f1b2d0c9a7e5f",
        "type": "image",
        "md5": "9e107d9d372bb6826bd81d3542a419d6",
    }

    upload_id = StrictCharField(max_length=64)
    md5 = StrictCharField(max_length=64, help_text="The whole file's MD5, in hex.")
    type = serializers.ChoiceField(
        choices=[MediaType.IMAGE],
        required=False,
        default=MediaType.IMAGE,
        help_text="Only `image`: the portal keeps no documents.",
    )


class SCFlagWriteSerializer(SCBodySerializer):
    """The body of a flag: its reason; the same reason again takes the flag back."""

    field_examples = {"flag_type": 0}

    flag_type = StrictIntegerField(
        min_value=min(FlagType.values),
        max_value=max(FlagType.values),
        help_text="0 spam, 1 aggressive, 2 vulgar, 3 poor, 4 offtopic.",
    )


class SCVoteQuerySerializer(SCBodySerializer):
    """The query of a vote, or of the votes page: the reaction, whose only id is 1."""

    reaction = serializers.IntegerField(
        required=False, help_text="The reaction's id; the portal's only reaction, the vote, is 1."
    )
