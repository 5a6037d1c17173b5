"""The ``images`` resource: ``generate``, ``list_models`` and ``list_model_endpoints``.

Each method builds its request with ``_request``, sends it through its client (the only
sync/async difference) and reads the answer with ``_response``: nothing else. The arguments
are declared once, as ``TypedDict``s in ``_request`` (``GenerateParams``, ``CallOptions``,
``EndpointsParams``), which type checkers expand into keyword arguments and which
:func:`~openrouter._request.signature` turns into the signatures ``help()`` shows.

``Images`` (on :class:`~openrouter.OpenRouter`) has the sync methods plus the official
SDK's ``*_async`` twins; ``AsyncImages`` (on :class:`~openrouter.AsyncOpenRouter`) has the
async methods under the plain names.

``images.with_raw_response`` has the same methods, returning a
:class:`~openrouter.RawResponse` (status, headers, ids, ``parse()``): they are the
very same functions, run on a resource whose ``_result`` wraps the response instead of
parsing it; ``_raw`` and ``_araw`` only tell type checkers so.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from functools import cached_property, partial
from typing import TYPE_CHECKING, Any, Concatenate, Literal, ParamSpec, TypeVar, overload

import httpx

from . import _request
from ._request import CallOptions, EndpointsParams, GenerateParams
from ._response import RawResponse, parse_json, raise_for_status

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ._client import AsyncOpenRouter, OpenRouter
    from ._streaming import AsyncImageStream, ImageStream
    from .components import (
        ImageGenerationResponse,
        ImageModelEndpointsResponse,
        ImageModelsListResponse,
    )


def _generated(response: httpx.Response, spec: _request.RequestSpec, stream: Any) -> Any:
    """The result of ``generate``: a stream of ``stream``'s class, or the parsed images."""
    if spec.stream:
        return stream.open(response, spec.secret)
    from .components import ImageGenerationResponse

    return parse_json(response, ImageGenerationResponse, spec.secret)


def _models(response: httpx.Response, spec: _request.RequestSpec) -> ImageModelsListResponse:
    from .components import ImageModelsListResponse

    return parse_json(response, ImageModelsListResponse, spec.secret)


def _endpoints(response: httpx.Response, spec: _request.RequestSpec) -> ImageModelEndpointsResponse:
    from .components import ImageModelEndpointsResponse

    return parse_json(response, ImageModelEndpointsResponse, spec.secret)


P = ParamSpec("P")
T = TypeVar("T")


class _Resource:
    """What every images resource has: its client, and what a call returns."""

    _raw_response = False
    """Whether calls return a ``RawResponse`` rather than the parsed result."""

    def __init__(self, client: OpenRouter | AsyncOpenRouter) -> None:
        self._client = client

    def _result(
        self,
        response: httpx.Response,
        spec: _request.RequestSpec,
        parse: Callable[..., T],
        *args: Any,
    ) -> T:
        """``parse(response, spec, *args)``; on a raw resource, the response with it for
        ``parse()`` (an error status is raised now, as it would be without)."""
        if not self._raw_response:
            return parse(response, spec, *args)
        raise_for_status(response, spec.secret)
        return RawResponse(response, partial(parse, response, spec, *args))  # type: ignore[return-value]  # see _raw


class _AsyncMethods(_Resource):
    """The async methods, shared by ``AsyncImages`` and ``Images.*_async``."""

    @overload
    async def generate_async(
        self, *, stream: Literal[False] | None = None, **params: Unpack[GenerateParams]
    ) -> ImageGenerationResponse: ...
    @overload
    async def generate_async(
        self, *, stream: Literal[True], **params: Unpack[GenerateParams]
    ) -> AsyncImageStream: ...
    @overload
    async def generate_async(
        self, *, stream: bool | None = None, **params: Unpack[GenerateParams]
    ) -> ImageGenerationResponse | AsyncImageStream: ...

    async def generate_async(
        self, *, stream: bool | None = None, **params: Unpack[GenerateParams]
    ) -> ImageGenerationResponse | AsyncImageStream:
        """Generate images (async); see :meth:`Images.generate` for every parameter."""
        from ._streaming import AsyncImageStream

        spec = _request.generate(self._client._config, stream, params)
        response = await self._client._send_async(spec)
        return self._result(response, spec, _generated, AsyncImageStream)  # type: ignore[no-any-return]

    async def list_models_async(self, **options: Unpack[CallOptions]) -> ImageModelsListResponse:
        """List image models (async); see :meth:`Images.list_models`."""
        spec = _request.models(self._client._config, options)
        return self._result(await self._client._send_async(spec), spec, _models)

    async def list_model_endpoints_async(
        self, **params: Unpack[EndpointsParams]
    ) -> ImageModelEndpointsResponse:
        """List one model's endpoints (async); see :meth:`Images.list_model_endpoints`."""
        spec = _request.endpoints(self._client._config, params)
        return self._result(await self._client._send_async(spec), spec, _endpoints)


class AsyncImages(_AsyncMethods):
    """The images resource of :class:`~openrouter.AsyncOpenRouter` (every method is async).

    ``generate``, ``list_models`` and ``list_model_endpoints`` take the same arguments as
    their :class:`Images` counterparts; the ``*_async`` names work too.
    """

    generate = _AsyncMethods.generate_async
    list_models = _AsyncMethods.list_models_async
    list_model_endpoints = _AsyncMethods.list_model_endpoints_async

    @cached_property
    def with_raw_response(self) -> AsyncImagesWithRawResponse:
        """These methods, returning the HTTP response with the result (``RawResponse``)."""
        return AsyncImagesWithRawResponse(self._client)


class Images(_AsyncMethods):
    """The images resource of :class:`~openrouter.OpenRouter`."""

    _client: OpenRouter

    @cached_property
    def with_raw_response(self) -> ImagesWithRawResponse:
        """These methods, returning the HTTP response with the result (``RawResponse``)."""
        return ImagesWithRawResponse(self._client)

    @overload
    def generate(
        self, *, stream: Literal[False] | None = None, **params: Unpack[GenerateParams]
    ) -> ImageGenerationResponse: ...
    @overload
    def generate(
        self, *, stream: Literal[True], **params: Unpack[GenerateParams]
    ) -> ImageStream: ...
    @overload
    def generate(
        self, *, stream: bool | None = None, **params: Unpack[GenerateParams]
    ) -> ImageGenerationResponse | ImageStream: ...

    def generate(
        self, *, stream: bool | None = None, **params: Unpack[GenerateParams]
    ) -> ImageGenerationResponse | ImageStream:
        """Generate images from a text prompt (``POST /images``).

        Takes the official SDK's keywords, each described on ``GenerateParams`` (and the
        per-call options on ``CallOptions``) in ``openrouter._request``: ``model`` and
        ``prompt`` (required), ``aspect_ratio``, ``background``, ``input_references`` (up
        to 16 paths, bytes, URLs or :func:`~openrouter.input_reference` parts), ``n``
        (1-10), ``output_compression`` (0-100), ``output_format``, ``provider``,
        ``quality``, ``resolution``, ``seed``, ``session_id``, ``size``, ``trace``,
        ``user``. Returns an :class:`~openrouter.components.ImageGenerationResponse`, or
        with ``stream=True`` an :class:`~openrouter.ImageStream` of events. Raises
        ``ParameterError`` for bad input (nothing is sent), ``APIStatusError`` for an
        error status (a subclass per status), ``NoResponseError`` when no complete
        answer arrived.
        """
        from ._streaming import ImageStream

        spec = _request.generate(self._client._config, stream, params)
        return self._result(self._client._send(spec), spec, _generated, ImageStream)  # type: ignore[no-any-return]

    def list_models(self, **options: Unpack[CallOptions]) -> ImageModelsListResponse:
        """List every image model with its supported parameters (``GET /images/models``).

        Takes the per-call options of :meth:`generate` (``http_referer``,
        ``x_open_router_title``, ``x_open_router_categories``, ``retries``, ``server_url``,
        ``timeout_ms``, ``http_headers``).
        """
        spec = _request.models(self._client._config, options)
        return self._result(self._client._send(spec), spec, _models)

    def list_model_endpoints(
        self, **params: Unpack[EndpointsParams]
    ) -> ImageModelEndpointsResponse:
        """List the endpoints serving one model, with their parameters and pricing.

        ``author`` and ``slug`` are the two halves of a model id (``"openai"`` and
        ``"gpt-image-1"``); takes the per-call options of :meth:`generate` too.
        """
        spec = _request.endpoints(self._client._config, params)
        return self._result(self._client._send(spec), spec, _endpoints)


def _raw(
    method: Callable[Concatenate[Any, P], T],
) -> Callable[Concatenate[Any, P], RawResponse[T]]:
    """``method`` typed as it works on a raw resource (it returns a ``RawResponse``)."""
    return method  # type: ignore[return-value]  # the same function: see _Resource._result


def _araw(
    method: Callable[Concatenate[Any, P], Awaitable[T]],
) -> Callable[Concatenate[Any, P], Coroutine[Any, Any, RawResponse[T]]]:
    """The async :func:`_raw`."""
    return method  # type: ignore[return-value]


class AsyncImagesWithRawResponse(_Resource):
    """``images.with_raw_response`` of :class:`~openrouter.AsyncOpenRouter`: the methods of
    :class:`AsyncImages`, with the same keywords, returning a ``RawResponse``."""

    _raw_response = True
    generate = _araw(AsyncImages.generate)
    list_models = _araw(AsyncImages.list_models)
    list_model_endpoints = _araw(AsyncImages.list_model_endpoints)
    generate_async = _araw(AsyncImages.generate_async)
    list_models_async = _araw(AsyncImages.list_models_async)
    list_model_endpoints_async = _araw(AsyncImages.list_model_endpoints_async)


class ImagesWithRawResponse(_Resource):
    """``images.with_raw_response`` of :class:`~openrouter.OpenRouter`: the methods of
    :class:`Images` (``*_async`` ones too), with the same keywords, returning a
    ``RawResponse``."""

    _raw_response = True
    generate = _raw(Images.generate)
    list_models = _raw(Images.list_models)
    list_model_endpoints = _raw(Images.list_model_endpoints)
    generate_async = _araw(Images.generate_async)
    list_models_async = _araw(Images.list_models_async)
    list_model_endpoints_async = _araw(Images.list_model_endpoints_async)


# What help(), IDEs and inspect show: every keyword, in the official SDK's order.
for _method, _params, _first, _stream in (
    ("generate", GenerateParams, ("model", "prompt"), True),
    ("list_models", CallOptions, (), False),
    ("list_model_endpoints", EndpointsParams, ("author", "slug"), False),
):
    _signature = _request.signature(_params, _first, stream=_stream)
    for _function in (getattr(Images, _method), getattr(_AsyncMethods, f"{_method}_async")):
        _function.__signature__ = _signature
