"""openrouter: a small, typed Python SDK for the OpenRouter Images API.

    from openrouter import OpenRouter

    with OpenRouter() as client:  # the key comes from OPENROUTER_API_KEY
        res = client.images.generate(model="openai/gpt-image-1", prompt="a red panda")
        res.data[0].save("panda")  # -> panda.png

Names are loaded on first use, so ``import openrouter`` is nearly free: httpx is imported
with the first client, pydantic with the first response.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from . import components, errors, operations, utils
    from ._client import AsyncOpenRouter, OpenRouter
    from ._inputs import input_reference
    from ._request import CapabilityCheck, ParameterCheck
    from ._response import RawResponse
    from ._retry import BackoffStrategy, RetryConfig
    from ._streaming import AsyncImageStream, ImageStream
    from .errors import (
        APIConnectionError,
        APIStatusError,
        APITimeoutError,
        NoResponseError,
        OpenRouterError,
        ParameterError,
        StreamError,
    )

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncImageStream",
    "AsyncOpenRouter",
    "BackoffStrategy",
    "CapabilityCheck",
    "ImageStream",
    "NoResponseError",
    "OpenRouter",
    "OpenRouterError",
    "ParameterCheck",
    "ParameterError",
    "RawResponse",
    "RetryConfig",
    "StreamError",
    "__version__",
    "components",
    "errors",
    "input_reference",
    "operations",
    "utils",
]

_HOMES = {
    "OpenRouter": "._client",
    "AsyncOpenRouter": "._client",
    "ImageStream": "._streaming",
    "AsyncImageStream": "._streaming",
    "input_reference": "._inputs",
    "RawResponse": "._response",
    "CapabilityCheck": "._request",
    "ParameterCheck": "._request",
    "RetryConfig": "._retry",
    "BackoffStrategy": "._retry",
    "APIConnectionError": ".errors",
    "APIStatusError": ".errors",
    "APITimeoutError": ".errors",
    "NoResponseError": ".errors",
    "OpenRouterError": ".errors",
    "ParameterError": ".errors",
    "StreamError": ".errors",
}
_SUBMODULES = {"components", "errors", "operations", "utils", "testing"}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        value = getattr(importlib.import_module(_HOMES[name], __name__), name)
    elif name in _SUBMODULES:
        value = importlib.import_module(f".{name}", __name__)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(__all__) | _SUBMODULES)
