"""Run the fake OpenRouter Images API from the command line.

Usage::

    python -m openrouter.testing [--host 127.0.0.1] [--port 0] [--api-key KEY ...]

The first line printed on stdout is the API base URL (e.g.
``http://127.0.0.1:8765/api/v1``), so scripts can read it and point a client at it. The
server runs until SIGINT (Ctrl+C) or SIGTERM and then exits with status 0.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from collections.abc import Sequence
from types import FrameType


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m openrouter.testing",
        description="Serve a fake OpenRouter Images API for tests and offline demos.",
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="interface to bind (default: %(default)s)"
    )
    parser.add_argument(
        "--port", type=int, default=0, help="TCP port, 0 for any free one (default)"
    )
    parser.add_argument(
        "--api-key",
        action="append",
        dest="api_keys",
        metavar="KEY",
        help="accepted API key (repeatable; default: accept any non-empty key)",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the server until SIGINT/SIGTERM; return the process exit status."""
    args = _parse_args(argv)
    from ._server import FakeServer  # after argument parsing, so --help stays fast

    stop_requested: list[int] = []

    def request_stop(signum: int, frame: FrameType | None) -> None:
        # Only record the signal: taking locks (threading.Event) in a handler can deadlock
        # with the interrupted main thread; the loop below does the actual shutdown.
        stop_requested.append(signum)

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    server = FakeServer(host=args.host, port=args.port, api_keys=args.api_keys)
    try:
        server.start()
    except OSError as exc:  # typically: the port is already in use
        print(f"error: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    try:
        print(server.base_url, flush=True)
        # Poll rather than block forever so that signals are handled on every platform.
        while not stop_requested:
            time.sleep(0.1)
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
