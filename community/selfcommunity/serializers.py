"""Translation between SelfCommunity's JSON and the community services."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
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
from community.services import STATUS_ORDERINGS
from core.serializers import (
    IdField,
    NameField,
    StrictCharField,
    StrictFloatField,
    StrictIntegerField,
    StrictSerializer,
)

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


# --- replies --------------------------------------------------------------------------------
#
# Every reply object matches the JSON Schema that ts-json-schema-generator makes from the
# vendor's TypeScript types (`@selfcommunity/types`; checked by tests/selfcommunity_sdk): every
# key a type requires is always present with a value of its declared type, and a key the
# type marks optional (`image?: string`) is left out when the portal has no value for it,
# because `null` is not a value of that type. Such fields are declared `required=False` and
# not read-only, so the OpenAPI document shows them as optional and non-nullable.


class OmitWhenNull:
    """Leaves out the keys in `omit_when_null` whose value is None."""

    omit_when_null: tuple[str, ...] = ()

    def to_representation(self, instance):
        data = super().to_representation(instance)
        for key in self.omit_when_null:
            if data.get(key, "") is None:
                del data[key]
        return data


class SCTagSerializer(serializers.ModelSerializer):
    """A Tag as SelfCommunity returns it (`SCTagType`); `color` is always `#rrggbb`."""

    field_examples = TAG_EXAMPLES

    deleted = serializers.SerializerMethodField(help_text="Always false: deleting is final.")

    class Meta:
        model = Tag
        fields = [
            "id",
            "type",
            "name",
            "description",
            "color",
            "visible",
            "active",
            "deleted",
            "created_at",
        ]
        # Every key is in every reply (the OpenAPI document marks them required).
        read_only_fields = fields

    def get_deleted(self, tag) -> bool:
        return False


class SCCategorySerializer(serializers.ModelSerializer):
    """A Category as SelfCommunity returns it (`SCCategoryType`)."""

    field_examples = CATEGORY_EXAMPLES

    parents = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    tags = SCTagSerializer(many=True, read_only=True)

    class Meta:
        model = Category
        fields = [
            "id",
            "tags",
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
            "parents",
            "lastmod_datetime",
            "stream_order_by",
        ]
        # Every key is in every reply (the OpenAPI document marks them required).
        read_only_fields = fields


class SCMediaSerializer(OmitWhenNull, serializers.ModelSerializer):
    """A Media as SelfCommunity returns it (`SCMediaType`); the image keys only when it has
    an image."""

    omit_when_null = ("image", "image_width", "image_height")
    field_examples = MEDIA_EXAMPLES

    url = serializers.CharField(read_only=True, help_text='The link; "" for an image media.')
    image = serializers.ImageField(required=False, help_text="Only for an image media.")
    image_width = serializers.IntegerField(required=False, help_text="Only for an image media.")
    image_height = serializers.IntegerField(required=False, help_text="Only for an image media.")

    class Meta:
        model = Media
        fields = [
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
        ]
        # Every key is in every reply (the OpenAPI document marks them required).
        read_only_fields = fields


# The member fields SelfCommunity's types require and the portal does not keep.
GENDER_UNSPECIFIED = "Unspecified"


class SCUserSerializer(OmitWhenNull, serializers.Serializer):
    """A community member as SelfCommunity shows one (`SCUserType`): never an email or a
    password hash. `ext_id` only when the member has one."""

    omit_when_null = ("ext_id",)
    field_examples = USER_EXAMPLES

    id = serializers.IntegerField()
    username = serializers.CharField()
    real_name = serializers.SerializerMethodField()
    date_joined = serializers.DateTimeField()
    bio = serializers.SerializerMethodField()
    location = serializers.SerializerMethodField()
    description = serializers.SerializerMethodField()
    gender = serializers.SerializerMethodField(help_text='Always "Unspecified".')
    website = serializers.SerializerMethodField()
    avatar = serializers.SerializerMethodField()
    ext_id = serializers.CharField(
        source="community_profile.ext_id",
        required=False,
        help_text="The member's id in the embedding site; left out when there is none.",
    )
    tags = serializers.SerializerMethodField(help_text="Always empty.")
    reputation = serializers.SerializerMethodField(help_text="Always 0.")

    @staticmethod
    def _profile(user, name, default=""):
        profile = getattr(user, "community_profile", None)
        return getattr(profile, name) if profile is not None else default

    def get_real_name(self, user) -> str:
        return user.get_full_name()

    def get_bio(self, user) -> str:
        return self._profile(user, "bio")

    def get_location(self, user) -> str:
        return self._profile(user, "location")

    def get_description(self, user) -> str:
        return self._profile(user, "description")

    def get_gender(self, user) -> str:
        return GENDER_UNSPECIFIED

    def get_website(self, user) -> str:
        return self._profile(user, "website")

    def get_avatar(self, user) -> str:
        return self._profile(user, "avatar")

    @extend_schema_field(SCTagSerializer(many=True))
    def get_tags(self, user):
        return []

    def get_reputation(self, user) -> int:
        return 0


class SCLocationSerializer(serializers.Serializer):
    """Where a status was posted from; all three keys are present, each may be null."""

    field_examples = LOCATION_EXAMPLES

    location = StrictCharField(allow_null=True, allow_blank=True, max_length=255)
    lat = StrictFloatField(allow_null=True, min_value=-90, max_value=90)
    lng = StrictFloatField(allow_null=True, min_value=-180, max_value=180)


class SCLocationReplySerializer(OmitWhenNull, serializers.Serializer):
    """A status's location in a reply (`SCContributionLocation`): `lat` and `lng` only
    when known."""

    omit_when_null = ("lat", "lng")
    field_examples = LOCATION_EXAMPLES

    location = serializers.CharField(help_text='The place\'s name; "" when only coordinates.')
    lat = serializers.FloatField(required=False)
    lng = serializers.FloatField(required=False)


class SCReactionSerializer(serializers.Serializer):
    """A reaction (`SCReactionType`): every key optional. The portal has no reactions, so a
    status's `reaction` is always the empty object."""

    field_examples = {
        "id": 1,
        "label": "Like",
        "sentiment": 1,
        "image": "https://example.com/reactions/like.png",
    }

    id = serializers.IntegerField(required=False)
    label = serializers.CharField(required=False)
    sentiment = serializers.IntegerField(required=False)
    image = serializers.CharField(required=False)
    active = serializers.BooleanField(required=False)


@extend_schema_field(SCLocationReplySerializer)
class SCStatusLocationField(serializers.Field):
    """The status's location object, or None (the key is then left out)."""

    def __init__(self, **kwargs):
        super().__init__(source="*", required=False, **kwargs)

    def to_representation(self, status):
        if status.location is None and status.location_lat is None and status.location_lng is None:
            return None
        place = {
            "location": status.location or "",
            "lat": status.location_lat,
            "lng": status.location_lng,
        }
        return SCLocationReplySerializer(place).data


class SCStatusSerializer(OmitWhenNull, serializers.ModelSerializer):
    """A status post as SelfCommunity returns it (`SCFeedStatusType`)."""

    omit_when_null = ("location",)
    field_examples = STATUS_EXAMPLES

    type = serializers.SerializerMethodField()
    slug = serializers.CharField(read_only=True, help_text='From `action` or the text; may be "".')
    categories = SCCategorySerializer(many=True, read_only=True)
    medias = SCMediaSerializer(many=True, read_only=True)
    location = SCStatusLocationField(help_text="Left out when the status has no location.")
    addressing = SCTagSerializer(many=True, read_only=True)
    tags = SCTagSerializer(many=True, read_only=True)
    author = SCUserSerializer(read_only=True)
    last_edited_at = serializers.SerializerMethodField(
        help_text="When the content was last written: `added_at` until the first edit."
    )
    follower_count = serializers.SerializerMethodField(help_text="Always 0.")
    reaction = serializers.SerializerMethodField(help_text="Always {}: no reactions.")
    reactions_count = serializers.SerializerMethodField(help_text="Always [].")

    class Meta:
        model = Status
        fields = [
            "id",
            "type",
            "action",
            "html",
            "summary",
            "slug",
            "categories",
            "medias",
            "location",
            "addressing",
            "tags",
            "author",
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
            "reaction",
            "reactions_count",
        ]
        # Every key is in every reply (the OpenAPI document marks them required).
        read_only_fields = fields

    def get_type(self, status) -> str:
        return "status"

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_last_edited_at(self, status):
        return serializers.DateTimeField().to_representation(
            status.last_edited_at or status.added_at
        )

    def get_follower_count(self, status) -> int:
        return 0

    @extend_schema_field(SCReactionSerializer)
    def get_reaction(self, status):
        return {}

    @extend_schema_field({"type": "array", "items": {"type": "object"}})
    def get_reactions_count(self, status):
        return []


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
