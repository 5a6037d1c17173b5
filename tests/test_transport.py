"""The send loops' shared decisions (``_transport.Call``) and what a call leaves behind."""

from __future__ import annotations

import gc
import logging
import weakref
from typing import Any

import httpx
import pytest

import openrouter
from openrouter._request import RequestSpec
from openrouter._transport import Call, Lifeline
from openrouter.testing import FakeServer
from openrouter.utils import RetryConfig

PIXEL = "fake-labs/pixel-xl"
LOG = logging.getLogger("test")


def spec(**kw: Any) -> RequestSpec:
    fields: dict[str, Any] = {
        "method": "POST",
        "url": "http://127.0.0.1:9/api/v1/images",
        "headers": {},
        "json": {"model": "a/b", "prompt": "x"},
        "timeout": httpx.Timeout(1.0),
        "retry_config": None,
        "stream": False,
        "idempotent": False,
        "secret": "sk-or-v1-" + "0" * 40,
    }
    fields.update(kw)
    return RequestSpec(**fields)


def test_a_call_decides_and_the_loop_only_moves_bytes() -> None:
    with httpx.Client() as client:
        call = Call(client, spec(), logging.getLogger("t"), Lifeline(), None, own_pool=True)
        request = call.start()
        assert request.extensions["trace"] == call.lifeline.trace
        busy = httpx.Response(503, request=request)
        assert call.after_response(busy) is not None  # retried: 5XX
        assert call.after_response(httpx.Response(200, request=request)) is None
        assert call.after_response(httpx.Response(400, request=request)) is None  # raised later
        wait = call.after_error(httpx.ConnectError("refused", request=request), None)
        assert 0 < wait < 1
        ok = httpx.Response(200, request=request)
        with pytest.raises(openrouter.errors.APIConnectionError):  # paid, never retried
            call.after_error(httpx.RemoteProtocolError("cut", request=request), ok)


def test_a_closed_client_ends_the_call() -> None:
    with httpx.Client() as client:
        lifeline = Lifeline()
        call = Call(client, spec(retry_config=RetryConfig("none")), LOG, lifeline, None, True)
        lifeline.close()
        with pytest.raises(openrouter.errors.ClientClosedError):
            call.start()
        with pytest.raises(openrouter.errors.ClientClosedError):
            call.after_error(RuntimeError("closed"), None)


def test_the_body_does_not_outlive_the_call(fake: FakeServer) -> None:
    seen: list[weakref.ref[httpx.Response]] = []

    def keep(response: httpx.Response) -> None:
        seen.append(weakref.ref(response))

    with (
        httpx.Client(event_hooks={"response": [keep]}) as pool,
        openrouter.OpenRouter(
            api_key=fake.api_key, server_url=fake.base_url, client=pool
        ) as client,
    ):
        gc.collect()
        gc.disable()  # what frees the body must be reference counting, not the collector
        try:
            res = client.images.generate(model=PIXEL, prompt="x")
            assert res.data[0].to_bytes()
            assert seen and seen[0]() is None, "the response (and its body) is still alive"
        finally:
            gc.enable()
