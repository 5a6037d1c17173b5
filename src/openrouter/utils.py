"""Retry settings, under the official SDK's names (``utils.RetryConfig``,
``utils.BackoffStrategy``), and the stream classes under its ``EventStream`` names.

    from openrouter.utils import BackoffStrategy, RetryConfig

    retry = RetryConfig("backoff", BackoffStrategy(500, 8_000, 2.0, 30_000), True)
    client = OpenRouter(retry_config=retry)            # for every call
    client.images.generate(..., retries=RetryConfig("none"))  # for one call

The default policy, used when neither is given, is :data:`DEFAULT_RETRY_CONFIG`; the
module ``openrouter._retry`` explains each of its choices.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._retry import DEFAULT_RETRY_CONFIG, BackoffStrategy, RetryConfig

if TYPE_CHECKING:
    from ._streaming import AsyncImageStream as EventStreamAsync
    from ._streaming import ImageStream as EventStream

__all__ = [
    "DEFAULT_RETRY_CONFIG",
    "BackoffStrategy",
    "EventStream",
    "EventStreamAsync",
    "RetryConfig",
]


def __getattr__(name: str) -> Any:
    # The stream classes need pydantic: load them only when asked for.
    if name in ("EventStream", "EventStreamAsync"):
        from . import _streaming

        return _streaming.ImageStream if name == "EventStream" else _streaming.AsyncImageStream
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
