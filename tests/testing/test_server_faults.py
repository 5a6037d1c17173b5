"""Fault injection: error statuses, delays, stream errors, dropped connections, matching."""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from httpx_sse import connect_sse

from openrouter.testing import FakeServer, Fault

Validate = Callable[[Any, str], None]

DROP_ERRORS = (httpx.RemoteProtocolError, httpx.ReadError)


def body(**fields: Any) -> dict[str, Any]:
    return {"model": "fake-labs/pixel-xl", "prompt": "a lighthouse at dusk", **fields}


def stream_body(model: str = "fake-labs/stream-diffusion", **fields: Any) -> dict[str, Any]:
    return {"model": model, "prompt": "a lighthouse at dusk", "stream": True, **fields}


# Error statuses ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "schema", "message"),
    [
        (400, "BadRequestResponse", "Invalid request parameters"),
        (401, "UnauthorizedResponse", "Missing Authentication header"),
        (402, "PaymentRequiredResponse", "Insufficient credits"),
        (403, "ForbiddenResponse", "Only management keys"),
        (404, "NotFoundResponse", "Resource not found"),
        (413, "PayloadTooLargeResponse", "Request payload too large"),
        (429, "TooManyRequestsResponse", "Rate limit exceeded"),
        (500, "InternalServerResponse", "Internal Server Error"),
        (502, "BadGatewayResponse", "Provider returned error"),
        (524, "EdgeNetworkTimeoutResponse", "Request timed out. Please try again later."),
        (529, "ProviderOverloadedResponse", "Provider returned error"),
    ],
)
def test_status_fault_uses_the_spec_envelope(
    server: FakeServer,
    client: httpx.Client,
    validate: Validate,
    status: int,
    schema: str,
    message: str,
) -> None:
    server.inject(status=status)

    response = client.post("/images", json=body())

    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    validate(response.json(), schema)
    assert response.json()["error"]["code"] == status
    assert response.json()["error"]["message"].startswith(message)


def test_status_fault_with_retry_after_header(server: FakeServer, client: httpx.Client) -> None:
    server.inject(status=429, headers={"Retry-After": "1", "retry-after-ms": "150"})

    response = client.post("/images", json=body())

    assert response.status_code == 429
    assert response.headers["retry-after"] == "1"
    assert response.headers["retry-after-ms"] == "150"


def test_times_fails_n_requests_then_succeeds(server: FakeServer, client: httpx.Client) -> None:
    fault = server.inject(status=503, times=2)

    statuses = [client.post("/images", json=body()).status_code for _ in range(3)]

    assert statuses == [503, 503, 200]
    assert fault.times == 0
    assert server.faults == []


def test_times_none_fails_forever(server: FakeServer, client: httpx.Client) -> None:
    server.inject(status=500, times=None)

    statuses = [client.post("/images", json=body()).status_code for _ in range(4)]

    assert statuses == [500] * 4
    assert len(server.faults) == 1


def test_faults_apply_in_order(server: FakeServer, client: httpx.Client) -> None:
    server.inject(status=502)
    server.inject(status=529)

    statuses = [client.post("/images", json=body()).status_code for _ in range(3)]

    assert statuses == [502, 529, 200]


def test_faults_apply_before_authentication_and_validation(
    server: FakeServer, anonymous: httpx.Client
) -> None:
    server.inject(status=503, times=2)

    assert anonymous.post("/images", json=body()).status_code == 503
    assert anonymous.post("/images", content=b"{broken").status_code == 503
    assert anonymous.post("/images", json=body()).status_code == 401


def test_body_and_content_type_overrides(server: FakeServer, client: httpx.Client) -> None:
    server.inject(status=400, body={"error": {"code": 400, "message": "custom", "metadata": {}}})
    server.inject(status=200, body="{not json")
    server.inject(status=503, body="upstream unavailable", content_type="text/plain")

    custom = client.post("/images", json=body())
    broken = client.post("/images", json=body())
    plain = client.post("/images", json=body())

    assert custom.json() == {"error": {"code": 400, "message": "custom", "metadata": {}}}
    assert (broken.status_code, broken.text) == (200, "{not json")
    assert broken.headers["content-type"] == "application/json"
    assert (plain.status_code, plain.text) == (503, "upstream unavailable")
    assert plain.headers["content-type"] == "text/plain"


def test_html_error_page(server: FakeServer, client: httpx.Client) -> None:
    server.inject(html=True)
    server.inject(html=True, status=502)

    timeout_page = client.post("/images", json=body())
    gateway_page = client.post("/images", json=body())

    assert timeout_page.status_code == 524
    assert timeout_page.headers["content-type"].startswith("text/html")
    assert "<title>openrouter.ai | 524: A timeout occurred</title>" in timeout_page.text
    assert gateway_page.status_code == 502
    assert "<title>openrouter.ai | 502:" in gateway_page.text


# Delays -------------------------------------------------------------------------------------


def test_delay_triggers_a_client_read_timeout(server: FakeServer, client: httpx.Client) -> None:
    server.inject(delay=2)

    with pytest.raises(httpx.ReadTimeout):
        client.post("/images", json=body(), timeout=0.2)
    assert client.post("/images", json=body()).status_code == 200


def test_delay_without_status_delays_a_normal_response(
    server: FakeServer, client: httpx.Client
) -> None:
    server.inject(delay=0.3)

    started = time.monotonic()
    response = client.post("/images", json=body())

    assert response.status_code == 200
    assert time.monotonic() - started >= 0.3


def test_delay_with_status(server: FakeServer, client: httpx.Client) -> None:
    server.inject(status=524, delay=0.2)

    started = time.monotonic()
    response = client.post("/images", json=body())

    assert response.status_code == 524
    assert time.monotonic() - started >= 0.2


def test_event_delay_spaces_stream_events(server: FakeServer, client: httpx.Client) -> None:
    server.inject(event_delay=0.2)

    arrivals: list[tuple[float, str]] = []
    started = time.monotonic()
    with client.stream("POST", "/images", json=stream_body()) as response:
        for line in response.iter_lines():
            if line:
                arrivals.append((time.monotonic() - started, line))

    data = [(t, line) for t, line in arrivals if line.startswith("data: ")]
    assert len(data) == 4  # 2 partial images, completed, [DONE]
    gaps = [later[0] - earlier[0] for earlier, later in itertools.pairwise(data)]
    assert all(gap >= 0.15 for gap in gaps), gaps
    comments = [line for _, line in arrivals if line == ": OPENROUTER PROCESSING"]
    assert len(comments) == 2 + 3  # two at the start, one in each gap


def test_delay_ends_when_the_client_gives_up(server: FakeServer, client: httpx.Client) -> None:
    server.inject(delay=30)
    with pytest.raises(httpx.ReadTimeout):
        client.post("/images", json=body(), timeout=0.1)

    # The server is not stuck: the next request is served at once.
    assert client.post("/images", json=body(), timeout=2).status_code == 200


# Stream errors ------------------------------------------------------------------------------


def test_error_event_ends_the_stream(
    server: FakeServer, client: httpx.Client, validate: Validate
) -> None:
    server.inject(error_event=True)

    with connect_sse(client, "POST", "/images", json=stream_body()) as source:
        data = [sse.data for sse in source.iter_sse()]

    assert len(data) == 2  # the first partial image, then the error; no [DONE]
    assert json.loads(data[0])["type"] == "image_generation.partial_image"
    error = json.loads(data[1])
    validate(error, "ImageGenStreamErrorEvent")
    assert error == {
        "type": "error",
        "error": {
            "code": "upstream_error",
            "message": "The upstream provider returned an error",
            "param": None,
            "type": "provider_error",
        },
    }


def test_custom_error_event_after_the_first_text_chunk(
    server: FakeServer, client: httpx.Client, validate: Validate
) -> None:
    custom = {"code": "content_filter", "message": "Blocked", "param": "prompt", "type": None}
    server.inject(error_event=custom)

    with connect_sse(client, "POST", "/images", json=stream_body("fake-labs/vector-1")) as source:
        events = [json.loads(sse.data) for sse in source.iter_sse()]

    assert [e.get("phase") for e in events[:2]] == ["reasoning", "content"]
    assert events[2] == {"type": "error", "error": custom}
    validate(events[2], "ImageGenStreamErrorEvent")
    assert len(events) == 3


@pytest.mark.parametrize("count", [0, 1, 3])
def test_partial_images_count(server: FakeServer, client: httpx.Client, count: int) -> None:
    server.inject(partial_images=count)

    with connect_sse(client, "POST", "/images", json=stream_body()) as source:
        data = [sse.data for sse in source.iter_sse()]

    partial = [json.loads(d) for d in data[:-2]]
    assert [p["partial_image_index"] for p in partial] == list(range(count))
    assert json.loads(data[-2])["type"] == "image_generation.completed"
    assert data[-1] == "[DONE]"


# Dropped connections -------------------------------------------------------------------------


def read_into(buffer: bytearray, chunks: Iterator[bytes]) -> None:
    for chunk in chunks:
        buffer += chunk


def test_drop_before_headers(server: FakeServer, client: httpx.Client) -> None:
    server.inject(drop="before-headers")

    with pytest.raises(DROP_ERRORS):
        client.post("/images", json=body())
    assert client.post("/images", json=body()).status_code == 200


def test_drop_mid_body_is_not_a_silent_truncation(server: FakeServer, client: httpx.Client) -> None:
    server.inject(drop="mid-body")

    with client.stream("POST", "/images", json=body()) as response:
        assert response.status_code == 200
        announced = int(response.headers["content-length"])
        received = bytearray()
        with pytest.raises(DROP_ERRORS):
            read_into(received, response.iter_bytes())
    assert 0 < len(received) < announced
    assert client.post("/images", json=body()).status_code == 200


def test_drop_mid_body_with_a_plain_post(server: FakeServer, client: httpx.Client) -> None:
    server.inject(drop="mid-body", status=500)

    with pytest.raises(DROP_ERRORS):
        client.post("/images", json=body())


def test_drop_mid_stream_raises_during_iteration(server: FakeServer, client: httpx.Client) -> None:
    server.inject(drop="mid-stream")

    received: list[str] = []
    with connect_sse(client, "POST", "/images", json=stream_body()) as source:
        assert source.response.status_code == 200
        with pytest.raises(DROP_ERRORS):
            received.extend(sse.data for sse in source.iter_sse())
    assert len(received) == 1
    assert json.loads(received[0])["type"] == "image_generation.partial_image"
    assert client.post("/images", json=body()).status_code == 200


def test_drop_on_an_async_client(server: FakeServer) -> None:
    import asyncio

    server.inject(drop="mid-body", times=None)

    async def call() -> None:
        async with httpx.AsyncClient(
            base_url=server.base_url, headers={"Authorization": f"Bearer {server.api_key}"}
        ) as http:
            with pytest.raises(DROP_ERRORS):
                await http.post("/images", json=body())

    asyncio.run(call())


# Matching --------------------------------------------------------------------------------------


def test_per_model_fault(server: FakeServer, client: httpx.Client) -> None:
    server.inject(status=529, model="fake-labs/stream-diffusion")

    other = client.post("/images", json=body())
    assert other.status_code == 200
    assert len(server.faults) == 1  # not consumed by a request for another model
    target = client.post("/images", json=body(model="fake-labs/stream-diffusion"))
    assert target.status_code == 529


def test_per_model_fault_on_endpoints_lookup(server: FakeServer, client: httpx.Client) -> None:
    server.inject(status=500, model="fake-labs/vector-1", times=None)

    assert client.get("/images/models/fake-labs/pixel-xl/endpoints").status_code == 200
    assert client.get("/images/models/fake-labs/vector-1/endpoints").status_code == 500


def test_path_images_only_matches_generation(server: FakeServer, client: httpx.Client) -> None:
    server.inject(status=500, path="/images", times=None)

    assert client.get("/images/models").status_code == 200
    assert client.get("/images/models/fake-labs/pixel-xl/endpoints").status_code == 200
    assert client.post("/images", json=body()).status_code == 500


def test_path_prefix_matches_discovery(server: FakeServer, client: httpx.Client) -> None:
    server.inject(status=500, path="/images/models", times=None)

    assert client.post("/images", json=body()).status_code == 200
    assert client.get("/images/models").status_code == 500
    assert client.get("/images/models/fake-labs/pixel-xl/endpoints").status_code == 500


def test_path_with_api_prefix_and_method_filter(server: FakeServer, client: httpx.Client) -> None:
    server.inject(status=500, path="/api/v1/images/models", method="post", times=None)

    assert client.get("/images/models").status_code == 200
    assert client.post("/images/models").status_code == 500


def test_header_fault_applies_to_one_request_only(server: FakeServer, client: httpx.Client) -> None:
    server.inject(status=502)
    header = json.dumps({"status": 429, "headers": {"Retry-After": "3"}})

    first = client.post("/images", json=body(), headers={"X-Fake-Fault": header})
    second = client.post("/images", json=body())
    third = client.post("/images", json=body())

    assert (first.status_code, first.headers["retry-after"]) == (429, "3")
    assert second.status_code == 502  # the injected fault was left for the next request
    assert third.status_code == 200


def test_header_fault_can_drop(client: httpx.Client) -> None:
    with pytest.raises(DROP_ERRORS):
        client.post("/images", json=body(), headers={"X-Fake-Fault": '{"drop": "mid-body"}'})


@pytest.mark.parametrize("header", ["not json", "[1]", '{"colour": "red"}', '{"drop": "later"}'])
def test_invalid_header_fault_is_a_400(client: httpx.Client, header: str) -> None:
    response = client.post("/images", json=body(), headers={"X-Fake-Fault": header})

    assert response.status_code == 400
    assert "X-Fake-Fault" in response.json()["error"]["message"]


# The Fault type and the control endpoints ------------------------------------------------------


def test_inject_accepts_a_fault_instance(server: FakeServer, client: httpx.Client) -> None:
    fault = Fault(status=418)

    assert server.inject(fault) is fault
    assert client.post("/images", json=body()).status_code == 418
    with pytest.raises(TypeError):
        server.inject(Fault(), status=500)


@pytest.mark.parametrize(
    "fields",
    [
        {"drop": "sideways"},
        {"status": 42},
        {"times": 0},
        {"delay": -1},
        {"partial_images": 11},
        {"headers": {"Retry-After": 1}},
        {"error_event": "yes"},
        {"body": 5},
        {"html": "true"},
    ],
)
def test_invalid_faults_are_rejected(fields: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=next(iter(fields))):
        Fault(**fields)


def test_control_endpoints(server: FakeServer, client: httpx.Client) -> None:
    control = httpx.Client(base_url=server.url)
    with control:
        created = control.post("/_fake/faults", json={"status": 503, "times": 2})
        assert created.status_code == 200
        fault_id = created.json()["id"]
        listed = control.get("/_fake/faults").json()["faults"]
        assert [(f["id"], f["status"], f["times"]) for f in listed] == [(fault_id, 503, 2)]
        assert server.faults[0].id == fault_id

        # Control endpoints are neither faulted nor recorded.
        assert control.get("/_fake/requests").json() == {"requests": []}
        assert client.post("/images", json=body(), params={"trace": "1"}).status_code == 503

        log = control.get("/_fake/requests").json()["requests"]
        assert len(log) == 1
        assert log[0]["method"] == "POST"
        assert log[0]["path"] == "/api/v1/images"
        assert log[0]["query"] == {"trace": "1"}
        assert log[0]["json"] == body()
        assert json.loads(log[0]["body"]) == body()
        assert log[0]["headers"]["authorization"] == f"Bearer {server.api_key}"

        bad = control.post("/_fake/faults", json={"drop": "sideways"})
        assert bad.status_code == 400
        assert "drop" in bad.json()["error"]["message"]

        assert control.post("/_fake/reset").json() == {"ok": True}
        assert server.faults == []
        assert server.requests == []
    assert client.post("/images", json=body()).status_code == 200
