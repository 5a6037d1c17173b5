"""The pytest plugin's client fixtures, used the way a user's test suite would."""

from __future__ import annotations

import pytest

USER_TESTS = """
import asyncio

import pytest


def test_sync_client(openrouter_client, openrouter_server):
    res = openrouter_client.images.generate(model="fake-labs/pixel-xl", prompt="a lighthouse")
    assert res.data[0].to_bytes().startswith(b"\\x89PNG")
    assert openrouter_server.last_request.json["prompt"] == "a lighthouse"


def test_fault_then_error(openrouter_client, openrouter_server):
    from openrouter import errors

    openrouter_server.inject(status=402)
    with pytest.raises(errors.PaymentRequiredResponseError):
        openrouter_client.images.generate(model="fake-labs/pixel-xl", prompt="x")


def test_async_client(async_openrouter_client):
    async def main():
        async with await async_openrouter_client.images.generate(
            model="fake-labs/stream-diffusion", prompt="x", stream=True
        ) as events:
            return [event.type async for event in events]

    assert asyncio.run(main())[-1] == "image_generation.completed"


@pytest.mark.anyio
async def test_async_client_under_anyio(async_openrouter_client):
    models = await async_openrouter_client.images.list_models()
    assert models.data
"""


def test_client_fixtures_in_a_users_test_suite(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest_subprocess("-W", "error::ResourceWarning", "-p", "anyio")
    result.assert_outcomes(passed=4)
