"""The benchmark harness runs end to end (a smoke test: no timing is asserted here)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# The figures issue 8 sets a target for, as the table labels them.
TARGETED = [
    ("import", "wall ms, import + client", 1.0),
    ("import", "wall ms, import to first list_models result", 1.5),
    ("small", "CPU µs/call", 1.1),
    ("list_models", "CPU µs/call", 1.3),
    ("16mb", "wall ms", 1.0),
    ("16mb", "peak memory growth, MB", 0.7),
    ("partials", "CPU ms/stream", 0.9),
    ("events20k", "CPU ms/stream", 0.9),
    ("async", "CPU ms total", 1.1),
]


def test_benchmark_harness_runs_every_scenario(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    # One quick round with this interpreter (and its PYTHONPATH): no venv is built here.
    command = [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", "--rounds", "1"]
    command += ["--venv", "current", "--json", str(out)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    titles = ("import", "small", "list_models", "16 MB image", "partials", "20k events", "async")
    for title in titles:
        assert f"| {title}" in done.stdout
    assert "WARNING" not in done.stdout  # both sides read the same results

    report = json.loads(out.read_text())
    assert report["venv"] == "current"
    results = report["results"]
    assert list(results) == "import small list_models 16mb partials events20k async".split()
    for scenario in results.values():
        assert scenario["same_work"] is True
        assert set(scenario["runs"]) == {"httpx", "sdk"}
        for row in scenario["rows"]:
            assert row["httpx"] > 0 and row["sdk"] > 0 and row["ratio"] > 0
            assert row["httpx_spread_pct"] >= 0 and row["sdk_spread_pct"] >= 0
            assert len(row["round_ratios"]) == 1
            assert row["ratio_min"] == row["ratio_max"] == row["round_ratios"][0]
    targets = {
        (name, row["label"]): row["target"]
        for name, scenario in results.items()
        for row in scenario["rows"]
        if row["target"] is not None
    }
    assert targets == {(name, label): target for name, label, target in TARGETED}
    for _, label, target in TARGETED:
        assert f"| {label}" in done.stdout and f"≤ {target}x" in done.stdout
