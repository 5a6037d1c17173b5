"""Several generations at once with AsyncOpenRouter, plus an async stream.

python examples/async_many.py          # OPENROUTER_API_KEY set: the real API
python examples/async_many.py          # no key: the project's local fake server
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from openrouter import AsyncOpenRouter

PROMPTS = ["a lighthouse", "a windmill", "a rowing boat"]


async def run(client: AsyncOpenRouter, model: str, stream_model: str) -> None:
    results = await asyncio.gather(
        *(client.images.generate(model=model, prompt=prompt) for prompt in PROMPTS)
    )
    for prompt, res in zip(PROMPTS, results, strict=True):
        print(prompt, "->", res.data[0].save(Path("out") / prompt.replace(" ", "-")))

    async with await client.images.generate(
        model=stream_model, prompt="a comet", stream=True
    ) as events:
        async for event in events:
            print("event:", event.type)


async def main() -> None:
    if os.environ.get("OPENROUTER_API_KEY"):
        async with AsyncOpenRouter() as client:
            await run(client, "openai/gpt-image-1", "openai/gpt-image-1")
        return
    from openrouter.testing import FakeServer

    with FakeServer() as server:
        async with AsyncOpenRouter(api_key=server.api_key, server_url=server.base_url) as client:
            await run(client, "fake-labs/pixel-xl", "fake-labs/stream-diffusion")


if __name__ == "__main__":
    asyncio.run(main())
