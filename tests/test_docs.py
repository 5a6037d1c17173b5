"""The README's code runs as written, against the local fake server (as a new user would
run it with OPENROUTER_BASE_URL pointing at `python -m openrouter.testing`)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from openrouter.testing import FakeServer

ROOT = Path(__file__).resolve().parents[1]
BLOCKS = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), re.DOTALL)
PNG = b"\x89PNG\r\n\x1a\n" + bytes(32)

# Fragments continue the quickstart: they use a `client` and, for image inputs, some bytes.
PREAMBLE = """
from openrouter import OpenRouter, ParameterError
client = OpenRouter()
raw_bytes = open("cat.png", "rb").read()
"""


def test_readme_has_examples() -> None:
    assert len(BLOCKS) >= 8


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_example_runs(index: int, openrouter_server: FakeServer, tmp_path: Path) -> None:
    (tmp_path / "cat.png").write_bytes(PNG)
    env = {
        **os.environ,
        "OPENROUTER_API_KEY": openrouter_server.api_key,
        "OPENROUTER_BASE_URL": openrouter_server.base_url,
    }
    code = PREAMBLE + BLOCKS[index]
    done = subprocess.run(
        [sys.executable, "-W", "error::ResourceWarning", "-c", code],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert openrouter_server.requests or "def test_" in BLOCKS[index] or "logging" in BLOCKS[index]


def test_examples_run_offline(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "OPENROUTER_API_KEY"}
    for script in sorted((ROOT / "examples").glob("*.py")):
        done = subprocess.run(
            [sys.executable, "-W", "error::ResourceWarning", str(script)],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, f"{script.name}: {done.stderr[-2000:]}"
        assert done.stdout.strip(), script.name
    assert any((tmp_path / "out").iterdir())


def test_demo_runs_offline(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "OPENROUTER_API_KEY"}
    done = subprocess.run(
        [
            sys.executable,
            "-W",
            "error::ResourceWarning",
            str(ROOT / "scripts" / "demo.py"),
            "--out",
            str(tmp_path / "out"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    files = {p.suffix for p in (tmp_path / "out").iterdir()}
    assert files == {".png", ".svg"}
    assert "partial image 0" in done.stdout and "total cost $" in done.stdout
