"""SelfCommunity's media routes: create (link, image, share, embed), read, update, delete,
click, and the chunked upload that the vendor's UI uses for every image."""

import re

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from oauth2_provider.models import AbstractAccessToken
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from community import services, uploads
from community.models import MediaType
from community.selfcommunity import replies
from community.selfcommunity import serializers as sc
from community.selfcommunity.errors import ERRORS
from community.selfcommunity.permissions import sent_a_credential
from community.selfcommunity.views import TAG, SelfCommunityView, reply
from core.ids import parse_digits
from core.parsers import StrictJSONParser

# `Content-Range: bytes <start>-<end>/<total>` (RFC 9110 14.4), as rpldy's chunked sender
# writes it: `end` is the chunk's last byte.
CONTENT_RANGE = re.compile(r"bytes ([0-9]{1,15})-([0-9]{1,15})/([0-9]{1,15})", re.ASCII)


def refuse_larger_bodies(request, *, limit: int) -> None:
    """Refuse a body announced larger than `limit` bytes (plus room for the form fields)
    before it is read, not after it is stored on disk (413 `too_large`)."""
    length = parse_digits(request.META.get("CONTENT_LENGTH")) or 0
    if length > limit + settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
        raise RequestDataTooBig


def content_range(request) -> tuple[int, int, int]:
    """The chunk's first and last byte and the file's size, from `Content-Range`."""
    found = CONTENT_RANGE.fullmatch(request.META.get("HTTP_CONTENT_RANGE", "").strip())
    if found is None:
        message = ErrorDetail(
            "The Content-Range header must name the chunk's bytes, as "
            "`bytes <first>-<last>/<file size>`.",
            code="invalid",
        )
        raise serializers.ValidationError([message])
    start, end, total = (int(value) for value in found.groups())
    return start, end, total


class MediaCreateView(SelfCommunityView):
    """Create a media: a link, a share or an embed (JSON), or an uploaded image (multipart)."""

    parser_classes = [StrictJSONParser, MultiPartParser, FormParser]
    serializer_class = sc.SCMediaSerializer

    @extend_schema(
        tags=[TAG],
        summary="Create a media",
        operation_id="mediaCreate",
        description="`type` `url` with a `url` (the server does not fetch it); `image` with a "
        "multipart `image` file (checked to be a real image of bounded size: a file over "
        "`COMMUNITY_IMAGE_MAX_BYTES` bytes, or whose header claims more than "
        "`IMAGE_MAX_PIXELS` pixels, is a 413 `file_too_large` on `image`, and the pixels of "
        "such an image are never decoded); `share` with `shared_object`, the id of a status "
        "that is not deleted and shares no other (its reply's `embed` is "
        "`sc_shared_object` with metadata `{type, id}`); `embed` with an `embed` object, "
        "whose `embed_type` is not one SelfCommunity makes itself.",
        request={
            "application/json": sc.SCMediaWriteSerializer,
            "multipart/form-data": sc.SCMediaWriteSerializer,
        },
        responses={201: sc.SCMediaSerializer, **ERRORS.responses(400, 401, 413, 415, 429)},
    )
    def post(self, request):
        refuse_larger_bodies(request, limit=settings.COMMUNITY_IMAGE_MAX_BYTES)
        body = self.read(sc.SCMediaWriteSerializer)
        owner = request.user
        fields = {"title": body["title"], "description": body["description"]}
        if body["type"] == MediaType.URL:
            media = services.media_create_url(owner=owner, url=body["url"], **fields)
        elif body["type"] == MediaType.SHARE:
            media = services.media_create_share(owner=owner, shared_object=body["shared_object"])
        elif body["type"] == MediaType.EMBED:
            embed = body["embed"]
            media = services.media_create_embed(
                owner=owner,
                embed_type=embed["embed_type"],
                embed_id=embed["embed_id"],
                url=embed["url"] or "",
                metadata=embed["metadata"] or {},
            )
        else:
            media = services.media_create_image(owner=owner, image=body["image"], **fields)
        return reply(sc.SCMediaSerializer, media, self, status=201)


class MediaDetailView(SelfCommunityView):
    """One of your own media: read it, give a link its preview image, or delete it."""

    serializer_class = sc.SCMediaSerializer

    @extend_schema(
        tags=[TAG],
        summary="Get one of your media",
        operation_id="mediaRetrieve",
        responses={200: sc.SCMediaSerializer, **ERRORS.responses(401, 404)},
    )
    def get(self, request, media_id):
        media = services.media_get(media_id=media_id, owner=request.user)
        return reply(sc.SCMediaSerializer, media, self)

    @extend_schema(
        tags=[TAG],
        summary="Set a link media's preview image",
        operation_id="mediaUpdate",
        description="For a media of type `url`: `image` is the address of one of your image "
        "media's `image` (upload it first), which becomes the link's preview. The portal "
        "never fetches an image from another site: any other address is a 400 on `image`.",
        request=sc.SCMediaPreviewSerializer,
        responses={200: sc.SCMediaSerializer, **ERRORS.responses(400, 401, 404, 413, 415, 429)},
    )
    def put(self, request, media_id):
        media = services.media_get(media_id=media_id, owner=request.user)
        body = self.read(sc.SCMediaPreviewSerializer)
        name = replies.image_name_from_url(body["image"], request)
        media = services.media_set_preview(media=media, image_name=name)
        return reply(sc.SCMediaSerializer, media, self)

    @extend_schema(
        tags=[TAG],
        summary="Delete one of your media",
        operation_id="mediaDelete",
        description="The statuses that showed it no longer do.",
        responses={
            204: OpenApiResponse(description="Deleted"),
            **ERRORS.responses(401, 404, 429),
        },
    )
    def delete(self, request, media_id):
        services.media_delete(media=services.media_get(media_id=media_id, owner=request.user))
        return Response(status=204)


class MemberOrAnonymousClick(BasePermission):
    """A click comes from a signed-in member, or from anyone while the community lets
    anonymous clients read (COMMUNITY_ANONYMOUS_READS): they see the posts whose links are
    clicked. A bearer needs only its `read` scope: a click changes no content."""

    def allows_anonymous(self, view, method: str) -> bool:
        return settings.COMMUNITY_ANONYMOUS_READS

    def has_permission(self, request, view):
        if request.user and request.user.is_authenticated:
            token = request.auth
            return not isinstance(token, AbstractAccessToken) or token.allow_scopes(["read"])
        return self.allows_anonymous(view, request.method) and not sent_a_credential(request)


class MediaClickView(SelfCommunityView):
    """Count a click on a media."""

    permission_classes = [MemberOrAnonymousClick]
    # The body (the SDK's `{"ip": ...}`) is not read; any form of it is accepted.
    parser_classes = [StrictJSONParser, MultiPartParser, FormParser]
    serializer_class = None

    @extend_schema(
        tags=[TAG],
        summary="Count a click on a media",
        operation_id="mediaClick",
        description="A media of yours, or one shown in a status that is not deleted. An "
        "anonymous client may click while `COMMUNITY_ANONYMOUS_READS` is on. The body's "
        "`ip` is ignored: the portal counts clicks, it does not record who made them.",
        request=None,
        responses={
            204: OpenApiResponse(description="Counted"),
            **ERRORS.responses(401, 404, 429),
        },
    )
    def post(self, request, media_id):
        user = request.user if request.user.is_authenticated else None
        services.media_click(media=services.media_get_visible(media_id=media_id, user=user))
        return Response(status=204)


CONTENT_RANGE_PARAMETER = OpenApiParameter(
    "Content-Range",
    str,
    location=OpenApiParameter.HEADER,
    required=True,
    description="The chunk's bytes: `bytes <first>-<last>/<file size>`.",
)


class MediaChunkUploadView(SelfCommunityView):
    """Receive one chunk of an image (community.uploads)."""

    # A chunk is a file: multipart. JSON is read too, so that its body is answered as a
    # field error (and a refused bearer, whose check reads the body, still as a 401).
    parser_classes = [StrictJSONParser, MultiPartParser]
    serializer_class = sc.SCChunkMediaSerializer

    def check_throttles(self, request):
        # The write limit counts an upload once, at its first chunk: a chunk that continues
        # an upload (its range starts past byte 0) with a full chunk, or with the file's
        # last bytes, is counted only if it is refused. So a 5 MB image costs one write of
        # the limit and not 26 (an upload has at most total / chunk size such chunks),
        # while smaller chunks and a stream of refused chunks count like any other write.
        if self._continues_an_upload(request):
            return
        super().check_throttles(request)

    @staticmethod
    def _continues_an_upload(request) -> bool:
        found = CONTENT_RANGE.fullmatch(request.META.get("HTTP_CONTENT_RANGE", "").strip())
        if found is None:
            return False
        start, end, total = (int(value) for value in found.groups())
        full = end - start + 1 == settings.COMMUNITY_UPLOAD_CHUNK_MAX_BYTES
        return 0 < start <= end and (full or end == total - 1)

    @extend_schema(
        tags=[TAG],
        summary="Upload a chunk of an image",
        operation_id="mediaChunkUpload",
        description="Multipart, the chunk in `image`, its range in `Content-Range`. The "
        "first chunk starts at byte 0 and has no `upload_id`; each next one sends the "
        "`upload_id` of the reply and starts at its `offset`. A file announced over "
        "`COMMUNITY_IMAGE_MAX_BYTES` or a chunk over `COMMUNITY_UPLOAD_CHUNK_MAX_BYTES` is "
        "a 413 `file_too_large`; a first chunk that starts no PNG, JPEG, GIF or WebP is a "
        "400 `invalid_image`, a header claiming more than `IMAGE_MAX_PIXELS` a 413 (and "
        "the upload ends); a `document` is refused. Another member's upload, or one that "
        "received no chunk for `COMMUNITY_UPLOAD_EXPIRY_SECONDS`, is a 404.",
        parameters=[CONTENT_RANGE_PARAMETER],
        request={"multipart/form-data": sc.SCChunkSerializer},
        responses={
            201: sc.SCChunkMediaSerializer,
            **ERRORS.responses(400, 401, 404, 413, 415, 429),
        },
    )
    def post(self, request):
        try:
            return self._receive(request)
        except Exception:
            if self._continues_an_upload(request):
                super().check_throttles(request)  # a refused chunk counts (429 if over)
            raise

    def _receive(self, request):
        refuse_larger_bodies(request, limit=settings.COMMUNITY_UPLOAD_CHUNK_MAX_BYTES)
        start, end, total = content_range(request)
        uploads.check_total(total)  # a file announced too large: before its body is read
        body = self.read(sc.SCChunkSerializer)
        upload = uploads.upload_chunk(
            owner=request.user,
            upload_id=body.get("upload_id"),
            chunk=body["image"],
            start=start,
            end=end,
            total=total,
        )
        return Response(replies.chunk_reply(upload), status=201)


class MediaChunkCompleteView(SelfCommunityView):
    """Make a chunked upload an image media."""

    parser_classes = [StrictJSONParser, MultiPartParser, FormParser]
    serializer_class = sc.SCMediaSerializer

    @extend_schema(
        tags=[TAG],
        summary="Complete a chunked upload",
        operation_id="mediaChunkUploadComplete",
        description="Once every byte arrived (otherwise 400 on `upload_id`), and `md5` is the "
        "whole file's MD5 in hex (otherwise 400 on `md5`), the file must pass the checks "
        "of a single image upload (400 `invalid_image` or 413 `file_too_large` on `image`, "
        "and the upload ends). `type` is `image` or left out.",
        request={
            "application/json": sc.SCChunkCompleteSerializer,
            "multipart/form-data": sc.SCChunkCompleteSerializer,
            "application/x-www-form-urlencoded": sc.SCChunkCompleteSerializer,
        },
        responses={201: sc.SCMediaSerializer, **ERRORS.responses(400, 401, 404, 413, 415, 429)},
    )
    def post(self, request):
        body = self.read(sc.SCChunkCompleteSerializer)
        media = uploads.upload_complete(
            owner=request.user, upload_id=body["upload_id"], md5=body["md5"]
        )
        return reply(sc.SCMediaSerializer, media, self, status=201)
