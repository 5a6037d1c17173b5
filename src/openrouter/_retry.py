"""Retry configuration and the pure decisions of the retry loop: whether, and how long.

Nothing here does I/O or sleeps; ``_transport`` drives these decisions for both clients.

The default policy is deliberate, because an image generation costs money:

* retry 429 and every 5XX (524 and 529 included), and connection failures (the request
  could not be sent, or the connection dropped before a response arrived);
* never retry any other 4XX; never retry a read timeout of ``POST /images`` (a generation
  that is merely slow may still be running, and billed, upstream), nor a ``POST /images``
  whose successful answer was cut off mid-body (the images were made, and billed);
* exponential backoff (0.5 s, 1 s, 2 s, 4 s, capped at 8 s) plus up to 25 % jitter, and no
  new attempt once 30 s have passed since the first one;
* a positive ``Retry-After`` (seconds or HTTP date) or ``retry-after-ms`` header replaces
  the backoff (zero or a past date does not: that would retry in a tight loop); when it
  asks for more time than the budget has left, the error is raised at once;
* a stream is retried only until its response headers arrive, never once events flow;
* when nothing answers at all (connection refused, DNS failure, connect timeout), the
  default policy tries twice more, quickly (0.2 s, then 0.4 s), and gives up: a wrong
  ``server_url`` surfaces in well under 2 s, not after the whole budget. A connection that
  drops mid-request, or a keep-alive connection the server closed, gets the full backoff;
* the server's ``x-should-retry: true|false`` header overrides the status-based decision.
"""

from __future__ import annotations

import copy
import math
import random
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from functools import lru_cache

import httpx

from .errors import ParameterError

__all__ = ["BackoffStrategy", "RetryConfig"]


@dataclass
class BackoffStrategy:
    """Exponential backoff, all times in milliseconds (the official SDK's meaning).

    The n-th retry waits ``initial_interval * exponent ** n`` capped at ``max_interval``,
    plus a random jitter of up to ``jitter_ms`` (default: a quarter of that interval).
    No retry starts once ``max_elapsed_time`` has passed since the first attempt.

    ``max_elapsed_time=math.inf`` removes the time budget: the call is retried until it
    succeeds or fails in a way that is not retried. ``max_interval=math.inf`` removes the
    cap on the wait. Every other value must be a finite number.
    """

    initial_interval: int
    max_interval: float
    exponent: float
    max_elapsed_time: float
    jitter_ms: int | None = None

    def __post_init__(self) -> None:
        for name, low, unit in (
            ("initial_interval", 0, "number of milliseconds"),
            ("max_interval", 0, "number of milliseconds"),
            ("max_elapsed_time", 0, "number of milliseconds"),
            ("jitter_ms", 0, "number of milliseconds"),
            ("exponent", 1, "number"),
        ):
            value = getattr(self, name)
            if value is None and name == "jitter_ms":
                continue
            unlimited = name in ("max_interval", "max_elapsed_time")
            number = isinstance(value, (int, float)) and not isinstance(value, bool)
            # `not value >= low` also catches NaN, which compares false to everything.
            if not number or not value >= low or (value == math.inf and not unlimited):
                allowed = (
                    f"a {unit} >= {low} (or math.inf: no limit)"
                    if unlimited
                    else f"a finite {unit} >= {low}"
                )
                raise ParameterError(name, f"must be {allowed}, got {value!r}")

    @classmethod
    def default(cls) -> BackoffStrategy:
        """A new copy of the default backoff: 0.5 s doubling up to 8 s, no new attempt after
        30 s (``RetryConfig("backoff")`` gets one; changing it changes no other)."""
        return copy.copy(DEFAULT_BACKOFF)


DEFAULT_BACKOFF = BackoffStrategy(
    initial_interval=500, max_interval=8_000, exponent=2.0, max_elapsed_time=30_000
)
"""The default backoff: 0.5 s doubling up to 8 s, no new attempt after 30 s."""


@dataclass
class RetryConfig:
    """When and how to retry a failed request.

    Args:
        strategy: ``"backoff"`` to retry, ``"none"`` to never retry.
        backoff: The waits between attempts.
        retry_connection_errors: Also retry when the connection fails or drops.
        status_codes_override: Statuses to retry instead of the default ``["429", "5XX"]``;
            entries are codes (``"503"``) or ranges (``"5XX"``).
    """

    strategy: str
    backoff: BackoffStrategy = field(default_factory=BackoffStrategy.default)
    retry_connection_errors: bool = True
    status_codes_override: list[str] | None = None

    def __post_init__(self) -> None:
        if self.strategy not in ("backoff", "none"):
            raise ParameterError("strategy", f"must be 'backoff' or 'none', got {self.strategy!r}")
        if self.status_codes_override is not None:
            for code in self.status_codes_override:
                _parse_status_pattern(code)


DEFAULT_RETRY_CONFIG = RetryConfig("backoff", DEFAULT_BACKOFF, retry_connection_errors=True)
"""The policy used when neither the client nor the call sets one (see the module docstring)."""

DEFAULT_RETRY_STATUSES = ("429", "5XX")


def _parse_status_pattern(code: str) -> tuple[int, int]:
    """``"503"`` -> (503, 503); ``"5XX"`` -> (500, 599)."""
    text = str(code).strip().upper()
    if len(text) == 3 and text[0].isdigit() and text[1:] == "XX":
        low = int(text[0]) * 100
        return low, low + 99
    if len(text) == 3 and text.isdigit():
        return int(text), int(text)
    raise ParameterError(
        "status_codes_override", f"entries must look like '503' or '5XX', got {code!r}"
    )


@lru_cache(maxsize=32)
def _status_ranges(codes: tuple[str, ...]) -> tuple[tuple[int, int], ...]:
    return tuple(_parse_status_pattern(code) for code in codes)


_DEFAULT_RANGES = _status_ranges(DEFAULT_RETRY_STATUSES)


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    """The wait a response asks for: ``retry-after-ms``, else ``Retry-After`` in seconds
    or as an HTTP date. ``None`` when absent or unreadable."""
    value = headers.get("retry-after-ms")
    if value:
        try:
            ms = float(value)
        except ValueError:
            ms = -1
        if 0 <= ms < float("inf"):
            return ms / 1000
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        seconds = moment.timestamp() - time.time()
        return max(0.0, seconds)
    return seconds if 0 <= seconds < float("inf") else None


# Failures after which the request cannot have been processed, or the connection died:
# retried when `retry_connection_errors` is on.
_CONNECTION_FAILURES = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.ReadError,
    httpx.WriteError,
    httpx.RemoteProtocolError,
)
# Nothing answered: with the default policy, only a couple of quick retries.
_UNREACHABLE = (httpx.ConnectError, httpx.ConnectTimeout)
UNREACHABLE_RETRIES = 2
"""Retries of the default policy when nothing answers (each waiting 0.2 s, then 0.4 s)."""
_UNREACHABLE_WAIT = 0.2
# The server may still be working (and billing): retried only for idempotent requests.
_SLOW_SERVER = (httpx.ReadTimeout, httpx.WriteTimeout)


class RetryPolicy:
    """The retry decisions for one call: ``None`` means give up, a number is the wait."""

    def __init__(self, retry_config: RetryConfig | None, *, idempotent: bool) -> None:
        self.retry_config = retry_config or DEFAULT_RETRY_CONFIG
        self.default = retry_config is None
        self.idempotent = idempotent
        self.retried = 0
        self.unreachable = 0  # attempts that found nothing to connect to
        self.started = time.monotonic()
        # Read now, before anything is sent: a config changed after it was made is checked.
        override = self.retry_config.status_codes_override
        self.ranges = _status_ranges(tuple(override)) if override else _DEFAULT_RANGES

    def delay_for_status(self, status: int, headers: Mapping[str, str]) -> float | None:
        """Wait before retrying a response with this status, or ``None``."""
        if self.retry_config.strategy != "backoff":
            return None
        # The server knows best: `x-should-retry` overrides the status-based decision.
        should = headers.get("x-should-retry", "").strip().lower()
        if should == "false" or (
            should != "true" and not any(low <= status <= high for low, high in self.ranges)
        ):
            return None
        return self._next(retry_after_seconds(headers))

    def delay_for_error(self, exc: Exception, status: int | None = None) -> float | None:
        """Wait before retrying after this transport error, or ``None``.

        ``status`` is the status of a response whose body failed to arrive, if any.
        """
        if self.retry_config.strategy != "backoff" or not self.retry_config.retry_connection_errors:
            return None
        if status is not None and 200 <= status < 300 and not self.idempotent:
            return None  # the work was done (and billed): another attempt would pay again
        if isinstance(exc, _UNREACHABLE):
            self.unreachable += 1
            if self.default:
                if self.unreachable > UNREACHABLE_RETRIES:
                    return None
                wait = _UNREACHABLE_WAIT * 2 ** (self.unreachable - 1)
                return self._next(wait * (1 + random.uniform(0, 0.25)))
        if isinstance(exc, _CONNECTION_FAILURES) or (
            self.idempotent and isinstance(exc, _SLOW_SERVER)
        ):
            return self._next(None)
        return None

    def _next(self, asked: float | None) -> float | None:
        backoff = self.retry_config.backoff
        if asked is None or asked <= 0:
            try:
                grown = backoff.initial_interval * backoff.exponent**self.retried
            except OverflowError:  # a float power after ~1000 retries without a time budget
                grown = math.inf if backoff.initial_interval else 0
            interval = min(backoff.max_interval, grown)
            jitter = interval / 4 if backoff.jitter_ms is None else backoff.jitter_ms
            asked = (interval + random.uniform(0, jitter)) / 1000
        elapsed = time.monotonic() - self.started
        if elapsed + asked > backoff.max_elapsed_time / 1000:
            return None
        self.retried += 1
        return asked


def describe(exc: BaseException) -> str:
    """A short text for a transport error, for logs and messages."""
    text = str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {text}" if text != type(exc).__name__ else text
