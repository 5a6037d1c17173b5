"""Sending a :class:`Plan` over ASGI while carrying out a fault's timing effects.

:class:`PlannedResponse` is the Starlette response of every route. It adds the request's
id headers and the fault's extra headers, waits ``delay`` before the headers, spaces
stream events by ``event_delay`` (with a keep-alive comment halfway) and, for ``drop``
faults, closes the TCP connection before or part-way through the body, so that clients
see a real protocol error rather than a clean end.

Waits end early when the client disconnects or the server stops, so that neither a
cancelled request nor ``FakeServer.stop()`` sits through a long delay.
"""

from __future__ import annotations

import asyncio
import contextlib

from starlette.responses import Response
from starlette.types import Message, Receive, Scope, Send

from ._faults import Fault
from ._responses import PROCESSING, Frame, Plan
from ._state import FakeState

__all__ = ["ConnectionDropped", "PlannedResponse"]


class ConnectionDropped(RuntimeError):
    """Raised to make the ASGI server close the connection when it can't be closed directly."""


class PlannedResponse(Response):
    """Sends a :class:`Plan`, applying a fault's headers, delay, event delay and drop.

    ``ids``: the request's id headers, added to the plan's (a fault's headers replace them).
    """

    def __init__(
        self,
        plan: Plan,
        state: FakeState,
        fault: Fault | None = None,
        ids: dict[str, str] | None = None,
    ) -> None:
        # Not calling Response.__init__: it would render a body and add Content-Length,
        # while the plan already says everything that is sent.
        extra = fault.headers if fault is not None and fault.headers else {}
        headers = {
            **plan.headers,
            **(ids or {}),
            **{name.lower(): value for name, value in extra.items()},
        }
        self.status_code = plan.status
        self.raw_headers = [
            (name.encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()
        ]
        self._plan = plan
        self._state = state
        self._delay = fault.delay if fault is not None else 0.0
        self._event_delay = fault.event_delay if fault is not None else 0.0
        self._drop = fault.drop if fault is not None else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Send the planned response (the ASGI entry point)."""
        async with _Connection(scope, receive, send, self._state) as connection:
            await self._play(connection)

    async def _play(self, connection: _Connection) -> None:
        # pause() is False when the client left or the server is stopping, even with no
        # delay: the response is then abandoned rather than sent.
        if not await connection.pause(self._delay) or self._drop == "before-headers":
            await connection.drop()
            return
        start = {"type": "http.response.start", "status": self.status_code}
        await connection.send({**start, "headers": self.raw_headers})
        events_sent = 0
        for frame in self._frames_to_send():
            if frame.event and events_sent and not await self._event_gap(connection):
                await connection.drop()
                return
            await connection.send(_body(frame.data, more=True))
            events_sent += frame.event
        if self._drop is not None:
            await connection.drop()
            return
        await connection.send(_body(b"", more=False))

    def _frames_to_send(self) -> list[Frame]:
        """All frames, or the part sent before a mid-body / mid-stream drop."""
        frames = self._plan.frames
        if self._drop is None:
            return frames
        if not self._plan.stream:
            # Half of the body, which was announced with its full Content-Length.
            body = b"".join(frame.data for frame in frames)
            return [Frame(body[: len(body) // 2])]
        # The stream up to and including its first event.
        cut = next((i for i, frame in enumerate(frames) if frame.event), len(frames) - 1)
        return frames[: cut + 1]

    async def _event_gap(self, connection: _Connection) -> bool:
        """Wait ``event_delay`` between two events, with a keep-alive comment halfway.

        Return False if the wait was cut short (client gone or server stopping).
        """
        if not self._event_delay:
            return True
        half = self._event_delay / 2
        if not await connection.pause(half):
            return False
        await connection.send(_body(PROCESSING, more=True))
        return await connection.pause(half)


def _body(data: bytes, *, more: bool) -> Message:
    """An ASGI ``http.response.body`` message."""
    return {"type": "http.response.body", "body": data, "more_body": more}


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
