"""The benchmark harness runs end to end (a smoke test: no timing is asserted here)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

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


def load(name: str, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """A module of benchmarks/ (run.py imports bench.py as a sibling)."""
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_official_figures_are_reported_next_to_ours(monkeypatch: pytest.MonkeyPatch) -> None:
    run, chart = load("run", monkeypatch), load("chart", monkeypatch)
    runs = {
        "httpx": [{"cpu_us": 2.0}, {"cpu_us": 4.0}, {"cpu_us": 3.0}],
        "sdk": [{"cpu_us": 2.2}, {"cpu_us": 4.4}, {"cpu_us": 3.3}],
        # One failed measurement: left out of the median and of the per-round ratios.
        "official": [{"cpu_us": 12.0}, None, {"cpu_us": 9.0}],
    }
    row = run.figures(runs, "cpu_us", 1.1)
    assert row["sdk"] == 3.3 and row["ok"] is True
    assert row["official"] == 10.5
    assert row["official_ratio"] == 3.5
    assert row["official_round_ratios"] == [6.0, 3.0]
    assert (row["official_ratio_min"], row["official_ratio_max"]) == (3.0, 6.0)
    assert row["official_spread_pct"] == 1.5 / 10.5 * 100
    # Without official runs the row has no official figures; a scenario it could not do: None.
    assert "official" not in run.figures({k: runs[k] for k in ("httpx", "sdk")}, "cpu_us", 1.1)
    missing = run.figures(runs | {"official": [None, None, None]}, "cpu_us", 1.1)
    assert missing["official"] is None and missing["official_ratio"] is None

    results = {"small": {"title": "small x3", "rows": [{"label": "CPU µs/call"} | row]}}
    text = run.table(results, official=True)
    assert text.splitlines()[0].endswith("| official/httpx |")
    assert "3.50x |" in text
    assert "official" not in run.table(results)
    ratios = chart.figures({"results": results})[0]["ratios"]
    assert ratios == {"sdk": pytest.approx(1.1), "official": 3.5}
    # A bar past the axis (3x) is cut at its end, with a break mark and its value.
    drawn = chart.svg({"results": results})
    assert drawn.count('fill="#9e9e9e"') == 2  # the legend and the bar
    assert "3.50x" in drawn and drawn.count("<path") == 1
    assert f'width="{chart.WIDTH - chart.LEFT - chart.RIGHT:.1f}" height="{chart.BAR}"' in drawn
