"""Pure retry decisions: which failures are retried, how long to wait, when to stop."""

from __future__ import annotations

import time
from email.utils import formatdate

import httpx
import pytest

from openrouter import ParameterError
from openrouter._retry import DEFAULT_RETRY_CONFIG, RetryPolicy, retry_after_seconds
from openrouter.utils import BackoffStrategy, RetryConfig


def fast(max_elapsed: int = 10_000, **kw: object) -> RetryConfig:
    return RetryConfig("backoff", BackoffStrategy(100, 800, 2.0, max_elapsed, jitter_ms=0), **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504, 524, 529])
def test_default_retries_429_and_5xx(status: int) -> None:
    assert RetryPolicy(None, idempotent=False).delay_for_status(status, {}) is not None


@pytest.mark.parametrize("status", [400, 401, 402, 403, 404, 409, 413, 422])
def test_default_never_retries_other_4xx(status: int) -> None:
    assert RetryPolicy(None, idempotent=False).delay_for_status(status, {}) is None


def test_backoff_grows_exponentially_and_is_capped() -> None:
    policy = RetryPolicy(fast(), idempotent=False)
    delays = [policy.delay_for_status(503, {}) for _ in range(6)]
    assert delays == [0.1, 0.2, 0.4, 0.8, 0.8, 0.8]


def test_default_jitter_stays_within_a_quarter() -> None:
    for _ in range(50):
        delay = RetryPolicy(None, idempotent=False).delay_for_status(500, {})
        assert delay is not None and 0.5 <= delay <= 0.625


def test_retry_after_header_replaces_backoff() -> None:
    policy = RetryPolicy(fast(), idempotent=False)
    assert policy.delay_for_status(429, {"retry-after": "2"}) == 2.0
    assert policy.delay_for_status(429, {"retry-after-ms": "150"}) == 0.15


def test_retry_after_beyond_the_budget_gives_up_at_once() -> None:
    policy = RetryPolicy(fast(max_elapsed=1_000), idempotent=False)
    assert policy.delay_for_status(429, {"retry-after": "5"}) is None


def test_gives_up_after_max_elapsed_time() -> None:
    policy = RetryPolicy(fast(max_elapsed=250), idempotent=False)
    assert policy.delay_for_status(500, {}) == 0.1
    policy.started -= 0.2  # as if 200 ms had passed
    assert policy.delay_for_status(500, {}) is None


def test_strategy_none_never_retries() -> None:
    policy = RetryPolicy(RetryConfig("none"), idempotent=True)
    assert policy.delay_for_status(503, {}) is None
    assert policy.delay_for_error(httpx.ConnectError("refused")) is None


def test_status_codes_override() -> None:
    policy = RetryPolicy(fast(status_codes_override=["409", "5XX"]), idempotent=False)
    assert policy.delay_for_status(409, {}) is not None
    assert policy.delay_for_status(429, {}) is None
    assert policy.delay_for_status(599, {}) is not None


@pytest.mark.parametrize(
    "exc",
    [
        httpx.ConnectError("refused"),
        httpx.ConnectTimeout("slow connect"),
        httpx.RemoteProtocolError("peer closed connection"),
        httpx.ReadError("reset"),
    ],
)
def test_connection_failures_are_retried(exc: Exception) -> None:
    assert RetryPolicy(fast(), idempotent=False).delay_for_error(exc) is not None
    off = fast(retry_connection_errors=False)
    assert RetryPolicy(off, idempotent=False).delay_for_error(exc) is None


def test_read_timeout_retried_only_when_idempotent() -> None:
    exc = httpx.ReadTimeout("slow")
    assert RetryPolicy(fast(), idempotent=False).delay_for_error(exc) is None
    assert RetryPolicy(fast(), idempotent=True).delay_for_error(exc) is not None


def test_other_transport_errors_are_not_retried() -> None:
    exc = httpx.UnsupportedProtocol("ftp")
    assert RetryPolicy(fast(), idempotent=True).delay_for_error(exc) is None


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after": "3"}, 3.0),
        ({"retry-after": "0.5"}, 0.5),
        ({"retry-after-ms": "250"}, 0.25),
        ({"retry-after-ms": "250", "retry-after": "9"}, 0.25),
        ({"retry-after-ms": "junk", "retry-after": "9"}, 9.0),
        ({"retry-after": "soon"}, None),
        ({"retry-after": "-4"}, None),
        ({}, None),
    ],
)
def test_retry_after_parsing(headers: dict[str, str], expected: float | None) -> None:
    assert retry_after_seconds(headers) == expected


def test_retry_after_http_date() -> None:
    value = retry_after_seconds({"retry-after": formatdate(time.time() + 30, usegmt=True)})
    assert value is not None and 28 <= value <= 30
    past = retry_after_seconds({"retry-after": formatdate(time.time() - 30, usegmt=True)})
    assert past == 0.0


def test_config_validation_names_the_parameter() -> None:
    with pytest.raises(ParameterError, match="strategy.*'backoff' or 'none'"):
        RetryConfig("exponential")
    with pytest.raises(ParameterError, match="status_codes_override"):
        RetryConfig("backoff", status_codes_override=["5xx-ish"])
    with pytest.raises(ParameterError, match="exponent"):
        BackoffStrategy(100, 1000, 0.5, 1000)
    with pytest.raises(ParameterError, match="initial_interval"):
        BackoffStrategy(-1, 1000, 2, 1000)


def test_each_config_gets_its_own_default_backoff() -> None:
    first, second = RetryConfig("backoff"), RetryConfig("backoff")
    first.backoff.max_interval = 1  # changes this config's backoff, and no other
    assert second.backoff.max_interval == 8_000
    assert DEFAULT_RETRY_CONFIG.backoff.max_interval == 8_000
    assert first.backoff is not second.backoff
    assert second.backoff == BackoffStrategy.default() == DEFAULT_RETRY_CONFIG.backoff


def test_default_policy_is_bounded() -> None:
    assert DEFAULT_RETRY_CONFIG.strategy == "backoff"
    assert DEFAULT_RETRY_CONFIG.backoff.max_elapsed_time == 30_000
    assert DEFAULT_RETRY_CONFIG.retry_connection_errors is True


@pytest.mark.parametrize("headers", [{"retry-after": "0"}, {"retry-after-ms": "0"}])
def test_zero_retry_after_falls_back_to_backoff(headers: dict[str, str]) -> None:
    assert RetryPolicy(fast(), idempotent=False).delay_for_status(429, headers) == 0.1


def test_a_cut_off_success_is_retried_only_when_idempotent() -> None:
    exc = httpx.RemoteProtocolError("peer closed connection")
    assert RetryPolicy(fast(), idempotent=False).delay_for_error(exc, 200) is None
    assert RetryPolicy(fast(), idempotent=True).delay_for_error(exc, 200) is not None
    assert RetryPolicy(fast(), idempotent=False).delay_for_error(exc, 503) is not None


def test_an_override_changed_after_the_config_was_made_is_checked_before_sending() -> None:
    config = RetryConfig("backoff")
    config.status_codes_override = ["abc"]  # RetryConfig checked its value when it was made
    with pytest.raises(ParameterError, match="status_codes_override"):
        RetryPolicy(config, idempotent=False)
