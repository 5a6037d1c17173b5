"""pytest plugin of the ``openrouter`` package (registered with the ``pytest11`` entry point).

pytest imports this module in every session of every project that installs ``openrouter``,
so it must stay cheap and must not need the optional ``testing`` extra: starlette and
uvicorn are only imported when a fixture is actually used.

Fixtures:

* ``openrouter_server``: a running :class:`~openrouter.testing.FakeServer`, shared by the
  whole test session and reset (faults and request log cleared) before each test.
* ``openrouter_client`` / ``async_openrouter_client``: an ``OpenRouter`` / ``AsyncOpenRouter``
  pointed at that server with a key it accepts (default retry and timeout settings).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from openrouter import AsyncOpenRouter, OpenRouter

    from ._server import FakeServer

__all__ = ["async_openrouter_client", "openrouter_client", "openrouter_server"]


@pytest.fixture(scope="session")
def _openrouter_server_session() -> Iterator[FakeServer]:
    """One fake server per test session, started on first use."""
    from ._server import FakeServer

    with FakeServer() as server:
        yield server


@pytest.fixture
def openrouter_server(_openrouter_server_session: FakeServer) -> FakeServer:
    """The session's fake OpenRouter server, with faults and request log cleared."""
    _openrouter_server_session.reset()
    return _openrouter_server_session


@pytest.fixture
def openrouter_client(openrouter_server: FakeServer) -> Iterator[OpenRouter]:
    """An :class:`~openrouter.OpenRouter` client of the fake server, closed after the test."""
    from openrouter import OpenRouter

    with OpenRouter(api_key=openrouter_server.api_key, server_url=openrouter_server.base_url) as c:
        yield c


@pytest.fixture
def async_openrouter_client(openrouter_server: FakeServer) -> Iterator[AsyncOpenRouter]:
    """An :class:`~openrouter.AsyncOpenRouter` client of the fake server.

    A plain (sync) fixture, so that it works the same under pytest-asyncio, anyio or any
    other async plugin: its connections are not kept alive, so nothing is left bound to
    the test's event loop, and closing it afterwards needs no loop of its own.
    """
    import asyncio

    import httpx

    from openrouter import AsyncOpenRouter

    http = httpx.AsyncClient(limits=httpx.Limits(max_keepalive_connections=0))
    client = AsyncOpenRouter(
        api_key=openrouter_server.api_key,
        server_url=openrouter_server.base_url,
        async_client=http,
    )
    yield client
    asyncio.run(http.aclose())
