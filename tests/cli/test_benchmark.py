"""benchmarks/cli.py runs (a smoke test with this interpreter: no venvs, no timing asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .conftest import cli_env

ROOT = Path(__file__).resolve().parents[2]


def test_cli_benchmark_runs(tmp_path: Path) -> None:
    out = tmp_path / "cli.json"
    command = [sys.executable, str(ROOT / "benchmarks" / "cli.py"), "--venv", "current"]
    command += ["--rounds", "1", "--json", str(out)]
    done = subprocess.run(command, env=cli_env(), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "| import openrouter + OpenRouter(), ms |" in done.stdout
    assert "`openrouter --help`:" in done.stdout
    result = json.loads(out.read_text())["results"]["current"]
    assert result["import_ms"] > 0 and result["help_ms"] > 0 and result["modules"] > 50
    assert "openrouter.cli" not in result["loaded_by_import"]
