"""The demo behind ``scripts/demo``: every capability of the SDK, end to end.

Offline (the default) it starts the project's fake OpenRouter server on 127.0.0.1 and talks
to it over real HTTP; with ``--live`` the same code talks to https://openrouter.ai.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from openrouter import OpenRouter, components, errors

SAVED: list[Path] = []  # every file this run wrote


@contextlib.contextmanager
def local_server() -> Iterator[tuple[str, str]]:
    """The fake server on a background thread: (base URL, an accepted key)."""
    from openrouter.testing import FakeServer

    with FakeServer() as server:
        yield server.base_url, server.api_key


def describe_models(client: OpenRouter, limit: int) -> components.ImageModelListItem:
    models = client.images.list_models().data
    print(f"\n1. {len(models)} image models (GET /images/models):")
    for model in models[:limit]:
        params = ", ".join(sorted(model.supported_parameters))
        stream = "streams" if model.supports_streaming else "buffered"
        print(f"   {model.id:<32} {stream:<9} {params}")
    return models[0]


def describe_endpoints(client: OpenRouter, model_id: str) -> None:
    author, _, slug = model_id.partition("/")
    res = client.images.list_model_endpoints(author=author, slug=slug)
    print(f"\n2. endpoints of {res.id}:")
    for endpoint in res.endpoints:
        prices = "; ".join(f"${p.cost_usd:g}/{p.unit} ({p.billable})" for p in endpoint.pricing)
        streams = f"streaming={endpoint.supports_streaming!s:<5}"
        print(f"   {endpoint.provider_name:<20} {streams} {prices}")


def buffered(client: OpenRouter, model: str, out: Path) -> float:
    print(f"\n3. buffered generation with {model}:")
    started = time.perf_counter()
    res = client.images.generate(
        model=model, prompt="a lighthouse on a cliff at dusk", n=2, aspect_ratio="16:9", seed=7
    )
    took = time.perf_counter() - started
    for i, image in enumerate(res.data):
        path = image.save(out / f"lighthouse-{i}")
        SAVED.append(path)
        print(f"   saved {path} ({len(image.to_bytes()):,} bytes, {image.mime_type})")
    cost = res.usage.cost if res.usage and res.usage.cost else 0.0
    print(f"   {len(res.data)} images in {took:.2f} s, cost ${cost:.4f}")
    return cost


def streamed(client: OpenRouter, model: str, out: Path, label: str, **kwargs: object) -> float:
    print(f"\n{label} streamed generation with {model}:")
    cost = 0.0
    prompt = "a comet over the sea"
    with client.images.generate(model=model, prompt=prompt, stream=True, **kwargs) as events:  # type: ignore[call-overload]
        for event in events:
            if isinstance(event, components.ImageGenPartialImageEvent):
                path = event.save(out / f"comet-partial-{event.partial_image_index}")
                SAVED.append(path)
                print(f"   partial image {event.partial_image_index}: {path}")
            elif isinstance(event, components.ImageGenTextChunkEvent):
                print(f"   text chunk ({event.phase}): {event.text[:60]!r}")
            elif isinstance(event, components.ImageGenCompletedEvent):
                path = event.save(out / f"{model.rpartition('/')[2]}-final")
                SAVED.append(path)
                cost += event.usage.cost if event.usage and event.usage.cost else 0.0
                print(f"   completed: {path} ({event.mime_type})")
            else:
                print(f"   other event: {event.type}")
    return cost


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--live", action="store_true", help="use the real API (OPENROUTER_API_KEY)")
    parser.add_argument("--out", type=Path, default=Path("out"), help="where images go (./out)")
    parser.add_argument("--model", help="buffered model (default: fake-labs/pixel-xl offline)")
    parser.add_argument("--stream-model", help="streaming model (fake-labs/stream-diffusion)")
    parser.add_argument("--vector-model", help="SVG model (fake-labs/vector-1); '' to skip")
    args = parser.parse_args()

    if args.live:
        if not os.environ.get("OPENROUTER_API_KEY"):
            parser.error("--live needs the OPENROUTER_API_KEY environment variable")
        server: contextlib.AbstractContextManager[tuple[str, str]] = contextlib.nullcontext(
            ("https://openrouter.ai/api/v1", os.environ["OPENROUTER_API_KEY"])
        )
        defaults = ("google/gemini-2.5-flash-image", "openai/gpt-image-1", "")
    else:
        server = local_server()
        defaults = ("fake-labs/pixel-xl", "fake-labs/stream-diffusion", "fake-labs/vector-1")
    model = args.model or defaults[0]
    stream_model = args.stream_model or defaults[1]
    vector_model = defaults[2] if args.vector_model is None else args.vector_model
    args.out.mkdir(parents=True, exist_ok=True)

    with server as (base_url, key):
        where = "the real API" if args.live else f"the local fake server at {base_url}"
        print(f"openrouter demo against {where}; images go to {args.out.resolve()}/")
        try:
            with OpenRouter(
                api_key=key, server_url=base_url, x_open_router_title="openrouter demo"
            ) as client:
                first = describe_models(client, limit=10)
                describe_endpoints(client, first.id)
                cost = buffered(client, model, args.out)
                cost += streamed(client, stream_model, args.out, "4.", quality="low")
                if vector_model:
                    cost += streamed(client, vector_model, args.out, "5.", output_format="svg")
        except errors.OpenRouterError as exc:
            print(f"\nfailed: {type(exc).__name__}: {exc}", file=sys.stderr)
            return 1
    print(f"\ndone: {len(set(SAVED))} files written in {args.out}/, total cost ${cost:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
