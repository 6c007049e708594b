"""The SelfCommunity reply serializers as they were before the reply shapes
(`community.selfcommunity.replies`) were written once: the reference the parity tests
compare the fast replies with, frozen here. They render through DRF's fields, field by
field, as the portal's routes did."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from community.models import Category, Media, Status, Tag


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

    parents = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    tags = SCTagSerializer(many=True, read_only=True)
    # Issue 23: the follower counter (`followed`, the caller's, only on the category routes).
    followers_counter = serializers.IntegerField(source="follower_count", read_only=True)

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
            "followers_counter",
        ]
        # Every key is in every reply (the OpenAPI document marks them required).
        read_only_fields = fields


class SCMediaSerializer(OmitWhenNull, serializers.ModelSerializer):
    """A Media as SelfCommunity returns it (`SCMediaType`); the image keys only when it has
    an image."""

    omit_when_null = ("image", "image_width", "image_height")

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


class SCLocationReplySerializer(OmitWhenNull, serializers.Serializer):
    """A status's location in a reply (`SCContributionLocation`): `lat` and `lng` only
    when known."""

    omit_when_null = ("lat", "lng")

    location = serializers.CharField(help_text='The place\'s name; "" when only coordinates.')
    lat = serializers.FloatField(required=False)
    lng = serializers.FloatField(required=False)


class SCReactionSerializer(serializers.Serializer):
    """A reaction (`SCReactionType`): every key optional. The portal has no reactions, so a
    status's `reaction` is always the empty object."""

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
