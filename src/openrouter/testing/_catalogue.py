"""The fake model catalogue served by :mod:`openrouter.testing`.

Three models cover the behaviours an SDK has to handle:

* ``fake-labs/pixel-xl``: a raster model without native streaming (``stream: true`` is
  ignored and a buffered JSON body is returned), supporting ``n``, ``aspect_ratio``,
  ``resolution``, ``seed``, ``quality``, ``output_format`` and ``output_compression``,
  with the newest values of the spec (``xhigh``/``max`` quality, ``768``/``1.5K``
  resolutions, ``2.35:1`` and other ratios). It has two endpoints (providers).
* ``fake-labs/stream-diffusion``: a raster model that streams partial images, like
  OpenAI's image models.
* ``fake-labs/vector-1``: a vectorisation model that answers SVG and streams the markup
  as ``image_generation.text_chunk`` events.

Two stand-ins under real ids, ``openai/gpt-image-1`` (streams partial images) and
``google/gemini-2.5-flash-image`` (buffered), let code written for the real API run
unchanged against the fake server.

Everything is plain data: :meth:`FakeModel.list_item` and :meth:`FakeModel.endpoints_response`
return the JSON objects of the ``ImageModelListItem`` and ``ImageModelEndpointsResponse``
schemas of the OpenAPI description.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

__all__ = ["MODELS", "Endpoint", "FakeModel", "Price"]

ImageKind = Literal["raster", "vector"]
"""Image kinds: raster models produce PNG/JPEG/WebP, vector models produce SVG."""

StreamStyle = Literal["partial_images", "text_chunks"]
"""How a model streams when asked with ``stream: true``."""


@dataclass(frozen=True)
class Price:
    """One billable pricing line of an endpoint (the ``ImagePricingEntry`` schema)."""

    billable: str
    unit: str
    cost_usd: float

    def to_json(self) -> dict[str, Any]:
        """Return the JSON object of this pricing line."""
        return {"billable": self.billable, "unit": self.unit, "cost_usd": self.cost_usd}


@dataclass(frozen=True)
class Endpoint:
    """One provider serving a model (the ``ImageEndpoint`` schema)."""

    provider_name: str
    provider_slug: str
    provider_tag: str | None
    supports_streaming: bool
    supported_parameters: Mapping[str, Mapping[str, Any]]
    pricing: tuple[Price, ...]
    allowed_passthrough_parameters: tuple[str, ...] = ()

    def price_per_image(self, billable: str = "output_image") -> float:
        """Return the per-image price of ``billable`` on this endpoint (0.0 when not billed)."""
        for price in self.pricing:
            if price.billable == billable and price.unit == "image":
                return price.cost_usd
        return 0.0

    def to_json(self) -> dict[str, Any]:
        """Return the JSON object of this endpoint."""
        return {
            "provider_name": self.provider_name,
            "provider_slug": self.provider_slug,
            "provider_tag": self.provider_tag,
            "supported_parameters": _copy_parameters(self.supported_parameters),
            "allowed_passthrough_parameters": list(self.allowed_passthrough_parameters),
            "supports_streaming": self.supports_streaming,
            "pricing": [price.to_json() for price in self.pricing],
        }


@dataclass(frozen=True)
class FakeModel:
    """A model of the fake catalogue.

    ``kind`` decides what is rendered (raster image or SVG), ``stream_style`` how a
    ``stream: true`` request is answered (``None``: buffered JSON, like the real API does
    for providers without native streaming). The first endpoint is the one "serving"
    requests: its pricing is used for ``usage.cost``.
    """

    id: str
    name: str
    description: str
    created: int
    kind: ImageKind
    input_modalities: tuple[str, ...]
    output_formats: tuple[str, ...]
    endpoints: tuple[Endpoint, ...]
    stream_style: StreamStyle | None = None
    output_modalities: tuple[str, ...] = ("image",)
    _parameters: dict[str, dict[str, Any]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # The model-level parameters are the union over endpoints (as documented for
        # ImageModelListItem.supported_parameters); computed once since models are frozen.
        object.__setattr__(self, "_parameters", _union_parameters(self.endpoints))

    @property
    def supports_streaming(self) -> bool:
        """Whether any endpoint supports native streaming (OR across endpoints)."""
        return any(endpoint.supports_streaming for endpoint in self.endpoints)

    @property
    def supported_parameters(self) -> dict[str, dict[str, Any]]:
        """The union of the endpoints' supported parameters (a fresh copy)."""
        return _copy_parameters(self._parameters)

    def supports(self, parameter: str) -> bool:
        """Return whether any endpoint of this model accepts ``parameter``."""
        return parameter in self._parameters

    @property
    def endpoints_url(self) -> str:
        """The relative URL of this model's per-endpoint records."""
        return f"/api/v1/images/models/{self.id}/endpoints"

    def list_item(self) -> dict[str, Any]:
        """Return this model as an ``ImageModelListItem`` JSON object."""
        return {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "created": self.created,
            "architecture": {
                "input_modalities": list(self.input_modalities),
                "output_modalities": list(self.output_modalities),
            },
            "supported_parameters": self.supported_parameters,
            "supports_streaming": self.supports_streaming,
            "endpoints": self.endpoints_url,
        }

    def endpoints_response(self) -> dict[str, Any]:
        """Return this model's ``ImageModelEndpointsResponse`` JSON object."""
        return {"id": self.id, "endpoints": [endpoint.to_json() for endpoint in self.endpoints]}


def _copy_parameters(parameters: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Deep-copy a supported-parameters mapping so callers can't mutate the catalogue."""
    copied: dict[str, dict[str, Any]] = {}
    for name, descriptor in parameters.items():
        copied[name] = {
            key: list(value) if isinstance(value, (list, tuple)) else value
            for key, value in descriptor.items()
        }
    return copied


def _union_parameters(endpoints: tuple[Endpoint, ...]) -> dict[str, dict[str, Any]]:
    """Merge the endpoints' capability descriptors into the model-level superset."""
    merged: dict[str, dict[str, Any]] = {}
    for endpoint in endpoints:
        for name, descriptor in _copy_parameters(endpoint.supported_parameters).items():
            current = merged.get(name)
            if current is None:
                merged[name] = descriptor
            elif current["type"] == "enum" and descriptor["type"] == "enum":
                extra = [v for v in descriptor["values"] if v not in current["values"]]
                current["values"] = current["values"] + extra
            elif current["type"] == "range" and descriptor["type"] == "range":
                current["min"] = min(current["min"], descriptor["min"])
                current["max"] = max(current["max"], descriptor["max"])
    return merged


def _enum(*values: str) -> dict[str, Any]:
    return {"type": "enum", "values": list(values)}


def _range(low: int, high: int) -> dict[str, Any]:
    return {"type": "range", "min": low, "max": high}


_BOOLEAN: dict[str, Any] = {"type": "boolean"}

_ASPECT_RATIOS = ("1:1", "2:3", "3:2", "3:4", "4:3", "9:16", "16:9", "21:9")

PIXEL_XL = FakeModel(
    id="fake-labs/pixel-xl",
    name="Fake Labs: Pixel XL",
    description=(
        "A deterministic fake text-to-image model for tests. Renders a prompt-dependent "
        "gradient at a reduced scale; no native streaming."
    ),
    created=1735689600,
    kind="raster",
    input_modalities=("text", "image"),
    output_formats=("png", "jpeg", "webp"),
    endpoints=(
        Endpoint(
            provider_name="Fake Labs",
            provider_slug="fake-labs",
            provider_tag="fake-labs",
            supports_streaming=False,
            supported_parameters={
                "n": _range(1, 10),
                "aspect_ratio": _enum(*_ASPECT_RATIOS, "2.35:1", "5:2", "5:7", "7:5"),
                "resolution": _enum("512", "768", "1K", "1.5K", "2K", "4K"),
                "seed": _BOOLEAN,
                "quality": _enum("low", "medium", "high", "xhigh", "max"),
                "output_format": _enum("png", "jpeg", "webp"),
                "output_compression": _range(0, 100),
                "input_references": _range(0, 4),
            },
            pricing=(
                Price("output_image", "image", 0.04),
                Price("input_reference", "image", 0.002),
            ),
            allowed_passthrough_parameters=("guidance", "steps"),
        ),
        Endpoint(
            provider_name="Pixel Cloud",
            provider_slug="pixel-cloud",
            provider_tag="pixel-cloud/fp8",
            supports_streaming=False,
            supported_parameters={
                "n": _range(1, 4),
                "aspect_ratio": _enum("1:1", "16:9", "9:16"),
                "resolution": _enum("1K", "2K"),
                "seed": _BOOLEAN,
                "output_format": _enum("png", "webp"),
            },
            # A flat fee per request on top of the size-based price.
            pricing=(
                Price("output_image", "megapixel", 0.03),
                Price("input_text", "request", 0.001),
            ),
        ),
    ),
)

STREAM_DIFFUSION = FakeModel(
    id="fake-labs/stream-diffusion",
    name="Fake Labs: Stream Diffusion",
    description=(
        "A deterministic fake model with native streaming: sends partial images before "
        "the final one, like OpenAI's image models."
    ),
    created=1738368000,
    kind="raster",
    input_modalities=("text", "image"),
    output_formats=("png", "jpeg", "webp"),
    stream_style="partial_images",
    endpoints=(
        Endpoint(
            provider_name="Fake Labs",
            provider_slug="fake-labs",
            provider_tag="fake-labs",
            supports_streaming=True,
            supported_parameters={
                "background": _enum("auto", "transparent", "opaque"),
                "quality": _enum("auto", "low", "medium", "high"),
                "output_format": _enum("png", "jpeg", "webp"),
                "output_compression": _range(0, 100),
                "size": _enum("1024x1024", "1536x1024", "1024x1536"),
                "seed": _BOOLEAN,
            },
            pricing=(
                Price("input_text", "token", 0.000005),
                Price("output_image", "image", 0.011),
            ),
        ),
    ),
)

VECTOR_1 = FakeModel(
    id="fake-labs/vector-1",
    name="Fake Labs: Vector 1",
    description=(
        "A deterministic fake vectorisation model: answers SVG markup and streams it as "
        "text chunks."
    ),
    created=1740787200,
    kind="vector",
    input_modalities=("text",),
    output_formats=("svg",),
    stream_style="text_chunks",
    endpoints=(
        Endpoint(
            provider_name="Fake Vectors",
            provider_slug="fake-vectors",
            provider_tag=None,
            supports_streaming=True,
            supported_parameters={
                "output_format": _enum("svg"),
                "aspect_ratio": _enum("1:1", "4:3", "3:4", "16:9", "9:16"),
                "seed": _BOOLEAN,
            },
            pricing=(Price("output_image", "image", 0.02),),
        ),
    ),
)

# Stand-ins under real model ids, so that code written for the real API (the README's
# examples, the official SDK's) runs unchanged against the fake server. They render the
# same fake images as the fake-labs models and say so in their description.
GPT_IMAGE_1 = FakeModel(
    id="openai/gpt-image-1",
    name="OpenAI: GPT Image 1 (fake stand-in)",
    description=(
        "A fake stand-in of OpenAI's GPT Image 1 for offline use: streams partial images "
        "like stream-diffusion; the images are the fake server's, not OpenAI's."
    ),
    created=1745971200,
    kind="raster",
    input_modalities=("text", "image"),
    output_formats=("png", "jpeg", "webp"),
    stream_style="partial_images",
    endpoints=(
        Endpoint(
            provider_name="OpenAI",
            provider_slug="openai",
            provider_tag="openai",
            supports_streaming=True,
            supported_parameters={
                "n": _range(1, 10),
                "aspect_ratio": _enum("1:1", "2:3", "3:2", "16:9", "9:16", "auto"),
                "background": _enum("auto", "transparent", "opaque"),
                "quality": _enum("auto", "low", "medium", "high"),
                "output_format": _enum("png", "jpeg", "webp"),
                "output_compression": _range(0, 100),
                "size": _enum("1024x1024", "1536x1024", "1024x1536"),
            },
            pricing=(
                Price("input_text", "token", 0.000005),
                Price("output_image", "image", 0.042),
            ),
            allowed_passthrough_parameters=("moderation",),
        ),
    ),
)

GEMINI_FLASH_IMAGE = FakeModel(
    id="google/gemini-2.5-flash-image",
    name="Google: Gemini 2.5 Flash Image (fake stand-in)",
    description=(
        "A fake stand-in of Google's Gemini 2.5 Flash Image for offline use: no native "
        "streaming; the images are the fake server's, not Google's."
    ),
    created=1748736000,
    kind="raster",
    input_modalities=("text", "image"),
    output_formats=("png",),
    endpoints=(
        Endpoint(
            provider_name="Google AI Studio",
            provider_slug="google-ai-studio",
            provider_tag="google-ai-studio",
            supports_streaming=False,
            supported_parameters={
                "aspect_ratio": _enum(*_ASPECT_RATIOS),
                "resolution": _enum("1K", "2K"),
                "seed": _BOOLEAN,
            },
            pricing=(Price("output_image", "image", 0.039),),
        ),
    ),
)

MODELS: Mapping[str, FakeModel] = MappingProxyType(
    {
        model.id: model
        for model in (PIXEL_XL, STREAM_DIFFUSION, VECTOR_1, GPT_IMAGE_1, GEMINI_FLASH_IMAGE)
    }
)
"""The catalogue: model id -> :class:`FakeModel` (read-only, in listing order)."""
