"""One measurement, in a fresh process: ``python benchmarks/bench.py SCENARIO IMPL --url URL``.

IMPL is ``httpx`` (plain httpx + httpx-sse, written as a careful user would: ``client.post``,
``response.json()``, ``base64.b64decode`` of each image; for streams ``connect_sse`` /
``iter_sse``, ``json.loads(sse.data)``, dispatching on the event dict's ``"type"`` until
``[DONE]``) or ``sdk`` (the same work through this SDK's public API: ``images.generate``,
``.data[i].to_bytes()``, iterating the stream and dispatching with ``isinstance`` on the
``components`` event classes, as the README does) or ``official`` (the same work through the
official SDK, PyPI's ``openrouter`` 1.3: ``images.generate``, ``base64.b64decode`` of
``.data[i].b64_json`` (its models have no ``to_bytes()``), iterating the ``EventStream`` of
``generate(stream=True)`` inside ``with`` and dispatching with ``isinstance`` on its
``components`` event classes; ``generate_async`` inside ``async with client``). It shares the
import name ``openrouter`` with this SDK, so ``run.py`` runs it from its own venv. All three read
the same pre-encoded answers from ``benchmarks/server.py``.

Both read results AS A USER DOES: one result at a time. Each image is decoded, its size
counted and the bytes dropped; each event is handled as it arrives and not kept; a model
listing is walked field by field (every model field, every capability descriptor's fields).
Each call returns a tally of what it read (bytes, characters, events, values), printed as
``work``: ``run.py`` checks that both implementations did the same work.

Prints one JSON line of results. What each scenario measures:

* ``import``: wall time of importing the library and creating a client (and, for the SDK,
  touching ``client.images``), from before the import; it runs first in a fresh interpreter,
  which is why this module imports nothing but ``sys`` and ``time`` at the top. Then, from the
  same start, the wall time to the first ``list_models`` result, every field read (the cold
  start: imports, connection, parsing); and how many modules the import loaded.
* ``small``, ``list_models``: CPU time (``time.process_time``) per call over sequential calls
  on one client, after uncounted warm-up calls (imports, connection, lazy set-up).
* ``16mb``: one call returning a 16 MB image, decoded: wall and CPU time, and how far the peak
  RSS (``ru_maxrss``) rises above the RSS right before the call. A small call first does the
  imports and opens the connection, so only the big call is measured.
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
PARTIAL = "image_generation.partial_image"
TEXT_CHUNK = "image_generation.text_chunk"
COMPLETED = "image_generation.completed"
IMAGE_EVENTS = (PARTIAL, COMPLETED)


# --------------------------------------------------------------------------------------
# The three implementations of the same work. Each call returns a tally of what it read.


class Httpx:
    def __init__(self, url: str, client=None) -> None:
        import httpx

        self.url = url
        self.client = client or httpx.Client(headers={"Authorization": f"Bearer {KEY}"})

    def generate(self, model: str) -> int:
        """Bytes of the decoded images."""
        import base64

        response = self.client.post(self.url + "/images", json={"model": model, "prompt": PROMPT})
        response.raise_for_status()
        size = 0
        for item in response.json()["data"]:
            size += len(base64.b64decode(item["b64_json"]))
        return size

    def list_models(self) -> int:
        """Values read, walking every field of every model."""
        response = self.client.get(self.url + "/images/models")
        response.raise_for_status()
        read = 0
        for model in response.json()["data"]:
            fields = (model["id"], model["name"], model["description"], model["created"])
            read += len(fields) + len((model["supports_streaming"], model["endpoints"]))
            architecture = model["architecture"]
            read += len(architecture["input_modalities"]) + len(architecture["output_modalities"])
            for name, descriptor in model["supported_parameters"].items():
                kind = descriptor["type"]
                read += len((name, kind))
                if kind == "enum":
                    read += len(descriptor["values"])
                elif kind == "range":
                    read += len((descriptor["min"], descriptor["max"]))
        return read

    def stream(self, model: str) -> int:
        """Events handled + characters of content text + bytes of decoded images."""
        import base64
        import json

        from httpx_sse import connect_sse

        read = 0
        body = {"model": model, "prompt": PROMPT, "stream": True}
        with connect_sse(self.client, "POST", self.url + "/images", json=body) as source:
            source.response.raise_for_status()
            for sse in source.iter_sse():
                if sse.data == "[DONE]":
                    break
                event = json.loads(sse.data)
                kind = event["type"]
                if kind == TEXT_CHUNK:
                    read += 1 + (len(event["text"]) if event["phase"] == "content" else 0)
                elif kind in IMAGE_EVENTS:
                    read += 1 + len(base64.b64decode(event["b64_json"]))
        return read

    def close(self) -> None:
        self.client.close()


class Sdk:
    def __init__(self, url: str, client=None) -> None:
        import openrouter

        self.client = client or openrouter.OpenRouter(api_key=KEY, server_url=url)

    def generate(self, model: str) -> int:
        """Bytes of the decoded images."""
        size = 0
        for item in self.client.images.generate(model=model, prompt=PROMPT).data:
            size += len(item.to_bytes())
        return size

    def list_models(self) -> int:
        """Values read, walking every field of every model."""
        read = 0
        for model in self.client.images.list_models().data:
            fields = (model.id, model.name, model.description, model.created)
            read += len(fields) + len((model.supports_streaming, model.endpoints))
            architecture = model.architecture
            read += len(architecture.input_modalities) + len(architecture.output_modalities)
            for name, descriptor in model.supported_parameters.items():
                kind = descriptor.type
                read += len((name, kind))
                if kind == "enum":
                    read += len(descriptor.values)
                elif kind == "range":
                    read += len((descriptor.min, descriptor.max))
        return read

    def stream(self, model: str) -> int:
        """Events handled + characters of content text + bytes of decoded images."""
        from openrouter import components

        read = 0
        text_chunk = components.ImageGenTextChunkEvent
        image = (components.ImageGenPartialImageEvent, components.ImageGenCompletedEvent)
        with self.client.images.generate(model=model, prompt=PROMPT, stream=True) as events:
            for event in events:
                if isinstance(event, text_chunk):
                    read += 1 + (len(event.text) if event.phase == "content" else 0)
                elif isinstance(event, image):
                    read += 1 + len(event.to_bytes())
        return read

    def close(self) -> None:
        self.client.close()


class Official(Sdk):
    """The official SDK: the same calls as ``Sdk``, but images are decoded from ``b64_json``."""

    def __init__(self, url: str, client=None) -> None:
        import openrouter

        self.client = client or openrouter.OpenRouter(api_key=KEY, server_url=url)

    def generate(self, model: str) -> int:
        """Bytes of the decoded images."""
        import base64

        size = 0
        for item in self.client.images.generate(model=model, prompt=PROMPT).data:
            size += len(base64.b64decode(item.b64_json))
        return size

    # list_models is Sdk's: the official models have the same fields and descriptor attributes.

    def stream(self, model: str) -> int:
        """Events handled + characters of content text + bytes of decoded images."""
        import base64

        from openrouter import components

        read = 0
        text_chunk = components.ImageGenTextChunkEvent
        image = (components.ImageGenPartialImageEvent, components.ImageGenCompletedEvent)
        with self.client.images.generate(model=model, prompt=PROMPT, stream=True) as events:
            for event in events:
                if isinstance(event, text_chunk):
                    read += 1 + (len(event.text) if event.phase == "content" else 0)
                elif isinstance(event, image):
                    read += 1 + len(base64.b64decode(event.b64_json))
        return read

    def close(self) -> None:
        # The official client has no close(): leaving `with client:` is how it is closed.
        self.client.__exit__(None, None, None)


class AsyncHttpx:
    def __init__(self, url: str) -> None:
        import httpx

        self.url = url
        self.client = httpx.AsyncClient(headers={"Authorization": f"Bearer {KEY}"})

    async def generate(self, model: str) -> int:
        import base64

        body = {"model": model, "prompt": PROMPT}
        response = await self.client.post(self.url + "/images", json=body)
        response.raise_for_status()
        size = 0
        for item in response.json()["data"]:
            size += len(base64.b64decode(item["b64_json"]))
        return size

    async def close(self) -> None:
        await self.client.aclose()


class AsyncSdk:
    def __init__(self, url: str) -> None:
        import openrouter

        self.client = openrouter.AsyncOpenRouter(api_key=KEY, server_url=url)

    async def generate(self, model: str) -> int:
        size = 0
        for item in (await self.client.images.generate(model=model, prompt=PROMPT)).data:
            size += len(item.to_bytes())
        return size

    async def close(self) -> None:
        await self.client.close()


class AsyncOfficial:
    """The official SDK's async path: ``generate_async`` on the same client class."""

    def __init__(self, url: str) -> None:
        import openrouter

        self.client = openrouter.OpenRouter(api_key=KEY, server_url=url)

    async def generate(self, model: str) -> int:
        import base64

        size = 0
        for item in (await self.client.images.generate_async(model=model, prompt=PROMPT)).data:
            size += len(base64.b64decode(item.b64_json))
        return size

    async def close(self) -> None:
        # What leaving `async with client:` does: it closes the client's httpx.AsyncClient.
        await self.client.__aexit__(None, None, None)


# --------------------------------------------------------------------------------------
# Scenarios: each returns a dict of metrics, and ``work``: the tally of what was read


def clocks() -> tuple[float, float]:
    return time.process_time(), time.perf_counter()


def since(start: tuple[float, float]) -> tuple[float, float]:
    """(CPU seconds, wall seconds) since ``start``."""
    cpu, wall = clocks()
    return cpu - start[0], wall - start[1]


SYNC_APIS = {"httpx": Httpx, "sdk": Sdk, "official": Official}
ASYNC_APIS = {"httpx": AsyncHttpx, "sdk": AsyncSdk, "official": AsyncOfficial}
IMPLS = tuple(SYNC_APIS)


def bench_import(impl: str, url: str, counts: dict) -> dict:
    modules = len(sys.modules)
    start = time.perf_counter()
    if impl == "httpx":
        import httpx

        client = httpx.Client(headers={"Authorization": f"Bearer {KEY}"})
    else:  # this SDK and the official one: the same import name and constructor
        import openrouter

        client = openrouter.OpenRouter(api_key=KEY, server_url=url)
        client.images  # noqa: B018  (touching the resource is part of first use)
    wall = time.perf_counter() - start
    loaded = len(sys.modules) - modules
    # The cold start: from the same start to the first listing, every field read.
    api = SYNC_APIS[impl](url, client)
    work = api.list_models()
    cold = time.perf_counter() - start
    api.close()
    return {"wall_ms": wall * 1e3, "modules": loaded, "cold_ms": cold * 1e3, "work": work}


def sequential(call, counts: dict) -> dict:
    for _ in range(counts["warmup"]):
        call()
    work = 0
    start = clocks()
    for _ in range(counts["calls"]):
        work += call()
    cpu, wall = since(start)
    per_call = {"cpu_us": cpu / counts["calls"] * 1e6, "wall_us": wall / counts["calls"] * 1e6}
    return per_call | {"work": work}


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
    size = api.generate("bench/16mb")
    cpu, wall = since(start)
    assert size == 16_000_000, size
    peak = peak_rss_bytes()
    return {
        "wall_ms": wall * 1e3,
        "cpu_ms": cpu * 1e3,
        "peak_delta_mb": (peak - baseline) / 1e6,
        "baseline_mb": baseline / 1e6,
        "peak_mb": peak / 1e6,
        "work": size,
    }


def streams(api, model: str, counts: dict) -> dict:
    api.stream(model)  # warm-up
    work = 0
    start = clocks()
    for _ in range(counts["streams"]):
        work += api.stream(model)
    cpu, wall = since(start)
    cpu_ms, wall_ms = cpu / counts["streams"] * 1e3, wall / counts["streams"] * 1e3
    return {"cpu_ms": cpu_ms, "wall_ms": wall_ms, "work": work}


def bench_partials(api, counts: dict) -> dict:
    return streams(api, "bench/partials", counts)


def bench_events20k(api, counts: dict) -> dict:
    return streams(api, "bench/svg-chunks", counts)


def bench_async(impl: str, url: str, counts: dict) -> dict:
    import asyncio

    async def run() -> dict:
        api = ASYNC_APIS[impl](url)
        in_flight = asyncio.Semaphore(counts["in_flight"])

        async def one() -> int:
            async with in_flight:
                return await api.generate("bench/small")

        await asyncio.gather(*(one() for _ in range(counts["in_flight"])))  # warm-up
        start = clocks()
        sizes = await asyncio.gather(*(one() for _ in range(counts["async_calls"])))
        cpu, wall = since(start)
        await api.close()
        return {"cpu_ms": cpu * 1e3, "wall_ms": wall * 1e3, "work": sum(sizes)}

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
    usage = f"usage: bench.py {{{','.join(SCENARIOS)}}} {{{','.join(IMPLS)}}} --url URL [--quick]"
    if len(argv) < 4 or argv[0] not in SCENARIOS or argv[1] not in IMPLS:
        sys.exit(usage)
    scenario, impl, url = argv[0], argv[1], argv[argv.index("--url") + 1]
    counts = QUICK if "--quick" in argv else FULL
    if scenario == "import":
        result = bench_import(impl, url, counts)
    elif scenario == "async":
        result = bench_async(impl, url, counts)
    else:
        api = SYNC_APIS[impl](url)
        result = SYNC[scenario](api, counts)
        api.close()

    import json

    print(json.dumps({"scenario": scenario, "impl": impl, **result}))


if __name__ == "__main__":
    main(sys.argv[1:])
