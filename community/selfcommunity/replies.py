"""Status post replies built straight from values, for the list, the search and create.

`serializers.SCStatusSerializer` stays the definition of a status reply (the OpenAPI
document is made from it, and the single-post routes use it); these functions produce the
same JSON, key for key and in the same order (`tests/community/test_replies.py` compares
them on rich posts), from the dicts of `community.selectors.status_page`, without DRF's
per-field machinery.
"""

from django.utils import timezone

from community.models import Media
from community.selfcommunity.serializers import GENDER_UNSPECIFIED

_image_storage = Media._meta.get_field("image").storage


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


def tag_reply(tag: dict) -> dict:
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


def category_reply(category: dict) -> dict:
    return {
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
    }


def media_reply(media: dict, request) -> dict:
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
    return reply


def author_reply(author: dict) -> dict:
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


def location_reply(status: dict) -> dict | None:
    place, lat, lng = status["location"], status["location_lat"], status["location_lng"]
    if place is None and lat is None and lng is None:
        return None
    reply = {"location": place or ""}
    if lat is not None:
        reply["lat"] = float(lat)
    if lng is not None:
        reply["lng"] = float(lng)
    return reply


def status_reply(status: dict, request) -> dict:
    """One status of `selectors.status_page` as `SCStatusSerializer` renders it."""
    reply = {
        "id": status["id"],
        "type": "status",
        "action": status["action"],
        "html": status["html"],
        "summary": status["summary"],
        "slug": status["slug"],
        "categories": [category_reply(c) for c in status["categories"]],
        "medias": [media_reply(m, request) for m in status["medias"]],
    }
    location = location_reply(status)
    if location is not None:
        reply["location"] = location
    reply.update(
        {
            "addressing": [tag_reply(t) for t in status["addressing"]],
            "tags": [tag_reply(t) for t in status["tags"]],
            "author": author_reply(status["author"]),
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
            "follower_count": 0,
            "reaction": {},
            "reactions_count": [],
        }
    )
    return reply
