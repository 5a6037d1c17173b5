"""On a terminal: a live status line for ``images generate`` and a progress bar for
``images batch``, both ending with what was saved."""

from __future__ import annotations

import re
from pathlib import Path

from openrouter.testing import FakeServer

from .conftest import cli_env, run_tty

ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def frames(output: str) -> list[str]:
    """The successive states of the live line: rich redraws it after erasing it."""
    return [ESCAPES.sub("", part).strip() for part in output.split("\x1b[2K")]


def test_status_line_updates_then_ends_with_the_saved_path(
    fake: FakeServer, tmp_path: Path
) -> None:
    fake.inject(status=429, headers={"Retry-After": "0.3"}, times=1)
    fake.inject(event_delay=0.25, times=None)
    code, output = run_tty(
        "images", "generate", "a comet", "-m", "fake-labs/stream-diffusion", "--stream",
        "-o", "out/", env=cli_env(fake), cwd=tmp_path,
    )  # fmt: skip
    assert code == 0, output
    shown = frames(output)
    phases = [re.sub(r"^\S+ [0-9.]+s\s+", "", frame) for frame in shown]
    assert any(p.startswith("waiting for fake-labs/stream-diffusion") for p in phases)
    assert any("(retrying after HTTP 429)" in p for p in phases)
    assert any(p.startswith("receiving partial 0") for p in phases)
    assert any(p.startswith("receiving partial 1") and p.endswith(" KB") for p in phases)
    clock = {re.sub(r"s  .*", "", frame, flags=re.DOTALL) for frame in shown}
    assert len(clock) >= 5  # the clock ticks while waiting
    # The line ends with what was saved; the summary follows it.
    last = ESCAPES.sub("", output).strip().splitlines()
    assert re.fullmatch(r"✓ [0-9.]+s  saved out/a-comet-0\.png", last[-3])
    assert last[-2].startswith("out/a-comet-0.png  64x64  image/png")
    assert last[-1].startswith("cost $0.0")


def test_batch_progress_bar(fake: FakeServer, tmp_path: Path) -> None:
    lines = [f'{{"prompt": "p{i}", "model": "fake-labs/pixel-xl"}}' for i in range(6)]
    lines.append('{"prompt": "bad", "model": "fake-labs/pixel-xl", "quality": "ultra"}')
    (tmp_path / "jobs.jsonl").write_text("\n".join(lines) + "\n")
    fake.inject(delay=0.1, times=None)
    code, output = run_tty(
        "images", "batch", "jobs.jsonl", "-o", "out", "--concurrency", "2",
        env=cli_env(fake), cwd=tmp_path,
    )  # fmt: skip
    assert code == 1, output
    shown = frames(output)
    assert any("running" in f and "2 done · 0 failed · 7 jobs" in f for f in shown)
    assert any("finished" in f and "6 done · 1 failed · 7 jobs · $0.2400" in f for f in shown)
    text = ESCAPES.sub("", output)
    assert re.search(r"failed bad-\w+: Invalid quality 'ultra'", text)  # above the bar
    assert text.strip().endswith("cost $0.2400; manifest out/manifest.jsonl")
