"""Each error class: one line on stderr with a hint, no traceback (unless -v), and its
documented exit code (2 usage, 3 API or connection)."""

from __future__ import annotations

import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from openrouter.testing import FakeServer

from .conftest import Done, cli_env, command, posts, run_cli

Cli = Callable[..., Done]
GENERATE = ("images", "generate", "a lighthouse", "-m", "fake-labs/pixel-xl")


def one_line(done: Done) -> str:
    """The error line: stderr holds it alone, and stdout nothing."""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    assert done.stdout == ""
    return lines[0]


@pytest.fixture(scope="module")
def strict() -> Iterator[FakeServer]:
    with FakeServer(api_keys=["sk-or-right"]) as server:
        yield server


def test_401_says_how_to_set_the_key(strict: FakeServer, tmp_path: Path) -> None:
    env = cli_env(strict, OPENROUTER_API_KEY="sk-or-wrong")
    done = run_cli(*GENERATE, env=env, cwd=tmp_path)
    assert done.code == 3
    line = one_line(done)
    assert "HTTP 401" in line and "OPENROUTER_API_KEY" in line and "--api-key-file" in line
    assert "sk-or-wrong" not in done.stderr


def test_402_points_to_credits(cli: Cli, fake: FakeServer) -> None:
    fake.inject(status=402)
    done = cli(*GENERATE)
    assert done.code == 3
    assert "HTTP 402" in one_line(done) and "https://openrouter.ai/credits" in done.stderr


def test_404_suggests_the_closest_models(cli: Cli) -> None:
    done = cli("images", "generate", "x", "-m", "fake-labs/pixel-x")
    assert done.code == 3
    assert one_line(done).endswith("did you mean fake-labs/pixel-xl?")
    done = cli("images", "endpoints", "openai/gpt-image")
    assert done.code == 3
    assert one_line(done).endswith("did you mean openai/gpt-image-1?")


def test_400_names_the_option(cli: Cli) -> None:
    done = cli(*GENERATE, "--quality", "ultra")
    assert done.code == 3
    line = one_line(done)
    assert "Invalid quality 'ultra'" in line and "HTTP 400" in line and "check --quality" in line


def test_connection_failure_names_the_url(cli: Cli) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/api/v1"
    done = cli(*GENERATE, "--base-url", url)
    assert done.code == 3
    line = one_line(done)
    assert f"POST {url}/images: could not connect" in line and "--base-url" in line


def test_timeout_suggests_a_longer_one(cli: Cli, fake: FakeServer) -> None:
    fake.inject(delay=2)
    done = cli(*GENERATE, "--timeout", "0.2")
    assert done.code == 3
    assert "timed out" in one_line(done) and "--timeout" in done.stderr


def test_429_and_5xx_after_retries(cli: Cli, fake: FakeServer) -> None:
    fake.inject(status=429, headers={"Retry-After": "0"}, times=None)
    done = cli(*GENERATE, "--retries", "1")
    assert done.code == 3
    assert "HTTP 429" in one_line(done) and "rate limited" in done.stderr
    fake.reset()
    fake.inject(status=502, times=None)
    done = cli(*GENERATE, "--retries", "0")
    assert done.code == 3 and "HTTP 502" in one_line(done) and "provider failed" in done.stderr


def test_stream_error(cli: Cli, fake: FakeServer) -> None:
    fake.inject(error_event=True)
    done = cli("images", "generate", "x", "-m", "fake-labs/stream-diffusion", "--stream")
    assert done.code == 3
    assert one_line(done).startswith("error: stream error: The upstream provider")


def test_json_errors_are_also_json_on_stdout(cli: Cli, fake: FakeServer) -> None:
    fake.inject(status=402)
    done = cli(*GENERATE, "--json")
    assert done.code == 3
    assert done.json() == {
        "error": {
            "class": "PaymentRequiredResponseError",
            "message": done.stderr.strip().removeprefix("error: "),
        },
        "exit_code": 3,
    }


def test_verbose_adds_the_traceback(cli: Cli, fake: FakeServer) -> None:
    fake.inject(status=402)
    done = cli(*GENERATE, "-v")
    assert done.code == 3
    assert "Traceback (most recent call last)" in done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith("error: ")


def test_a_key_on_the_command_line_is_refused(cli: Cli, fake: FakeServer) -> None:
    done = cli(*GENERATE, "--api-key", "sk-or-secret")
    assert done.code == 2
    assert "OPENROUTER_API_KEY" in done.stderr and "sk-or-secret" not in done.stderr
    assert fake.requests == []


def test_usage_errors_exit_2_before_sending(fake: FakeServer, tmp_path: Path) -> None:
    cases = [
        ((*GENERATE, "--n", "20"), {}, "error: --n: must be an integer from 1 to 10, got 20"),
        ((*GENERATE, "--provider", "{oops"), {}, "--provider: the value is not valid JSON"),
        ((*GENERATE, "--n", "two"), {}, "--n: invalid int value"),
        (("images", "endpoints", "pixel-xl"), {}, "the model must be AUTHOR/SLUG"),
        (GENERATE, {"OPENROUTER_API_KEY": ""}, "error: no API key. Hint: set OPENROUTER_API_KEY"),
        ((*GENERATE, "--api-key-file", "nope"), {}, "error: --api-key-file: cannot read nope"),
        ((*GENERATE, "--base-url", "ftp://x"), {}, "error: --base-url: must be an http://"),
        ((*GENERATE, "--timeout", "0"), {}, "--timeout: a positive number of seconds"),
        (("images", "generate", "x"), {}, "the following arguments are required: -m/--model"),
        ((*GENERATE, "--save-partials"), {}, "error: --save-partials needs --stream"),
    ]
    for args, env, message in cases:
        done = run_cli(*args, env=cli_env(fake, **env), cwd=tmp_path)
        assert done.code == 2, (args, done.stderr)
        assert message in done.stderr, (args, done.stderr)
        assert "Traceback" not in done.stderr
    assert posts(fake) == []


def test_ctrl_c_during_generate_exits_130(fake: FakeServer, tmp_path: Path) -> None:
    fake.inject(delay=10)
    with subprocess.Popen(
        command(*GENERATE), cwd=tmp_path, env=cli_env(fake), stderr=subprocess.PIPE, text=True
    ) as process:
        deadline = time.monotonic() + 20
        while not posts(fake):
            assert time.monotonic() < deadline
            time.sleep(0.02)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=5)
    assert process.returncode == 130
    assert stderr.strip() == "interrupted"
