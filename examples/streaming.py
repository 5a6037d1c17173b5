"""Stream a generation: partial images arrive while the model works.

python examples/streaming.py           # OPENROUTER_API_KEY set: the real API
python examples/streaming.py           # no key: the project's local fake server
"""

from __future__ import annotations

import os
from pathlib import Path

from openrouter import OpenRouter, components, errors


def run(client: OpenRouter, model: str) -> None:
    out = Path("out")
    try:
        with client.images.generate(
            model=model, prompt="a comet over the sea", stream=True
        ) as events:
            for event in events:
                if isinstance(event, components.ImageGenPartialImageEvent):
                    path = event.save(out / f"comet-partial-{event.partial_image_index}")
                    print("partial image", event.partial_image_index, "->", path)
                elif isinstance(event, components.ImageGenCompletedEvent):
                    print("final image ->", event.save(out / "comet"))
    except errors.StreamError as exc:  # the provider failed after the stream started
        print("generation failed:", exc.code, exc.message)


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
            run(client, "fake-labs/stream-diffusion")
