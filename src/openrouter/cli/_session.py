"""What every command shares: the global options resolved once, the clients made from them,
the fake server of ``--fake``, output on stdout and stderr, and error reports.

Output rules: results go to stdout (as JSON with ``--json``), everything else (status,
progress, notes, errors) to stderr. Animation and colour only when stderr (for status and
progress) or stdout (for tables) is a terminal; otherwise plain lines without control
characters.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import sys
import traceback
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._errors import KEYS_HINT, UsageError, explain
from ._http import Hooks

if TYPE_CHECKING:
    from rich.console import Console

    from .. import AsyncOpenRouter, OpenRouter
    from ..testing import FakeServer


DEFAULT_SERVER_URL = "https://openrouter.ai/api/v1"
"""Where the SDK sends requests when neither ``--base-url`` nor the environment say."""


def is_terminal(stream: Any) -> bool:
    """Whether ``stream`` is an interactive terminal that can show animation."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and os.environ.get("TERM") != "dumb"


class Session:
    """The global options of one run of the command, and what is made from them."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.json: bool = args.json
        self.verbose: bool = args.verbose
        self.timeout: float | None = args.timeout
        self.retries: int | None = args.retries
        self._base_url: str | None = args.base_url
        self._key_file: str | None = args.api_key_file
        self._fake = args.fake
        self._server: FakeServer | None = None
        self._model_ids: list[str] | None = None
        # Live status and progress need a terminal, and are left out with -v (whose log
        # lines would tear them).
        self.live = is_terminal(sys.stderr) and not self.verbose

    # Setup ------------------------------------------------------------------------------

    def __enter__(self) -> Session:
        if self.verbose:
            # The SDK's debug log (requests, responses, retries), never the key.
            logger = logging.getLogger("openrouter")
            logger.addHandler(logging.StreamHandler(sys.stderr))
            logger.setLevel(logging.DEBUG)
        if self._fake:
            try:
                from ..testing import FakeServer  # needs uvicorn and starlette

                self._server = FakeServer().start()
            except ImportError:
                raise UsageError(
                    '--fake needs the testing extra: pip install "openrouter-images[cli,testing]"'
                ) from None
            self.note(f"--fake: using the local fake server at {self._server.base_url}")
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._server is not None:
            self._server.stop()

    @property
    def base_url(self) -> str:
        """The API base URL: ``--fake``'s server, ``--base-url``, the environment, or the SDK's."""
        if self._server is not None:
            return self._server.base_url
        return self._base_url or os.environ.get("OPENROUTER_BASE_URL") or DEFAULT_SERVER_URL

    def api_key(self) -> str:
        """The key: ``--fake``'s, ``--api-key-file``'s, else ``OPENROUTER_API_KEY``."""
        if self._server is not None:
            return self._server.api_key
        if self._key_file is not None:
            try:
                key = Path(self._key_file).read_text(encoding="utf-8").strip()
            except (OSError, UnicodeDecodeError) as exc:
                raise UsageError(f"--api-key-file: cannot read {self._key_file}: {exc}") from None
            if not key:
                raise UsageError(f"--api-key-file: {self._key_file} is empty")
            return key
        key = os.environ.get("OPENROUTER_API_KEY", "").strip()
        if not key:
            raise UsageError(f"no API key. Hint: {KEYS_HINT}")
        return key

    def _options(self) -> dict[str, Any]:
        from ..utils import RetryConfig

        options: dict[str, Any] = {"api_key": self.api_key(), "server_url": self.base_url}
        if self.timeout is not None:
            options["timeout_ms"] = self.timeout * 1000
        if self.retries == 0:
            options["retry_config"] = RetryConfig("none")
        return options

    @contextlib.contextmanager
    def client(self) -> Iterator[OpenRouter]:
        """A sync client whose requests the CLI's hooks watch (see ``_http``)."""
        from .. import OpenRouter

        options = self._options()  # a bad key or URL is reported before anything opens
        with Hooks(self.retries).client() as http, OpenRouter(client=http, **options) as client:
            yield client

    @contextlib.asynccontextmanager
    async def async_client(
        self, on_wait: Callable[[float, int], None] | None = None
    ) -> AsyncIterator[AsyncOpenRouter]:
        """An async client; ``on_wait(seconds, status)`` hears of each request to slow down."""
        from .. import AsyncOpenRouter

        options = self._options()
        http = Hooks(self.retries, on_wait).async_client()
        async with http, AsyncOpenRouter(async_client=http, **options) as client:
            yield client

    def model_ids(self) -> Sequence[str]:
        """The ids of the image models, for "did you mean" (empty if they cannot be listed)."""
        if self._model_ids is None:
            from .. import OpenRouter, errors
            from ..utils import RetryConfig

            self._model_ids = []
            try:
                with OpenRouter(**{**self._options(), "timeout_ms": 10_000}) as client:
                    listing = client.images.list_models(retries=RetryConfig("none"))
                self._model_ids = [model.id for model in listing.data]
            except (errors.OpenRouterError, UsageError):
                pass
        return self._model_ids

    # Output -----------------------------------------------------------------------------

    def out(self, text: str) -> None:
        """A line of the result, on stdout."""
        try:
            print(text, flush=True)
        except BrokenPipeError:
            # The reader stopped reading (`| head`): drop the rest of the output, but go on
            # to the end and its exit code.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())

    def note(self, text: str) -> None:
        """A message on stderr (never mixed into ``--json`` output)."""
        print(text, file=sys.stderr, flush=True)

    def emit_json(self, value: Any) -> None:
        """The machine-readable result, on stdout."""
        self.out(json.dumps(value, indent=2, ensure_ascii=False))

    def console(self) -> Console:
        """A rich console on stderr, for live status and progress."""
        from rich.console import Console

        return Console(file=sys.stderr, highlight=False)

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        """A table on stdout: drawn by rich on a terminal, aligned plain text otherwise."""
        if is_terminal(sys.stdout):
            from rich.console import Console
            from rich.table import Table

            table = Table(*headers, box=None, header_style="bold", pad_edge=False)
            for row in rows:
                table.add_row(*row)
            Console(highlight=False).print(table)
            return
        widths = [
            max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=False)
        ]
        for row in (headers, *rows):
            cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=True)]
            self.out("  ".join(cells).rstrip())

    def report(self, exc: BaseException, model: str | None = None) -> int:
        """Print the error line for ``exc`` (with ``--json`` also as JSON on stdout) and
        return the exit code. ``-v`` adds the traceback."""
        line, code = explain(exc, base_url=self.base_url, model=model, model_ids=self.model_ids)
        if self.verbose:
            traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stderr)
        self.note(line)
        if self.json:
            error = {"class": type(exc).__name__, "message": line.removeprefix("error: ")}
            self.emit_json({"error": error, "exit_code": code})
        return code
