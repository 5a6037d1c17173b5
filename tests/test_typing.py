"""The types users see: ``mypy --strict`` over the check files of ``tests/typing/``, whose
``assert_type`` calls state what each public name gives a type checker (sync and async
clients, raw responses, call ids, stream events)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_check_files_pass_mypy_strict() -> None:
    checks = sorted((ROOT / "tests" / "typing").glob("check_*.py"))
    assert checks  # (an empty directory would pass without checking anything)
    # MYPYPATH: the package of this checkout, whichever copy the environment installed.
    env = {**os.environ, "MYPYPATH": str(ROOT / "src")}
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", *map(str, checks)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
