"""Typed errors, retries and timeouts, shown against the local fake server's fault injection.

python examples/errors_and_retries.py  # always offline: it needs the fake server's faults
"""

from __future__ import annotations

from openrouter import OpenRouter, errors
from openrouter.testing import FakeServer
from openrouter.utils import BackoffStrategy, RetryConfig

MODEL = "fake-labs/pixel-xl"

with FakeServer() as server:
    quick = RetryConfig("backoff", BackoffStrategy(100, 1_000, 2.0, 5_000), True)
    with OpenRouter(
        api_key=server.api_key, server_url=server.base_url, retry_config=quick
    ) as client:
        server.inject(status=429, headers={"Retry-After": "0.2"}, times=2)
        client.images.generate(model=MODEL, prompt="x")
        print(f"429 twice, then success: {len(server.requests)} requests")

        server.inject(status=402, times=None)
        try:
            client.images.generate(model=MODEL, prompt="x")
        except errors.PaymentRequiredResponseError as exc:
            print("402 is not retried:", exc, "| data.error.code =", exc.data.error.code)
        server.reset()

        server.inject(html=True)  # a proxy's HTML 524 page
        try:
            client.images.generate(model=MODEL, prompt="x", retries=RetryConfig("none"))
        except errors.EdgeNetworkTimeoutResponseError as exc:
            print("HTML error page:", exc)

        server.inject(delay=2.0)
        try:
            client.images.generate(model=MODEL, prompt="x", timeout_ms=300)
        except errors.APITimeoutError as exc:
            print("timeout:", exc)

        try:
            client.images.generate(model=MODEL, prompt="x", n=20)
        except errors.ParameterError as exc:
            print("caught before sending:", exc)
