"""The ``images`` resource: ``generate``, ``list_models`` and ``list_model_endpoints``.

Each method validates and builds its request with ``_core`` (shared), sends it through its
client (the only sync/async difference), and parses the answer with ``_core`` again.
``Images`` (on :class:`~openrouter.OpenRouter`) has the sync methods plus the official SDK's
``*_async`` twins; ``AsyncImages`` (on :class:`~openrouter.AsyncOpenRouter`) has the async
methods under the plain names.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal, overload

from . import _core
from ._response import parse_json

if TYPE_CHECKING:
    from typing_extensions import Required, TypedDict, Unpack

    from ._client import AsyncOpenRouter, OpenRouter
    from ._inputs import InputReference
    from ._retry import RetryConfig
    from ._streaming import AsyncImageStream, ImageStream
    from .components import (
        ImageGenerationProviderPreferences,
        ImageGenerationProviderPreferencesTypedDict,
        ImageGenerationRequestAspectRatio,
        ImageGenerationRequestBackground,
        ImageGenerationRequestOutputFormat,
        ImageGenerationRequestQuality,
        ImageGenerationRequestResolution,
        ImageGenerationResponse,
        ImageModelEndpointsResponse,
        ImageModelsListResponse,
        TraceConfig,
        TraceConfigTypedDict,
    )

    class _CallOptions(TypedDict, total=False):
        http_referer: str | None
        x_open_router_title: str | None
        x_open_router_categories: str | None
        retries: RetryConfig | None
        server_url: str | None
        timeout_ms: float | None
        http_headers: Mapping[str, str] | None

    class _GenerateParams(_CallOptions, total=False):
        # The keyword arguments of `generate` other than `stream`, for the overloads.
        model: Required[str]
        prompt: Required[str]
        aspect_ratio: ImageGenerationRequestAspectRatio | None
        background: ImageGenerationRequestBackground | None
        input_references: Iterable[InputReference] | None
        n: int | None
        output_compression: int | None
        output_format: ImageGenerationRequestOutputFormat | None
        provider: (
            ImageGenerationProviderPreferences | ImageGenerationProviderPreferencesTypedDict | None
        )
        quality: ImageGenerationRequestQuality | None
        resolution: ImageGenerationRequestResolution | None
        seed: int | None
        session_id: str | None
        size: str | None
        trace: TraceConfig | TraceConfigTypedDict | Mapping[str, Any] | None
        user: str | None


def _generate_args(args: dict[str, Any]) -> dict[str, Any]:
    """The arguments of a ``generate`` method, from its ``locals()`` (its first statement)."""
    del args["self"]
    return args


def _options(args: dict[str, Any]) -> dict[str, Any]:
    """The per-call options among a method's ``locals()``."""
    return {name: args[name] for name in _core.CALL_OPTIONS}


class _AsyncMethods:
    """The async implementation, shared by ``AsyncImages`` and ``Images.*_async``."""

    def __init__(self, client: OpenRouter | AsyncOpenRouter) -> None:
        self._client = client

    @overload
    async def generate_async(
        self, *, stream: Literal[False] | None = None, **params: Unpack[_GenerateParams]
    ) -> ImageGenerationResponse: ...
    @overload
    async def generate_async(
        self, *, stream: Literal[True], **params: Unpack[_GenerateParams]
    ) -> AsyncImageStream: ...
    @overload
    async def generate_async(
        self, *, stream: bool | None = None, **params: Unpack[_GenerateParams]
    ) -> ImageGenerationResponse | AsyncImageStream: ...

    async def generate_async(
        self,
        *,
        model: str,
        prompt: str,
        http_referer: str | None = None,
        x_open_router_title: str | None = None,
        x_open_router_categories: str | None = None,
        aspect_ratio: ImageGenerationRequestAspectRatio | None = None,
        background: ImageGenerationRequestBackground | None = None,
        input_references: Iterable[InputReference] | None = None,
        n: int | None = None,
        output_compression: int | None = None,
        output_format: ImageGenerationRequestOutputFormat | None = None,
        provider: ImageGenerationProviderPreferences
        | ImageGenerationProviderPreferencesTypedDict
        | None = None,
        quality: ImageGenerationRequestQuality | None = None,
        resolution: ImageGenerationRequestResolution | None = None,
        seed: int | None = None,
        session_id: str | None = None,
        size: str | None = None,
        stream: bool | None = None,
        trace: TraceConfig | TraceConfigTypedDict | Mapping[str, Any] | None = None,
        user: str | None = None,
        retries: RetryConfig | None = None,
        server_url: str | None = None,
        timeout_ms: float | None = None,
        http_headers: Mapping[str, str] | None = None,
    ) -> ImageGenerationResponse | AsyncImageStream:
        """Generate images (async); see :meth:`Images.generate` for every parameter."""
        spec = _core.generate_spec(self._client._config, _generate_args(locals()))
        response = await self._client._send_async(spec)
        if stream:
            from ._streaming import AsyncImageStream

            return AsyncImageStream.open(response, spec.secret)
        from .components import ImageGenerationResponse

        return parse_json(response, ImageGenerationResponse, spec.secret)

    async def list_models_async(
        self,
        *,
        http_referer: str | None = None,
        x_open_router_title: str | None = None,
        x_open_router_categories: str | None = None,
        retries: RetryConfig | None = None,
        server_url: str | None = None,
        timeout_ms: float | None = None,
        http_headers: Mapping[str, str] | None = None,
    ) -> ImageModelsListResponse:
        """List image models (async); see :meth:`Images.list_models`."""
        from .components import ImageModelsListResponse

        spec = self._client._config.spec("GET", "/images/models", **_options(locals()))
        response = await self._client._send_async(spec)
        return parse_json(response, ImageModelsListResponse, spec.secret)

    async def list_model_endpoints_async(
        self,
        *,
        author: str,
        slug: str,
        http_referer: str | None = None,
        x_open_router_title: str | None = None,
        x_open_router_categories: str | None = None,
        retries: RetryConfig | None = None,
        server_url: str | None = None,
        timeout_ms: float | None = None,
        http_headers: Mapping[str, str] | None = None,
    ) -> ImageModelEndpointsResponse:
        """List one model's endpoints (async); see :meth:`Images.list_model_endpoints`."""
        from .components import ImageModelEndpointsResponse

        path = _core.endpoints_path(author, slug)
        spec = self._client._config.spec("GET", path, **_options(locals()))
        response = await self._client._send_async(spec)
        return parse_json(response, ImageModelEndpointsResponse, spec.secret)


class AsyncImages(_AsyncMethods):
    """The images resource of :class:`~openrouter.AsyncOpenRouter` (every method is async).

    ``generate``, ``list_models`` and ``list_model_endpoints`` take the same arguments as
    their :class:`Images` counterparts; the ``*_async`` names work too.
    """

    generate = _AsyncMethods.generate_async
    list_models = _AsyncMethods.list_models_async
    list_model_endpoints = _AsyncMethods.list_model_endpoints_async


class Images(_AsyncMethods):
    """The images resource of :class:`~openrouter.OpenRouter`."""

    _client: OpenRouter

    @overload
    def generate(
        self, *, stream: Literal[False] | None = None, **params: Unpack[_GenerateParams]
    ) -> ImageGenerationResponse: ...
    @overload
    def generate(
        self, *, stream: Literal[True], **params: Unpack[_GenerateParams]
    ) -> ImageStream: ...
    @overload
    def generate(
        self, *, stream: bool | None = None, **params: Unpack[_GenerateParams]
    ) -> ImageGenerationResponse | ImageStream: ...

    def generate(
        self,
        *,
        model: str,
        prompt: str,
        http_referer: str | None = None,
        x_open_router_title: str | None = None,
        x_open_router_categories: str | None = None,
        aspect_ratio: ImageGenerationRequestAspectRatio | None = None,
        background: ImageGenerationRequestBackground | None = None,
        input_references: Iterable[InputReference] | None = None,
        n: int | None = None,
        output_compression: int | None = None,
        output_format: ImageGenerationRequestOutputFormat | None = None,
        provider: ImageGenerationProviderPreferences
        | ImageGenerationProviderPreferencesTypedDict
        | None = None,
        quality: ImageGenerationRequestQuality | None = None,
        resolution: ImageGenerationRequestResolution | None = None,
        seed: int | None = None,
        session_id: str | None = None,
        size: str | None = None,
        stream: bool | None = None,
        trace: TraceConfig | TraceConfigTypedDict | Mapping[str, Any] | None = None,
        user: str | None = None,
        retries: RetryConfig | None = None,
        server_url: str | None = None,
        timeout_ms: float | None = None,
        http_headers: Mapping[str, str] | None = None,
    ) -> ImageGenerationResponse | ImageStream:
        """Generate images from a text prompt (``POST /images``).

        Args:
            model: The image model, e.g. ``"openai/gpt-image-1"``.
            prompt: What to draw (non-empty).
            http_referer: Your app's URL (``HTTP-Referer``), overriding the client's.
            x_open_router_title: Your app's name (``X-OpenRouter-Title``).
            x_open_router_categories: Comma-separated app categories.
            aspect_ratio: ``"1:1"``, ``"16:9"``, ... or ``"auto"``.
            background: ``"auto"``, ``"transparent"`` (png/webp only) or ``"opaque"``.
            input_references: Up to 16 reference images: URLs, data URLs, file paths,
                bytes, ``ContentPartImage`` or dicts (see :func:`openrouter.input_reference`).
            n: How many images, 1 to 10 (an upper bound: providers may return fewer).
            output_compression: 0 to 100, for jpeg/webp.
            output_format: ``"png"``, ``"jpeg"``, ``"webp"`` or ``"svg"``.
            provider: Provider routing preferences (model or dict), e.g.
                ``{"only": ["openai"], "options": {"openai": {...}}}``.
            quality: ``"auto"``, ``"low"``, ``"medium"`` or ``"high"``.
            resolution: ``"512"``, ``"1K"``, ``"2K"`` or ``"4K"``.
            seed: For repeatable results where the provider supports it.
            session_id: Groups related requests (at most 256 characters).
            size: A tier (``"2K"``) or pixels (``"2048x2048"``).
            stream: ``True`` returns an :class:`~openrouter.ImageStream` of events.
            trace: Observability metadata (model or dict).
            user: A stable identifier of your end-user.
            retries: Retry policy for this call (default: the client's).
            server_url: Base URL for this call (default: the client's).
            timeout_ms: Timeout for this call in milliseconds (default: the client's).
            http_headers: Extra headers to set or replace on this call.

        Returns:
            An :class:`~openrouter.components.ImageGenerationResponse`, or with
            ``stream=True`` an :class:`~openrouter.ImageStream`.

        Raises:
            ParameterError: Bad input (nothing is sent).
            APIStatusError: The API answered with an error status (a subclass per status).
            NoResponseError: The connection failed or timed out.
        """
        spec = _core.generate_spec(self._client._config, _generate_args(locals()))
        response = self._client._send(spec)
        if stream:
            from ._streaming import ImageStream

            return ImageStream.open(response, spec.secret)
        from .components import ImageGenerationResponse

        return parse_json(response, ImageGenerationResponse, spec.secret)

    def list_models(
        self,
        *,
        http_referer: str | None = None,
        x_open_router_title: str | None = None,
        x_open_router_categories: str | None = None,
        retries: RetryConfig | None = None,
        server_url: str | None = None,
        timeout_ms: float | None = None,
        http_headers: Mapping[str, str] | None = None,
    ) -> ImageModelsListResponse:
        """List every image model with its supported parameters (``GET /images/models``).

        Takes the per-call options of :meth:`generate` (``http_referer``,
        ``x_open_router_title``, ``x_open_router_categories``, ``retries``, ``server_url``,
        ``timeout_ms``, ``http_headers``).
        """
        from .components import ImageModelsListResponse

        spec = self._client._config.spec("GET", "/images/models", **_options(locals()))
        response = self._client._send(spec)
        return parse_json(response, ImageModelsListResponse, spec.secret)

    def list_model_endpoints(
        self,
        *,
        author: str,
        slug: str,
        http_referer: str | None = None,
        x_open_router_title: str | None = None,
        x_open_router_categories: str | None = None,
        retries: RetryConfig | None = None,
        server_url: str | None = None,
        timeout_ms: float | None = None,
        http_headers: Mapping[str, str] | None = None,
    ) -> ImageModelEndpointsResponse:
        """List the endpoints serving one model, with their parameters and pricing.

        ``author`` and ``slug`` are the two halves of a model id (``"openai"`` and
        ``"gpt-image-1"``); takes the per-call options of :meth:`generate` too.
        """
        from .components import ImageModelEndpointsResponse

        path = _core.endpoints_path(author, slug)
        spec = self._client._config.spec("GET", path, **_options(locals()))
        response = self._client._send(spec)
        return parse_json(response, ImageModelEndpointsResponse, spec.secret)
