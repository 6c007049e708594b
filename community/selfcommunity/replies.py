"""SelfCommunity's reply shapes, each written once: a TypedDict (the keys in wire order,
their types, how the OpenAPI document describes them; `core.shapes`) and the plain
function that builds it.

The functions build from the dicts of `community.selectors` (`status_page`,
`category_details`): the list, the search, create and the webhook events. The `*_row`
functions give those dicts from model instances, for the routes of one object and the
category and tag pages (`serializers.SCStatusSerializer` and the others are made from the
shapes and write their replies through these functions). `tests/community/test_replies.py`
holds them to what the DRF serializers wrote, key for key and in the same order.
"""

from typing import Annotated, NotRequired, TypedDict
from urllib.parse import unquote, urlsplit

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from community import selectors
from community.models import FlagType, Media

_image_storage = Media._meta.get_field("image").storage

# The member fields SelfCommunity's types require and the portal does not keep.
GENDER_UNSPECIFIED = "Unspecified"

# Every reply object matches the JSON Schema that ts-json-schema-generator makes from the
# vendor's TypeScript types (`@selfcommunity/types`; checked by tests/selfcommunity_sdk): every
# key a type requires is always present with a value of its declared type, and a key the
# type marks optional (`image?: string`) is left out when the portal has no value for it,
# because `null` is not a value of that type. Such keys are `NotRequired`, so the OpenAPI
# document shows them as optional and non-nullable.

READ_ONLY = {"read_only": True}


class SCTag(TypedDict):
    """A Tag as SelfCommunity returns it (`SCTagType`); `color` is always `#rrggbb`."""

    id: int
    type: str
    name: str
    description: str
    color: str
    visible: bool
    active: bool
    deleted: Annotated[bool, {**READ_ONLY, "help_text": "Always false: deleting is final."}]
    created_at: str


class SCCategory(TypedDict):
    """A Category as SelfCommunity returns it (`SCCategoryType`)."""

    id: int
    tags: Annotated[list[SCTag], READ_ONLY]
    order: int
    name: str
    name_synonyms: str
    slug: str
    slogan: str
    html_info: str
    seo_title: str
    seo_description: str
    auto_follow: str
    active: bool
    content_only_staff: bool
    parents: Annotated[list[int], READ_ONLY]
    lastmod_datetime: str
    stream_order_by: str
    followers_counter: Annotated[
        int,
        {**READ_ONLY, "source": "follower_count", "help_text": "Members who follow it."},
    ]
    followed: NotRequired[
        Annotated[
            bool,
            {
                "help_text": "Whether the caller follows it: only on the category routes, "
                "and not for an anonymous caller."
            },
        ]
    ]


ONLY_FOR_AN_IMAGE = "Only for an image media."
# The embed types SelfCommunity makes itself: a share's, a link's (the portal's link media
# carry none) and a shared event's (the portal has no events). A client's embed may not
# take them.
EMBED_SHARED_OBJECT = "sc_shared_object"
RESERVED_EMBED_TYPES = (EMBED_SHARED_OBJECT, "sc_link", "sc_shared_event")


class SCEmbed(TypedDict):
    """What a share or an embed media points at (`SCEmbedType`): for a share, the shared
    status (`sc_shared_object`, metadata `{"type": "status", "id": <id>}`); for an embed,
    the object outside the community the client described. One per media: `id` is the
    media's."""

    id: Annotated[int, {**READ_ONLY, "help_text": "The media's id: an embed belongs to it."}]
    embed_type: str
    embed_id: str
    url: NotRequired[Annotated[str, {"help_text": "Left out when the embed has none."}]]
    metadata: Annotated[dict, {"help_text": "A JSON object."}]


class SCChunkMedia(TypedDict):
    """A chunked upload in progress (`SCChunkMediaType`): send the next chunk from
    `offset` with this `upload_id`, before `expires`."""

    upload_id: str
    offset: Annotated[str, {"help_text": "The bytes received so far, as a string."}]
    expires: Annotated[
        str, serializers.DateTimeField(help_text="Without a new chunk by then, it is removed.")
    ]


class SCMedia(TypedDict):
    """A Media as SelfCommunity returns it (`SCMediaType`); the image keys only when it has
    an image, `embed` only for a share or an embed."""

    id: int
    added_at: str
    type: str
    title: str
    description: str
    url: Annotated[str, {**READ_ONLY, "help_text": 'The link; "" for an image media.'}]
    image: NotRequired[
        Annotated[str, serializers.ImageField(required=False, help_text=ONLY_FOR_AN_IMAGE)]
    ]
    image_width: NotRequired[Annotated[int, {"help_text": ONLY_FOR_AN_IMAGE}]]
    image_height: NotRequired[Annotated[int, {"help_text": ONLY_FOR_AN_IMAGE}]]
    order: int
    embed: NotRequired[
        Annotated[SCEmbed, {"help_text": "Only for a share (the shared status) or an embed."}]
    ]


class SCUser(TypedDict):
    """A community member as SelfCommunity shows one (`SCUserType`): never an email or a
    password hash. `ext_id` only when the member has one."""

    id: int
    username: str
    real_name: Annotated[str, READ_ONLY]
    date_joined: Annotated[str, serializers.DateTimeField()]
    bio: Annotated[str, READ_ONLY]
    location: Annotated[str, READ_ONLY]
    description: Annotated[str, READ_ONLY]
    gender: Annotated[str, {**READ_ONLY, "help_text": 'Always "Unspecified".'}]
    website: Annotated[str, READ_ONLY]
    avatar: Annotated[str, READ_ONLY]
    ext_id: NotRequired[
        Annotated[
            str,
            {"help_text": "The member's id in the embedding site; left out when there is none."},
        ]
    ]
    tags: Annotated[list[SCTag], {**READ_ONLY, "help_text": "Always empty."}]
    reputation: Annotated[int, {**READ_ONLY, "help_text": "Always 0."}]


class SCLocationReply(TypedDict):
    """A status's location in a reply (`SCContributionLocation`): `lat` and `lng` only
    when known."""

    location: Annotated[str, {"help_text": 'The place\'s name; "" when only coordinates.'}]
    lat: NotRequired[float]
    lng: NotRequired[float]


class SCReaction(TypedDict, total=False):
    """A reaction (`SCReactionType`): every key optional. The portal has no reactions, so a
    status's `reaction` is always the empty object."""

    id: int
    label: str
    sentiment: int
    image: str
    active: bool


@extend_schema_field({"type": "array", "items": {"type": "object"}})
class ObjectListField(serializers.Field):
    """Documents a list of objects of any keys."""


CALLER_ONLY = "Whether the caller %s; left out for an anonymous caller."


class SCStatus(TypedDict):
    """A status post as SelfCommunity returns it (`SCFeedStatusType`)."""

    id: int
    type: Annotated[str, READ_ONLY]
    action: str | None
    html: str
    summary: str
    slug: Annotated[str, {**READ_ONLY, "help_text": 'From `action` or the text; may be "".'}]
    categories: Annotated[list[SCCategory], READ_ONLY]
    medias: Annotated[list[SCMedia], READ_ONLY]
    location: NotRequired[
        Annotated[SCLocationReply, {"help_text": "Left out when the status has no location."}]
    ]
    addressing: Annotated[list[SCTag], READ_ONLY]
    tags: Annotated[list[SCTag], READ_ONLY]
    author: Annotated[SCUser, READ_ONLY]
    added_at: str
    last_activity_at: str
    last_edited_at: Annotated[
        str,
        serializers.DateTimeField(
            read_only=True,
            help_text="When the content was last written: `added_at` until the first edit.",
        ),
    ]
    deleted: bool
    collapsed: bool
    comment_count: int
    view_count: int
    vote_count: int
    flag_count: int
    share_count: int
    follower_count: Annotated[int, {**READ_ONLY, "help_text": "Members who follow it."}]
    reaction: Annotated[SCReaction, {**READ_ONLY, "help_text": "Always {}: no reactions."}]
    reactions_count: Annotated[list[dict], ObjectListField(read_only=True, help_text="Always [].")]
    voted: NotRequired[Annotated[bool, {"help_text": CALLER_ONLY % "votes for it"}]]
    followed: NotRequired[Annotated[bool, {"help_text": CALLER_ONLY % "follows it"}]]
    suspended: NotRequired[
        Annotated[
            bool,
            {"help_text": CALLER_ONLY % "suspended the notifications about it"},
        ]
    ]


def iso(value):
    """A datetime as DRF renders it (`api_settings.DATETIME_FORMAT`, ISO 8601, UTC as Z)."""
    if value is None:
        return None
    if timezone.is_aware(value):
        value = value.astimezone(timezone.get_current_timezone())
    text = value.isoformat()
    if text.endswith("+00:00"):
        text = text[:-6] + "Z"
    return text


def tag_reply(tag: dict) -> SCTag:
    return {
        "id": tag["id"],
        "type": tag["type"],
        "name": tag["name"],
        "description": tag["description"],
        "color": tag["color"],
        "visible": tag["visible"],
        "active": tag["active"],
        "deleted": False,
        "created_at": iso(tag["created_at"]),
    }


def category_reply(category: dict, *, followed: bool | None = None) -> SCCategory:
    """One category of `selectors` (or `category_row`); `followed`, the caller's, when
    known (None leaves the key out)."""
    reply = {
        "id": category["id"],
        "tags": [tag_reply(tag) for tag in category["tags"]],
        "order": category["order"],
        "name": category["name"],
        "name_synonyms": category["name_synonyms"],
        "slug": category["slug"],
        "slogan": category["slogan"],
        "html_info": category["html_info"],
        "seo_title": category["seo_title"],
        "seo_description": category["seo_description"],
        "auto_follow": category["auto_follow"],
        "active": category["active"],
        "content_only_staff": category["content_only_staff"],
        "parents": list(category["parents"]),
        "lastmod_datetime": iso(category["lastmod_datetime"]),
        "stream_order_by": category["stream_order_by"],
        "followers_counter": category["follower_count"],
    }
    if followed is not None:
        reply["followed"] = followed
    return reply


def media_reply(media: dict, request) -> SCMedia:
    reply = {
        "id": media["id"],
        "added_at": iso(media["added_at"]),
        "type": media["type"],
        "title": media["title"],
        "description": media["description"],
        "url": media["url"],
    }
    image = str(media["image"] or "")
    if image:
        url = _image_storage.url(image)
        reply["image"] = request.build_absolute_uri(url) if request is not None else url
        if media["image_width"] is not None:
            reply["image_width"] = media["image_width"]
        if media["image_height"] is not None:
            reply["image_height"] = media["image_height"]
    reply["order"] = media["order"]
    embed = embed_reply(media)
    if embed is not None:
        reply["embed"] = embed
    return reply


def embed_reply(media: dict) -> SCEmbed | None:
    """The `embed` of a share (its status) or an embed media; None for any other."""
    if media["shared_object_id"] is not None:
        status_id = media["shared_object_id"]
        return {
            "id": media["id"],
            "embed_type": EMBED_SHARED_OBJECT,
            "embed_id": str(status_id),
            "metadata": {"type": "status", "id": status_id},
        }
    if not media["embed_type"]:
        return None
    reply = {"id": media["id"], "embed_type": media["embed_type"], "embed_id": media["embed_id"]}
    if media["url"]:
        reply["url"] = media["url"]
    reply["metadata"] = media["embed_metadata"]
    return reply


def chunk_reply(upload) -> SCChunkMedia:
    """A chunked upload in progress (a `community.models.MediaUpload`)."""
    return {
        "upload_id": upload.upload_id,
        "offset": str(upload.offset),
        "expires": iso(upload.expires_at),
    }


def image_name_from_url(url: str, request) -> str | None:
    """The stored file that an image address of this portal names (the inverse of
    `media_reply`'s `image`): absolute or from the site's root; None for any other."""
    base = _image_storage.url("")
    if request is not None:
        base, url = request.build_absolute_uri(base), request.build_absolute_uri(url)
    if not url.startswith(base):
        return None
    return unquote(urlsplit(url[len(base) :]).path) or None


def author_reply(author: dict) -> SCUser:
    profile = author["profile"] or {}
    reply = {
        "id": author["id"],
        "username": author["username"],
        "real_name": f"{author['first_name']} {author['last_name']}".strip(),
        "date_joined": iso(author["date_joined"]),
        "bio": profile.get("bio", ""),
        "location": profile.get("location", ""),
        "description": profile.get("description", ""),
        "gender": GENDER_UNSPECIFIED,
        "website": profile.get("website", ""),
        "avatar": profile.get("avatar", ""),
    }
    if profile.get("ext_id") is not None:
        reply["ext_id"] = profile["ext_id"]
    reply["tags"] = []
    reply["reputation"] = 0
    return reply


def location_reply(status: dict) -> SCLocationReply | None:
    place, lat, lng = status["location"], status["location_lat"], status["location_lng"]
    if place is None and lat is None and lng is None:
        return None
    reply = {"location": place or ""}
    if lat is not None:
        reply["lat"] = float(lat)
    if lng is not None:
        reply["lng"] = float(lng)
    return reply


def status_reply(status: dict, request, *, page: dict | None = None) -> SCStatus:
    """One status of `selectors.status_page` (or `status_row`) as its reply. `page`: the
    replies of the categories and authors made so far for the same page, by id (filled
    here), so that each is made once per page and shared by the posts that show it."""
    if page is None:
        categories = [category_reply(c) for c in status["categories"]]
        author = author_reply(status["author"])
    else:
        categories = []
        for category in status["categories"]:
            key = ("category", category["id"])
            if key not in page:
                page[key] = category_reply(category)
            categories.append(page[key])
        key = ("author", status["author"]["id"])
        if key not in page:
            page[key] = author_reply(status["author"])
        author = page[key]
    reply = {
        "id": status["id"],
        "type": "status",
        "action": status["action"],
        "html": status["html"],
        "summary": status["summary"],
        "slug": status["slug"],
        "categories": categories,
        "medias": [media_reply(m, request) for m in status["medias"]],
    }
    location = location_reply(status)
    if location is not None:
        reply["location"] = location
    reply.update(
        {
            "addressing": [tag_reply(t) for t in status["addressing"]],
            "tags": [tag_reply(t) for t in status["tags"]],
            "author": author,
            "added_at": iso(status["added_at"]),
            "last_activity_at": iso(status["last_activity_at"]),
            "last_edited_at": iso(status["last_edited_at"] or status["added_at"]),
            "deleted": status["deleted"],
            "collapsed": status["collapsed"],
            "comment_count": status["comment_count"],
            "view_count": status["view_count"],
            "vote_count": status["vote_count"],
            "flag_count": status["flag_count"],
            "share_count": status["share_count"],
            "follower_count": status["follower_count"],
            "reaction": {},
            "reactions_count": [],
        }
    )
    marks = status.get("marks")
    if marks is not None:  # the caller's (selectors.viewer_marks); none for an anonymous one
        reply["voted"] = marks["voted"]
        reply["followed"] = marks["followed"]
        reply["suspended"] = marks["suspended"]
    return reply


# --- the dicts of `community.selectors`, from model instances ---------------------------------
#
# Each reads the same relations the DRF serializers read (`.all()` of each, served by the
# queryset's prefetches), so a route makes the queries it made.


def tag_row(tag) -> dict:
    return {name: getattr(tag, name) for name in selectors.TAG_COLUMNS}


def category_row(category) -> dict:
    row = {name: getattr(category, name) for name in selectors.CATEGORY_COLUMNS}
    row["tags"] = [tag_row(tag) for tag in category.tags.all()]
    row["parents"] = [parent.pk for parent in category.parents.all()]
    return row


def media_row(media) -> dict:
    row = {name: getattr(media, name) for name in selectors.MEDIA_COLUMNS}
    row["image"] = media.image.name or ""
    return row


def user_row(user) -> dict:
    """A member as `author_reply` reads one (its profile from `community_profile`, None
    without one)."""
    row = {name: getattr(user, name) for name in selectors.AUTHOR_COLUMNS}
    profile = getattr(user, "community_profile", None)
    row["profile"] = (
        None
        if profile is None
        else {name: getattr(profile, name) for name in selectors.PROFILE_COLUMNS}
    )
    return row


def status_row(status, viewer=None) -> dict:
    """A status as `status_reply` reads one; with the marks of a signed-in `viewer` (one
    query)."""
    row = {name: getattr(status, name) for name in selectors.STATUS_COLUMNS}
    row["categories"] = [category_row(category) for category in status.categories.all()]
    row["medias"] = [media_row(media) for media in status.medias.all()]
    row["addressing"] = [tag_row(tag) for tag in status.addressing.all()]
    row["tags"] = [tag_row(tag) for tag in status.tags.all()]
    row["author"] = user_row(status.author)
    if viewer is not None and viewer.is_authenticated:
        row["marks"] = selectors.viewer_marks([status.pk], viewer)[status.pk]
    return row


# --- the category and tag routes of issue 23 (community.taxonomy) ---------------------------


class SCFeedUnit(TypedDict):
    """One unit of a feed (`SCFeedUnitType`): a status post, wrapped. `seen` is left out:
    the portal does not record who has seen a post."""

    type: Annotated[str, {**READ_ONLY, "help_text": 'Always "status".'}]
    status: Annotated[SCStatus, READ_ONLY]
    has_boost: Annotated[bool, {**READ_ONLY, "help_text": "Always false: no boosted posts."}]


class SCCategoryAudience(TypedDict):
    """How many members a category reaches (`SCCategoryAudienceType`)."""

    category_audience: Annotated[int, {"help_text": "Members who follow the category."}]
    connections_audience: Annotated[
        int, {"help_text": "Always 0: the portal has no connections between members."}
    ]


class SCCategoryFollowed(TypedDict):
    """Whether the caller follows a category (`SCCategoryFollowedStatusType`)."""

    is_followed: bool


def feed_unit_reply(status: SCStatus) -> SCFeedUnit:
    """A status reply (as the status routes build it) as a unit of a feed."""
    return {"type": "status", "status": status, "has_boost": False}


# --- a member's marks on a status (community.social) ------------------------------------------


class SCVote(TypedDict):
    """A vote on a status (`SCVoteType`): who voted and when. `reaction` is left out: the
    portal's one reaction is the vote itself."""

    user: Annotated[SCUser, READ_ONLY]
    voted_at: str


FLAG_TYPE_HELP = "0 spam, 1 aggressive, 2 vulgar, 3 poor, 4 offtopic."


class SCFlag(TypedDict):
    """A member's flag on a status, in the flags page a moderator reads (`SCFlagType`)."""

    user: Annotated[SCUser, READ_ONLY]
    added_at: str
    flag_type: Annotated[int, {"help_text": FLAG_TYPE_HELP}]
    flag_type_description: Annotated[str, {"help_text": "The flag type's name."}]


class SCFlagStatus(TypedDict, total=False):
    """The caller's flag on a status (`SCFlagType` without `user`): the empty object when
    the caller has not flagged it."""

    added_at: str
    flag_type: Annotated[int, {"help_text": FLAG_TYPE_HELP}]
    flag_type_description: Annotated[str, {"help_text": "The flag type's name."}]


class SCFollowingStatus(TypedDict):
    """Whether the caller follows a status (`SCFeedObjectFollowingStatusType`)."""

    following: bool


class SCSuspendedStatus(TypedDict):
    """Whether the caller suspended the notifications about a status
    (`SCFeedObjectSuspendedStatusType`)."""

    suspended: bool


class SCHiddenStatus(TypedDict):
    """Whether the caller hid a status (`SCFeedObjectHideStatusType`)."""

    hidden: bool


def user_reply(user) -> SCUser:
    """A member (a User instance, its profile selected with it) as its reply."""
    return author_reply(user_row(user))


def vote_reply(vote) -> SCVote:
    return {"user": user_reply(vote.user), "voted_at": iso(vote.added_at)}


def _flag_keys(flag) -> dict:
    return {
        "added_at": iso(flag.added_at),
        "flag_type": flag.flag_type,
        "flag_type_description": str(FlagType(flag.flag_type).label),
    }


def flag_reply(flag) -> SCFlag:
    return {"user": user_reply(flag.user), **_flag_keys(flag)}


def flag_status_reply(flag) -> SCFlagStatus:
    """The caller's flag, or `{}` for none."""
    return {} if flag is None else _flag_keys(flag)
