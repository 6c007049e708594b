"""Chunked uploads: an image sent in pieces, kept in a file of its own until it is whole.

The first chunk of a file starts an upload (a `MediaUpload` row and a file under
COMMUNITY_UPLOAD_DIR, outside MEDIA_ROOT, so never served); each later chunk names the
upload and must start where the bytes received so far end. `upload_complete` checks the
whole file against the MD5 the client computed and as an image (`services.image_checked`,
the checks of a single upload) and makes it an image media.

What a single upload refuses is refused as early as the chunks allow: a file announced
over COMMUNITY_IMAGE_MAX_BYTES at its first chunk, before a byte is stored; a first chunk
that does not start like a PNG, JPEG, GIF or WebP; a header that claims more than
IMAGE_MAX_PIXELS as soon as the chunks received hold it (an image bomb is dropped with its
upload then, not at the end). A refused image ends its upload: its row and file go.

Two chunks of one upload sent at once: each locks the upload's row and claims its range
with a conditional UPDATE (`offset` must still be where the chunk starts) before it writes,
at its own position; the second finds the offset moved and is refused, so the file never
holds bytes that the row does not count (on PostgreSQL the row lock orders them; on SQLite
the UPDATE's write lock does).

An upload that receives no chunk for COMMUNITY_UPLOAD_EXPIRY_SECONDS has expired: it
answers as an unknown one, and `upload_prune` removes it with its file. Each new upload
prunes up to PRUNE_BATCH expired ones first (so the files waiting never outgrow what was
sent in one expiry period), and `manage.py community_prune_uploads` prunes everything
expired, and files that no upload names, for a cron job.
"""

import hashlib
import io
import logging
import os
import secrets
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community import services
from community.images import read_image_header
from community.models import Media, MediaUpload
from core.errors import DomainError, ErrorCode, NotFoundError, TooLargeError

logger = logging.getLogger(__name__)

# How much of the start of a file is read for its header after each chunk that reaches
# into it: a PNG's or a WebP's size is in its first 30 bytes, a JPEG's after its metadata
# segments (64 KB each at most). What a header further on claims is checked at the end.
HEADER_PROBE_BYTES = 256 * 1024
# The expired uploads a new upload removes first, at most.
PRUNE_BATCH = 100
# The first bytes of each accepted format (a WebP is RIFF, 4 bytes of size, then WEBP).
SIGNATURES = (
    (0, b"\x89PNG\r\n\x1a\n"),
    (0, b"\xff\xd8\xff"),
    (0, b"GIF87a"),
    (0, b"GIF89a"),
    (0, b"RIFF"),
)
WEBP_TAG = (8, b"WEBP")
READ_SIZE = 64 * 1024


def upload_dir() -> Path:
    """The folder where the files of uploads in progress wait (made on first use)."""
    folder = Path(settings.COMMUNITY_UPLOAD_DIR)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def upload_file(upload: MediaUpload) -> Path:
    """The file that holds the bytes `upload` received."""
    return Path(settings.COMMUNITY_UPLOAD_DIR) / upload.path


def _expiry(now: datetime) -> datetime:
    return now + timedelta(seconds=settings.COMMUNITY_UPLOAD_EXPIRY_SECONDS)


def _not_found() -> NotFoundError:
    return NotFoundError(_("Upload not found."), params={"model": "upload"})


def _invalid(message: str, **params) -> DomainError:
    return DomainError(message, code=ErrorCode.INVALID, params=params)


def check_total(total: int) -> None:
    """Refuse a file announced larger than an image may be (`too_large` on `image`)."""
    limit = settings.COMMUNITY_IMAGE_MAX_BYTES
    if total > limit:
        raise services.image_too_large_error(limit)


def _check_chunk(*, chunk: File, start: int, end: int, total: int) -> int:
    """The chunk's size, once its range (`start`-`end` of `total` bytes, `end` included)
    is one of an image the portal may take and the chunk holds exactly that range."""
    check_total(total)
    if not start <= end < total:
        raise _invalid(
            _("Bytes %(start)s-%(end)s are not a range of a file of %(total)s bytes.")
            % {"start": start, "end": end, "total": total},
            start=start,
            end=end,
            total=total,
        )
    size = end - start + 1
    chunk_limit = settings.COMMUNITY_UPLOAD_CHUNK_MAX_BYTES
    if size > chunk_limit or chunk.size > chunk_limit:
        raise TooLargeError(
            _("A chunk may hold at most %(limit)s bytes.") % {"limit": chunk_limit},
            field="image",
            params={"limit": chunk_limit},
        )
    if chunk.size != size:
        raise _invalid(
            _("The chunk holds %(size)s bytes; its range announces %(expected)s.")
            % {"size": chunk.size, "expected": size},
            size=chunk.size,
            expected=size,
        )
    return size


def _starts_like_an_image(head: bytes) -> bool:
    """Whether `head`, the first bytes of a file, can start a PNG, JPEG, GIF or WebP (as
    far as it goes: a shorter head is judged on what it has)."""

    def fits(at: int, signature: bytes) -> bool:
        part = head[at : at + len(signature)]
        return signature.startswith(part)

    if any(fits(at, signature) for at, signature in SIGNATURES[:4]):
        return True
    return fits(*SIGNATURES[4]) and fits(*WEBP_TAG)


def _check_head(head: bytes) -> None:
    """Refuse a file whose first bytes (`head`, those received so far, at most
    HEADER_PROBE_BYTES) are no PNG, JPEG, GIF or WebP (`invalid_image`), or whose header
    claims more than IMAGE_MAX_PIXELS pixels (`too_large`); a header not yet whole waits
    for more chunks."""
    if not _starts_like_an_image(head[:12]):
        raise services.invalid_image_error()
    header = read_image_header(io.BytesIO(head))
    pixel_limit = settings.IMAGE_MAX_PIXELS
    if header is not None and header.width * header.height > pixel_limit:
        raise services.too_many_pixels_error(pixel_limit)


def _md5(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as stream:
        while piece := stream.read(READ_SIZE):
            digest.update(piece)
    return digest.hexdigest()


def _write(path: Path, chunk: File, *, start: int, create: bool) -> None:
    """Write `chunk` at `start` of the file, cutting whatever follows it (the bytes of a
    chunk whose transaction did not commit)."""
    flags = os.O_WRONLY | (os.O_CREAT | os.O_EXCL if create else 0)
    descriptor = os.open(path, flags, 0o600)
    with os.fdopen(descriptor, "wb") as stream:
        stream.seek(start)
        for piece in chunk.chunks():
            stream.write(piece)
        stream.truncate()


def _remove(paths: list[Path]) -> None:
    for path in paths:
        try:
            path.unlink(missing_ok=True)
        except OSError:
            logger.warning("Could not remove the chunked upload file %s", path, exc_info=True)


class _UploadEnds(Exception):
    """`upload` cannot go on (`error`: its file is no image the portal keeps, or is gone):
    once the transaction that found it rolled back, it is removed and `error` raised."""

    def __init__(self, upload: MediaUpload, error: DomainError):
        super().__init__(error.message)
        self.upload, self.error = upload, error


def _discard(upload: MediaUpload) -> None:
    """Remove an upload that cannot become a media, with its file."""
    MediaUpload.objects.filter(pk=upload.pk).delete()
    _remove([upload_file(upload)])


def upload_chunk(
    *, owner, upload_id: str | None, chunk: File, start: int, end: int, total: int
) -> MediaUpload:
    """Receive bytes `start`-`end` (included) of a file of `total` bytes: the first chunk
    (no `upload_id`) starts an upload of `owner`'s, the next ones name it and must start
    where the bytes received end. Another user's upload, or an expired one, is NotFound."""
    size = _check_chunk(chunk=chunk, start=start, end=end, total=total)
    if upload_id is None:
        return _upload_start(owner=owner, chunk=chunk, size=size, start=start, total=total)
    try:
        with transaction.atomic():
            return _upload_append(
                owner=owner, upload_id=upload_id, chunk=chunk, size=size, start=start, total=total
            )
    except _UploadEnds as ended:
        _discard(ended.upload)
        raise ended.error from None


def _upload_start(*, owner, chunk: File, size: int, start: int, total: int) -> MediaUpload:
    if start != 0:
        raise _invalid(
            _("The first chunk of an upload starts at byte 0, not %(start)s.") % {"start": start},
            offset=0,
            start=start,
        )
    chunk.seek(0)
    _check_head(chunk.read(HEADER_PROBE_BYTES))
    upload_prune(limit=PRUNE_BATCH)
    now = timezone.now()
    upload = MediaUpload(
        upload_id=secrets.token_hex(16),
        owner=owner,
        field="image",
        offset=size,
        total=total,
        created_at=now,
        expires_at=_expiry(now),
    )
    upload.path = f"{upload.upload_id}.part"
    path = upload_dir() / upload.path
    _write(path, chunk, start=0, create=True)
    try:
        upload.save()
    except BaseException:
        _remove([path])
        raise
    return upload


def _upload_append(
    *, owner, upload_id: str, chunk: File, size: int, start: int, total: int
) -> MediaUpload:
    now = timezone.now()
    upload = (
        MediaUpload.objects.select_for_update()
        .filter(upload_id=upload_id, owner=owner, expires_at__gt=now)
        .first()
    )
    if upload is None:
        raise _not_found()
    if total != upload.total:
        raise _invalid(
            _("This upload is of a file of %(total)s bytes, not %(given)s.")
            % {"total": upload.total, "given": total},
            total=upload.total,
            given=total,
        )
    # The claim: only while the offset is still where this chunk starts.
    expires_at = _expiry(now)
    claimed = MediaUpload.objects.filter(pk=upload.pk, offset=start).update(
        offset=start + size, expires_at=expires_at
    )
    if not claimed:
        upload.refresh_from_db(fields=["offset"])
        raise _invalid(
            _(
                "Chunks must be sent in order: the upload has %(offset)s bytes, so the next "
                "chunk starts at byte %(offset)s, not %(start)s."
            )
            % {"offset": upload.offset, "start": start},
            offset=upload.offset,
            start=start,
        )
    upload.offset, upload.expires_at = start + size, expires_at
    path = upload_file(upload)
    try:
        _write(path, chunk, start=start, create=False)
        if start < HEADER_PROBE_BYTES:
            with path.open("rb") as stream:
                _check_head(stream.read(min(upload.offset, HEADER_PROBE_BYTES)))
    except FileNotFoundError:
        raise _UploadEnds(upload, _not_found()) from None
    except DomainError as error:
        raise _UploadEnds(upload, error) from None
    return upload


@transaction.atomic
def _complete(*, owner, upload_id: str, md5: str) -> Media:
    upload = (
        MediaUpload.objects.select_for_update()
        .filter(upload_id=upload_id, owner=owner, expires_at__gt=timezone.now())
        .first()
    )
    if upload is None:
        raise _not_found()
    if upload.offset != upload.total:
        raise DomainError(
            _("The upload is incomplete: %(offset)s of %(total)s bytes were received.")
            % {"offset": upload.offset, "total": upload.total},
            field="upload_id",
            code=ErrorCode.INVALID,
            params={"offset": upload.offset, "total": upload.total},
        )
    path = upload_file(upload)
    try:
        if _md5(path) != md5.strip().lower():
            raise DomainError(
                _("The MD5 checksum does not match the file received."),
                field="md5",
                code=ErrorCode.INVALID,
            )
        with path.open("rb") as stream:
            media = services.media_create_image(owner=owner, image=File(stream, name=path.name))
    except FileNotFoundError:
        raise _UploadEnds(upload, _not_found()) from None
    except DomainError as error:
        if error.field == "md5":
            raise  # the client may send the right checksum again
        raise _UploadEnds(upload, error) from None
    upload.delete()
    transaction.on_commit(lambda: _remove([path]))
    return media


def upload_complete(*, owner, upload_id: str, md5: str) -> Media:
    """Make the whole file of `owner`'s upload an image media, once every byte arrived
    (`invalid` on `upload_id` otherwise) and the file's MD5 (hex) is `md5` (`invalid` on
    `md5` otherwise); it must pass the checks of a single upload (`image_checked`), or
    the upload is removed."""
    try:
        return _complete(owner=owner, upload_id=upload_id, md5=md5)
    except _UploadEnds as ended:
        _discard(ended.upload)
        raise ended.error from None


def upload_prune(*, now: datetime | None = None, limit: int | None = None) -> int:
    """Remove uploads that expired (at most `limit`, the longest expired first) and their
    files, once the deletion commits; how many. An upload a chunk is being written to is
    left for the next prune (skipped while locked, on PostgreSQL)."""
    now = now or timezone.now()
    with transaction.atomic():
        expired = (
            MediaUpload.objects.filter(expires_at__lte=now)
            .select_for_update(skip_locked=True)
            .order_by("expires_at", "pk")
            .values_list("pk", "path")
        )
        rows = list(expired[:limit] if limit else expired)
        if not rows:
            return 0
        MediaUpload.objects.filter(pk__in=[pk for pk, _path in rows]).delete()
        folder = Path(settings.COMMUNITY_UPLOAD_DIR)
        paths = [folder / path for _pk, path in rows]
        transaction.on_commit(lambda: _remove(paths))
    return len(rows)


def orphan_files_prune(*, now: datetime | None = None) -> int:
    """Remove files of the upload folder that no upload names and that were not written to
    for COMMUNITY_UPLOAD_EXPIRY_SECONDS (left by a process that died between writing a
    first chunk and saving its upload); how many."""
    folder = Path(settings.COMMUNITY_UPLOAD_DIR)
    if not folder.is_dir():
        return 0
    cutoff = (now or timezone.now()).timestamp() - settings.COMMUNITY_UPLOAD_EXPIRY_SECONDS
    old = {
        entry.name: Path(entry.path)
        for entry in os.scandir(folder)
        if entry.is_file(follow_symlinks=False) and entry.stat().st_mtime < cutoff
    }
    if not old:
        return 0
    named = set(MediaUpload.objects.filter(path__in=list(old)).values_list("path", flat=True))
    orphans = [path for name, path in old.items() if name not in named]
    _remove(orphans)
    return len(orphans)
