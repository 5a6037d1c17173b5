"""Streams of image generation events: one I/O-free decoder, two thin stream classes.

httpx-sse splits the body into server-sent events; :class:`EventDecoder` turns each into a
typed event (or ends the stream on ``data: [DONE]``, skips comments and empty events, and
raises :class:`~openrouter.errors.StreamError` for an ``error`` event). :class:`ImageStream`
and :class:`AsyncImageStream` only move bytes and close the connection when left early.

A model without native streaming answers ``stream=True`` with plain JSON; the stream then
yields one ``image_generation.completed`` event per image, so the same loop works for both.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Generator, Iterable
from typing import TYPE_CHECKING

import httpx
from pydantic import TypeAdapter, ValidationError

from ._core import is_event_stream, parse_json, raise_for_status
from ._transport import wrap_transport_error
from .components import (
    ImageGenCompletedEvent,
    ImageGenerationResponse,
    ImageGenStreamErrorEvent,
    ImageStreamingResponseData,
    UnknownImageStreamingResponseData,
)
from .errors import APIConnectionError, ResponseValidationError, StreamError

if TYPE_CHECKING:
    from httpx_sse import ServerSentEvent
    from typing_extensions import Self

__all__ = ["AsyncImageStream", "EventDecoder", "ImageStream"]

_EVENT = TypeAdapter[ImageStreamingResponseData](ImageStreamingResponseData)


class EventDecoder:
    """Turns server-sent events into typed events, remembering how the stream ended."""

    def __init__(self, response: httpx.Response | None = None) -> None:
        self.response = response
        self.done = False
        self.completed = False

    def decode(self, sse: ServerSentEvent) -> ImageStreamingResponseData | None:
        """The typed event of one SSE message, or ``None`` for one to skip (see ``done``)."""
        data = sse.data
        if not data:  # comment-only or id-only messages
            return None
        if data == "[DONE]":
            self.done = True
            return None
        try:
            event = _EVENT.validate_json(data)
        except ValidationError as exc:
            raise ResponseValidationError(
                f"stream event is not valid: {exc.errors()[0]['msg']}",
                self.response,
                data[:2000],
                exc,
            ) from exc
        kind = type(event)
        if kind is UnknownImageStreamingResponseData and event.type is None and sse.event:
            # Some servers name the event in the SSE `event:` field only.
            event = _EVENT.validate_python({**event.model_dump(), "type": sse.event})
            kind = type(event)
        if kind is ImageGenStreamErrorEvent:
            assert isinstance(event, ImageGenStreamErrorEvent)
            raise StreamError(event, self.response)
        if kind is ImageGenCompletedEvent:
            self.completed = True
        return event

    def finish(self) -> None:
        """Call at the end of the body: a stream cut short is an error, not a quiet end."""
        if not self.done and not self.completed:
            raise APIConnectionError(
                "the stream ended before the image was complete "
                "(no image_generation.completed event and no [DONE])"
            )


def _buffered(response: httpx.Response, secret: str | None) -> list[ImageGenCompletedEvent]:
    """The events of a JSON answer to a stream request (or raise its error)."""
    return parse_json(response, ImageGenerationResponse, secret).completed_events()


def _sse_events(response: httpx.Response) -> Generator[ImageStreamingResponseData, None, None]:
    from httpx_sse import EventSource

    decoder = EventDecoder(response)
    try:
        for sse in EventSource(response).iter_sse():
            event = decoder.decode(sse)
            if event is not None:
                yield event
            elif decoder.done:
                return
        decoder.finish()
    except httpx.TransportError as exc:
        raise wrap_transport_error(exc, "while reading the stream") from exc
    finally:
        response.close()


async def _asse_events(
    response: httpx.Response,
) -> AsyncGenerator[ImageStreamingResponseData, None]:
    from httpx_sse import EventSource

    decoder = EventDecoder(response)
    try:
        async for sse in EventSource(response).aiter_sse():
            event = decoder.decode(sse)
            if event is not None:
                yield event
            elif decoder.done:
                return
        decoder.finish()
    except httpx.TransportError as exc:
        raise wrap_transport_error(exc, "while reading the stream") from exc
    finally:
        await response.aclose()


class ImageStream:
    """The events of ``images.generate(stream=True)``: iterate it, ideally inside ``with``.

    ``with res as events: for event in events: ...`` yields partial images, text chunks and
    completed images as typed models; leaving the block (``break``, an exception) closes the
    connection. An ``error`` event is raised as :class:`~openrouter.errors.StreamError`.
    ``response`` is the underlying ``httpx.Response`` (``None`` for a buffered result).
    """

    def __init__(
        self,
        events: Generator[ImageStreamingResponseData, None, None],
        response: httpx.Response | None = None,
    ) -> None:
        self._events = events
        self.response = response

    @classmethod
    def open(cls, response: httpx.Response, secret: str | None = None) -> ImageStream:
        """A stream over a response whose headers are in (its errors are raised here)."""
        if not is_event_stream(response):
            return cls(_replay(_buffered(response, secret)), response)
        raise_for_status(response, secret)
        return cls(_sse_events(response), response)

    @classmethod
    def of(cls, events: Iterable[ImageStreamingResponseData]) -> ImageStream:
        """A stream replaying already known events."""
        return cls(_replay(events))

    def __iter__(self) -> Generator[ImageStreamingResponseData, None, None]:
        return self._events

    def __next__(self) -> ImageStreamingResponseData:
        return next(self._events)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the stream and release its connection (safe to call twice)."""
        self._events.close()
        if self.response is not None:
            self.response.close()


class AsyncImageStream:
    """The async twin of :class:`ImageStream`: ``async with`` and ``async for``."""

    def __init__(
        self,
        events: AsyncGenerator[ImageStreamingResponseData, None],
        response: httpx.Response | None = None,
    ) -> None:
        self._events = events
        self.response = response

    @classmethod
    def open(cls, response: httpx.Response, secret: str | None = None) -> AsyncImageStream:
        """A stream over a response whose headers are in (its errors are raised here)."""
        if not is_event_stream(response):
            return cls(_areplay(_buffered(response, secret)), response)
        raise_for_status(response, secret)
        return cls(_asse_events(response), response)

    @classmethod
    def of(cls, events: Iterable[ImageStreamingResponseData]) -> AsyncImageStream:
        """A stream replaying already known events."""
        return cls(_areplay(events))

    def __aiter__(self) -> AsyncGenerator[ImageStreamingResponseData, None]:
        return self._events

    async def __anext__(self) -> ImageStreamingResponseData:
        return await self._events.__anext__()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def close(self) -> None:
        """Stop the stream and release its connection (safe to call twice)."""
        await self._events.aclose()
        if self.response is not None:
            await self.response.aclose()


def _replay(
    events: Iterable[ImageStreamingResponseData],
) -> Generator[ImageStreamingResponseData, None, None]:
    yield from events


async def _areplay(
    events: Iterable[ImageStreamingResponseData],
) -> AsyncGenerator[ImageStreamingResponseData, None]:
    for event in events:
        yield event
