"""The pixel size of an image, read from its header (PNG, JPEG, WebP, GIF, SVG): enough for
a summary line, without an imaging library."""

from __future__ import annotations

import re
import struct

_SVG_SIZE = re.compile(rb"""\b(width|height)\s*=\s*["']\s*([0-9.]+)\s*(px)?\s*["']""")
_NUMBER = rb"\s*[-0-9.]+[\s,]+"
_SVG_VIEWBOX = re.compile(rb"""\bviewBox\s*=\s*["']""" + _NUMBER * 2 + rb"([0-9.]+)[\s,]+([0-9.]+)")
# JPEG start-of-frame markers (baseline, progressive, ...): not DHT (C4), JPG (C8), DAC (CC).
_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def image_size(data: bytes) -> tuple[int, int] | None:
    """``(width, height)`` in pixels, or ``None`` when the format or header is unknown."""
    try:
        if data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR":
            width, height = struct.unpack(">II", data[16:24])
            return width, height
        if data[:6] in (b"GIF87a", b"GIF89a"):
            width, height = struct.unpack("<HH", data[6:10])
            return width, height
        if data.startswith(b"\xff\xd8"):
            return _jpeg(data)
        if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
            return _webp(data)
        head = data[:2048].lstrip()
        if head.startswith((b"<svg", b"<?xml")) and b"<svg" in head:
            return _svg(head)
    except struct.error:  # a header cut short
        return None
    return None


def _jpeg(data: bytes) -> tuple[int, int] | None:
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:  # padding
            i += 1
            continue
        (length,) = struct.unpack(">H", data[i + 2 : i + 4])
        if marker in _SOF:
            height, width = struct.unpack(">HH", data[i + 5 : i + 9])
            return width, height
        i += 2 + length
    return None


def _webp(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8 ":  # lossy: 14-bit sizes after the key frame's start code
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L":  # lossless: 14-bit sizes minus one, packed after a signature byte
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X":  # extended: 24-bit sizes minus one
        return int.from_bytes(data[24:27], "little") + 1, int.from_bytes(data[27:30], "little") + 1
    return None


def _svg(head: bytes) -> tuple[int, int] | None:
    tag = head[head.find(b"<svg") :]
    tag = tag[: tag.find(b">") + 1]
    sizes = {name: float(value) for name, value, _ in _SVG_SIZE.findall(tag)}
    if b"width" in sizes and b"height" in sizes:
        return round(sizes[b"width"]), round(sizes[b"height"])
    box = _SVG_VIEWBOX.search(tag)
    if box:
        return round(float(box.group(1))), round(float(box.group(2)))
    return None
