"""Models: tolerant parsing (unknown values, fields and variants) and image helpers."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from pydantic import TypeAdapter

from openrouter import components as c

PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def test_unknown_fields_are_kept_and_sent_back() -> None:
    res = c.ImageGenerationResponse.model_validate_json(
        json.dumps({"created": 1, "data": [{"b64_json": b64(PNG), "seed_used": 7}], "id": "gen-1"})
    )
    assert res.model_extra == {"id": "gen-1"}
    assert res.data[0].model_extra == {"seed_used": 7}
    assert res.model_dump()["id"] == "gen-1"


def test_unknown_enum_values_parse() -> None:
    entry = c.ImagePricingEntry.model_validate(
        {"billable": "output_video", "unit": "second", "cost_usd": 0.1}
    )
    assert entry.billable == "output_video" and entry.unit == "second"
    arch = c.ImageModelArchitecture.model_validate(
        {"input_modalities": ["text", "hologram"], "output_modalities": ["image"]}
    )
    assert arch.input_modalities == ["text", "hologram"]


def test_capability_descriptors_are_an_open_union() -> None:
    params = TypeAdapter(c.SupportedParameters).validate_python(
        {
            "resolution": {"type": "enum", "values": ["1K", "2K"]},
            "output_compression": {"type": "range", "min": 0, "max": 100},
            "seed": {"type": "boolean"},
            "style": {"type": "palette", "colors": ["red"]},
        }
    )
    assert isinstance(params["resolution"], c.EnumCapability)
    assert params["resolution"].values == ["1K", "2K"]
    assert isinstance(params["output_compression"], c.RangeCapability)
    assert isinstance(params["seed"], c.BooleanCapability)
    unknown = params["style"]
    assert isinstance(unknown, c.UnknownCapabilityDescriptor)
    assert unknown.type == "palette" and unknown.model_extra == {"colors": ["red"]}


def test_stream_events_are_an_open_union() -> None:
    adapter = TypeAdapter(c.ImageStreamingResponseData)
    partial = adapter.validate_json(
        json.dumps(
            {
                "type": "image_generation.partial_image",
                "partial_image_index": 1,
                "b64_json": b64(PNG),
            }
        )
    )
    assert isinstance(partial, c.ImageGenPartialImageEvent) and partial.partial_image_index == 1
    chunk = adapter.validate_python(
        {"type": "image_generation.text_chunk", "text": "<svg", "phase": "sketch"}
    )
    assert isinstance(chunk, c.ImageGenTextChunkEvent) and chunk.phase == "sketch"
    other = adapter.validate_python({"type": "image_generation.progress", "percent": 40})
    assert isinstance(other, c.UnknownImageStreamingResponseData)
    assert other.type == "image_generation.progress" and other.model_extra == {"percent": 40}


def test_usage_iterations_are_an_open_union() -> None:
    usage = c.ImageGenerationUsage.model_validate(
        {
            "prompt_tokens": 1,
            "completion_tokens": 2,
            "total_tokens": 3,
            "iterations": [{"type": "message", "input_tokens": 5}, {"type": "future", "x": 1}],
        }
    )
    assert usage.iterations is not None
    assert isinstance(usage.iterations[0], c.AnthropicMessageUsageIteration)
    assert isinstance(usage.iterations[1], c.AnthropicUnknownUsageIteration)


@pytest.mark.parametrize(
    ("data", "mime", "ext"),
    [
        (PNG, "image/png", "png"),
        (b"\xff\xd8\xff\xe0" + bytes(60), "image/jpeg", "jpg"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 " + bytes(50), "image/webp", "webp"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', "image/svg+xml", "svg"),
        (
            b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>',
            "image/svg+xml",
            "svg",
        ),
        (b"GIF89a" + bytes(60), "image/gif", "gif"),
        (b"plain bytes that are not an image", None, "bin"),
    ],
)
def test_media_type_is_sniffed_when_missing(data: bytes, mime: str | None, ext: str) -> None:
    item = c.ImageGenerationResponseData(b64_json=b64(data))
    assert item.mime_type == mime and item.extension == ext
    assert item.to_bytes() == data


def test_media_type_wins_over_sniffing() -> None:
    item = c.ImageGenerationResponseData(b64_json=b64(PNG), media_type="image/webp")
    assert item.extension == "webp"


def test_save_adds_the_extension_and_creates_directories(tmp_path: Path) -> None:
    item = c.ImageGenerationResponseData(b64_json=b64(PNG), media_type="image/png")
    path = item.save(tmp_path / "deep" / "cat")
    assert path == tmp_path / "deep" / "cat.png"
    assert path.read_bytes() == PNG
    assert item.save(tmp_path / "dog.bin") == tmp_path / "dog.bin"


def test_response_save_all_and_completed_events(tmp_path: Path) -> None:
    res = c.ImageGenerationResponse(
        created=5,
        data=[c.ImageGenerationResponseData(b64_json=b64(PNG)) for _ in range(2)],
        usage=c.ImageGenerationUsage(
            prompt_tokens=0, completion_tokens=1, total_tokens=1, cost=0.1
        ),
    )
    assert [p.name for p in res.save(tmp_path)] == ["image-0.png", "image-1.png"]
    events = res.completed_events()
    assert [e.type for e in events] == ["image_generation.completed"] * 2
    assert events[0].created == 5 and events[0].usage == res.usage
    assert events[1].to_bytes() == PNG
    with res as stream:
        assert [e.type for e in stream] == ["image_generation.completed"] * 2


def test_repr_is_short_for_large_images() -> None:
    item = c.ImageGenerationResponseData(b64_json="A" * 1_000_000, media_type="image/png")
    text = repr(item)
    assert len(text) < 120 and "1,000,000 chars" in text and "media_type='image/png'" in text
    assert "cost=None" not in repr(
        c.ImageGenerationUsage(prompt_tokens=1, completion_tokens=1, total_tokens=2)
    )


def test_request_model_validates_spec_limits() -> None:
    with pytest.raises(ValueError, match="prompt"):
        c.ImageGenerationRequest(model="a/b", prompt="")
    req = c.ImageGenerationRequest(model="a/b", prompt="x", aspect_ratio="99:1")
    assert req.model_dump(exclude_unset=True) == {
        "model": "a/b",
        "prompt": "x",
        "aspect_ratio": "99:1",
    }


def test_provider_options_accept_python_names() -> None:
    pref = c.ImageGenerationRequestProvider.model_validate(
        {"options": {"oneai": {"a": 1}, "lambda_": {"b": 2}, "amazon_bedrock_claude_on_aws": {}}}
    )
    assert pref.model_dump(exclude_unset=True)["options"] == {
        "01ai": {"a": 1},
        "lambda": {"b": 2},
        "amazon-bedrock/claude-on-aws": {},
    }


def test_model_list_item_author_and_slug() -> None:
    item = c.ImageModelListItem.model_validate(
        {
            "id": "openai/gpt-image-1",
            "name": "GPT Image 1",
            "description": "",
            "created": 1,
            "architecture": {"input_modalities": ["text"], "output_modalities": ["image"]},
            "supported_parameters": {},
            "supports_streaming": True,
            "endpoints": "/api/v1/images/models/openai/gpt-image-1/endpoints",
        }
    )
    assert (item.author, item.slug) == ("openai", "gpt-image-1")


def test_mime_type_tolerates_odd_base64() -> None:
    text = b64(PNG)
    assert c.ImageGenerationResponseData(b64_json="\n  " + text).mime_type == "image/png"
    assert c.ImageGenerationResponseData(b64_json="!!!").mime_type is None
    assert c.ImageGenerationResponseData(b64_json="!!!").extension == "bin"


def test_image_payload_is_the_shared_base() -> None:
    events = [
        c.ImageGenPartialImageEvent(partial_image_index=0, b64_json=b64(PNG)),
        c.ImageGenCompletedEvent(b64_json=b64(PNG), created=1),
        c.ImageGenTextChunkEvent(text="<svg", phase="content"),
    ]
    assert [isinstance(e, c.ImagePayload) for e in events] == [True, True, False]


def test_to_dict_and_to_json_leave_out_what_the_api_did_not_send() -> None:
    usage = {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3, "cost": 0.5}
    body = {"created": 1, "data": [{"b64_json": "aGk="}], "usage": usage, "x_new": 1}
    res = c.ImageGenerationResponse.model_validate(body)
    assert res.to_dict() == body
    assert json.loads(res.to_json()) == body
    full = res.to_dict(exclude_unset=False)
    assert full["data"][0]["media_type"] is None and full["x_new"] == 1
    assert "media_type" not in res.to_dict(exclude_unset=False, exclude_none=True)["data"][0]
    event = c.ImageGenCompletedEvent(b64_json="aGk=", created=2)
    assert event.to_dict() == {"b64_json": "aGk=", "created": 2}
    assert event.to_dict(mode="json", exclude_unset=False)["type"] == "image_generation.completed"
