"""Capability pre-flight (``images.check``, ``preflight=True``) and ``images.edit``: the
pure comparison first, then sync and async over real sockets against the fake server."""

from __future__ import annotations

import asyncio
import base64
import logging
import threading
import time
from typing import Any

import pytest

import openrouter
from openrouter import CapabilityCheck, ParameterError, components, errors
from openrouter._request import check_capabilities
from openrouter.testing import FakeServer
from openrouter.utils import RetryConfig

from .conftest import Api

pytestmark = pytest.mark.anyio
PIXEL = "fake-labs/pixel-xl"  # quality up to "max", 0 to 4 references, no streaming
GPT = "openai/gpt-image-1"  # quality auto/low/medium/high, streams
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def listed(**parameters: Any) -> components.ImageModelListItem:
    return components.ImageModelListItem.model_validate(
        {
            "id": "bytedance-seed/seedream-4.5",
            "name": "Seedream",
            "description": "",
            "created": 1,
            "architecture": {"input_modalities": ["text"], "output_modalities": ["image"]},
            "supported_parameters": parameters,
            "supports_streaming": False,
            "endpoints": "/x",
        }
    )


SEEDREAM = listed(
    quality={"type": "enum", "values": ["auto", "low", "medium", "high"]},
    n={"type": "range", "min": 1, "max": 4},
    seed={"type": "boolean"},
    style={"type": "preset", "presets": ["photo"]},  # a descriptor type not known yet
    input_references={"type": "range", "min": 0, "max": 2},
)


def test_each_branch_of_the_comparison() -> None:
    body = {
        "model": "bytedance-seed/seedream-4.5",
        "prompt": "x",
        "quality": "xhigh",
        "n": 2,
        "seed": 7,
        "style": "photo",
        "size": "2K",
        "input_references": [{}, {}, {}],
        "stream": True,
    }
    result = check_capabilities(SEEDREAM, "bytedance-seed/seedream-4.5", body)
    statuses = {p.name: p.status for p in result.parameters}
    assert statuses == {
        "quality": "unsupported",
        "n": "supported",
        "seed": "supported",
        "style": "unknown",  # the catalogue is coarse: never blocked
        "size": "unknown",
        "input_references": "unsupported",
        "stream": "unsupported",
    }
    assert result["quality"].detail == (
        "quality='xhigh' is not supported by bytedance-seed/seedream-4.5: auto, low, medium, high"
    )
    assert result["input_references"].detail.startswith("3 input references is not supported")
    assert not result.ok and [p.name for p in result.unsupported] == [
        "quality",
        "input_references",
        "stream",
    ]
    with pytest.raises(ParameterError, match="quality='xhigh' is not supported") as info:
        result.raise_for_unsupported()
    assert info.value.param == "quality"
    body["n"] = 5
    assert (
        check_capabilities(SEEDREAM, "m", body)["n"].detail == "n=5 is not supported by m: 1 to 4"
    )


def test_an_unknown_model_blocks_nothing() -> None:
    result = check_capabilities(None, "someone/new-model", {"quality": "max", "n": 99})
    assert result.ok and not result.known_model
    assert {p.status for p in result.parameters} == {"unknown"}


async def call(api: Api, method: str, **kwargs: Any) -> Any:
    result = getattr(api.client.images, method)(**kwargs)
    return await result if api.mode == "async" else result


def posts(fake: FakeServer) -> list[Any]:
    return [r for r in fake.requests if r.method == "POST"]


def listings(fake: FakeServer) -> list[Any]:
    return [r for r in fake.requests if r.path.endswith("/images/models")]


async def test_check_against_the_fake_catalogue(api: Api, fake: FakeServer) -> None:
    result = await call(api, "check", model=PIXEL, prompt="x", quality="xhigh", n=2)
    assert isinstance(result, CapabilityCheck) and result.ok and result.known_model
    result = await call(api, "check", model=GPT, prompt="x", quality="xhigh", stream=True)
    assert result["quality"].status == "unsupported" and result["stream"].status == "supported"
    five = [PNG] * 5
    result = await call(api, "check", model=PIXEL, prompt="x", input_references=five)
    assert result["input_references"].status == "unsupported"
    assert posts(fake) == [] and len(listings(fake)) == 1  # one listing, cached
    with pytest.raises(ParameterError, match="quality"):  # bad input as generate says it
        await call(api, "check", model=PIXEL, prompt="x", quality="")


async def test_preflight_refuses_before_sending(make_api, fake: FakeServer) -> None:  # type: ignore[no-untyped-def]
    client = make_api(preflight=True)
    with pytest.raises(ParameterError) as info:
        await client.generate(model=GPT, prompt="x", quality="xhigh")
    message = str(info.value)
    assert "quality='xhigh' is not supported by openai/gpt-image-1: auto, low, medium, high" in (
        message
    )
    assert posts(fake) == []
    res = await client.generate(model=PIXEL, prompt="x", quality="xhigh")  # supported there
    assert res.data and len(posts(fake)) == 1
    await client.generate(model=GPT, prompt="x", quality="xhigh", preflight=False)  # per call
    assert len(posts(fake)) == 2 and len(listings(fake)) == 1


async def test_preflight_lets_a_stream_to_a_buffered_model_go(api: Api, fake: FakeServer) -> None:
    events = await api.stream(model=PIXEL, prompt="x", preflight=True)  # PIXEL does not stream
    assert isinstance(events[-1], components.ImageGenCompletedEvent) and len(posts(fake)) == 1


async def test_preflight_per_call_and_unknown_models(api: Api, fake: FakeServer) -> None:
    with pytest.raises(ParameterError, match="quality"):
        await api.generate(model=GPT, prompt="x", quality="xhigh", preflight=True)
    with pytest.raises(errors.NotFoundResponseError):  # not blocked: sent, and the API says
        await api.generate(model="someone/unknown", prompt="x", quality="max", preflight=True)
    assert len(posts(fake)) == 1


async def test_preflight_never_blocks_on_its_own_trouble(
    make_api,  # type: ignore[no-untyped-def]
    fake: FakeServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    client = make_api(preflight=True, retry_config=RetryConfig("none"))
    fake.inject(status=500, path="/images/models", times=None)
    with caplog.at_level(logging.WARNING, logger="openrouter"):
        res = await client.generate(model=GPT, prompt="x", quality="xhigh")
    assert res.data and len(posts(fake)) == 1
    assert "pre-flight check skipped" in caplog.text
    with pytest.raises(errors.InternalServerResponseError):  # check() itself does raise
        await call(client, "check", model=GPT, prompt="x")


async def test_the_listing_expires(make_api, fake: FakeServer) -> None:  # type: ignore[no-untyped-def]
    client = make_api(preflight_ttl_ms=100)
    await call(client, "check", model=PIXEL, prompt="x")
    await call(client, "check", model=PIXEL, prompt="x")
    assert len(listings(fake)) == 1
    await asyncio.sleep(0.15)
    await call(client, "check", model=PIXEL, prompt="x")
    assert len(listings(fake)) == 2


def test_one_listing_however_many_threads_ask(fake: FakeServer) -> None:
    fake.inject(path="/images/models", delay=0.3)
    with openrouter.OpenRouter(api_key=fake.api_key, server_url=fake.base_url) as client:
        results: list[CapabilityCheck] = []
        threads = [
            threading.Thread(
                target=lambda: results.append(client.images.check(model=PIXEL, prompt="x"))
            )
            for _ in range(8)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert len(results) == 8 and len(listings(fake)) == 1


async def test_one_listing_however_many_tasks_ask(fake: FakeServer) -> None:
    fake.inject(path="/images/models", delay=0.3)
    async with openrouter.AsyncOpenRouter(api_key=fake.api_key, server_url=fake.base_url) as c:
        started = time.monotonic()
        results = await asyncio.gather(*(c.images.check(model=PIXEL, prompt="x") for _ in range(8)))
        assert time.monotonic() - started < 2
    assert len(results) == 8 and len(listings(fake)) == 1


async def test_edit_sends_the_image_first(api: Api, fake: FakeServer, tmp_path: Any) -> None:
    path = tmp_path / "cat.png"
    path.write_bytes(PNG)
    res = await call(api, "edit", image=str(path), prompt="as a watercolour", model=PIXEL)
    assert res.data
    (sent,) = [r.json["input_references"] for r in posts(fake)]
    assert len(sent) == 1 and sent[0]["image_url"]["url"].startswith("data:image/png;base64,")
    await call(
        api,
        "edit",
        image=[PNG, "https://example.com/a.png"],
        prompt="x",
        model=PIXEL,
        input_references=["https://example.com/style.png"],
    )
    urls = [ref["image_url"]["url"] for ref in posts(fake)[-1].json["input_references"]]
    assert urls[1:] == ["https://example.com/a.png", "https://example.com/style.png"]
    assert urls[0].startswith("data:image/png;base64,")


async def test_edit_streams_and_refuses_what_generate_refuses(api: Api) -> None:
    events = await call(api, "edit", image=PNG, prompt="x", model=GPT, stream=True)
    if api.mode == "async":
        async with events:
            kinds = [type(e) async for e in events]
    else:
        with events:
            kinds = [type(e) for e in events]
    assert kinds[-1] is components.ImageGenCompletedEvent
    with pytest.raises(TypeError, match="image"):
        await call(api, "edit", prompt="x", model=PIXEL)
    with pytest.raises(TypeError, match="unexpected keyword argument 'mask'"):
        await call(api, "edit", image=PNG, prompt="x", model=PIXEL, mask=PNG)
    with pytest.raises(ParameterError, match="input_references"):
        await call(api, "edit", image=[PNG] * 17, prompt="x", model=PIXEL)


async def test_edit_with_raw_response(api: Api) -> None:
    raw = await call_raw(api, image=PNG, prompt="x", model=PIXEL)
    assert raw.status_code == 200 and raw.parse().data


async def call_raw(api: Api, **kwargs: Any) -> Any:
    result = api.client.images.with_raw_response.edit(**kwargs)
    return await result if api.mode == "async" else result
