"""The two clients. They hold the settings (``_config.Config``) and the httpx connection pools,
and differ only in which pool sends: ``OpenRouter`` is sync (plus the official SDK's
``*_async`` methods), ``AsyncOpenRouter`` is async.

Pools are created on first use, so creating a client and touching ``client.images`` costs
almost nothing. A pool the client creates carries the client-wide headers itself, so that
httpx does not merge them into every request; a pool passed in gets them per request. A
client closes the pools it created (``with``/``async with``/``close``), never one passed in,
and refuses to work once closed.

A copy made by ``with_options`` has its own settings but no pools: it sends through those
of the client it was made from (its ``_owner``), which alone creates and closes them, with
the copy's headers per request.

A pool the client created serves one process, and an async one also one event loop: in a
forked child, or on another loop, the client opens a new one (see ``_check_process`` and
``_async_pool``). Closing wakes the calls in flight (``_transport.Lifeline``).
"""

from __future__ import annotations

import os
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
    _owner: Self

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
        default_headers: Mapping[str, str] | None = None,
        preflight: bool = False,
        preflight_ttl_ms: float = 600_000,
    ) -> None:
        config = _config.Config(
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
            default_headers=default_headers,
            preflight=preflight,
            preflight_ttl_ms=preflight_ttl_ms,
        )
        if client is not None and not (self._sync and _is_client(client)):
            raise ParameterError(
                "client",
                "must be an httpx.Client" if self._sync else "use async_client= for this client",
            )
        if async_client is not None and not _is_client(async_client):
            raise ParameterError("async_client", "must be an httpx.AsyncClient")
        self._setup(config, client, async_client, None)

    def _setup(
        self,
        config: _config.Config,
        client: httpx.Client | None,
        async_client: httpx.AsyncClient | None,
        owner: Self | None,
    ) -> None:
        self._config = config
        # The client whose pools this one sends through: itself, or for a copy made by
        # with_options() the client it was made from, which keeps them (and their
        # lifecycle) and is the only one to close them. A copy has no pools of its own.
        self._owner = owner or self
        self._http = client
        self._owns_http = client is None
        self._release: weakref.finalize[Any, Any] | None = None
        self._async_http = async_client
        self._owns_async_http = async_client is None
        self._pool_keeper: AsyncGenerator[None, None] | None = None
        self._pool_loop: object = None  # the event loop of the async pool we created
        self._closed = False
        self._lifeline = _transport.Lifeline()
        # The process the pools belong to, and those inherited from a parent process.
        self._pid = os.getpid()
        self._inherited: list[object] = []
        # Pools are created on first use; the lock keeps two threads from making two, and a
        # close() racing with a first call from leaving a pool behind.
        self._pool_lock = threading.Lock()
        from ._images import Catalogue  # (the images module is loaded with `images` anyway)

        # A copy asks the same server as its original: it shares its model listing too.
        same = owner is not None and owner._config.server_url == config.server_url
        self._catalogue: Catalogue = owner._catalogue if owner is not None and same else Catalogue()

    @property
    def server_url(self) -> str:
        """The base URL requests go to (without a trailing slash)."""
        return self._config.server_url

    @property
    def is_closed(self) -> bool:
        """Whether the client (or the one it was made from by :meth:`with_options`) was
        closed: it cannot be reopened."""
        return self._closed or self._owner._closed

    def __repr__(self) -> str:
        # The key is never shown.
        return f"{type(self).__name__}(server_url={self.server_url!r}, api_key='***')"

    def _check_open(self) -> None:
        if self.is_closed:
            whose = "" if self._closed else " (closed with the client it was made from)"
            raise ClientClosedError(
                f"this {type(self).__name__} client is closed{whose}; create a new client "
                "(a client cannot be used after `with` ends or close() is called)"
            )

    def with_options(
        self,
        *,
        api_key: str | Callable[[], str] | None = None,
        server_url: str | None = None,
        timeout_ms: float | None = None,
        retry_config: RetryConfig | None = None,
        http_headers: Mapping[str, str] | None = None,
        default_headers: Mapping[str, str] | None = None,
        http_referer: str | None = None,
        x_open_router_title: str | None = None,
        x_open_router_categories: str | None = None,
        debug_logger: Any = None,
    ) -> Self:
        """A client with these settings changed, sending through this client's connections.

        An argument left at ``None`` keeps this client's setting; ``http_headers`` and
        ``default_headers`` (the same thing) are added to this client's default headers.
        The copy shares this client's connection pools: making one costs no connection,
        and closing it only makes it refuse further calls (calls in flight through it
        finish), while closing this client closes the pools, so the copy then raises
        :class:`~openrouter.errors.ClientClosedError` too. A copy of a copy shares them as
        well. Bad settings raise ``ParameterError``, as for the constructor.
        """
        self._check_open()
        config = self._config.replace(
            api_key=api_key,
            server_url=server_url,
            timeout_ms=timeout_ms,
            retry_config=retry_config,
            http_headers=http_headers,
            default_headers=default_headers,
            http_referer=http_referer,
            x_open_router_title=x_open_router_title,
            x_open_router_categories=x_open_router_categories,
            debug_logger=debug_logger,
        )
        copy = object.__new__(type(self))
        copy._setup(config, None, None, self._owner)
        return copy

    def _shut(self) -> None:
        """Mark the client closed and end its calls in flight (call with the lock held)."""
        self._closed = True
        self._check_process()  # a forked child must not touch its parent's connections
        self._lifeline.close()

    async def __aenter__(self) -> Self:
        self._check_open()
        return self

    def _check_process(self) -> None:
        """In a forked child, leave the parent's pools behind (call with the lock held).

        Their connections are the parent's too: closing them could send a TLS close_notify
        or a FIN on them, and shutting them down would cut the parent's calls. So they are
        never used or closed here, nor when the child exits (their finalizer is detached),
        and are kept so that their sockets are not garbage-collected (with warnings); the
        child opens its own connections.
        """
        if self._pid == os.getpid():
            return
        self._pid = os.getpid()
        self._lifeline = _transport.Lifeline()  # the one inherited lists the parent's sockets
        if self._owns_http and self._http is not None:
            if self._release is not None:
                self._release.detach()
            self._inherited.append(self._http)
            self._http = None
        if self._owns_async_http and self._async_http is not None:
            self._inherited += (self._async_http, self._pool_keeper)
            self._async_http = self._pool_keeper = None

    def _async_pool_fits(self, pool: httpx.AsyncClient, loop: object) -> bool:
        # A pool passed in is always used; one we created only on its own event loop.
        return not self._owns_async_http or (not pool.is_closed and self._pool_loop is loop)

    async def _async_pool(self, loop: object) -> httpx.AsyncClient:
        with self._pool_lock:
            self._check_open()
            self._check_process()
            pool = self._async_http
            if pool is not None and self._async_pool_fits(pool, loop):
                return pool
            # A pool's connections belong to the event loop that opened them, so the pool
            # is closed with that loop (see _close_with_loop) and another loop (the next
            # asyncio.run(), say) gets a new one. The keeper of a pool left behind is
            # finalised by its own loop, which closes the pool there; if that loop was
            # closed without shutdown_asyncgens(), nothing can close it any more and it is
            # simply dropped.
            pool = self._async_http = httpx.AsyncClient(**self._config.pool_options())
            self._pool_loop = loop
            self._pool_keeper = keeper = _close_with_loop(pool)
        await keeper.__anext__()
        return pool

    async def _send_async(self, spec: RequestSpec) -> httpx.Response:
        owner, loop = self._owner, _running_loop()
        pool = owner._async_http
        if (
            pool is None
            or self.is_closed
            or owner._pid != os.getpid()
            or not owner._async_pool_fits(pool, loop)
        ):
            self._check_open()
            pool = await owner._async_pool(loop)
        owned, config = owner._owns_async_http, self._config
        defaults = None if owned and owner is self else config.headers
        return await _transport.send_async(
            pool, spec, config.logger, owner._lifeline, defaults, own_pool=owned
        )

    async def _aclose_async_pool(self) -> None:
        with self._pool_lock:
            self._check_process()
            keeper, self._pool_keeper = self._pool_keeper, None
        # A pool of another event loop cannot be closed from this one: dropping its
        # keeper leaves it to its own loop (see _async_pool).
        if keeper is not None and self._pool_loop is _running_loop():
            await keeper.aclose()  # closes the pool this client created


def _running_loop() -> object:
    """The running event loop (``None`` under another async library, such as trio)."""
    import asyncio  # here: a sync program need not pay for importing it (~10 ms)

    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


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
        default_headers: Headers to send with every request, over the SDK's own
            (``User-Agent``, attribution; an ``Authorization`` here replaces the key's).
        preflight: Check every ``generate`` call against the model's capabilities first
            (``images.check``) and raise ``ParameterError`` for a definite mismatch, sending
            nothing (per call: ``preflight=``).
        preflight_ttl_ms: How long the model listing behind ``check`` is reused (default
            600000, ten minutes).

    :meth:`with_options` makes a copy with other settings that shares the connections.
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
            self._check_process()
            if self._http is None:
                self._http = httpx.Client(**self._config.pool_options())
                # Closed with the client, or when it is garbage-collected unclosed.
                self._release = weakref.finalize(self, self._http.close)
            return self._http

    def _send(self, spec: RequestSpec) -> httpx.Response:
        owner = self._owner
        pool = owner._http
        if pool is None or self.is_closed or owner._pid != os.getpid():
            self._check_open()
            pool = owner._pool()
        owned, config = owner._owns_http, self._config
        defaults = None if owned and owner is self else config.headers
        return _transport.send(pool, spec, config.logger, owner._lifeline, defaults, own_pool=owned)

    def close(self) -> None:
        """Close the client and the sync pool it created; calls in flight (in any thread or
        task) and streams being read end at once with ``ClientClosedError``, as does every
        later call. :meth:`aclose` also closes the async pool. Safe to call twice."""
        with self._pool_lock:
            self._shut()
            if self._http is not None and self._release is not None:
                self._release()

    async def aclose(self) -> None:
        """Close the client (see :meth:`close`) and both connection pools it created."""
        self.close()
        await self._aclose_async_pool()

    def __enter__(self) -> Self:
        self._check_open()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

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
        """Close the client and the pool it created (see :meth:`OpenRouter.close`)."""
        with self._pool_lock:
            self._shut()
        await self._aclose_async_pool()

    aclose = close

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()
