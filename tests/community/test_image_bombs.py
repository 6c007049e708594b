"""Image bombs (issue 21): a small file whose header claims a huge bitmap.

A 344 KB PNG claiming 9,400 x 9,400 RGBA pixels used to be decoded, at +345 MB of peak
memory per upload. The pixel size is now read from the header and anything over
IMAGE_MAX_PIXELS refused with a 413, before Pillow decodes (or allocates) anything, on
every way in: the SelfCommunity API and the admin.
"""

import io
import struct
import threading
import zlib
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.test import Client
from PIL import Image

from community import services
from community.images import read_image_header
from community.models import Media
from core.errors import TooLargeError
from tests.factories import UserFactory

MEDIA = "/api/v2/media/"
ADMIN_ADD = "/admin/community/media/add/"
SIDE = 9_400  # 88.4 million pixels: under Pillow's own bomb warning (89.5 million)
DEFAULT_LIMIT = 25_000_000
TOO_MANY = f"The image has more than {DEFAULT_LIMIT} pixels."


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def zero_png(width: int, height: int) -> bytes:
    """A real RGBA PNG of zero pixels, compressed row by row (never whole in memory)."""
    row = bytes(1 + 4 * width)  # filter byte, then the pixels
    compressor = zlib.compressobj(6)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return b"".join(
        [
            b"\x89PNG\r\n\x1a\n",
            png_chunk(b"IHDR", ihdr),
            png_chunk(b"IDAT", idat),
            png_chunk(b"IEND", b""),
        ]
    )


def gif(screen: tuple[int, int], frame: tuple[int, int]) -> bytes:
    """A GIF with a logical screen and one frame of these sizes, and one pixel of data."""
    return (
        b"GIF89a"
        + struct.pack("<HHBBB", *screen, 0x80, 0, 0)  # a global table of two colours
        + b"\0\0\0\xff\xff\xff"
        + b","
        + struct.pack("<HHHHB", 0, 0, *frame, 0)
        + b"\x02\x02\x44\x01\x00"  # LZW: clear, one pixel, end
        + b";"
    )


def webp_canvas(width: int, height: int) -> bytes:
    """An animated WebP of two 1 x 1 frames on a canvas of this size (its VP8X header):
    140 bytes that libwebp's animation decoder turns into two canvases of 4 bytes a pixel."""
    frames = [Image.new("RGBA", (1, 1), colour) for colour in ("red", "blue")]
    buffer = io.BytesIO()
    frames[0].save(buffer, "WEBP", save_all=True, append_images=frames[1:], lossless=True)
    data = bytearray(buffer.getvalue())
    assert data[12:16] == b"VP8X"
    data[24:27] = (width - 1).to_bytes(3, "little")
    data[27:30] = (height - 1).to_bytes(3, "little")
    return bytes(data)


def jpeg_frame(width: int, height: int) -> bytes:
    """An 8 x 8 JPEG whose frame header (SOF0) says it is width x height."""
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, "JPEG")
    data = bytearray(buffer.getvalue())
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


@pytest.fixture(scope="module")
def png_bomb() -> bytes:
    """The issue's file: 344 KB of PNG, 9,400 x 9,400 RGBA (345 MB) once decoded."""
    data = zero_png(SIDE, SIDE)
    assert len(data) < 350_000
    return data


BOMBS = {
    "gif-screen": lambda: gif((SIDE, SIDE), (1, 1)),
    "gif-frame-wider-than-screen": lambda: gif((1, 1), (SIDE, SIDE)),
    "webp-canvas": lambda: webp_canvas(SIDE, SIDE),
    "jpeg-frame": lambda: jpeg_frame(SIDE, SIDE),
}


@pytest.fixture(params=["png", *BOMBS])
def bomb(request, png_bomb) -> bytes:
    return png_bomb if request.param == "png" else BOMBS[request.param]()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def files_under(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def upload(data: bytes, name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/png")


# --- the header reader --------------------------------------------------------------------


def test_each_bomb_claims_its_size_in_the_header(bomb):
    header = read_image_header(io.BytesIO(bomb))
    assert header is not None and (header.width, header.height) == (SIDE, SIDE)


# --- the service ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_service_refuses_a_bomb_as_too_large_without_writing(bomb, media_root):
    with pytest.raises(TooLargeError) as refused:
        services.media_create_image(owner=UserFactory(), image=upload(bomb))
    assert refused.value.field == "image" and refused.value.params == {"limit": DEFAULT_LIMIT}
    assert not Media.objects.exists() and files_under(media_root) == []


# --- the SelfCommunity API -----------------------------------------------------------------


@pytest.mark.django_db
def test_api_answers_a_bomb_with_selfcommunitys_413(sc_login, bomb, media_root):
    response = sc_login().post(MEDIA, {"type": "image", "image": upload(bomb)}, format="multipart")
    assert response.status_code == 413, response.content
    assert response.json() == {
        "errors": [
            {"field": "image", "messages": [{"code": "file_too_large", "message": TOO_MANY}]}
        ]
    }
    assert not Media.objects.exists() and files_under(media_root) == []


@pytest.mark.django_db
def test_an_image_of_many_bytes_is_held_to_the_pixel_limit_too(sc_login, settings, media_root):
    # Not a bomb: 3.6 MB of noise, under the byte limit, 1.2 million pixels.
    settings.IMAGE_MAX_PIXELS = 1_000_000
    noise = Image.frombytes("RGB", (1200, 1000), (bytes(range(256)) * 14_063)[:3_600_000])
    buffer = io.BytesIO()
    noise.save(buffer, "PNG", compress_level=0)
    assert 3_000_000 < len(buffer.getvalue()) < settings.COMMUNITY_IMAGE_MAX_BYTES
    response = sc_login().post(
        MEDIA, {"type": "image", "image": upload(buffer.getvalue())}, format="multipart"
    )
    assert response.status_code == 413, response.content
    assert response.json()["errors"][0]["messages"] == [
        {"code": "file_too_large", "message": "The image has more than 1000000 pixels."}
    ]
    assert not Media.objects.exists() and files_under(media_root) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "image_format", ["PNG", "JPEG", "GIF", "WEBP"], ids=["png", "jpeg", "gif", "webp"]
)
def test_an_image_at_the_limit_is_accepted_and_one_row_more_is_not(
    sc_login, settings, image_format
):
    settings.IMAGE_MAX_PIXELS = 200 * 100
    member = sc_login()

    def post(size):
        buffer = io.BytesIO()
        Image.new("RGB", size, "teal").save(buffer, image_format)
        image = upload(buffer.getvalue())
        return member.post(MEDIA, {"type": "image", "image": image}, format="multipart")

    at_limit = post((200, 100))
    assert at_limit.status_code == 201, at_limit.content
    assert (at_limit.json()["image_width"], at_limit.json()["image_height"]) == (200, 100)
    over = post((200, 101))
    assert over.status_code == 413, over.content
    assert over.json()["errors"][0]["messages"][0]["code"] == "file_too_large"
    assert Media.objects.count() == 1


@pytest.mark.django_db
def test_pillows_own_ceiling_answers_413_when_the_setting_is_above_it(sc_login, settings):
    # 65,535 x 65,535 is over IMAGE_MAX_PIXELS here, but over Pillow's ceiling (twice its
    # MAX_IMAGE_PIXELS) too, which Image.open enforces: the lower limit is the one named.
    settings.IMAGE_MAX_PIXELS = 10**12
    ihdr = struct.pack(">IIBBBBB", 65_535, 65_535, 8, 6, 0, 0, 0)
    claim = b"".join(
        [
            b"\x89PNG\r\n\x1a\n",
            png_chunk(b"IHDR", ihdr),
            png_chunk(b"IDAT", zlib.compress(bytes(64))),
            png_chunk(b"IEND", b""),
        ]
    )
    response = sc_login().post(MEDIA, {"type": "image", "image": upload(claim)}, format="multipart")
    assert response.status_code == 413, response.content
    ceiling = 2 * Image.MAX_IMAGE_PIXELS
    assert response.json()["errors"][0]["messages"] == [
        {"code": "file_too_large", "message": f"The image has more than {ceiling} pixels."}
    ]
    assert not Media.objects.exists()


# --- the admin ------------------------------------------------------------------------------


@pytest.fixture
def admin_client(db):
    manager = UserFactory(is_staff=True)
    manager.user_permissions.add(*Permission.objects.filter(codename__endswith="_media"))
    client = Client()
    client.force_login(manager)
    client.manager = manager
    return client


def admin_post(client, data):
    form = {"owner": client.manager.pk, "type": "image", "order": 0, "image": upload(data)}
    return client.post(ADMIN_ADD, form)


def test_admin_shows_a_bomb_as_an_error_on_the_image_field(admin_client, bomb, media_root):
    response = admin_post(admin_client, bomb)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors.as_data()
    assert [(e.code, e.message) for e in errors["image"]] == [("too_large", TOO_MANY)]
    assert TOO_MANY in response.content.decode()
    assert not Media.objects.exists() and files_under(media_root) == []


def test_admin_accepts_an_image_at_the_limit(admin_client, settings, media_root):
    settings.IMAGE_MAX_PIXELS = 300 * 200
    response = admin_post(admin_client, zero_png(300, 200))
    assert response.status_code == 302, response.context["adminform"].form.errors
    media = Media.objects.get()
    assert (media.image_width, media.image_height) == (300, 200)
    assert files_under(media_root) == [media_root / media.image.name]


# --- six at once ----------------------------------------------------------------------------


class PeakResidentMemory:
    """How far this process's resident memory rose above its level at the start of the block.

    Linux keeps the peak (VmHWM) and resets it to the current size when 5 is written to
    /proc/self/clear_refs; where that is not allowed, a thread samples VmRSS every 2 ms.
    """

    @staticmethod
    def _status(key: str) -> int:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(f"{key}:"):
                return int(line.split()[1]) * 1024
        raise LookupError(key)

    def __enter__(self):
        self.start = self._status("VmRSS")
        self.sampled = self.start
        try:
            Path("/proc/self/clear_refs").write_text("5")
            self.sampler = None
        except OSError:
            self.stop = threading.Event()
            self.sampler = threading.Thread(target=self._sample, daemon=True)
            self.sampler.start()
        return self

    def _sample(self):
        while not self.stop.wait(0.002):
            self.sampled = max(self.sampled, self._status("VmRSS"))

    def __exit__(self, *exc):
        if self.sampler is None:
            self.growth = self._status("VmHWM") - self.start
        else:
            self.stop.set()
            self.sampler.join()
            self.growth = self.sampled - self.start


def upload_at_once(clients, files):
    """POST each file with its client, all in threads released together; the replies."""
    barrier = threading.Barrier(len(clients))
    replies = [None] * len(clients)

    def send(i):
        try:
            barrier.wait()
            image = upload(files[i])
            replies[i] = clients[i].post(
                MEDIA, {"type": "image", "image": image}, format="multipart"
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return replies


MB = 1024 * 1024


# Concurrent requests need PostgreSQL: SQLite's in-memory test database locks a table that
# another thread writes (a token's last use), and answers 503.
@pytest.mark.postgres
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc (Linux)")
@pytest.mark.django_db(transaction=True)
def test_six_concurrent_bombs_stay_under_50_mb(sc_login, png_bomb, media_root):
    """Bound: six bombs uploaded at once raise this process's peak resident memory by less
    than 50 MB in all (the request handling; no bitmap is ever allocated).

    Two 344 KB PNGs of 9,400 x 9,400 RGBA, two 631-byte JPEGs and a 140-byte WebP claiming
    that size, and a GIF whose frame does. The code before issue 21 decoded them: one at a
    time they cost +337 MB (PNG), +337 MB (JPEG) and +1,348 MB (WebP); these six at once
    took the peak up by 1.8 GB. Now it rises by about 4 MB.
    """
    files = [
        png_bomb,
        png_bomb,
        jpeg_frame(SIDE, SIDE),
        jpeg_frame(SIDE, SIDE),
        webp_canvas(SIDE, SIDE),
        gif((1, 1), (SIDE, SIDE)),
    ]
    clients = [sc_login() for _ in files]
    # Load every code path once first, so that the figure is the uploads' alone.
    warm_up = clients[0].post(
        MEDIA, {"type": "image", "image": upload(gif((1, 1), (1, 1)))}, format="multipart"
    )
    assert warm_up.status_code == 201, warm_up.content

    with PeakResidentMemory() as memory:
        replies = upload_at_once(clients, files)

    assert [reply.status_code for reply in replies] == [413] * 6
    assert Media.objects.count() == 1 and len(files_under(media_root)) == 1
    assert memory.growth < 50 * MB, f"peak resident memory rose by {memory.growth / MB:.0f} MB"


# Concurrent requests need PostgreSQL: SQLite's in-memory test database locks a table that
# another thread writes (a token's last use), and answers 503.
@pytest.mark.postgres
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc (Linux)")
@pytest.mark.django_db(transaction=True)
def test_six_concurrent_uploads_at_the_limit_stay_under_their_bound(sc_login, settings, media_root):
    """Bound: an accepted image costs at most 4 bytes a pixel while it is decoded, so six
    uploads at IMAGE_MAX_PIXELS (lowered to 1 million here) raise the peak resident memory
    by at most 6 x 4 x 1,000,000 bytes (24 MB) for their bitmaps, plus 26 MB for the rest:
    under 50 MB (measured: 16 to 21 MB). At the default 25 million, six bitmaps are 600 MB.
    """
    settings.IMAGE_MAX_PIXELS = 1_000_000
    clients = [sc_login() for _ in range(6)]
    at_limit = zero_png(1000, 1000)
    warm_up = clients[0].post(
        MEDIA, {"type": "image", "image": upload(zero_png(10, 10))}, format="multipart"
    )
    assert warm_up.status_code == 201, warm_up.content

    with PeakResidentMemory() as memory:
        replies = upload_at_once(clients, [at_limit] * 6)

    assert [reply.status_code for reply in replies] == [201] * 6, replies[0].content
    assert Media.objects.count() == 7
    assert memory.growth < 50 * MB, f"peak resident memory rose by {memory.growth / MB:.0f} MB"
