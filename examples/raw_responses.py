"""The HTTP response behind a call (status, headers, ids, timing), then its typed result.

python examples/raw_responses.py       # OPENROUTER_API_KEY set: the real API
python examples/raw_responses.py       # no key: the project's local fake server (with two 429s)
"""

from __future__ import annotations

import asyncio
import os

from openrouter import AsyncOpenRouter, OpenRouter, errors
from openrouter.utils import BackoffStrategy, RetryConfig

MODEL = "openai/gpt-image-1"


def run(client: OpenRouter) -> None:
    raw = client.images.with_raw_response.generate(model=MODEL, prompt="a paper kite", n=1)
    print(f"HTTP {raw.status_code} {raw.headers.get('content-type')} in {raw.elapsed}")
    print(f"request id {raw.request_id}, generation id {raw.generation_id}")
    print(f"retries taken: {raw.retries_taken}")
    res = raw.parse()  # the ImageGenerationResponse that generate() returns
    print("saved", res.data[0].save("out/kite"), "| same ids on the result:", res.request_id)

    # A stream: the response first, the events from parse().
    raw_stream = client.images.with_raw_response.generate(model=MODEL, prompt="a kite", stream=True)
    print(f"stream: HTTP {raw_stream.status_code}, request id {raw_stream.request_id}")
    with raw_stream.parse() as events:
        print("events:", ", ".join(event.type for event in events))


async def run_async(client: AsyncOpenRouter) -> None:
    raw = await client.images.with_raw_response.list_models()
    models = raw.parse()
    print(f"async: {len(models.data)} models, request id {raw.request_id} ({raw.elapsed})")


def offline() -> None:
    from openrouter.testing import FakeServer

    quick = RetryConfig("backoff", BackoffStrategy(50, 500, 2.0, 5_000), True)
    with FakeServer() as server:
        key, url = server.api_key, server.base_url
        with OpenRouter(api_key=key, server_url=url, retry_config=quick) as client:
            server.inject(status=429, headers={"Retry-After": "0"}, times=2)
            run(client)
            server.inject(status=429, headers={"Retry-After": "0"}, times=1)
            server.inject(status=402)
            try:
                client.images.generate(model=MODEL, prompt="x")
            except errors.APIStatusError as exc:
                print("error:", exc)  # ids and retries are in its one line
                print("ask support about request", exc.request_id)

        async def main() -> None:
            async with AsyncOpenRouter(api_key=key, server_url=url) as client:
                await run_async(client)

        asyncio.run(main())


if __name__ == "__main__":
    if os.environ.get("OPENROUTER_API_KEY"):
        with OpenRouter() as client:
            run(client)
    else:
        offline()
