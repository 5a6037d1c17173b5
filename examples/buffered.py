"""Generate images and save them (buffered: one JSON answer with every image).

python examples/buffered.py            # OPENROUTER_API_KEY set: the real API
python examples/buffered.py            # no key: the project's local fake server
"""

from __future__ import annotations

import os
from pathlib import Path

from openrouter import OpenRouter


def run(client: OpenRouter, model: str) -> None:
    res = client.images.generate(
        model=model,
        prompt="a red panda astronaut floating in space, studio lighting",
        aspect_ratio="16:9",
        n=2,
    )
    for path in res.save(Path("out"), stem="panda"):
        print("saved", path)
    if res.usage is not None:
        print(f"tokens: {res.usage.total_tokens}, cost: ${res.usage.cost or 0:.4f}")


if __name__ == "__main__":
    if os.environ.get("OPENROUTER_API_KEY"):
        with OpenRouter() as client:
            run(client, "openai/gpt-image-1")
    else:
        from openrouter.testing import FakeServer

        with (
            FakeServer() as server,
            OpenRouter(api_key=server.api_key, server_url=server.base_url) as client,
        ):
            run(client, "fake-labs/pixel-xl")
