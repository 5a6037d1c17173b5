"""FakeServer lifecycle, the request log, the CLI, the pytest plugin and the package surface."""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import subprocess
import sys
import threading
import time
from typing import Any

import httpx
import pytest

import openrouter.testing
from openrouter.testing import FakeServer, RecordedRequest


def body(**fields: Any) -> dict[str, Any]:
    return {"model": "fake-labs/pixel-xl", "prompt": "a lighthouse at dusk", **fields}


# Lifecycle -----------------------------------------------------------------------------------


def test_explicit_start_and_stop() -> None:
    server = FakeServer()
    with pytest.raises(RuntimeError):
        _ = server.port  # chosen when it starts

    assert server.start() is server
    port = server.port
    try:
        assert server.running
        assert port > 0
        assert server.url == f"http://127.0.0.1:{server.port}"
        assert server.base_url == server.url + "/api/v1"
        assert httpx.get(server.base_url + "/images/models").status_code == 200
        with pytest.raises(RuntimeError):
            server.start()
    finally:
        server.stop()
    assert not server.running
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/api/v1/images/models", timeout=1)
    server.stop()  # idempotent


def test_stopped_server_refuses_connections_and_can_restart() -> None:
    server = FakeServer()
    with server:
        port = server.port
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/api/v1/images/models", timeout=1)
    with server:
        assert httpx.get(server.base_url + "/images/models").status_code == 200


def test_fixed_port() -> None:
    with FakeServer() as probe:
        port = probe.port  # a port that was free a moment ago
    with FakeServer(port=port) as server:
        assert server.base_url == f"http://127.0.0.1:{port}/api/v1"
        assert httpx.get(server.base_url + "/images/models").status_code == 200


def test_stop_is_prompt_with_a_client_stuck_in_a_slow_response() -> None:
    errors: list[BaseException] = []
    server = FakeServer().start()
    server.inject(delay=30)

    def call() -> None:
        try:
            httpx.post(
                server.base_url + "/images",
                json=body(),
                headers={"Authorization": "Bearer k"},
                timeout=20,
            )
        except httpx.HTTPError as exc:
            errors.append(exc)

    thread = threading.Thread(target=call)
    thread.start()
    deadline = time.monotonic() + 5
    while not server.requests and time.monotonic() < deadline:
        time.sleep(0.01)
    started = time.monotonic()
    server.stop()
    assert time.monotonic() - started < 2
    thread.join(5)
    assert not thread.is_alive()
    assert len(errors) == 1
    assert isinstance(errors[0], (httpx.RemoteProtocolError, httpx.ReadError))


def test_stop_is_prompt_with_an_open_keep_alive_connection() -> None:
    server = FakeServer().start()
    with httpx.Client(base_url=server.base_url) as http:
        assert http.get("/images/models").status_code == 200  # connection stays open
        started = time.monotonic()
        server.stop()
        assert time.monotonic() - started < 2


def test_serves_an_async_client() -> None:
    async def main(server: FakeServer) -> list[int]:
        async with httpx.AsyncClient(
            base_url=server.base_url, headers={"Authorization": "Bearer k"}
        ) as http:
            responses = await asyncio.gather(
                *(http.post("/images", json=body(seed=i)) for i in range(5))
            )
        return [r.status_code for r in responses]

    with FakeServer() as server:
        assert asyncio.run(main(server)) == [200] * 5
        assert len(server.requests) == 5


def test_repr() -> None:
    server = FakeServer()
    assert repr(server) == "<FakeServer stopped>"
    with server:
        assert repr(server) == f"<FakeServer {server.base_url}>"


# Request log ----------------------------------------------------------------------------------


def test_request_log(server: FakeServer, client: httpx.Client) -> None:
    assert server.requests == []
    assert server.last_request is None
    before = time.time()

    client.post(
        "/images",
        json=body(seed=3),
        headers={"HTTP-Referer": "https://app.test", "X-OpenRouter-Title": "Test App"},
    )
    client.get("/images/models", params={"a": "1", "b": "2"})

    first, second = server.requests
    assert isinstance(first, RecordedRequest)
    assert (first.method, first.path, first.query) == ("POST", "/api/v1/images", {})
    assert first.json == body(seed=3)
    assert json.loads(first.body) == body(seed=3)
    assert first.headers["authorization"] == f"Bearer {server.api_key}"
    assert first.headers["http-referer"] == "https://app.test"
    assert first.headers["x-openrouter-title"] == "Test App"
    assert first.headers["content-type"] == "application/json"
    assert all(name == name.lower() for name in first.headers)
    assert before <= first.time <= second.time <= time.time()
    assert (second.method, second.path, second.query) == (
        "GET",
        "/api/v1/images/models",
        {
            "a": "1",
            "b": "2",
        },
    )
    assert (second.body, second.json) == (b"", None)
    assert server.last_request == second

    server.reset()
    assert server.requests == []


def test_invalid_and_faulted_requests_are_recorded(
    server: FakeServer, client: httpx.Client
) -> None:
    server.inject(status=500)
    client.post("/images", json=body())
    client.post("/images", content=b"{broken")

    assert [r.json for r in server.requests] == [body(), None]
    assert server.requests[1].body == b"{broken"


def test_requests_from_threads_are_all_recorded(server: FakeServer) -> None:
    def call() -> None:
        with httpx.Client(base_url=server.base_url) as http:
            for _ in range(5):
                http.get("/images/models")

    threads = [threading.Thread(target=call) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(server.requests) == 20


# CLI ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_cli_serves_until_signalled(stop_signal: signal.Signals) -> None:
    command = [sys.executable, "-m", "openrouter.testing", "--port", "0", "--api-key", "k1"]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        try:
            assert process.stdout is not None
            base_url = process.stdout.readline().strip()
            assert base_url.startswith("http://127.0.0.1:")
            assert base_url.endswith("/api/v1")
            with httpx.Client(base_url=base_url, timeout=5) as http:
                assert http.get("/images/models").status_code == 200
                ok = http.post("/images", json=body(), headers={"Authorization": "Bearer k1"})
                bad = http.post("/images", json=body(), headers={"Authorization": "Bearer k2"})
            assert (ok.status_code, bad.status_code) == (200, 401)
            process.send_signal(stop_signal)
            _, stderr = process.communicate(timeout=10)
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr


def test_cli_reports_a_busy_port() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "openrouter.testing", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert result.returncode == 1
    assert result.stdout == ""
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr


def test_cli_help() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "openrouter.testing", "--help"],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    assert "--api-key" in result.stdout
    assert "--port" in result.stdout


# pytest plugin and package surface -------------------------------------------------------------


def test_plugin_fixture_in_a_user_test_suite(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_user="""
        import httpx

        BODY = {"model": "fake-labs/pixel-xl", "prompt": "a lighthouse"}

        def test_generate(openrouter_server):
            openrouter_server.inject(status=429, headers={"Retry-After": "1"})
            url = openrouter_server.base_url + "/images"
            headers = {"Authorization": f"Bearer {openrouter_server.api_key}"}
            assert httpx.post(url, json=BODY, headers=headers).status_code == 429
            assert httpx.post(url, json=BODY, headers=headers).status_code == 200
            assert len(openrouter_server.requests) == 2

        def test_state_is_reset_between_tests(openrouter_server):
            assert openrouter_server.requests == []
            assert openrouter_server.faults == []

        def test_same_server_for_the_session(openrouter_server, request):
            other = request.getfixturevalue("_openrouter_server_session")
            assert other is openrouter_server
        """
    )

    result = pytester.runpytest_subprocess("-W", "error::ResourceWarning")

    result.assert_outcomes(passed=3)


def test_importing_the_plugin_is_cheap() -> None:
    code = (
        "import sys, openrouter.testing._plugin, openrouter.testing;"
        "print(sorted(m for m in ('starlette', 'uvicorn', 'PIL') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=True
    )
    assert result.stdout.strip() == "[]"


def test_package_exports() -> None:
    assert set(openrouter.testing.__all__) == {
        "FakeServer",
        "Fault",
        "RecordedRequest",
        "MODELS",
        "create_app",
    }
    assert set(openrouter.testing.__all__) <= set(dir(openrouter.testing))
    with pytest.raises(AttributeError):
        _ = openrouter.testing.NotAThing  # type: ignore[attr-defined]


def test_paths_outside_the_api_get_error_envelopes(server: FakeServer) -> None:
    with httpx.Client(base_url=server.url) as http:
        missing = http.get("/nope")
        wrong_method = http.get("/_fake/reset")

    assert (missing.status_code, missing.json()["error"]["code"]) == (404, 404)
    assert (wrong_method.status_code, wrong_method.json()["error"]["code"]) == (405, 405)
    assert server.requests == []  # only /api/v1 is recorded


def test_create_app_state() -> None:
    app = openrouter.testing.create_app(api_keys=["k"], pillow=False)

    assert app.state.fake.api_keys == frozenset({"k"})
    assert app.state.fake.pillow is False
