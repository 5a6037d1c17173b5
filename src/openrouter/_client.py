"""The two clients. They hold the settings (``_config.Config``) and the httpx connection pools,
and differ only in which pool sends: ``OpenRouter`` is sync (plus the official SDK's
``*_async`` methods), ``AsyncOpenRouter`` is async.

Pools are created on first use, so creating a client and touching ``client.images`` costs
almost nothing. A pool the client creates carries the client-wide headers itself, so that
httpx does not merge them into every request; a pool passed in gets them per request. A
client closes the pools it created (``with``/``async with``/``close``), never one passed in,
and refuses to work once closed.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import AsyncGenerator, Callable, Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any

import httpx

from . import _config, _transport
from .errors import ClientClosedError, ParameterError

if TYPE_CHECKING:
    from typing_extensions import Self

    from ._images import AsyncImages, Images
    from ._request import RequestSpec
    from ._retry import RetryConfig

__all__ = ["AsyncOpenRouter", "OpenRouter"]


def _is_client(value: Any) -> bool:
    # Any object with httpx's client interface will do (the official SDK's HttpClient).
    return callable(getattr(value, "send", None)) and callable(
        getattr(value, "build_request", None)
    )


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
        timeout_ms: float | None = None,
        client: httpx.Client | None = None,
        async_client: httpx.AsyncClient | None = None,
        debug_logger: Any = None,
        server: str | None = None,
        url_params: Mapping[str, str] | None = None,
    ) -> None:
        self._config = _config.Config(
            api_key,
            http_referer=http_referer,
            x_open_router_title=x_open_router_title,
            x_open_router_categories=x_open_router_categories,
            server_url=server_url,
            server=server,
            url_params=url_params,
            retry_config=retry_config,
            timeout_ms=timeout_ms,
            debug_logger=debug_logger,
        )
        if client is not None and not (self._sync and _is_client(client)):
            raise ParameterError(
                "client",
                "must be an httpx.Client" if self._sync else "use async_client= for this client",
            )
        if async_client is not None and not _is_client(async_client):
            raise ParameterError("async_client", "must be an httpx.AsyncClient")
        self._http = client
        self._owns_http = client is None
        self._async_http = async_client
        self._owns_async_http = async_client is None
        self._pool_keeper: AsyncGenerator[None, None] | None = None
        self._closed = False
        # Pools are created on first use; the lock keeps two threads from making two, and a
        # close() racing with a first call from leaving a pool behind.
        self._pool_lock = threading.Lock()

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

    async def _async_pool(self) -> httpx.AsyncClient:
        with self._pool_lock:
            self._check_open()
            pool = self._async_http
            if pool is not None and not (self._owns_async_http and pool.is_closed):
                return pool
            # A pool's connections belong to the event loop that opened them, so the pool
            # is closed with that loop (see _close_with_loop) and the next loop (the next
            # asyncio.run(), say) gets a new one.
            pool = self._async_http = httpx.AsyncClient(**self._config.pool_options())
        self._pool_keeper = _close_with_loop(pool)
        await self._pool_keeper.__anext__()
        return pool

    async def _send_async(self, spec: RequestSpec) -> httpx.Response:
        pool = self._async_http
        if pool is None or pool.is_closed or self._closed:
            pool = await self._async_pool()
        defaults = None if self._owns_async_http else self._config.headers
        config = self._config
        return await _transport.send_async(pool, spec, config.logger, defaults)

    async def _aclose_async_pool(self) -> None:
        if self._pool_keeper is not None:
            await self._pool_keeper.aclose()  # closes the pool this client created


async def _close_with_loop(pool: httpx.AsyncClient) -> AsyncGenerator[None, None]:
    """Hold ``pool`` open until the client closes it, or until its event loop ends.

    An event loop closes the async generators still alive when it shuts down
    (``asyncio.run`` does), so a pool created inside ``asyncio.run(...)`` is closed by that
    loop instead of leaking its connections into the next one.
    """
    try:
        yield
    finally:
        await pool.aclose()


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
            ``math.inf``: none); connecting never waits more than 10 s.
        client: An ``httpx.Client`` to send with (it is not closed by this client).
        async_client: An ``httpx.AsyncClient`` for the ``*_async`` methods.
        debug_logger: Logger for request/response/retry logs (default ``"openrouter"``).
        server: The named server; only ``"production"`` exists.
        url_params: Values for ``{name}`` placeholders in ``server_url``.

    Use it as a context manager (``with OpenRouter() as client:``) so its connections are
    closed; ``async with`` works too and also closes the async pool of ``*_async`` calls.
    """

    _sync = True

    @cached_property
    def images(self) -> Images:
        """Image generation and image model discovery."""
        from ._images import Images

        return Images(self)

    def _pool(self) -> httpx.Client:
        with self._pool_lock:
            self._check_open()
            if self._http is None:
                self._http = httpx.Client(**self._config.pool_options())
                # Closed with the client, or when it is garbage-collected unclosed.
                self._release = weakref.finalize(self, self._http.close)
            return self._http

    def _send(self, spec: RequestSpec) -> httpx.Response:
        pool = self._http if self._http is not None and not self._closed else self._pool()
        defaults = None if self._owns_http else self._config.headers
        config = self._config
        return _transport.send(pool, spec, config.logger, defaults)

    def close(self) -> None:
        """Close the connection pool this client created (an async one needs ``aclose``)."""
        with self._pool_lock:
            self._closed = True
            if self._http is not None and self._owns_http:
                self._release()

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
