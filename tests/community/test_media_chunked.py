"""Chunked uploads (`media/upload/chunk/` then `media/upload/complete/`), SelfCommunity's
only image upload path in its SDK and React UI, replayed byte for byte as the UI sends it.

What the UI sends (react-ui 0.11.0-alpha.119, @rpldy 1.7.1, read from their packages):
- `shared/Media/File/TriggerButton.js` wraps `MediaChunkUploader` in `<ChunkedUploady
  chunkSize={204800}>`; the uploader's CHUNK_START listener sends every chunk as the form
  field `image` (`paramName: 'image'`), and from the second chunk on puts `upload_id` in
  `sendOptions.params`.
- @rpldy/sender's `prepareFormData` appends the params first, as plain form fields, then the
  chunk (`fd.set("image", blob, blob.name)`), in one multipart body; @rpldy/chunked-sender
  slices the file with the file's own type and name, and sends `Content-Range: bytes
  <start>-<start + size - 1>/<file size>`, one chunk at a time (parallel 1).
- Before sending, the UI's REQUEST_PRE_SEND resizes every image but a GIF to a canvas
  JPEG (`@selfcommunity/utils` `resizeImage`: a Blob, no name), so a photo's chunks are
  `filename="blob"`, `Content-Type: image/jpeg`; a GIF keeps its own name and type.
- When the last chunk is done, `utils/hash.js` computes spark-md5 over the file in slices of
  2142880 bytes and the UI posts FormData `upload_id`, `type` (`image`), `md5` to
  `media/upload/complete/` (axios leaves the multipart boundary to the browser).
"""

import functools
import hashlib
import io
import os
import random
import struct
import threading
import zlib
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from PIL import Image

from community import uploads
from community.models import Media, MediaUpload
from tests.conftest import issue_bearer
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CHUNK = "/api/v2/media/upload/chunk/"
COMPLETE = "/api/v2/media/upload/complete/"
UI_CHUNK_SIZE = 204800  # TriggerButton's chunkSize
UI_MD5_SLICE = 2142880  # MediaChunkUploader's md5(item.file, 2142880, ...)
BOUNDARY = "----WebKitFormBoundaryT4U3VeMJUOwfER55"


@pytest.fixture(autouse=True)
def folders(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.COMMUNITY_UPLOAD_DIR = tmp_path / "chunks"
    return settings


@functools.cache
def noisy_png(width=420, height=420, seed=7) -> bytes:
    """A PNG of random pixels: it does not compress, so it takes several 200 KB chunks."""
    rng = random.Random(seed)
    image = Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


@functools.cache
def canvas_jpeg(width=640, height=640) -> bytes:
    """What the UI's resizeImage sends for a photo: a JPEG from a canvas."""
    rng = random.Random(3)
    image = Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


def small_gif() -> bytes:
    buffer = io.BytesIO()
    Image.new("P", (16, 9), 1).save(buffer, "GIF")
    return buffer.getvalue()


def png_header_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims width x height (an image bomb's header), then an IEND."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", b"\0" * 64)
        + chunk(b"IEND", b"")
    )


def spark_md5(data: bytes) -> str:
    """utils/hash.js: spark-md5 fed the file in slices of 2142880 bytes, hex."""
    digest = hashlib.md5(usedforsecurity=False)
    for at in range(0, len(data), UI_MD5_SLICE):
        digest.update(data[at : at + UI_MD5_SLICE])
    return digest.hexdigest()


def form_body(fields: dict) -> bytes:
    """A browser's multipart body of plain fields (a FormData of strings)."""
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'
        for key, value in fields.items()
    ]
    return ("".join(parts) + f"--{BOUNDARY}--\r\n").encode()


def rpldy_body(*, params: dict, field: str, filename: str, content_type: str, data: bytes):
    """The multipart body @rpldy/sender's prepareFormData builds: params, then the chunk."""
    parts = [form_body(params)[: -len(f"--{BOUNDARY}--\r\n")]]
    parts.append(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{field}"; '
        f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
        + data
        + b"\r\n"
    )
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


class UI:
    """The vendor's UI: rpldy's chunk requests and the uploader's complete request, with
    the bearer in `Authorization` (its REQUEST_PRE_SEND `destination.headers`)."""

    def __init__(self, client, bearer, *, commit=None):
        self.client, self.bearer = client, bearer
        # What rpldy sends for a photo the UI resized (a canvas JPEG Blob, no name).
        filename, content_type = "blob", "image/jpeg"
        self.filename, self.content_type = filename, content_type
        # In a test's transaction, each request's on-commit work (removing files) is run
        # through pytest-django's capture, as it runs outside a test.
        self.commit = commit

    def request(self, *args, **kwargs):
        if self.commit is None:  # a transactional test: commits are real
            return self.client.generic(*args, **kwargs)
        with self.commit(execute=True):
            return self.client.generic(*args, **kwargs)

    def chunk(self, data, *, start, total, upload_id=None, field="image", end=None, **extra):
        body = rpldy_body(
            params={"upload_id": upload_id} if upload_id else {},
            field=field,
            filename=self.filename,
            content_type=self.content_type,
            data=data,
        )
        end = start + len(data) - 1 if end is None else end
        return self.request(
            "POST",
            CHUNK,
            body,
            content_type=f"multipart/form-data; boundary={BOUNDARY}",
            HTTP_AUTHORIZATION=f"Bearer {self.bearer}",
            HTTP_CONTENT_RANGE=f"bytes {start}-{end}/{total}",
            HTTP_ACCEPT="*/*",
            **extra,
        )

    def send(self, data, *, chunk_size=UI_CHUNK_SIZE):
        """Every chunk of `data` in order, as rpldy does; the last reply's upload id."""
        upload_id, replies = None, []
        for start in range(0, len(data), chunk_size):
            reply = self.chunk(
                data[start : start + chunk_size], start=start, total=len(data), upload_id=upload_id
            )
            assert reply.status_code == 201, reply.content
            upload_id = reply.json()["upload_id"]
            replies.append(reply.json())
        return upload_id, replies

    def complete(self, upload_id, md5, *, kind="image"):
        """The uploader's FormData: upload_id, type, md5, in that order."""
        fields = {"upload_id": upload_id, "type": kind, "md5": md5}
        return self.request(
            "POST",
            COMPLETE,
            form_body(fields),
            content_type=f"multipart/form-data; boundary={BOUNDARY}",
            HTTP_AUTHORIZATION=f"Bearer {self.bearer}",
        )


@pytest.fixture
def member(oauth_app, client, django_capture_on_commit_callbacks):
    user = UserFactory()
    ui = UI(client, issue_bearer(user, oauth_app), commit=django_capture_on_commit_callbacks)
    ui.user = user
    return ui


def stored_bytes(media: Media) -> bytes:
    with media.image.open("rb") as stream:
        return stream.read()


def files_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


# --- the UI's uploads, replayed --------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "filename", "content_type", "extension"),
    [
        pytest.param(noisy_png(), "photo.png", "image/png", "png", id="png-as-rpldy-sends-a-file"),
        pytest.param(canvas_jpeg(), "blob", "image/jpeg", "jpg", id="photo-after-the-ui-resize"),
        pytest.param(small_gif(), "party.gif", "image/gif", "gif", id="gif-not-resized"),
    ],
)
def test_the_uis_chunked_upload_makes_an_image_media(
    member, folders, data, filename, content_type, extension
):
    member.filename, member.content_type = filename, content_type
    upload_id, replies = member.send(data)

    chunks = -(-len(data) // UI_CHUNK_SIZE)
    assert len(replies) == chunks
    assert [reply["offset"] for reply in replies] == [
        str(min(len(data), UI_CHUNK_SIZE * (n + 1))) for n in range(chunks)
    ]
    assert {reply["upload_id"] for reply in replies} == {upload_id}
    assert all(set(reply) == {"upload_id", "offset", "expires"} for reply in replies)

    done = member.complete(upload_id, spark_md5(data))
    assert done.status_code == 201, done.content
    media = done.json()
    assert media["type"] == "image"
    stored = Media.objects.get(pk=media["id"])
    assert stored.owner == member.user
    assert stored_bytes(stored) == data  # the very file, not a re-encoding
    assert stored.image.name.endswith(f".{extension}")
    assert filename not in stored.image.name
    with Image.open(io.BytesIO(data)) as image:
        assert (media["image_width"], media["image_height"]) == image.size
    assert media["image"].endswith(stored.image.name)
    # The upload is over: its row and its chunks are gone.
    assert not MediaUpload.objects.exists()
    assert files_in(folders.COMMUNITY_UPLOAD_DIR) == []


def test_a_multi_chunk_png_is_three_chunks_of_the_uis_size(member):
    data = noisy_png()
    assert 2 * UI_CHUNK_SIZE < len(data) <= 3 * UI_CHUNK_SIZE
    member.filename, member.content_type = "photo.png", "image/png"
    upload_id, replies = member.send(data)
    assert [r["offset"] for r in replies] == ["204800", "409600", str(len(data))]
    assert member.complete(upload_id, spark_md5(data)).status_code == 201


def test_the_first_reply_says_when_the_upload_expires(member, settings):
    before = timezone.now()
    reply = member.chunk(canvas_jpeg()[:1000], start=0, total=len(canvas_jpeg()))
    assert reply.status_code == 201, reply.content
    expires = reply.json()["expires"]
    upload = MediaUpload.objects.get()
    assert upload.upload_id == reply.json()["upload_id"]
    assert expires == upload.expires_at.isoformat().replace("+00:00", "Z")
    assert upload.expires_at >= before + timedelta(seconds=settings.COMMUNITY_UPLOAD_EXPIRY_SECONDS)


def test_chunks_wait_outside_media_root_so_they_are_never_served(member, folders, client):
    data = canvas_jpeg()
    reply = member.chunk(data[:UI_CHUNK_SIZE], start=0, total=len(data))
    upload = MediaUpload.objects.get(upload_id=reply.json()["upload_id"])
    path = uploads.upload_file(upload)
    assert path.read_bytes() == data[:UI_CHUNK_SIZE]
    assert Path(folders.MEDIA_ROOT) not in path.parents
    assert upload.upload_id not in path.read_bytes().decode("latin-1")
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert client.get(f"/media/{path.name}").status_code == 404


def test_the_default_upload_folder_is_not_under_media_root():
    from django.conf import settings as django_settings

    from config import settings as configured

    assert Path(configured.MEDIA_ROOT) not in Path(configured.COMMUNITY_UPLOAD_DIR).parents
    assert configured.COMMUNITY_UPLOAD_CHUNK_MAX_BYTES == UI_CHUNK_SIZE
    assert configured.COMMUNITY_UPLOAD_EXPIRY_SECONDS == 3600
    assert django_settings.COMMUNITY_UPLOAD_CHUNK_MAX_BYTES == UI_CHUNK_SIZE


# --- bombs and lies -------------------------------------------------------------------------


def test_a_file_announced_over_the_limit_is_refused_at_its_first_chunk(member, settings, folders):
    total = settings.COMMUNITY_IMAGE_MAX_BYTES + 1
    reply = member.chunk(canvas_jpeg()[:1000], start=0, end=999, total=total)
    assert reply.status_code == 413
    assert reply.json() == {
        "errors": [
            {
                "field": "image",
                "messages": [
                    {"code": "file_too_large", "message": "The image is larger than 5242880 bytes."}
                ],
            }
        ]
    }
    assert not MediaUpload.objects.exists()
    assert files_in(folders.COMMUNITY_UPLOAD_DIR) == []


def test_a_later_chunk_cannot_change_the_announced_size(member):
    data = noisy_png()
    first = member.chunk(data[:UI_CHUNK_SIZE], start=0, total=len(data)).json()
    reply = member.chunk(
        data[UI_CHUNK_SIZE : 2 * UI_CHUNK_SIZE],
        start=UI_CHUNK_SIZE,
        total=len(data) + 10,
        upload_id=first["upload_id"],
    )
    assert reply.status_code == 400
    assert reply.json()["errors"][0]["code"] == "invalid"
    assert MediaUpload.objects.get().offset == UI_CHUNK_SIZE


def test_a_chunk_over_the_chunk_limit_is_refused(member, settings):
    data = noisy_png()
    reply = member.chunk(data[: UI_CHUNK_SIZE + 1], start=0, total=len(data))
    assert reply.status_code == 413
    error = reply.json()["errors"][0]
    assert error["field"] == "image"
    assert error["messages"] == [
        {"code": "file_too_large", "message": "A chunk may hold at most 204800 bytes."}
    ]
    settings.COMMUNITY_UPLOAD_CHUNK_MAX_BYTES = 1000
    assert member.chunk(data[:1000], start=0, total=len(data)).status_code == 201
    assert member.chunk(data[:1001], start=0, total=len(data)).status_code == 413


def test_a_body_announced_far_larger_than_a_chunk_is_refused_before_it_is_read(member, settings):
    data = canvas_jpeg()
    # Once the bearer is known (cached), nothing reads the body before the view: the test
    # client fails a read past the real body, so a 413 means it was never read.
    assert member.chunk(data[:100], start=0, total=len(data)).status_code == 201
    length = UI_CHUNK_SIZE + settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1
    reply = member.chunk(data[:100], start=0, total=len(data), CONTENT_LENGTH=str(length))
    assert reply.status_code == 413
    assert reply.json()["errors"][0]["code"] == "too_large"


def test_a_png_bomb_header_sent_across_chunks_ends_the_upload(member, folders):
    bomb = png_header_claiming(9_400, 9_400)  # 88 million pixels
    # The IHDR's size is in bytes 16-24: the first chunk stops before it.
    first = member.chunk(bomb[:20], start=0, total=len(bomb))
    assert first.status_code == 201, first.content
    upload_id = first.json()["upload_id"]

    second = member.chunk(bomb[20:], start=20, total=len(bomb), upload_id=upload_id)
    assert second.status_code == 413
    assert second.json()["errors"][0]["messages"] == [
        {"code": "file_too_large", "message": "The image has more than 25000000 pixels."}
    ]
    # The upload is over: a further chunk or a complete finds nothing.
    assert not MediaUpload.objects.exists()
    assert files_in(folders.COMMUNITY_UPLOAD_DIR) == []
    assert (
        member.chunk(bomb[20:], start=20, total=len(bomb), upload_id=upload_id).status_code == 404
    )
    assert member.complete(upload_id, spark_md5(bomb)).status_code == 404
    assert not Media.objects.exists()


def test_a_bomb_in_one_chunk_is_refused_before_it_is_stored(member, folders):
    bomb = png_header_claiming(9_400, 9_400)
    reply = member.chunk(bomb, start=0, total=len(bomb))
    assert reply.status_code == 413
    assert not MediaUpload.objects.exists()
    assert files_in(folders.COMMUNITY_UPLOAD_DIR) == []


def test_a_first_chunk_that_starts_no_image_is_refused(member, folders):
    page = b"<html><script>alert(1)</script></html>" * 10
    member.filename, member.content_type = "x.png", "image/png"
    reply = member.chunk(page, start=0, total=len(page))
    assert reply.status_code == 400
    assert reply.json()["errors"][0]["field"] == "image"
    assert reply.json()["errors"][0]["messages"][0]["code"] == "invalid_image"
    assert files_in(folders.COMMUNITY_UPLOAD_DIR) == []


def test_an_image_whose_header_lies_about_the_rest_is_refused_at_complete(member, folders):
    # A PNG signature and a sane header, then garbage: only decoding the file finds out.
    fake = png_header_claiming(10, 10)[:33] + os.urandom(3000)
    upload_id, _ = member.send(fake, chunk_size=1000)
    reply = member.complete(upload_id, spark_md5(fake))
    assert reply.status_code == 400
    assert reply.json()["errors"][0]["messages"][0]["code"] == "invalid_image"
    assert not MediaUpload.objects.exists()
    assert files_in(folders.COMMUNITY_UPLOAD_DIR) == []
    assert not Media.objects.exists()


def gif_frame_bomb(*, comment_bytes: int) -> bytes:
    """A GIF of a 1 x 1 screen whose one frame claims 9,400 x 9,400 pixels, after a comment
    of about `comment_bytes` (so that the frame's header comes that far into the file)."""
    blocks = b"".join(b"\xff" + b"c" * 255 for _ in range(max(1, comment_bytes // 256)))
    return (
        b"GIF89a"
        + struct.pack("<HHBBB", 1, 1, 0x80, 0, 0)
        + b"\0\0\0\xff\xff\xff"
        + b"!\xfe"
        + blocks
        + b"\x00"
        + b","
        + struct.pack("<HHHHB", 0, 0, 9_400, 9_400, 0)
        + b"\x02\x02\x44\x01\x00;"
    )


def test_a_bomb_is_refused_by_the_chunk_that_completes_its_header(member):
    bomb = gif_frame_bomb(comment_bytes=1000)
    frame_at = bomb.index(b",\0\0\0\0")
    member.filename, member.content_type = "party.gif", "image/gif"
    upload_id, replies = None, []
    for start in range(0, len(bomb), 100):
        reply = member.chunk(
            bomb[start : start + 100], start=start, total=len(bomb), upload_id=upload_id
        )
        replies.append((start, reply.status_code))
        if reply.status_code != 201:
            break
        upload_id = reply.json()["upload_id"]
    refused_at, status = replies[-1]
    assert status == 413
    assert refused_at <= frame_at + 9 < refused_at + 100  # the chunk holding the frame's size
    assert not MediaUpload.objects.exists()


def test_a_bomb_past_the_first_bytes_read_is_refused_at_complete(member, folders):
    bomb = gif_frame_bomb(comment_bytes=uploads.HEADER_PROBE_BYTES + 1000)
    assert bomb.index(b",\0\0\0\0") > uploads.HEADER_PROBE_BYTES
    member.filename, member.content_type = "party.gif", "image/gif"
    upload_id, _ = member.send(bomb)
    reply = member.complete(upload_id, spark_md5(bomb))
    assert reply.status_code == 413
    assert reply.json()["errors"][0]["messages"][0]["message"] == (
        "The image has more than 25000000 pixels."
    )
    assert not MediaUpload.objects.exists()
    assert files_in(folders.COMMUNITY_UPLOAD_DIR) == []
    assert not Media.objects.exists()


def test_chunks_must_come_in_order(member):
    data = noisy_png()
    first = member.chunk(data[:UI_CHUNK_SIZE], start=0, total=len(data)).json()
    upload_id = first["upload_id"]

    skipped = member.chunk(
        data[2 * UI_CHUNK_SIZE :], start=2 * UI_CHUNK_SIZE, total=len(data), upload_id=upload_id
    )
    assert skipped.status_code == 400
    assert skipped.json() == {
        "errors": [
            {
                "code": "invalid",
                "message": "Chunks must be sent in order: the upload has 204800 bytes, so the "
                "next chunk starts at byte 204800, not 409600.",
            }
        ]
    }
    again = member.chunk(data[:UI_CHUNK_SIZE], start=0, total=len(data), upload_id=upload_id)
    assert again.status_code == 400  # a chunk sent twice is refused the second time
    assert MediaUpload.objects.get().offset == UI_CHUNK_SIZE

    # The right chunks still go on from where the upload is.
    for start in (UI_CHUNK_SIZE, 2 * UI_CHUNK_SIZE):
        reply = member.chunk(
            data[start : start + UI_CHUNK_SIZE], start=start, total=len(data), upload_id=upload_id
        )
        assert reply.status_code == 201, reply.content
    assert member.complete(upload_id, spark_md5(data)).status_code == 201


def test_a_first_chunk_must_start_at_zero(member):
    data = canvas_jpeg()
    reply = member.chunk(data[100:200], start=100, total=len(data))
    assert reply.status_code == 400
    assert reply.json()["errors"][0]["message"] == (
        "The first chunk of an upload starts at byte 0, not 100."
    )


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (None, "The Content-Range header must name the chunk's bytes"),
        ("bytes 0-99", "The Content-Range header must name the chunk's bytes"),
        ("items 0-99/100", "The Content-Range header must name the chunk's bytes"),
        ("bytes 99-0/100", "Bytes 99-0 are not a range of a file of 100 bytes."),
        ("bytes 0-100/100", "Bytes 0-100 are not a range of a file of 100 bytes."),
        ("bytes 0-49/100", "The chunk holds 100 bytes; its range announces 50."),
    ],
)
def test_a_content_range_that_is_not_the_chunks_is_refused(member, header, message):
    body = rpldy_body(
        params={},
        field="image",
        filename="blob",
        content_type="image/jpeg",
        data=canvas_jpeg()[:100],
    )
    extra = {} if header is None else {"HTTP_CONTENT_RANGE": header}
    reply = member.request(
        "POST",
        CHUNK,
        body,
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        HTTP_AUTHORIZATION=f"Bearer {member.bearer}",
        **extra,
    )
    assert reply.status_code == 400
    assert reply.json()["errors"][0]["code"] == "invalid"
    assert reply.json()["errors"][0]["message"].startswith(message)
    assert not MediaUpload.objects.exists()


def test_a_wrong_md5_is_a_field_error_and_the_upload_waits_for_the_right_one(member):
    data = canvas_jpeg()
    upload_id, _ = member.send(data)
    reply = member.complete(upload_id, spark_md5(b"something else"))
    assert reply.status_code == 400
    assert reply.json() == {
        "errors": [
            {
                "field": "md5",
                "messages": [
                    {
                        "code": "invalid",
                        "message": "The MD5 checksum does not match the file received.",
                    }
                ],
            }
        ]
    }
    assert not Media.objects.exists()
    assert member.complete(upload_id, spark_md5(data)).status_code == 201


def test_an_incomplete_upload_cannot_complete(member):
    data = noisy_png()
    first = member.chunk(data[:UI_CHUNK_SIZE], start=0, total=len(data)).json()
    reply = member.complete(first["upload_id"], spark_md5(data))
    assert reply.status_code == 400
    error = reply.json()["errors"][0]
    assert error["field"] == "upload_id"
    assert error["messages"][0]["message"] == (
        f"The upload is incomplete: 204800 of {len(data)} bytes were received."
    )


def test_another_members_upload_is_not_found(member, oauth_app, client):
    data = noisy_png()
    first = member.chunk(data[:UI_CHUNK_SIZE], start=0, total=len(data)).json()
    other = UI(client, issue_bearer(UserFactory(), oauth_app), commit=member.commit)
    chunk = other.chunk(
        data[UI_CHUNK_SIZE : 2 * UI_CHUNK_SIZE],
        start=UI_CHUNK_SIZE,
        total=len(data),
        upload_id=first["upload_id"],
    )
    assert chunk.status_code == 404
    assert chunk.json() == {"errors": [{"code": "not_found", "message": "Upload not found."}]}
    assert other.complete(first["upload_id"], spark_md5(data)).status_code == 404
    assert MediaUpload.objects.get().offset == UI_CHUNK_SIZE  # untouched


def test_an_unknown_upload_id_is_not_found(member):
    data = canvas_jpeg()
    reply = member.chunk(data[:100], start=0, total=len(data), upload_id="f" * 32)
    assert reply.status_code == 404
    assert member.complete("f" * 32, spark_md5(data)).status_code == 404


def test_an_expired_upload_is_not_found(member):
    data = noisy_png()
    first = member.chunk(data[:UI_CHUNK_SIZE], start=0, total=len(data)).json()
    MediaUpload.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    reply = member.chunk(
        data[UI_CHUNK_SIZE : 2 * UI_CHUNK_SIZE],
        start=UI_CHUNK_SIZE,
        total=len(data),
        upload_id=first["upload_id"],
    )
    assert reply.status_code == 404
    assert member.complete(first["upload_id"], spark_md5(data)).status_code == 404


def test_each_chunk_moves_the_expiry_on(member, settings):
    data = noisy_png()
    first = member.chunk(data[:UI_CHUNK_SIZE], start=0, total=len(data)).json()
    MediaUpload.objects.update(expires_at=timezone.now() + timedelta(seconds=5))
    second = member.chunk(
        data[UI_CHUNK_SIZE : 2 * UI_CHUNK_SIZE],
        start=UI_CHUNK_SIZE,
        total=len(data),
        upload_id=first["upload_id"],
    )
    assert second.status_code == 201
    upload = MediaUpload.objects.get()
    assert upload.expires_at > timezone.now() + timedelta(seconds=3000)
    assert second.json()["expires"] == upload.expires_at.isoformat().replace("+00:00", "Z")


def test_a_document_is_refused(member, folders):
    pdf = b"%PDF-1.7\n" + b"0" * 500
    member.filename, member.content_type = "report.pdf", "application/pdf"
    as_document = member.chunk(pdf, start=0, total=len(pdf), field="document")
    assert as_document.status_code == 400
    assert as_document.json() == {
        "errors": [
            {
                "field": "document",
                "messages": [
                    {
                        "code": "invalid",
                        "message": "Only images can be uploaded: the portal keeps no documents.",
                    }
                ],
            }
        ]
    }
    # The UI sends a document's chunks as `image` too (its CHUNK_START forces the field).
    as_image = member.chunk(pdf, start=0, total=len(pdf))
    assert as_image.status_code == 400
    assert as_image.json()["errors"][0]["messages"][0]["code"] == "invalid_image"
    assert files_in(folders.COMMUNITY_UPLOAD_DIR) == []


@pytest.mark.parametrize("kind", ["document", "doc", "eimage"])
def test_complete_takes_the_image_type_only(member, kind):
    data = canvas_jpeg()
    upload_id, _ = member.send(data)
    reply = member.complete(upload_id, spark_md5(data), kind=kind)
    assert reply.status_code == 400
    error = reply.json()["errors"][0]
    assert error["field"] == "type"
    assert error["messages"][0]["code"] == "invalid_choice"
    assert member.complete(upload_id, spark_md5(data)).status_code == 201


def test_complete_takes_a_form_or_json_too(member, client):
    """The api-docs' example posts a urlencoded form, and the SDK's chunkUploadMediaComplete
    sends JSON (its client's default Content-Type turns a FormData into JSON)."""
    auth = {"HTTP_AUTHORIZATION": f"Bearer {member.bearer}"}
    data = canvas_jpeg()
    upload_id, _ = member.send(data)
    form = client.post(
        COMPLETE,
        f"upload_id={upload_id}&md5={spark_md5(data)}",
        content_type="application/x-www-form-urlencoded",
        **auth,
    )
    assert form.status_code == 201, form.content

    upload_id, _ = member.send(data)
    body = {"upload_id": upload_id, "type": "image", "md5": spark_md5(data)}
    as_json = client.post(COMPLETE, body, content_type="application/json", **auth)
    assert as_json.status_code == 201, as_json.content
    assert Media.objects.count() == 2


def test_a_chunk_sent_as_json_is_a_field_error(member, client):
    # What the SDK's chunkUploadMedia sends by default: its client's JSON Content-Type makes
    # axios turn the FormData into JSON, and the chunk's bytes into {}.
    reply = client.post(
        CHUNK,
        {"image": {}},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {member.bearer}",
        HTTP_CONTENT_RANGE="bytes 0-6/7",
    )
    assert reply.status_code == 400
    assert reply.json() == {
        "errors": [
            {
                "field": "image",
                "messages": [
                    {
                        "code": "invalid",
                        "message": "The submitted data was not a file. Check the encoding "
                        "type on the form.",
                    }
                ],
            }
        ]
    }
    assert not MediaUpload.objects.exists()


def test_a_chunk_without_a_file_is_a_field_error(member, client):
    reply = client.post(
        CHUNK,
        {"upload_id": "x"},
        HTTP_AUTHORIZATION=f"Bearer {member.bearer}",
        HTTP_CONTENT_RANGE="bytes 0-6/7",
    )
    assert reply.status_code == 400
    assert reply.json() == {
        "errors": [
            {
                "field": "image",
                "messages": [{"code": "required", "message": "No file was submitted."}],
            }
        ]
    }


def test_the_upload_routes_need_a_member(client):
    assert client.post(CHUNK).status_code == 401
    assert client.post(COMPLETE).status_code == 401


# --- pruning --------------------------------------------------------------------------------


def start_upload(member, data=None):
    data = data or canvas_jpeg()
    reply = member.chunk(data[:UI_CHUNK_SIZE], start=0, total=len(data))
    assert reply.status_code == 201, reply.content
    return MediaUpload.objects.get(upload_id=reply.json()["upload_id"])


def test_the_command_removes_expired_uploads_with_their_files(member, folders):
    stale, fresh = start_upload(member), start_upload(member)
    MediaUpload.objects.filter(pk=stale.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    stale_file, fresh_file = uploads.upload_file(stale), uploads.upload_file(fresh)
    assert stale_file.exists() and fresh_file.exists()

    out = io.StringIO()
    with member.commit(execute=True):
        call_command("community_prune_uploads", stdout=out)

    assert "Removed 1 expired upload(s) and 0 orphaned file(s)." in out.getvalue()
    assert list(MediaUpload.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert not stale_file.exists() and fresh_file.exists()


def test_the_command_removes_old_files_that_no_upload_names(member, folders, settings):
    kept = start_upload(member)
    folder = Path(settings.COMMUNITY_UPLOAD_DIR)
    orphan, recent = folder / "dead.part", folder / "being-written.part"
    orphan.write_bytes(b"x")
    recent.write_bytes(b"x")
    old = timezone.now().timestamp() - settings.COMMUNITY_UPLOAD_EXPIRY_SECONDS - 60
    os.utime(orphan, (old, old))
    os.utime(uploads.upload_file(kept), (old, old))  # named by an upload: kept however old

    out = io.StringIO()
    with member.commit(execute=True):
        call_command("community_prune_uploads", stdout=out)

    assert "0 expired upload(s) and 1 orphaned file(s)" in out.getvalue()
    assert not orphan.exists()
    assert recent.exists() and uploads.upload_file(kept).exists()


def test_a_new_upload_removes_the_expired_ones_first(member, folders):
    stale = start_upload(member)
    MediaUpload.objects.filter(pk=stale.pk).update(expires_at=timezone.now() - timedelta(hours=2))
    stale_file = uploads.upload_file(stale)

    new = start_upload(member)

    assert list(MediaUpload.objects.values_list("pk", flat=True)) == [new.pk]
    assert not stale_file.exists()


def test_a_new_upload_prunes_a_bounded_batch(member, folders, monkeypatch):
    monkeypatch.setattr(uploads, "PRUNE_BATCH", 2)
    stale = [start_upload(member) for _ in range(3)]
    MediaUpload.objects.update(expires_at=timezone.now() - timedelta(hours=2))
    start_upload(member)
    assert MediaUpload.objects.filter(pk__in=[u.pk for u in stale]).count() == 1


def test_prune_service_counts_and_leaves_live_uploads(member):
    live = start_upload(member)
    assert uploads.upload_prune() == 0
    with member.commit(execute=True):
        assert uploads.upload_prune(now=live.expires_at + timedelta(seconds=1)) == 1
    assert not MediaUpload.objects.exists()
    assert not uploads.upload_file(live).exists()


# --- races (PostgreSQL: SQLite's test database cannot take concurrent writers) -------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_chunks_racing_for_one_place_leave_the_file_whole(oauth_app, folders):
    """Eight clients send the second chunk of one upload at once, each a different length:
    one is written, seven are refused, and the file holds exactly the bytes its row counts."""
    from django.db import connections
    from django.test import Client

    user = UserFactory()
    bearer = issue_bearer(user, oauth_app)
    data = noisy_png()
    first = UI(Client(), bearer)
    upload_id = first.chunk(data[:UI_CHUNK_SIZE], start=0, total=len(data)).json()["upload_id"]

    lengths = [UI_CHUNK_SIZE - 1000 * n for n in range(8)]
    barrier = threading.Barrier(len(lengths))
    replies = [None] * len(lengths)

    def send(i):
        try:
            racer = UI(Client(), bearer)
            piece = data[UI_CHUNK_SIZE : UI_CHUNK_SIZE + lengths[i]]
            barrier.wait()
            replies[i] = racer.chunk(
                piece, start=UI_CHUNK_SIZE, total=len(data), upload_id=upload_id
            ).status_code
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(lengths))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(replies) == [201] + [400] * 7, replies
    winner = lengths[replies.index(201)]
    upload = MediaUpload.objects.get()
    assert upload.offset == UI_CHUNK_SIZE + winner
    assert uploads.upload_file(upload).read_bytes() == data[: upload.offset]

    # The upload goes on from there and completes as the very file.
    for start in range(upload.offset, len(data), UI_CHUNK_SIZE):
        reply = first.chunk(
            data[start : start + UI_CHUNK_SIZE], start=start, total=len(data), upload_id=upload_id
        )
        assert reply.status_code == 201, reply.content
    done = first.complete(upload_id, spark_md5(data))
    assert done.status_code == 201, done.content
    assert stored_bytes(Media.objects.get()) == data
    assert files_in(folders.COMMUNITY_UPLOAD_DIR) == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_completes_at_once_make_one_media(oauth_app, folders):
    from django.db import connections
    from django.test import Client

    bearer = issue_bearer(UserFactory(), oauth_app)
    data = canvas_jpeg()
    ui = UI(Client(), bearer)
    upload_id, _ = ui.send(data)
    barrier = threading.Barrier(2)
    replies = [None, None]

    def complete(i):
        try:
            racer = UI(Client(), bearer)
            barrier.wait()
            replies[i] = racer.complete(upload_id, spark_md5(data)).status_code
        finally:
            connections.close_all()

    threads = [threading.Thread(target=complete, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(replies) == [201, 404]
    assert Media.objects.count() == 1
    assert not MediaUpload.objects.exists()


@pytest.fixture
def two_writes_a_minute(monkeypatch):
    """The write limit at 2/min, in one window."""
    from community.selfcommunity.throttling import WriteRateThrottle

    now = 60 * 29_000_000 + 15.0
    monkeypatch.setattr(WriteRateThrottle, "rate", "2/min", raising=False)
    monkeypatch.setattr(WriteRateThrottle, "timer", lambda self: now)


def test_an_upload_costs_the_write_limit_its_first_chunk_and_its_complete(
    member, two_writes_a_minute
):
    # Three chunks and a complete under a limit of two writes a minute: the chunks that
    # continue the upload are not counted, so the UI's upload of a large image never hits
    # 429 half-way.
    data = noisy_png()
    member.filename, member.content_type = "photo.png", "image/png"
    upload_id, replies = member.send(data)
    assert len(replies) == 3
    assert member.complete(upload_id, spark_md5(data)).status_code == 201
    # The limit is spent: a new upload is refused at its first chunk.
    refused = member.chunk(data[:UI_CHUNK_SIZE], start=0, total=len(data))
    assert refused.status_code == 429, refused.content


def test_refused_chunks_that_claim_to_continue_an_upload_count(member, two_writes_a_minute):
    data = noisy_png()
    statuses = [
        member.chunk(data[:100], start=UI_CHUNK_SIZE, total=len(data), upload_id="nope").status_code
        for _ in range(3)
    ]
    assert statuses == [404, 404, 429]


def test_small_chunks_count_against_the_write_limit(member, two_writes_a_minute):
    # Only full chunks (and the file's last bytes) continue an upload uncounted: one-byte
    # chunks cannot turn one counted write into millions of uncounted requests.
    data = noisy_png()
    first = member.chunk(data[:UI_CHUNK_SIZE], start=0, total=len(data))
    assert first.status_code == 201, first.content
    upload_id = first.json()["upload_id"]
    statuses = [
        member.chunk(
            data[offset : offset + 1], start=offset, total=len(data), upload_id=upload_id
        ).status_code
        for offset in range(UI_CHUNK_SIZE, UI_CHUNK_SIZE + 3)
    ]
    assert statuses == [201, 429, 429]
