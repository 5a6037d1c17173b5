"""What a type checker sees of ``images.check``, pre-flight and ``images.edit``.

Checked by ``tests/test_typing.py`` with ``mypy --strict``; never run.
"""

from __future__ import annotations

from typing_extensions import assert_type

from openrouter import (
    AsyncImageStream,
    AsyncOpenRouter,
    CapabilityCheck,
    ImageStream,
    OpenRouter,
    ParameterCheck,
    RawResponse,
)
from openrouter.components import ImageGenerationResponse


def check_sync(client: OpenRouter) -> None:
    OpenRouter(preflight=True, preflight_ttl_ms=60_000)
    result = client.images.check(model="m", prompt="p", quality="high")
    assert_type(result, CapabilityCheck)
    assert_type(result.ok, bool)
    assert_type(result["quality"], ParameterCheck)
    assert_type(result.unsupported, list[ParameterCheck])
    assert_type(client.images.edit(image=b"...", prompt="p", model="m"), ImageGenerationResponse)
    assert_type(
        client.images.edit(image=["a.png"], prompt="p", model="m", stream=True), ImageStream
    )
    assert_type(
        client.images.generate(model="m", prompt="p", preflight=True), ImageGenerationResponse
    )
    raw = client.images.with_raw_response.edit(image="a.png", prompt="p", model="m")
    assert_type(raw, RawResponse[ImageGenerationResponse])
    client.images.edit(prompt="p", model="m")  # type: ignore[call-overload]
    client.images.check(model="m", prompt="p", preflight="yes")  # type: ignore[arg-type]


async def check_async(client: AsyncOpenRouter) -> None:
    assert_type(await client.images.check(model="m", prompt="p"), CapabilityCheck)
    res = await client.images.edit(image="a.png", prompt="p", model="m")
    assert_type(res, ImageGenerationResponse)
    stream = await client.images.edit(image="a.png", prompt="p", model="m", stream=True)
    assert_type(stream, AsyncImageStream)
    raw = await client.images.with_raw_response.edit(image="a.png", prompt="p", model="m")
    assert_type(raw, RawResponse[ImageGenerationResponse])
