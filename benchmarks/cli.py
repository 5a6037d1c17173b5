"""The command line's costs: ``python benchmarks/cli.py [--rounds N] [--venv fresh|current]``.

Two questions, each measured in FRESH PROCESSES, the venvs alternating round by round, the
median over the rounds reported:

* **Does installing the ``cli`` extra slow the SDK down?** ``import openrouter`` and
  ``OpenRouter()`` (which imports httpx) in a venv made with ``pip install <repo>`` against
  one made with ``pip install "<repo>[cli]"``. httpx's ``__init__`` tries to import its own
  command line, which imports click first, then pygments and rich: with all three installed
  every ``import httpx`` loads them (+30-60 ms). The ``cli`` extra brings rich and pygments
  but not click, so that import stops at once. A third venv adds click to the ``cli`` extra
  to show what choosing click would have cost (uvicorn, and so the ``testing`` extra, also
  brings click: in such a venv httpx loads rich whatever the CLI does).
* **Does ``openrouter --help`` answer in under 0.2 s?** The installed script, timed from
  outside (interpreter start-up included).

``--venv fresh`` (default) makes the venvs under ``benchmarks/.venv-cli-*`` (not editable,
re-made when ``pyproject.toml`` or ``src/`` change). ``--venv current`` measures this
interpreter only, with its ``PYTHONPATH`` (a smoke test). Prints a table; ``--json PATH``
writes the figures too. Always exits 0: a report, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from run import venv_key

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
HELP_TARGET_MS = 200.0

# (venv name, what `pip install` gets, extra packages)
VENVS = {
    "plain": ("SDK", str(ROOT), []),
    "cli": ("SDK + cli extra", f"{ROOT}[cli]", []),
    "cli-click": ("SDK + cli extra + click", f"{ROOT}[cli]", ["click"]),
}

# Run in a fresh process: the import time of the SDK and a client, and what it loaded.
IMPORT = """
import json, sys, time
start = time.perf_counter()
import openrouter
openrouter.OpenRouter(api_key="sk-bench")
took = (time.perf_counter() - start) * 1000
heavy = [m for m in ("click", "pygments", "rich", "openrouter.cli") if m in sys.modules]
print(json.dumps({"import_ms": took, "modules": len(sys.modules), "loaded": heavy}))
"""
# Whether a venv has click at all (the `cli` extra must not bring it).
HAS = "import importlib.util, json; print(json.dumps({n: importlib.util.find_spec(n) is not None for n in ('click', 'rich', 'pygments')}))"  # noqa: E501


def clean_env(keep_pythonpath: bool) -> dict[str, str]:
    drop = ("OPENROUTER_",) if keep_pythonpath else ("OPENROUTER_", "PYTHONPATH", "PYTHONHOME")
    return {k: v for k, v in os.environ.items() if not k.startswith(drop)}


def make_venv(name: str) -> Path:
    """The Python of ``benchmarks/.venv-cli-<name>``, (re)made when the sources changed."""
    _, target, extra = VENVS[name]
    directory = HERE / f".venv-cli-{name}"
    python = directory / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    stamp, key = directory / "bench-key", venv_key()
    if python.exists() and stamp.exists() and stamp.read_text() == key:
        return python
    print(f"creating {directory} (pip install {target} {' '.join(extra)}) ...", flush=True)
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(directory)], check=True)
    install = [str(python), "-m", "pip", "install", "--quiet", target, *extra]
    subprocess.run(install, check=True, env=clean_env(False), cwd=HERE)
    stamp.write_text(key)
    return python


def script_of(python: Path) -> list[str]:
    """The installed ``openrouter`` script next to ``python`` (else ``python -m openrouter``)."""
    script = python.parent / ("openrouter.exe" if sys.platform == "win32" else "openrouter")
    return [str(script)] if script.exists() else [str(python), "-m", "openrouter"]


def measure_import(python: Path, env: dict[str, str]) -> dict[str, object]:
    done = subprocess.run([python, "-c", IMPORT], capture_output=True, text=True, env=env)
    done.check_returncode()
    return json.loads(done.stdout)


def measure_help(python: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run([*script_of(python), "--help"], capture_output=True, env=env, check=True)
    return (time.perf_counter() - start) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--venv", choices=("fresh", "current"), default="fresh")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    if args.venv == "current":
        pythons = {"current": Path(sys.executable)}
        labels = {"current": "this interpreter"}
    else:
        pythons = {name: make_venv(name) for name in VENVS}
        labels = {name: label for name, (label, _, _) in VENVS.items()}
    env = clean_env(keep_pythonpath=args.venv == "current")
    has = {
        name: json.loads(subprocess.check_output([python, "-c", HAS], env=env, text=True))
        for name, python in pythons.items()
    }
    for python in pythons.values():  # warm up: .pyc files written, disk cache filled
        measure_import(python, env)
        measure_help(python, env)

    runs: dict[str, dict[str, list[float]]] = {
        name: {"import_ms": [], "help_ms": []} for name in pythons
    }
    loaded: dict[str, dict[str, object]] = {}
    for _ in range(args.rounds):
        for name, python in pythons.items():  # alternating: drifts hit every venv alike
            result = measure_import(python, env)
            runs[name]["import_ms"].append(float(result["import_ms"]))
            runs[name]["help_ms"].append(measure_help(python, env))
            loaded[name] = result

    results = {
        name: {
            "label": labels[name],
            "installed": has[name],
            "import_ms": statistics.median(runs[name]["import_ms"]),
            "help_ms": statistics.median(runs[name]["help_ms"]),
            "modules": loaded[name]["modules"],
            "loaded_by_import": loaded[name]["loaded"],
            "runs": runs[name],
        }
        for name in pythons
    }
    names = list(results)
    print(f"\nmedians of {args.rounds} fresh processes each\n")
    print("| figure | " + " | ".join(results[n]["label"] for n in names) + " |")
    print("| --- |" + " --- |" * len(names))
    rows = [
        ("click installed", lambda r: "yes" if r["installed"]["click"] else "no"),
        ("rich installed", lambda r: "yes" if r["installed"]["rich"] else "no"),
        ("import openrouter + OpenRouter(), ms", lambda r: f"{r['import_ms']:.1f}"),
        ("modules loaded by it", lambda r: str(r["modules"])),
        ("CLI libraries it loaded", lambda r: ", ".join(r["loaded_by_import"]) or "none"),
        ("`openrouter --help`, ms wall", lambda r: f"{r['help_ms']:.0f}"),
    ]
    for title, cell in rows:
        print(f"| {title} | " + " | ".join(cell(results[n]) for n in names) + " |")
    slowest = max(r["help_ms"] for r in results.values())
    verdict = "within" if slowest < HELP_TARGET_MS else "OVER"
    target = f"{verdict} the {HELP_TARGET_MS:.0f} ms target"
    print(f"\n`openrouter --help`: {slowest:.0f} ms at most, {target}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"venv": args.venv, "results": results}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
