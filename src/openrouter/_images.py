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

import math
import os
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine
from functools import cached_property, partial
from typing import (
    TYPE_CHECKING,
    Any,
    Concatenate,
    Generic,
    Literal,
    ParamSpec,
    TypeVar,
    overload,
)

import httpx

from . import _request
from ._request import CallOptions, EditParams, EndpointsParams, GenerateParams
from ._response import RawResponse, parse_json, raise_for_status
from .errors import OpenRouterError

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ._client import AsyncOpenRouter, OpenRouter
    from ._request import CapabilityCheck
    from ._streaming import AsyncImageStream, ImageStream
    from .components import (
        ImageGenerationResponse,
        ImageModelEndpointsResponse,
        ImageModelsListResponse,
    )


def _generated(response: httpx.Response, spec: _request.RequestSpec, stream: str) -> Any:
    """The result of ``generate``: a stream (of the class ``_streaming.<stream>``), or the
    parsed images."""
    if spec.stream:
        from . import _streaming

        return getattr(_streaming, stream).open(response, spec.secret)
    from .components import ImageGenerationResponse

    return parse_json(response, ImageGenerationResponse, spec.secret)


def _edited(params: EditParams) -> GenerateParams:
    """``edit``'s keywords as ``generate``'s: the image(s) first among the references."""
    _request.keywords("edit", params, _request.EDIT_KEYWORDS)
    if "image" not in params:
        raise TypeError("edit() missing required keyword argument: 'image'")
    rest: dict[str, Any] = dict(params)
    image = rest.pop("image")
    single = isinstance(image, (str, bytes, bytearray, os.PathLike, dict))
    images = [image] if single or hasattr(image, "image_url") else list(image)
    rest["input_references"] = [*images, *(rest.get("input_references") or [])]
    return rest  # type: ignore[return-value]  # (a GenerateParams now)


def _models(response: httpx.Response, spec: _request.RequestSpec) -> ImageModelsListResponse:
    from .components import ImageModelsListResponse

    return parse_json(response, ImageModelsListResponse, spec.secret)


def _endpoints(response: httpx.Response, spec: _request.RequestSpec) -> ImageModelEndpointsResponse:
    from .components import ImageModelEndpointsResponse

    return parse_json(response, ImageModelEndpointsResponse, spec.secret)


class Catalogue:
    """The model listing behind ``check`` and pre-flight, per client: fetched again once it
    is older than the client's ``preflight_ttl_ms``, and once only however many threads or
    tasks ask at the same time (the first fetches, the others wait for it)."""

    def __init__(self) -> None:
        self.models: dict[str, Any] | None = None
        self.fetched = -math.inf
        self.lock = threading.Lock()
        self.alock: Any = None  # an asyncio.Lock of the event loop it was made on
        self.aloop: object = None

    def fresh(self, ttl: float) -> dict[str, Any] | None:
        """The listing by model id, unless it is missing or stale."""
        if self.models is not None and time.monotonic() - self.fetched < ttl:
            return self.models
        return None

    def store(self, listing: ImageModelsListResponse) -> dict[str, Any]:
        self.models = {model.id: model for model in listing.data}
        self.fetched = time.monotonic()
        return self.models

    def async_lock(self) -> Any:
        import asyncio

        loop = asyncio.get_running_loop()
        if self.aloop is not loop:  # a lock belongs to one event loop
            self.alock, self.aloop = asyncio.Lock(), loop
        return self.alock


P = ParamSpec("P")
T = TypeVar("T")


class _Resource:
    """What every images resource has: its client, and what a call returns."""

    _raw_response = False
    """Whether calls return a ``RawResponse`` rather than the parsed result."""

    def __init__(self, client: OpenRouter | AsyncOpenRouter) -> None:
        self._client = client

    def _preflight(self, params: GenerateParams) -> bool:
        preflight = params.get("preflight")
        return self._client._config.preflight if preflight is None else bool(preflight)

    def _checked(self, models: dict[str, Any] | None, spec: _request.RequestSpec) -> Any:
        """What the listing says of ``spec``'s body (``None`` listing: it could not be had)."""
        model = spec.json["model"]
        return _request.check_capabilities((models or {}).get(model), model, spec.json)

    def _listing_failed(self, exc: OpenRouterError) -> None:
        # Pre-flight never blocks on its own trouble: the call goes ahead unchecked.
        self._client._config.logger.warning("pre-flight check skipped: %s", exc)

    def _listing(self, quiet: bool = False) -> dict[str, Any] | None:
        catalogue, ttl = self._client._catalogue, self._client._config.preflight_ttl
        with catalogue.lock:
            try:
                return catalogue.fresh(ttl) or catalogue.store(self._client.images.list_models())  # type: ignore[arg-type]
            except OpenRouterError as exc:
                if not quiet:
                    raise
                self._listing_failed(exc)
                return None

    async def _listing_async(self, quiet: bool = False) -> dict[str, Any] | None:
        catalogue, ttl = self._client._catalogue, self._client._config.preflight_ttl
        async with catalogue.async_lock():
            try:
                return catalogue.fresh(ttl) or catalogue.store(
                    await self._client.images.list_models_async()
                )
            except OpenRouterError as exc:
                if not quiet:
                    raise
                self._listing_failed(exc)
                return None

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


PlainT = TypeVar("PlainT")
StreamT = TypeVar("StreamT")
CheckT = TypeVar("CheckT")


class _Extras(Generic[PlainT, StreamT, CheckT]):
    """``edit`` and ``check``, written once for both resources: each returns what the
    resource's ``generate`` (or capability lookup) returns, a value on ``Images``, an
    awaitable on ``AsyncImages``."""

    generate: Any
    _capabilities: Any
    _client: OpenRouter | AsyncOpenRouter

    @overload
    def edit(
        self, *, stream: Literal[False] | None = None, **params: Unpack[EditParams]
    ) -> PlainT: ...
    @overload
    def edit(self, *, stream: Literal[True], **params: Unpack[EditParams]) -> StreamT: ...
    @overload
    def edit(
        self, *, stream: bool | None = None, **params: Unpack[EditParams]
    ) -> PlainT | StreamT: ...

    def edit(self, *, stream: bool | None = None, **params: Unpack[EditParams]) -> PlainT | StreamT:
        """Edit an image: ``generate`` with ``image`` (one or a list: paths, bytes, URLs,
        data URLs, ``ContentPartImage`` or dicts) first among the ``input_references``.

        OpenRouter has no edit endpoint: editing is generating from reference images, as
        openai-python users write ``images.edit(image=..., prompt=...)``. Takes every keyword
        of ``generate`` (``model`` is required) and returns what it returns.
        """
        return self.generate(stream=stream, **_edited(params))  # type: ignore[no-any-return]

    def check(self, *, stream: bool | None = None, **params: Unpack[GenerateParams]) -> CheckT:
        """Check a ``generate`` call against the model's capabilities, without making it.

        Takes ``generate``'s keywords and returns a :class:`~openrouter.CapabilityCheck`:
        each parameter ``supported``, ``unsupported`` or ``unknown``, from the model's
        ``supported_parameters`` and ``supports_streaming`` in ``list_models`` (fetched once
        per ``preflight_ttl_ms``). Bad input raises ``ParameterError`` as ``generate`` does.
        """
        spec = _request.generate(self._client._config, stream, params)
        return self._capabilities(spec)  # type: ignore[no-any-return]


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
        spec = _request.generate(self._client._config, stream, params)
        if self._preflight(params):
            self._checked(await self._listing_async(quiet=True), spec).raise_for_unsupported()
        response = await self._client._send_async(spec)
        return self._result(response, spec, _generated, "AsyncImageStream")  # type: ignore[no-any-return]

    async def _capabilities_async(self, spec: _request.RequestSpec) -> CapabilityCheck:
        return self._checked(await self._listing_async(), spec)  # type: ignore[no-any-return]

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


class AsyncImages(
    _AsyncMethods,
    _Extras[
        Coroutine[Any, Any, "ImageGenerationResponse"],
        Coroutine[Any, Any, "AsyncImageStream"],
        Coroutine[Any, Any, "CapabilityCheck"],
    ],
):
    """The images resource of :class:`~openrouter.AsyncOpenRouter` (every method is async).

    ``generate``, ``list_models`` and ``list_model_endpoints`` take the same arguments as
    their :class:`Images` counterparts; the ``*_async`` names work too.
    """

    generate = _AsyncMethods.generate_async
    _capabilities = _AsyncMethods._capabilities_async
    list_models = _AsyncMethods.list_models_async
    list_model_endpoints = _AsyncMethods.list_model_endpoints_async

    @cached_property
    def with_raw_response(self) -> AsyncImagesWithRawResponse:
        """These methods, returning the HTTP response with the result (``RawResponse``)."""
        return AsyncImagesWithRawResponse(self._client)


class Images(_AsyncMethods, _Extras["ImageGenerationResponse", "ImageStream", "CapabilityCheck"]):
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
        """Generate images from a text prompt (``POST /images``): an
        :class:`~openrouter.components.ImageGenerationResponse`, or with ``stream=True`` an
        :class:`~openrouter.ImageStream` of events. The keywords are the official SDK's, each
        described on ``GenerateParams`` (options: ``CallOptions``) in ``openrouter._request``.
        """
        spec = _request.generate(self._client._config, stream, params)
        if self._preflight(params):
            self._checked(self._listing(quiet=True), spec).raise_for_unsupported()
        return self._result(self._client._send(spec), spec, _generated, "ImageStream")  # type: ignore[no-any-return]

    def _capabilities(self, spec: _request.RequestSpec) -> CapabilityCheck:
        return self._checked(self._listing(), spec)  # type: ignore[no-any-return]

    def list_models(self, **options: Unpack[CallOptions]) -> ImageModelsListResponse:
        """List every image model with its supported parameters (``GET /images/models``);
        takes the per-call options of :meth:`generate`."""
        spec = _request.models(self._client._config, options)
        return self._result(self._client._send(spec), spec, _models)

    def list_model_endpoints(
        self, **params: Unpack[EndpointsParams]
    ) -> ImageModelEndpointsResponse:
        """The endpoints serving the model ``author/slug``, with their parameters and pricing;
        takes the per-call options of :meth:`generate` too."""
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
    edit = _araw(AsyncImages.edit)
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
    edit = _raw(Images.edit)
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
_EXTRAS: Any = _Extras  # (its methods are overloaded: mypy sees no __signature__ on them)
_EXTRAS.edit.__signature__ = _request.signature(
    EditParams, ("image", "prompt", "model"), stream=True
)
_EXTRAS.check.__signature__ = _request.signature(GenerateParams, ("model", "prompt"), stream=True)
