"""Lifecycle over real sockets: closing with calls in flight, event loops that end badly,
forked processes, and the API key in errors that are pickled or logged."""

from __future__ import annotations

import asyncio
import gc
import io
import logging
import multiprocessing
import pickle
import socket
import threading
import time
import traceback
import warnings
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

import openrouter
from openrouter import _transport, errors
from openrouter.testing import FakeServer
from openrouter.utils import RetryConfig

from .conftest import FAST_RETRY, Api

pytestmark = pytest.mark.anyio
PIXEL = "fake-labs/pixel-xl"
STREAMING = "fake-labs/stream-diffusion"
#: A key of a realistic length (the redaction leaves keys of a few characters alone).
KEY = "sk-or-v1-" + "4f3a9c1e7b2d8a60" * 4


# --------------------------------------------------------------------------------------
# Closing a client while calls are in flight


async def _close_during(api: Api, call: Callable[[], Awaitable[Any]], after: float = 0.3) -> float:
    """Run ``call``, closing the client ``after`` seconds into it (from another thread for
    the sync client, from another task for the async one); return how long the call took."""
    started = time.monotonic()
    if api.mode == "sync":
        closer = threading.Timer(after, api.client.close)
        closer.start()
        try:
            with pytest.raises(errors.ClientClosedError, match="closed while"):
                await call()  # blocks this thread: the timer closes from its own
        finally:
            closer.join()
    else:

        async def close_later() -> None:
            await asyncio.sleep(after)
            await api.client.close()

        task = asyncio.create_task(close_later())
        with pytest.raises(errors.ClientClosedError, match="closed while"):
            await call()
        await task
    return time.monotonic() - started


async def test_close_ends_a_call_in_flight(api: Api, fake: FakeServer) -> None:
    fake.inject(delay=5)  # the answer would take 5 s: the call is blocked reading
    took = await _close_during(api, lambda: api.generate(model=PIXEL, prompt="x"))
    assert took < 2
    with pytest.raises(errors.ClientClosedError):  # and stays closed
        await api.list_models()


async def test_close_ends_a_wait_before_a_retry(api: Api, fake: FakeServer) -> None:
    fake.inject(status=503, headers={"Retry-After": "3"}, path="/images/models")
    took = await _close_during(api, api.list_models)
    assert took < 2
    assert len(fake.requests) == 1  # no attempt after the close


async def test_close_ends_a_stream_being_read(api: Api, fake: FakeServer) -> None:
    fake.inject(event_delay=5)  # the first event comes at once, the next one in 5 s
    stream = await api.open_stream(model=STREAMING, prompt="x")

    async def read_on() -> list[Any]:
        if api.mode == "sync":
            return list(stream)
        return [event async for event in stream]

    if api.mode == "sync":
        assert next(stream)
    else:
        assert await stream.__anext__()
    took = await _close_during(api, read_on)
    assert took < 2


@pytest.mark.parametrize("closer", ["thread", "task"])
async def test_sync_client_close_ends_its_async_calls_in_flight(
    fake: FakeServer, closer: str
) -> None:
    fake.inject(delay=5)
    client = openrouter.OpenRouter(api_key=KEY, server_url=fake.base_url)
    if closer == "thread":
        timer = threading.Timer(0.3, client.close)
        timer.start()
    else:  # close() called by another task of the same event loop
        asyncio.get_running_loop().call_later(0.3, client.close)
    started = time.monotonic()
    with pytest.raises(errors.ClientClosedError, match="closed while"):
        await client.images.generate_async(model=PIXEL, prompt="x")
    assert time.monotonic() - started < 2
    if closer == "thread":
        timer.join()
    await client.aclose()


async def test_your_async_httpx_client_closed_under_a_call(fake: FakeServer) -> None:
    fake.inject(delay=5)
    async with httpx.AsyncClient() as http:
        client = openrouter.AsyncOpenRouter(
            api_key=KEY, server_url=fake.base_url, async_client=http, retry_config=FAST_RETRY
        )

        async def close_later() -> None:
            await asyncio.sleep(0.3)
            await http.aclose()

        task = asyncio.create_task(close_later())
        started = time.monotonic()
        with pytest.raises(errors.ClientClosedError, match="httpx client"):
            await client.images.list_models()  # not retried on the closed pool
        assert time.monotonic() - started < 2
        await task


def test_your_httpx_client_closed_under_a_call(fake: FakeServer) -> None:
    # Closing a socket does not wake a thread reading it: the 503 (or a read error) arrives
    # after the delay, and the retry finds the httpx client closed.
    fake.inject(status=503, delay=0.5, path="/images/models")
    with httpx.Client() as http:
        client = openrouter.OpenRouter(
            api_key=KEY, server_url=fake.base_url, client=http, retry_config=FAST_RETRY
        )
        closer = threading.Timer(0.2, http.close)
        closer.start()
        with pytest.raises(errors.ClientClosedError, match="httpx client"):
            client.images.list_models()
        closer.join()
    assert len(fake.requests) == 1


def test_a_connection_made_while_closing_is_shut_down_too() -> None:
    # close() may run between a connect and the trace callback that reports it.
    class Stream:  # an httpcore network stream, as far as the lifeline is concerned
        def __init__(self, sock: socket.socket) -> None:
            self.sock = sock

        def get_extra_info(self, name: str) -> Any:
            return self.sock if name == "socket" else None

    ours, peer = socket.socketpair()
    with ours, peer:
        lifeline = _transport.Lifeline()
        lifeline.close()
        stream = Stream(ours)
        lifeline.trace("http11.send_request_headers.started", {})  # other events: ignored
        lifeline.trace("connection.connect_tcp.complete", {"return_value": stream})
        peer.settimeout(2)
        assert peer.recv(1) == b""  # shut down: the peer sees the end at once


# --------------------------------------------------------------------------------------
# Event loops


@pytest.mark.parametrize("cls", [openrouter.AsyncOpenRouter, openrouter.OpenRouter])
def test_client_outlives_a_loop_closed_without_shutdown_asyncgens(
    fake: FakeServer, cls: type[openrouter.OpenRouter | openrouter.AsyncOpenRouter]
) -> None:
    client = cls(api_key=KEY, server_url=fake.base_url)

    async def call() -> int:
        return len((await client.images.list_models_async()).data)

    loop = asyncio.new_event_loop()
    try:
        assert loop.run_until_complete(call()) > 0
    finally:
        loop.close()  # no shutdown_asyncgens(): the pool stays open, bound to a dead loop
    with warnings.catch_warnings():
        # That pool can only be dropped now; its unclosed sockets say so when collected.
        warnings.simplefilter("ignore", ResourceWarning)
        assert asyncio.run(call()) > 0
        assert asyncio.run(call()) > 0
        gc.collect()
    asyncio.run(client.aclose())
    assert len(fake.requests) == 3


# --------------------------------------------------------------------------------------
# Fork


def _local_port(response: httpx.Response | None) -> int:
    assert response is not None
    return int(response.extensions["network_stream"].get_extra_info("client_addr")[1])


def _port_of_call(client: openrouter.OpenRouter, who: str) -> int:
    """Make a call; return the local port of the connection it went over."""
    # A buffered stream: the answer is read whole (the connection goes back to the pool),
    # and its httpx response is at hand.
    headers = {"x-caller": who}
    with client.images.generate(
        model=PIXEL, prompt=who, stream=True, http_headers=headers
    ) as events:
        assert len(list(events)) == 1
        return _local_port(events.response)


async def _aport_of_call(client: openrouter.AsyncOpenRouter, who: str) -> int:
    headers = {"x-caller": who}
    async with await client.images.generate(
        model=PIXEL, prompt=who, stream=True, http_headers=headers
    ) as events:
        assert len([event async for event in events]) == 1
        return _local_port(events.response)


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_forked_child_gets_its_own_connections(fake: FakeServer, mode: str) -> None:
    fake.inject(delay=0.05, times=None)  # calls last a little, so that parent and child overlap
    if mode == "sync":
        client: Any = openrouter.OpenRouter(api_key=KEY, server_url=fake.base_url)
        loop = None

        def calls(who: str, n: int, close: bool = False) -> list[int]:
            ports = [_port_of_call(client, who) for _ in range(n)]
            if close:
                client.close()
            return ports

    else:
        client = openrouter.AsyncOpenRouter(api_key=KEY, server_url=fake.base_url)
        loop = asyncio.new_event_loop()  # left open across the fork: its pool stays alive

        async def acalls(who: str, n: int, close: bool) -> list[int]:
            ports = [await _aport_of_call(client, who) for _ in range(n)]
            if close:
                await client.close()
            return ports

        def calls(who: str, n: int, close: bool = False) -> list[int]:
            if who == "child":  # the child runs its own event loop
                return asyncio.run(acalls(who, n, close))
            assert loop is not None
            return loop.run_until_complete(acalls(who, n, close))

    results: Any = multiprocessing.get_context("fork").SimpleQueue()

    def child() -> None:
        try:
            results.put(("ok", calls("child", 5, close=True)))
        except BaseException:
            results.put(("failed", traceback.format_exc()))

    try:
        [before] = calls("parent", 1)  # a keep-alive connection is now in the pool
        process = multiprocessing.get_context("fork").Process(target=child)
        with warnings.catch_warnings():  # Python 3.12+ warns about forking with threads
            warnings.simplefilter("ignore", DeprecationWarning)
            process.start()
        try:
            during = calls("parent", 5)
            process.join(30)
        finally:
            if process.is_alive():
                process.kill()
                process.join()
        assert process.exitcode == 0 and not results.empty()
        status, child_ports = results.get()
        assert status == "ok", child_ports
        after = calls("parent", 1)  # the child's close() and exit left the parent's alone
        assert set(during) == set(after) == {before}
        assert before not in child_ports  # the child opened connections of its own
    finally:
        if loop is None:
            client.close()
        else:
            loop.run_until_complete(client.close())
            loop.close()
    callers = [request.headers.get("x-caller") for request in fake.requests]
    assert callers.count("parent") == 7 and callers.count("child") == 5


# --------------------------------------------------------------------------------------
# The key in errors


def _logged(err: BaseException) -> str:
    """What ``logging.exception`` writes for ``err``."""
    out = io.StringIO()
    logger = logging.Logger("lifecycle-test")  # standalone: not in the logging tree
    logger.addHandler(logging.StreamHandler(out))
    try:
        raise err
    except BaseException:
        logger.exception("the call failed")
    return out.getvalue()


def _assert_no_key(err: errors.OpenRouterError) -> None:
    secret = KEY.encode()
    assert secret not in pickle.dumps(err)
    if err.__cause__ is not None:
        assert secret not in pickle.dumps(err.__cause__)
    assert KEY not in "".join(traceback.format_exception(err))
    text = _logged(err)
    assert type(err).__name__ in text and KEY not in text
    if err.raw_response is not None:  # the response's request had the key in its headers
        assert KEY not in str(dict(err.raw_response.request.headers))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize(
    "case", ["refused", "timeout", "401", "401 key function", "500", "stream error", "stream cut"]
)
async def test_errors_do_not_carry_the_key(make_api: Any, fake: FakeServer, case: str) -> None:
    settings: dict[str, Any] = {"api_key": KEY, "retry_config": RetryConfig("none")}
    if case == "refused":
        settings["server_url"] = f"http://127.0.0.1:{_free_port()}/api/v1"
    if case == "401 key function":
        settings["api_key"] = lambda: KEY
    client = make_api(**settings)
    call: Awaitable[Any]
    if case == "timeout":
        fake.inject(delay=2)
        call = client.list_models(timeout_ms=200)
    elif case.startswith("stream"):
        if case == "stream error":
            fake.inject(error_event=True)
        else:
            fake.inject(drop="mid-stream")
        call = client.stream(model=STREAMING, prompt="x")
    else:
        if case != "refused":
            fake.inject(status=int(case[:3]))
        call = client.generate(model=PIXEL, prompt="x")
    with pytest.raises(errors.OpenRouterError) as info:
        await call
    expected = {
        "refused": errors.APIConnectionError,
        "timeout": errors.APITimeoutError,
        "500": errors.InternalServerResponseError,
        "stream error": errors.StreamError,
        "stream cut": errors.APIConnectionError,
    }.get(case, errors.UnauthorizedResponseError)
    assert type(info.value) is expected
    _assert_no_key(info.value)


@pytest.mark.parametrize("fault", [{"status": 503}, {"drop": "before-headers"}])
async def test_retries_still_send_the_key(
    make_api: Any, fake: FakeServer, fault: dict[str, Any]
) -> None:
    client = make_api(api_key=KEY, retry_config=FAST_RETRY)
    fake.inject(**fault)
    assert (await client.list_models()).data
    assert [r.headers["authorization"] for r in fake.requests] == [f"Bearer {KEY}"] * 2
