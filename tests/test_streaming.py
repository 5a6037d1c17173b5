"""The stream event decoder (pure). Streams over real sockets are in test_client_streams.py."""

from __future__ import annotations

import json

import pytest
from httpx_sse import ServerSentEvent

from openrouter import components as c
from openrouter import errors
from openrouter._streaming import EventDecoder


def sse(data: object = None, event: str = "", raw: str | None = None) -> ServerSentEvent:
    return ServerSentEvent(event=event, data=raw if raw is not None else json.dumps(data))


def test_typed_events_and_completion_tracking() -> None:
    decoder = EventDecoder()
    partial = decoder.decode(
        sse(
            {"type": "image_generation.partial_image", "partial_image_index": 0, "b64_json": "AA=="}
        )
    )
    assert isinstance(partial, c.ImageGenPartialImageEvent)
    assert not decoder.completed
    done = decoder.decode(
        sse({"type": "image_generation.completed", "b64_json": "AA==", "created": 3})
    )
    assert isinstance(done, c.ImageGenCompletedEvent) and decoder.completed
    decoder.finish()  # completed: no error


def test_done_sentinel_and_empty_messages() -> None:
    decoder = EventDecoder()
    assert decoder.decode(sse(raw="")) is None and not decoder.done
    assert decoder.decode(sse(raw="[DONE]")) is None and decoder.done
    decoder.finish()


def test_error_event_is_raised_with_provider_details() -> None:
    event = {
        "type": "error",
        "error": {
            "code": "upstream_error",
            "message": "provider fell over",
            "param": None,
            "type": "provider_error",
        },
    }
    with pytest.raises(errors.StreamError) as info:
        EventDecoder().decode(sse(event))
    err = info.value
    assert (err.code, err.type, err.param, err.message) == (
        "upstream_error",
        "provider_error",
        None,
        "provider fell over",
    )
    assert str(err) == "stream error: provider fell over (code=upstream_error, type=provider_error)"
    assert err.event.error.message == "provider fell over"


def test_type_from_the_sse_event_field() -> None:
    with pytest.raises(errors.StreamError, match="boom"):
        EventDecoder().decode(sse({"error": {"message": "boom"}}, event="error"))


def test_an_event_named_only_by_the_sse_field_is_read_leniently_or_a_typed_error() -> None:
    # The data has no `type`; the SSE `event:` names a known type whose fields are missing.
    chunk = EventDecoder().decode(sse({"text": "hi"}, event="image_generation.text_chunk"))
    assert isinstance(chunk, c.ImageGenTextChunkEvent) and chunk.text == "hi"  # (repaired)
    with pytest.raises(errors.ResponseValidationError, match="b64_json"):  # no image: an error
        EventDecoder().decode(sse({"created": 1}, event="image_generation.completed"))


def test_unknown_event_types_are_yielded_not_fatal() -> None:
    event = EventDecoder().decode(sse({"type": "image_generation.heartbeat", "n": 1}))
    assert isinstance(event, c.UnknownImageStreamingResponseData) and event.model_extra == {"n": 1}


def test_garbage_data_is_a_typed_error() -> None:
    with pytest.raises(errors.ResponseValidationError, match="stream event is not valid"):
        EventDecoder().decode(sse(raw="{not json"))
    with pytest.raises(errors.ResponseValidationError):
        EventDecoder().decode(sse({"type": "image_generation.partial_image"}))


def test_a_stream_cut_short_is_an_error() -> None:
    decoder = EventDecoder()
    decoder.decode(sse({"type": "image_generation.text_chunk", "text": "<svg", "phase": "content"}))
    with pytest.raises(errors.APIConnectionError, match="ended before the image was complete"):
        decoder.finish()


@pytest.mark.parametrize(
    ("data", "event", "expected"),
    [
        ({"type": "image_generation.heartbeat"}, "", "image_generation.heartbeat"),
        ({"type": "image_generation.heartbeat"}, "ping", "image_generation.heartbeat"),
        ({"n": 1}, "ping", "ping"),  # named only by the SSE `event:` field
        ({"type": None, "n": 1}, "ping", "ping"),  # a null type names nothing either
        ({"n": 1}, "", "unknown"),  # named by neither: never None
        ({"n": 1}, "message", "unknown"),  # the SSE default is not a name the server gave
        ({"type": None}, "", "unknown"),
    ],
)
def test_an_unknown_event_type_is_always_a_string(
    data: dict[str, object], event: str, expected: str
) -> None:
    decoded = EventDecoder().decode(sse(data, event=event))
    assert isinstance(decoded, c.UnknownImageStreamingResponseData)
    assert decoded.type == expected
    assert decoded.model_extra == {k: v for k, v in data.items() if k != "type"}
