"""Watching the SDK's requests through httpx's event hooks (a public httpx API).

The CLI hands the SDK an httpx client of its own whose hooks see every attempt of a call,
retries included, which the SDK's result does not tell. :data:`CALL` holds the
:class:`CallInfo` of the call under way (a context variable, so each batch job, an asyncio
task, has its own). The hooks:

* count attempts and bytes received (for the status line and the manifest);
* report a 429 (or any error asking to wait with ``Retry-After``) to ``on_wait``, so that a
  batch pauses all new jobs, not only the one that was told to slow down;
* cap the retries at ``--retries N``: after the last allowed attempt an error response gets
  ``x-should-retry: false``, the header with which the API itself says "do not retry",
  which the SDK's retry policy honours. The waits stay the SDK's.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

RATE_LIMIT_PAUSE = 0.5
"""Seconds a batch pauses new jobs after a 429 that does not say how long to wait (the
SDK's first backoff)."""


@dataclass
class CallInfo:
    """What the hooks saw of one call."""

    attempts: int = 0
    received: int = 0
    """Bytes of the latest response body received so far (sync calls only)."""
    status: int | None = None
    """The status of the latest response."""


CALL: ContextVar[CallInfo | None] = ContextVar("openrouter_cli_call", default=None)


def retry_after(headers: httpx.Headers) -> float | None:
    """Seconds a response asks to wait (``retry-after-ms`` or ``Retry-After``), if any."""
    for name, scale in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = headers.get(name)
        if not value:
            continue
        try:
            return max(0.0, float(value) / scale)
        except ValueError:
            pass
        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError, IndexError):
            return None
    return None


class _Counted(httpx.SyncByteStream):
    """A response body that adds the size of each chunk to ``info.received``."""

    def __init__(self, stream: httpx.SyncByteStream, info: CallInfo) -> None:
        self._stream, self._info = stream, info

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._stream:
            self._info.received += len(chunk)
            yield chunk

    def close(self) -> None:
        self._stream.close()


class Hooks:
    """The event hooks of the httpx clients the CLI gives the SDK."""

    def __init__(
        self, retries: int | None, on_wait: Callable[[float, int], None] | None = None
    ) -> None:
        self.retries = retries
        self.on_wait = on_wait

    def request(self, request: httpx.Request) -> None:
        """Count an attempt of the current call (its bytes are counted afresh)."""
        info = CALL.get()
        if info is not None:
            info.attempts += 1
            info.received = 0

    def response(self, response: httpx.Response) -> None:
        """Note the status, report a request to wait, cap the retries, count the bytes."""
        info = CALL.get()
        status = response.status_code
        if status >= 400:
            wait = retry_after(response.headers)
            if self.on_wait is not None and (status == 429 or wait):
                self.on_wait(wait or RATE_LIMIT_PAUSE, status)
            if info is not None and self.retries is not None and info.attempts > self.retries:
                response.headers["x-should-retry"] = "false"
        if info is not None:
            info.status = status
            if isinstance(response.stream, httpx.SyncByteStream):
                response.stream = _Counted(response.stream, info)

    async def arequest(self, request: httpx.Request) -> None:
        """:meth:`request` for an async client (httpx awaits its hooks)."""
        self.request(request)

    async def aresponse(self, response: httpx.Response) -> None:
        """:meth:`response` for an async client."""
        self.response(response)

    def client(self) -> httpx.Client:
        """A sync httpx client with these hooks (the SDK adds its headers per request)."""
        hooks: dict[str, list[Callable[..., Any]]] = {
            "request": [self.request],
            "response": [self.response],
        }
        return httpx.Client(follow_redirects=True, event_hooks=hooks)

    def async_client(self) -> httpx.AsyncClient:
        """An async httpx client with these hooks."""
        hooks: dict[str, list[Callable[..., Any]]] = {
            "request": [self.arequest],
            "response": [self.aresponse],
        }
        return httpx.AsyncClient(follow_redirects=True, event_hooks=hooks)
