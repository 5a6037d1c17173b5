"""Spec drift over real sockets: buffered answers, stream events and discovery listings.

Each test fetches the same request with and without drift: the server is deterministic
for a request, so the drifted answer must be exactly the drift of the clean one (the
pure functions are pinned down field by field in ``test_drift.py``) and its images must
be byte-identical. Only ``created`` depends on the clock, so the clean answer is fetched
before and after the drifted one until both fall in the same second.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

import httpx
import pytest
from httpx_sse import connect_sse

from openrouter.testing import FakeServer, Fault
from openrouter.testing._drift import DRIFT_KINDS, drift_catalogue, drift_generation

T = TypeVar("T")

PROMPT = "a lighthouse at dusk"


def same(actual: Any, expected: Any) -> None:
    """Equal JSON, types included (12.0 != 12)."""
    assert json.dumps(actual, sort_keys=True) == json.dumps(expected, sort_keys=True)


def fault_header(**fields: Any) -> dict[str, str]:
    return {"X-Fake-Fault": json.dumps(fields)} if fields else {}


def generate(client: httpx.Client, **fault: Any) -> dict[str, Any]:
    """A buffered generation of two images; ``fault`` fields go in ``X-Fake-Fault``."""
    body = {"model": "fake-labs/pixel-xl", "prompt": PROMPT, "n": 2, "seed": 7}
    response = client.post("/images", json=body, headers=fault_header(**fault))
    assert response.status_code == 200
    return dict(response.json())


def stream(client: httpx.Client, model: str, **fault: Any) -> list[Any]:
    """The data events of a stream, decoded (``"[DONE]"`` kept as a string)."""
    body = {"model": model, "prompt": PROMPT, "stream": True, "seed": 7}
    with connect_sse(client, "POST", "/images", json=body, headers=fault_header(**fault)) as source:
        assert source.response.headers["content-type"] == "text/event-stream"
        return [
            sse.data if sse.data == "[DONE]" else json.loads(sse.data) for sse in source.iter_sse()
        ]


def around(
    clean: Callable[[], T], drifted: Callable[[], T], second: Callable[[T], Any]
) -> tuple[T, T]:
    """A clean and a drifted answer generated within the same second."""
    for _ in range(5):
        before, answer, after = clean(), drifted(), clean()
        if second(before) == second(after):
            return before, answer
    raise AssertionError("the clock kept moving between requests")


def completed_second(events: list[Any]) -> Any:
    return [e["created"] for e in events if e != "[DONE]" and "created" in e]


def images(events: list[Any]) -> list[tuple[str, Any]]:
    """What a client must hand over from a stream: every image and text chunk."""
    keep = ("b64_json", "partial_image_index", "media_type", "text")
    return [
        (event["type"], {key: event[key] for key in keep if key in event})
        for event in events
        if event != "[DONE]"
    ]


# Generation ----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", DRIFT_KINDS)
def test_buffered_answer(client: httpx.Client, kind: str) -> None:
    clean, drifted = around(
        lambda: generate(client), lambda: generate(client, drift=kind), lambda r: r["created"]
    )

    assert [(d["b64_json"], d["media_type"]) for d in drifted["data"]] == [
        (d["b64_json"], d["media_type"]) for d in clean["data"]
    ]
    same(drifted, drift_generation(clean, [kind]))
    assert json.dumps(drifted) != json.dumps(clean)


@pytest.mark.parametrize("model", ["fake-labs/stream-diffusion", "fake-labs/vector-1"])
@pytest.mark.parametrize("kind", DRIFT_KINDS)
def test_stream_events(client: httpx.Client, kind: str, model: str) -> None:
    clean, drifted = around(
        lambda: stream(client, model), lambda: stream(client, model, drift=kind), completed_second
    )

    assert images(drifted) == images(clean)
    assert drifted[-1] == clean[-1] == "[DONE]"
    same(drifted[:-1], [drift_generation(event, [kind]) for event in clean[:-1]])
    assert json.dumps(drifted[-2]) != json.dumps(clean[-2])  # the completed event


def test_injected_kinds_apply_in_order(server: FakeServer, client: httpx.Client) -> None:
    server.inject(drift=["nulls", "renamed"])

    drifted, clean = generate(client), generate(client)  # the fault is used up at once

    assert "created" not in drifted and drifted["created_at"] is None
    cost = clean["usage"]["cost"]
    same(drifted["usage"], {"input_tokens": None, "output_tokens": None, "total_cost": cost})


def test_drift_spares_errors(server: FakeServer, client: httpx.Client) -> None:
    server.inject(drift=list(DRIFT_KINDS), times=2)
    body = {"model": "fake-labs/pixel-xl", "prompt": PROMPT}

    invalid = client.post("/images", json={"model": "fake-labs/pixel-xl"})
    unknown = client.get("/images/models/nobody/nothing/endpoints")
    # With a status, the fault answers its error envelope as is.
    limited = client.post("/images", json=body, headers=fault_header(drift="renamed", status=429))

    assert invalid.status_code == 400
    assert invalid.json() == {"error": {"code": 400, "message": "Missing required field 'prompt'"}}
    assert unknown.json() == {"error": {"code": 404, "message": "Model 'nobody/nothing' not found"}}
    assert limited.json() == {"error": {"code": 429, "message": "Rate limit exceeded"}}
    assert server.faults == []


def test_drift_with_a_stream_error_event(client: httpx.Client) -> None:
    events = stream(client, "fake-labs/stream-diffusion", drift="unknown-fields", error_event=True)

    assert events[0]["provider"] == {"name": "Fake Labs", "x_route": {"attempt": 1}}
    assert events[1]["type"] == "error" and "provider" not in events[1]
    assert len(events) == 2


# Discovery -----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", DRIFT_KINDS)
@pytest.mark.parametrize(
    "path",
    ["/images/models", "/images/models/fake-labs/pixel-xl/endpoints"],
    ids=["list", "endpoints"],
)
def test_discovery(server: FakeServer, client: httpx.Client, kind: str, path: str) -> None:
    clean = client.get(path).json()
    server.inject(drift=kind, path=path)

    drifted = client.get(path).json()

    same(drifted, drift_catalogue(clean, [kind]))
    if not (kind == "float-integers" and path.endswith("endpoints")):  # no integers there
        assert json.dumps(drifted) != json.dumps(clean)
    same(client.get(path).json(), clean)  # once only (times=1)


def test_renamed_listing_on_the_wire(server: FakeServer, client: httpx.Client) -> None:
    server.inject(drift="renamed", times=2)

    models = client.get("/images/models").json()["data"]
    endpoint = client.get("/images/models/fake-labs/pixel-xl/endpoints").json()["endpoints"][0]

    assert all("streaming" in m and "supports_streaming" not in m for m in models)
    assert endpoint["prices"][0] == {"billable": "output_image", "unit": "image", "cost_usd": 0.04}
    assert "pricing" not in endpoint and endpoint["streaming"] is False


# Configuring drift ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "drift", ["sideways", ["nulls", "Nulls"], 5, {"nulls": True}, ["nulls", 3]]
)
def test_unknown_kinds_are_rejected(drift: Any) -> None:
    with pytest.raises(ValueError, match="drift must be one or a list of float-integers, ") as info:
        Fault(drift=drift)
    assert all(kind in str(info.value) for kind in DRIFT_KINDS)


def test_drift_kinds_of_a_fault() -> None:
    assert Fault().drift_kinds == ()
    assert Fault(drift="nulls").drift_kinds == ("nulls",)
    assert Fault(drift=["renamed", "nulls"]).drift_kinds == ("renamed", "nulls")
    assert not Fault(drift="nulls").responds  # drift changes the answer, doesn't replace it


def test_control_endpoint_accepts_drift(server: FakeServer, client: httpx.Client) -> None:
    with httpx.Client(base_url=server.url) as control:
        created = control.post("/_fake/faults", json={"drift": ["missing", "objects"]})
        bad = control.post("/_fake/faults", json={"drift": "sideways"})

    assert created.status_code == 200
    assert created.json()["fault"]["drift"] == ["missing", "objects"]
    assert server.faults[0].drift_kinds == ("missing", "objects")
    assert bad.status_code == 400
    assert "drift must be one or a list of float-integers" in bad.json()["error"]["message"]
    drifted, clean = generate(client), generate(client)
    assert "created" not in drifted
    assert drifted["usage"] == {"cost": {"amount": clean["usage"]["cost"], "currency": "USD"}}


def test_header_fault_with_an_unknown_kind_is_a_400(client: httpx.Client) -> None:
    body = {"model": "fake-labs/pixel-xl", "prompt": PROMPT}
    response = client.post("/images", json=body, headers=fault_header(drift="sideways"))

    assert response.status_code == 400
    assert "renamed" in response.json()["error"]["message"]
