"""Responses that stray from the spec: a paid image is never lost to drifting bookkeeping,
an error envelope is an API error whatever its status, and a wrong URL says so.

Unit tests of ``_response`` first, then the same cases over real sockets (sync and async)
with the fake server sending the drifted bodies."""

from __future__ import annotations

import base64
import json
import logging
from typing import Any

import httpx
import pytest

from openrouter import components as c
from openrouter import errors
from openrouter._response import _warned, call_ids, parse_json
from openrouter.testing import FakeServer

from .conftest import Api

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
B64 = base64.b64encode(PNG).decode()
PIXEL = "fake-labs/pixel-xl"
pytestmark = pytest.mark.anyio


def response(body: Any, status: int = 200) -> httpx.Response:
    request = httpx.Request("POST", "http://api.test/api/v1/images")
    return httpx.Response(status, json=body, request=request)


def result(**drift: Any) -> dict[str, Any]:
    """A buffered result with one image, its bookkeeping replaced by ``drift``."""
    body: dict[str, Any] = {
        "created": 1_733_000_000,
        "data": [{"b64_json": B64, "media_type": "image/png"}],
        "usage": {"prompt_tokens": 12, "completion_tokens": 4175, "total_tokens": 4187},
    }
    for key, value in drift.items():
        if key.startswith("usage_"):
            body["usage"][key[6:]] = value
        else:
            body[key] = value
    return body


@pytest.fixture(autouse=True)
def _fresh_warnings() -> None:
    _warned.clear()  # each test sees its own "logged once" warnings


# (drifted body, what the bookkeeping then reads as)
DRIFTS = {
    "integral floats become ints": (
        result(created=1_733_000_000.0, usage_prompt_tokens=12.0),
        lambda r: r.created == 1_733_000_000 and r.usage.prompt_tokens == 12,
    ),
    "a fractional float where an int is documented is kept": (
        result(usage_completion_tokens=4175.5),
        lambda r: r.usage.completion_tokens == 4175.5,
    ),
    "numeric strings become numbers": (
        result(created="1733000000", usage_cost="0.04", usage_total_tokens="4187"),
        lambda r: r.created == 1_733_000_000 and r.usage.cost == 0.04,
    ),
    "null where required": (
        result(created=None, usage_prompt_tokens=None),
        lambda r: r.created is None and r.usage.prompt_tokens is None,
    ),
    "absent where required": (
        {"data": [{"b64_json": B64}], "usage": {"cost": 0.04}},
        lambda r: r.created is None and r.usage.total_tokens is None and r.usage.cost == 0.04,
    ),
    "an object where a scalar is": (
        result(usage_cost={"amount": 0.04, "currency": "USD"}, created={"seconds": 1}),
        lambda r: (
            r.usage.cost == {"amount": 0.04, "currency": "USD"} and r.created == {"seconds": 1}
        ),
    ),
    "unknown nested fields": (
        result(usage_cost_details={"upstream_inference_cost": 0.03, "x_new": {"a": 1}}),
        lambda r: r.usage.cost_details.model_extra == {"x_new": {"a": 1}},
    ),
    "a whole field renamed (chat-style usage)": (
        {
            "created_at": 1,
            "data": [{"b64_json": B64}],
            "usage": {"input_tokens": 12, "output_tokens": 4175, "total_cost": 0.04},
        },
        lambda r: (
            r.created is None
            and r.model_extra == {"created_at": 1}
            and r.usage.prompt_tokens is None
            and r.usage.model_extra["total_cost"] == 0.04
        ),
    ),
    "a list of details where an object is": (
        result(usage_prompt_tokens_details=[1, 2]),
        lambda r: r.usage.prompt_tokens_details == [1, 2],
    ),
}


@pytest.mark.parametrize("case", DRIFTS)
def test_drifted_bookkeeping_never_loses_the_image(case: str) -> None:
    body, check = DRIFTS[case]
    res = parse_json(response(body), c.ImageGenerationResponse)
    assert res.data[0].to_bytes() == PNG
    assert check(res), res
    # Nothing is lost: the dump gives back every value the API sent, raw where it drifted.
    dumped = res.model_dump(exclude_unset=True)
    for key, value in body.items():
        if key != "usage":
            assert dumped[key] == value or (key == "created" and value is not None)


def test_each_drifted_field_is_logged_once(caplog: pytest.LogCaptureFixture) -> None:
    body = result(usage_cost={"amount": 0.04})
    with caplog.at_level(logging.WARNING, logger="openrouter"):
        for _ in range(3):
            parse_json(response(body), c.ImageGenerationResponse)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "ImageGenerationResponse.usage.cost" in warnings[0].getMessage()
    assert "0.04" not in warnings[0].getMessage()  # the value itself is not logged


def test_a_well_formed_body_takes_no_repair(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="openrouter"):
        res = parse_json(response(result()), c.ImageGenerationResponse)
    assert res.usage is not None and res.usage.total_tokens == 4187
    assert caplog.records == []


@pytest.mark.parametrize(
    "data",
    [
        [{"b64_json": None}],  # the image itself is null
        [{"media_type": "image/png"}],  # no b64_json and no url
        [{"b64_json": {"data": B64}}],  # an object where the image is
        "not a list",
    ],
)
def test_problems_with_the_images_themselves_are_errors(data: Any) -> None:
    with pytest.raises(errors.ResponseValidationError, match="ImageGenerationResponse: data"):
        parse_json(response(result(data=data)), c.ImageGenerationResponse)


def test_an_image_as_a_url() -> None:
    url = "data:image/png;base64," + B64
    res = parse_json(response(result(data=[{"url": url}])), c.ImageGenerationResponse)
    assert res.data[0].to_bytes() == PNG and res.data[0].mime_type == "image/png"
    remote = parse_json(
        response(result(data=[{"url": "https://cdn.test/a.png"}])), c.ImageGenerationResponse
    )
    assert remote.data[0].url == "https://cdn.test/a.png"
    with pytest.raises(ValueError, match="download it from `url`"):
        remote.data[0].to_bytes()
    (event,) = remote.completed_events()
    assert event.model_extra == {"url": "https://cdn.test/a.png"}


def test_listings_keep_every_model_whatever_its_metadata() -> None:
    good = {
        "id": "a/good",
        "name": "Good",
        "description": "",
        "created": 1,
        "architecture": {"input_modalities": ["text"], "output_modalities": ["image"]},
        "supported_parameters": {"quality": {"type": "enum", "values": ["low"]}},
        "supports_streaming": True,
        "endpoints": "/images/models/a/good/endpoints",
    }
    odd = {
        **good,
        "id": "a/odd",
        "name": None,
        "created": {"s": 1},
        "architecture": {"input_modalities": ["text", 5], "output_modalities": ["image"]},
        "supported_parameters": {"quality": "low,high", "n": {"type": "range", "min": "1"}},
        "supports_streaming": {"native": True},
    }
    del odd["endpoints"]
    res = parse_json(response({"data": [good, odd]}), c.ImageModelsListResponse)
    assert [m.id for m in res.data] == ["a/good", "a/odd"]
    first, second = res.data
    assert isinstance(first.supported_parameters, dict)
    assert isinstance(first.supported_parameters["quality"], c.EnumCapability)
    assert second.name is None and second.endpoints is None
    assert second.created == {"s": 1} and second.supports_streaming == {"native": True}
    assert second.architecture is not None
    assert second.architecture.input_modalities == ["text", 5]
    assert isinstance(second.supported_parameters, dict)
    assert second.supported_parameters["quality"] == "low,high"  # only that entry is raw
    assert isinstance(second.supported_parameters["n"], c.UnknownCapabilityDescriptor)


def test_a_model_without_an_id_is_an_error() -> None:
    with pytest.raises(errors.ResponseValidationError, match="data.0.id"):
        parse_json(response({"data": [{"id": None}]}), c.ImageModelsListResponse)


def test_pricing_drift_keeps_the_endpoint() -> None:
    endpoint = {
        "provider_name": "P",
        "provider_slug": "p",
        "provider_tag": None,
        "supported_parameters": {},
        "allowed_passthrough_parameters": None,
        "supports_streaming": True,
        "pricing": [{"billable": "output_image", "unit": "request", "cost_usd": {"usd": 0.04}}],
    }
    res = parse_json(
        response({"id": "a/b", "endpoints": [endpoint]}), c.ImageModelEndpointsResponse
    )
    (got,) = res.endpoints
    assert isinstance(got.pricing, list)
    assert got.pricing[0].cost_usd == {"usd": 0.04} and got.pricing[0].unit == "request"
    assert got.allowed_passthrough_parameters is None


# --------------------------------------------------------------------------------------
# Error envelopes where a result is documented


@pytest.mark.parametrize(
    ("error", "cls", "status"),
    [
        (
            {"code": 402, "message": "Insufficient credits"},
            errors.PaymentRequiredResponseError,
            402,
        ),
        ({"code": "429", "message": "Slow down"}, errors.TooManyRequestsResponseError, 429),
        ({"code": 418, "message": "teapot"}, errors.OpenRouterDefaultError, 418),
        ({"code": "moderation", "message": "refused"}, errors.OpenRouterDefaultError, 200),
        ("a plain string", errors.OpenRouterDefaultError, 200),
    ],
)
def test_an_envelope_with_status_200_is_the_typed_error(error: Any, cls: type, status: int) -> None:
    for model in (c.ImageGenerationResponse, c.ImageModelsListResponse):
        with pytest.raises(cls) as info:
            parse_json(response({"error": error}), model)  # type: ignore[type-var]
        assert type(info.value) is cls and info.value.status_code == status
        assert isinstance(info.value, errors.APIStatusError)
        expected = error["message"] if isinstance(error, dict) else error
        assert info.value.message == expected and info.value.data.error.message == expected


async def test_buffered_drift_over_http(api: Api, fake: FakeServer) -> None:
    for case, (body, check) in DRIFTS.items():
        fake.inject(body=body)
        res = await api.generate(model=PIXEL, prompt="x")
        assert res.data[0].to_bytes() == PNG, case
        assert check(res), case


async def test_streamed_drift_over_http(api: Api, fake: FakeServer) -> None:
    completed = {
        "type": "image_generation.completed",
        "b64_json": B64,
        "created": {"seconds": 1},
        "usage": {"input_tokens": 3, "cost": "0.04"},
    }
    partial = {
        "type": "image_generation.partial_image",
        "b64_json": B64,
        "partial_image_index": 0.5,
    }
    body = f"data: {json.dumps(partial)}\n\ndata: {json.dumps(completed)}\n\ndata: [DONE]\n\n"
    fake.inject(body=body, content_type="text/event-stream")
    first, last = await api.stream(model="fake-labs/stream-diffusion", prompt="x")
    assert isinstance(first, c.ImageGenPartialImageEvent) and first.partial_image_index == 0.5
    assert isinstance(last, c.ImageGenCompletedEvent) and last.to_bytes() == PNG
    assert last.created == {"seconds": 1}
    assert last.usage is not None and last.usage.cost == 0.04 and last.usage.total_tokens is None


async def test_envelope_over_http_buffered_and_listing(api: Api, fake: FakeServer) -> None:
    fake.inject(body={"error": {"code": 402, "message": "Insufficient credits"}})
    with pytest.raises(errors.PaymentRequiredResponseError, match="Insufficient credits"):
        await api.generate(model=PIXEL, prompt="x")
    fake.inject(body={"error": {"code": 503, "message": "No provider available"}})
    with pytest.raises(errors.OpenRouterDefaultError, match="No provider") as info:
        await api.list_models()
    assert info.value.status_code == 503


async def test_envelope_as_an_sse_data_event(api: Api, fake: FakeServer) -> None:
    partial = {"type": "image_generation.partial_image", "b64_json": B64, "partial_image_index": 0}
    envelope = {"error": {"code": 429, "message": "Rate limit exceeded", "metadata": {"a": 1}}}
    body = f"data: {json.dumps(partial)}\n\ndata: {json.dumps(envelope)}\n\n"
    fake.inject(body=body, content_type="text/event-stream")
    with pytest.raises(errors.TooManyRequestsResponseError, match="Rate limit") as info:
        await api.stream(model="fake-labs/stream-diffusion", prompt="x")
    assert info.value.status_code == 429 and info.value.data.error.metadata == {"a": 1}
    # An envelope whose code is not a status is the stream's own error.
    fake.inject(
        body='data: {"error": {"code": "upstream", "message": "fell over"}}\n\n',
        content_type="text/event-stream",
    )
    with pytest.raises(errors.StreamError, match="fell over"):
        await api.stream(model="fake-labs/stream-diffusion", prompt="x")


async def test_a_404_that_is_not_the_api_names_the_url(make_api, fake: FakeServer) -> None:  # type: ignore[no-untyped-def]
    client = make_api(server_url=fake.url + "/wrong/prefix")
    with pytest.raises(errors.NotFoundResponseError) as info:
        await client.list_models()
    message = str(info.value)
    assert f"GET {fake.url}/wrong/prefix/images/models answered 404" in message
    assert "check server_url" in message


# --------------------------------------------------------------------------------------
# The fake server's drift faults: every kind, on every endpoint, sync and async

KINDS = ["float-integers", "string-numbers", "nulls", "missing", "objects", "unknown-fields"]
KINDS.append("renamed")


@pytest.mark.parametrize("kind", KINDS)
async def test_every_drift_kind_keeps_every_image(api: Api, fake: FakeServer, kind: str) -> None:
    clean = await api.generate(model=PIXEL, prompt="a lighthouse", seed=3, n=2)
    fake.inject(drift=kind, times=None)
    res = await api.generate(model=PIXEL, prompt="a lighthouse", seed=3, n=2)
    assert [d.to_bytes() for d in res.data] == [d.to_bytes() for d in clean.data]
    events = await api.stream(model="fake-labs/stream-diffusion", prompt="a comet", seed=3)
    assert isinstance(events[-1], c.ImageGenCompletedEvent) and events[-1].to_bytes()
    models = await api.list_models()
    assert [m.id for m in models.data] == [m.id for m in (await _clean_models(api, fake)).data]
    fake.inject(drift=kind, times=None)
    endpoints = await api.list_model_endpoints(author="fake-labs", slug="pixel-xl")
    assert (endpoints.endpoints and endpoints.id == "fake-labs/pixel-xl") or kind == "nulls"


async def _clean_models(api: Api, fake: FakeServer) -> c.ImageModelsListResponse:
    fake.reset()
    return await api.list_models()


async def test_drift_reads_as_documented_where_nothing_is_lost(api: Api, fake: FakeServer) -> None:
    fake.inject(drift="string-numbers")
    res = await api.generate(model=PIXEL, prompt="x")
    assert isinstance(res.created, int) and res.usage is not None
    assert isinstance(res.usage.cost, float) and isinstance(res.usage.total_tokens, int)
    fake.inject(drift="objects")
    res = await api.generate(model=PIXEL, prompt="x")
    assert res.usage is not None and isinstance(res.usage.cost, dict)
    assert res.usage.cost["currency"] == "USD"
    fake.inject(drift="renamed")
    res = await api.generate(model=PIXEL, prompt="x")
    assert res.usage is not None and res.usage.prompt_tokens is None
    assert res.usage.model_extra is not None and "input_tokens" in res.usage.model_extra


async def test_envelope_faults(api: Api, fake: FakeServer) -> None:
    fake.inject(envelope=402)
    with pytest.raises(errors.PaymentRequiredResponseError):
        await api.generate(model=PIXEL, prompt="x")
    fake.inject(error_envelope_event=429)
    with pytest.raises(errors.TooManyRequestsResponseError):
        await api.stream(model="fake-labs/stream-diffusion", prompt="x")
    fake.inject(error_envelope_event=True, error_after=0)
    with pytest.raises(errors.BadGatewayResponseError):
        await api.stream(model="fake-labs/stream-diffusion", prompt="x")


def test_a_repair_does_not_copy_the_images() -> None:
    from openrouter._response import ESSENTIAL, repair

    b64 = B64 * 1000
    value = result(data=[{"b64_json": b64}], usage_cost={"amount": 0.04})
    res = repair(
        c.ImageGenerationResponse.model_validate,
        value,
        ESSENTIAL["ImageGenerationResponse"],
        "ImageGenerationResponse",
    )
    assert res.data[0].b64_json is b64  # the same string: megabytes are never copied
    assert value["usage"]["cost"] == {"amount": 0.04}  # the input is left whole


def test_call_ids_take_the_first_non_empty_header_of_each_name() -> None:
    headers = [
        ("X-Request-Id", ""),
        ("x-request-id", "req_1"),
        ("X-REQUEST-ID", "req_2"),
        ("x-generation-id", "gen-é".encode()),  # UTF-8: decoded as httpx decodes headers
    ]
    response = httpx.Response(200, headers=headers, extensions={"openrouter.retries_taken": 2})
    assert call_ids(response) == ("req_1", "gen-é", 2)
    assert call_ids(httpx.Response(200)) == (None, None, 0)
    assert call_ids(None) == (None, None, 0)


def test_a_result_pickled_by_an_earlier_version_keeps_its_ids() -> None:
    # Earlier versions kept the ids as a pydantic private attribute: `__pydantic_private__`.
    result = c.ImageModelsListResponse(data=[])
    state = result.__getstate__()
    del state["_call"]
    state["__pydantic_private__"] = {"_call": ("req_1", None, 1)}
    older = c.ImageModelsListResponse.__new__(c.ImageModelsListResponse)
    older.__setstate__(state)
    assert (older.request_id, older.generation_id, older.retries_taken) == ("req_1", None, 1)
