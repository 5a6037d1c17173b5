"""This SDK against plain httpx, side by side: ``python benchmarks/run.py [--quick] [--official]``.

Starts ``benchmarks/server.py`` (pre-encoded answers on a local port), then for each scenario
runs ``benchmarks/bench.py`` in a FRESH PROCESS per measurement, alternating httpx and the
SDK (httpx, sdk, httpx, sdk, ...) for several rounds (7; 3 with ``--quick``, which also makes
fewer calls per process), so that slow drifts of the machine hit both alike. Each figure is
the MEDIAN over the rounds; the ratio is SDK / httpx, next to its target, and the spread says
how far the rounds strayed (each side's ±% around its median, and the range of the per-round
ratios).

By default (``--venv fresh``) both implementations run in a venv made the way a user gets the
SDK: ``pip install <this repo>`` (not editable) into ``benchmarks/.venv-user``, created once
and re-created when ``pyproject.toml`` or ``src/`` change. ``--venv current`` runs them with
this interpreter and its environment instead (``PYTHONPATH`` included).

With ``--official``, the official SDK (PyPI's ``openrouter``) is measured too, third in each
round (httpx, sdk, official), and its ratio official / httpx is reported next to ours (it has
no targets). It has the same import name as this SDK, so it runs in its own cached venv,
``benchmarks/.venv-official`` (``pip install openrouter httpx-sse``). Off by default: it needs
PyPI the first time and takes minutes (its streams are slow).

Prints the machine and a table; writes everything, with each round's raw numbers, to
``benchmarks/results/latest.json``. Always exits 0: this is a report, not a test.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

from bench import FULL, QUICK

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
USER_VENV = HERE / ".venv-user"
OFFICIAL_VENV = HERE / ".venv-official"
# What the official venv gets: the version bench.py's Official class is written against.
OFFICIAL_INSTALL = ["openrouter>=1.3,<1.4", "httpx-sse"]
IMPLS = ("httpx", "sdk")

# scenario -> (title, [(metric, label, target ratio or None)]). Targets: issue 8.
SCENARIOS = {
    "import": (
        "import",
        [
            ("wall_ms", "wall ms, import + client", 1.0),
            ("cold_ms", "wall ms, import to first list_models result", 1.5),
            ("modules", "modules loaded by import + client", None),
        ],
    ),
    "small": (
        "small x{calls}",
        [("cpu_us", "CPU µs/call", 1.1), ("wall_us", "wall µs/call", None)],
    ),
    "list_models": (
        "list_models x{calls}",
        [("cpu_us", "CPU µs/call", 1.3), ("wall_us", "wall µs/call", None)],
    ),
    "16mb": (
        "16 MB image",
        [
            ("wall_ms", "wall ms", 1.0),
            ("peak_delta_mb", "peak memory growth, MB", 0.7),
            ("cpu_ms", "CPU ms", None),
        ],
    ),
    "partials": (
        "partials stream",
        [("cpu_ms", "CPU ms/stream", 0.9), ("wall_ms", "wall ms/stream", None)],
    ),
    "events20k": (
        "20k events",
        [("cpu_ms", "CPU ms/stream", 0.9), ("wall_ms", "wall ms/stream", None)],
    ),
    "async": (
        "async x{async_calls}/{in_flight}",
        [("cpu_ms", "CPU ms total", 1.1), ("wall_ms", "wall ms total", None)],
    ),
}

# Run by the measuring interpreter: the versions it actually imports.
VERSIONS = """
import json, platform
from importlib import metadata
names = "openrouter-images openrouter httpx httpcore anyio sniffio httpx-sse".split()
names += ["pydantic", "pydantic-core"]
found = {"python": platform.python_version()}
for name in names:
    try:
        found[name] = metadata.version(name)
    except metadata.PackageNotFoundError:
        found[name] = "absent"
print(json.dumps(found))
"""
# Writes the SDK's .pyc files once, so that no measured process pays for it.
COMPILE = """
import compileall, os, openrouter
compileall.compile_dir(os.path.dirname(openrouter.__file__), quiet=1)
"""


# --------------------------------------------------------------------------------------
# The interpreter that measures


def venv_key() -> str:
    """A hash of what the user venv is made from: this Python and what `pip install` reads."""
    digest = hashlib.sha256(f"{sys.version} {sys.base_prefix}".encode())
    files = [ROOT / "pyproject.toml", ROOT / "README.md", ROOT / "LICENSE"]
    files += sorted(p for p in (ROOT / "src").rglob("*") if "__pycache__" not in p.parts)
    for path in files:
        if path.is_file():
            digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def cached_venv(venv: Path, key: str, packages: list[str]) -> Path:
    """The Python of ``venv``, (re)created with ``pip install PACKAGES`` if its key changed."""
    bindir = "Scripts" if sys.platform == "win32" else "bin"
    python = venv / bindir / ("python.exe" if sys.platform == "win32" else "python")
    stamp = venv / "bench-key"
    if python.exists() and stamp.exists() and stamp.read_text() == key:
        return python
    print(f"creating {venv} (pip install {' '.join(packages)}) ...", flush=True)
    shutil.rmtree(venv, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    # Not editable, with pip's default options: what `pip install` gives a user.
    install = [str(python), "-m", "pip", "install", "--quiet", *packages]
    subprocess.run(install, check=True, env=clean_env(), cwd=HERE)
    stamp.write_text(key)
    return python


def user_venv() -> Path:
    """The Python of ``benchmarks/.venv-user``: this repo, as ``pip install .`` gives it."""
    return cached_venv(USER_VENV, venv_key(), [str(ROOT), "httpx-sse"])


def official_venv() -> Path:
    """The Python of ``benchmarks/.venv-official``: the official SDK from PyPI."""
    key = f"{sys.version} {sys.base_prefix} {' '.join(OFFICIAL_INSTALL)}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return cached_venv(OFFICIAL_VENV, digest, OFFICIAL_INSTALL)


def clean_env(keep_pythonpath: bool = False) -> dict[str, str]:
    # The SDK reads settings from OPENROUTER_* variables: leave them out. A user's venv sees no
    # PYTHONPATH (the shared dev venv's tests set one to import src/).
    drop = ("OPENROUTER_",) if keep_pythonpath else ("OPENROUTER_", "PYTHONPATH", "PYTHONHOME")
    return {k: v for k, v in os.environ.items() if not k.startswith(drop)}


def versions(python: str, env: dict[str, str]) -> dict[str, str]:
    """The Python and package versions that ``python`` imports."""
    done = subprocess.run([python, "-c", VERSIONS], capture_output=True, text=True, env=env)
    return json.loads(done.stdout)


def machine(python: str, env: dict[str, str]) -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.partition(":")[2].strip()
                break
    except OSError:
        pass
    found = versions(python, env)
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": f"{platform.python_implementation()} {found.pop('python')}",
        "interpreter": python,
        "platform": platform.platform(),
        "versions": found,
    }


# --------------------------------------------------------------------------------------
# Measuring


def start_server() -> tuple[subprocess.Popen, str]:
    server = subprocess.Popen(
        [sys.executable, str(HERE / "server.py")], stdout=subprocess.PIPE, text=True
    )
    port = int(server.stdout.readline())
    return server, f"http://127.0.0.1:{port}/api/v1"


def measure(python: str, env: dict, scenario: str, impl: str, url: str, quick: bool) -> dict | None:
    command = [python, str(HERE / "bench.py"), scenario, impl, "--url", url] + ["--quick"] * quick
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
    if done.returncode != 0:
        print(f"  {scenario} {impl} failed:\n{done.stderr[-2000:]}", file=sys.stderr)
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def spread_pct(values: list[float]) -> float | None:
    """The largest distance of a round from the median, in % of the median."""
    if not values or not statistics.median(values):
        return None
    mid = statistics.median(values)
    return max(abs(v - mid) for v in values) / mid * 100


def versus_httpx(runs: dict[str, list[dict | None]], impl: str, metric: str) -> dict:
    """``impl``'s median and spread, and its ratios to httpx: of the medians and per round."""
    values = {i: [r[metric] for r in runs[i] if r is not None] for i in ("httpx", impl)}
    base, median = (statistics.median(values[i]) if values[i] else None for i in ("httpx", impl))
    # httpx and the others of one round ran back to back: their ratio is that round's.
    pairs = zip(runs["httpx"], runs[impl], strict=True)
    rounds = [o[metric] / h[metric] for h, o in pairs if h and o and h[metric]]
    return {
        "median": median,
        "spread_pct": spread_pct(values[impl]),
        "ratio": median / base if base and median is not None else None,
        "round_ratios": rounds,
        "ratio_min": min(rounds, default=None),
        "ratio_max": max(rounds, default=None),
    }


def figures(runs: dict[str, list[dict | None]], metric: str, target: float | None) -> dict:
    values = [r[metric] for r in runs["httpx"] if r is not None]
    ours = versus_httpx(runs, "sdk", metric)
    row = {
        "httpx": statistics.median(values) if values else None,
        "sdk": ours["median"],
        "httpx_spread_pct": spread_pct(values),
        "sdk_spread_pct": ours["spread_pct"],
        "ratio": ours["ratio"],
        "round_ratios": ours["round_ratios"],
        "ratio_min": ours["ratio_min"],
        "ratio_max": ours["ratio_max"],
        "target": target,
        "ok": None if target is None or ours["ratio"] is None else ours["ratio"] <= target,
    }
    if "official" in runs:  # measured with --official; None where it could not be measured
        theirs = versus_httpx(runs, "official", metric)
        row["official"] = theirs.pop("median")
        row |= {f"official_{key}": value for key, value in theirs.items()}
    return row


def run_scenario(name: str, measure_one, rounds: int, counts: dict, impls=IMPLS) -> dict:
    title = SCENARIOS[name][0].format(**counts)
    runs: dict[str, list[dict | None]] = {impl: [] for impl in impls}
    for i in range(rounds):
        for impl in impls:
            runs[impl].append(measure_one(name, impl))
        print(f"  {title}: round {i + 1}/{rounds} done", file=sys.stderr, flush=True)
    rows = [
        {"metric": metric, "label": label} | figures(runs, metric, target)
        for metric, label, target in SCENARIOS[name][1]
    ]
    # Every side must have read the same results, or the comparison means nothing.
    works = {json.dumps(run.get("work")) for impl in impls for run in runs[impl] if run}
    return {"title": title, "rows": rows, "same_work": len(works) == 1, "runs": runs}


# --------------------------------------------------------------------------------------
# Reporting


def fmt(value: float | None) -> str:
    if value is None:
        return "-"
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}" if value >= 1 else f"{value:.2g}"


def with_spread(value: float | None, spread: float | None) -> str:
    return fmt(value) + (f" ±{spread:.0f}%" if spread is not None else "")


def ratio_text(ratio: float | None) -> str:
    return f"{ratio:.2f}x" if ratio is not None else "-"


def table(results: dict, official: bool = False) -> str:
    header = ["scenario", "metric", "httpx", "sdk", "ratio", "per round", "target", "ok?"]
    header += ["official", "official/httpx"] * official
    lines = [header]
    for result in results.values():
        for i, row in enumerate(result["rows"]):
            ok = {None: "", True: "yes", False: "NO"}[row["ok"]]
            target = f"≤ {row['target']}x" if row["target"] else ""
            low, high = row["ratio_min"], row["ratio_max"]
            span = "-" if low is None else f"{low:.2f}-{high:.2f}"
            line = [
                result["title"] if i == 0 else "",
                row["label"],
                with_spread(row["httpx"], row["httpx_spread_pct"]),
                with_spread(row["sdk"], row["sdk_spread_pct"]),
                ratio_text(row["ratio"]),
                span,
                target,
                ok,
            ]
            if official:
                line.append(with_spread(row.get("official"), row.get("official_spread_pct")))
                line.append(ratio_text(row.get("official_ratio")))
            lines.append(line)
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
        "--venv",
        choices=["fresh", "current"],
        default="fresh",
        help="fresh: a venv from `pip install .` (default); current: this interpreter",
    )
    parser.add_argument(
        "--json", type=Path, default=HERE / "results" / "latest.json", help="raw numbers file"
    )
    parser.add_argument(
        "--official",
        action="store_true",
        help="also measure the official SDK (PyPI's openrouter), in benchmarks/.venv-official",
    )
    args = parser.parse_args()
    rounds = args.rounds or (3 if args.quick else 7)
    counts = QUICK if args.quick else FULL
    names = [args.only] if args.only else list(SCENARIOS)
    if args.venv == "fresh":
        python, env = str(user_venv()), clean_env()
    else:
        python, env = sys.executable, clean_env(keep_pythonpath=True)

    # Which interpreter and environment measure each implementation.
    pythons = dict.fromkeys(IMPLS, (python, env))
    if args.official:
        # Never with PYTHONPATH, even with --venv current: `import openrouter` would find src/.
        pythons["official"] = (str(official_venv()), clean_env())
    impls = tuple(pythons)

    info = machine(python, env)
    print(f"machine: {info['cpu']}, {info['cores']} cores, {info['python']}, {info['platform']}")
    print("versions: " + ", ".join(f"{k} {v}" for k, v in info["versions"].items()))
    print(f"interpreter: {python} (--venv {args.venv})")
    if args.official:
        info["official"] = versions(*pythons["official"])
        print("official SDK: " + ", ".join(f"{k} {v}" for k, v in info["official"].items()))
    print(f"{rounds} rounds, fresh process per measurement, {', '.join(impls)} interleaved,")
    print("medians; ratios are over httpx, measured in the same round;")
    print("±: farthest round from the median; per round: range of the rounds' sdk/httpx ratios\n")
    sys.stdout.flush()

    for impl in impls[1:]:  # the SDKs (httpx runs with the sdk's interpreter)
        subprocess.run([pythons[impl][0], "-c", COMPILE], env=pythons[impl][1], check=True)
    server, url = start_server()
    try:

        def measure_one(scenario: str, impl: str) -> dict | None:
            return measure(*pythons[impl], scenario, impl, url, args.quick)

        results = {name: run_scenario(name, measure_one, rounds, counts, impls) for name in names}
    finally:
        server.terminate()
        server.wait(timeout=10)

    print(table(results, args.official))
    for result in results.values():
        if not result["same_work"]:
            print(f"WARNING: {result['title']}: {', '.join(impls)} did not read the same results")
    out = args.json
    out.parent.mkdir(parents=True, exist_ok=True)
    report = {"machine": info, "venv": args.venv, "rounds": rounds, "quick": args.quick}
    report["implementations"] = list(impls)
    out.write_text(json.dumps(report | {"counts": counts, "results": results}, indent=2) + "\n")
    print(f"\nraw numbers in {out}")


if __name__ == "__main__":
    main()
