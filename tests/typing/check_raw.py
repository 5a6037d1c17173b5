"""What a type checker sees of raw responses, call ids and stream events.

Checked by ``tests/test_typing.py`` with ``mypy --strict``; never run (nothing calls these
functions), so each ``assert_type`` is a claim about the declared types only.
"""

from __future__ import annotations

import datetime

import httpx
from typing_extensions import assert_type

from openrouter import AsyncImageStream, AsyncOpenRouter, ImageStream, OpenRouter, RawResponse
from openrouter.components import (
    ImageGenerationResponse,
    ImageModelEndpointsResponse,
    ImageModelsListResponse,
    ImageStreamEvent,
)
from openrouter.errors import APIStatusError, OpenRouterError
from openrouter.testing import FakeServer


def check_results(client: OpenRouter) -> None:
    res = client.images.generate(model="openai/gpt-image-1", prompt="a cat")
    assert_type(res, ImageGenerationResponse)
    assert_type(res.request_id, str | None)
    assert_type(res.generation_id, str | None)
    assert_type(res.retries_taken, int)
    models = client.images.list_models()
    assert_type(models.request_id, str | None)
    assert_type(models.retries_taken, int)
    endpoints = client.images.list_model_endpoints(author="openai", slug="gpt-image-1")
    assert_type(endpoints.generation_id, str | None)


def check_sync_raw(client: OpenRouter) -> None:
    raw = client.images.with_raw_response.generate(model="openai/gpt-image-1", prompt="a cat")
    assert_type(raw, RawResponse[ImageGenerationResponse])
    assert_type(raw.parse(), ImageGenerationResponse)
    assert_type(raw.status_code, int)
    assert_type(raw.headers, httpx.Headers)
    assert_type(raw.http_request, httpx.Request)
    assert_type(raw.http_response, httpx.Response)
    assert_type(raw.elapsed, datetime.timedelta)
    assert_type(raw.retries_taken, int)
    assert_type(raw.request_id, str | None)
    assert_type(raw.generation_id, str | None)
    streamed = client.images.with_raw_response.generate(model="m/x", prompt="p", stream=True)
    assert_type(streamed, RawResponse[ImageStream[ImageStreamEvent]])
    maybe = client.images.with_raw_response.generate(model="m/x", prompt="p", stream=None)
    assert_type(maybe, RawResponse[ImageGenerationResponse])
    models = client.images.with_raw_response.list_models(timeout_ms=1000)
    assert_type(models, RawResponse[ImageModelsListResponse])
    endpoints = client.images.with_raw_response.list_model_endpoints(author="a", slug="b")
    assert_type(endpoints, RawResponse[ImageModelEndpointsResponse])


async def check_sync_client_async_raw(client: OpenRouter) -> None:
    raw = await client.images.with_raw_response.generate_async(model="m/x", prompt="p")
    assert_type(raw, RawResponse[ImageGenerationResponse])
    streamed = await client.images.with_raw_response.generate_async(
        model="m/x", prompt="p", stream=True
    )
    assert_type(streamed.parse(), AsyncImageStream[ImageStreamEvent])
    models = await client.images.with_raw_response.list_models_async()
    assert_type(models, RawResponse[ImageModelsListResponse])
    endpoints = await client.images.with_raw_response.list_model_endpoints_async(
        author="a", slug="b"
    )
    assert_type(endpoints, RawResponse[ImageModelEndpointsResponse])


async def check_async(client: AsyncOpenRouter) -> None:
    res = await client.images.generate(model="m/x", prompt="p")
    assert_type(res.request_id, str | None)
    raw = await client.images.with_raw_response.generate(model="m/x", prompt="p")
    assert_type(raw, RawResponse[ImageGenerationResponse])
    assert_type(raw.parse().generation_id, str | None)
    streamed = await client.images.with_raw_response.generate(model="m/x", prompt="p", stream=True)
    assert_type(streamed, RawResponse[AsyncImageStream[ImageStreamEvent]])
    models = await client.images.with_raw_response.list_models()
    assert_type(models.parse(), ImageModelsListResponse)
    endpoints = await client.images.with_raw_response.list_model_endpoints(author="a", slug="b")
    assert_type(endpoints.parse(), ImageModelEndpointsResponse)
    async with streamed.parse() as events:
        assert_type(events.request_id, str | None)
        assert_type(events.retries_taken, int)
        async for event in events:
            assert_type(event.type, str)


def check_stream_events(client: OpenRouter) -> None:
    with client.images.generate(model="m/x", prompt="p", stream=True) as events:
        assert_type(events.request_id, str | None)
        assert_type(events.generation_id, str | None)
        assert_type(events.retries_taken, int)
        for event in events:
            assert_type(event.type, str)  # an unknown event's too: never None


def check_errors(client: OpenRouter) -> None:
    try:
        client.images.list_models()
    except APIStatusError as exc:
        assert_type(exc.request_id, str | None)
        assert_type(exc.generation_id, str | None)
        assert_type(exc.retries_taken, int)
    except OpenRouterError as exc:
        assert_type(exc.request_id, str | None)
        assert_type(exc.retries_taken, int)


def check_request_log(server: FakeServer) -> None:
    entry = server.requests[0]
    assert_type(entry.request_id, str)
    assert_type(entry.generation_id, str | None)
