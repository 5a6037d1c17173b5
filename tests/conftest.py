"""Fixtures for the SDK tests: the project's fake OpenRouter server over real sockets, and
``api``, one interface over both clients so that each test body runs sync and async."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

import openrouter
from openrouter import components
from openrouter._config import Config
from openrouter._request import build, generate
from openrouter.testing import FakeServer
from openrouter.utils import BackoffStrategy, RetryConfig

pytest_plugins = ["pytester"]

#: Quick retries, so that tests of the retry loop take milliseconds.
FAST_RETRY = RetryConfig("backoff", BackoffStrategy(10, 50, 2.0, 5_000), True)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def fake(openrouter_server: FakeServer) -> FakeServer:
    """The session's fake server (the package's own pytest plugin), reset for this test."""
    return openrouter_server


class Api:
    """Calls ``client.images`` of a sync or an async client through one awaitable API."""

    def __init__(self, mode: str, **client_kwargs: Any) -> None:
        self.mode = mode
        cls = openrouter.OpenRouter if mode == "sync" else openrouter.AsyncOpenRouter
        self.client: Any = cls(**client_kwargs)

    async def generate(self, **kwargs: Any) -> components.ImageGenerationResponse:
        if self.mode == "sync":
            return self.client.images.generate(**kwargs)  # type: ignore[no-any-return]
        return await self.client.images.generate(**kwargs)  # type: ignore[no-any-return]

    async def stream(self, **kwargs: Any) -> list[Any]:
        """Consume ``generate(stream=True)`` inside its context manager."""
        if self.mode == "sync":
            with self.client.images.generate(stream=True, **kwargs) as events:
                return list(events)
        async with await self.client.images.generate(stream=True, **kwargs) as events:
            return [event async for event in events]

    async def open_stream(self, **kwargs: Any) -> Any:
        if self.mode == "sync":
            return self.client.images.generate(stream=True, **kwargs)
        return await self.client.images.generate(stream=True, **kwargs)

    async def list_models(self, **kwargs: Any) -> components.ImageModelsListResponse:
        if self.mode == "sync":
            return self.client.images.list_models(**kwargs)  # type: ignore[no-any-return]
        return await self.client.images.list_models(**kwargs)  # type: ignore[no-any-return]

    async def list_model_endpoints(self, **kwargs: Any) -> components.ImageModelEndpointsResponse:
        if self.mode == "sync":
            return self.client.images.list_model_endpoints(**kwargs)  # type: ignore[no-any-return]
        return await self.client.images.list_model_endpoints(**kwargs)  # type: ignore[no-any-return]

    async def close(self) -> None:
        if self.mode == "sync":
            self.client.close()
        else:
            await self.client.close()


@pytest.fixture(params=["sync", "async"])
async def api(request: pytest.FixtureRequest, fake: FakeServer) -> AsyncIterator[Api]:
    """Both clients, pointed at the fake server with fast retries."""
    client = Api(
        request.param, api_key=fake.api_key, server_url=fake.base_url, retry_config=FAST_RETRY
    )
    yield client
    await client.close()


@pytest.fixture
async def make_api(fake: FakeServer, api: Api) -> AsyncIterator[Any]:
    """Build more clients of the same kind as ``api`` with other settings."""
    made: list[Api] = []

    def make(**kwargs: Any) -> Api:
        kwargs.setdefault("api_key", fake.api_key)
        kwargs.setdefault("server_url", fake.base_url)
        made.append(Api(api.mode, **kwargs))
        return made[-1]

    yield make
    for client in made:
        await client.close()


# --------------------------------------------------------------------------------------
# Building requests without I/O (for the tests of _config and _request)


def config(**kw: Any) -> Config:
    """A client's settings, every argument ``None`` unless given (key: ``"sk-test"``)."""
    args: dict[str, Any] = dict.fromkeys(
        """http_referer x_open_router_title x_open_router_categories server_url server
        url_params retry_config timeout_ms debug_logger""".split()
    )
    args.update(kw)
    return Config(args.pop("api_key", "sk-test"), **args)


def spec(**kw: Any) -> Any:
    """The request of ``images.generate(model="a/b", prompt="a cat", **kw)``."""
    args: dict[str, Any] = {"model": "a/b", "prompt": "a cat", **kw}
    return generate(config(), args.pop("stream", None), args)  # type: ignore[arg-type]


def call_spec(cfg: Config, method: str, path: str, json: Any = None, **options: Any) -> Any:
    """The request of a call with these per-call ``options``."""
    return build(cfg, method, path, options, json=json)  # type: ignore[arg-type]
