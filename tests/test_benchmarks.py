"""The benchmark harness runs end to end (a smoke test: no timing is asserted here)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_benchmark_harness_runs_every_scenario(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "run.py"),
            "--quick",
            "--rounds",
            "1",
            "--json",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    for row in (
        "import",
        "small",
        "list_models",
        "16 MB image",
        "partials stream",
        "20k events",
        "async",
    ):
        assert f"| {row}" in done.stdout
    results = json.loads(out.read_text())["results"]
    assert len(results) == 7
    for scenario in results.values():
        assert set(scenario["runs"]) == {"httpx", "sdk"}
        for row in scenario["rows"]:
            assert row["httpx"] > 0 and row["sdk"] > 0 and row["ratio"] > 0
