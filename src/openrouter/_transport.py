"""Sending a request with retries: the two loops (sync and async) and the one place where
httpx's exceptions become this SDK's.

Both loops make the same decisions through :class:`~openrouter._retry.RetryPolicy`; they
differ only in how they send and sleep. A response that is retried is closed before the
next attempt. A buffered response is read inside the loop, so a connection that drops in
the middle of the body is retried like one that failed to connect. A stream is handed over
unread once its headers are in, and is never retried after that.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import httpx

from ._response import is_event_stream, is_success
from ._retry import RetryPolicy, describe
from .errors import (
    APIConnectionError,
    APITimeoutError,
    ClientClosedError,
    OpenRouterError,
    ResponseValidationError,
    redact,
)

if TYPE_CHECKING:
    from ._request import HeaderValue, RequestSpec


_TIMEOUT_KINDS = {
    httpx.ConnectTimeout: "connect",
    httpx.ReadTimeout: "read",
    httpx.WriteTimeout: "write",
    httpx.PoolTimeout: "pool",
}


def wrap_transport_error(
    exc: httpx.HTTPError | httpx.StreamError,
    during: str = "",
    secret: str | None = None,
    attempts: int = 1,
) -> OpenRouterError:
    """This SDK's error for an httpx failure other than a status (the key is scrubbed).

    Timeouts become ``APITimeoutError``; a body that cannot be decoded (a bad
    ``Content-Encoding``) ``ResponseValidationError``; everything else (refused, reset or
    dropped connections, redirect loops) ``APIConnectionError``.
    """
    try:
        request = exc.request  # type: ignore[union-attr]  # StreamError has none: AttributeError
        where = f"{request.method} {request.url}"
        limits = request.extensions.get("timeout") or {}
    except (RuntimeError, AttributeError):  # httpx raises RuntimeError when there is none
        where, limits = "request", {}
    when = f" {during}" if during else ""
    tries = f" ({attempts} attempts)" if attempts > 1 else ""
    if isinstance(exc, httpx.TimeoutException):
        kind = _TIMEOUT_KINDS.get(type(exc), "")
        limit = limits.get(kind)
        detail = f": nothing for {limit:g} s ({kind} timeout, see timeout_ms)" if limit else ""
        hint = f"{tries}; {_CHECK}" if kind == "connect" else ""
        return APITimeoutError(f"{where} timed out{when}{detail}{hint}")
    if isinstance(exc, httpx.DecodingError):
        message = f"{where}: the response body could not be decoded{when} ({describe(exc)})"
        return ResponseValidationError(message, None, exc)
    if isinstance(exc, httpx.TooManyRedirects):
        return APIConnectionError(f"{where}: too many redirects")
    if isinstance(exc, httpx.ConnectError):  # refused, unknown host, unreachable network
        message = f"{where}: could not connect ({describe(exc)}){tries}; {_CHECK}"
        return APIConnectionError(redact(message, secret))
    return APIConnectionError(redact(f"{where}: connection failed{when} ({describe(exc)})", secret))


_CHECK = "check server_url (or OPENROUTER_BASE_URL), the host name and your network"


def _must_read(spec: RequestSpec, response: httpx.Response) -> bool:
    # Errors are always read (they are small and parsed at once); so is a buffered answer,
    # including the JSON a non-streaming model sends back to a `stream=True` call.
    return not spec.stream or not is_success(response) or not is_event_stream(response)


class _Log:
    """The debug log lines of one call; the API key never reaches them (headers are not
    logged). The logger may be any object with a ``debug`` method, as the official SDK's."""

    def __init__(self, logger: Any, spec: RequestSpec) -> None:
        self.logger = logger
        self.where = f"{spec.method} {spec.url}"
        self.started = time.perf_counter()
        is_enabled = getattr(logger, "isEnabledFor", None)
        self.debug = is_enabled(logging.DEBUG) if is_enabled else True

    def sent(self, attempt: int) -> None:
        if self.debug:
            self.started = time.perf_counter()
            self.logger.debug("request %s (attempt %d)", self.where, attempt)

    def received(self, response: httpx.Response) -> None:
        if self.debug:
            ms = (time.perf_counter() - self.started) * 1000
            self.logger.debug(
                "response %s -> %d %s in %.1f ms",
                self.where,
                response.status_code,
                response.headers.get("content-type", ""),
                ms,
            )

    def retrying(self, delay: float, reason: str, retry: int) -> None:
        log = getattr(self.logger, "info", self.logger.debug)
        log("retry %d of %s in %.2f s after %s", retry, self.where, delay, reason)


def _headers(spec: RequestSpec, defaults: Mapping[str, HeaderValue] | None) -> Any:
    """The call's headers; with ``defaults`` for a client that lacks them (one passed in)."""
    if defaults is None:
        return spec.headers or None
    headers = httpx.Headers(defaults)  # type: ignore[arg-type]  # str and bytes values
    headers.update(spec.headers)  # type: ignore[arg-type]  # (case-insensitive replace)
    return headers


def send(
    client: httpx.Client,
    spec: RequestSpec,
    logger: Any,
    defaults: Mapping[str, HeaderValue] | None = None,
) -> httpx.Response:
    """Send ``spec`` with retries; return a response whose body is read unless it is a stream.

    ``defaults`` are the client-wide headers, for an httpx client that does not carry them.
    """
    if getattr(client, "is_closed", False):
        raise ClientClosedError("the httpx.Client this client sends with has been closed")
    policy = RetryPolicy(spec.retry_config, idempotent=spec.idempotent)
    log = _Log(logger, spec)
    request = client.build_request(
        spec.method,
        spec.url,
        headers=_headers(spec, defaults),
        json=spec.json,
        timeout=spec.timeout,
    )
    while True:
        log.sent(policy.retries + 1)
        response = None
        try:
            response = client.send(request, stream=True)
            if _must_read(spec, response):
                response.read()
        except httpx.TransportError as exc:
            status = None
            if response is not None:
                status = response.status_code
                response.close()
            delay = policy.delay_for_error(exc, status)
            if delay is None:
                attempts = policy.retries + 1
                raise wrap_transport_error(exc, secret=spec.secret, attempts=attempts) from exc
            log.retrying(delay, describe(exc), policy.retries)
            time.sleep(delay)
            continue
        except httpx.HTTPError as exc:  # not worth another attempt: a bad body, a redirect loop
            if response is not None:
                response.close()
            raise wrap_transport_error(exc, secret=spec.secret) from exc
        log.received(response)
        if not is_success(response):
            delay = policy.delay_for_status(response.status_code, response.headers)
            if delay is not None:
                response.close()
                log.retrying(delay, f"HTTP {response.status_code}", policy.retries)
                time.sleep(delay)
                continue
        return response


async def send_async(
    client: httpx.AsyncClient,
    spec: RequestSpec,
    logger: Any,
    defaults: Mapping[str, HeaderValue] | None = None,
) -> httpx.Response:
    """The async twin of :func:`send`."""
    import anyio

    if getattr(client, "is_closed", False):
        raise ClientClosedError("the httpx.AsyncClient this client sends with has been closed")
    policy = RetryPolicy(spec.retry_config, idempotent=spec.idempotent)
    log = _Log(logger, spec)
    request = client.build_request(
        spec.method,
        spec.url,
        headers=_headers(spec, defaults),
        json=spec.json,
        timeout=spec.timeout,
    )
    while True:
        log.sent(policy.retries + 1)
        response = None
        try:
            response = await client.send(request, stream=True)
            if _must_read(spec, response):
                await response.aread()
        except httpx.TransportError as exc:
            status = None
            if response is not None:
                status = response.status_code
                await response.aclose()
            delay = policy.delay_for_error(exc, status)
            if delay is None:
                attempts = policy.retries + 1
                raise wrap_transport_error(exc, secret=spec.secret, attempts=attempts) from exc
            log.retrying(delay, describe(exc), policy.retries)
            await anyio.sleep(delay)
            continue
        except httpx.HTTPError as exc:  # not worth another attempt: a bad body, a redirect loop
            if response is not None:
                await response.aclose()
            raise wrap_transport_error(exc, secret=spec.secret) from exc
        log.received(response)
        if not is_success(response):
            delay = policy.delay_for_status(response.status_code, response.headers)
            if delay is not None:
                await response.aclose()
                log.retrying(delay, f"HTTP {response.status_code}", policy.retries)
                await anyio.sleep(delay)
                continue
        return response
