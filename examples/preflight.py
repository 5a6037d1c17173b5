"""Will this model accept these parameters? Ask before paying for the call.

python examples/preflight.py       # OPENROUTER_API_KEY set: the real API
python examples/preflight.py       # no key: the project's local fake server
"""

from __future__ import annotations

import os

from openrouter import OpenRouter, ParameterError


def run(client: OpenRouter, model: str) -> None:
    # 1. Ask: each parameter is supported, unsupported or unknown (the catalogue is coarse).
    result = client.images.check(model=model, prompt="a fox", quality="xhigh", n=2, seed=7)
    for parameter in result.parameters:
        print(f"{parameter.name:<10} {parameter.status:<12} {parameter.detail}")
    print("would be sent:", result.ok)

    # 2. Or let every generate() check first: a definite mismatch is refused, nothing sent.
    strict = client.with_options()  # same connections
    try:
        strict.images.generate(model=model, prompt="a fox", quality="xhigh", preflight=True)
    except ParameterError as exc:
        print("refused before sending:", exc)

    # 3. Editing is generating from reference images: images.edit builds them.
    res = client.images.edit(
        image=b"\x89PNG\r\n\x1a\n" + bytes(64),
        prompt="as a watercolour",
        model=model,
        preflight=True,
    )
    print("edited:", res.data[0].save("out/edited"))


def main() -> None:
    if os.environ.get("OPENROUTER_API_KEY"):
        with OpenRouter() as client:
            run(client, "openai/gpt-image-1")
        return
    from openrouter.testing import FakeServer

    with (
        FakeServer() as server,
        OpenRouter(api_key=server.api_key, server_url=server.base_url) as client,
    ):
        run(client, "openai/gpt-image-1")  # its stand-in lists quality auto..high
        print("listing fetched", sum(r.path.endswith("/models") for r in server.requests), "time")


if __name__ == "__main__":
    main()
