"""One measurement, in a fresh process: ``python benchmarks/bench.py SCENARIO IMPL --url URL``.

IMPL is ``httpx`` (plain httpx + httpx-sse, doing the minimum a careful user would do:
``client.post``, ``response.json()``, ``base64.b64decode`` of each image; for streams
``connect_sse``/``iter_sse``, ``json.loads(sse.data)`` and decoding each image event until
``[DONE]``) or ``sdk`` (the same work through this SDK's public API: ``images.generate``,
``.data[i].to_bytes()``, iterating the stream and calling ``event.to_bytes()`` on image
events). Both ends read the same pre-encoded answers from ``benchmarks/server.py``.

Prints one JSON line of results. What each scenario measures:

* ``import``: wall time of importing the library and creating a client (and, for the SDK,
  touching ``client.images``), from before the import; it runs first in a fresh interpreter,
  which is why this module imports nothing but ``sys`` and ``time`` at the top. Also, with no
  target, the modules this loaded and the wall time from before the import to the first
  small result (the client's first call: imports, connection, parsing).
* ``small``, ``list_models``: CPU time (``time.process_time``) per call over sequential calls
  on one client, after uncounted warm-up calls (imports, connection, lazy set-up).
* ``16mb``: one call returning a 16 MB image, decoded to bytes: wall and CPU time, and how
  far the peak RSS (``ru_maxrss``) rises above the RSS right before the call. A small call
  first does the imports and opens the connection, so only the big call is measured.
* ``partials``, ``events20k``: CPU and wall time to consume one stream (mean over a few
  streams after one uncounted warm-up stream).
* ``async``: total CPU and wall time of many small calls with a fixed number in flight,
  ``httpx.AsyncClient`` against ``openrouter.AsyncOpenRouter``, after a warm-up batch.

``--quick`` makes fewer calls (see ``QUICK``).
"""

from __future__ import annotations

import sys
import time

FULL = {"calls": 300, "warmup": 20, "streams": 5, "async_calls": 300, "in_flight": 50}
QUICK = {"calls": 100, "warmup": 10, "streams": 2, "async_calls": 100, "in_flight": 50}
PROMPT = "a red panda astronaut floating in space, studio lighting"
KEY = "k"
IMAGE_EVENTS = ("image_generation.partial_image", "image_generation.completed")


# --------------------------------------------------------------------------------------
# The two implementations of the same work


class Httpx:
    def __init__(self, url: str, client=None) -> None:
        import httpx

        self.url = url
        self.client = client or httpx.Client(headers={"Authorization": f"Bearer {KEY}"})

    def generate(self, model: str) -> list[bytes]:
        import base64

        response = self.client.post(self.url + "/images", json={"model": model, "prompt": PROMPT})
        response.raise_for_status()
        return [base64.b64decode(item["b64_json"]) for item in response.json()["data"]]

    def list_models(self) -> list[dict]:
        response = self.client.get(self.url + "/images/models")
        response.raise_for_status()
        return response.json()["data"]

    def stream(self, model: str) -> int:
        import base64
        import json

        from httpx_sse import connect_sse

        size = 0
        body = {"model": model, "prompt": PROMPT, "stream": True}
        with connect_sse(self.client, "POST", self.url + "/images", json=body) as source:
            source.response.raise_for_status()
            for sse in source.iter_sse():
                if sse.data == "[DONE]":
                    break
                event = json.loads(sse.data)
                if event.get("type") in IMAGE_EVENTS:
                    size += len(base64.b64decode(event["b64_json"]))
        return size

    def close(self) -> None:
        self.client.close()


class Sdk:
    def __init__(self, url: str, client=None) -> None:
        import openrouter

        self.client = client or openrouter.OpenRouter(api_key=KEY, server_url=url)

    def generate(self, model: str) -> list[bytes]:
        res = self.client.images.generate(model=model, prompt=PROMPT)
        return [item.to_bytes() for item in res.data]

    def list_models(self) -> list:
        return self.client.images.list_models().data

    def stream(self, model: str) -> int:
        from openrouter import components

        size = 0
        image_events = (components.ImageGenPartialImageEvent, components.ImageGenCompletedEvent)
        with self.client.images.generate(model=model, prompt=PROMPT, stream=True) as events:
            for event in events:
                if isinstance(event, image_events):
                    size += len(event.to_bytes())
        return size

    def close(self) -> None:
        self.client.close()


class AsyncHttpx:
    def __init__(self, url: str) -> None:
        import httpx

        self.url = url
        self.client = httpx.AsyncClient(headers={"Authorization": f"Bearer {KEY}"})

    async def generate(self, model: str) -> list[bytes]:
        import base64

        body = {"model": model, "prompt": PROMPT}
        response = await self.client.post(self.url + "/images", json=body)
        response.raise_for_status()
        return [base64.b64decode(item["b64_json"]) for item in response.json()["data"]]

    async def close(self) -> None:
        await self.client.aclose()


class AsyncSdk:
    def __init__(self, url: str) -> None:
        import openrouter

        self.client = openrouter.AsyncOpenRouter(api_key=KEY, server_url=url)

    async def generate(self, model: str) -> list[bytes]:
        res = await self.client.images.generate(model=model, prompt=PROMPT)
        return [item.to_bytes() for item in res.data]

    async def close(self) -> None:
        await self.client.close()


# --------------------------------------------------------------------------------------
# Scenarios: each returns a dict of metrics


def clocks() -> tuple[float, float]:
    return time.process_time(), time.perf_counter()


def since(start: tuple[float, float]) -> tuple[float, float]:
    """(CPU seconds, wall seconds) since ``start``."""
    cpu, wall = clocks()
    return cpu - start[0], wall - start[1]


def bench_import(impl: str, url: str, counts: dict) -> dict:
    modules = len(sys.modules)
    start = time.perf_counter()
    if impl == "httpx":
        import httpx

        client = httpx.Client(headers={"Authorization": f"Bearer {KEY}"})
    else:
        import openrouter

        client = openrouter.OpenRouter(api_key=KEY, server_url=url)
        client.images  # noqa: B018  (touching the resource is part of first use)
    wall = time.perf_counter() - start
    loaded = len(sys.modules) - modules
    # Not part of the target: the same, up to the first small result (what a script waits for).
    (Httpx if impl == "httpx" else Sdk)(url, client).generate("bench/small")
    first = time.perf_counter() - start
    return {"wall_ms": wall * 1e3, "modules": loaded, "first_result_ms": first * 1e3}


def sequential(call, counts: dict) -> dict:
    for _ in range(counts["warmup"]):
        call()
    start = clocks()
    for _ in range(counts["calls"]):
        call()
    cpu, wall = since(start)
    return {"cpu_us": cpu / counts["calls"] * 1e6, "wall_us": wall / counts["calls"] * 1e6}


def bench_small(api, counts: dict) -> dict:
    return sequential(lambda: api.generate("bench/small"), counts)


def bench_list_models(api, counts: dict) -> dict:
    return sequential(api.list_models, counts)


def rss_bytes() -> int:
    """The current resident set size (Linux), else the peak so far."""
    try:
        import os

        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return peak_rss_bytes()


def peak_rss_bytes() -> int:
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def bench_16mb(api, counts: dict) -> dict:
    api.generate("bench/small")  # imports and the connection are not this scenario's cost
    baseline = rss_bytes()
    start = clocks()
    images = api.generate("bench/16mb")
    cpu, wall = since(start)
    assert len(images[0]) == 16_000_000
    peak = peak_rss_bytes()
    return {
        "wall_ms": wall * 1e3,
        "cpu_ms": cpu * 1e3,
        "peak_delta_mb": (peak - baseline) / 1e6,
        "baseline_mb": baseline / 1e6,
        "peak_mb": peak / 1e6,
    }


def streams(api, model: str, counts: dict) -> dict:
    api.stream(model)  # warm-up
    start = clocks()
    for _ in range(counts["streams"]):
        api.stream(model)
    cpu, wall = since(start)
    return {"cpu_ms": cpu / counts["streams"] * 1e3, "wall_ms": wall / counts["streams"] * 1e3}


def bench_partials(api, counts: dict) -> dict:
    return streams(api, "bench/partials", counts)


def bench_events20k(api, counts: dict) -> dict:
    return streams(api, "bench/svg-chunks", counts)


def bench_async(impl: str, url: str, counts: dict) -> dict:
    import asyncio

    async def run() -> dict:
        api = AsyncHttpx(url) if impl == "httpx" else AsyncSdk(url)
        in_flight = asyncio.Semaphore(counts["in_flight"])

        async def one() -> None:
            async with in_flight:
                await api.generate("bench/small")

        await asyncio.gather(*(one() for _ in range(counts["in_flight"])))  # warm-up
        start = clocks()
        await asyncio.gather(*(one() for _ in range(counts["async_calls"])))
        cpu, wall = since(start)
        await api.close()
        return {"cpu_ms": cpu * 1e3, "wall_ms": wall * 1e3}

    return asyncio.run(run())


SYNC = {
    "small": bench_small,
    "list_models": bench_list_models,
    "16mb": bench_16mb,
    "partials": bench_partials,
    "events20k": bench_events20k,
}
SCENARIOS = ["import", *SYNC, "async"]


def main(argv: list[str]) -> None:
    usage = f"usage: bench.py {{{','.join(SCENARIOS)}}} {{httpx,sdk}} --url URL [--quick]"
    if len(argv) < 4 or argv[0] not in SCENARIOS or argv[1] not in ("httpx", "sdk"):
        sys.exit(usage)
    scenario, impl, url = argv[0], argv[1], argv[argv.index("--url") + 1]
    counts = QUICK if "--quick" in argv else FULL
    if scenario == "import":
        result = bench_import(impl, url, counts)
    elif scenario == "async":
        result = bench_async(impl, url, counts)
    else:
        api = Httpx(url) if impl == "httpx" else Sdk(url)
        result = SYNC[scenario](api, counts)
        api.close()

    import json

    print(json.dumps({"scenario": scenario, "impl": impl, **result}))


if __name__ == "__main__":
    main(sys.argv[1:])
