"""The shape of the package that docs/design.md promises: a handful of modules, and little
code written twice (sync and async)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "openrouter"


def test_at_most_fifteen_modules() -> None:
    # __main__.py only hands `python -m openrouter` to the command line (the `cli/` package).
    modules = sorted(p.name for p in PACKAGE.glob("*.py") if p.name != "__main__.py")
    assert len(modules) <= 15, modules


def test_the_sync_async_twins_stay_small() -> None:
    out = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "twins.py"), str(PACKAGE)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    total = int(out.strip().splitlines()[-1].split()[0])
    assert 100 < total <= 350, out  # (over 100: the counter still finds the twins)
