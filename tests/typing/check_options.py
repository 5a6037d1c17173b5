"""Checked by mypy --strict (tests/test_typing.py), never run: the types of ``with_options``,
``default_headers`` and the per-call ``extra_*`` options. Each ``# type: ignore[...]`` marks
a call that must be refused; if it stopped being refused, --strict (warn_unused_ignores)
would report the ignore as unused."""

from __future__ import annotations

from typing_extensions import assert_type

from openrouter import AsyncImageStream, AsyncOpenRouter, ImageStream, OpenRouter
from openrouter.components import (
    ImageGenerationResponse,
    ImageModelEndpointsResponse,
    ImageModelsListResponse,
)
from openrouter.utils import RetryConfig


class MyClient(OpenRouter):
    """A subclass: its copies are of the subclass too."""


def check_sync(client: OpenRouter) -> None:
    copy = client.with_options(
        api_key="sk-or-v1-x",
        server_url="http://127.0.0.1:9/api/v1",
        timeout_ms=1_000,
        retry_config=RetryConfig("none"),
        http_headers={"X-A": "1"},
        default_headers={"X-B": "2"},
        http_referer="https://app.example",
        x_open_router_title="App",
        x_open_router_categories="cli-agent",
    )
    assert_type(copy, OpenRouter)
    assert_type(copy.with_options(api_key=lambda: "sk-or-v1-x"), OpenRouter)
    assert_type(MyClient().with_options(timeout_ms=1), MyClient)
    assert_type(OpenRouter(default_headers={"X-A": "1"}), OpenRouter)
    res = copy.images.generate(
        model="m",
        prompt="p",
        extra_headers={"X-A": "1"},
        extra_query={"a": "x", "b": 1, "c": 1.5, "d": True},
        extra_body={"partial_images": 2, "nested": {"a": [1, None]}},
    )
    assert_type(res, ImageGenerationResponse)
    stream = copy.images.generate(model="m", prompt="p", stream=True, extra_body={"a": 1})
    assert_type(stream, ImageStream)
    models = client.images.list_models(extra_query={"a": "b"}, extra_headers={"X": "1"})
    assert_type(models, ImageModelsListResponse)
    endpoints = client.images.list_model_endpoints(author="a", slug="b", extra_query={"a": 1})
    assert_type(endpoints, ImageModelEndpointsResponse)

    client.with_options(timeout_ms="1")  # type: ignore[arg-type]
    client.with_options(retries=RetryConfig("none"))  # type: ignore[call-arg]
    client.images.list_models(extra_headers={"X-A": 1})  # type: ignore[dict-item]
    client.images.list_models(extra_query={"a": None})  # type: ignore[dict-item]
    client.images.list_models(extra_body=["a"])  # type: ignore[arg-type]
    OpenRouter(default_headers={"X-A": b"1"})  # type: ignore[dict-item]


async def check_async(client: AsyncOpenRouter, sync_client: OpenRouter) -> None:
    copy = client.with_options(timeout_ms=1_000, http_headers={"X-A": "1"})
    assert_type(copy, AsyncOpenRouter)
    assert_type(AsyncOpenRouter(default_headers={"X-A": "1"}), AsyncOpenRouter)
    res = await copy.images.generate(model="m", prompt="p", extra_body={"a": 1})
    assert_type(res, ImageGenerationResponse)
    stream = await copy.images.generate(
        model="m", prompt="p", stream=True, extra_headers={"X-A": "1"}
    )
    assert_type(stream, AsyncImageStream)
    models = await copy.images.list_models(extra_query={"a": True})
    assert_type(models, ImageModelsListResponse)
    res = await sync_client.with_options(timeout_ms=1).images.generate_async(
        model="m", prompt="p", extra_query={"a": 1}
    )
    assert_type(res, ImageGenerationResponse)
    await copy.images.list_models(extra_query={"a": [1]})  # type: ignore[dict-item]


async def check_raw_through_a_copy(client: OpenRouter, aclient: AsyncOpenRouter) -> None:
    from openrouter import RawResponse
    from openrouter.components import ImageModelEndpointsResponse

    copy = client.with_options(timeout_ms=1_000)
    raw = copy.images.with_raw_response.list_models(extra_headers={"X-A": "1"})
    assert_type(raw, RawResponse[ImageModelsListResponse])
    araw = await aclient.with_options(retry_config=None).images.with_raw_response.generate(
        model="m", prompt="p"
    )
    assert_type(araw.parse(), ImageGenerationResponse)
    ends = await aclient.images.with_raw_response.list_model_endpoints(author="a", slug="b")
    assert_type(ends, RawResponse[ImageModelEndpointsResponse])
