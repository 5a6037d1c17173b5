"""Helpers for the command-line tests: run the real ``openrouter`` command in a subprocess
(``python -m openrouter``, importing this checkout's ``src``) against the fake server of
the test process, whose faults and request log the tests control."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from openrouter.testing import FakeServer

SRC = Path(__file__).resolve().parents[2] / "src"

# Variables that would change what the command prints or where it sends requests.
_CLEARED = ("FORCE_COLOR", "NO_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "COLUMNS", "LINES")


def cli_env(server: FakeServer | None = None, **extra: str) -> dict[str, str]:
    """The environment of a command run: this checkout's package, the fake server's URL
    and key (when given), nothing from the caller's OPENROUTER_* variables."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("OPENROUTER_") and k not in _CLEARED
    }
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    if server is not None:
        env["OPENROUTER_API_KEY"] = server.api_key
        env["OPENROUTER_BASE_URL"] = server.base_url
    env.update(extra)
    return env


@dataclass
class Done:
    """A finished command: exit code and output."""

    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


def command(*args: str) -> list[str]:
    """The command line of ``openrouter ARGS`` with this interpreter."""
    return [sys.executable, "-m", "openrouter", *args]


def run_cli(*args: str, env: dict[str, str], cwd: Path, timeout: float = 60) -> Done:
    """Run ``openrouter ARGS`` to its end (stdin closed, output captured: no terminal)."""
    done = subprocess.run(
        command(*args),
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    return Done(done.returncode, done.stdout, done.stderr)


@pytest.fixture
def cli(fake: FakeServer, tmp_path: Path) -> Callable[..., Done]:
    """``cli(*args, **env)`` runs the command in ``tmp_path`` against ``fake``."""

    def run(*args: str, **env: str) -> Done:
        return run_cli(*args, env=cli_env(fake, **env), cwd=tmp_path)

    return run


def posts(server: FakeServer) -> list[dict[str, Any]]:
    """The JSON bodies of the ``POST /images`` requests the server received."""
    return [r.json for r in server.requests if r.method == "POST" and r.json is not None]


def run_tty(*args: str, env: dict[str, str], cwd: Path, timeout: float = 30) -> tuple[int, str]:
    """Run ``openrouter ARGS`` on a pseudo-terminal (stdin, stdout and stderr); return the
    exit code and everything it wrote, escape sequences included."""
    import pty  # POSIX only, like the terminal it stands for
    import select

    main, child = pty.openpty()
    env = {**env, "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "40"}
    with subprocess.Popen(
        command(*args), cwd=cwd, env=env, stdin=child, stdout=child, stderr=child
    ) as process:
        os.close(child)
        output = bytearray()
        while True:
            ready, _, _ = select.select([main], [], [], timeout)
            if not ready:
                process.kill()
                raise AssertionError(f"no output for {timeout} s: {bytes(output)!r}")
            try:
                data = os.read(main, 65536)
            except OSError:  # EIO: the child closed the terminal
                data = b""
            if not data:
                break
            output += data
        os.close(main)
        code = process.wait(timeout)
    return code, output.decode("utf-8", "replace")
