"""The two clients. They hold the settings (``_core.Config``) and the httpx connection pools,
and differ only in which pool sends: ``OpenRouter`` is sync (plus the official SDK's
``*_async`` methods), ``AsyncOpenRouter`` is async.

Pools are created on first use, so creating a client and touching ``client.images`` costs
almost nothing. A client closes the pools it created (``with``/``async with``/``close``),
never one passed in, and refuses to work once closed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING

import httpx

from . import _core, _transport
from .errors import ClientClosedError, ParameterError

if TYPE_CHECKING:
    from typing_extensions import Self

    from ._images import AsyncImages, Images
    from ._retry import RetryConfig

__all__ = ["AsyncOpenRouter", "OpenRouter"]


class _BaseClient:
    """Settings, lifecycle and the async pool, shared by both clients."""

    _sync = False

    def __init__(
        self,
        api_key: str | Callable[[], str] | None = None,
        *,
        http_referer: str | None = None,
        x_open_router_title: str | None = None,
        x_open_router_categories: str | None = None,
        server_url: str | None = None,
        retry_config: RetryConfig | None = None,
        timeout_ms: int | None = None,
        client: httpx.Client | None = None,
        async_client: httpx.AsyncClient | None = None,
        debug_logger: logging.Logger | None = None,
        server: str | None = None,
    ) -> None:
        self._config = _core.Config(
            api_key,
            http_referer=http_referer,
            x_open_router_title=x_open_router_title,
            x_open_router_categories=x_open_router_categories,
            server_url=server_url,
            server=server,
            retry_config=retry_config,
            timeout_ms=timeout_ms,
            debug_logger=debug_logger,
        )
        if client is not None and not (self._sync and isinstance(client, httpx.Client)):
            raise ParameterError(
                "client",
                "must be an httpx.Client"
                if self._sync
                else "use async_client= with an async client",
            )
        if async_client is not None and not isinstance(async_client, httpx.AsyncClient):
            raise ParameterError("async_client", "must be an httpx.AsyncClient")
        self._http = client
        self._owns_http = client is None
        self._async_http = async_client
        self._owns_async_http = async_client is None
        self._closed = False

    @property
    def server_url(self) -> str:
        """The base URL requests go to (without a trailing slash)."""
        return self._config.server_url

    @property
    def is_closed(self) -> bool:
        """Whether the client was closed (it cannot be reopened)."""
        return self._closed

    def __repr__(self) -> str:
        # The key is never shown.
        return f"{type(self).__name__}(server_url={self.server_url!r}, api_key='***')"

    def _check_open(self) -> None:
        if self._closed:
            raise ClientClosedError(
                f"this {type(self).__name__} client is closed; create a new client "
                "(a client cannot be used after `with` ends or close() is called)"
            )

    async def _send_async(self, spec: _core.RequestSpec) -> httpx.Response:
        self._check_open()
        if self._async_http is None:
            self._async_http = httpx.AsyncClient(timeout=self._config.timeout)
        return await _transport.send_async(self._async_http, spec, self._config.logger)

    async def _aclose_async_pool(self) -> None:
        if self._async_http is not None and self._owns_async_http:
            await self._async_http.aclose()


class OpenRouter(_BaseClient):
    """Synchronous client of the OpenRouter Images API.

    Args:
        api_key: Your OpenRouter key (or a function returning it); defaults to the
            ``OPENROUTER_API_KEY`` environment variable.
        http_referer: Your app's URL, sent as ``HTTP-Referer`` (app attribution).
        x_open_router_title: Your app's name, sent as ``X-OpenRouter-Title``.
        x_open_router_categories: Comma-separated app categories.
        server_url: API base URL; defaults to ``OPENROUTER_BASE_URL``, then
            ``https://openrouter.ai/api/v1``.
        retry_config: Retry policy (default: see :mod:`openrouter.utils`).
        timeout_ms: Timeout of each request phase in milliseconds (default 300000;
            connecting never waits more than 10 s).
        client: An ``httpx.Client`` to send with (it is not closed by this client).
        async_client: An ``httpx.AsyncClient`` for the ``*_async`` methods.
        debug_logger: Logger for request/response/retry logs (default ``"openrouter"``).
        server: The named server; only ``"production"`` exists.

    Use it as a context manager (``with OpenRouter() as client:``) so its connections are
    closed; ``async with`` works too and also closes the async pool of ``*_async`` calls.
    """

    _sync = True

    @cached_property
    def images(self) -> Images:
        """Image generation and image model discovery."""
        from ._images import Images

        return Images(self)

    def _send(self, spec: _core.RequestSpec) -> httpx.Response:
        self._check_open()
        if self._http is None:
            self._http = httpx.Client(timeout=self._config.timeout)
        return _transport.send(self._http, spec, self._config.logger)

    def close(self) -> None:
        """Close the connection pool this client created (an async one needs ``aclose``)."""
        self._closed = True
        if self._http is not None and self._owns_http:
            self._http.close()

    async def aclose(self) -> None:
        """Close both connection pools this client created."""
        self.close()
        await self._aclose_async_pool()

    def __enter__(self) -> Self:
        self._check_open()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    async def __aenter__(self) -> Self:
        self._check_open()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


class AsyncOpenRouter(_BaseClient):
    """Asynchronous client of the OpenRouter Images API.

    Takes the same arguments as :class:`OpenRouter` (``client`` is not used: pass an
    ``httpx.AsyncClient`` as ``async_client``). Use it as ``async with AsyncOpenRouter() as
    client:``; every ``client.images`` method is a coroutine.
    """

    @cached_property
    def images(self) -> AsyncImages:
        """Image generation and image model discovery (async)."""
        from ._images import AsyncImages

        return AsyncImages(self)

    async def close(self) -> None:
        """Close the connection pool this client created."""
        self._closed = True
        await self._aclose_async_pool()

    aclose = close

    async def __aenter__(self) -> Self:
        self._check_open()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()
