"""The pixel size of an uploaded image, read from its header without Pillow.

Pillow allocates memory for an image before it decodes it, and for a WebP already when it
opens one (its animation decoder makes two canvases). So the size an image claims is read
here, from the bytes of its header, before Pillow sees the file: `community.services.
image_checked` refuses one over `IMAGE_MAX_PIXELS` before anything allocates its bitmap.

Each reader takes the largest size the file claims anywhere that a decoder would size a
canvas from: every SOF segment of a JPEG, the logical screen and every frame of a GIF.
"""

import re
import struct
from typing import IO, NamedTuple


class ImageHeader(NamedTuple):
    """What an image's header says: Pillow's name for its format, and its size in pixels."""

    format: str
    width: int
    height: int


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# JPEG frame headers: SOF0-SOF15 but DHT (C4), JPG (C8) and DAC (CC), which are not frames.
JPEG_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
# The next JPEG marker that has a length (or is no marker: Pillow refuses those). Pillow
# reads on, looking for a marker, through any other byte, an escaped 0xFF (FF 00), fill
# bytes, and the markers it reads no length after (JPG, RSTn, SOI, EOI, JPGn); so does this.
JPEG_MARKER = re.compile(rb"\xff+([\x01-\xc7\xc9-\xcf\xda-\xef\xfe])")
# The bytes that start a GIF block: an extension, a frame, the trailer.
GIF_BLOCK = re.compile(rb"[!,;]")


def read_image_header(stream: IO[bytes]) -> ImageHeader | None:
    """The format and size of the PNG, JPEG, GIF or WebP in `stream`, from its header; None
    for anything else, or a header cut short. Reads from the current position: 30 bytes of
    a PNG or a WebP, the whole of a JPEG or a GIF (so the caller bounds the file's size)."""
    start = stream.read(30)
    try:
        if start.startswith(PNG_SIGNATURE):
            return _png(start)
        if start.startswith(b"\xff\xd8\xff"):
            return _jpeg(start + stream.read())
        if start[:6] in (b"GIF87a", b"GIF89a"):
            return _gif(start + stream.read())
        if start[:4] == b"RIFF" and start[8:12] == b"WEBP":
            return _webp(start)
    except struct.error:
        return None  # the header ends before its size
    return None


def _png(start: bytes) -> ImageHeader | None:
    # The first chunk is IHDR: length, type, then width and height (PNG spec 11.2.2).
    if start[12:16] != b"IHDR":
        return None
    width, height = struct.unpack_from(">II", start, 16)
    return ImageHeader("PNG", width, height)


def _jpeg(data: bytes) -> ImageHeader | None:
    # Segments up to the first scan, as Pillow reads them; each SOF names the frame's size.
    width = height = 0
    at = 2
    while found := JPEG_MARKER.search(data, at):
        marker = found[1][0]
        if marker == 0xDA:  # the start of the scan: no frame header after it
            break
        if marker < 0xC0:
            return None  # not a marker: Pillow refuses the file
        at = found.end()
        (length,) = struct.unpack_from(">H", data, at)
        if length < 2:
            return None
        if marker in JPEG_SOF:
            frame_height, frame_width = struct.unpack_from(">HH", data, at + 3)
            width, height = max(width, frame_width), max(height, frame_height)
        at += length
    return ImageHeader("JPEG", width, height) if width or height else None


def _after_sub_blocks(data: bytes, at: int) -> int:
    while at < len(data) and data[at]:
        at += data[at] + 1
    return at + 1


def _colour_table(flags: int) -> int:
    return 3 << ((flags & 7) + 1) if flags & 0x80 else 0


def _gif(data: bytes) -> ImageHeader | None:
    # The logical screen, then every frame: Pillow widens its canvas to a frame that does not
    # fit the screen, and a decoder of later frames does the same.
    width, height, flags = struct.unpack_from("<HHB", data, 6)
    at = 13 + _colour_table(flags)
    while at < len(data):
        block = data[at]
        if block == 0x3B:  # the trailer
            break
        if block == 0x21:  # an extension: its label, then sub-blocks
            at = _after_sub_blocks(data, at + 2)
        elif block == 0x2C:  # a frame
            left, top, frame_width, frame_height, flags = struct.unpack_from("<HHHHB", data, at + 1)
            width, height = max(width, left + frame_width), max(height, top + frame_height)
            # The local colour table and the LZW minimum code size come before the data.
            at = _after_sub_blocks(data, at + 10 + _colour_table(flags) + 1)
        else:
            # Pillow reads on past any other byte, and so does this.
            found = GIF_BLOCK.search(data, at + 1)
            if found is None:
                break
            at = found.start()
    return ImageHeader("GIF", width, height)


def _webp(start: bytes) -> ImageHeader | None:
    # The first chunk: a simple lossy (VP8) or lossless (VP8L) image, or the extended
    # format's canvas (VP8X), which the animation decoder allocates for every frame.
    chunk = start[12:16]
    if chunk == b"VP8 " and start[23:26] == b"\x9d\x01\x2a":
        width, height = struct.unpack_from("<HH", start, 26)
        return ImageHeader("WEBP", width & 0x3FFF, height & 0x3FFF)
    if chunk == b"VP8L" and start[20:21] == b"\x2f":
        (bits,) = struct.unpack_from("<I", start, 21)
        return ImageHeader("WEBP", (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
    if chunk == b"VP8X" and len(start) >= 30:
        width = int.from_bytes(start[24:27], "little") + 1
        height = int.from_bytes(start[27:30], "little") + 1
        return ImageHeader("WEBP", width, height)
    return None
