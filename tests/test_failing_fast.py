"""When nothing answers, say so fast; when the server says whether to retry, listen."""

from __future__ import annotations

import socket
import time

import httpx
import pytest

from openrouter import errors
from openrouter._retry import UNREACHABLE_RETRIES, RetryPolicy
from openrouter.testing import FakeServer
from openrouter.utils import BackoffStrategy, RetryConfig

from .conftest import FAST_RETRY, Api

pytestmark = pytest.mark.anyio
PIXEL = "fake-labs/pixel-xl"


def free_port() -> int:
    with socket.socket() as sock:  # a port that nothing listens on once closed
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_default_policy_gives_up_quickly_when_nothing_answers() -> None:
    policy = RetryPolicy(None, idempotent=True)
    refused = httpx.ConnectError("refused")
    waits = [policy.delay_for_error(refused) for _ in range(UNREACHABLE_RETRIES + 1)]
    assert waits[-1] is None and all(w is not None for w in waits[:-1])
    assert sum(w for w in waits if w is not None) < 1.0


def test_a_dropped_connection_still_gets_the_full_backoff() -> None:
    policy = RetryPolicy(None, idempotent=True)
    waits = [policy.delay_for_error(httpx.RemoteProtocolError("closed")) for _ in range(5)]
    assert all(w is not None for w in waits)


def test_a_configured_policy_is_followed_for_refused_connections() -> None:
    config = RetryConfig("backoff", BackoffStrategy(1, 1, 1.0, 60_000), True)
    policy = RetryPolicy(config, idempotent=False)
    assert all(policy.delay_for_error(httpx.ConnectError("x")) is not None for _ in range(10))


@pytest.mark.parametrize(
    ("status", "header", "retried"),
    [(503, "false", False), (429, "FALSE", False), (400, "true", True), (409, "true", True)],
)
def test_x_should_retry_overrides_the_status(status: int, header: str, retried: bool) -> None:
    policy = RetryPolicy(None, idempotent=False)
    delay = policy.delay_for_status(status, httpx.Headers({"x-should-retry": header}))
    assert (delay is not None) is retried


def test_x_should_retry_does_not_override_strategy_none() -> None:
    policy = RetryPolicy(RetryConfig("none"), idempotent=True)
    assert policy.delay_for_status(400, httpx.Headers({"x-should-retry": "true"})) is None


async def test_a_wrong_port_fails_within_two_seconds(make_api) -> None:  # type: ignore[no-untyped-def]
    url = f"http://127.0.0.1:{free_port()}/api/v1"
    client = make_api(server_url=url, retry_config=None)  # the default policy
    started = time.monotonic()
    with pytest.raises(errors.APIConnectionError) as info:
        await client.generate(model=PIXEL, prompt="x")
    assert time.monotonic() - started < 2.0
    message = str(info.value)
    assert f"POST {url}/images: could not connect" in message
    assert "(3 attempts)" in message and "check server_url" in message


async def test_an_unknown_host_fails_within_two_seconds(make_api) -> None:  # type: ignore[no-untyped-def]
    client = make_api(server_url="http://no-such-host.invalid/api/v1", retry_config=None)
    started = time.monotonic()
    with pytest.raises(errors.APIConnectionError, match="no-such-host.invalid.*check server_url"):
        await client.list_models()
    assert time.monotonic() - started < 5.0  # the resolver's own time, plus under a second


async def test_a_connection_dropped_before_the_answer_is_still_retried(
    make_api,  # type: ignore[no-untyped-def]
    fake: FakeServer,
) -> None:
    client = make_api(retry_config=None)  # the default policy
    fake.inject(drop="before-headers", times=1)
    res = await client.generate(model=PIXEL, prompt="x")
    assert res.data and len(fake.requests) == 2


async def test_server_says_retry_a_409(api: Api, fake: FakeServer) -> None:
    fake.inject(status=409, headers={"x-should-retry": "true"}, times=1)
    res = await api.generate(model=PIXEL, prompt="x")
    assert res.data and len(fake.requests) == 2


async def test_server_says_do_not_retry_a_503(api: Api, fake: FakeServer) -> None:
    fake.inject(status=503, headers={"x-should-retry": "false"}, times=None)
    with pytest.raises(errors.APIStatusError) as info:
        await api.generate(model=PIXEL, prompt="x", retries=FAST_RETRY)
    assert info.value.status_code == 503 and len(fake.requests) == 1
