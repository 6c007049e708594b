"""Translation between SelfCommunity's JSON and the community services."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail
from rest_framework.fields import empty

from community.models import (
    AutoFollow,
    Category,
    Media,
    MediaType,
    Status,
    StreamOrder,
    Tag,
    TagType,
)
from community.selfcommunity import replies
from community.services import STATUS_ORDERINGS
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
SCMediaSerializer = reply_serializer(
    replies.SCMedia,
    model=Media,
    read_only=True,
    examples=MEDIA_EXAMPLES,
    build=lambda media, context: replies.media_reply(
        replies.media_row(media), context.get("request")
    ),
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
        replies.status_row(status), context.get("request")
    ),
)


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


class SCTagListQuerySerializer(SCBodySerializer):
    type = serializers.ChoiceField(choices=TagType.choices, required=False)


class SCMediaWriteSerializer(SCBodySerializer):
    """The body of a media create: JSON for a `url`, multipart with a file for an `image`."""

    field_examples = {key: MEDIA_EXAMPLES[key] for key in ("url", "title", "description")}

    type = serializers.ChoiceField(choices=[MediaType.URL, MediaType.IMAGE])
    url = serializers.URLField(max_length=2000, required=False)
    image = serializers.FileField(required=False, help_text="Multipart only; a real image.")
    title = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    description = serializers.CharField(required=False, allow_blank=True, default="")

    def validate(self, attrs):
        # Which of `url` and `image` is required depends on the type.
        required = "url" if attrs["type"] == MediaType.URL else "image"
        if not attrs.get(required):
            message = ErrorDetail(_("This field is required."), code="required")
            raise serializers.ValidationError({required: [message]})
        return attrs
