"""Validation of a generation request: the JSON body becomes a :class:`Job`, or an
:class:`ApiError` with the real API's status and a message naming the offending field.

Checks run in a fixed order (shape and types first, then the model, then what that model
supports) so that a body with several problems always gets the same error. Values follow
JSON rather than Python: the real API runs on JavaScript, where ``2.0`` is the integer 2.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass
from typing import Any, NoReturn

from . import _images
from ._catalogue import MODELS, FakeModel
from ._responses import ApiError, dumps

__all__ = ["Job", "validate"]


# The enum lists of ImageGenerationRequest in the OpenAPI description.
# fmt: off
_ENUMS: dict[str, tuple[str, ...]] = {
    "aspect_ratio": (
        "1:1", "1:2", "1:4", "1:8", "2:1", "2:3", "3:2", "3:4", "4:1", "4:3", "4:5", "5:4",
        "8:1", "9:16", "16:9", "9:19.5", "19.5:9", "9:20", "20:9", "9:21", "21:9", "2.35:1",
        "5:2", "5:7", "7:5", "auto",
    ),
    "background": ("auto", "transparent", "opaque"),
    "output_format": ("png", "jpeg", "webp", "svg"),
    "quality": ("auto", "low", "medium", "high", "xhigh", "max"),
    "resolution": ("512", "768", "1K", "1.5K", "2K", "4K"),
}
# fmt: on

_TIER_PIXELS = {"512": 512, "768": 768, "1K": 1024, "1.5K": 1536, "2K": 2048, "4K": 4096}
_SIZE_PATTERN = re.compile(r"^([1-9][0-9]{0,4})x([1-9][0-9]{0,4})$")
_MAX_SIDE = 16384
_MAX_REFERENCES = 16
_MAX_SESSION_ID = 256


def _bad(message: str) -> NoReturn:
    raise ApiError(400, message)


def _show(value: Any) -> str:
    """Render a rejected value for an error message."""
    return f"'{value}'" if isinstance(value, str) else json.dumps(value)


def _is_int(value: Any) -> bool:
    # JSON has a single number type, so 2.0 counts as 2 (but true is no number).
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


@dataclass
class Job:
    """A validated generation request."""

    model: FakeModel
    prompt: str
    n: int
    seed: int | None
    aspect_ratio: str | None
    resolution: str | None
    pixels: tuple[int, int] | None
    quality: str | None
    background: str | None
    output_format: str
    compression: int | None
    references: int
    stream: bool

    @property
    def transparent(self) -> bool:
        """Whether the image gets an alpha channel with a transparent backdrop."""
        return self.background == "transparent" and self.model.kind == "raster"

    def digest(self, index: int) -> bytes:
        """Hash of everything that determines image number ``index``."""
        key = [
            self.model.id, self.prompt, self.seed, self.aspect_ratio, self.resolution,
            self.pixels, self.quality, self.background, self.output_format, self.compression,
            index,
        ]  # fmt: skip
        return hashlib.sha256(dumps(key)).digest()


def validate(payload: Any, *, pillow: bool) -> Job:
    """Validate a generation body like the real API does; raise :class:`ApiError`.

    ``pillow``: whether jpeg/webp can be encoded (else asking for them is an error).
    """
    if not isinstance(payload, dict):
        _bad("Invalid request body: expected a JSON object")
    model_id = _required_string(payload, "model")
    prompt = _required_string(payload, "prompt")
    if not prompt:
        _bad("Invalid prompt: must not be empty")
    enums = {name: _optional_enum(payload, name) for name in _ENUMS}
    n = _optional_int(payload, "n", 1, 10)
    compression = _optional_int(payload, "output_compression", 0, 100)
    seed = _optional_seed(payload)
    _check_other_fields(payload)
    references = _check_references(payload.get("input_references"))
    resolution, pixels = _check_size(
        payload.get("size"), enums["resolution"], enums["aspect_ratio"]
    )
    model = MODELS.get(model_id)
    if model is None:
        raise ApiError(404, f"Model '{model_id}' not found")
    output_format = _check_model_support(model, enums, n, references, pillow)
    return Job(
        model=model,
        prompt=prompt,
        n=n or 1,
        seed=seed,
        aspect_ratio=enums["aspect_ratio"],
        resolution=resolution,
        pixels=pixels,
        quality=enums["quality"],
        background=enums["background"],
        output_format=output_format,
        compression=compression,
        references=references,
        stream=bool(payload.get("stream")),
    )


# --------------------------------------------------------------------------------------
# Field checks, in the order validate() runs them
# --------------------------------------------------------------------------------------


def _optional_enum(payload: dict[str, Any], name: str) -> str | None:
    value = payload.get(name)
    if value is None:
        return None
    allowed = _ENUMS[name]
    if value not in allowed:
        _bad(f"Invalid {name} {_show(value)}. Allowed: {', '.join(allowed)}")
    return str(value)


def _optional_int(payload: dict[str, Any], name: str, low: int, high: int) -> int | None:
    value = payload.get(name)
    if value is None:
        return None
    if not _is_int(value) or not low <= value <= high:
        _bad(f"Invalid {name} {_show(value)}. Expected an integer between {low} and {high}")
    return int(value)


def _required_string(payload: dict[str, Any], name: str) -> str:
    if name not in payload or payload[name] is None:
        _bad(f"Missing required field '{name}'")
    value = payload[name]
    if not isinstance(value, str):
        _bad(f"Invalid {name} {_show(value)}. Expected a string")
    return value


def _optional_seed(payload: dict[str, Any]) -> int | None:
    value = payload.get("seed")
    if value is None:
        return None
    if not _is_int(value):
        _bad(f"Invalid seed {_show(value)}. Expected an integer")
    return int(value)


def _check_other_fields(payload: dict[str, Any]) -> None:
    """The fields that don't affect the images: ``stream`` and request metadata."""
    _check_type(payload, "stream", bool, "a boolean")
    _check_type(payload, "session_id", str, "a string")
    _check_type(payload, "user", str, "a string")
    _check_type(payload, "provider", dict, "an object")
    _check_type(payload, "trace", dict, "an object")
    if len(payload.get("session_id") or "") > _MAX_SESSION_ID:
        _bad(f"Invalid session_id: at most {_MAX_SESSION_ID} characters")


def _check_type(payload: dict[str, Any], name: str, kind: type, label: str) -> None:
    value = payload.get(name)
    if value is not None and not isinstance(value, kind):
        _bad(f"Invalid {name} {_show(value)}. Expected {label}")


def _check_references(value: Any) -> int:
    """Validate ``input_references``; return how many there are."""
    if value is None:
        return 0
    if not isinstance(value, list):
        _bad("Invalid input_references: expected an array of image_url content parts")
    if len(value) > _MAX_REFERENCES:
        _bad(f"Invalid input_references: at most {_MAX_REFERENCES} items, got {len(value)}")
    for index, item in enumerate(value):
        image_url = item.get("image_url") if isinstance(item, dict) else None
        url = image_url.get("url") if isinstance(image_url, dict) else None
        if (
            not isinstance(item, dict)
            or item.get("type") != "image_url"
            or not isinstance(url, str)
        ):
            _bad(
                f"Invalid input_references[{index}]: expected "
                '{"type": "image_url", "image_url": {"url": "<http(s) or data URL>"}}'
            )
        if not url.startswith(("http://", "https://", "data:")):
            _bad(
                f"Invalid input_references[{index}].image_url.url: expected an http(s) or data: URL"
            )
    return len(value)


def _parse_size(value: Any) -> tuple[str | None, tuple[int, int] | None]:
    """Return ``(tier, None)`` or ``(None, (width, height))`` for a ``size`` value."""
    if value is None:
        return None, None
    if isinstance(value, str) and value in _TIER_PIXELS:
        return value, None
    match = _SIZE_PATTERN.match(value) if isinstance(value, str) else None
    if match is None or max(int(match[1]), int(match[2])) > _MAX_SIDE:
        _bad(
            f"Invalid size {_show(value)}. Expected a tier ({', '.join(_TIER_PIXELS)}) "
            f"or explicit pixels '<width>x<height>' (at most {_MAX_SIDE} per side)"
        )
    return None, (int(match[1]), int(match[2]))


def _nearest_tiers(pixels: tuple[int, int]) -> list[str]:
    """The resolution tiers closest (in log scale) to a pixel size's area.

    The area (not the long side) classifies shapes fairly. A size halfway between two
    tiers belongs to both: 1536x1024 is a "1K" and a "1.5K" image.
    """
    side = math.sqrt(pixels[0] * pixels[1])
    distance = {tier: abs(math.log2(px / side)) for tier, px in _TIER_PIXELS.items()}
    best = min(distance.values())
    return [tier for tier, d in distance.items() if d - best < 1e-9]


def _check_size(
    size: Any, resolution: str | None, aspect_ratio: str | None
) -> tuple[str | None, tuple[int, int] | None]:
    """Check ``size`` against the other size fields; return ``(resolution, pixels)``.

    ``size`` is either a tier (``"1K"``, another way to give ``resolution``) or explicit
    pixels (``"1536x1024"``), which must agree with ``resolution`` and ``aspect_ratio``
    when those are given too.
    """
    tier, pixels = _parse_size(size)
    if tier is not None:
        if resolution is not None and resolution != tier:
            _bad(f"Invalid size {_show(size)}: conflicts with resolution {_show(resolution)}")
        return tier, None
    if pixels is not None:
        _check_pixels_agree(size, pixels, resolution, aspect_ratio)
    return resolution, pixels


def _check_pixels_agree(
    size: Any, pixels: tuple[int, int], resolution: str | None, aspect_ratio: str | None
) -> None:
    nearest = _nearest_tiers(pixels)
    if resolution is not None and resolution not in nearest:
        _bad(
            f"Invalid size {_show(size)}: an explicit pixel size conflicts with resolution "
            f"{_show(resolution)} (it is closest to {' or '.join(nearest)})"
        )
    if aspect_ratio not in (None, "auto"):
        wanted = _images.aspect_value(aspect_ratio)
        actual = pixels[0] / pixels[1]
        if abs(actual - wanted) / wanted > 0.02:
            _bad(
                f"Invalid size {_show(size)}: an explicit pixel size conflicts with "
                f"aspect_ratio {_show(aspect_ratio)}"
            )


def _check_model_support(
    model: FakeModel, enums: dict[str, str | None], n: int | None, references: int, pillow: bool
) -> str:
    """Model-specific checks; return the effective output format."""
    if n is not None and n > 1 and not model.supports("n"):
        _bad(f"Invalid n {n}: model '{model.id}' generates a single image per request (n=1)")
    if references and "image" not in model.input_modalities:
        _bad(f"Invalid input_references: model '{model.id}' does not accept image inputs")
    output_format = enums["output_format"] or model.output_formats[0]
    if output_format not in model.output_formats:
        _bad(
            f"Invalid output_format '{output_format}' for model '{model.id}'. "
            f"Allowed: {', '.join(model.output_formats)}"
        )
    if output_format in ("jpeg", "webp") and not pillow:
        _bad(
            f"Invalid output_format '{output_format}': the fake server needs Pillow to encode "
            "jpeg/webp (pip install pillow); png is always available"
        )
    if enums["background"] == "transparent" and output_format == "jpeg":
        _bad(
            "Invalid background 'transparent' with output_format 'jpeg': transparency "
            "requires an output_format that supports alpha (png or webp)"
        )
    return output_format
