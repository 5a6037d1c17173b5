"""Error envelopes where a result is documented: in a 200 body, or as an SSE data event."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from httpx_sse import connect_sse

from openrouter.testing import FakeServer, Fault

Validate = Callable[[Any, str], None]

PROMPT = "a lighthouse at dusk"
CREDITS = "Insufficient credits. Add more using https://openrouter.ai/credits"


def call(client: httpx.Client, target: str) -> httpx.Response:
    """One request to each endpoint that documents a result."""
    if target == "generate":
        return client.post("/images", json={"model": "fake-labs/pixel-xl", "prompt": PROMPT})
    if target == "stream":
        body = {"model": "fake-labs/stream-diffusion", "prompt": PROMPT, "stream": True}
        return client.post("/images", json=body)
    if target == "models":
        return client.get("/images/models")
    return client.get("/images/models/fake-labs/pixel-xl/endpoints")


TARGETS = ["generate", "stream", "models", "endpoints"]


def stream(client: httpx.Client, model: str = "fake-labs/stream-diffusion") -> list[Any]:
    """The data events of a 200 SSE stream, decoded (``"[DONE]"`` kept as a string)."""
    body = {"model": model, "prompt": PROMPT, "stream": True}
    with connect_sse(client, "POST", "/images", json=body) as source:
        assert source.response.status_code == 200
        assert source.response.headers["content-type"] == "text/event-stream"
        return [
            sse.data if sse.data == "[DONE]" else json.loads(sse.data) for sse in source.iter_sse()
        ]


# Buffered: a 200 body that is an error envelope ------------------------------------------------


@pytest.mark.parametrize("target", TARGETS)
def test_envelope_code_answers_200_with_the_envelope(
    server: FakeServer, client: httpx.Client, validate: Validate, target: str
) -> None:
    server.inject(envelope=402)

    response = call(client, target)

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"  # even for a stream request
    assert response.json() == {"error": {"code": 402, "message": CREDITS}}
    validate(response.json(), "PaymentRequiredResponse")


@pytest.mark.parametrize("target", TARGETS)
def test_body_envelope_answers_200(server: FakeServer, client: httpx.Client, target: str) -> None:
    envelope = {"error": {"code": 429, "message": "Slow down", "metadata": {"retry_after": 2}}}
    server.inject(body=envelope)

    response = call(client, target)

    assert (response.status_code, response.json()) == (200, envelope)


def test_envelope_dict_with_a_status(server: FakeServer, client: httpx.Client) -> None:
    error = {"code": "server_error", "message": "Boom", "metadata": {"provider_name": "X"}}
    server.inject(envelope=error, status=500, headers={"X-Trace": "1"})
    server.inject(envelope=502)

    first = call(client, "generate")
    second = call(client, "generate")

    assert (first.status_code, first.json(), first.headers["x-trace"]) == (
        500,
        {"error": error},
        "1",
    )
    assert second.status_code == 200
    assert second.json() == {
        "error": {
            "code": 502,
            "message": "Provider returned error",
            "metadata": {"provider_name": "Fake Labs"},
        }
    }
    assert call(client, "generate").json()["data"]  # both faults used up


# Streamed: a bare error envelope as an SSE data event ------------------------------------------


def test_envelope_event_after_the_first_partial_image(
    server: FakeServer, client: httpx.Client
) -> None:
    server.inject(error_envelope_event=True)

    events = stream(client)

    assert len(events) == 2  # no completed image, no [DONE]
    assert events[0]["type"] == "image_generation.partial_image"
    assert events[1] == {
        "error": {
            "code": 502,
            "message": "Provider returned error",
            "metadata": {"provider_name": "Fake Labs"},
        }
    }


def test_envelope_event_as_the_very_first_event(
    server: FakeServer, client: httpx.Client, validate: Validate
) -> None:
    server.inject(error_envelope_event=429, error_after=0)

    events = stream(client)

    assert events == [
        {
            "error": {
                "code": 429,
                "message": "Rate limit exceeded",
                "metadata": {"provider_name": "Fake Labs"},
            }
        }
    ]
    validate(events[0], "TooManyRequestsResponse")


def test_custom_envelope_event_after_text_chunks(server: FakeServer, client: httpx.Client) -> None:
    error = {"code": 503, "message": "No capacity", "metadata": {"raw": "overloaded"}}
    server.inject(error_envelope_event=error, error_after=2)

    events = stream(client, "fake-labs/vector-1")

    assert [e.get("phase") for e in events[:3]] == ["reasoning", "content", "content"]
    assert events[3:] == [{"error": error}]


@pytest.mark.parametrize(("after", "partials"), [(0, 0), (1, 1), (2, 2), (5, 2)])
def test_error_after_places_the_spec_error_event(
    server: FakeServer, client: httpx.Client, after: int, partials: int
) -> None:
    server.inject(error_event=True, error_after=after)

    events = stream(client)

    assert [e["type"] for e in events] == ["image_generation.partial_image"] * partials + ["error"]


def test_envelope_event_is_ignored_by_buffered_answers(
    server: FakeServer, client: httpx.Client
) -> None:
    server.inject(error_envelope_event=True)

    response = call(client, "generate")  # pixel-xl: no stream, so no stream error either

    assert response.status_code == 200
    assert len(response.json()["data"]) == 1
    assert server.faults == []


# Configuring envelopes -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"envelope": 99}, "envelope must be"),
        ({"envelope": "402"}, "envelope must be"),
        ({"envelope": True}, "envelope must be"),
        ({"envelope": 402, "body": "x"}, "envelope can't be combined"),
        ({"envelope": 402, "html": True}, "envelope can't be combined"),
        ({"error_envelope_event": "yes"}, "error_envelope_event must be"),
        ({"error_envelope_event": 600}, "error_envelope_event must be"),
        ({"error_event": True, "error_envelope_event": True}, "can't be combined"),
        ({"error_after": -1}, "error_after must be"),
        ({"error_after": 101}, "error_after must be"),
        ({"error_after": True}, "error_after must be"),
    ],
)
def test_invalid_envelope_faults_are_rejected(fields: dict[str, Any], problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        Fault(**fields)


def test_control_endpoint_accepts_envelope_fields(server: FakeServer, client: httpx.Client) -> None:
    with httpx.Client(base_url=server.url) as control:
        first = control.post("/_fake/faults", json={"envelope": 402})
        second = control.post(
            "/_fake/faults",
            json={"error_envelope_event": {"code": 429, "message": "m"}, "error_after": 0},
        )
        bad = control.post("/_fake/faults", json={"error_after": "soon"})

    assert first.json()["fault"]["envelope"] == 402
    assert second.json()["fault"]["error_after"] == 0
    assert bad.status_code == 400 and "error_after" in bad.json()["error"]["message"]
    assert call(client, "models").json() == {"error": {"code": 402, "message": CREDITS}}
    assert stream(client) == [{"error": {"code": 429, "message": "m"}}]
