"""Translation between SelfCommunity's JSON and the community services."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

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
from core.fields import VisibleNameMixin

# --- strict JSON types ---------------------------------------------------------------------


class StrictCharField(serializers.CharField):
    """A string, and only a string: numbers and booleans are a type error, not coerced."""

    default_error_messages = {"invalid": _("Not a valid string.")}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class NameField(VisibleNameMixin, StrictCharField):
    """A unique name; one with nothing visible in it is as blank as an empty one."""


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer id: strings, floats and booleans are a type error."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictFloatField(serializers.FloatField):
    """A JSON number: strings and booleans are a type error."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | float):
            self.fail("invalid")
        return super().to_internal_value(data)


# The largest id a 64-bit primary key holds, and the largest PositiveIntegerField value.
MAX_ID = 2**63 - 1
MAX_ORDER = 2**31 - 1


def id_list(**kwargs):
    """A list of object ids."""
    return serializers.ListField(child=StrictIntegerField(min_value=1, max_value=MAX_ID), **kwargs)


# --- replies --------------------------------------------------------------------------------


class SCTagSerializer(serializers.ModelSerializer):
    """A Tag as SelfCommunity returns it."""

    class Meta:
        model = Tag
        fields = ["id", "type", "name", "description", "color", "visible", "active", "created_at"]


class SCCategorySerializer(serializers.ModelSerializer):
    """A Category as SelfCommunity returns it."""

    parents = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    tags = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

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


class SCMediaSerializer(serializers.ModelSerializer):
    """A Media as SelfCommunity returns it."""

    image = serializers.ImageField(read_only=True, allow_null=True)

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


class SCUserSerializer(serializers.Serializer):
    """A community member as SelfCommunity shows one: never an email or a password hash."""

    id = serializers.IntegerField()
    username = serializers.CharField()
    real_name = serializers.SerializerMethodField()
    date_joined = serializers.DateTimeField()
    bio = serializers.SerializerMethodField()
    location = serializers.SerializerMethodField()
    description = serializers.SerializerMethodField()
    website = serializers.SerializerMethodField()
    avatar = serializers.SerializerMethodField()
    ext_id = serializers.SerializerMethodField()

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

    def get_website(self, user) -> str:
        return self._profile(user, "website")

    def get_avatar(self, user) -> str:
        return self._profile(user, "avatar")

    def get_ext_id(self, user) -> str | None:
        return self._profile(user, "ext_id", None)


class SCLocationSerializer(serializers.Serializer):
    """Where a status was posted from; all three keys are present, each may be null."""

    location = StrictCharField(allow_null=True, allow_blank=True, max_length=255)
    lat = StrictFloatField(allow_null=True, min_value=-90, max_value=90)
    lng = StrictFloatField(allow_null=True, min_value=-180, max_value=180)


class SCStatusSerializer(serializers.ModelSerializer):
    """A status post as SelfCommunity returns it."""

    type = serializers.SerializerMethodField()
    categories = SCCategorySerializer(many=True, read_only=True)
    medias = SCMediaSerializer(many=True, read_only=True)
    location = serializers.SerializerMethodField()
    addressing = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    tags = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    author = SCUserSerializer(read_only=True)

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
        ]

    def get_type(self, status) -> str:
        return "status"

    @extend_schema_field(SCLocationSerializer(allow_null=True))
    def get_location(self, status):
        if status.location is None and status.location_lat is None and status.location_lng is None:
            return None
        return {"location": status.location, "lat": status.location_lat, "lng": status.location_lng}


# --- request bodies --------------------------------------------------------------------------


class SCStatusWriteSerializer(serializers.Serializer):
    """The body of a status create or update."""

    action = StrictCharField(
        allow_null=True,
        allow_blank=True,
        max_length=Status.ACTION_MAX_LENGTH,
        help_text="Required key: a short headline, or null.",
    )
    text = StrictCharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        default="",
        help_text="HTML; sanitised. `@username` becomes a mention.",
    )
    categories = id_list(help_text="Ids of active categories; their parents are added.")
    medias = id_list(required=False, default=list, help_text="Ids of your own media.")
    location = SCLocationSerializer(required=False, allow_null=True, default=None)
    addressing = id_list(required=False, default=list, help_text="Ids of tags of type user.")
    tags = id_list(required=False, default=list, help_text="Ids of tags of type contribution.")

    def validate_categories(self, value):
        if not value:
            raise serializers.ValidationError(_("This list may not be empty."), code="empty")
        return value


class SCStatusListQuerySerializer(serializers.Serializer):
    """Query parameters of the status list and search."""

    ordering = serializers.ChoiceField(
        choices=list(STATUS_ORDERINGS), required=False, default="-added_at"
    )
    search = serializers.CharField(required=False, allow_blank=True, max_length=255)


class SCCategoryWriteSerializer(serializers.Serializer):
    """The body of a category create or update."""

    name = NameField(max_length=255)
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
    parents = id_list(required=False)
    tags = id_list(required=False, help_text="Ids of tags of type category.")


class SCTagWriteSerializer(serializers.Serializer):
    """The body of a tag create or update."""

    name = NameField(max_length=50)
    type = serializers.ChoiceField(choices=TagType.choices)
    description = StrictCharField(max_length=255, required=False, allow_blank=True)
    color = StrictCharField(max_length=16, required=False, allow_blank=True)
    visible = serializers.BooleanField(required=False)
    active = serializers.BooleanField(required=False)


class SCTagListQuerySerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=TagType.choices, required=False)


class SCMediaWriteSerializer(serializers.Serializer):
    """The body of a media create: JSON for a `url`, multipart with a file for an `image`."""

    type = serializers.ChoiceField(choices=[MediaType.URL, MediaType.IMAGE])
    url = serializers.URLField(max_length=2000, required=False)
    image = serializers.FileField(required=False, help_text="Multipart only; a real image.")
    title = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    description = serializers.CharField(required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if attrs["type"] == MediaType.URL and not attrs.get("url"):
            raise serializers.ValidationError(
                {"url": [serializers.ErrorDetail(_("This field is required."), code="required")]}
            )
        if attrs["type"] == MediaType.IMAGE and not attrs.get("image"):
            raise serializers.ValidationError(
                {"image": [serializers.ErrorDetail(_("This field is required."), code="required")]}
            )
        return attrs
