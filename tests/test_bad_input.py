"""Input the wire cannot carry is refused before anything is sent: NaN and infinite
numbers, header names that would split the request, and strings with lone surrogates."""

from __future__ import annotations

import io
import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from openrouter import ParameterError, components
from openrouter._request import CONNECT_TIMEOUT_S, endpoints_path
from openrouter._retry import RetryPolicy
from openrouter.testing import FakeServer
from openrouter.utils import BackoffStrategy, RetryConfig

from .conftest import Api, call_spec, config, spec

PIXEL = "fake-labs/pixel-xl"
BAD = "photo-\udcff.png"  # b"photo-\xff.png" decoded with surrogateescape, as os.listdir does


@contextmanager
def refused(param: str, *fragments: str) -> Iterator[None]:
    """Expect a ParameterError naming exactly ``param``, its text holding ``fragments``."""
    with pytest.raises(ParameterError) as info:
        yield
    assert info.value.param == param, str(info.value)
    text = str(info.value)
    text.encode("utf-8")  # printable: a lone surrogate in the message would not be
    for fragment in fragments:
        assert fragment in text, text


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OPENROUTER_BASE_URL", "OPENROUTER_HTTP_REFERER"):
        monkeypatch.delenv(name, raising=False)


# timeout_ms -----------------------------------------------------------------------------


def test_infinite_timeout_means_no_limit_but_connecting_is_capped() -> None:
    for timeout in (config(timeout_ms=math.inf).timeout, spec(timeout_ms=math.inf).timeout):
        assert (timeout.read, timeout.write, timeout.pool) == (None, None, None)
        assert timeout.connect == CONNECT_TIMEOUT_S


@pytest.mark.parametrize("value", [math.nan, -math.inf, 0, -1, True, "5000", 10**13, 10**400])
def test_bad_timeouts_are_refused_client_wide_and_per_call(value: Any) -> None:
    with refused("timeout_ms", "math.inf"):
        config(timeout_ms=value)
    with refused("timeout_ms", "math.inf"):
        spec(timeout_ms=value)


# BackoffStrategy ------------------------------------------------------------------------

GOOD: dict[str, Any] = {
    "initial_interval": 100,
    "max_interval": 800,
    "exponent": 2.0,
    "max_elapsed_time": 5000,
}


@pytest.mark.parametrize("name", [*GOOD, "jitter_ms"])
def test_nan_is_refused_in_every_backoff_field(name: str) -> None:
    with refused(name, "nan"):
        BackoffStrategy(**{**GOOD, name: math.nan})


@pytest.mark.parametrize("name", ["initial_interval", "exponent", "jitter_ms"])
def test_infinity_is_refused_where_it_means_nothing(name: str) -> None:
    with refused(name, "finite"):
        BackoffStrategy(**{**GOOD, name: math.inf})


@pytest.mark.parametrize("name", [*GOOD, "jitter_ms"])
def test_bools_are_not_numbers_of_the_backoff(name: str) -> None:
    with refused(name):
        BackoffStrategy(**{**GOOD, name: True})


def test_infinite_budget_keeps_retrying_and_never_overflows() -> None:
    backoff = BackoffStrategy(100, 800, 2.0, math.inf, jitter_ms=0)
    policy = RetryPolicy(RetryConfig("backoff", backoff), idempotent=False)
    policy.started = time.monotonic() - 10**9  # a budget of 30 years would be spent
    assert policy.delay_for_status(503, {}) == 0.1
    policy.retried = 5000  # 2.0 ** 5000 overflows a float: the cap applies
    assert policy.delay_for_status(503, {}) == 0.8
    finite = RetryPolicy(RetryConfig("backoff", BackoffStrategy(**GOOD)), idempotent=False)
    finite.started = policy.started
    assert finite.delay_for_status(503, {}) is None


def test_infinite_max_interval_is_no_cap() -> None:
    backoff = BackoffStrategy(100, math.inf, 10.0, 10**9, jitter_ms=0)
    policy = RetryPolicy(RetryConfig("backoff", backoff), idempotent=False)
    assert [policy.delay_for_status(503, {}) for _ in range(4)] == [0.1, 1.0, 10.0, 100.0]


# Header names ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["X-A\r\nX-Injected", "X-A\n", "X A", "X-A:", "", "X-Ünï", "X-\x00", "X-\udcff"]
)
def test_bad_header_names_are_refused(name: str) -> None:
    with refused("http_headers", repr(name), "not a valid header name", "letters, digits"):
        call_spec(config(), "GET", "/x", http_headers={name: "1"})


def test_a_header_name_must_be_a_string() -> None:
    with refused("http_headers", "7"):
        call_spec(config(), "GET", "/x", http_headers={7: "1"})  # type: ignore[dict-item]


def test_token_characters_are_fine_in_header_names() -> None:
    name = "X-Custom_1.a!#$%&'*+^`|~"
    assert call_spec(config(), "GET", "/x", http_headers={name: "1"}).headers == {name.lower(): "1"}


# Lone surrogates ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["prompt", "model", "size", "user", "session_id", "quality", "aspect_ratio"]
)
def test_lone_surrogates_are_refused_in_body_strings(name: str) -> None:
    with refused(name, "lone surrogate", "'\\udcff' at index 6", "surrogateescape"):
        spec(**{name: BAD})


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"provider": {"only": ["openai", BAD]}}, "provider.only[1]"),
        ({"provider": {"options": {"openai": {"file": BAD}}}}, "provider.options.openai.file"),
        (
            {"provider": components.ImageGenerationProviderPreferences(order=[BAD])},
            "provider.order[0]",
        ),
        ({"trace": {"trace_id": BAD}}, "trace.trace_id"),
        ({"trace": {"meta": {"files": ["ok.png", BAD]}}}, "trace.meta.files[1]"),
        ({"trace": {BAD: 1}}, "trace['photo-\\udcff.png']"),
        (
            {"input_references": [{"type": "image_url", "image_url": {"url": "https://x/" + BAD}}]},
            "input_references[0].image_url.url",
        ),
    ],
)
def test_lone_surrogates_are_refused_inside_structures(kwargs: dict[str, Any], param: str) -> None:
    with refused(param, "lone surrogate"):
        spec(**kwargs)


def test_lone_surrogates_are_refused_in_header_values() -> None:
    with refused("http_referer", "lone surrogate"):
        config(http_referer="https://app.example/" + BAD)
    with refused("x_open_router_title", "lone surrogate"):
        call_spec(config(), "GET", "/x", x_open_router_title=BAD)
    with refused("http_headers['X-File']", "lone surrogate"):
        call_spec(config(), "GET", "/x", http_headers={"X-File": BAD})
    with refused("server_url", "lone surrogate"):
        config(server_url="https://example.com/" + BAD)


def test_lone_surrogates_are_refused_in_model_ids() -> None:
    with refused("author", "lone surrogate"):
        endpoints_path(BAD, "x")
    with refused("slug", "lone surrogate"):
        endpoints_path("openai", BAD)


def test_a_reference_file_with_an_undecodable_name_is_read_not_sent(tmp_path: Path) -> None:
    path = tmp_path / BAD
    image = io.BytesIO()
    Image.new("RGB", (2, 2)).save(image, "PNG")
    path.write_bytes(image.getvalue())
    url = spec(input_references=[str(path)]).json["input_references"][0]["image_url"]["url"]
    assert url.startswith("data:image/png;base64,")


def test_readable_non_ascii_text_is_sent() -> None:
    body = spec(prompt="un chat roux, façon aquarelle 🐈", trace={"tag": "été"}).json
    assert body["prompt"].endswith("🐈") and body["trace"] == {"tag": "été"}


# NaN and infinity in pass-through dicts -------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "param", "shown"),
    [
        (
            {"provider": {"options": {"openai": {"strength": math.nan}}}},
            "provider.options.openai.strength",
            "nan",
        ),
        (
            {"provider": {"options": {"black_forest_labs": {"steps": [1, math.inf]}}}},
            "provider.options.black_forest_labs.steps[1]",
            "inf",
        ),
        ({"trace": {"score": -math.inf}}, "trace.score", "-inf"),
        ({"trace": components.TraceConfig(score=math.nan)}, "trace.score", "nan"),
        ({"trace": {"nested": {"values": [0.5, math.nan]}}}, "trace.nested.values[1]", "nan"),
    ],
)
def test_non_finite_numbers_are_refused_not_sent_as_null(
    kwargs: dict[str, Any], param: str, shown: str
) -> None:
    with refused(param, f"must be a finite number, got {shown}", "JSON has no NaN"):
        spec(**kwargs)


def test_finite_numbers_pass_through() -> None:
    body = spec(provider={"options": {"openai": {"strength": 0.5}}}, trace={"n": 1e300}).json
    assert body["provider"] == {"options": {"openai": {"strength": 0.5}}}
    assert body["trace"] == {"n": 1e300}


# Over real sockets: nothing is sent ------------------------------------------------------


@pytest.mark.anyio
@pytest.mark.parametrize(
    "bad",
    [
        {"timeout_ms": math.nan},
        {"prompt": "a cat " + BAD},
        {"provider": {"options": {"openai": {"strength": math.nan}}}},
        {"trace": {"files": [BAD]}},
        {"http_headers": {"X-A\r\nX-Injected": "1"}},
        {"http_headers": {"X-File": BAD}},
    ],
    ids=["timeout", "prompt", "provider-nan", "trace-surrogate", "header-name", "header-value"],
)
async def test_bad_input_sends_nothing(api: Api, fake: FakeServer, bad: dict[str, Any]) -> None:
    with pytest.raises(ParameterError):
        await api.generate(**{"model": PIXEL, "prompt": "a cat", **bad})
    with pytest.raises(ParameterError):
        await api.open_stream(**{"model": PIXEL, "prompt": "a cat", **bad})
    assert fake.requests == []


@pytest.mark.anyio
async def test_bad_discovery_input_sends_nothing(api: Api, fake: FakeServer) -> None:
    with pytest.raises(ParameterError, match="author: contains a lone surrogate"):
        await api.list_model_endpoints(author=BAD, slug="pixel-xl")
    with pytest.raises(ParameterError, match="timeout_ms"):
        await api.list_models(timeout_ms=-math.inf)
    with pytest.raises(ParameterError, match="http_headers"):
        await api.list_models(http_headers={"Bad Name": "1"})
    assert fake.requests == []


@pytest.mark.anyio
async def test_infinite_timeouts_work_over_the_wire(
    api: Api, make_api: Any, fake: FakeServer
) -> None:
    unlimited = make_api(timeout_ms=math.inf)
    assert len((await unlimited.generate(model=PIXEL, prompt="a cat")).data) == 1
    assert len((await api.generate(model=PIXEL, prompt="a cat", timeout_ms=math.inf)).data) == 1
    assert len(fake.requests) == 2


@pytest.mark.anyio
async def test_an_unlimited_retry_budget_retries_over_the_wire(
    make_api: Any, fake: FakeServer
) -> None:
    retry = RetryConfig("backoff", BackoffStrategy(1, 5, 2.0, math.inf, jitter_ms=0))
    client = make_api(retry_config=retry)
    fake.inject(status=503, times=3)
    assert len((await client.generate(model=PIXEL, prompt="a cat")).data) == 1
    assert len(fake.requests) == 4
