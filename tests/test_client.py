"""Both clients end to end against the fake server: wire format, errors, retries, timeouts."""

from __future__ import annotations

import io
import logging
import socket
from pathlib import Path

import httpx
import pytest
from PIL import Image

import openrouter
from openrouter import components, errors
from openrouter.testing import FakeServer
from openrouter.utils import BackoffStrategy, RetryConfig

from .conftest import Api

pytestmark = pytest.mark.anyio
NO_RETRY = RetryConfig("none")
PIXEL = "fake-labs/pixel-xl"


async def test_generate_buffered_images_decode(api: Api, fake: FakeServer) -> None:
    res = await api.generate(model=PIXEL, prompt="a lighthouse", n=2, aspect_ratio="16:9", seed=7)
    assert isinstance(res, components.ImageGenerationResponse)
    assert len(res.data) == 2
    for item in res.data:
        image = Image.open(io.BytesIO(item.to_bytes()))
        assert image.format == "PNG" and image.width > image.height
        assert item.extension == "png"
    assert res.usage is not None and res.usage.cost is not None and res.usage.cost > 0
    assert res.data[0].b64_json != res.data[1].b64_json


async def test_request_on_the_wire(api: Api, fake: FakeServer) -> None:
    await api.generate(model=PIXEL, prompt="a lighthouse", seed=0, output_compression=0)
    sent = fake.last_request
    assert sent is not None and sent.method == "POST" and sent.path.endswith("/images")
    assert sent.json == {
        "model": PIXEL,
        "prompt": "a lighthouse",
        "seed": 0,
        "output_compression": 0,
    }
    assert sent.headers["authorization"] == f"Bearer {fake.api_key}"
    assert sent.headers["content-type"] == "application/json"
    assert sent.headers["accept"] == "application/json"
    assert sent.headers["user-agent"].startswith("openrouter-python/")
    assert "http-referer" not in sent.headers


async def test_attribution_headers_client_level_and_per_call(make_api, fake: FakeServer) -> None:  # type: ignore[no-untyped-def]
    client = make_api(http_referer="https://app.example", x_open_router_title="Demo App")
    await client.list_models()
    headers = fake.last_request.headers  # type: ignore[union-attr]
    assert headers["http-referer"] == "https://app.example"
    assert headers["x-openrouter-title"] == "Demo App"
    await client.generate(
        model=PIXEL,
        prompt="x",
        x_open_router_title="Per Call",
        x_open_router_categories="cli-agent,cloud-agent",
        http_headers={"X-Trace": "abc"},
    )
    headers = fake.last_request.headers  # type: ignore[union-attr]
    assert headers["http-referer"] == "https://app.example"
    assert headers["x-openrouter-title"] == "Per Call"
    assert headers["x-openrouter-categories"] == "cli-agent,cloud-agent"
    assert headers["x-trace"] == "abc"


async def test_optional_inputs_reach_the_server(api: Api, fake: FakeServer, tmp_path: Path) -> None:
    ref = tmp_path / "ref.png"
    Image.new("RGB", (4, 4), "red").save(ref)
    await api.generate(
        model=PIXEL,
        prompt="like this",
        input_references=[ref, "https://example.com/cat.png"],
        provider={"only": ["fake-labs"], "options": {"black_forest_labs": {"steps": 40}}},
        trace={"trace_id": "t-1", "team": "imaging"},
        user="user-42",
        session_id="session-1",
    )
    body = fake.last_request.json  # type: ignore[union-attr]
    refs = body["input_references"]
    assert refs[0]["type"] == "image_url"
    assert refs[0]["image_url"]["url"].startswith("data:image/png;base64,")
    assert refs[1] == {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}}
    assert body["provider"] == {
        "only": ["fake-labs"],
        "options": {"black-forest-labs": {"steps": 40}},
    }
    assert body["trace"] == {"trace_id": "t-1", "team": "imaging"}
    assert (body["user"], body["session_id"]) == ("user-42", "session-1")


async def test_list_models_is_typed(api: Api) -> None:
    res = await api.list_models()
    ids = {m.id for m in res.data}
    assert {"fake-labs/pixel-xl", "fake-labs/stream-diffusion", "fake-labs/vector-1"} <= ids
    kinds = {type(d) for m in res.data for d in m.supported_parameters.values()}
    assert {
        components.EnumCapability,
        components.RangeCapability,
        components.BooleanCapability,
    } <= kinds
    streaming = {m.id: m.supports_streaming for m in res.data}
    assert streaming["fake-labs/stream-diffusion"] and not streaming[PIXEL]


async def test_list_model_endpoints(api: Api, fake: FakeServer) -> None:
    res = await api.list_model_endpoints(author="fake-labs", slug="pixel-xl")
    assert res.id == PIXEL and res.endpoints
    assert all(e.pricing and e.pricing[0].cost_usd > 0 for e in res.endpoints)
    assert fake.last_request.path.endswith("/images/models/fake-labs/pixel-xl/endpoints")  # type: ignore[union-attr]


async def test_endpoints_path_parts_are_quoted(api: Api, fake: FakeServer) -> None:
    with pytest.raises(errors.NotFoundResponseError) as info:
        await api.list_model_endpoints(author="no such", slug="a/b", retries=NO_RETRY)
    assert info.value.status_code == 404
    raw = info.value.raw_response.request.url.raw_path
    assert raw.endswith(b"/images/models/no%20such/a%2Fb/endpoints")


async def test_unknown_model_is_not_found(api: Api) -> None:
    with pytest.raises(errors.NotFoundResponseError, match="not found"):
        await api.generate(model="nobody/nothing", prompt="x")


async def test_server_side_validation_error_is_typed(api: Api) -> None:
    # Unknown enum values are sent (the API adds values); the server names the problem.
    with pytest.raises(errors.BadRequestResponseError) as info:
        await api.generate(model=PIXEL, prompt="x", resolution="8K")  # type: ignore[arg-type]
    assert "resolution" in info.value.message
    assert info.value.data.error.code == 400


async def test_client_side_validation_sends_nothing(api: Api, fake: FakeServer) -> None:
    for bad in (
        {"prompt": ""},
        {"n": 11},
        {"output_compression": 101},
        {"session_id": "s" * 300},
        {"input_references": ["https://x.test/a.png"] * 17},
    ):
        with pytest.raises(errors.ParameterError):
            await api.generate(**{"model": PIXEL, "prompt": "x", **bad})
    assert fake.requests == []


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, errors.BadRequestResponseError),
        (401, errors.UnauthorizedResponseError),
        (402, errors.PaymentRequiredResponseError),
        (403, errors.ForbiddenResponseError),
        (404, errors.NotFoundResponseError),
        (413, errors.PayloadTooLargeResponseError),
        (429, errors.TooManyRequestsResponseError),
        (500, errors.InternalServerResponseError),
        (502, errors.BadGatewayResponseError),
        (524, errors.EdgeNetworkTimeoutResponseError),
        (529, errors.ProviderOverloadedResponseError),
        (418, errors.OpenRouterDefaultError),
        (503, errors.OpenRouterDefaultError),
    ],
)
async def test_status_errors_are_typed(
    api: Api, fake: FakeServer, status: int, cls: type[errors.APIStatusError]
) -> None:
    fake.inject(status=status, times=None)
    with pytest.raises(cls) as info:
        await api.generate(model=PIXEL, prompt="x", retries=NO_RETRY)
    err = info.value
    assert err.status_code == status and err.data.error.code == status
    sent = fake.last_request
    assert sent is not None and err.data.error.message
    ids = f"request_id={sent.request_id}, generation_id={sent.generation_id}"
    assert str(err) == f"{err.message} (HTTP {status}, {ids})"
    assert isinstance(err.raw_response, httpx.Response)
    assert len(fake.requests) == 1


async def test_html_error_page_from_a_proxy(api: Api, fake: FakeServer) -> None:
    fake.inject(html=True, times=None)
    with pytest.raises(errors.EdgeNetworkTimeoutResponseError) as info:
        await api.generate(model=PIXEL, prompt="x", retries=NO_RETRY)
    assert "524" in str(info.value) and "<" not in str(info.value)
    assert "<html" in info.value.body.lower()


async def test_invalid_success_body_is_a_typed_error(api: Api, fake: FakeServer) -> None:
    fake.inject(body="<html>maintenance</html>", content_type="text/html")
    with pytest.raises(errors.ResponseValidationError, match="not a valid ImageGenerationResponse"):
        await api.generate(model=PIXEL, prompt="x")
    fake.inject(body={"created": 1, "data": [{"media_type": "image/png"}]})
    with pytest.raises(errors.ResponseValidationError, match="b64_json"):
        await api.generate(model=PIXEL, prompt="x")


async def test_unknown_fields_and_values_in_a_success_body_are_kept(
    api: Api, fake: FakeServer
) -> None:
    fake.inject(
        body={"created": 1, "id": "gen-9", "data": [{"b64_json": "iVBORw0KGgo=", "seed": 3}]}
    )
    res = await api.generate(model=PIXEL, prompt="x")
    assert res.model_extra == {"id": "gen-9"} and res.data[0].model_extra == {"seed": 3}


async def test_429_with_retry_after_is_retried(api: Api, fake: FakeServer) -> None:
    fake.inject(status=429, headers={"retry-after-ms": "30"}, times=2)
    res = await api.generate(model=PIXEL, prompt="x")
    assert len(res.data) == 1
    assert len(fake.requests) == 3


async def test_retry_after_seconds_is_honoured(api: Api, fake: FakeServer) -> None:
    fake.inject(status=503, headers={"Retry-After": "0"}, times=1)
    assert (await api.list_models()).data
    assert len(fake.requests) == 2


@pytest.mark.parametrize("status", [500, 502, 524, 529])
async def test_5xx_is_retried_then_raised(make_api, fake: FakeServer, status: int) -> None:  # type: ignore[no-untyped-def]
    retry = RetryConfig("backoff", BackoffStrategy(10, 20, 2.0, 150, jitter_ms=0), True)
    client = make_api(retry_config=retry)
    fake.inject(status=status, times=None)
    with pytest.raises(errors.APIStatusError) as info:
        await client.generate(model=PIXEL, prompt="x")
    assert info.value.status_code == status
    assert len(fake.requests) > 2


@pytest.mark.parametrize("status", [400, 401, 402, 403, 404, 413])
async def test_other_4xx_are_never_retried(api: Api, fake: FakeServer, status: int) -> None:
    fake.inject(status=status, times=None)
    with pytest.raises(errors.APIStatusError):
        await api.generate(model=PIXEL, prompt="x")
    assert len(fake.requests) == 1


async def test_retries_can_be_turned_off_per_call(api: Api, fake: FakeServer) -> None:
    fake.inject(status=429, times=None)
    with pytest.raises(errors.TooManyRequestsResponseError):
        await api.generate(model=PIXEL, prompt="x", retries=NO_RETRY)
    assert len(fake.requests) == 1


async def test_connection_dropped_before_the_answer_is_retried(api: Api, fake: FakeServer) -> None:
    fake.inject(drop="before-headers", times=1)
    res = await api.generate(model=PIXEL, prompt="x")
    assert len(res.data) == 1
    assert len(fake.requests) == 2


async def test_generation_cut_off_mid_body_is_not_paid_twice(api: Api, fake: FakeServer) -> None:
    # The images were made (and billed): another attempt would pay for them again.
    fake.inject(drop="mid-body", times=1)
    with pytest.raises(errors.APIConnectionError, match="peer closed connection"):
        await api.generate(model=PIXEL, prompt="x")
    assert len(fake.requests) == 1


async def test_listing_cut_off_mid_body_is_retried(api: Api, fake: FakeServer) -> None:
    fake.inject(drop="mid-body", times=1, path="/images/models")
    assert (await api.list_models()).data
    assert len(fake.requests) == 2


async def test_error_cut_off_mid_body_is_retried(api: Api, fake: FakeServer) -> None:
    fake.inject(status=503, drop="mid-body", times=1)
    assert (await api.generate(model=PIXEL, prompt="x")).data
    assert len(fake.requests) == 2


@pytest.mark.parametrize("drop", ["before-headers", "mid-body"])
async def test_dropped_connection_without_retries_is_a_connection_error(
    api: Api, fake: FakeServer, drop: str
) -> None:
    fake.inject(drop=drop, times=None)
    with pytest.raises(errors.APIConnectionError) as info:
        await api.generate(model=PIXEL, prompt="x", retries=NO_RETRY)
    assert isinstance(info.value, errors.NoResponseError)
    assert "/images" in str(info.value) and info.value.status_code is None


async def test_slow_generation_times_out_and_is_not_retried(api: Api, fake: FakeServer) -> None:
    fake.inject(delay=1.0, times=None)
    with pytest.raises(errors.APITimeoutError, match="timed out"):
        await api.generate(model=PIXEL, prompt="x", timeout_ms=200)
    assert len(fake.requests) == 1  # a slow generation may still be billed: no second one


async def test_slow_listing_is_retried_after_a_timeout(api: Api, fake: FakeServer) -> None:
    fake.inject(delay=1.0, times=1, path="/images/models")
    assert (await api.list_models(timeout_ms=200)).data
    assert len(fake.requests) == 2


async def test_client_timeout_applies(make_api, fake: FakeServer) -> None:  # type: ignore[no-untyped-def]
    client = make_api(timeout_ms=200, retry_config=NO_RETRY)
    fake.inject(delay=1.0, times=None)
    with pytest.raises(errors.APITimeoutError):
        await client.list_models()


async def test_refused_connection(make_api) -> None:  # type: ignore[no-untyped-def]
    with socket.socket() as sock:  # a port that nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = make_api(server_url=f"http://127.0.0.1:{port}/api/v1", retry_config=NO_RETRY)
    with pytest.raises(errors.APIConnectionError, match="could not connect.*check server_url"):
        await client.list_models()


async def test_closed_client_says_so(api: Api) -> None:
    await api.close()
    assert api.client.is_closed
    with pytest.raises(errors.ClientClosedError, match="closed"):
        await api.list_models()


async def test_wrong_key_is_401_and_never_leaks(make_api) -> None:  # type: ignore[no-untyped-def]
    secret = "sk-or-v1-very-secret"
    with FakeServer(api_keys=["the-right-key"]) as server:
        client = make_api(api_key=secret, server_url=server.base_url)
        with pytest.raises(errors.UnauthorizedResponseError) as info:
            await client.generate(model=PIXEL, prompt="x")
    err = info.value
    assert err.status_code == 401
    for text in (str(err), repr(err), err.body, err.message, repr(client.client)):
        assert secret not in text


async def test_debug_log_has_requests_and_retries_but_no_key(
    make_api,
    fake: FakeServer,
    caplog: pytest.LogCaptureFixture,  # type: ignore[no-untyped-def]
) -> None:
    secret = "sk-or-v1-log-secret"
    client = make_api(api_key=secret)
    fake.inject(status=429, headers={"retry-after-ms": "10"}, times=1)
    with caplog.at_level(logging.DEBUG, logger="openrouter"):
        await client.generate(model=PIXEL, prompt="x")
    text = caplog.text
    assert "POST " + fake.base_url + "/images" in text
    assert "-> 429" in text and "-> 200" in text and "retry 1 of POST" in text
    assert secret not in text


async def test_own_debug_logger(
    make_api, fake: FakeServer, caplog: pytest.LogCaptureFixture
) -> None:  # type: ignore[no-untyped-def]
    client = make_api(debug_logger=logging.getLogger("my.app.sdk"))
    with caplog.at_level(logging.DEBUG, logger="my.app.sdk"):
        await client.list_models()
    assert any(r.name == "my.app.sdk" and "GET" in r.getMessage() for r in caplog.records)


def test_supplied_httpx_client_is_used_and_left_open(fake: FakeServer) -> None:
    seen: list[str] = []
    with httpx.Client(event_hooks={"request": [lambda r: seen.append(str(r.url))]}) as http:
        with openrouter.OpenRouter(api_key="k", server_url=fake.base_url, client=http) as client:
            client.images.list_models()
        assert not http.is_closed
        assert seen == [fake.base_url + "/images/models"]


async def test_supplied_async_httpx_client_is_left_open(fake: FakeServer) -> None:
    async with httpx.AsyncClient() as http:
        async with openrouter.AsyncOpenRouter(
            api_key="k", server_url=fake.base_url, async_client=http
        ) as client:
            await client.images.list_models()
        assert not http.is_closed


def test_sync_client_also_works_async(fake: FakeServer) -> None:
    import asyncio

    async def main() -> int:
        async with openrouter.OpenRouter(api_key="k", server_url=fake.base_url) as client:
            res = await client.images.generate_async(model=PIXEL, prompt="x", n=2)
            models = await client.images.list_models_async()
            endpoints = await client.images.list_model_endpoints_async(
                author="fake-labs", slug="pixel-xl"
            )
            assert models.data and endpoints.endpoints
            return len(res.data)

    assert asyncio.run(main()) == 2


def test_context_manager_closes_and_cannot_reopen(fake: FakeServer) -> None:
    client = openrouter.OpenRouter(api_key="k", server_url=fake.base_url)
    with client:
        client.images.list_models()
    assert client.is_closed
    with pytest.raises(errors.ClientClosedError), client:
        pass
