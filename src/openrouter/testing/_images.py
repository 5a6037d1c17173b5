"""Deterministic, tiny images for the fake server.

Every picture is a function of a digest (a hash of model, prompt, seed, parameters and
image index), so the same request always yields the same bytes and any change of input
yields different bytes. The picture is a diagonal two-colour gradient with a disc on top;
with a transparent background the gradient is fully transparent.

PNG is written with the standard library only (``zlib`` + ``struct``); JPEG and WebP need
Pillow, which is imported lazily. SVG documents are plain text.
"""

from __future__ import annotations

import importlib.util
import io
import struct
import zlib
from xml.sax.saxutils import escape

__all__ = [
    "MEDIA_TYPES",
    "aspect_value",
    "dimensions",
    "encode_raster",
    "encode_png",
    "pillow_available",
    "render_pixels",
    "render_svg",
]

MEDIA_TYPES = {
    "png": "image/png",
    "jpeg": "image/jpeg",
    "webp": "image/webp",
    "svg": "image/svg+xml",
}
"""The media type of each output format."""

_TIER_LONG_SIDE = {"512": 32, "768": 48, "1K": 64, "1.5K": 96, "2K": 128, "4K": 256}
"""Rendered long side per resolution tier: 1/16 of the nominal size keeps tests fast."""
_SCALE = 16
_MIN_SIDE = 8

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def pillow_available() -> bool:
    """Return whether Pillow can be imported (without importing it)."""
    return importlib.util.find_spec("PIL") is not None


def dimensions(
    resolution: str | None, aspect_ratio: str | None, pixels: tuple[int, int] | None
) -> tuple[int, int]:
    """Return the rendered ``(width, height)`` for the request's size parameters.

    An explicit pixel size wins and is scaled by 1/16; otherwise the resolution tier
    (default ``1K``) gives the long side and the aspect ratio (default square) the shape.
    Sides never go below 8 pixels.
    """
    if pixels is not None:
        width, height = pixels
        return max(_MIN_SIDE, round(width / _SCALE)), max(_MIN_SIDE, round(height / _SCALE))
    long_side = _TIER_LONG_SIDE.get(resolution or "1K", _TIER_LONG_SIDE["1K"])
    ratio = aspect_value(aspect_ratio) if aspect_ratio not in (None, "auto") else 1.0
    if ratio >= 1:
        return long_side, max(_MIN_SIDE, round(long_side / ratio))
    return max(_MIN_SIDE, round(long_side * ratio)), long_side


def aspect_value(aspect_ratio: str | None) -> float:
    """Return ``width / height`` of a ``"W:H"`` aspect ratio (1.0 for ``None``/``auto``)."""
    if aspect_ratio is None or aspect_ratio == "auto":
        return 1.0
    width, _, height = aspect_ratio.partition(":")
    return float(width) / float(height)


def _palette(digest: bytes) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    """Three colours taken from the digest: gradient start, gradient end, disc."""
    return tuple(digest[0:3]), tuple(digest[3:6]), tuple(digest[6:9])


def render_pixels(width: int, height: int, digest: bytes, *, transparent: bool = False) -> bytes:
    """Return raw 8-bit RGB (or RGBA if ``transparent``) pixels, row by row, no filter bytes."""
    start, end, disc = _palette(digest)
    alpha = b"\x00" if transparent else b""
    # The gradient runs along x + y, so every row is a window over one precomputed strip.
    steps = width + height - 1
    strip = b"".join(
        bytes(round(a + (b - a) * t / max(1, steps - 1)) for a, b in zip(start, end, strict=True))
        + alpha
        for t in range(steps)
    )
    disc_pixel = bytes(disc) + (b"\xff" if transparent else b"")
    channels = len(disc_pixel)
    cx = width * (0.25 + digest[9] / 510)
    cy = height * (0.25 + digest[10] / 510)
    radius = min(width, height) * (0.15 + digest[11] / 1020)
    rows = []
    for y in range(height):
        row = bytearray(strip[y * channels : (y + width) * channels])
        dy = y + 0.5 - cy
        if abs(dy) < radius:
            half = (radius * radius - dy * dy) ** 0.5
            x0 = max(0, round(cx - half))
            x1 = min(width, round(cx + half))
            if x1 > x0:
                row[x0 * channels : x1 * channels] = disc_pixel * (x1 - x0)
        rows.append(bytes(row))
    return b"".join(rows)


def _chunk(kind: bytes, data: bytes) -> bytes:
    """One PNG chunk: length, type, data, CRC of type + data."""
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def encode_png(width: int, height: int, pixels: bytes, *, alpha: bool = False) -> bytes:
    """Encode raw 8-bit RGB/RGBA pixels as a PNG file."""
    channels = 4 if alpha else 3
    stride = width * channels
    # Each scanline is prefixed by its filter type; 0 (None) keeps the writer trivial.
    raw = b"".join(b"\x00" + pixels[y * stride : (y + 1) * stride] for y in range(height))
    colour_type = 6 if alpha else 2
    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    return (
        _PNG_SIGNATURE
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(raw, 6))
        + _chunk(b"IEND", b"")
    )


def encode_raster(
    output_format: str,
    width: int,
    height: int,
    digest: bytes,
    *,
    transparent: bool = False,
    compression: int | None = None,
) -> bytes:
    """Render and encode one raster image as ``png``, ``jpeg`` or ``webp``.

    ``compression`` (the request's ``output_compression``) is used as Pillow's quality
    setting for JPEG and WebP. JPEG has no alpha channel, so callers reject
    ``transparent`` with JPEG beforehand.
    """
    pixels = render_pixels(width, height, digest, transparent=transparent)
    if output_format == "png":
        return encode_png(width, height, pixels, alpha=transparent)
    from PIL import Image  # imported lazily: Pillow is optional

    image = Image.frombytes("RGBA" if transparent else "RGB", (width, height), pixels)
    buffer = io.BytesIO()
    quality = 90 if compression is None else compression
    image.save(buffer, format="JPEG" if output_format == "jpeg" else "WEBP", quality=quality)
    return buffer.getvalue()


def render_svg(width: int, height: int, digest: bytes, title: str) -> str:
    """Return a small SVG document drawn from the digest, titled with ``title``."""
    start, end, disc = _palette(digest)
    cx = round(width * (0.25 + digest[9] / 510), 1)
    cy = round(height * (0.25 + digest[10] / 510), 1)
    radius = round(min(width, height) * (0.15 + digest[11] / 1020), 1)
    # A triangle whose apex moves with the digest gives a second prompt-dependent shape.
    apex = round(width * digest[12] / 255, 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">',
        f"<title>{escape(title)}</title>",
        "<defs>",
        '<linearGradient id="bg" x1="0" y1="0" x2="1" y2="1">',
        f'<stop offset="0" stop-color="{_hex(start)}"/>',
        f'<stop offset="1" stop-color="{_hex(end)}"/>',
        "</linearGradient>",
        "</defs>",
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="url(#bg)"/>',
        f'<polygon points="{apex},0 {width},{height} 0,{height}" fill="{_hex(end)}" '
        'fill-opacity="0.5"/>',
        f'<circle cx="{cx}" cy="{cy}" r="{radius}" fill="{_hex(disc)}"/>',
        "</svg>",
    ]
    return "\n".join(parts) + "\n"


def _hex(colour: tuple[int, ...]) -> str:
    """``(r, g, b)`` -> ``#rrggbb``."""
    return "#" + "".join(f"{channel:02x}" for channel in colour[:3])
