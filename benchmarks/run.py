"""This SDK against plain httpx, side by side: ``python benchmarks/run.py [--quick] [--only NAME]``.

Starts ``benchmarks/server.py`` (pre-encoded answers on a local port), then for each scenario
runs ``benchmarks/bench.py`` in a FRESH PROCESS per measurement, alternating httpx and the
SDK (httpx, sdk, httpx, sdk, ...) for several rounds (7; 3 with ``--quick``, which also makes
fewer calls per process), so that slow drifts of the machine hit both alike. Each figure is
the MEDIAN over the rounds; the ratio is SDK / httpx, next to its target.

Prints the machine and a table; writes everything, with each round's raw numbers, to
``benchmarks/results/latest.json``. Always exits 0: this is a report, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from bench import FULL, QUICK

HERE = Path(__file__).resolve().parent
IMPLS = ("httpx", "sdk")

# scenario -> (title, [(metric, label, target ratio or None)])
SCENARIOS = {
    "import": (
        "import",
        [
            ("wall_ms", "wall ms, import + client", 1.3),
            ("modules", "modules loaded", None),
            ("first_result_ms", "wall ms, to first result", None),
        ],
    ),
    "small": (
        "small x{calls}",
        [("cpu_us", "CPU µs/call", 1.3), ("wall_us", "wall µs/call", None)],
    ),
    "list_models": (
        "list_models x{calls}",
        [("cpu_us", "CPU µs/call", 1.3), ("wall_us", "wall µs/call", None)],
    ),
    "16mb": (
        "16 MB image",
        [
            ("wall_ms", "wall ms", 1.3),
            ("peak_delta_mb", "peak RSS - baseline, MB", 1.1),
            ("cpu_ms", "CPU ms", None),
        ],
    ),
    "partials": (
        "partials stream",
        [("cpu_ms", "CPU ms/stream", 1.3), ("wall_ms", "wall ms/stream", None)],
    ),
    "events20k": (
        "20k events",
        [("cpu_ms", "CPU ms/stream", 1.5), ("wall_ms", "wall ms/stream", None)],
    ),
    "async": (
        "async x{async_calls}/{in_flight}",
        [("cpu_ms", "CPU ms total", 1.3), ("wall_ms", "wall ms total", None)],
    ),
}


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.partition(":")[2].strip()
                break
    except OSError:
        pass
    versions = {}
    for name in ("openrouter", "httpx", "httpx-sse", "pydantic", "pydantic-core"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "?"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "platform": platform.platform(),
        "versions": versions,
    }


def start_server() -> tuple[subprocess.Popen, str]:
    server = subprocess.Popen(
        [sys.executable, str(HERE / "server.py")], stdout=subprocess.PIPE, text=True
    )
    port = int(server.stdout.readline())
    return server, f"http://127.0.0.1:{port}/api/v1"


def measure(scenario: str, impl: str, url: str, quick: bool) -> dict | None:
    # The SDK reads settings from OPENROUTER_* variables: leave them out.
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENROUTER_")}
    command = [sys.executable, str(HERE / "bench.py"), scenario, impl, "--url", url]
    done = subprocess.run(
        command + ["--quick"] * quick, capture_output=True, text=True, env=env, timeout=600
    )
    if done.returncode != 0:
        print(f"  {scenario} {impl} failed:\n{done.stderr[-2000:]}", file=sys.stderr)
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def median(runs: list[dict | None], metric: str) -> float | None:
    values = [run[metric] for run in runs if run is not None]
    return statistics.median(values) if values else None


def fmt(value: float | None) -> str:
    if value is None:
        return "-"
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}" if value >= 1 else f"{value:.2g}"


def run_scenario(name: str, url: str, rounds: int, quick: bool, counts: dict) -> dict:
    title = SCENARIOS[name][0].format(**counts)
    runs: dict[str, list[dict | None]] = {impl: [] for impl in IMPLS}
    for i in range(rounds):
        for impl in IMPLS:
            runs[impl].append(measure(name, impl, url, quick))
        print(f"  {title}: round {i + 1}/{rounds} done", file=sys.stderr, flush=True)
    rows = []
    for metric, label, target in SCENARIOS[name][1]:
        base, ours = median(runs["httpx"], metric), median(runs["sdk"], metric)
        ratio = ours / base if base and ours is not None else None
        ok = None if target is None or ratio is None else ratio <= target
        rows.append(
            {"metric": metric, "label": label, "httpx": base, "sdk": ours}
            | {"ratio": ratio, "target": target, "ok": ok}
        )
    return {"title": title, "rows": rows, "runs": runs}


def table(results: dict) -> str:
    header = ["scenario", "metric", "httpx", "sdk", "ratio", "target", "ok?"]
    lines = [header]
    for result in results.values():
        for i, row in enumerate(result["rows"]):
            ok = {None: "", True: "yes", False: "NO"}[row["ok"]]
            target = f"≤ {row['target']}x" if row["target"] else ""
            ratio = f"{row['ratio']:.2f}x" if row["ratio"] is not None else "-"
            title = result["title"] if i == 0 else ""
            lines.append(
                [title, row["label"], fmt(row["httpx"]), fmt(row["sdk"]), ratio, target, ok]
            )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out = []
    for n, line in enumerate(lines):
        pairs = enumerate(zip(line, widths, strict=True))
        cells = [c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in pairs]
        out.append("| " + " | ".join(cells) + " |")
        if n == 0:
            rule = ["-" * w if i < 2 else "-" * (w - 1) + ":" for i, w in enumerate(widths)]
            out.append("| " + " | ".join(rule) + " |")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 rounds and fewer calls")
    parser.add_argument("--only", choices=list(SCENARIOS), help="run one scenario")
    parser.add_argument("--rounds", type=int, help="rounds per scenario (default 7, quick 3)")
    parser.add_argument(
        "--json", type=Path, default=HERE / "results" / "latest.json", help="raw numbers file"
    )
    args = parser.parse_args()
    rounds = args.rounds or (3 if args.quick else 7)
    counts = QUICK if args.quick else FULL
    names = [args.only] if args.only else list(SCENARIOS)

    info = machine()
    print(f"machine: {info['cpu']}, {info['cores']} cores, {info['python']}, {info['platform']}")
    print("versions: " + ", ".join(f"{k} {v}" for k, v in info["versions"].items()))
    print(f"{rounds} rounds, fresh process per measurement, httpx and sdk interleaved, medians\n")
    sys.stdout.flush()

    # Compile every module once, so that no measured process pays for writing .pyc files.
    subprocess.run([sys.executable, "-c", "import openrouter._streaming, openrouter._images"])
    server, url = start_server()
    try:
        results = {name: run_scenario(name, url, rounds, args.quick, counts) for name in names}
    finally:
        server.terminate()
        server.wait(timeout=10)

    print(table(results))
    out = args.json
    out.parent.mkdir(parents=True, exist_ok=True)
    report = {"machine": info, "rounds": rounds, "quick": args.quick, "counts": counts}
    out.write_text(json.dumps(report | {"results": results}, indent=2) + "\n")
    print(f"\nraw numbers in {out}")


if __name__ == "__main__":
    main()
