"""POST /images happy paths: response shape, images, determinism, sizes, formats."""

from __future__ import annotations

import base64
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from PIL import Image

from openrouter.testing import FakeServer

DecodeImage = Callable[[str], Image.Image]
Validate = Callable[[Any, str], None]


def body(**fields: Any) -> dict[str, Any]:
    return {"model": "fake-labs/pixel-xl", "prompt": "a lighthouse at dusk", **fields}


def generate(client: httpx.Client, **fields: Any) -> dict[str, Any]:
    response = client.post("/images", json=body(**fields))
    assert response.status_code == 200, response.text
    payload: dict[str, Any] = response.json()
    return payload


def test_buffered_response_matches_the_spec(
    client: httpx.Client, validate: Validate, decode_image: DecodeImage
) -> None:
    before = int(time.time())
    response = client.post("/images", json=body())

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    payload = response.json()
    validate(payload, "ImageGenerationResponse")
    assert before <= payload["created"] <= int(time.time())
    assert len(payload["data"]) == 1
    assert payload["data"][0]["media_type"] == "image/png"
    image = decode_image(payload["data"][0]["b64_json"])
    assert (image.format, image.mode, image.size) == ("PNG", "RGB", (64, 64))
    usage = payload["usage"]
    validate(usage, "ImageGenerationUsage")
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]
    assert usage["completion_tokens"] > 0
    assert usage["cost"] == pytest.approx(0.04)


def test_png_is_written_by_hand_correctly(client: httpx.Client) -> None:
    data = base64.b64decode(generate(client)["data"][0]["b64_json"])

    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    assert data[-12:] == b"\x00\x00\x00\x00IEND\xaeB`\x82"


def test_n_returns_n_distinct_images_and_cost_scales(
    client: httpx.Client, decode_image: DecodeImage
) -> None:
    payload = generate(client, n=3)

    images = [item["b64_json"] for item in payload["data"]]
    assert len(images) == 3
    assert len(set(images)) == 3
    for b64 in images:
        assert decode_image(b64).size == (64, 64)
    assert payload["usage"]["cost"] == pytest.approx(0.12)


def test_same_seed_gives_same_bytes(client: httpx.Client) -> None:
    first = generate(client, seed=42)["data"][0]["b64_json"]
    second = generate(client, seed=42)["data"][0]["b64_json"]

    assert first == second


@pytest.mark.parametrize(
    "change",
    [{"seed": 43}, {"prompt": "a lighthouse at dawn"}, {"quality": "high"}],
    ids=["seed", "prompt", "params"],
)
def test_different_inputs_give_different_bytes(
    client: httpx.Client, change: dict[str, Any]
) -> None:
    reference = generate(client, seed=42)["data"][0]["b64_json"]

    assert generate(client, **{"seed": 42, **change})["data"][0]["b64_json"] != reference


def test_different_prompts_give_different_pixels(
    client: httpx.Client, decode_image: DecodeImage
) -> None:
    one = decode_image(generate(client, prompt="red")["data"][0]["b64_json"])
    two = decode_image(generate(client, prompt="blue")["data"][0]["b64_json"])

    assert one.tobytes() != two.tobytes()


@pytest.mark.parametrize(
    ("fields", "size"),
    [
        ({}, (64, 64)),
        ({"aspect_ratio": "16:9"}, (64, 36)),
        ({"aspect_ratio": "9:16"}, (36, 64)),
        ({"aspect_ratio": "auto"}, (64, 64)),
        ({"resolution": "512"}, (32, 32)),
        ({"resolution": "2K", "aspect_ratio": "3:2"}, (128, 85)),
        ({"resolution": "4K", "aspect_ratio": "21:9"}, (256, 110)),
        ({"size": "2K"}, (128, 128)),
        ({"size": "2K", "resolution": "2K", "aspect_ratio": "4:3"}, (128, 96)),
        ({"size": "1536x1024"}, (96, 64)),
        ({"size": "1536x1024", "aspect_ratio": "3:2", "resolution": "1K"}, (96, 64)),
        ({"size": "100x100"}, (8, 8)),
        # The values the spec gained: two resolution tiers and four aspect ratios.
        ({"resolution": "768"}, (48, 48)),
        ({"resolution": "1.5K"}, (96, 96)),
        ({"size": "1.5K", "aspect_ratio": "2.35:1"}, (96, 41)),
        ({"aspect_ratio": "5:2"}, (64, 26)),
        ({"aspect_ratio": "5:7"}, (46, 64)),
        ({"aspect_ratio": "7:5"}, (64, 46)),
        ({"size": "1536x1536", "resolution": "1.5K"}, (96, 96)),
        ({"size": "1536x1024", "resolution": "1.5K"}, (96, 64)),
    ],
)
def test_dimensions_follow_size_parameters_at_reduced_scale(
    client: httpx.Client, decode_image: DecodeImage, fields: dict[str, Any], size: tuple[int, int]
) -> None:
    payload = generate(client, **fields)

    assert decode_image(payload["data"][0]["b64_json"]).size == size


@pytest.mark.parametrize(
    "fields",
    [
        {"quality": "xhigh"},
        {"quality": "max"},
        {"resolution": "768", "aspect_ratio": "5:7"},
        {"resolution": "1.5K", "aspect_ratio": "2.35:1"},
        {"size": "768", "aspect_ratio": "7:5"},
        {"aspect_ratio": "5:2"},
    ],
)
def test_the_values_the_spec_gained_are_accepted(
    client: httpx.Client, validate: Validate, fields: dict[str, Any]
) -> None:
    validate(body(**fields), "ImageGenerationRequest")  # the spec copy knows them
    response = client.post("/images", json=body(**fields))

    assert response.status_code == 200, response.text
    validate(response.json(), "ImageGenerationResponse")


@pytest.mark.parametrize(
    ("output_format", "pil_format", "media_type"),
    [("png", "PNG", "image/png"), ("jpeg", "JPEG", "image/jpeg"), ("webp", "WEBP", "image/webp")],
)
def test_raster_output_formats(
    client: httpx.Client,
    decode_image: DecodeImage,
    output_format: str,
    pil_format: str,
    media_type: str,
) -> None:
    item = generate(client, output_format=output_format)["data"][0]

    assert item["media_type"] == media_type
    image = decode_image(item["b64_json"])
    assert (image.format, image.size) == (pil_format, (64, 64))


def test_output_compression_changes_jpeg_bytes(client: httpx.Client) -> None:
    small = generate(client, output_format="jpeg", output_compression=5)["data"][0]["b64_json"]
    large = generate(client, output_format="jpeg", output_compression=95)["data"][0]["b64_json"]

    assert len(base64.b64decode(small)) < len(base64.b64decode(large))


@pytest.mark.parametrize(("output_format", "pil_format"), [("png", "PNG"), ("webp", "WEBP")])
def test_transparent_background_has_alpha(
    client: httpx.Client, decode_image: DecodeImage, output_format: str, pil_format: str
) -> None:
    item = generate(
        client,
        model="fake-labs/stream-diffusion",
        background="transparent",
        output_format=output_format,
    )["data"][0]

    image = decode_image(item["b64_json"])
    assert (image.format, image.mode) == (pil_format, "RGBA")
    alpha = image.getchannel("A")
    assert alpha.getextrema() == (0, 255)  # a transparent backdrop with an opaque disc


def test_vector_model_answers_svg(client: httpx.Client) -> None:
    payload = generate(
        client, model="fake-labs/vector-1", prompt="a <bold> & fox", aspect_ratio="4:3"
    )

    item = payload["data"][0]
    assert item["media_type"] == "image/svg+xml"
    root = ET.fromstring(base64.b64decode(item["b64_json"]))
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert (root.get("width"), root.get("height"), root.get("viewBox")) == ("64", "48", "0 0 64 48")
    title = root.find("{http://www.w3.org/2000/svg}title")
    assert title is not None
    assert title.text == "a <bold> & fox"
    assert len(list(root)) >= 4
    assert payload["usage"]["cost"] == pytest.approx(0.02)


def test_vector_model_is_deterministic_and_prompt_dependent(client: httpx.Client) -> None:
    def svg(prompt: str) -> str:
        return str(
            generate(client, model="fake-labs/vector-1", prompt=prompt)["data"][0]["b64_json"]
        )

    assert svg("fox") == svg("fox")
    assert svg("fox") != svg("owl")


def test_non_streaming_model_ignores_stream_true(client: httpx.Client, validate: Validate) -> None:
    response = client.post("/images", json=body(stream=True))

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    validate(response.json(), "ImageGenerationResponse")


def test_streaming_model_without_stream_answers_json(
    client: httpx.Client, validate: Validate
) -> None:
    response = client.post("/images", json=body(model="fake-labs/stream-diffusion", stream=False))

    assert response.headers["content-type"] == "application/json"
    validate(response.json(), "ImageGenerationResponse")


def test_unknown_fields_and_routing_fields_are_accepted(
    client: httpx.Client, server: FakeServer
) -> None:
    fields = {
        "future_field": {"anything": [1, 2]},
        "provider": {"order": ["fake-labs"], "allow_fallbacks": False},
        "trace": {"trace_id": "t-1"},
        "user": "user-7",
        "session_id": "s" * 256,
        "input_references": [
            {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}},
            {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}},
        ],
        "n": 2.0,  # JSON has one number type: an integral float is an integer
    }
    payload = generate(client, **fields)

    assert len(payload["data"]) == 2
    assert payload["usage"]["cost"] == pytest.approx(0.04 * 2 + 0.002 * 2)
    recorded = server.last_request
    assert recorded is not None
    assert recorded.json is not None
    assert recorded.json["provider"] == fields["provider"]
    assert recorded.json["trace"] == {"trace_id": "t-1"}
    assert recorded.json["user"] == "user-7"
