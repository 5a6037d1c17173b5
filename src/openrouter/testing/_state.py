"""The state behind one fake app (:class:`FakeState`) and its request log entries
(:class:`RecordedRequest`).

Besides settings, faults and the log, the state carries the two links between the app
and the server running it: the "stopping" event that cuts delayed responses short at
shutdown, and the hook that closes a client's TCP connection for ``drop`` faults.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from . import _images
from ._faults import Fault

__all__ = ["FakeState", "RecordedRequest"]


@dataclass(frozen=True)
class RecordedRequest:
    """One request received under ``/api/v1``, as recorded by the fake server.

    ``headers`` has lower-case names (repeated headers are joined with ``", "``),
    ``query`` maps each parameter to its last value, ``json`` is the parsed body or
    ``None`` when the body is empty or not JSON, ``time`` is a Unix timestamp.
    ``request_id`` is the ``x-request-id`` the answer carries, ``generation_id`` the
    ``x-generation-id`` (``POST /images`` only, else ``None``), so a test can match a
    result or an error to its request (a fault's ``headers`` may replace them).
    """

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    json: Any | None
    time: float
    request_id: str = ""
    generation_id: str | None = None

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
            "request_id": self.request_id,
            "generation_id": self.generation_id,
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
