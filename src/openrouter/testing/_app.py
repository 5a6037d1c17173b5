"""The fake OpenRouter Images API as a Starlette application.

Routes:

* ``POST /api/v1/images``: image generation (buffered JSON, or SSE for streaming models);
* ``GET /api/v1/images/models``: the model listing;
* ``GET /api/v1/images/models/{author}/{slug}/endpoints``: per-endpoint records;
* ``/_fake/faults`` (``GET``, ``POST``), ``GET /_fake/requests`` and ``POST /_fake/reset``:
  control endpoints for out-of-process use.

Every request under ``/api/v1`` goes through the same pipeline: it is recorded, a matching
:class:`Fault` is looked up (the ``X-Fake-Fault`` header first, then the injected faults in
order), and only then authentication and validation run, so a fault applies even to an
otherwise invalid request. The answer is described by a :class:`_Plan` (status, headers,
body pieces) which :class:`_PlannedResponse` sends, applying the fault's delays and
connection drops.

This module deliberately works with plain dicts and JSON: it is an independent
implementation of the wire contract, not a consumer of the SDK's models.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import json
import math
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, fields
from http import HTTPStatus
from typing import Any, Literal, NoReturn, get_args
from urllib.parse import unquote

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from . import _images
from ._catalogue import MODELS, FakeModel

__all__ = ["DropMode", "FakeState", "Fault", "RecordedRequest", "create_app"]

API_PREFIX = "/api/v1"

#: How a fault cuts the connection, see :class:`Fault`.
DropMode = Literal["mid-body", "mid-stream", "before-headers"]

_ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

# --------------------------------------------------------------------------------------
# Faults and the request log
# --------------------------------------------------------------------------------------


def _new_fault_id() -> str:
    return "fault_" + uuid.uuid4().hex[:12]


@dataclass
class Fault:
    """A failure (or slowdown) to inject into the responses of the fake server.

    Matching: a fault matches a request under ``/api/v1`` when every filter that is set
    matches: ``path`` (the path after ``/api/v1``: equal, or a ``/``-separated prefix of it;
    ``"/images"`` means only the generation endpoint, since discovery lives under
    ``/images/models``), ``method`` (case-insensitive) and ``model`` (the ``model`` of the
    JSON body, or the model of an ``.../endpoints`` lookup). The first matching fault
    applies and its ``times`` counter is decremented; at zero it is removed. ``times=None``
    means forever, so ``times=2`` means "fail twice, then succeed".

    Effects (combine freely):

    * ``status``: answer this status with the spec's error envelope and a realistic
      message, instead of processing the request. ``body`` overrides the body (dict/list
      -> JSON, str -> sent as-is; alone it implies status 200) and ``content_type`` its
      content type (default ``application/json``). ``html=True`` sends a Cloudflare-like
      HTML error page (status default 524).
    * ``headers``: extra response headers (on whatever response is sent), e.g.
      ``{"Retry-After": "1"}``.
    * ``delay``: seconds to wait before the response headers are sent.
    * ``event_delay``: seconds between stream events (a ``: OPENROUTER PROCESSING``
      comment is sent halfway through each wait).
    * ``error_event``: in a stream, send an ``error`` event after the first partial image
      or content text chunk and end the stream there (no ``[DONE]``, like an upstream
      failure). ``True`` sends a default ``provider_error``; a dict is sent as the
      ``error`` object.
    * ``drop``: cut the TCP connection. ``"before-headers"``: no response at all;
      ``"mid-body"`` / ``"mid-stream"``: after the headers and part of the body (half of a
      JSON body announced with its full Content-Length, or the stream up to its first
      event); the client sees a protocol error, not a clean end.
    * ``partial_images``: number of partial images a streaming raster model sends
      (default 2).

    Stream-only effects are ignored for buffered responses.
    """

    status: int | None = None
    body: dict[str, Any] | list[Any] | str | None = None
    content_type: str | None = None
    headers: dict[str, str] | None = None
    html: bool = False
    path: str | None = None
    model: str | None = None
    method: str | None = None
    delay: float = 0.0
    event_delay: float = 0.0
    error_event: bool | dict[str, Any] = False
    drop: DropMode | None = None
    partial_images: int | None = None
    times: int | None = 1
    id: str = field(default_factory=_new_fault_id)

    def __post_init__(self) -> None:
        # Validate now, so that a bad fault fails in the test that injects it rather than
        # later as a confusing server error.
        problem = _fault_problem(self)
        if problem is not None:
            raise ValueError(problem)
        if self.path is not None and self.path.startswith(API_PREFIX + "/"):
            self.path = self.path[len(API_PREFIX) :]

    @classmethod
    def from_json(cls, data: Any) -> Fault:
        """Build a fault from a JSON object of its fields (raises :class:`ValueError`)."""
        if not isinstance(data, dict):
            raise ValueError("a fault must be a JSON object of Fault fields")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown Fault field(s): {', '.join(unknown)}")
        try:
            return cls(**data)
        except TypeError as exc:  # e.g. a field given a value of an unusable type
            raise ValueError(str(exc)) from exc

    def to_json(self) -> dict[str, Any]:
        """Return the fault's fields as a JSON-compatible dict."""
        return asdict(self)

    @property
    def responds(self) -> bool:
        """Whether this fault replaces the response (status, body or HTML page)."""
        return self.status is not None or self.body is not None or self.html

    def matches(self, method: str, api_path: str, model: str | None) -> bool:
        """Return whether this fault applies to a request (``api_path`` is after /api/v1)."""
        if self.method is not None and self.method.upper() != method.upper():
            return False
        if self.model is not None and self.model != model:
            return False
        return self.path is None or _path_matches(self.path, api_path)


def _strict_int(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _fault_problem(fault: Fault) -> str | None:
    """Describe the first invalid field of a fault, or return None."""
    optional_str = (str, type(None))
    headers = fault.headers
    checks = [
        ("status", fault.status is None or _strict_int(fault.status, 100, 599), "100-599 or None"),
        ("body", isinstance(fault.body, (dict, list, *optional_str)), "a dict, list, str or None"),
        ("content_type", isinstance(fault.content_type, optional_str), "a string or None"),
        (
            "headers",
            headers is None
            or (isinstance(headers, dict) and all(isinstance(v, str) for v in headers.values())),
            "a dict of strings or None",
        ),
        ("html", isinstance(fault.html, bool), "a boolean"),
        ("path", isinstance(fault.path, optional_str), "a string or None"),
        ("model", isinstance(fault.model, optional_str), "a string or None"),
        ("method", isinstance(fault.method, optional_str), "a string or None"),
        ("delay", _non_negative(fault.delay), "a non-negative number"),
        ("event_delay", _non_negative(fault.event_delay), "a non-negative number"),
        ("error_event", isinstance(fault.error_event, (bool, dict)), "a boolean or a dict"),
        (
            "drop",
            fault.drop is None or fault.drop in get_args(DropMode),
            "one of " + ", ".join(get_args(DropMode)) + " or None",
        ),
        (
            "partial_images",
            fault.partial_images is None or _strict_int(fault.partial_images, 0, 10),
            "an integer in 0-10 or None",
        ),
        ("times", fault.times is None or _strict_int(fault.times, 1, 2**31), "positive or None"),
    ]
    for name, valid, expected in checks:
        if not valid:
            return f"{name} must be {expected}, got {getattr(fault, name)!r}"
    return None


def _non_negative(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0


def _path_matches(pattern: str, path: str) -> bool:
    """Exact or ``/``-separated prefix match; ``/images`` is only the generation endpoint."""
    pattern = pattern.rstrip("/") or "/"
    if pattern == path:
        return True
    # The discovery endpoints live *under* /images, yet "/images" naturally means
    # "the generation endpoint", so it never acts as a prefix.
    if pattern == "/images":
        return False
    return path.startswith(pattern if pattern.endswith("/") else pattern + "/")


@dataclass(frozen=True)
class RecordedRequest:
    """One request received under ``/api/v1``, as recorded by the fake server.

    ``headers`` has lower-case names (repeated headers are joined with ``", "``),
    ``query`` maps each parameter to its last value, ``json`` is the parsed body or
    ``None`` when the body is empty or not JSON, ``time`` is a Unix timestamp.
    """

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    json: Any | None
    time: float

    def to_json(self) -> dict[str, Any]:
        """Return a JSON-compatible dict (the body as text, lossy for binary bodies)."""
        return {
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "headers": self.headers,
            "body": self.body.decode("utf-8", errors="replace"),
            "json": self.json,
            "time": self.time,
        }


class FakeState:
    """The mutable state behind one fake app: settings, faults and the request log.

    Faults and the log are guarded by a lock because the app runs on the server's event
    loop thread while tests inject faults and read the log from their own thread.
    """

    def __init__(self, api_keys: Iterable[str] | None = None, pillow: bool | None = None) -> None:
        self.api_keys: frozenset[str] | None = None if api_keys is None else frozenset(api_keys)
        if pillow and not _images.pillow_available():
            raise RuntimeError("pillow=True but Pillow is not installed (pip install pillow)")
        self.pillow: bool = _images.pillow_available() if pillow is None else pillow
        #: Set by the server running the app: closes the TCP connection of a client
        #: address and returns whether it found it. Used by ``drop`` faults.
        self.close_connection: Callable[[Any], bool] | None = None
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._requests: list[RecordedRequest] = []
        self._stopping: asyncio.Event | None = None

    # Faults ------------------------------------------------------------------------
    def add_fault(self, fault: Fault) -> Fault:
        """Append a fault to the list of injected faults."""
        with self._lock:
            self._faults.append(fault)
        return fault

    @property
    def faults(self) -> list[Fault]:
        """The faults still active, in matching order (a copy of the list)."""
        with self._lock:
            return list(self._faults)

    def take_fault(self, method: str, api_path: str, model: str | None) -> Fault | None:
        """Return the first matching fault, consuming one of its ``times``."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, api_path, model):
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times <= 0:
                            self._faults.remove(fault)
                    return fault
        return None

    # Request log -------------------------------------------------------------------
    def record(self, request: RecordedRequest) -> None:
        """Append a request to the log."""
        with self._lock:
            self._requests.append(request)

    @property
    def requests(self) -> list[RecordedRequest]:
        """The recorded requests, oldest first (a copy of the log)."""
        with self._lock:
            return list(self._requests)

    def reset(self) -> None:
        """Forget all faults and recorded requests."""
        with self._lock:
            self._faults.clear()
            self._requests.clear()

    # Shutdown ----------------------------------------------------------------------
    def stopping_event(self) -> asyncio.Event:
        """The event set when the server stops (created lazily on the running loop)."""
        if self._stopping is None:
            self._stopping = asyncio.Event()
        return self._stopping

    def signal_stop(self) -> None:
        """Wake up every delayed response so that shutdown is prompt (call on the loop)."""
        self.stopping_event().set()

    def clear_stop(self) -> None:
        """Forget the stopping event before the app is served again on a new loop."""
        self._stopping = None


# --------------------------------------------------------------------------------------
# Responses
# --------------------------------------------------------------------------------------

_PROCESSING = b": OPENROUTER PROCESSING\n\n"

_DEFAULT_MESSAGES = {
    400: "Invalid request parameters",
    401: "Missing Authentication header",
    402: "Insufficient credits. Add more using https://openrouter.ai/credits",
    403: "Only management keys can perform this operation",
    404: "Resource not found",
    408: "Request timed out",
    413: "Request payload too large",
    422: "Unprocessable entity",
    429: "Rate limit exceeded",
    500: "Internal Server Error",
    502: "Provider returned error",
    503: "Service temporarily unavailable",
    504: "Gateway timeout",
    524: "Request timed out. Please try again later.",
    529: "Provider returned error",
}

_DEFAULT_STREAM_ERROR = {
    "code": "upstream_error",
    "message": "The upstream provider returned an error",
    "param": None,
    "type": "provider_error",
}


@dataclass
class _Frame:
    """One piece of a response body; ``event`` marks SSE data events (not comments)."""

    data: bytes
    event: bool = False


@dataclass
class _Plan:
    """What to answer: status, headers and the body as frames."""

    status: int
    headers: dict[str, str]
    frames: list[_Frame]
    stream: bool = False


def _dumps(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def _json_plan(status: int, payload: Any) -> _Plan:
    body = _dumps(payload)
    headers = {"content-type": "application/json", "content-length": str(len(body))}
    return _Plan(status, headers, [_Frame(body)])


def _error_plan(status: int, message: str, metadata: dict[str, Any] | None = None) -> _Plan:
    error: dict[str, Any] = {"code": status, "message": message}
    if metadata is not None:
        error["metadata"] = metadata
    return _json_plan(status, {"error": error})


def _default_message(status: int) -> str:
    if status in _DEFAULT_MESSAGES:
        return _DEFAULT_MESSAGES[status]
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _html_page(status: int) -> bytes:
    """A Cloudflare-like error page, as sent by the edge when the origin times out."""
    timeout = status == 524
    reason = "A timeout occurred" if timeout else _default_message(status)
    detail = "timed out responding to" if timeout else "returned an error for"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en-US">\n<head>\n'
        f"<title>openrouter.ai | {status}: {reason}</title>\n"
        '<meta charset="UTF-8" />\n'
        "</head>\n<body>\n"
        '<div id="cf-wrapper">\n'
        f'<h1><span class="inline-block">{reason}</span>\n'
        f'<span class="code-label">Error code {status}</span></h1>\n'
        f"<p>The origin web server {detail} this request.</p>\n"
        '<p>Cloudflare Ray ID: <strong class="font-semibold">8f00000000000000</strong></p>\n'
        "</div>\n</body>\n</html>\n"
    ).encode()


def _fault_plan(fault: Fault) -> _Plan:
    """The response replacing the normal one for a fault that ``responds``."""
    if fault.html:
        status = fault.status or 524
        body = _html_page(status)
        content_type = fault.content_type or "text/html; charset=UTF-8"
    else:
        status = fault.status or 200
        if fault.body is None:
            metadata = {"provider_name": "Fake Labs"} if status in (502, 529) else None
            return _with_content_type(
                _error_plan(status, _default_message(status), metadata), fault
            )
        body = fault.body.encode() if isinstance(fault.body, str) else _dumps(fault.body)
        content_type = fault.content_type or "application/json"
    headers = {"content-type": content_type, "content-length": str(len(body))}
    return _Plan(status, headers, [_Frame(body)])


def _with_content_type(plan: _Plan, fault: Fault) -> _Plan:
    if fault.content_type:
        plan.headers["content-type"] = fault.content_type
    return plan


class ConnectionDropped(RuntimeError):
    """Raised to make the ASGI server close the connection when it can't be closed directly."""


class _Connection:
    """The client connection of one response: waits that end early, and dropping.

    A watcher task consumes ``receive()`` to learn when the client disconnects, so that
    waits (fault delays) end as soon as the client gives up or the server stops.
    """

    def __init__(self, scope: Scope, receive: Receive, send: Send, state: FakeState) -> None:
        self.scope = scope
        self.send = send
        self._receive = receive
        self._state = state
        self._gone = asyncio.Event()
        self._watcher: asyncio.Task[None] | None = None

    async def __aenter__(self) -> _Connection:
        self._watcher = asyncio.ensure_future(self._watch())
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._watcher is not None:
            self._watcher.cancel()
            await asyncio.gather(self._watcher, return_exceptions=True)

    async def _watch(self) -> None:
        while True:
            message = await self._receive()
            if message["type"] == "http.disconnect":
                self._gone.set()
                return

    async def pause(self, seconds: float) -> bool:
        """Wait ``seconds``; return False if the client left or the server is stopping."""
        stopping = self._state.stopping_event()
        if self._gone.is_set() or stopping.is_set():
            return False
        if seconds <= 0:
            return True
        waiters = [asyncio.ensure_future(self._gone.wait()), asyncio.ensure_future(stopping.wait())]
        try:
            done, _ = await asyncio.wait(
                waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            for waiter in waiters:
                waiter.cancel()
            await asyncio.gather(*waiters, return_exceptions=True)
        return not done

    async def drop(self) -> None:
        """Close the TCP connection now, without finishing the response."""
        if self._gone.is_set():
            return  # the client already left
        closer = self._state.close_connection
        if closer is None:
            # Not running under FakeServer: let the ASGI server close the connection
            # (it will log the exception).
            raise ConnectionDropped("connection dropped by an injected fault")
        client = self.scope.get("client")
        if not closer(tuple(client) if client else None):
            return  # no such connection any more: the client is gone
        # Wait until the server has noticed, so it doesn't complain that the app
        # returned without completing the response.
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._gone.wait(), timeout=2)


class _PlannedResponse(Response):
    """Sends a :class:`_Plan`, applying a fault's delay, event delay and drop."""

    def __init__(
        self,
        plan: _Plan,
        state: FakeState,
        *,
        delay: float = 0.0,
        event_delay: float = 0.0,
        drop: DropMode | None = None,
    ) -> None:
        # Response.__init__ would render a body and add Content-Length; the plan says all.
        self.status_code = plan.status
        self.background = None
        self.raw_headers = [
            (name.lower().encode("latin-1"), value.encode("latin-1"))
            for name, value in plan.headers.items()
        ]
        self._plan = plan
        self._state = state
        self._delay = delay
        self._event_delay = event_delay
        self._drop = drop

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Send the planned response (the ASGI entry point)."""
        async with _Connection(scope, receive, send, self._state) as connection:
            await self._play(connection)

    async def _play(self, connection: _Connection) -> None:
        if not await connection.pause(self._delay) or self._drop == "before-headers":
            await connection.drop()
            return
        await connection.send(
            {"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers}
        )
        frames = self._frames_to_send()
        events_sent = 0
        for frame in frames:
            slow = frame.event and events_sent and self._event_delay
            if slow and not await self._slow_gap(connection):
                await connection.drop()
                return
            await connection.send(
                {"type": "http.response.body", "body": frame.data, "more_body": True}
            )
            events_sent += frame.event
        if self._drop is not None:
            await connection.drop()
            return
        await connection.send({"type": "http.response.body", "body": b"", "more_body": False})

    def _frames_to_send(self) -> list[_Frame]:
        """All frames, or the part sent before a mid-body / mid-stream drop."""
        frames = self._plan.frames
        if self._drop is None:
            return frames
        if not self._plan.stream:
            body = b"".join(frame.data for frame in frames)
            return [_Frame(body[: len(body) // 2])]
        cut = next((i for i, frame in enumerate(frames) if frame.event), len(frames) - 1)
        return frames[: cut + 1]

    async def _slow_gap(self, connection: _Connection) -> bool:
        """Wait ``event_delay`` between two events, with a keep-alive comment halfway."""
        half = self._event_delay / 2
        if not await connection.pause(half):
            return False
        await connection.send(
            {"type": "http.response.body", "body": _PROCESSING, "more_body": True}
        )
        return await connection.pause(half)


# --------------------------------------------------------------------------------------
# Request validation
# --------------------------------------------------------------------------------------

# The enum lists of ImageGenerationRequest in the OpenAPI description.
# fmt: off
_ENUMS: dict[str, tuple[str, ...]] = {
    "aspect_ratio": (
        "1:1", "1:2", "1:4", "1:8", "2:1", "2:3", "3:2", "3:4", "4:1", "4:3", "4:5", "5:4",
        "8:1", "9:16", "16:9", "9:19.5", "19.5:9", "9:20", "20:9", "9:21", "21:9", "auto",
    ),
    "background": ("auto", "transparent", "opaque"),
    "output_format": ("png", "jpeg", "webp", "svg"),
    "quality": ("auto", "low", "medium", "high"),
    "resolution": ("512", "1K", "2K", "4K"),
}
# fmt: on

_TIER_PIXELS = {"512": 512, "1K": 1024, "2K": 2048, "4K": 4096}
_SIZE_PATTERN = re.compile(r"^([1-9][0-9]{0,4})x([1-9][0-9]{0,4})$")
_MAX_SIDE = 16384
_MAX_REFERENCES = 16
_MAX_SESSION_ID = 256


class ApiError(Exception):
    """An error answered with the spec's error envelope."""

    def __init__(self, status: int, message: str, metadata: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.metadata = metadata

    def plan(self) -> _Plan:
        """The error response."""
        return _error_plan(self.status, self.message, self.metadata)


def _bad(message: str) -> NoReturn:
    raise ApiError(400, message)


def _show(value: Any) -> str:
    """Render a rejected value for an error message."""
    return f"'{value}'" if isinstance(value, str) else json.dumps(value)


def _is_int(value: Any) -> bool:
    # JSON has a single number type (the real API runs on JavaScript), so 2.0 counts as 2.
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


@dataclass
class _Job:
    """A validated generation request."""

    model: FakeModel
    prompt: str
    n: int
    seed: int | None
    aspect_ratio: str | None
    resolution: str | None
    pixels: tuple[int, int] | None
    quality: str | None
    background: str | None
    output_format: str
    compression: int | None
    references: int
    stream: bool

    @property
    def transparent(self) -> bool:
        """Whether the image gets an alpha channel with a transparent backdrop."""
        return self.background == "transparent" and self.model.kind == "raster"

    def digest(self, index: int) -> bytes:
        """Hash of everything that determines image number ``index``."""
        key = [
            self.model.id, self.prompt, self.seed, self.aspect_ratio, self.resolution,
            self.pixels, self.quality, self.background, self.output_format, self.compression,
            index,
        ]  # fmt: skip
        return hashlib.sha256(_dumps(key)).digest()


def _optional_enum(payload: dict[str, Any], name: str) -> str | None:
    value = payload.get(name)
    if value is None:
        return None
    allowed = _ENUMS[name]
    if value not in allowed:
        _bad(f"Invalid {name} {_show(value)}. Allowed: {', '.join(allowed)}")
    return str(value)


def _optional_int(payload: dict[str, Any], name: str, low: int, high: int) -> int | None:
    value = payload.get(name)
    if value is None:
        return None
    if not _is_int(value) or not low <= value <= high:
        _bad(f"Invalid {name} {_show(value)}. Expected an integer between {low} and {high}")
    return int(value)


def _required_string(payload: dict[str, Any], name: str) -> str:
    if name not in payload or payload[name] is None:
        _bad(f"Missing required field '{name}'")
    value = payload[name]
    if not isinstance(value, str):
        _bad(f"Invalid {name} {_show(value)}. Expected a string")
    return value


def _check_type(payload: dict[str, Any], name: str, kind: type, label: str) -> None:
    value = payload.get(name)
    if value is not None and not isinstance(value, kind):
        _bad(f"Invalid {name} {_show(value)}. Expected {label}")


def _check_references(value: Any) -> int:
    """Validate ``input_references``; return how many there are."""
    if value is None:
        return 0
    if not isinstance(value, list):
        _bad("Invalid input_references: expected an array of image_url content parts")
    if len(value) > _MAX_REFERENCES:
        _bad(f"Invalid input_references: at most {_MAX_REFERENCES} items, got {len(value)}")
    for index, item in enumerate(value):
        image_url = item.get("image_url") if isinstance(item, dict) else None
        url = image_url.get("url") if isinstance(image_url, dict) else None
        if (
            not isinstance(item, dict)
            or item.get("type") != "image_url"
            or not isinstance(url, str)
        ):
            _bad(
                f"Invalid input_references[{index}]: expected "
                '{"type": "image_url", "image_url": {"url": "<http(s) or data URL>"}}'
            )
        if not url.startswith(("http://", "https://", "data:")):
            _bad(
                f"Invalid input_references[{index}].image_url.url: expected an http(s) or data: URL"
            )
    return len(value)


def _parse_size(value: Any) -> tuple[str | None, tuple[int, int] | None]:
    """Return ``(tier, None)`` or ``(None, (width, height))`` for a ``size`` value."""
    if value is None:
        return None, None
    if isinstance(value, str) and value in _TIER_PIXELS:
        return value, None
    match = _SIZE_PATTERN.match(value) if isinstance(value, str) else None
    if match is None or max(int(match[1]), int(match[2])) > _MAX_SIDE:
        _bad(
            f"Invalid size {_show(value)}. Expected a tier (512, 1K, 2K, 4K) "
            f"or explicit pixels '<width>x<height>' (at most {_MAX_SIDE} per side)"
        )
    return None, (int(match[1]), int(match[2]))


def _nearest_tier(pixels: tuple[int, int]) -> str:
    """The resolution tier closest (in log scale) to a pixel size's area.

    The area (not the long side) classifies shapes fairly: 1536x1024 is a "1K" image.
    """
    side = math.sqrt(pixels[0] * pixels[1])
    return min(_TIER_PIXELS, key=lambda tier: abs(math.log2(_TIER_PIXELS[tier] / side)))


def _check_size_consistency(
    size: Any, pixels: tuple[int, int] | None, tier: str | None, resolution: str | None,
    aspect_ratio: str | None,
) -> str | None:  # fmt: skip
    """Reject a size contradicting resolution/aspect_ratio; return the effective resolution."""
    if tier is not None:
        if resolution is not None and resolution != tier:
            _bad(f"Invalid size {_show(size)}: conflicts with resolution {_show(resolution)}")
        return tier
    if pixels is None:
        return resolution
    if resolution is not None and resolution != _nearest_tier(pixels):
        _bad(
            f"Invalid size {_show(size)}: an explicit pixel size conflicts with resolution "
            f"{_show(resolution)} (it is closest to {_nearest_tier(pixels)})"
        )
    if aspect_ratio not in (None, "auto"):
        wanted = _images.aspect_value(aspect_ratio)
        actual = pixels[0] / pixels[1]
        if abs(actual - wanted) / wanted > 0.02:
            _bad(
                f"Invalid size {_show(size)}: an explicit pixel size conflicts with "
                f"aspect_ratio {_show(aspect_ratio)}"
            )
    return resolution


def _validate(payload: Any, state: FakeState) -> _Job:
    """Validate a generation body like the real API does; raise :class:`ApiError`."""
    if not isinstance(payload, dict):
        _bad("Invalid request body: expected a JSON object")
    model_id = _required_string(payload, "model")
    prompt = _required_string(payload, "prompt")
    if not prompt:
        _bad("Invalid prompt: must not be empty")
    enums = {name: _optional_enum(payload, name) for name in _ENUMS}
    n = _optional_int(payload, "n", 1, 10)
    compression = _optional_int(payload, "output_compression", 0, 100)
    if payload.get("seed") is not None and not _is_int(payload["seed"]):
        _bad(f"Invalid seed {_show(payload['seed'])}. Expected an integer")
    _check_type(payload, "stream", bool, "a boolean")
    _check_type(payload, "session_id", str, "a string")
    _check_type(payload, "user", str, "a string")
    _check_type(payload, "provider", dict, "an object")
    _check_type(payload, "trace", dict, "an object")
    if len(payload.get("session_id") or "") > _MAX_SESSION_ID:
        _bad(f"Invalid session_id: at most {_MAX_SESSION_ID} characters")
    references = _check_references(payload.get("input_references"))
    tier, pixels = _parse_size(payload.get("size"))
    resolution = _check_size_consistency(
        payload.get("size"), pixels, tier, enums["resolution"], enums["aspect_ratio"]
    )

    model = MODELS.get(model_id)
    if model is None:
        raise ApiError(404, f"Model '{model_id}' not found")
    output_format = _check_model_support(model, enums, n, references, state)
    seed = payload.get("seed")
    return _Job(
        model=model,
        prompt=prompt,
        n=n or 1,
        seed=None if seed is None else int(seed),
        aspect_ratio=enums["aspect_ratio"],
        resolution=resolution,
        pixels=pixels,
        quality=enums["quality"],
        background=enums["background"],
        output_format=output_format,
        compression=compression,
        references=references,
        stream=bool(payload.get("stream")),
    )


def _check_model_support(
    model: FakeModel, enums: dict[str, str | None], n: int | None, references: int,
    state: FakeState,
) -> str:  # fmt: skip
    """Model-specific checks; return the effective output format."""
    if n is not None and n > 1 and not model.supports("n"):
        _bad(f"Invalid n {n}: model '{model.id}' generates a single image per request (n=1)")
    if references and "image" not in model.input_modalities:
        _bad(f"Invalid input_references: model '{model.id}' does not accept image inputs")
    output_format = enums["output_format"] or model.output_formats[0]
    if output_format not in model.output_formats:
        _bad(
            f"Invalid output_format '{output_format}' for model '{model.id}'. "
            f"Allowed: {', '.join(model.output_formats)}"
        )
    if output_format in ("jpeg", "webp") and not state.pillow:
        _bad(
            f"Invalid output_format '{output_format}': the fake server needs Pillow to encode "
            "jpeg/webp (pip install pillow); png is always available"
        )
    if enums["background"] == "transparent" and output_format == "jpeg":
        _bad(
            "Invalid background 'transparent' with output_format 'jpeg': transparency "
            "requires an output_format that supports alpha (png or webp)"
        )
    return output_format


# --------------------------------------------------------------------------------------
# Generation
# --------------------------------------------------------------------------------------


@dataclass
class _Image:
    data: bytes
    media_type: str
    text: str | None = None  # the SVG markup, for vector images


def _render(job: _Job, index: int, shrink: int = 0) -> _Image:
    """Render image ``index``; ``shrink`` halves the size that many times (partial images)."""
    width, height = _images.dimensions(job.resolution, job.aspect_ratio, job.pixels)
    media_type = _images.MEDIA_TYPES[job.output_format]
    if job.model.kind == "vector":
        svg = _images.render_svg(width, height, job.digest(index), job.prompt)
        return _Image(svg.encode(), media_type, svg)
    width, height = max(2, width >> shrink), max(2, height >> shrink)
    data = _images.encode_raster(
        job.output_format,
        width,
        height,
        job.digest(index),
        transparent=job.transparent,
        compression=job.compression,
    )
    return _Image(data, media_type)


def _usage(job: _Job, images: int) -> dict[str, Any]:
    """Plausible usage: tokens from the nominal pixel count, cost from the endpoint's prices."""
    width, height = _images.dimensions(job.resolution, job.aspect_ratio, job.pixels)
    # Images are rendered at 1/16 scale; tokens are billed on the nominal size.
    completion = images * max(1, (width * 16) * (height * 16) // 256)
    prompt_tokens = max(1, len(job.prompt) // 4)
    endpoint = job.model.endpoints[0]
    text_price = next(
        (p.cost_usd for p in endpoint.pricing if p.billable == "input_text" and p.unit == "token"),
        0.0,
    )
    cost = (
        endpoint.price_per_image() * images
        + endpoint.price_per_image("input_reference") * job.references
        + text_price * prompt_tokens
    )
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion,
        "total_tokens": prompt_tokens + completion,
        "cost": round(cost, 6),
    }


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _buffered_plan(job: _Job) -> _Plan:
    images = [_render(job, index) for index in range(job.n)]
    return _json_plan(
        200,
        {
            "created": int(time.time()),
            "data": [
                {"b64_json": _b64(image.data), "media_type": image.media_type} for image in images
            ],
            "usage": _usage(job, job.n),
        },
    )


def _sse(payload: Any) -> _Frame:
    data = payload if isinstance(payload, bytes) else _dumps(payload)
    return _Frame(b"data: " + data + b"\n\n", event=True)


def _completed(job: _Job, image: _Image) -> dict[str, Any]:
    return {
        "type": "image_generation.completed",
        "b64_json": _b64(image.data),
        "created": int(time.time()),
        "media_type": image.media_type,
        "usage": _usage(job, 1),
    }


#: A stream event and whether it is *progress* (a partial image or a content text chunk):
#: an ``error_event`` fault strikes after the first progress event.
_StreamEvent = tuple[dict[str, Any], bool]


def _text_chunk(text: str, phase: str) -> dict[str, Any]:
    return {"type": "image_generation.text_chunk", "text": text, "phase": phase}


def _partial_image_events(job: _Job, fault: Fault | None) -> list[_StreamEvent]:
    """Events of a raster stream: for each image, smaller previews then the final image."""
    count = 2 if fault is None or fault.partial_images is None else fault.partial_images
    events: list[_StreamEvent] = []
    for index in range(job.n):
        for partial in range(count):
            image = _render(job, index, shrink=count - partial)
            event = {
                "type": "image_generation.partial_image",
                "partial_image_index": partial,
                "b64_json": _b64(image.data),
            }
            events.append((event, True))
        events.append((_completed(job, _render(job, index)), False))
    return events


def _text_chunk_events(job: _Job) -> list[_StreamEvent]:
    """Events of a vector stream: one reasoning chunk, then the SVG markup line by line."""
    events: list[_StreamEvent] = []
    for index in range(job.n):
        image = _render(job, index)
        assert image.text is not None
        plan = "Sketching a gradient backdrop with a disc and a triangle."
        events.append((_text_chunk(plan, "reasoning"), False))
        lines = image.text.splitlines(keepends=True)
        events.extend((_text_chunk(line, "content"), True) for line in lines)
        events.append((_completed(job, image), False))
    return events


def _stream_plan(job: _Job, fault: Fault | None) -> _Plan:
    if job.model.stream_style == "text_chunks":
        events = _text_chunk_events(job)
    else:
        events = _partial_image_events(job, fault)
    frames = [_Frame(_PROCESSING), _Frame(_PROCESSING)]
    error = fault.error_event if fault is not None else False
    if error:
        # The upstream fails after the first partial image / content chunk (or at once).
        cut = next((i + 1 for i, (_, first) in enumerate(events) if first), 0)
        payload = error if isinstance(error, dict) else _DEFAULT_STREAM_ERROR
        frames += [_sse(event) for event, _ in events[:cut]]
        frames.append(_sse({"type": "error", "error": payload}))
    else:
        frames += [_sse(event) for event, _ in events]
        frames.append(_sse(b"[DONE]"))
    headers = {
        "content-type": "text/event-stream",
        "cache-control": "no-cache",
        "x-accel-buffering": "no",
    }
    return _Plan(200, headers, frames, stream=True)


# --------------------------------------------------------------------------------------
# The application
# --------------------------------------------------------------------------------------


def _lower_headers(request: Request) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, value in request.headers.items():
        key = name.lower()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return headers


def _parse_json(body: bytes) -> tuple[bool, Any]:
    """Return ``(ok, value)``: whether the body is JSON, and the parsed value."""
    if not body:
        return False, None
    try:
        return True, json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return False, None


def _api_segments(scope: Scope) -> list[str]:
    """The path after /api/v1 as decoded segments (decoding each raw segment separately)."""
    raw = scope.get("raw_path")
    path = raw.decode("latin-1") if isinstance(raw, bytes) else scope["path"]
    path = path.split("?", 1)[0]
    if path.startswith(API_PREFIX):
        path = path[len(API_PREFIX) :]
    return [unquote(part) for part in path.strip("/").split("/") if part]


def _model_of(segments: list[str], payload: Any) -> str | None:
    """The model a request is about, for per-model fault matching."""
    if isinstance(payload, dict) and isinstance(payload.get("model"), str):
        return str(payload["model"])
    if len(segments) == 5 and segments[:2] == ["images", "models"] and segments[4] == "endpoints":
        return f"{segments[2]}/{segments[3]}"
    return None


class _FakeApi:
    """The request handlers, bound to one :class:`FakeState`."""

    def __init__(self, state: FakeState) -> None:
        self.state = state

    async def api(self, request: Request) -> Response:
        """Entry point of every request under /api/v1: record, find a fault, answer."""
        body = await request.body()
        is_json, payload = _parse_json(body)
        segments = _api_segments(request.scope)
        self._record(request, body, payload if is_json else None)
        try:
            fault = self._find_fault(
                request, "/" + "/".join(segments), _model_of(segments, payload)
            )
        except ApiError as exc:
            return _PlannedResponse(exc.plan(), self.state)
        if fault is None:
            return _PlannedResponse(self._dispatch(request, segments, payload), self.state)
        if fault.responds:
            plan = _fault_plan(fault)
        else:
            plan = self._dispatch(request, segments, payload, fault)
        plan.headers.update({name.lower(): value for name, value in (fault.headers or {}).items()})
        return _PlannedResponse(
            plan, self.state, delay=fault.delay, event_delay=fault.event_delay, drop=fault.drop
        )

    def _record(self, request: Request, body: bytes, payload: Any) -> None:
        self.state.record(
            RecordedRequest(
                method=request.method,
                path=request.url.path,
                query=dict(request.query_params),
                headers=_lower_headers(request),
                body=body,
                json=payload,
                time=time.time(),
            )
        )

    def _find_fault(self, request: Request, api_path: str, model: str | None) -> Fault | None:
        header = request.headers.get("x-fake-fault")
        if header is not None:
            try:
                fault = Fault.from_json(json.loads(header))
            except ValueError as exc:
                raise ApiError(400, f"Invalid X-Fake-Fault header: {exc}") from exc
            if fault.matches(request.method, api_path, model):
                return fault
        return self.state.take_fault(request.method, api_path, model)

    def _dispatch(
        self, request: Request, segments: list[str], payload: Any, fault: Fault | None = None
    ) -> _Plan:
        try:
            if segments == ["images"]:
                self._allow(request, "POST")
                return self._generate(request, payload, fault)
            if segments == ["images", "models"]:
                self._allow(request, "GET")
                return _json_plan(200, {"data": [m.list_item() for m in MODELS.values()]})
            if (
                len(segments) == 5
                and segments[:2] == ["images", "models"]
                and segments[4] == "endpoints"
            ):
                self._allow(request, "GET")
                return self._endpoints(f"{segments[2]}/{segments[3]}")
            raise ApiError(404, f"Not Found: no route for {request.method} {request.url.path}")
        except ApiError as exc:
            return exc.plan()

    @staticmethod
    def _allow(request: Request, method: str) -> None:
        if request.method != method:
            raise ApiError(405, f"Method {request.method} not allowed on {request.url.path}")

    def _authenticate(self, request: Request) -> None:
        scheme, _, key = request.headers.get("authorization", "").partition(" ")
        key = key.strip()
        if scheme.lower() != "bearer" or not key:
            raise ApiError(401, "Missing Authentication header")
        if self.state.api_keys is not None and key not in self.state.api_keys:
            raise ApiError(401, "Invalid API key")

    def _generate(self, request: Request, payload: Any, fault: Fault | None) -> _Plan:
        self._authenticate(request)
        job = _validate(payload, self.state)
        if job.stream and job.model.stream_style is not None:
            return _stream_plan(job, fault)
        # Like the real API: models without native streaming ignore `stream: true`.
        return _buffered_plan(job)

    @staticmethod
    def _endpoints(model_id: str) -> _Plan:
        model = MODELS.get(model_id)
        if model is None:
            raise ApiError(404, f"Model '{model_id}' not found")
        return _json_plan(200, model.endpoints_response())

    # Control endpoints --------------------------------------------------------------

    async def faults(self, request: Request) -> Response:
        """``GET``: list active faults; ``POST``: add one (body: Fault fields)."""
        if request.method == "GET":
            return self._control({"faults": [f.to_json() for f in self.state.faults]})
        try:
            fault = Fault.from_json(json.loads(await request.body() or b"{}"))
        except ValueError as exc:
            return _PlannedResponse(_error_plan(400, f"Invalid fault: {exc}"), self.state)
        self.state.add_fault(fault)
        return self._control({"id": fault.id, "fault": fault.to_json()})

    async def requests(self, request: Request) -> Response:
        """The request log, oldest first."""
        return self._control({"requests": [r.to_json() for r in self.state.requests]})

    async def reset(self, request: Request) -> Response:
        """Clear faults and the request log."""
        self.state.reset()
        return self._control({"ok": True})

    def _control(self, payload: Any) -> Response:
        return _PlannedResponse(_json_plan(200, payload), self.state)


async def _http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own 404/405 (outside /api/v1) in the spec's error envelope."""
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    detail = exc.detail if isinstance(exc, HTTPException) else "Internal Server Error"
    body = _dumps({"error": {"code": status, "message": str(detail)}})
    return Response(body, status_code=status, media_type="application/json")


def create_app(*, api_keys: Iterable[str] | None = None, pillow: bool | None = None) -> Starlette:
    """Create the fake OpenRouter Images API as a Starlette (ASGI) application.

    ``api_keys``: the accepted API keys (``None``: any non-empty key). ``pillow``: whether
    jpeg/webp output is available (``None``: when Pillow is importable; ``False``: never,
    to test the error). The app's :class:`FakeState` (faults, request log) is
    ``app.state.fake``. Connection-dropping faults work best under
    :class:`~openrouter.testing.FakeServer`; under another ASGI server they raise inside
    the app so the server closes the connection (and logs it).
    """
    state = FakeState(api_keys=api_keys, pillow=pillow)
    api = _FakeApi(state)
    routes = [
        Route("/_fake/faults", api.faults, methods=["GET", "POST"]),
        Route("/_fake/requests", api.requests, methods=["GET"]),
        Route("/_fake/reset", api.reset, methods=["POST"]),
        Route(API_PREFIX + "/{path:path}", api.api, methods=_ALL_METHODS),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: _http_error})
    app.state.fake = state
    return app
