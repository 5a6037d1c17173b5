"""Streams of image generation events: one I/O-free decoder, two thin stream classes.

httpx-sse splits the body into server-sent events; :class:`EventDecoder` turns each into a
typed event (or ends the stream on ``data: [DONE]``, skips comments and empty events, and
raises :class:`~openrouter.errors.StreamError` for an ``error`` event). :class:`ImageStream`
and :class:`AsyncImageStream` only move bytes and close the connection when left early.

A model without native streaming answers ``stream=True`` with plain JSON; the stream then
yields one ``image_generation.completed`` event per image, so the same loop works for both.
"""

from __future__ import annotations

import json
import weakref
from collections.abc import AsyncGenerator, AsyncIterator, Generator, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Generic

import httpx
import httpx_sse
from pydantic import TypeAdapter, ValidationError
from typing_extensions import TypeVar

from ._response import (
    ESSENTIAL,
    call_ids,
    envelope_error,
    first_error,
    is_event_stream,
    parse_json,
    raise_for_status,
    repair,
    status_code_of,
)
from ._transport import closed_under, shut_down, wrap_transport_error
from .components import (
    ImageGenCompletedEvent,
    ImageGenerationResponse,
    ImageGenPartialImageEvent,
    ImageGenStreamErrorEvent,
    ImageGenStreamErrorEventError,
    ImageGenTextChunkEvent,
    ImageStreamEvent,
    ImageStreamingResponseData,
    UnknownImageStreamingResponseData,
)
from .errors import APIConnectionError, ResponseValidationError, StreamError, redact

if TYPE_CHECKING:
    from httpx_sse import ServerSentEvent
    from typing_extensions import Self

__all__ = ["AsyncImageStream", "EventDecoder", "ImageStream"]

_EVENT = TypeAdapter[ImageStreamingResponseData](ImageStreamingResponseData)
# The core validator itself, without TypeAdapter's Python wrapper: called once per event.
_VALIDATE_EVENT = _EVENT.validator.validate_json
_PLAIN_EVENTS = frozenset({ImageGenTextChunkEvent, ImageGenPartialImageEvent})
EventT = TypeVar("EventT", covariant=True, default=ImageStreamEvent)


class EventDecoder:
    """Turns server-sent events into typed events, remembering how the stream ended."""

    def __init__(self, response: httpx.Response | None = None, secret: str | None = None):
        self.response = response
        self.secret = secret
        self.done = False
        self.completed = False
        # Set by close() before it wakes a reader blocked in another thread or task, so
        # that the reader takes the error it then gets for a quiet end (see failure()).
        self.halted = False

    def decode(self, sse: ServerSentEvent) -> ImageStreamEvent | None:
        """The typed event of one SSE message, or ``None`` for one to skip (see ``done``)."""
        # Run once per event (tens of thousands in a stream): text chunks and partial
        # images, the bulk of a stream, take the shortest path.
        try:
            event = _VALIDATE_EVENT(sse.data)
        except ValidationError as exc:
            return self._unusual(sse, exc)
        if type(event) in _PLAIN_EVENTS:
            return event  # type: ignore[no-any-return]
        return self._unusual(sse, event)

    def _unusual(
        self, sse: ServerSentEvent, event: ImageStreamingResponseData | ValidationError
    ) -> ImageStreamEvent | None:
        """:meth:`decode` of anything but a text chunk or a partial image: ``event`` is the
        validated data, or the error of data that did not validate (not validated again)."""
        data = sse.data
        if isinstance(event, ValidationError):
            if not data:  # comment-only or id-only messages
                return None
            if data == "[DONE]":
                self.done = True
                return None
            event = self._lenient(data, sse.event, event)
        kind = type(event)
        if kind is UnknownImageStreamingResponseData and "type" not in event.model_fields_set:
            # No `type` in the data: an `{"error": ...}` object, or a name given only in the
            # SSE `event:` field ("message" is the SSE default, not a name the server gave).
            lenient = self._error(json.loads(data), sse.event)
            if lenient is not None:
                event = lenient
            elif sse.event not in ("", "message"):
                named = {**event.model_dump(), "type": sse.event}
                try:
                    event = _EVENT.validate_python(named)
                except ValidationError as exc:  # read as any event that does not validate
                    event = self._lenient(json.dumps(named), sse.event, exc)
            kind = type(event)
        if kind is ImageGenStreamErrorEvent:
            assert isinstance(event, ImageGenStreamErrorEvent)
            raise StreamError(event, self.response, self.secret)
        if kind is ImageGenCompletedEvent:
            self.completed = True
        return event  # type: ignore[return-value]  # the error event was raised above

    def _lenient(self, data: str, name: str, exc: ValidationError) -> ImageStreamingResponseData:
        """An event that does not validate: an error (raised), drifted bookkeeping around
        an image (repaired, see ``_response``), or a typed error for what cannot be read."""
        try:
            value = json.loads(data)
        except ValueError:
            value = None
        if isinstance(value, dict):
            error = self._error(value, name)
            if error is not None:
                return error
            try:
                return repair(_EVENT.validate_python, value, ESSENTIAL["event"], "stream event")
            except ValidationError as again:
                exc = again
        # pydantic's error quotes the input: keep it only if the key is not in there.
        cause = None if self.secret and self.secret in data else exc
        raise ResponseValidationError(
            f"stream event is not valid: {first_error(exc)}",
            self.response,
            cause,
            redact(data[:2000], self.secret),
        ) from cause

    def _error(self, value: Any, name: str) -> ImageGenStreamErrorEvent | None:
        """``value`` read leniently as an error, if that is what it is. The API's error
        envelope (``{"error": {...}}`` without a ``type``) with an HTTP status as its code is
        raised as that status's error; any other error event is returned, to be raised as
        :class:`~openrouter.errors.StreamError`."""
        if isinstance(value, dict) and "type" not in value:
            error = value.get("error")
            if isinstance(error, dict) and status_code_of(error.get("code")) is not None:
                raise envelope_error(value, self.response, self.secret)  # type: ignore[misc]
        return _error_event(value, name)

    def failure(self, exc: Exception) -> Exception | None:
        """What to raise for a transport error while reading, or ``None`` to just stop
        (the stream was closed on purpose)."""
        if self.halted or self.response is None:
            return None
        closed = closed_under(self.response)
        if closed is not None:  # the client was closed, from another thread or task
            return closed
        retries = call_ids(self.response)[2]
        return wrap_transport_error(exc, "while reading the stream", self.secret, retries + 1)  # type: ignore[arg-type]

    def finish(self) -> None:
        """Call at the end of the body: a stream cut short is an error, not a quiet end."""
        if not self.done and not self.completed:
            raise APIConnectionError(
                "the stream ended before the image was complete "
                "(no image_generation.completed event and no [DONE])"
            )


def _error_event(value: Any, name: str) -> ImageGenStreamErrorEvent | None:
    """``value`` read leniently as an error event, if that is what it is."""
    if not isinstance(value, dict) or "error" not in value:
        return None
    if value.get("type", name if name not in ("", "message") else "error") != "error":
        return None
    error = value["error"]
    fields = error if isinstance(error, dict) else {"message": error}
    message = fields.get("message")
    text = {k: None if fields.get(k) is None else str(fields[k]) for k in ("code", "type", "param")}
    return ImageGenStreamErrorEvent(
        error=ImageGenStreamErrorEventError(
            message=str(message) if message not in (None, "") else "the stream reported an error",
            **text,
        )
    )


def _event_source(response: httpx.Response) -> httpx_sse.EventSource:
    # SSE is always UTF-8, and a leading byte order mark must be dropped (the SSE spec),
    # or the first event's first field name would carry it and the event would be lost.
    response.encoding = "utf-8-sig"
    # httpx-sse checks the content type case-sensitively; it was checked already (and
    # without regard to case, as HTTP says), so give it the spelling it looks for.
    content_type = response.headers.get("content-type", "")
    if "text/event-stream" not in content_type:
        response.headers["content-type"] = content_type.lower()
    return httpx_sse.EventSource(response)


def _buffered(response: httpx.Response, secret: str | None) -> list[ImageGenCompletedEvent]:
    """The events of a JSON answer to a stream request (or raise its error)."""
    return parse_json(response, ImageGenerationResponse, secret).completed_events()


def _sse_events(core: EventDecoder) -> Generator[ImageStreamEvent, None, None]:
    response = core.response
    assert response is not None
    try:
        for sse in _event_source(response).iter_sse():
            event = core.decode(sse)
            if event is not None:
                yield event
            elif core.done:
                return
        core.finish()
    except (httpx.HTTPError, httpx.StreamError) as exc:
        error = core.failure(exc)
        if error is not None:
            raise error from exc
    finally:
        response.close()


async def _asse_events(core: EventDecoder) -> AsyncGenerator[ImageStreamEvent, None]:
    response = core.response
    assert response is not None
    try:
        async for sse in _event_source(response).aiter_sse():
            event = core.decode(sse)
            if event is not None:
                yield event
            elif core.done:
                return
        core.finish()
    except (httpx.HTTPError, httpx.StreamError) as exc:
        error = core.failure(exc)
        if error is not None:
            raise error from exc
    finally:
        await response.aclose()


def _replay(events: Iterable[EventT]) -> Generator[EventT, None, None]:
    yield from events


async def _areplay(events: Iterable[EventT]) -> AsyncGenerator[EventT, None]:
    for event in events:
        yield event


class _Stream(Generic[EventT]):
    """What both stream classes share: how they are made, and their state. A subclass
    names its generators: ``_replay`` (known events) and ``_read`` (an SSE response)."""

    _replay: Any
    _read: Any

    def __init__(
        self, events: Any, response: httpx.Response | None = None, core: Any = None
    ) -> None:
        self._events = events
        self._closed = False
        self._core: EventDecoder | None = core
        self.response = response
        """The underlying ``httpx.Response`` (``None`` for a replay of known events)."""
        self.request_id, self.generation_id, self.retries_taken = call_ids(response)
        """The API's ids of the request and the generation (``None`` when not sent, or for
        a replay), and how many times the call was retried before the stream started."""

    @classmethod
    def open(cls, response: httpx.Response, secret: str | None = None) -> Any:
        """A stream over a response whose headers are in (its errors are raised here)."""
        if not is_event_stream(response):
            return cls(cls._replay(_buffered(response, secret)), response)
        raise_for_status(response, secret)
        core = EventDecoder(response, secret)
        return cls(cls._read(core), response, core)

    @classmethod
    def of(cls, events: Iterable[EventT]) -> Any:
        """A stream replaying already known events."""
        return cls(cls._replay(events))

    def _halt(self) -> bool:
        """Mark the stream closed; whether it had already been."""
        closed, self._closed = self._closed, True
        if self._core is not None:
            self._core.halted = True
        return closed


class ImageStream(_Stream[EventT]):
    """The events of ``images.generate(stream=True)``: iterate it, ideally inside ``with``.

    ``with res as events: for event in events: ...`` yields partial images, text chunks and
    completed images as typed models; leaving the block (``break``, an exception) closes the
    connection, and so does ``close()``. A stream dropped without either is closed when it
    is garbage-collected. An ``error`` event is raised as
    :class:`~openrouter.errors.StreamError`. ``response`` is the underlying
    ``httpx.Response`` (``None`` for a buffered result); ``request_id``,
    ``generation_id`` and ``retries_taken`` tell which call it is.
    """

    _events: Generator[EventT, None, None]
    _replay = staticmethod(_replay)
    _read = staticmethod(_sse_events)

    def __init__(
        self, events: Any, response: httpx.Response | None = None, core: Any = None
    ) -> None:
        super().__init__(events, response, core)
        # Release the connection even if the stream is dropped unread and never closed.
        self._release = weakref.finalize(self, response.close) if response else None

    if TYPE_CHECKING:

        @classmethod
        def open(
            cls, response: httpx.Response, secret: str | None = None
        ) -> ImageStream[ImageStreamEvent]: ...
        @classmethod
        def of(cls, events: Iterable[EventT]) -> ImageStream[EventT]: ...

    def __iter__(self) -> Iterator[EventT]:
        # The generator itself: the loop then resumes it directly, with no call per event.
        return self._events if not self._closed else iter(())

    def __next__(self) -> EventT:
        if self._closed:
            raise StopIteration
        return next(self._events)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the stream and release its connection (safe to call twice, or from
        another thread while the stream is being read)."""
        self._halt()
        reading = getattr(self._events, "gi_running", False)
        if reading and self.response is not None:
            _wake_reader(self.response)
        if self._release is not None:
            self._release()
        if not reading:
            self._events.close()


class AsyncImageStream(_Stream[EventT]):
    """The async twin of :class:`ImageStream`: ``async with`` and ``async for``.

    Close it (``async with``, ``break`` inside it, or ``await close()``): an async stream
    dropped unread cannot release its connection by itself.
    """

    _events: AsyncGenerator[EventT, None]
    _replay = staticmethod(_areplay)
    _read = staticmethod(_asse_events)

    if TYPE_CHECKING:

        @classmethod
        def open(
            cls, response: httpx.Response, secret: str | None = None
        ) -> AsyncImageStream[ImageStreamEvent]: ...
        @classmethod
        def of(cls, events: Iterable[EventT]) -> AsyncImageStream[EventT]: ...

    def __aiter__(self) -> AsyncIterator[EventT]:
        return self

    async def __anext__(self) -> EventT:
        if self._closed:
            raise StopAsyncIteration
        return await self._events.__anext__()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def close(self) -> None:
        """Stop the stream and release its connection (safe to call twice, or from
        another task while the stream is being read)."""
        self._halt()
        if self.response is not None:
            await self.response.aclose()
        if not getattr(self._events, "ag_running", False):
            await self._events.aclose()


def _wake_reader(response: httpx.Response) -> None:
    """Unblock a thread waiting in a read of ``response``'s socket.

    Closing a socket does not wake a thread blocked in ``recv`` on it; shutting it down
    does (the read returns at once), so the stream ends now rather than with the next byte.
    """
    network = response.extensions.get("network_stream")
    if network is not None:
        shut_down(network)
