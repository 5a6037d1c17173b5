"""Streaming (SSE) responses of the streaming models."""

from __future__ import annotations

import base64
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from httpx_sse import connect_sse
from PIL import Image

DecodeImage = Callable[[str], Image.Image]
Validate = Callable[[Any, str], None]

EVENT_SCHEMAS = {
    "image_generation.partial_image": "ImageGenPartialImageEvent",
    "image_generation.text_chunk": "ImageGenTextChunkEvent",
    "image_generation.completed": "ImageGenCompletedEvent",
    "error": "ImageGenStreamErrorEvent",
}


def stream_body(model: str = "fake-labs/stream-diffusion", **fields: Any) -> dict[str, Any]:
    return {"model": model, "prompt": "a lighthouse at dusk", "stream": True, **fields}


def collect(client: httpx.Client, validate: Validate, **fields: Any) -> list[Any]:
    """Stream a generation with httpx_sse; return the decoded events ("[DONE]" as a str)."""
    events: list[Any] = []
    with connect_sse(client, "POST", "/images", json=stream_body(**fields)) as source:
        assert source.response.status_code == 200
        for sse in source.iter_sse():
            if sse.data == "[DONE]":
                events.append("[DONE]")
                continue
            event = json.loads(sse.data)
            validate({"data": event}, "ImageStreamingResponse")
            validate(event, EVENT_SCHEMAS[event["type"]])
            events.append(event)
    return events


def test_raw_stream_framing(client: httpx.Client) -> None:
    response = client.post("/images", json=stream_body())

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/event-stream"
    assert response.headers["cache-control"] == "no-cache"
    text = response.text
    assert text.startswith(": OPENROUTER PROCESSING\n\n")
    assert text.endswith("data: [DONE]\n\n")
    blocks = text[:-2].split("\n\n")
    assert all(block.startswith((": ", "data: ")) for block in blocks)
    assert all("\n" not in block for block in blocks)  # one line per event


def test_partial_images_then_completed_then_done(
    client: httpx.Client, validate: Validate, decode_image: DecodeImage
) -> None:
    events = collect(client, validate)

    assert [e if e == "[DONE]" else e["type"] for e in events] == [
        "image_generation.partial_image",
        "image_generation.partial_image",
        "image_generation.completed",
        "[DONE]",
    ]
    assert [e["partial_image_index"] for e in events[:2]] == [0, 1]
    sizes = [decode_image(e["b64_json"]).size for e in events[:3]]
    assert sizes == [(16, 16), (32, 32), (64, 64)]  # partials are smaller previews
    completed = events[2]
    assert completed["media_type"] == "image/png"
    assert isinstance(completed["created"], int)
    assert completed["usage"]["cost"] == pytest.approx(0.011, abs=0.001)


def test_streamed_image_equals_buffered_image(client: httpx.Client, validate: Validate) -> None:
    fields = {"seed": 7, "quality": "high", "size": "1536x1024"}
    streamed = collect(client, validate, **fields)[2]["b64_json"]
    buffered = client.post("/images", json=stream_body(stream=False, **fields)).json()

    assert buffered["data"][0]["b64_json"] == streamed


def test_stream_output_format_is_honoured(
    client: httpx.Client, validate: Validate, decode_image: DecodeImage
) -> None:
    events = collect(client, validate, output_format="webp", background="transparent")

    completed = events[-2]
    assert completed["media_type"] == "image/webp"
    image = decode_image(completed["b64_json"])
    assert (image.format, image.mode) == ("WEBP", "RGBA")


def test_vector_stream_text_chunks_concatenate_to_the_svg(
    client: httpx.Client, validate: Validate
) -> None:
    events = collect(client, validate, model="fake-labs/vector-1")

    assert events[-1] == "[DONE]"
    completed = events[-2]
    assert completed["type"] == "image_generation.completed"
    assert completed["media_type"] == "image/svg+xml"
    chunks = events[:-2]
    assert chunks[0]["phase"] == "reasoning"
    content = [c["text"] for c in chunks if c["phase"] == "content"]
    assert len(content) >= 5
    svg = base64.b64decode(completed["b64_json"]).decode()
    assert "".join(content) == svg
    assert ET.fromstring(svg).tag == "{http://www.w3.org/2000/svg}svg"


def test_non_streaming_model_answers_json_to_stream_true(client: httpx.Client) -> None:
    response = client.post("/images", json=stream_body(model="fake-labs/pixel-xl"))

    assert response.headers["content-type"] == "application/json"
    assert len(response.json()["data"]) == 1


def test_stream_validation_errors_are_json(client: httpx.Client) -> None:
    response = client.post("/images", json=stream_body(quality="ultra"))

    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    assert "quality" in response.json()["error"]["message"]
