"""HTML of status posts: an nh3 allowlist, `@username` mentions and the plain-text summary."""

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit

import nh3
from django.contrib.auth import get_user_model

ALLOWED_TAGS = {
    "a",
    "b",
    "blockquote",
    "br",
    "code",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "span",
    "strike",
    "strong",
    "sub",
    "sup",
    "u",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
}
URL_SCHEMES = {"http", "https", "mailto"}
# Dropped with everything inside them, not just unwrapped.
DROP_WITH_CONTENT = {
    "script",
    "style",
    "iframe",
    "noscript",
    "object",
    "embed",
    "template",
    "svg",
    "math",
    "textarea",
    "select",
    "title",
}
MENTION_TAG = "mention"
MENTION_ATTRIBUTES = {"id", "extid"}

# A mention starts after a non-word character (so e-mail addresses are not mentions) and
# does not end with a dot (so "thanks @bob." mentions bob).
MENTION_RE = re.compile(r"(?<![\w@])@([\w+-](?:[\w.+-]*[\w+-])?)")
# nh3 serialises attributes in double quotes and escapes < and > in text, so a tag is this.
TAG_RE = re.compile(r'(<(?:[^>"]|"[^"]*")*>)')
BLOCK_TAGS = {"p", "br", "li", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "hr"}


def clean(text, *, allow_mentions=False, attribute_filter=None):
    """`text` with every tag, attribute and URL scheme outside the allowlist removed
    (`attribute_filter(tag, attribute, value)` may change or drop, with None, what is left)."""
    tags, attributes = set(ALLOWED_TAGS), dict(ALLOWED_ATTRIBUTES)
    if allow_mentions:
        tags.add(MENTION_TAG)
        attributes[MENTION_TAG] = MENTION_ATTRIBUTES
    return nh3.clean(
        text,
        tags=tags,
        attributes=attributes,
        url_schemes=URL_SCHEMES,
        clean_content_tags=DROP_WITH_CONTENT,
        strip_comments=True,
        link_rel="noopener noreferrer nofollow",
        attribute_filter=attribute_filter,
    )


@dataclass
class Preview:
    """A post's HTML as the moderators see it: sanitised, with only this site's images;
    the addresses of the images it names on other sites, which are not loaded."""

    html: str
    other_sites_images: list


def preview(text, *, image_origins=()):
    """`text` (a post's stored HTML) sanitised again with the same allowlist, for the
    admin's preview: an <img> whose address is on another site than this one (or one of
    `image_origins`, such as an absolute MEDIA_URL) loses its `src`, so the page loads no
    image its Content-Security-Policy would refuse and tells no other site who looks."""
    others = []

    def this_site_images_only(tag, attribute, value):
        if tag == "img" and attribute == "src":
            parts = urlsplit(value)
            if (parts.scheme or parts.netloc) and not value.startswith(tuple(image_origins)):
                others.append(value)
                return None
        return value

    safe = clean(text or "", allow_mentions=True, attribute_filter=this_site_images_only)
    return Preview(html=safe, other_sites_images=others)


@dataclass
class RenderedText:
    """A post's sanitised HTML with mentions, and its plain text."""

    html: str
    plain_text: str


def render_text(text):
    """Sanitise `text`, turn `@username` of existing users into <mention> and extract text.

    Mentions a client wrote as <mention> tags are stripped first and rebuilt here, so a
    mention always names the user it claims to. All usernames are resolved in one query.
    """
    safe = clean(text or "")
    parts = TAG_RE.split(safe)
    # Text parts are at even indexes, tags at odd ones; skip text inside <a> and <code>.
    names, skip_depth = set(), 0
    text_positions = []
    for index, part in enumerate(parts):
        if index % 2:
            skip_depth += _skip_delta(part)
        elif part and skip_depth <= 0:
            text_positions.append(index)
            names.update(MENTION_RE.findall(part))
    users = _users_by_username(names)
    if users:
        for index in text_positions:
            parts[index] = MENTION_RE.sub(lambda m: _mention(m, users), parts[index])
        safe = clean("".join(parts), allow_mentions=True)
    return RenderedText(html=safe, plain_text=plain_text(safe))


def _skip_delta(tag):
    name = tag.strip("</>").split(maxsplit=1)[0].lower() if tag.strip("</>") else ""
    if name not in {"a", "code", "pre"} or tag.endswith("/>"):
        return 0
    return -1 if tag.startswith("</") else 1


def _users_by_username(names):
    if not names:
        return {}
    users = get_user_model().objects.filter(username__in=names).select_related("community_profile")
    return {user.username: user for user in users}


def _mention(match, users):
    user = users.get(match.group(1))
    if user is None:
        return match.group(0)
    profile = getattr(user, "community_profile", None)
    ext_id = (profile.ext_id if profile else None) or ""
    return (
        f'<mention id="{user.pk}" extid="{html.escape(ext_id, quote=True)}">'
        f"@{html.escape(user.username)}</mention>"
    )


class _TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.chunks = []

    def handle_starttag(self, tag, attrs):
        if tag in BLOCK_TAGS:
            self.chunks.append(" ")

    def handle_endtag(self, tag):
        if tag in BLOCK_TAGS:
            self.chunks.append(" ")

    def handle_data(self, data):
        self.chunks.append(data)


def plain_text(safe_html):
    """The text of sanitised HTML, with whitespace collapsed."""
    extractor = _TextExtractor()
    extractor.feed(safe_html)
    extractor.close()
    return " ".join("".join(extractor.chunks).split())


def summarize(text, *, limit):
    """At most `limit` characters of `text`, cut at a word boundary when one is near."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.8:
        cut = cut[:space]
    return cut.rstrip() + "…"
