"""Streams end to end against the fake server, through both clients."""

from __future__ import annotations

import base64
import io
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

import openrouter
from openrouter import components as c
from openrouter import errors
from openrouter.testing import FakeServer
from openrouter.utils import RetryConfig

from .conftest import Api

pytestmark = pytest.mark.anyio
STREAMING = "fake-labs/stream-diffusion"
VECTOR = "fake-labs/vector-1"
PIXEL = "fake-labs/pixel-xl"


async def test_partial_images_then_completed(api: Api, fake: FakeServer) -> None:
    events = await api.stream(model=STREAMING, prompt="a comet")
    kinds = [type(e) for e in events]
    assert kinds == [
        c.ImageGenPartialImageEvent,
        c.ImageGenPartialImageEvent,
        c.ImageGenCompletedEvent,
    ]
    assert [e.partial_image_index for e in events[:2]] == [0, 1]
    final = events[-1]
    assert isinstance(final, c.ImageGenCompletedEvent) and final.usage is not None
    assert Image.open(io.BytesIO(final.to_bytes())).format == "PNG"
    assert events[0].extension == "png"  # sniffed: partial events carry no media_type
    sent = fake.last_request
    assert sent is not None and sent.json["stream"] is True
    assert sent.headers["accept"] == "text/event-stream"


async def test_partial_image_count_follows_the_server(api: Api, fake: FakeServer) -> None:
    fake.inject(partial_images=4)
    events = await api.stream(model=STREAMING, prompt="a comet")
    assert sum(isinstance(e, c.ImageGenPartialImageEvent) for e in events) == 4


async def test_vector_text_chunks_make_the_svg(api: Api) -> None:
    events = await api.stream(model=VECTOR, prompt="a fox", output_format="svg")
    chunks = [e for e in events if isinstance(e, c.ImageGenTextChunkEvent)]
    final = events[-1]
    assert chunks and isinstance(final, c.ImageGenCompletedEvent)
    svg = "".join(e.text for e in chunks if e.phase == "content")
    assert svg.encode() == final.to_bytes()
    assert final.extension == "svg"
    assert ET.fromstring(svg).tag.endswith("svg")


async def test_model_without_streaming_still_yields_completed_events(api: Api) -> None:
    events = await api.stream(model=PIXEL, prompt="a comet", n=3)
    assert [type(e) for e in events] == [c.ImageGenCompletedEvent] * 3
    assert len({e.b64_json for e in events}) == 3


async def test_error_event_is_raised(api: Api, fake: FakeServer) -> None:
    fake.inject(
        error_event={"code": "content_policy", "message": "refused", "type": "provider_error"}
    )
    seen: list[object] = []
    with pytest.raises(errors.StreamError) as info:
        stream = await api.open_stream(model=STREAMING, prompt="x")
        if api.mode == "sync":
            with stream:
                seen.extend(stream)
        else:
            async with stream:
                async for event in stream:
                    seen.append(event)
    assert [type(e) for e in seen] == [c.ImageGenPartialImageEvent]
    err = info.value
    assert (err.code, err.type, err.message) == ("content_policy", "provider_error", "refused")
    assert stream.response is not None and stream.response.is_closed


async def test_connection_dropped_mid_stream_is_an_error_not_retried(
    api: Api, fake: FakeServer
) -> None:
    fake.inject(drop="mid-stream", times=None)
    with pytest.raises(errors.APIConnectionError, match="while reading the stream"):
        await api.stream(model=STREAMING, prompt="x")
    assert len(fake.requests) == 1


async def test_error_status_before_events_is_retried(api: Api, fake: FakeServer) -> None:
    fake.inject(status=529, headers={"retry-after-ms": "10"}, times=1)
    events = await api.stream(model=STREAMING, prompt="x")
    assert isinstance(events[-1], c.ImageGenCompletedEvent)
    assert len(fake.requests) == 2


async def test_error_status_of_a_stream_is_typed(api: Api, fake: FakeServer) -> None:
    fake.inject(status=402, times=None)
    with pytest.raises(errors.PaymentRequiredResponseError):
        await api.stream(model=STREAMING, prompt="x")


async def test_slow_events_hit_the_timeout(api: Api, fake: FakeServer) -> None:
    fake.inject(event_delay=1.0)
    with pytest.raises(errors.APITimeoutError, match="while reading the stream"):
        await api.stream(model=STREAMING, prompt="x", timeout_ms=300)


async def test_slow_events_within_the_timeout_arrive(api: Api, fake: FakeServer) -> None:
    fake.inject(event_delay=0.05)
    events = await api.stream(model=STREAMING, prompt="x", timeout_ms=2000)
    assert isinstance(events[-1], c.ImageGenCompletedEvent)


async def test_leaving_early_closes_the_connection(api: Api, fake: FakeServer) -> None:
    fake.inject(event_delay=0.05)
    stream = await api.open_stream(model=STREAMING, prompt="x")
    if api.mode == "sync":
        with stream:
            first = next(iter(stream))
    else:
        async with stream:
            first = await stream.__anext__()
    assert isinstance(first, c.ImageGenPartialImageEvent)
    assert stream.response is not None and stream.response.is_closed


async def test_break_inside_with_closes_the_connection(api: Api) -> None:
    stream = await api.open_stream(model=STREAMING, prompt="x")
    if api.mode == "sync":
        with stream as events:
            for _ in events:
                break
    else:
        async with stream as events:
            async for _ in events:
                break
    assert stream.response is not None and stream.response.is_closed


async def test_client_still_works_after_an_abandoned_stream(api: Api) -> None:
    await test_break_inside_with_closes_the_connection(api)
    assert len((await api.generate(model=PIXEL, prompt="x")).data) == 1


async def test_buffered_response_runs_stream_code_verbatim(api: Api) -> None:
    # The seed example: a plain generate() result used like a stream.
    res = await api.generate(model=PIXEL, prompt="x", n=2)
    if api.mode == "sync":
        with res as event_stream:
            events = list(event_stream)
    else:
        async with res as event_stream:
            events = [e async for e in event_stream]
    assert [e.type for e in events] == ["image_generation.completed"] * 2
    assert events[0].b64_json == res.data[0].b64_json


async def test_stream_from_a_raw_event_stream_with_quirks(api: Api, fake: FakeServer) -> None:
    png = base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(16)).decode()
    body = (
        ": OPENROUTER PROCESSING\r\n\r\n"
        "id: 1\r\n: keep-alive\r\n\r\n"
        'event: progress\r\ndata: {"type": "image_generation.progress", "percent": 50}\r\n\r\n'
        'data: {"type":"image_generation.partial_image",\r\n'
        'data: "partial_image_index":0,"b64_json":"' + png + '"}\r\n\r\n'
        'data: {"type":"image_generation.completed","b64_json":"' + png + '","created":5}\r\n\r\n'
        "data: [DONE]\r\n\r\n"
        'data: {"type":"image_generation.completed","b64_json":"after-done","created":6}\r\n\r\n'
    )
    fake.inject(body=body, content_type="text/event-stream")
    events = await api.stream(model=STREAMING, prompt="x")
    assert [type(e) for e in events] == [
        c.UnknownImageStreamingResponseData,
        c.ImageGenPartialImageEvent,
        c.ImageGenCompletedEvent,
    ]
    assert events[0].model_extra == {"percent": 50}


async def test_stream_that_ends_without_done_or_completion_is_an_error(
    api: Api, fake: FakeServer
) -> None:
    body = 'data: {"type":"image_generation.text_chunk","text":"<svg","phase":"content"}\n\n'
    fake.inject(body=body, content_type="text/event-stream")
    with pytest.raises(errors.APIConnectionError, match="ended before the image was complete"):
        await api.stream(model=VECTOR, prompt="x")


async def test_invalid_event_is_a_typed_error(api: Api, fake: FakeServer) -> None:
    fake.inject(body="data: {oops\n\n", content_type="text/event-stream")
    with pytest.raises(errors.ResponseValidationError, match="stream event is not valid"):
        await api.stream(model=STREAMING, prompt="x")


def test_stream_type_for_each_client(fake: FakeServer) -> None:
    with openrouter.OpenRouter(
        api_key="k", server_url=fake.base_url, retry_config=RetryConfig("none")
    ) as client:
        stream = client.images.generate(model=STREAMING, prompt="x", stream=True)
        assert isinstance(stream, openrouter.ImageStream)
        stream.close()
        stream.close()  # twice is fine
