"""Sending a request with retries: the two loops (sync and async) and the one place where
httpx's exceptions become this SDK's.

Both loops ask one :class:`Call` for every decision (which asks
:class:`~openrouter._retry.RetryPolicy` whether and how long to wait); they differ only in
how they send, close and sleep. A response that is retried is closed before the
next attempt. A buffered response is read inside the loop, so a connection that drops in
the middle of the body is retried like one that failed to connect. A stream is handed over
unread once its headers are in, and is never retried after that.

A client's :class:`Lifeline` tells the loops when the client is closed: a call in flight
then ends with ``ClientClosedError`` instead of being retried. Whatever way a call ends, the
key is then taken out of its request, which outlives the call in errors
(``exc.request``, ``raw_response.request``) that may be pickled or logged.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import socket
import threading
import time
import weakref
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import httpx

from ._response import ELAPSED, RETRIES_TAKEN, is_event_stream, is_success
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
    dropped connections, redirect loops) ``APIConnectionError``. ``attempts``: how many
    were made (its ``retries_taken`` is one less).
    """
    error = _wrapped(exc, during, secret, attempts)
    error.retries_taken = attempts - 1
    return error


def _wrapped(
    exc: httpx.HTTPError | httpx.StreamError, during: str, secret: str | None, attempts: int
) -> OpenRouterError:
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
# The trace events that hand over a new network stream (a TLS stream replaces the plain one).
_NEW_STREAM = frozenset(
    f"{part}.{step}.complete"
    for part in ("connection", "proxy", "socks")
    for step in ("connect_tcp", "connect_unix_socket", "start_tls")
)


class Lifeline:
    """Whether a client was closed, and the connections of the pools it created.

    Closing shuts those connections down: closing a socket does not wake a thread blocked
    reading it, shutting it down does, so a call in flight ends at once (and sees
    :attr:`closed`). The connections are noted through httpx's ``trace`` request extension
    (:meth:`trace`, :meth:`atrace`) and held weakly, so a connection the pool drops is
    forgotten.
    """

    def __init__(self) -> None:
        self.closed = False
        """Whether the client was closed (read before every attempt: a plain attribute)."""
        self._closing = threading.Event()  # set with `closed`, for waits between retries
        self._streams: weakref.WeakSet[Any] = weakref.WeakSet()
        self._lock = threading.Lock()

    def trace(self, event: str, info: dict[str, Any]) -> None:
        """httpx's ``trace`` callback for a sync pool (called ~10 times per request)."""
        if event in _NEW_STREAM:
            self._note(info["return_value"])

    async def atrace(self, event: str, info: dict[str, Any]) -> None:
        """httpx's ``trace`` callback for an async pool."""
        if event in _NEW_STREAM:
            self._note(info["return_value"])

    def _note(self, stream: Any) -> None:
        with self._lock:
            self._streams.add(stream)
            closed = self.closed
        if closed:  # connected while close() ran, too late for it to see this one
            shut_down(stream)

    def close(self) -> None:
        """Mark the client closed and shut its connections down (waking calls in flight)."""
        with self._lock:
            self.closed = True
            self._closing.set()
            streams = list(self._streams)
        for stream in streams:
            shut_down(stream)

    def sleep(self, seconds: float) -> None:
        """Wait before a retry, or less if the client is closed meanwhile."""
        self._closing.wait(seconds)

    async def asleep(self, seconds: float) -> None:
        """The async :meth:`sleep` (it looks every 0.1 s whether the client was closed)."""
        import anyio

        deadline = time.monotonic() + seconds
        while not self.closed and (left := deadline - time.monotonic()) > 0:
            await anyio.sleep(min(left, 0.1))


def shut_down(stream: Any) -> None:
    """Shut down the socket of an httpcore network stream (a closed one is left alone)."""
    sock = stream.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


def closed_under(response: httpx.Response) -> ClientClosedError | None:
    """The error for a stream whose client (which created its pool) was closed, if it was."""
    trace = response.request.extensions.get("trace")
    lifeline = getattr(trace, "__self__", None)  # the Lifeline method given to the request
    if isinstance(lifeline, Lifeline) and lifeline.closed:
        return ClientClosedError("the client was closed while this stream was being read")
    return None


def _closed(client: Any, lifeline: Lifeline) -> ClientClosedError | None:
    """The error for a call whose client (or the httpx client it sends with) was closed."""
    if lifeline.closed:
        return ClientClosedError("the client was closed while this call was in flight")
    if getattr(client, "is_closed", False):
        return ClientClosedError(
            "the httpx client this client sends with was closed while this call was in flight"
        )
    return None


def _hide_key(*requests: httpx.Request | None) -> None:
    """Replace the key in the headers of requests that are done with (never between
    retries: the request is sent again).

    An httpx error keeps its request (and pickles it with its headers), and so does a
    response; the key must not travel with them into pickles and logs.
    """
    seen: set[int] = set()
    for request in requests:  # (usually one request three times: each is looked at once)
        if request is None or id(request) in seen:
            continue
        seen.add(id(request))
        if "authorization" in request.headers:
            request.headers["authorization"] = "Bearer ***"


def _request_of(outcome: object) -> httpx.Request | None:
    """The request of a response or an httpx error (after redirects, not the one sent first)."""
    if outcome is None:
        return None
    try:
        return outcome.request  # type: ignore[attr-defined, no-any-return]
    except (RuntimeError, AttributeError):  # httpx raises RuntimeError when there is none
        return None


class _Log:
    """The debug log lines of one call; the API key never reaches them (headers are not
    logged). The logger may be any object with a ``debug`` method, as the official SDK's."""

    def __init__(self, logger: Any, spec: RequestSpec) -> None:
        self.logger, self.spec = logger, spec
        self.started = 0.0
        is_enabled = getattr(logger, "isEnabledFor", None)
        self.debug = is_enabled(logging.DEBUG) if is_enabled else True

    @property
    def where(self) -> str:
        return f"{self.spec.method} {self.spec.url}"

    # `sent` and `received` are called only when `debug` is true.
    def sent(self, attempt: int) -> None:
        self.started = time.perf_counter()
        self.logger.debug("request %s (attempt %d)", self.where, attempt)

    def received(self, response: httpx.Response) -> None:
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


class Call:
    """One call's decisions, asked by both send loops, which only move bytes and sleep.

    It builds the request once, says before each attempt whether the client is still open,
    and after each attempt whether and how long to wait (``after_error``,
    ``after_response``) or what to raise. :meth:`done` takes the key out of the request
    once the call is over, whatever way it ended.

    ``lifeline`` is the sending client's; ``own_pool``: ``client`` is a pool it created,
    whose connections closing it shuts down. ``defaults`` are the client-wide headers, for
    an httpx client that does not carry them.
    """

    def __init__(
        self,
        client: httpx.Client | httpx.AsyncClient,
        spec: RequestSpec,
        logger: Any,
        lifeline: Lifeline,
        defaults: Mapping[str, HeaderValue] | None,
        own_pool: bool,
    ) -> None:
        if getattr(client, "is_closed", False):
            raise ClientClosedError("the httpx client this client sends with has been closed")
        self.client, self.spec, self.lifeline = client, spec, lifeline
        self.policy = RetryPolicy(spec.retry_config, idempotent=spec.idempotent)
        self.log = _Log(logger, spec)
        sync = isinstance(client, httpx.Client)
        trace = lifeline.trace if sync else lifeline.atrace
        self.request = client.build_request(
            spec.method,
            spec.url,
            headers=_headers(spec, defaults),
            json=spec.json,
            timeout=spec.timeout,
            # Only a pool the client created is its to shut down on close().
            extensions={"trace": trace} if own_pool else None,
        )
        self.response: httpx.Response | None = None
        self.failure: httpx.HTTPError | None = None
        self.started = time.monotonic()

    def start(self) -> httpx.Request:
        """The request to send now (raises ``ClientClosedError`` if the client was closed)."""
        closed = _closed(self.client, self.lifeline)
        if closed is not None:
            raise closed
        if self.log.debug:
            self.log.sent(self.policy.retried + 1)
        return self.request

    def must_read(self, response: httpx.Response) -> bool:
        """Whether to read the body inside the loop: errors and buffered answers, including
        the JSON a non-streaming model sends back to a ``stream=True`` call, are read (a
        drop mid-body is then retried like a failed connection); an SSE stream is not."""
        self.response = response
        return not self.spec.stream or not is_success(response) or not is_event_stream(response)

    def after_error(self, exc: Exception, response: httpx.Response | None) -> float:
        """The wait before the next attempt after ``exc``, or raise the error to end with."""
        if isinstance(exc, httpx.HTTPError):
            self.failure = exc
        closed = _closed(self.client, self.lifeline)
        if closed is not None:
            raise closed from exc
        if not isinstance(exc, httpx.HTTPError):  # httpx's RuntimeError, not for a close
            raise exc
        delay = None
        if isinstance(exc, httpx.TransportError):  # others: a bad body, a redirect loop
            status = response.status_code if response is not None else None
            delay = self.policy.delay_for_error(exc, status)
        if delay is None:
            attempts = self.policy.retried + 1
            raise wrap_transport_error(exc, secret=self.spec.secret, attempts=attempts) from exc
        self.log.retrying(delay, describe(exc), self.policy.retried)
        return delay

    def after_response(self, response: httpx.Response) -> float | None:
        """``None`` to return ``response`` (a success, or an error not to retry), or the
        wait before the next attempt (the caller closes the response)."""
        self.response = response
        if self.log.debug:
            self.log.received(response)
        delay = None
        if not is_success(response):
            delay = self.policy.delay_for_status(response.status_code, response.headers)
        if delay is not None:
            self.log.retrying(delay, f"HTTP {response.status_code}", self.policy.retried)
        else:  # the call's answer: note what the result and its error tell about the call
            response.extensions[RETRIES_TAKEN] = self.policy.retried
            elapsed = time.monotonic() - self.started
            response.extensions[ELAPSED] = datetime.timedelta(seconds=elapsed)
        return delay

    def done(self) -> None:
        """The call is over: take the key out of the requests it leaves behind."""
        _hide_key(self.request, _request_of(self.response), _request_of(self.failure))
        response = self.response
        if response is not None and response.is_closed:
            # A read response and its stream hold each other, so the body (megabytes of
            # base64) would outlive the call until the garbage collector ran; the body is
            # in `response.content`, so the stream is no longer needed.
            response.stream = httpx.ByteStream(b"")


def send(
    client: httpx.Client,
    spec: RequestSpec,
    logger: Any,
    lifeline: Lifeline,
    defaults: Mapping[str, HeaderValue] | None = None,
    *,
    own_pool: bool = False,
) -> httpx.Response:
    """Send ``spec`` with retries (see :class:`Call` for the arguments); return a response
    whose body is read unless it is a stream."""
    call = Call(client, spec, logger, lifeline, defaults, own_pool)
    delay: float | None
    try:
        while True:
            response = None
            try:
                response = client.send(call.start(), stream=True)
                if call.must_read(response):
                    response.read()
            except (httpx.HTTPError, RuntimeError) as exc:  # RuntimeError: a closed client
                if response is not None:
                    response.close()
                delay = call.after_error(exc, response)
            else:
                delay = call.after_response(response)
                if delay is None:
                    return response
                response.close()
            lifeline.sleep(delay)
    finally:
        call.done()


async def send_async(
    client: httpx.AsyncClient,
    spec: RequestSpec,
    logger: Any,
    lifeline: Lifeline,
    defaults: Mapping[str, HeaderValue] | None = None,
    *,
    own_pool: bool = False,
) -> httpx.Response:
    """The async twin of :func:`send`."""
    call = Call(client, spec, logger, lifeline, defaults, own_pool)
    delay: float | None
    try:
        while True:
            response = None
            try:
                response = await client.send(call.start(), stream=True)
                if call.must_read(response):
                    await response.aread()
            except (httpx.HTTPError, RuntimeError) as exc:  # RuntimeError: a closed client
                if response is not None:
                    await response.aclose()
                delay = call.after_error(exc, response)
            else:
                delay = call.after_response(response)
                if delay is None:
                    return response
                await response.aclose()
            await lifeline.asleep(delay)
    finally:
        call.done()
