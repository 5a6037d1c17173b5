"""``images.with_raw_response``, and the ids and retry counts of results, streams and errors,
end to end against the fake server (each test body runs with both clients)."""

from __future__ import annotations

import copy
import datetime
import inspect
import pickle
from typing import Any

import pytest

import openrouter
from openrouter import RawResponse, components, errors
from openrouter._images import (
    AsyncImages,
    AsyncImagesWithRawResponse,
    Images,
    ImagesWithRawResponse,
)
from openrouter.testing import FakeServer
from openrouter.utils import BackoffStrategy, RetryConfig

from .conftest import Api

pytestmark = pytest.mark.anyio
PIXEL = "fake-labs/pixel-xl"
STREAMING = "fake-labs/stream-diffusion"
NO_RETRY = RetryConfig("none")
RESULTS = {
    "generate": components.ImageGenerationResponse,
    "list_models": components.ImageModelsListResponse,
    "list_model_endpoints": components.ImageModelEndpointsResponse,
}
ARGS: dict[str, dict[str, Any]] = {
    "generate": {"model": PIXEL, "prompt": "a lighthouse"},
    "list_models": {},
    "list_model_endpoints": {"author": "fake-labs", "slug": "pixel-xl"},
}


async def raw(api: Api, method: str, **kwargs: Any) -> RawResponse[Any]:
    """``client.images.with_raw_response.<method>(**kwargs)``, awaited for the async client."""
    result = getattr(api.client.images.with_raw_response, method)(**kwargs)
    return await result if api.mode == "async" else result  # type: ignore[no-any-return]


async def call(api: Api, method: str, **kwargs: Any) -> Any:
    result = getattr(api.client.images, method)(**kwargs)
    return await result if api.mode == "async" else result


def recorded(fake: FakeServer) -> Any:
    sent = fake.last_request
    assert sent is not None and sent.request_id.startswith("req_")
    return sent


# --------------------------------------------------------------------------------------
# The raw response


@pytest.mark.parametrize("method", list(RESULTS))
async def test_raw_response_fields_and_parse(api: Api, fake: FakeServer, method: str) -> None:
    response = await raw(api, method, **ARGS[method])
    sent = recorded(fake)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.request_id == sent.request_id == response.headers["x-request-id"]
    assert response.generation_id == sent.generation_id
    assert (response.generation_id is not None) == (method == "generate")
    assert response.retries_taken == 0
    assert isinstance(response.elapsed, datetime.timedelta)
    assert datetime.timedelta(0) < response.elapsed < datetime.timedelta(seconds=30)
    assert response.http_request.method == sent.method
    assert response.http_request.url.path == sent.path
    assert response.http_request.headers["authorization"] == "Bearer ***"  # the key is out
    assert response.http_response.json()  # the body, read
    result = response.parse()
    assert type(result) is RESULTS[method]
    assert response.parse() is result  # parsed once
    assert result.request_id == sent.request_id and result.retries_taken == 0
    assert result.generation_id == sent.generation_id
    assert "request_id" not in result.to_dict() and "request_id" not in result.model_dump()
    assert f"request_id={sent.request_id}" in repr(response)


async def test_raw_stream_parses_to_the_stream(api: Api, fake: FakeServer) -> None:
    response = await raw(api, "generate", model=STREAMING, prompt="a fox", stream=True)
    sent = recorded(fake)
    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.generation_id == sent.generation_id is not None
    stream = response.parse()
    assert response.parse() is stream
    expected = openrouter.ImageStream if api.mode == "sync" else openrouter.AsyncImageStream
    assert type(stream) is expected
    assert (stream.request_id, stream.generation_id) == (sent.request_id, sent.generation_id)
    if api.mode == "sync":
        with stream as events:
            kinds = [type(event) for event in events]
    else:
        async with stream as events:
            kinds = [type(event) async for event in events]
    assert kinds[-1] is components.ImageGenCompletedEvent
    assert components.ImageGenPartialImageEvent in kinds


async def test_raw_stream_of_a_model_without_native_streaming(api: Api, fake: FakeServer) -> None:
    response = await raw(api, "generate", model=PIXEL, prompt="a fox", stream=True)
    assert response.headers["content-type"] == "application/json"
    stream = response.parse()
    assert stream.request_id == recorded(fake).request_id
    if api.mode == "sync":
        events = list(stream)
    else:
        events = [event async for event in stream]
    assert [type(e) for e in events] == [components.ImageGenCompletedEvent]


async def test_raw_status_error_is_raised_by_the_call(api: Api, fake: FakeServer) -> None:
    fake.inject(status=402)
    with pytest.raises(errors.PaymentRequiredResponseError) as info:
        await raw(api, "generate", model=PIXEL, prompt="x", retries=NO_RETRY)
    assert info.value.request_id == recorded(fake).request_id


async def test_raw_body_problem_is_raised_by_parse(api: Api, fake: FakeServer) -> None:
    fake.inject(body={"nothing": "useful"})
    response = await raw(api, "list_models")
    assert response.status_code == 200
    with pytest.raises(errors.ResponseValidationError) as info:
        response.parse()
    assert info.value.request_id == response.request_id == recorded(fake).request_id


async def test_raw_call_checks_its_arguments_as_the_method_does(api: Api) -> None:
    with pytest.raises(errors.ParameterError, match="n: must be an integer from 1 to 10"):
        await raw(api, "generate", model=PIXEL, prompt="x", n=11)
    with pytest.raises(TypeError, match="unexpected keyword argument 'colour'"):
        await raw(api, "generate", model=PIXEL, prompt="x", colour="red")


async def test_sync_client_raw_async_methods(fake: FakeServer) -> None:
    async with openrouter.OpenRouter(api_key=fake.api_key, server_url=fake.base_url) as client:
        raw_images = client.images.with_raw_response
        assert client.images.with_raw_response is raw_images
        models = await raw_images.list_models_async()
        assert models.request_id == recorded(fake).request_id
        assert isinstance(models.parse(), components.ImageModelsListResponse)
        endpoints = await raw_images.list_model_endpoints_async(author="fake-labs", slug="pixel-xl")
        assert endpoints.parse().endpoints
        images = await raw_images.generate_async(model=PIXEL, prompt="x")
        assert images.generation_id == recorded(fake).generation_id
        assert images.parse().data


@pytest.mark.parametrize("method", list(RESULTS))
def test_raw_methods_have_the_signatures_of_the_methods(method: str) -> None:
    plain = inspect.signature(getattr(Images, method))
    for raw_method, twin in (
        (getattr(ImagesWithRawResponse, method), getattr(Images, method)),
        (getattr(ImagesWithRawResponse, f"{method}_async"), getattr(Images, f"{method}_async")),
        (getattr(AsyncImagesWithRawResponse, method), getattr(AsyncImages, method)),
    ):
        assert inspect.signature(raw_method) == inspect.signature(twin)
        assert inspect.signature(raw_method).parameters == plain.parameters
        assert inspect.iscoroutinefunction(raw_method) == inspect.iscoroutinefunction(twin)


# --------------------------------------------------------------------------------------
# Ids and retries on results, streams and errors


@pytest.mark.parametrize("method", list(RESULTS))
async def test_results_carry_the_ids_of_their_call(api: Api, fake: FakeServer, method: str) -> None:
    result = await call(api, method, **ARGS[method])
    sent = recorded(fake)
    assert result.request_id == sent.request_id
    assert result.generation_id == sent.generation_id
    assert result.retries_taken == 0


@pytest.mark.parametrize("method", list(RESULTS))
async def test_results_keep_their_ids_when_pickled_or_copied(
    api: Api, fake: FakeServer, method: str
) -> None:
    fake.inject(status=503, times=1)
    result = await call(api, method, **ARGS[method])
    ids = (result.request_id, result.generation_id, result.retries_taken)
    assert ids[0] is not None and ids[2] == 1
    copies = [
        pickle.loads(pickle.dumps(result)),
        copy.copy(result),
        copy.deepcopy(result),
        result.model_copy(),
        result.model_copy(deep=True),
    ]
    for copied in copies:
        assert (copied.request_id, copied.generation_id, copied.retries_taken) == ids
        assert copied == result and copied.to_dict() == result.to_dict()
    # The ids are not fields: never dumped, never compared.
    assert "request_id" not in result.to_json() and "_call" not in result.model_dump()


def test_a_result_made_by_hand_has_no_ids() -> None:
    made = components.ImageModelsListResponse(data=[])
    assert (made.request_id, made.generation_id, made.retries_taken) == (None, None, 0)
    assert pickle.loads(pickle.dumps(made)).request_id is None


async def test_streams_carry_the_ids_of_their_call(api: Api, fake: FakeServer) -> None:
    stream = await api.open_stream(model=STREAMING, prompt="x")
    sent = recorded(fake)
    try:
        assert (stream.request_id, stream.generation_id) == (sent.request_id, sent.generation_id)
        assert stream.retries_taken == 0
    finally:
        await stream.close() if api.mode == "async" else stream.close()


async def test_ids_the_api_did_not_send_are_none(api: Api, fake: FakeServer) -> None:
    fake.inject(headers={"x-request-id": "", "x-generation-id": ""})
    result = await api.generate(model=PIXEL, prompt="x")
    assert result.request_id is None and result.generation_id is None
    fake.inject(headers={"X-Request-Id": "req_custom"})  # any spelling of the name
    assert (await api.list_models()).request_id == "req_custom"


@pytest.mark.parametrize("method", list(RESULTS))
async def test_retries_taken_counts_the_retries(api: Api, fake: FakeServer, method: str) -> None:
    fake.inject(status=429, headers={"Retry-After": "0"}, times=2)
    result = await call(api, method, **ARGS[method])
    assert result.retries_taken == 2
    assert len(fake.requests) == 3
    assert result.request_id == recorded(fake).request_id  # the attempt that answered
    fake.inject(status=503, times=1)
    response = await raw(api, method, **ARGS[method])
    assert response.retries_taken == response.parse().retries_taken == 1


async def test_stream_retries_taken(api: Api, fake: FakeServer) -> None:
    fake.inject(status=429, headers={"Retry-After": "0"}, times=1)
    events = await api.open_stream(model=STREAMING, prompt="x")
    try:
        assert events.retries_taken == 1 and events.request_id == recorded(fake).request_id
    finally:
        await events.close() if api.mode == "async" else events.close()


async def test_status_error_ids_retries_and_str(api: Api, fake: FakeServer) -> None:
    fake.inject(status=429, headers={"Retry-After": "0"}, times=2)
    fake.inject(status=429, headers={"x-should-retry": "false"})
    with pytest.raises(errors.TooManyRequestsResponseError) as info:
        await api.generate(model=PIXEL, prompt="x")
    err, sent = info.value, recorded(fake)
    assert len(fake.requests) == 3
    assert (err.request_id, err.generation_id) == (sent.request_id, sent.generation_id)
    assert err.retries_taken == 2
    ids = f"request_id={sent.request_id}, generation_id={sent.generation_id}"
    assert str(err) == f"Rate limit exceeded (HTTP 429, {ids}, 2 retries)"
    assert "\n" not in str(err)

    fake.inject(status=500, times=1)
    fake.inject(status=404, headers={"x-request-id": "req_123"})
    with pytest.raises(errors.NotFoundResponseError) as info:
        await api.list_models()
    assert info.value.generation_id is None  # the discovery calls have none
    assert str(info.value).endswith("(HTTP 404, request_id=req_123, 1 retry)")


async def test_status_error_without_ids_or_retries(api: Api, fake: FakeServer) -> None:
    fake.inject(status=400, headers={"x-request-id": "", "x-generation-id": ""})
    with pytest.raises(errors.BadRequestResponseError) as info:
        await api.generate(model=PIXEL, prompt="x", retries=NO_RETRY)
    err = info.value
    assert (err.request_id, err.generation_id, err.retries_taken) == (None, None, 0)
    assert str(err) == "Invalid request parameters (HTTP 400)"


async def test_errors_pickle_with_their_ids(api: Api, fake: FakeServer) -> None:
    fake.inject(status=502, times=1)
    fake.inject(status=402)
    with pytest.raises(errors.PaymentRequiredResponseError) as info:
        await api.generate(model=PIXEL, prompt="x")
    err = info.value
    copy = pickle.loads(pickle.dumps(err))
    assert type(copy) is type(err) and str(copy) == str(err)
    assert (copy.request_id, copy.generation_id, copy.retries_taken) == (
        err.request_id,
        err.generation_id,
        1,
    )
    assert err.request_id is not None and err.generation_id is not None


async def test_stream_error_carries_the_ids(api: Api, fake: FakeServer) -> None:
    fake.inject(error_event=True)
    with pytest.raises(errors.StreamError) as info:
        await api.stream(model=STREAMING, prompt="x")
    sent = recorded(fake)
    assert (info.value.request_id, info.value.generation_id) == (
        sent.request_id,
        sent.generation_id,
    )


async def test_connection_errors_count_their_retries(api: Api, fake: FakeServer) -> None:
    fake.inject(drop="before-headers", times=None)
    quick = RetryConfig("backoff", BackoffStrategy(1, 1, 1.0, 100), True)
    with pytest.raises(errors.APIConnectionError) as info:
        await api.list_models(retries=quick)
    assert info.value.retries_taken == len(fake.requests) - 1 > 0
    assert info.value.request_id is None  # no response, no id
