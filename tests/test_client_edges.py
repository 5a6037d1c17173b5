"""Edge cases found in review: secrets, headers, retry storms, lifecycle, odd streams."""

from __future__ import annotations

import asyncio
import gc
import pickle
import threading
import time

import httpx
import pytest

import openrouter
from openrouter import components as c
from openrouter import errors
from openrouter.testing import FakeServer
from openrouter.utils import BackoffStrategy, RetryConfig

from .conftest import Api

pytestmark = pytest.mark.anyio
PIXEL = "fake-labs/pixel-xl"
STREAMING = "fake-labs/stream-diffusion"
SECRET = "sk-or-v1-0123456789abcdef"


async def test_retry_after_zero_does_not_retry_in_a_tight_loop(make_api, fake: FakeServer) -> None:  # type: ignore[no-untyped-def]
    retry = RetryConfig("backoff", BackoffStrategy(100, 200, 2.0, 600, jitter_ms=0), True)
    client = make_api(retry_config=retry)
    fake.inject(status=429, headers={"Retry-After": "0"}, times=None)
    with pytest.raises(errors.TooManyRequestsResponseError):
        await client.list_models()
    assert 2 <= len(fake.requests) <= 5  # 0.1 + 0.2 + 0.2 s of backoff, not hundreds


async def test_lower_case_http_headers_replace_the_defaults(api: Api, fake: FakeServer) -> None:
    await api.list_models(
        http_headers={"authorization": f"Bearer {fake.api_key}", "user-agent": "mine"}
    )
    headers = fake.last_request.headers  # type: ignore[union-attr]
    assert headers["authorization"] == f"Bearer {fake.api_key}"  # one value, not two joined
    assert headers["user-agent"] == "mine"


async def test_non_ascii_title_is_sent(make_api, fake: FakeServer) -> None:  # type: ignore[no-untyped-def]
    client = make_api(x_open_router_title="Café Studio")
    assert (await client.list_models()).data
    raw = fake.last_request.headers["x-openrouter-title"]  # type: ignore[union-attr]
    assert raw.encode("latin-1").decode("utf-8") == "Café Studio"


async def test_key_from_a_function_is_redacted_everywhere(make_api, fake: FakeServer) -> None:  # type: ignore[no-untyped-def]
    client = make_api(api_key=lambda: SECRET)
    body = {"error": {"code": 401, "message": f"bad key {SECRET}", "metadata": {"key": SECRET}}}
    fake.inject(status=401, body=body)
    with pytest.raises(errors.UnauthorizedResponseError) as info:
        await client.list_models()
    err = info.value
    for text in (str(err), repr(err), err.body, err.message, repr(err.data)):
        assert SECRET not in text
    assert err.data.error.metadata == {"key": "***"}


async def test_key_echoed_in_a_stream_error_is_redacted(make_api, fake: FakeServer) -> None:  # type: ignore[no-untyped-def]
    client = make_api(api_key=SECRET)
    fake.inject(error_event={"code": "auth", "message": f"upstream rejected {SECRET}"})
    with pytest.raises(errors.StreamError) as info:
        await client.stream(model=STREAMING, prompt="x")
    assert SECRET not in str(info.value) and SECRET not in repr(info.value.event)


async def test_key_echoed_in_an_invalid_body_is_redacted(make_api, fake: FakeServer) -> None:  # type: ignore[no-untyped-def]
    client = make_api(api_key=SECRET)
    fake.inject(body={"created": "soon", "echo": SECRET})
    with pytest.raises(errors.ResponseValidationError) as info:
        await client.generate(model=PIXEL, prompt="x")
    assert SECRET not in info.value.body


async def test_redirects_are_followed(api: Api, fake: FakeServer) -> None:
    fake.inject(
        status=307, headers={"Location": fake.base_url + "/images/models"}, path="/images/models"
    )
    assert (await api.list_models()).data
    assert len(fake.requests) == 2


async def test_async_client_survives_a_new_event_loop(fake: FakeServer) -> None:
    def twice(client: object) -> list[int]:
        def call() -> int:
            async def one() -> int:
                images = client.images  # type: ignore[attr-defined]
                method = getattr(images, "list_models_async", images.list_models)
                return len((await method()).data)

            return asyncio.run(one())

        return [call(), call()]

    # asyncio.run() in a thread: this test itself runs inside an event loop.
    for cls in (openrouter.AsyncOpenRouter, openrouter.OpenRouter):
        client = cls(api_key="k", server_url=fake.base_url)
        result: list[list[int]] = []
        thread = threading.Thread(target=lambda: result.append(twice(client)))  # noqa: B023
        thread.start()
        thread.join()
        assert result and result[0][0] == result[0][1] > 0
        pool = client._async_http
        assert pool is not None and pool.is_closed  # closed with its event loop
        if isinstance(client, openrouter.OpenRouter):
            client.close()


def test_unread_stream_dropped_releases_its_connection(fake: FakeServer) -> None:
    http = httpx.Client(limits=httpx.Limits(max_connections=1))
    with http, openrouter.OpenRouter(api_key="k", server_url=fake.base_url, client=http) as client:
        for _ in range(3):
            stream = client.images.generate(model=STREAMING, prompt="x", stream=True)
            del stream
            gc.collect()
        started = time.monotonic()
        assert client.images.list_models(timeout_ms=2000).data
        assert time.monotonic() - started < 1


def test_stream_closed_from_another_thread_stops_quietly(fake: FakeServer) -> None:
    fake.inject(event_delay=5)  # the reader is blocked in a read when close() comes
    with openrouter.OpenRouter(api_key="k", server_url=fake.base_url) as client:
        stream = client.images.generate(model=STREAMING, prompt="x", stream=True)
        seen = []
        started = time.monotonic()
        with stream:
            for event in stream:
                seen.append(event)
                if len(seen) == 1:
                    threading.Timer(0.2, stream.close).start()
        assert time.monotonic() - started < 2
        assert len(seen) < 3
        assert stream.response is not None and stream.response.is_closed


async def test_async_stream_closed_from_another_task_stops_quietly(fake: FakeServer) -> None:
    fake.inject(event_delay=0.3)
    async with openrouter.AsyncOpenRouter(api_key="k", server_url=fake.base_url) as client:
        stream = await client.images.generate(model=STREAMING, prompt="x", stream=True)
        seen = []

        async def consume() -> None:
            async for event in stream:
                seen.append(event)

        task = asyncio.create_task(consume())
        while not seen:
            await asyncio.sleep(0.01)
        await stream.close()
        await asyncio.wait_for(task, 2)
        assert len(seen) < 3


async def test_sse_quirks_bom_default_event_name_and_content_type_case(
    api: Api, fake: FakeServer
) -> None:
    png = "iVBORw0KGgoAAAANSUhEUg=="
    body = (
        "\ufeffdata: "
        + '{"type":"image_generation.partial_image","partial_image_index":0,"b64_json":"'
        + png
        + '"}\n\n'
        + "data: {}\n\n"
        + 'data: {"type":"image_generation.completed","b64_json":"'
        + png
        + '","created":1}\n\n'
        + "data: [DONE]\n\n"
    )
    fake.inject(body=body, content_type="Text/Event-Stream; charset=utf-8")
    events = await api.stream(model=STREAMING, prompt="x")
    assert [type(e) for e in events] == [
        c.ImageGenPartialImageEvent,
        c.UnknownImageStreamingResponseData,
        c.ImageGenCompletedEvent,
    ]
    assert events[1].type == "unknown"  # not an invented "message"


async def test_closed_httpx_client_is_a_typed_error(fake: FakeServer) -> None:
    http = httpx.Client()
    http.close()
    client = openrouter.OpenRouter(api_key="k", server_url=fake.base_url, client=http)
    with pytest.raises(errors.ClientClosedError, match="has been closed"):
        client.images.list_models()


def test_logger_with_only_a_debug_method(fake: FakeServer) -> None:
    lines: list[str] = []

    class Tiny:
        def debug(self, msg: str, *args: object) -> None:
            lines.append(msg % args)

    fake.inject(status=503, headers={"retry-after-ms": "1"}, times=1)
    with openrouter.OpenRouter(
        api_key="k", server_url=fake.base_url, debug_logger=Tiny()
    ) as client:
        client.images.list_models()
    assert any(line.startswith("retry 1 of GET") for line in lines)
    assert any("-> 200" in line for line in lines)


def test_errors_survive_pickling(fake: FakeServer) -> None:
    with openrouter.OpenRouter(
        api_key=SECRET, server_url=fake.base_url, retry_config=RetryConfig("none")
    ) as client:
        fake.inject(status=429, headers={"Retry-After": "3"})
        with pytest.raises(errors.TooManyRequestsResponseError) as info:
            client.images.list_models()
    for err in (info.value, errors.ParameterError("n", "bad"), errors.APITimeoutError("slow")):
        copy = pickle.loads(pickle.dumps(err))
        assert type(copy) is type(err) and str(copy) == str(err)
    data = pickle.dumps(info.value)
    assert SECRET.encode() not in data  # the response (and its request's headers) stay behind
    copy = pickle.loads(data)
    assert copy.status_code == 429 and copy.data.error.code == 429 and copy.retry_after == 3.0


def test_official_error_constructors() -> None:
    response = httpx.Response(418, text="teapot", request=httpx.Request("GET", "http://x"))
    err = errors.OpenRouterDefaultError("API error occurred", response, "teapot")
    assert err.status_code == 418 and err.data.error.message == "API error occurred"
    assert err.body == "teapot"
    assert errors.NoResponseError().message == "No response received"
    cause = ValueError("bad")
    rve = errors.ResponseValidationError("Response validation failed", response, cause, "body")
    assert rve.cause is cause and rve.body == "body"


@pytest.mark.parametrize(
    ("data", "message", "code"),
    [
        (
            '{"type":"error","error":{"code":502,"message":"Provider returned error"}}',
            "Provider returned error",
            "502",
        ),
        ('{"error":{"code":"boom"}}', "the stream reported an error", "boom"),
        ('{"type":"error","error":"upstream exploded"}', "upstream exploded", None),
        ('{"error":{"message":"no type field"}}', "no type field", None),
    ],
)
async def test_off_spec_error_events_still_raise_stream_error(
    api: Api, fake: FakeServer, data: str, message: str, code: str | None
) -> None:
    fake.inject(body=f"data: {data}\n\n", content_type="text/event-stream")
    with pytest.raises(errors.StreamError) as info:
        await api.stream(model=STREAMING, prompt="x")
    assert info.value.message == message and info.value.code == code


async def test_per_call_authorization_is_redacted(api: Api, fake: FakeServer) -> None:
    other = "sk-or-v1-per-call-key-777"
    body = {"error": {"code": 401, "message": f"Invalid credentials: Bearer {other}"}}
    fake.inject(status=401, body=body)
    with pytest.raises(errors.UnauthorizedResponseError) as info:
        await api.list_models(http_headers={"Authorization": f"Bearer {other}"})
    assert other not in str(info.value) and other not in info.value.body


async def test_invalid_success_echoing_the_key_keeps_it_out_of_the_traceback(
    make_api,
    fake: FakeServer,  # type: ignore[no-untyped-def]
) -> None:
    import traceback

    client = make_api(api_key=SECRET)
    # The image itself is broken (an error, never a repair), next to a field echoing the key.
    fake.inject(body={"created": 1, "data": [{"b64_json": 7, "revised_prompt": SECRET}]})
    with pytest.raises(errors.ResponseValidationError) as info:
        await client.generate(model=PIXEL, prompt="x")
    assert SECRET not in "".join(traceback.format_exception(info.value))


def test_undecodable_body_and_redirect_loops_are_typed(fake: FakeServer) -> None:
    with openrouter.OpenRouter(
        api_key="k", server_url=fake.base_url, retry_config=RetryConfig("none")
    ) as client:
        fake.inject(body="not gzip at all", headers={"Content-Encoding": "gzip"})
        with pytest.raises(errors.ResponseValidationError, match="could not be decoded"):
            client.images.list_models()
        loop = fake.base_url + "/images/models"
        fake.inject(status=307, headers={"Location": loop}, times=None)
        with pytest.raises(errors.APIConnectionError, match="too many redirects"):
            client.images.list_models()


async def test_usage_with_a_partial_cost_breakdown_still_parses(api: Api, fake: FakeServer) -> None:
    usage = {
        "prompt_tokens": 1,
        "completion_tokens": 2,
        "total_tokens": 3,
        "cost_details": {"upstream_inference_cost": 0.01},
    }
    fake.inject(body={"created": 1, "data": [{"b64_json": "iVBORw0KGgo="}], "usage": usage})
    res = await api.generate(model=PIXEL, prompt="x")
    assert res.usage is not None and res.usage.cost_details is not None
    assert res.usage.cost_details.upstream_inference_cost == 0.01
