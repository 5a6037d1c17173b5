"""``FakeServer``: the fake OpenRouter Images API served by uvicorn on a background thread.

The server binds its listening socket itself (so ``port=0`` works and the address is
known as soon as :meth:`FakeServer.start` returns) and runs uvicorn with its own event loop
on a daemon thread, so it serves synchronous and asynchronous tests alike.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import threading
import time
from collections.abc import Iterable
from types import TracebackType
from typing import Any

import uvicorn

from ._app import create_app
from ._faults import Fault
from ._state import FakeState, RecordedRequest

__all__ = ["FakeServer"]

_START_TIMEOUT = 10.0
_STOP_TIMEOUT = 5.0
#: A key the server accepts when it accepts any key (handy for client fixtures).
_DEFAULT_API_KEY = "sk-or-v1-fake-0000000000000000"


class FakeServer:
    """A local stand-in of the OpenRouter Images API, over real sockets.

    Use it as a context manager or call :meth:`start` / :meth:`stop`::

        with FakeServer() as server:
            client = openrouter.OpenRouter(api_key=server.api_key, server_url=server.base_url)
            server.inject(status=429, headers={"Retry-After": "1"})
            ...
            assert server.last_request.json["prompt"] == "a lighthouse"

    ``api_keys``: accepted API keys (``None``: any non-empty key). ``pillow``: whether
    jpeg/webp output is available (``None``: if Pillow is installed; ``False``: never).
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        api_keys: Iterable[str] | None = None,
        pillow: bool | None = None,
    ) -> None:
        self.host = host
        self._requested_port = port
        self._api_keys = None if api_keys is None else list(api_keys)
        #: The Starlette application being served.
        self.app = create_app(api_keys=self._api_keys, pillow=pillow)
        self._state: FakeState = self.app.state.fake
        self._socket: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._server: uvicorn.Server | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._error: BaseException | None = None

    # Lifecycle ------------------------------------------------------------------------

    def start(self) -> FakeServer:
        """Bind, start serving on a background thread and wait until ready; return self."""
        if self._thread is not None:
            raise RuntimeError("FakeServer is already running")
        sock = _bind(self.host, self._requested_port)
        config = uvicorn.Config(
            self.app,
            log_config=None,  # don't reconfigure the host application's logging
            log_level="warning",
            access_log=False,
            lifespan="off",
            http="h11",
            ws="none",
            proxy_headers=False,  # scope["client"] must be the real peer (see drops)
            timeout_graceful_shutdown=2,
        )
        server = uvicorn.Server(config)
        self._state.clear_stop()
        self._state.close_connection = self._close_connection
        self._socket, self._server, self._error = sock, server, None
        self._thread = threading.Thread(
            target=self._run, args=(server, sock), name="openrouter-fake-server", daemon=True
        )
        self._thread.start()
        self._wait_started(server)
        return self

    def stop(self) -> None:
        """Stop serving promptly (cutting slow responses) and release the socket."""
        thread, server, loop = self._thread, self._server, self._loop
        if thread is None or server is None:
            return
        if loop is not None:
            # Wake up delayed responses so that they end now instead of after their delay.
            with contextlib.suppress(RuntimeError):  # the loop may already be closed
                loop.call_soon_threadsafe(self._state.signal_stop)
        server.should_exit = True
        thread.join(_STOP_TIMEOUT)
        if thread.is_alive():
            server.force_exit = True
            thread.join(_STOP_TIMEOUT)
        if self._socket is not None:
            self._socket.close()
        self._socket = self._thread = self._server = self._loop = None

    def __enter__(self) -> FakeServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def _run(self, server: uvicorn.Server, sock: socket.socket) -> None:
        try:
            asyncio.run(self._serve(server, sock))
        except BaseException as exc:  # includes uvicorn's SystemExit on startup failure
            self._error = exc

    async def _serve(self, server: uvicorn.Server, sock: socket.socket) -> None:
        self._loop = asyncio.get_running_loop()
        await server.serve(sockets=[sock])

    def _wait_started(self, server: uvicorn.Server) -> None:
        deadline = time.monotonic() + _START_TIMEOUT
        while not server.started:
            if self._thread is None or not self._thread.is_alive() or time.monotonic() > deadline:
                error = self._error
                self.stop()
                raise RuntimeError("the fake OpenRouter server failed to start") from error
            time.sleep(0.005)

    def _close_connection(self, client: Any) -> bool:
        """Close the TCP connection of ``client`` (called on the server loop by drops)."""
        server = self._server
        if server is None:
            return False
        for connection in list(server.server_state.connections):
            transport = getattr(connection, "transport", None)
            if getattr(connection, "client", None) == client and transport is not None:
                # close() (not abort()) flushes what was written, then sends FIN: the
                # client gets the partial response and then an unexpected EOF.
                transport.close()
                return True
        return False

    # Addresses ------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        """Whether the server is serving."""
        return self._thread is not None

    @property
    def port(self) -> int:
        """The bound TCP port (known once started)."""
        if self._socket is not None:
            return int(self._socket.getsockname()[1])
        if self._requested_port:
            return self._requested_port
        raise RuntimeError("FakeServer is not running: the port is chosen when it starts")

    @property
    def url(self) -> str:
        """The root URL, e.g. ``http://127.0.0.1:8765`` (control endpoints live under it)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def base_url(self) -> str:
        """The API base URL to give to a client, e.g. ``http://127.0.0.1:8765/api/v1``."""
        return self.url + "/api/v1"

    @property
    def api_key(self) -> str:
        """An API key this server accepts (the first of ``api_keys``, or a fake one)."""
        return self._api_keys[0] if self._api_keys else _DEFAULT_API_KEY

    # Faults and the request log ---------------------------------------------------------

    def inject(self, fault: Fault | None = None, /, **fields: Any) -> Fault:
        """Add a fault, given as a :class:`Fault` or as its fields; return it.

        Faults are matched in order against each API request; see :class:`Fault` for the
        fields. Example: ``server.inject(status=503, times=2)`` fails two requests.
        """
        if fault is None:
            fault = Fault(**fields)
        elif fields:
            raise TypeError("pass either a Fault or its fields, not both")
        return self._state.add_fault(fault)

    @property
    def faults(self) -> list[Fault]:
        """The faults still active, in matching order."""
        return self._state.faults

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received under /api/v1, oldest first (a snapshot)."""
        return self._state.requests

    @property
    def last_request(self) -> RecordedRequest | None:
        """The most recent request received under /api/v1, if any."""
        requests = self._state.requests
        return requests[-1] if requests else None

    def reset(self) -> None:
        """Forget all faults and recorded requests."""
        self._state.reset()

    def __repr__(self) -> str:
        where = self.base_url if self.running else "stopped"
        return f"<FakeServer {where}>"


def _bind(host: str, port: int) -> socket.socket:
    """Create the listening socket for ``host`` (a name, IPv4 or IPv6 address) and ``port``."""
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    # The protocol must be IPPROTO_TCP explicitly (socket.create_server leaves it 0): asyncio
    # only disables Nagle's algorithm on accepted sockets whose proto is TCP, and without
    # TCP_NODELAY each keep-alive request waits ~40 ms for a delayed ACK.
    sock = socket.socket(family, kind, proto or socket.IPPROTO_TCP)
    try:
        if os.name != "nt":  # on Windows SO_REUSEADDR would allow stealing a bound port
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except BaseException:
        sock.close()
        raise
    return sock
