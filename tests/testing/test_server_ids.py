"""The id headers: every answer under /api/v1 carries a unique ``x-request-id``, every
answer to ``POST /images`` an ``x-generation-id``, and the request log records both."""

from __future__ import annotations

import re

import httpx
import pytest

from openrouter.testing import FakeServer

BODY = {"model": "fake-labs/pixel-xl", "prompt": "a lighthouse"}
STREAM = {"model": "fake-labs/stream-diffusion", "prompt": "a fox", "stream": True}
REQUEST_ID = re.compile(r"req_[0-9a-f]{24}")
GENERATION_ID = re.compile(r"gen-\d{10}-[0-9a-f]{20}")


def test_every_answer_carries_its_ids(server: FakeServer, client: httpx.Client) -> None:
    answers = [
        client.post("/images", json=BODY),  # buffered
        client.post("/images", json=STREAM),  # a stream
        client.post("/images", json={**BODY, "n": 99}),  # a validation error
        client.get("/images/models"),
        client.get("/images/models/fake-labs/pixel-xl/endpoints"),
        client.get("/images/models/nobody/nothing/endpoints"),  # 404
        client.get("/nowhere"),  # no route
    ]
    assert [a.status_code for a in answers] == [200, 200, 400, 200, 200, 404, 404]
    assert answers[1].headers["content-type"].startswith("text/event-stream")
    log = server.requests
    for answer, entry in zip(answers, log, strict=True):
        assert REQUEST_ID.fullmatch(answer.headers["x-request-id"])
        assert entry.request_id == answer.headers["x-request-id"]
        assert entry.generation_id == answer.headers.get("x-generation-id")
        generates = (entry.method, entry.path) == ("POST", "/api/v1/images")
        assert (entry.generation_id is not None) == generates
        if entry.generation_id is not None:
            assert GENERATION_ID.fullmatch(entry.generation_id)
    assert len({entry.request_id for entry in log}) == len(log)  # unique per request
    assert entry.to_json()["request_id"] == entry.request_id
    assert log[0].to_json()["generation_id"] == log[0].generation_id


@pytest.mark.parametrize(
    "fault",
    [{"status": 429}, {"html": True}, {"envelope": 402}, {"error_event": True}],
)
def test_faults_answer_with_ids(
    server: FakeServer, client: httpx.Client, fault: dict[str, object]
) -> None:
    server.inject(**fault)
    answer = client.post("/images", json=STREAM)
    entry = server.last_request
    assert entry is not None
    assert answer.headers["x-request-id"] == entry.request_id
    assert answer.headers["x-generation-id"] == entry.generation_id


def test_a_fault_may_replace_the_ids(server: FakeServer, client: httpx.Client) -> None:
    server.inject(status=503, headers={"X-Request-Id": "req_mine", "x-generation-id": ""})
    answer = client.post("/images", json=BODY)
    assert answer.headers["x-request-id"] == "req_mine"
    assert answer.headers["x-generation-id"] == ""
    assert [v for k, v in answer.headers.multi_items() if k == "x-request-id"] == ["req_mine"]


def test_control_endpoints_carry_no_ids(server: FakeServer) -> None:
    with httpx.Client(base_url=server.url) as control:
        assert "x-request-id" not in control.get("/_fake/requests").headers
