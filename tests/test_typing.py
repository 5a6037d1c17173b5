"""The public types hold under ``mypy --strict``: tests/typing/ has ``assert_type`` checks
(and calls that must be refused), which mypy checks but nothing runs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_typing_checks_pass_mypy_strict() -> None:
    # MYPYPATH: check this checkout's package, whichever one the environment has installed.
    env = {**os.environ, "MYPYPATH": str(ROOT / "src")}
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "tests/typing"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
