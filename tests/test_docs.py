"""The code of the README and of the documentation site runs as written: each ```python block,
pasted alone into a fresh interpreter with OPENROUTER_BASE_URL pointing at the local fake
server (as a new user would run it against `python -m openrouter.testing`). A block that
defines pytest tests is run by pytest, so its tests must pass too. The examples and the demo
run offline."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from openrouter.testing import FakeServer

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
FENCE = re.compile(r"^```(\S*)[^\n]*\n(.*?)^```", re.DOTALL | re.MULTILINE)


def blocks(language: str) -> list[tuple[str, str]]:
    """(``page:line``, code) of every block fenced with ``language``."""
    found = []
    for page in PAGES:
        text = page.read_text()
        for match in FENCE.finditer(text):
            if match[1] == language:
                line = text.count("\n", 0, match.start()) + 1
                found.append((f"{page.relative_to(ROOT)}:{line}", match[2]))
    return found


PYTHON = blocks("python")


def test_pages_have_examples() -> None:
    readme = [where for where, _ in PYTHON if where.startswith("README.md")]
    assert len(readme) >= 8
    assert len(PYTHON) - len(readme) >= 30


def test_every_fence_names_its_language() -> None:
    # A bare ``` block is neither run nor highlighted: say what it is (python, text, console).
    for page in PAGES:
        for match in FENCE.finditer(page.read_text()):
            assert match[1], f"{page.name}: a ``` block without a language:\n{match[2][:200]}"


@pytest.mark.parametrize(("where", "code"), PYTHON, ids=[where for where, _ in PYTHON])
def test_python_block_runs(
    where: str, code: str, openrouter_server: FakeServer, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "OPENROUTER_API_KEY": openrouter_server.api_key,
        "OPENROUTER_BASE_URL": openrouter_server.base_url,
    }
    if "def test_" in code:
        (tmp_path / "test_snippet.py").write_text(code)
        command = ["-m", "pytest", "-q", "-p", "no:cacheprovider", "test_snippet.py"]
    else:
        command = ["-c", code]
    done = subprocess.run(
        [sys.executable, "-W", "error::ResourceWarning", *command],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, f"{where}:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    # A call must have reached the server it was pointed at (not failed somewhere quietly),
    # unless the block brings its own server or shows input refused before sending.
    own_server = "FakeServer" in code or "def test_" in code
    if ".images." in code and not own_server and "ParameterError" not in code:
        assert openrouter_server.requests, f"{where} sent nothing to OPENROUTER_BASE_URL"


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
