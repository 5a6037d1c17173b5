"""Instructions per small call, counted by valgrind: a figure no other load on the machine moves.

CPU time on a shared machine moves by several per cent from run to run; the number of
instructions a call executes does not. This script counts them with
``valgrind --tool=callgrind`` for plain httpx and for the SDK, step by step (the SDK's pool
alone, its send loop with and without the ``trace`` extension, the whole call), against
``benchmarks/server.py``. Each figure is the difference between a run of ``--calls`` + 20
calls and one of 20 (after 20 warm-up calls each), divided by ``--calls``, with
``PYTHONHASHSEED=0`` so that it is the same on every run.

    python benchmarks/instructions.py [--calls 100] [--python PATH]

It needs valgrind (``apt install valgrind``) and takes about a minute. It is a report: it
prints the table and exits 0; nothing asserts on it.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
BODY = {"model": "bench/small", "prompt": "a lighthouse at dusk"}

STEPS = {
    "httpx.post": "plain httpx: `client.post(...)`",
    "httpx": "plain httpx, as the benchmark reads it (`raise_for_status`, `json()`, `b64decode`)",
    "pool.post": "this SDK's pool: `pool.post(...)` with the same body",
    "send": "... sent by `_transport.send` without the `trace` extension",
    "send+trace": "... with it (how `close()` finds the sockets of calls in flight)",
    "generate": "`client.images.generate(...)`, arguments checked, result parsed",
    "sdk": "as the benchmark reads it (`.data[0].to_bytes()`)",
}


_ALIVE: list[object] = []


def one_call(step: str, url: str) -> Callable[[], object]:
    """The call that ``step`` times, ready to run (imports and set-up done)."""
    sys.path.insert(0, str(HERE))
    import bench

    if step.startswith("httpx"):
        api = bench.Httpx(url)
        if step == "httpx":
            return lambda: api.generate("bench/small")
        return lambda: api.client.post(url + "/images", json=BODY)
    sdk = bench.Sdk(url)
    client = sdk.client
    _ALIVE.append(sdk)  # the pool closes when its client is collected
    if step == "sdk":
        return lambda: sdk.generate("bench/small")
    if step == "generate":
        return lambda: client.images.generate(**BODY)
    from openrouter import _request, _transport

    pool = client._pool()
    if step == "pool.post":
        return lambda: pool.post(url + "/images", json=BODY)
    config = client._config
    spec = _request.generate(config, None, dict(BODY))  # type: ignore[arg-type]
    own = step == "send+trace"
    return lambda: _transport.send(pool, spec, config.logger, client._lifeline, None, own_pool=own)


def child(step: str, url: str, calls: int) -> None:
    """Run in valgrind: 20 warm-up calls, then ``calls`` more."""
    call = one_call(step, url)
    for _ in range(20 + calls):
        call()


def counted(python: str, step: str, url: str, calls: int) -> int:
    """Instructions valgrind counted for a whole child process."""
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"]
    command += [python, __file__, "--child", step, "--url", url, "--calls", str(calls)]
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    return int(re.search(r"Collected : (\d+)", done.stderr)[1])  # type: ignore[index]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=100)
    parser.add_argument("--python", default=sys.executable, help="the interpreter to count")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.url, args.calls)
        return
    if shutil.which("valgrind") is None:
        print("valgrind is not installed (apt install valgrind): nothing counted")
        return
    server = subprocess.Popen(
        [args.python, str(HERE / "server.py")], stdout=subprocess.PIPE, text=True
    )
    try:
        url = f"http://127.0.0.1:{server.stdout.readline().strip()}/api/v1"  # type: ignore[union-attr]
        print(f"instructions per small call ({args.calls} calls, {args.python})\n")
        print("| what runs per call | instructions |\n| --- | ---: |")
        figures = {}
        for step, label in STEPS.items():
            base = counted(args.python, step, url, 0)
            more = counted(args.python, step, url, args.calls)
            figures[step] = (more - base) / args.calls
            print(f"| {label} | {figures[step] / 1000:,.0f}k |", flush=True)
        print(f"\nsdk / httpx: {figures['sdk'] / figures['httpx']:.3f}x")
    finally:
        server.kill()
        server.wait()


if __name__ == "__main__":
    main()
