"""Pydantic models for every schema of the Images API, under the official SDK's names.

Two rules make these models safe against an API that keeps growing:

* Enumerated strings are ``Literal`` unions for type checkers, but every model field that
  holds one also accepts any other string, so a value added by the API tomorrow parses.
* Every model keeps unknown fields (``extra="allow"``): they are neither dropped nor fatal,
  and they are sent back unchanged when a model is serialised.

Open unions (capability descriptors, stream events, usage iterations) pick their variant by
the ``type`` field and fall back to an ``Unknown...`` model that keeps the whole payload.

Bookkeeping fields (usage, cost, ``created``, pricing, model metadata) are typed
``Lenient[T]``: ``T`` as documented, or, when the live API sent something that does not fit
(see ``_response``), ``None`` or the raw JSON value, kept rather than failing the call.

The ``...TypedDict`` names describe the plain-dict form of the request inputs, so either a
model or a dict can be passed to ``images.generate``.
"""

# No `from __future__ import annotations` here: pydantic would have to evaluate every field's
# annotation from its text (a compile each), about 2 ms more on the first call's import.

import binascii
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, Optional, TypeAlias, TypeVar, Union

import pydantic
from pydantic import ConfigDict, Field, PlainSerializer
from pydantic_core import PydanticCustomError
from typing_extensions import NotRequired, Self, TypedDict

if TYPE_CHECKING:
    from ._streaming import AsyncImageStream, ImageStream

JSONValue: TypeAlias = pydantic.JsonValue
"""Any JSON value: what a drifted bookkeeping field holds (see ``Lenient``)."""

_T = TypeVar("_T")

if TYPE_CHECKING:
    Lenient: TypeAlias = Union[_T, JSONValue]  # noqa: UP007 - a generic alias
    """A documented type ``T`` that may also hold ``None`` or the raw JSON value the API sent
    when it did not fit ``T`` (a drifting bookkeeping field; the call still succeeds)."""
    LenientObject: TypeAlias = Optional[_T]  # noqa: UP045 - a generic alias
    """``usage`` and ``architecture``: typed ``T | None`` so that ``res.usage.cost`` reads as
    in the official SDK; in the rare case the API sent a non-object there, it holds that raw
    JSON value like a ``Lenient`` field (and a WARNING was logged)."""
else:
    # What pydantic sees: ``Optional[T]``, the well-formed value validated as usual. A value
    # that does not fit is put back raw after validation (``_response.repair``), and is
    # dumped as it is rather than with a warning that it is not a ``T``.
    _AS_IS = PlainSerializer(lambda value: value, return_type=Any)

    class Lenient:
        """``Lenient[T]`` is ``Optional[T]`` for pydantic (see the type checkers' view above)."""

        def __class_getitem__(cls, item: Any) -> Any:
            return Annotated[Optional[item], _AS_IS]  # noqa: UP045 - built at runtime

    LenientObject = Lenient

# --------------------------------------------------------------------------------------
# Base


class BaseModel(pydantic.BaseModel):
    """Base of every model here: keeps unknown fields, accepts names and wire aliases."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, defer_build=True)

    def __repr_args__(self) -> Any:
        # Unset optional fields would fill the repr with `None`s: show what is there.
        return [(k, v) for k, v in super().__repr_args__() if v is not None]

    def to_dict(
        self,
        *,
        mode: Literal["json", "python"] = "python",
        exclude_unset: bool = True,
        exclude_none: bool = False,
    ) -> dict[str, Any]:
        """The model as a dict of wire names, unknown fields included (as openai-python's).

        Fields the API did not send are left out unless ``exclude_unset=False``;
        ``mode="json"`` gives only JSON types (``model_dump`` has every other option).
        """
        return self.model_dump(
            mode=mode, by_alias=True, exclude_unset=exclude_unset, exclude_none=exclude_none
        )

    def to_json(
        self, *, indent: int | None = 2, exclude_unset: bool = True, exclude_none: bool = False
    ) -> str:
        """The model as JSON text, with wire names and unknown fields (see :meth:`to_dict`)."""
        return self.model_dump_json(
            indent=indent, by_alias=True, exclude_unset=exclude_unset, exclude_none=exclude_none
        )


def open_union(*known: Any, fallback: Any) -> Any:
    """A union picked by its ``type`` field, with ``fallback`` for every other ``type``.

    A plain tagged union is validated straight from the JSON; only when it fails (a type
    this SDK does not know) is the catch-all tried. That is about a third cheaper per item
    than a callable discriminator, which first turns each item into Python objects: it
    matters for stream events and capability descriptors, parsed by the thousand.
    """
    tagged = Annotated[Union[known], Field(discriminator="type")]  # type: ignore[valid-type]  # noqa: UP007
    return Annotated[Union[tagged, fallback], Field(union_mode="left_to_right")]  # noqa: UP007


KNOWN_TYPE = "known_type"
"""The error a catch-all model raises for a known ``type`` whose model did not validate."""


def _only_unknown(known: frozenset[str]) -> Any:
    """A before-validator for a catch-all model: a ``type`` with a model of its own that
    failed to validate is that model's error, not an unknown item (a completed event whose
    bookkeeping drifted must stay a completed event, see ``_response.repair``)."""

    def check(cls: Any, value: Any) -> Any:
        if isinstance(value, dict) and value.get("type") in known:
            raise PydanticCustomError(KNOWN_TYPE, "the type has a model of its own")
        return value

    return pydantic.model_validator(mode="before")(classmethod(check))  # type: ignore[arg-type]


class _CallResult(BaseModel):
    """Base of the results of a call: they also tell which call it was (never dumped)."""

    # (request id, generation id, retries taken), set after parsing by `_response.parse_json`.
    # A slot rather than a pydantic private attribute, which pydantic would set up with a
    # Python call after every validation; pickles and copies carry it (below).
    __slots__ = ("_call",)
    if TYPE_CHECKING:
        _call: tuple[str | None, str | None, int]

    def _ids(self) -> tuple[str | None, str | None, int]:
        try:
            return self._call
        except AttributeError:  # a result made by hand, not by a call
            return None, None, 0

    @property
    def request_id(self) -> str | None:
        """The API's id of the request (``x-request-id``), to quote to support; ``None``
        when the API sent none."""
        return self._ids()[0]

    @property
    def generation_id(self) -> str | None:
        """The id of the generation (``x-generation-id``, ``gen-...``); ``None`` when the
        API sent none (discovery calls)."""
        return self._ids()[1]

    @property
    def retries_taken(self) -> int:
        """How many times the call was retried before this result came (0: first try)."""
        return self._ids()[2]

    def __getstate__(self) -> dict[Any, Any]:
        return {**super().__getstate__(), "_call": self._ids()}

    def __setstate__(self, state: dict[Any, Any]) -> None:
        super().__setstate__(state)
        # (earlier versions kept the ids as a pydantic private attribute)
        private = state.get("__pydantic_private__") or {}
        call = state.get("_call") or private.get("_call") or (None, None, 0)
        object.__setattr__(self, "_call", call)

    def __copy__(self) -> Self:
        copied = super().__copy__()
        object.__setattr__(copied, "_call", self._ids())
        return copied

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> Self:
        copied = super().__deepcopy__(memo)
        object.__setattr__(copied, "_call", self._ids())
        return copied


# --------------------------------------------------------------------------------------
# Image payloads: decoding and saving, shared by response items and stream events

_EXTENSIONS = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/jpg": "jpg",
    "image/webp": "webp",
    "image/gif": "gif",
    "image/svg+xml": "svg",
    "image/avif": "avif",
}


def sniff_media_type(head: bytes) -> str | None:
    """Guess an image MIME type from its first bytes (``None`` when unknown)."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[4:12] in (b"ftypavif", b"ftypavis"):
        return "image/avif"
    text = head.lstrip()[:256].lower()
    if text.startswith((b"<svg", b"<?xml")) and b"<svg" in text:
        return "image/svg+xml"
    return None


class _Elided(str):
    def __repr__(self) -> str:
        return str(self)


class ImagePayload(BaseModel):
    """Base of every model carrying a base64 image in ``b64_json`` (response images, partial
    and completed stream events), with helpers to decode and save it.

    ``isinstance(event, ImagePayload)`` picks out the events that carry an image.
    """

    b64_json: str
    media_type: Lenient[str] = None

    def __repr_args__(self) -> Any:
        # Megabytes of base64 make a useless repr: show its start and size.
        for key, value in super().__repr_args__():
            if key == "b64_json" and len(value) > 40:
                value = _Elided(f"'{value[:24]}...' ({len(value):,} chars)")
            yield key, value

    def to_bytes(self) -> bytes:
        """Decode ``b64_json`` and return the image bytes."""
        return binascii.a2b_base64(self.b64_json)

    @property
    def mime_type(self) -> str | None:
        """The image's MIME type: ``media_type`` when given, else sniffed from the bytes."""
        if self.media_type and isinstance(self.media_type, str):
            return self.media_type
        # 64 base64 characters decode to the 48 bytes the sniffer needs.
        start = self.b64_json[:80].lstrip()[:64]
        try:
            head = binascii.a2b_base64(start[: len(start) // 4 * 4])
        except binascii.Error:
            return None
        return sniff_media_type(head)

    @property
    def extension(self) -> str:
        """File extension (without dot) for this image, e.g. ``"png"``; ``"bin"`` if unknown."""
        mime = (self.mime_type or "").split(";")[0].strip().lower()
        return _EXTENSIONS.get(mime, "bin")

    def save(self, path: str | Path) -> Path:
        """Write the image to ``path`` and return the path written.

        A path without a suffix gets the image's extension (``out/cat`` -> ``out/cat.png``);
        missing parent directories are created.
        """
        target = Path(path)
        if not target.suffix:
            target = target.with_suffix("." + self.extension)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(self.to_bytes())
        return target


# --------------------------------------------------------------------------------------
# Request

ImageGenerationRequestAspectRatio: TypeAlias = Literal[
    "1:1", "1:2", "1:4", "1:8", "2:1", "2:3", "3:2", "3:4", "4:1", "4:3", "4:5", "5:4",
    "8:1", "9:16", "16:9", "9:19.5", "19.5:9", "9:20", "20:9", "9:21", "21:9", "2.35:1",
    "5:2", "5:7", "7:5", "auto",
]  # fmt: skip
"""Normalized aspect ratio of the generated image."""
ImageGenerationRequestBackground: TypeAlias = Literal["auto", "transparent", "opaque"]
"""Background treatment; ``transparent`` needs png or webp output."""
ImageGenerationRequestOutputFormat: TypeAlias = Literal["png", "jpeg", "webp", "svg"]
"""Encoding of the returned image bytes."""
ImageGenerationRequestQuality: TypeAlias = Literal["auto", "low", "medium", "high", "xhigh", "max"]
"""Rendering quality."""
ImageGenerationRequestResolution: TypeAlias = Literal["512", "768", "1K", "1.5K", "2K", "4K"]
"""Normalized resolution tier."""
ProviderSort: TypeAlias = Literal["price", "throughput", "latency", "exacto"]
"""The provider sorting strategy."""
ProviderSortConfigPartition: TypeAlias = Literal["model", "none"]
"""Partitioning strategy for provider sorting."""
ProviderName: TypeAlias = Literal[
    "Modal", "AkashML", "AI21", "AionLabs", "Alibaba", "Ambient", "Baidu", "Amazon Bedrock",
    "Amazon Nova", "Anthropic", "Arcee AI", "AtlasCloud", "Avian", "Azure", "BaseTen",
    "BytePlus", "Black Forest Labs", "Cerebras", "Chutes", "Cirrascale",
    "Claude Platform on AWS", "Clarifai", "Cloudflare", "Cohere", "CoreWeave", "Crucible",
    "Crusoe", "Darkbloom", "Databricks", "Decart", "Deepgram", "DeepInfra", "DeepSeek",
    "DekaLLM", "DigitalOcean", "Featherless", "Fireworks", "Fish Audio", "Friendli",
    "GMICloud", "Google", "Google AI Studio", "Groq", "HeyGen", "Inception", "Inceptron",
    "InferenceNet", "Ionstream", "Infermatic", "Io Net", "Inferact vLLM", "Inflection",
    "Liquid", "Makora", "Mara", "Mancer 2", "Meta", "Minimax", "ModelRun", "Mistral",
    "Modular", "Moonshot AI", "Morph", "VoyageAI by MongoDB", "NCompass", "Nebius",
    "Nex AGI", "NextBit", "Novita", "Nvidia", "OpenAI", "OpenInference", "Parasail",
    "Poolside", "Perceptron", "Perplexity", "Phala", "Recraft", "Reka", "Relace",
    "Sail Research", "Sakana AI", "SambaNova", "Seed", "SiliconFlow", "Sourceful", "StepFun",
    "Stealth", "StreamLake", "Switchpoint", "Tencent", "Tenstorrent", "Thinking Machines",
    "Together", "Upstage", "Venice", "Wafer", "WandB", "Quiver", "Krea", "Runway", "Xiaomi",
    "xAI", "Z.AI", "FakeProvider",
]  # fmt: skip
"""Provider display names the router knows (any other string is accepted too)."""


class ContentPartImageImageURL(BaseModel):
    """The ``image_url`` object of an input reference."""

    url: str
    """A base64 data URL or an HTTP(S) URL."""


class ContentPartImage(BaseModel):
    """One reference image for image-to-image generation."""

    type: Literal["image_url"] = "image_url"
    image_url: ContentPartImageImageURL


class ContentPartImageImageURLTypedDict(TypedDict):
    """Dict form of :class:`ContentPartImageImageURL`."""

    url: str


class ContentPartImageTypedDict(TypedDict):
    """Dict form of :class:`ContentPartImage`."""

    type: Literal["image_url"]
    image_url: ContentPartImageImageURLTypedDict


# The provider slugs the spec lists under ProviderOptions. The official SDK spells them as
# Python names (``black_forest_labs``, ``oneai`` for ``01ai``, ``lambda_``); both spellings
# are accepted and the wire always gets the slug.
_PROVIDER_SLUGS = """
01ai ai21 aion-labs akashml alibaba amazon-bedrock amazon-bedrock/claude-on-aws amazon-nova
ambient anthropic anthropic/2 anyscale arcee-ai atlas-cloud atoma avian azure baidu baseten
black-forest-labs byteplus centml cerebras chutes cirrascale clarifai claude-on-aws
cloudflare cohere coreweave crofai crucible crusoe darkbloom databricks decart deepgram
deepinfra deepseek dekallm digitalocean enfer fake-provider featherless fireworks
fish-audio friendli gmicloud google-ai-studio google-vertex gopomelo groq heygen
huggingface hyperbolic hyperbolic-quantized inception inceptron inferact-vllm inference-net
infermatic inflection inocloud io-net ionstream klusterai krea lambda lepton liquid lynn
lynn-private makora mancer mancer-old mara meta minimax mistral modal modelrun modular
moonshotai morph ncompass nebius nex-agi nextbit nineteen novita nvidia octoai
open-inference openai parasail perceptron perplexity phala poolside quiver recraft recursal
reflection reka relace replicate runway sail-research sakana sakana-ai sambanova
sambanova-cloaked seed sf-compute siliconflow sourceful stealth stepfun streamlake
switchpoint targon tencent tenstorrent thinkingmachines together together-lite ubicloud
upstage venice voyageai wafer wandb wandb-legacy xai xiaomi z-ai
""".split()
_PYTHON_NAME_TO_SLUG = {s.replace("-", "_").replace("/", "_"): s for s in _PROVIDER_SLUGS}
_PYTHON_NAME_TO_SLUG.update({"oneai": "01ai", "lambda_": "lambda"})


class ProviderOptions(BaseModel):
    """Provider-specific options keyed by provider slug, e.g. ``{"openai": {...}}``.

    Only the matched provider's options are forwarded. Keys may be slugs
    (``"black-forest-labs"``) or the official SDK's Python names (``black_forest_labs``).
    """

    @pydantic.model_validator(mode="before")
    @classmethod
    def _slug_keys(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {_PYTHON_NAME_TO_SLUG.get(k, k): v for k, v in value.items()}
        return value


class ProviderSortConfig(BaseModel):
    """Provider sorting with a partition strategy."""

    by: ProviderSort | str | None = None
    partition: ProviderSortConfigPartition | str | None = None


class ImageGenerationProviderPreferences(BaseModel):
    """Provider routing preferences and provider-specific passthrough configuration."""

    allow_fallbacks: bool | None = None
    ignore: list[ProviderName | str] | None = None
    only: list[ProviderName | str] | None = None
    options: ProviderOptions | None = None
    order: list[ProviderName | str] | None = None
    sort: ProviderSort | ProviderSortConfig | str | None = None


ImageGenerationRequestProvider = ImageGenerationProviderPreferences
"""Alias of :class:`ImageGenerationProviderPreferences` (the name the request field uses)."""


class ProviderSortConfigTypedDict(TypedDict, total=False):
    """Dict form of :class:`ProviderSortConfig`."""

    by: str | None
    partition: str | None


class ImageGenerationProviderPreferencesTypedDict(TypedDict, total=False):
    """Dict form of :class:`ImageGenerationProviderPreferences`."""

    allow_fallbacks: bool | None
    ignore: list[str] | None
    only: list[str] | None
    options: dict[str, dict[str, Any]]
    order: list[str] | None
    sort: str | ProviderSortConfigTypedDict | None


class TraceConfig(BaseModel):
    """Observability metadata; unknown keys pass through as custom metadata."""

    trace_id: str | None = None
    trace_name: str | None = None
    span_name: str | None = None
    generation_name: str | None = None
    parent_span_id: str | None = None


class TraceConfigTypedDict(TypedDict, total=False):
    """Dict form of :class:`TraceConfig` (any other key is passed through)."""

    trace_id: str
    trace_name: str
    span_name: str
    generation_name: str
    parent_span_id: str


class ImageGenerationRequest(BaseModel):
    """The body of ``POST /images``."""

    model: str
    prompt: str = Field(min_length=1)
    aspect_ratio: ImageGenerationRequestAspectRatio | str | None = None
    background: ImageGenerationRequestBackground | str | None = None
    input_references: list[ContentPartImage] | None = Field(default=None, max_length=16)
    n: int | None = None
    output_compression: int | None = None
    output_format: ImageGenerationRequestOutputFormat | str | None = None
    provider: ImageGenerationProviderPreferences | None = None
    quality: ImageGenerationRequestQuality | str | None = None
    resolution: ImageGenerationRequestResolution | str | None = None
    seed: int | None = None
    session_id: str | None = Field(default=None, max_length=256)
    size: str | None = None
    stream: bool | None = None
    trace: TraceConfig | None = None
    user: str | None = None


class ImageGenerationRequestTypedDict(TypedDict):
    """Dict form of :class:`ImageGenerationRequest`."""

    model: str
    prompt: str
    aspect_ratio: NotRequired[str]
    background: NotRequired[str]
    input_references: NotRequired[list[ContentPartImageTypedDict]]
    n: NotRequired[int]
    output_compression: NotRequired[int]
    output_format: NotRequired[str]
    provider: NotRequired[ImageGenerationProviderPreferencesTypedDict]
    quality: NotRequired[str]
    resolution: NotRequired[str]
    seed: NotRequired[int]
    session_id: NotRequired[str]
    size: NotRequired[str]
    stream: NotRequired[bool]
    trace: NotRequired[TraceConfigTypedDict]
    user: NotRequired[str]


# --------------------------------------------------------------------------------------
# Usage

AnthropicSpeed: TypeAlias = Literal["fast", "standard"]
"""Speed tier reported by some upstream providers."""


# Accounting details below are optional here even where the spec requires them, and every
# number is lenient: a drifting breakdown must not turn an image that was made (and billed)
# into a parsing error.


class AnthropicCacheCreation(BaseModel):
    """Prompt-cache write breakdown."""

    ephemeral_1h_input_tokens: Lenient[int] = None
    ephemeral_5m_input_tokens: Lenient[int] = None


class AnthropicIterationCacheCreation(BaseModel):
    """Prompt-cache write breakdown of one usage iteration."""

    ephemeral_1h_input_tokens: Lenient[int] = None
    ephemeral_5m_input_tokens: Lenient[int] = None


class AnthropicBaseUsageIteration(BaseModel):
    """Fields shared by every usage iteration."""

    cache_creation: Lenient[AnthropicIterationCacheCreation] = None
    cache_creation_input_tokens: Lenient[int] = None
    cache_read_input_tokens: Lenient[int] = None
    input_tokens: Lenient[int] = None
    output_tokens: Lenient[int] = None


class AnthropicCompactionUsageIteration(AnthropicBaseUsageIteration):
    """Usage of a compaction iteration."""

    type: Literal["compaction"] = "compaction"


class AnthropicMessageUsageIteration(AnthropicBaseUsageIteration):
    """Usage of a message iteration."""

    type: Literal["message"] = "message"
    model: str | None = None


class AnthropicAdvisorMessageUsageIteration(AnthropicBaseUsageIteration):
    """Usage of an advisor message iteration."""

    type: Literal["advisor_message"] = "advisor_message"
    model: str


class AnthropicUnknownUsageIteration(AnthropicBaseUsageIteration):
    """A usage iteration of a type this SDK does not know; every field is kept."""

    type: str


if TYPE_CHECKING:
    AnthropicUsageIteration: TypeAlias = (
        AnthropicCompactionUsageIteration
        | AnthropicMessageUsageIteration
        | AnthropicAdvisorMessageUsageIteration
        | AnthropicUnknownUsageIteration
    )
else:
    AnthropicUsageIteration = open_union(
        AnthropicCompactionUsageIteration,
        AnthropicMessageUsageIteration,
        AnthropicAdvisorMessageUsageIteration,
        fallback=AnthropicUnknownUsageIteration,
    )
"""One upstream usage iteration (open union on ``type``)."""


class CostDetails(BaseModel):
    """Breakdown of upstream inference costs."""

    upstream_inference_completions_cost: Lenient[float] = None
    upstream_inference_prompt_cost: Lenient[float] = None
    upstream_inference_cost: Lenient[float] = None
    server_tool_cost: Lenient[float] = None


class ImageGenerationUsageCompletionTokensDetails(BaseModel):
    """Breakdown of generated tokens."""

    audio_tokens: Lenient[int] = None
    image_tokens: Lenient[int] = None
    reasoning_tokens: Lenient[int] = None


class ImageGenerationUsagePromptTokensDetails(BaseModel):
    """Breakdown of prompt tokens."""

    audio_tokens: Lenient[int] = None
    cache_write_tokens: Lenient[int] = None
    cached_tokens: Lenient[int] = None
    file_tokens: Lenient[int] = None
    video_tokens: Lenient[int] = None


class ImageGenerationUsageServerToolUse(BaseModel):
    """Usage of server-side tools."""

    tool_calls_executed: Lenient[int] = None
    tool_calls_requested: Lenient[int] = None
    web_search_requests: Lenient[int] = None


class ImageGenerationUsage(BaseModel):
    """Token and cost usage for an image generation request."""

    prompt_tokens: Lenient[int]
    completion_tokens: Lenient[int]
    total_tokens: Lenient[int]
    cost: Lenient[float] = None
    cache_creation: Lenient[AnthropicCacheCreation] = None
    completion_tokens_details: Lenient[ImageGenerationUsageCompletionTokensDetails] = None
    cost_details: Lenient[CostDetails] = None
    is_byok: Lenient[bool] = None
    iterations: Lenient[list[AnthropicUsageIteration]] = None
    prompt_tokens_details: Lenient[ImageGenerationUsagePromptTokensDetails] = None
    server_tool_use: Lenient[ImageGenerationUsageServerToolUse] = None
    service_tier: Lenient[str] = None
    speed: Lenient[AnthropicSpeed | str] = None


# --------------------------------------------------------------------------------------
# Stream events


class ImageGenPartialImageEvent(ImagePayload):
    """A partial image, streamed while generation is under way."""

    type: Literal["image_generation.partial_image"] = "image_generation.partial_image"
    partial_image_index: Lenient[int]


ImageGenTextChunkEventPhase: TypeAlias = Literal["content", "reasoning", "draft"]
"""Phase of a text chunk; only ``content`` is part of the final image."""


class ImageGenTextChunkEvent(BaseModel):
    """A text fragment of a text-based image (e.g. SVG markup) being generated."""

    type: Literal["image_generation.text_chunk"] = "image_generation.text_chunk"
    text: str
    phase: Lenient[ImageGenTextChunkEventPhase | str]


class ImageGenCompletedEvent(ImagePayload):
    """The final image of a generation (one event per image)."""

    type: Literal["image_generation.completed"] = "image_generation.completed"
    created: Lenient[int]
    usage: LenientObject[ImageGenerationUsage] = None


class ImageGenStreamErrorEventError(BaseModel):
    """Provider error details of a stream error event."""

    message: str
    code: str | None = None
    param: str | None = None
    type: str | None = None


class ImageGenStreamErrorEvent(BaseModel):
    """Generation failed after the stream started (the SDK raises it as ``StreamError``)."""

    type: Literal["error"] = "error"
    error: ImageGenStreamErrorEventError


EVENT_TYPES = frozenset(
    {
        "image_generation.partial_image",
        "image_generation.text_chunk",
        "image_generation.completed",
        "error",
    }
)
"""The stream event types with a model of their own."""


class UnknownImageStreamingResponseData(BaseModel):
    """A stream event of a type this SDK does not know; every field is kept.

    ``type`` is always a string: the data's ``type``, else the name the SSE ``event:``
    field gave it, else ``"unknown"``.
    """

    type: str = "unknown"

    _not_a_known_type = _only_unknown(EVENT_TYPES)

    @pydantic.model_validator(mode="before")
    @classmethod
    def _null_type_names_nothing(cls, value: Any) -> Any:
        # `"type": null` is taken as no type at all: the SSE `event:` name or "unknown".
        if isinstance(value, dict) and "type" in value and value["type"] is None:
            return {k: v for k, v in value.items() if k != "type"}
        return value


if TYPE_CHECKING:
    ImageStreamingResponseData: TypeAlias = (
        ImageGenPartialImageEvent
        | ImageGenTextChunkEvent
        | ImageGenCompletedEvent
        | ImageGenStreamErrorEvent
        | UnknownImageStreamingResponseData
    )
else:
    ImageStreamingResponseData = open_union(
        ImageGenPartialImageEvent,
        ImageGenTextChunkEvent,
        ImageGenCompletedEvent,
        ImageGenStreamErrorEvent,
        fallback=UnknownImageStreamingResponseData,
    )
"""One stream event (open union on ``type``)."""


ImageStreamEvent: TypeAlias = (
    ImageGenPartialImageEvent
    | ImageGenTextChunkEvent
    | ImageGenCompletedEvent
    | UnknownImageStreamingResponseData
)
"""What a stream yields: every event but ``error``, which is raised as ``StreamError``."""


class ImageStreamingResponse(BaseModel):
    """The wire wrapper of one stream event (kept for schema completeness)."""

    data: ImageStreamingResponseData


# --------------------------------------------------------------------------------------
# Buffered response


class ImageGenerationResponseData(ImagePayload):
    """One generated image: base64 bytes plus their media type when known.

    The spec sends ``b64_json``; an image that comes as a ``url`` instead (as some providers
    send) is kept there, with ``b64_json`` empty: ``to_bytes()`` decodes a ``data:`` URL and
    explains what to do with any other. An item with neither is an error, never skipped.
    """

    b64_json: str = ""
    url: Lenient[str] = None

    @pydantic.model_validator(mode="after")
    def _has_image(self) -> "ImageGenerationResponseData":
        if not self.b64_json and not (self.url and isinstance(self.url, str)):
            raise ValueError("an image item needs b64_json or url")
        return self

    def to_bytes(self) -> bytes:
        """The image bytes: ``b64_json`` decoded, or a ``data:`` URL's content."""
        if self.b64_json or not isinstance(self.url, str):
            return super().to_bytes()
        head, comma, data = self.url.partition(",")
        if self.url.startswith("data:") and comma:
            if head.endswith(";base64"):
                return binascii.a2b_base64(data)
            from urllib.parse import unquote_to_bytes

            return unquote_to_bytes(data)
        raise ValueError(
            f"this image was returned as a URL ({self.url[:80]}), not as bytes: "
            "download it from `url` (it may expire)"
        )

    @property
    def mime_type(self) -> str | None:
        """The image's MIME type: ``media_type``, a ``data:`` URL's type, or sniffed."""
        if not self.b64_json and isinstance(self.url, str) and self.url.startswith("data:"):
            declared = self.url[5:].partition(",")[0].split(";")[0]
            return (self.media_type if isinstance(self.media_type, str) else None) or (
                declared or None
            )
        return super().mime_type


class ImageGenerationResponse(_CallResult):
    """The buffered result of ``images.generate``.

    Besides its fields it works like a finished stream, so stream-handling code runs on it
    unchanged: ``with res as events: for event in events`` yields one
    ``ImageGenCompletedEvent`` per image (``async with`` / ``async for`` too).
    ``request_id``, ``generation_id`` and ``retries_taken`` tell which call it came from.
    """

    created: Lenient[int]
    data: list[ImageGenerationResponseData]
    usage: LenientObject[ImageGenerationUsage] = None

    def completed_events(self) -> list[ImageGenCompletedEvent]:
        """The images as ``image_generation.completed`` events, as a stream would give them."""
        # Built without validation: a drifted `created` or `usage` is carried over as it is,
        # and an image that came as a URL keeps its `url`.
        events = []
        for item in self.data:
            extra: dict[str, Any] = {"url": item.url} if item.url is not None else {}
            events.append(
                ImageGenCompletedEvent.model_construct(
                    b64_json=item.b64_json,
                    media_type=item.media_type,
                    created=self.created,
                    usage=self.usage,
                    **extra,
                )
            )
        return events

    def save(self, directory: str | Path = ".", stem: str = "image") -> list[Path]:
        """Save every image as ``<directory>/<stem>-<i>.<ext>`` and return the paths."""
        return [item.save(Path(directory) / f"{stem}-{i}") for i, item in enumerate(self.data)]

    def __enter__(self) -> "ImageStream":
        from ._streaming import ImageStream

        return ImageStream.of(self.completed_events())

    def __exit__(self, *exc_info: object) -> None:
        return None

    async def __aenter__(self) -> "AsyncImageStream":
        from ._streaming import AsyncImageStream

        return AsyncImageStream.of(self.completed_events())

    async def __aexit__(self, *exc_info: object) -> None:
        return None


# --------------------------------------------------------------------------------------
# Errors: every documented status shares one envelope shape


class ErrorResponseErrorData(BaseModel):
    """The ``error`` object of an error response: status ``code``, ``message``, ``metadata``."""

    code: int
    message: str
    metadata: dict[str, Any] | None = None


class ErrorResponse(BaseModel):
    """An error response body: ``{"error": {...}}`` plus optional metadata."""

    error: ErrorResponseErrorData
    openrouter_metadata: dict[str, Any] | None = None
    user_id: str | None = None


# The spec names one envelope per status; they all have this same shape.
BadRequestResponse = UnauthorizedResponse = PaymentRequiredResponse = ErrorResponse
ForbiddenResponse = NotFoundResponse = PayloadTooLargeResponse = ErrorResponse
TooManyRequestsResponse = InternalServerResponse = BadGatewayResponse = ErrorResponse
EdgeNetworkTimeoutResponse = ProviderOverloadedResponse = ErrorResponse
BadRequestResponseErrorData = UnauthorizedResponseErrorData = ErrorResponseErrorData
PaymentRequiredResponseErrorData = ForbiddenResponseErrorData = ErrorResponseErrorData
NotFoundResponseErrorData = PayloadTooLargeResponseErrorData = ErrorResponseErrorData
TooManyRequestsResponseErrorData = InternalServerResponseErrorData = ErrorResponseErrorData
BadGatewayResponseErrorData = EdgeNetworkTimeoutResponseErrorData = ErrorResponseErrorData
ProviderOverloadedResponseErrorData = ErrorResponseErrorData


# --------------------------------------------------------------------------------------
# Discovery

ImageInputModality: TypeAlias = Literal["text", "image", "file", "audio", "video"]
"""An input modality of an image model."""
ImageOutputModality: TypeAlias = Literal[
    "text",
    "image",
    "embeddings",
    "audio",
    "video",
    "rerank",
    "speech",
    "transcription",
    "decisions",
]
"""An output modality of an image model."""


class EnumCapability(BaseModel):
    """A parameter that accepts one of a discrete set of string values."""

    type: Literal["enum"] = "enum"
    values: list[str]


class RangeCapability(BaseModel):
    """A parameter that accepts any value within an inclusive numeric range."""

    type: Literal["range"] = "range"
    min: float
    max: float


class BooleanCapability(BaseModel):
    """A supported-or-not flag: present means the parameter is accepted."""

    type: Literal["boolean"] = "boolean"


class UnknownCapabilityDescriptor(BaseModel):
    """A capability descriptor of a type this SDK does not know; every field is kept."""

    type: str | None = None


# A model lists a dozen descriptors and a listing holds dozens of models: see open_union.
if TYPE_CHECKING:
    CapabilityDescriptor: TypeAlias = (
        EnumCapability | RangeCapability | BooleanCapability | UnknownCapabilityDescriptor
    )
else:
    CapabilityDescriptor = open_union(
        EnumCapability, RangeCapability, BooleanCapability, fallback=UnknownCapabilityDescriptor
    )
"""A typed descriptor for one supported request parameter (open union on ``type``)."""

SupportedParameters: TypeAlias = dict[str, CapabilityDescriptor]
"""Supported request parameters by name."""


class ImageModelArchitecture(BaseModel):
    """Input and output modalities of an image model."""

    input_modalities: Lenient[list[ImageInputModality | str]]
    output_modalities: Lenient[list[ImageOutputModality | str]]


class ImageModelListItem(BaseModel):
    """One image model in the discovery listing."""

    id: str
    name: Lenient[str]
    description: Lenient[str]
    created: Lenient[int]
    architecture: LenientObject[ImageModelArchitecture]
    supported_parameters: Lenient[SupportedParameters]
    supports_streaming: Lenient[bool]
    endpoints: Lenient[str]

    @property
    def author(self) -> str:
        """The author part of ``id`` (``"openai"`` in ``"openai/gpt-image-1"``)."""
        return self.id.partition("/")[0]

    @property
    def slug(self) -> str:
        """The slug part of ``id`` (``"gpt-image-1"`` in ``"openai/gpt-image-1"``)."""
        return self.id.partition("/")[2]


class ImageModelsListResponse(_CallResult):
    """The image model listing (``request_id`` and ``retries_taken`` tell its call)."""

    data: list[ImageModelListItem]


ImagePricingEntryBillable: TypeAlias = Literal[
    "output_image", "input_image", "input_font", "input_reference", "input_text"
]
"""What a pricing line bills."""
ImagePricingEntryUnit: TypeAlias = Literal["image", "megapixel", "token", "request"]
"""The unit a pricing line is billed in."""


class ImagePricingEntry(BaseModel):
    """One billable pricing line of an image endpoint."""

    billable: Lenient[ImagePricingEntryBillable | str]
    unit: Lenient[ImagePricingEntryUnit | str]
    cost_usd: Lenient[float]
    variant: Lenient[str] = None


class ImageEndpoint(BaseModel):
    """An endpoint (provider) serving a given image model."""

    provider_name: Lenient[str]
    provider_slug: Lenient[str]
    provider_tag: Lenient[str]
    supported_parameters: Lenient[SupportedParameters]
    allowed_passthrough_parameters: Lenient[list[str]]
    supports_streaming: Lenient[bool]
    pricing: Lenient[list[ImagePricingEntry]]


class ImageModelEndpointsResponse(_CallResult):
    """The per-endpoint records of one image model (``request_id`` and ``retries_taken``
    tell its call)."""

    id: Lenient[str]
    endpoints: list[ImageEndpoint]


# The official SDK's names for a few enum aliases.
Billable = ImagePricingEntryBillable
Unit = ImagePricingEntryUnit
By = ProviderSort
Partition = ProviderSortConfigPartition

# The official SDK's names for the type literals and unions of the models above.
ContentPartImageType = Literal["image_url"]
ImageGenPartialImageEventType = Literal["image_generation.partial_image"]
ImageGenTextChunkEventType = Literal["image_generation.text_chunk"]
ImageGenCompletedEventType = Literal["image_generation.completed"]
ImageGenStreamErrorEventType = Literal["error"]
EnumCapabilityType = Literal["enum"]
RangeCapabilityType = Literal["range"]
BooleanCapabilityType = Literal["boolean"]
ImageGenerationProviderPreferencesIgnore: TypeAlias = ProviderName | str
ImageGenerationProviderPreferencesOnly: TypeAlias = ProviderName | str
ImageGenerationProviderPreferencesOrder: TypeAlias = ProviderName | str
ImageGenerationProviderPreferencesSort: TypeAlias = ProviderSort | ProviderSortConfig | str
ImageGenerationProviderPreferencesOptions = ProviderOptions
