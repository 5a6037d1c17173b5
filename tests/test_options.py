"""Per-call ``extra_headers`` / ``extra_query`` / ``extra_body``, the client's
``default_headers`` and ``with_options`` copies, over real sockets (each test body runs with
both clients) plus the pure request building behind them."""

from __future__ import annotations

import asyncio
import math
import threading
import time
from typing import Any

import pytest

import openrouter
from openrouter import ParameterError, errors
from openrouter.testing import FakeServer
from openrouter.utils import RetryConfig

from .conftest import FAST_RETRY, Api, call_spec, config, spec

pytestmark = pytest.mark.anyio
PIXEL = "fake-labs/pixel-xl"
NO_RETRY = RetryConfig("none")
#: A key of a realistic length (the redaction leaves keys of a few characters alone).
OTHER_KEY = "sk-or-v1-" + "9d8c7b6a5f4e3d2c" * 4


def copy_of(api: Api, **options: Any) -> Api:
    """``api.client.with_options(**options)``, wrapped like ``api``."""
    wrapper = Api.__new__(Api)
    wrapper.mode = api.mode
    wrapper.client = api.client.with_options(**options)
    return wrapper


# --------------------------------------------------------------------------------------
# Per call: headers, query, body


async def test_header_precedence(make_api: Any, fake: FakeServer) -> None:
    client = make_api(
        x_open_router_title="client",
        default_headers={"X-Team": "client", "X-Only-Default": "d", "User-Agent": "my-app/1"},
    )
    await client.list_models(
        x_open_router_title="call",
        http_headers={"X-Team": "http", "X-Title-Override": "h", "X-Both": "http"},
        extra_headers={"x-both": "extra", "X-Title-Override": "e"},
    )
    headers = fake.last_request.headers  # type: ignore[union-attr]
    assert headers["user-agent"] == "my-app/1"  # default_headers over the SDK's own
    assert headers["x-only-default"] == "d"
    assert headers["x-openrouter-title"] == "call"  # per-call keyword over the client's
    assert headers["x-team"] == "http"  # http_headers over default_headers
    assert headers["x-both"] == "extra"  # extra_headers over http_headers (any spelling)
    assert headers["x-title-override"] == "e"
    await client.list_models()  # the next call has the client's again
    headers = fake.last_request.headers  # type: ignore[union-attr]
    assert headers["x-openrouter-title"] == "client" and headers["x-team"] == "client"
    assert "x-both" not in headers


async def test_default_headers_replace_attribution_headers(make_api: Any, fake: FakeServer) -> None:
    client = make_api(
        x_open_router_title="keyword", default_headers={"x-openrouter-title": "default"}
    )
    await client.list_models()
    assert fake.last_request.headers["x-openrouter-title"] == "default"  # type: ignore[union-attr]


async def test_extra_headers_authorization_is_sent_and_redacted(api: Api, fake: FakeServer) -> None:
    body = {"error": {"code": 401, "message": f"Invalid credentials: Bearer {OTHER_KEY}"}}
    fake.inject(status=401, body=body)
    with pytest.raises(errors.UnauthorizedResponseError) as info:
        await api.list_models(
            http_headers={"Authorization": "Bearer ignored"},
            extra_headers={"authorization": f"Bearer {OTHER_KEY}"},
        )
    assert fake.last_request.headers["authorization"] == f"Bearer {OTHER_KEY}"  # type: ignore[union-attr]
    assert OTHER_KEY not in str(info.value) and OTHER_KEY not in info.value.body


async def test_extra_query_goes_on_the_url(api: Api, fake: FakeServer) -> None:
    query = {"variant": "a b&c", "n": 3, "ratio": 1.5, "beta": True, "alpha": False}
    await api.list_models(extra_query=query)
    assert fake.last_request.query == {  # type: ignore[union-attr]
        "variant": "a b&c",
        "n": "3",
        "ratio": "1.5",
        "beta": "true",
        "alpha": "false",
    }
    await api.generate(model=PIXEL, prompt="x", extra_query={"trace": "1"})
    last = fake.last_request
    assert last is not None and last.path.endswith("/images") and last.query == {"trace": "1"}


async def test_extra_body_is_merged_into_the_body(api: Api, fake: FakeServer) -> None:
    extra = {"partial_images": 2, "experimental": {"tiles": [1, 2], "fast": None}}
    res = await api.generate(model=PIXEL, prompt="a cat", n=1, extra_body=extra)
    assert res.data
    body = fake.last_request.json  # type: ignore[union-attr]
    assert body == {"model": PIXEL, "prompt": "a cat", "n": 1, **extra}
    await api.stream(model=PIXEL, prompt="a cat", extra_body={"partial_images": 1})
    body = fake.last_request.json  # type: ignore[union-attr]
    assert body["stream"] is True and body["partial_images"] == 1


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"extra_body": {"quality": "high"}}, r"extra_body: 'quality' is a parameter.*`quality`"),
        ({"extra_body": {"stream": True}}, r"extra_body: 'stream' is a parameter"),
        ({"extra_body": {"x": math.nan}}, r"extra_body\.x: must be a finite number"),
        ({"extra_body": {"x": [1, math.inf]}}, r"extra_body\.x\[1\]: must be a finite"),
        ({"extra_body": {"x": {1, 2}}}, r"extra_body\.x: must be JSON .*got set"),
        ({"extra_body": {"x": {1: "a"}}}, r"extra_body\.x\.1: JSON keys are strings"),
        ({"extra_body": {7: "a"}}, r"extra_body: field names must be strings, got 7"),
        ({"extra_body": {"x": "photo-\udcff"}}, r"extra_body\.x: contains a lone surrogate"),
        ({"extra_body": ["x"]}, r"extra_body: must be a dict, got list"),
        ({"extra_query": {"x": math.nan}}, r"extra_query\['x'\]: must be a finite number"),
        ({"extra_query": {"x": None}}, r"extra_query\['x'\]: must be a string, number or bool"),
        ({"extra_query": {"": "1"}}, r"extra_query: names must be non-empty strings"),
        ({"extra_query": "a=1"}, r"extra_query: must be a dict, got str"),
        ({"extra_headers": {"X-A": "a\r\nX-B: b"}}, r"extra_headers\['X-A'\]: must not contain"),
        ({"extra_headers": {"X A": "1"}}, r"extra_headers: 'X A' is not a valid header name"),
        ({"extra_headers": {"X-A": 1}}, r"extra_headers\['X-A'\]: must be a string"),
    ],
)
async def test_bad_extras_are_refused_before_sending(
    api: Api, fake: FakeServer, options: dict[str, Any], message: str
) -> None:
    with pytest.raises(ParameterError, match=message):
        await api.generate(model=PIXEL, prompt="x", **options)
    assert fake.requests == []


async def test_extra_body_on_a_get_is_refused(api: Api, fake: FakeServer) -> None:
    with pytest.raises(ParameterError, match=r"extra_body: GET /images/models has no body"):
        await api.list_models(extra_body={"x": 1})
    with pytest.raises(ParameterError, match=r"extra_body: GET .*/endpoints has no body"):
        await api.list_model_endpoints(author="fake-labs", slug="pixel-xl", extra_body={})
    assert fake.requests == []


def test_extras_in_the_request_spec() -> None:
    s = spec(extra_body={"partial_images": 2}, extra_query={"a": "x/y", "b": 2})
    assert s.json == {"model": "a/b", "prompt": "a cat", "partial_images": 2}
    assert s.url == "https://openrouter.ai/api/v1/images?a=x%2Fy&b=2"
    assert spec().url == "https://openrouter.ai/api/v1/images"  # no "?" without a query
    s = call_spec(config(), "GET", "/x", extra_headers={"Authorization": "Bearer sk-2"})
    assert s.headers == {"authorization": "Bearer sk-2"} and s.secret == "sk-2"


def test_default_headers_in_the_settings() -> None:
    cfg = config(default_headers={"user-agent": "mine", "X-A": "1"})
    assert cfg.headers["user-agent"] == "mine" and "User-Agent" not in cfg.headers
    assert cfg.headers["Authorization"] == "Bearer sk-test" and cfg.key == "sk-test"
    with pytest.raises(ParameterError, match=r"default_headers\['X-A'\]: must not contain"):
        config(default_headers={"X-A": "1\n"})
    with pytest.raises(ParameterError, match="default_headers: 'X:A' is not a valid header"):
        config(default_headers={"X:A": "1"})


def test_an_authorization_default_header_replaces_the_key(monkeypatch: Any) -> None:
    monkeypatch.delenv("OPENROUTER_API_KEY", raising=False)
    cfg = config(api_key=None, default_headers={"authorization": "Basic dXNlcjpwdw=="})
    assert cfg.headers == {
        "User-Agent": cfg.headers["User-Agent"],
        "Accept": "application/json",
        "authorization": "Basic dXNlcjpwdw==",
    }
    assert cfg.key == "Basic dXNlcjpwdw=="  # scrubbed from errors like a key
    keyed = cfg.replace(api_key="sk-new")  # a key given to with_options wins again
    assert keyed.headers["Authorization"] == "Bearer sk-new" and keyed.key == "sk-new"
    assert "authorization" not in keyed.headers  # one spelling: never sent twice
    assert call_spec(cfg, "GET", "/x").secret == "Basic dXNlcjpwdw=="


# --------------------------------------------------------------------------------------
# with_options


async def test_a_copy_sends_its_settings_through_the_same_pool(
    make_api: Any, fake: FakeServer
) -> None:
    original = make_api(x_open_router_title="orig", default_headers={"X-Team": "a"})
    await original.list_models()
    copy = copy_of(original, x_open_router_title="copy", http_headers={"X-Env": "b"})
    assert type(copy.client) is type(original.client)
    await copy.list_models()
    headers = fake.last_request.headers  # type: ignore[union-attr]
    assert headers["x-openrouter-title"] == "copy"
    assert headers["x-team"] == "a" and headers["x-env"] == "b"
    await original.list_models()  # the original's headers are untouched
    headers = fake.last_request.headers  # type: ignore[union-attr]
    assert headers["x-openrouter-title"] == "orig" and "x-env" not in headers
    # One pool, the original's: the copy made none, and all three calls went over the one
    # keep-alive connection the original's pool opened (noted by its lifeline).
    assert copy.client._owner is original.client
    assert copy.client._http is None and copy.client._async_http is None
    assert len(original.client._lifeline._streams) == 1
    grandchild = copy.client.with_options(timeout_ms=1_000)
    assert grandchild._owner is original.client


async def test_a_copys_first_call_creates_the_originals_pool(make_api: Any) -> None:
    original = make_api()
    copy = copy_of(original, timeout_ms=60_000)
    await copy.list_models()
    pool = original.client._http if original.mode == "sync" else original.client._async_http
    assert pool is not None and not pool.is_closed
    await original.list_models()
    assert len(original.client._lifeline._streams) == 1


async def test_a_copy_has_its_own_timeout_and_retries(make_api: Any, fake: FakeServer) -> None:
    original = make_api(retry_config=FAST_RETRY)
    impatient = copy_of(original, timeout_ms=200, retry_config=NO_RETRY)
    fake.inject(delay=2, times=1)
    started = time.monotonic()
    with pytest.raises(errors.APITimeoutError, match="read timeout"):
        await impatient.list_models()
    assert time.monotonic() - started < 1.5 and len(fake.requests) == 1
    fake.inject(status=503, times=1)
    with pytest.raises(errors.APIStatusError):
        await impatient.list_models()  # not retried
    fake.inject(status=503, times=1)
    assert (await original.list_models()).data  # retried once, then answered
    assert len(fake.requests) == 4


async def test_a_copys_key_is_sent_and_redacted(make_api: Any, fake: FakeServer) -> None:
    original = make_api()
    copy = copy_of(original, api_key=OTHER_KEY)
    body = {"error": {"code": 401, "message": f"Invalid key {OTHER_KEY}"}}
    fake.inject(status=401, body=body)
    with pytest.raises(errors.UnauthorizedResponseError) as info:
        await copy.generate(model=PIXEL, prompt="x")
    assert fake.last_request.headers["authorization"] == f"Bearer {OTHER_KEY}"  # type: ignore[union-attr]
    assert OTHER_KEY not in str(info.value) and OTHER_KEY not in info.value.body
    assert OTHER_KEY not in repr(copy.client)
    await original.list_models()
    assert fake.last_request.headers["authorization"] == f"Bearer {fake.api_key}"  # type: ignore[union-attr]
    keys = iter(["sk-or-v1-first", "sk-or-v1-second"])
    rotating = copy_of(original, api_key=lambda: next(keys))  # a key function: per request
    await rotating.list_models()
    await rotating.list_models()
    assert [r.headers["authorization"] for r in fake.requests[-2:]] == [
        "Bearer sk-or-v1-first",
        "Bearer sk-or-v1-second",
    ]


async def test_closing_a_copy_leaves_the_original_working(make_api: Any) -> None:
    original = make_api()
    copy = copy_of(original, x_open_router_title="copy")
    await copy.list_models()
    await copy.close()
    assert copy.client.is_closed and not original.client.is_closed
    with pytest.raises(errors.ClientClosedError, match="client is closed; create"):
        await copy.list_models()
    with pytest.raises(errors.ClientClosedError):
        copy.client.with_options(timeout_ms=1)
    assert (await original.list_models()).data
    pool = original.client._http if original.mode == "sync" else original.client._async_http
    assert not pool.is_closed


async def test_a_copy_in_a_with_block_closes_only_itself(api: Api) -> None:
    if api.mode == "sync":
        with api.client.with_options(timeout_ms=5_000) as copy:
            assert copy.images.list_models().data
    else:
        async with api.client.with_options(timeout_ms=5_000) as copy:
            assert (await copy.images.list_models()).data
    assert copy.is_closed and not api.client.is_closed
    assert (await api.list_models()).data


async def test_closing_the_original_closes_its_copies(make_api: Any) -> None:
    original = make_api()
    copy = copy_of(original)
    grandchild = copy_of(copy)
    await copy.list_models()
    await original.close()
    for client in (copy, grandchild):
        assert client.client.is_closed
        with pytest.raises(errors.ClientClosedError, match="closed with the client it was made"):
            await client.list_models()


async def test_closing_the_original_ends_a_copys_call_in_flight(
    make_api: Any, fake: FakeServer
) -> None:
    original = make_api()
    copy = copy_of(original)
    fake.inject(delay=5)
    started = time.monotonic()
    if original.mode == "sync":
        closer = threading.Timer(0.3, original.client.close)
        closer.start()
        with pytest.raises(errors.ClientClosedError, match="closed while"):
            await copy.list_models()
        closer.join()
    else:

        async def close_later() -> None:
            await asyncio.sleep(0.3)
            await original.close()

        task = asyncio.create_task(close_later())
        with pytest.raises(errors.ClientClosedError, match="closed while"):
            await copy.list_models()
        await task
    assert time.monotonic() - started < 2


async def test_closing_a_copy_lets_its_call_in_flight_finish(
    make_api: Any, fake: FakeServer
) -> None:
    original = make_api()
    copy = copy_of(original)
    fake.inject(delay=0.5)
    if original.mode == "sync":
        closer = threading.Timer(0.1, copy.client.close)
        closer.start()
        assert (await copy.list_models()).data  # the shared connection is not cut
        closer.join()
    else:
        task = asyncio.create_task(copy.list_models())
        await asyncio.sleep(0.1)
        await copy.close()
        assert (await task).data
    assert copy.client.is_closed and (await original.list_models()).data


async def test_bad_copy_settings_are_refused(api: Api) -> None:
    with pytest.raises(ParameterError, match="timeout_ms"):
        api.client.with_options(timeout_ms=-1)
    with pytest.raises(ParameterError, match="server_url"):
        api.client.with_options(server_url="ftp://x")
    with pytest.raises(ParameterError, match="retry_config"):
        api.client.with_options(retry_config="none")
    with pytest.raises(ParameterError, match=r"http_headers\['X-A'\]"):
        api.client.with_options(http_headers={"X-A": "\n"})
    with pytest.raises(ParameterError, match="api_key: contains"):
        api.client.with_options(api_key="sk or")


async def test_sync_client_copy_async_methods_share_its_async_pool(fake: FakeServer) -> None:
    async with openrouter.OpenRouter(api_key=OTHER_KEY, server_url=fake.base_url) as client:
        copy = client.with_options(x_open_router_title="copy")
        assert (await copy.images.list_models_async()).data
        assert copy._async_http is None and client._async_http is not None
        await copy.aclose()
        assert not client._async_http.is_closed
    assert client._async_http is None or client._async_http.is_closed
