"""POST /images authentication and request validation: statuses, envelopes, messages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from openrouter.testing import FakeServer

Validate = Callable[[Any, str], None]

_MISSING = object()


def body(**fields: Any) -> dict[str, Any]:
    payload = {"model": "fake-labs/pixel-xl", "prompt": "a lighthouse at dusk", **fields}
    return {key: value for key, value in payload.items() if value is not _MISSING}


def assert_error(response: httpx.Response, status: int, *fragments: str) -> str:
    """Check the status and the spec's error envelope; return the message."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    error = response.json()["error"]
    assert error["code"] == status
    message = str(error["message"])
    for fragment in fragments:
        assert fragment in message
    return message


# Authentication -------------------------------------------------------------------------


def test_missing_authorization_is_401(anonymous: httpx.Client, validate: Validate) -> None:
    response = anonymous.post("/images", json=body())

    assert_error(response, 401, "Missing Authentication header")
    validate(response.json(), "UnauthorizedResponse")


@pytest.mark.parametrize("header", ["Bearer", "Token abc", "Basic dXNlcjpwYXNz", "sk-or-key"])
def test_malformed_authorization_is_401(anonymous: httpx.Client, header: str) -> None:
    response = anonymous.post("/images", json=body(), headers={"Authorization": header})

    assert_error(response, 401, "Missing Authentication header")


def test_only_configured_keys_are_accepted(validate: Validate) -> None:
    with (
        FakeServer(api_keys=["k1", "k2"]) as server,
        httpx.Client(base_url=server.base_url) as http,
    ):
        assert server.api_key == "k1"
        ok = http.post("/images", json=body(), headers={"Authorization": "Bearer k2"})
        bad = http.post("/images", json=body(), headers={"Authorization": "Bearer sk-secret-99"})

    assert ok.status_code == 200
    message = assert_error(bad, 401, "Invalid API key")
    assert "sk-secret-99" not in message
    validate(bad.json(), "UnauthorizedResponse")


def test_any_key_is_accepted_by_default(anonymous: httpx.Client) -> None:
    response = anonymous.post("/images", json=body(), headers={"Authorization": "Bearer whatever"})

    assert response.status_code == 200


def test_discovery_needs_no_key(anonymous: httpx.Client) -> None:
    assert anonymous.get("/images/models").status_code == 200
    assert anonymous.get("/images/models/fake-labs/pixel-xl/endpoints").status_code == 200


def test_authentication_comes_before_validation(anonymous: httpx.Client) -> None:
    response = anonymous.post("/images", json={"model": 1})

    assert response.status_code == 401


# Body-level validation ---------------------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"{not json", b"[1, 2]", b'"a string"', b"\xff\xfe\x00"])
def test_body_must_be_a_json_object(
    client: httpx.Client, validate: Validate, content: bytes
) -> None:
    response = client.post("/images", content=content, headers={"Content-Type": "application/json"})

    assert_error(response, 400, "JSON object")
    validate(response.json(), "BadRequestResponse")


INVALID = [
    # (fields overriding the valid body, fragments expected in the message)
    ({"model": _MISSING}, ["model"]),
    ({"model": None}, ["model"]),
    ({"model": 42}, ["model"]),
    ({"prompt": _MISSING}, ["prompt"]),
    ({"prompt": ["a"]}, ["prompt"]),
    ({"prompt": ""}, ["prompt"]),
    ({"aspect_ratio": "7:3"}, ["aspect_ratio", "'7:3'", "Allowed: 1:1, 1:2", "16:9", "auto"]),
    ({"aspect_ratio": 1.5}, ["aspect_ratio"]),
    ({"background": "glass"}, ["background", "'glass'", "auto, transparent, opaque"]),
    ({"output_format": "gif"}, ["output_format", "'gif'", "png, jpeg, webp, svg"]),
    ({"quality": "ultra"}, ["quality", "auto, low, medium, high, xhigh, max"]),
    ({"resolution": "8K"}, ["resolution", "'8K'", "512, 768, 1K, 1.5K, 2K, 4K"]),
    ({"resolution": "1k"}, ["resolution"]),
    ({"n": 0}, ["n", "between 1 and 10"]),
    ({"n": 11}, ["n", "between 1 and 10"]),
    ({"n": "2"}, ["n"]),
    ({"n": 2.5}, ["n"]),
    ({"n": True}, ["n"]),
    ({"output_compression": 101}, ["output_compression", "between 0 and 100"]),
    ({"output_compression": -1}, ["output_compression"]),
    ({"output_compression": "high"}, ["output_compression"]),
    ({"input_references": "https://example.com/a.png"}, ["input_references", "array"]),
    (
        {
            "input_references": [
                {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}}
            ]
            * 17
        },
        ["input_references", "16"],
    ),
    ({"input_references": [{"type": "image_url"}]}, ["input_references[0]"]),
    ({"input_references": ["https://example.com/a.png"]}, ["input_references[0]"]),
    (
        {"input_references": [{"type": "text", "image_url": {"url": "https://x.test/a.png"}}]},
        ["input_references[0]"],
    ),
    (
        {
            "input_references": [
                {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}},
                {"type": "image_url", "image_url": {"url": "ftp://example.com/a.png"}},
            ]
        },
        ["input_references[1]", "url"],
    ),
    ({"session_id": "s" * 257}, ["session_id", "256"]),
    ({"session_id": 7}, ["session_id"]),
    ({"size": "huge"}, ["size", "'huge'", "512, 768, 1K, 1.5K, 2K, 4K", "<width>x<height>"]),
    ({"size": "0x512"}, ["size"]),
    ({"size": "1024x"}, ["size"]),
    ({"size": "99999x10"}, ["size"]),
    ({"size": 1024}, ["size"]),
    ({"size": "1024x1024", "resolution": "4K"}, ["size", "resolution", "'4K'"]),
    ({"size": "1536x1536", "resolution": "1K"}, ["resolution", "'1K'", "closest to 1.5K"]),
    ({"size": "1536x1024", "resolution": "2K"}, ["resolution", "closest to 1K or 1.5K"]),
    ({"size": "1024x1024", "aspect_ratio": "16:9"}, ["size", "aspect_ratio", "'16:9'"]),
    ({"size": "2K", "resolution": "1K"}, ["size", "resolution"]),
    ({"output_format": "svg"}, ["output_format", "'svg'", "fake-labs/pixel-xl", "png, jpeg"]),
    ({"model": "fake-labs/vector-1", "output_format": "png"}, ["output_format", "'png'", "svg"]),
    (
        {
            "model": "fake-labs/stream-diffusion",
            "background": "transparent",
            "output_format": "jpeg",
        },
        ["background", "transparent", "jpeg", "png or webp"],
    ),
    ({"model": "fake-labs/stream-diffusion", "n": 2}, ["n", "fake-labs/stream-diffusion"]),
    (
        {
            "model": "fake-labs/vector-1",
            "input_references": [{"type": "image_url", "image_url": {"url": "https://x.test/a"}}],
        },
        ["input_references", "fake-labs/vector-1"],
    ),
    ({"stream": "yes"}, ["stream", "boolean"]),
    ({"stream": 1}, ["stream", "boolean"]),
    ({"seed": "42"}, ["seed", "integer"]),
    ({"seed": 1.5}, ["seed", "integer"]),
    ({"provider": "fake-labs"}, ["provider", "object"]),
    ({"trace": "t-1"}, ["trace", "object"]),
    ({"user": 7}, ["user", "string"]),
]


@pytest.mark.parametrize(("fields", "fragments"), INVALID)
def test_invalid_requests_are_400(
    client: httpx.Client, validate: Validate, fields: dict[str, Any], fragments: list[str]
) -> None:
    response = client.post("/images", json=body(**fields))

    assert_error(response, 400, *fragments)
    validate(response.json(), "BadRequestResponse")


def test_unknown_model_is_404(client: httpx.Client, validate: Validate) -> None:
    response = client.post("/images", json=body(model="fake-labs/nope"))

    assert_error(response, 404, "Model 'fake-labs/nope' not found")
    validate(response.json(), "NotFoundResponse")


def test_jpeg_without_pillow_is_a_400_naming_pillow() -> None:
    with (
        FakeServer(pillow=False) as server,
        httpx.Client(
            base_url=server.base_url, headers={"Authorization": f"Bearer {server.api_key}"}
        ) as http,
    ):
        for output_format in ("jpeg", "webp"):
            response = http.post("/images", json=body(output_format=output_format))
            assert_error(response, 400, "output_format", "Pillow")
        assert http.post("/images", json=body(output_format="png")).status_code == 200


def test_unknown_api_route_is_a_404_envelope(client: httpx.Client) -> None:
    assert_error(client.get("/chat/completions"), 404, "Not Found")


def test_wrong_method_is_a_405_envelope(client: httpx.Client) -> None:
    assert_error(client.get("/images"), 405, "GET")
    assert_error(client.post("/images/models", json={}), 405, "POST")
