"""Pure request building: settings, headers, body, validation before anything is sent."""

from __future__ import annotations

from typing import Any

import pytest

from openrouter import ParameterError, components
from openrouter._core import (
    CALL_OPTIONS,
    DEFAULT_SERVER_URL,
    USER_AGENT,
    Config,
    endpoints_path,
    generate_spec,
)
from openrouter.utils import RetryConfig


def config(**kw: Any) -> Config:
    args: dict[str, Any] = {
        "http_referer": None,
        "x_open_router_title": None,
        "x_open_router_categories": None,
        "server_url": None,
        "server": None,
        "retry_config": None,
        "timeout_ms": None,
        "debug_logger": None,
    }
    args.update(kw)
    return Config(args.pop("api_key", "sk-test"), **args)


def spec(**kw: Any) -> Any:
    fields = """aspect_ratio background input_references n output_compression output_format
    provider quality resolution seed session_id size stream trace user""".split()
    args: dict[str, Any] = dict.fromkeys([*CALL_OPTIONS, *fields])
    args.update(model="a/b", prompt="a cat")
    args.update(kw)
    return generate_spec(config(), args)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "OPENROUTER_API_KEY",
        "OPENROUTER_BASE_URL",
        "OPENROUTER_HTTP_REFERER",
        "OPENROUTER_X_OPEN_ROUTER_TITLE",
        "OPENROUTER_X_OPEN_ROUTER_CATEGORIES",
    ):
        monkeypatch.delenv(name, raising=False)


def test_missing_key_says_how_to_set_it() -> None:
    with pytest.raises(ParameterError, match="OPENROUTER_API_KEY") as info:
        config(api_key=None)
    assert info.value.param == "api_key"
    with pytest.raises(ParameterError, match="api_key"):
        config(api_key="")


def test_key_and_url_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENROUTER_API_KEY", "sk-env")
    monkeypatch.setenv("OPENROUTER_BASE_URL", "http://127.0.0.1:9/api/v1/")
    monkeypatch.setenv("OPENROUTER_HTTP_REFERER", "https://app.example")
    cfg = config(api_key=None)
    assert cfg.headers["Authorization"] == "Bearer sk-env"
    assert cfg.server_url == "http://127.0.0.1:9/api/v1"
    assert cfg.headers["HTTP-Referer"] == "https://app.example"


def test_default_server_url_and_user_agent() -> None:
    cfg = config()
    assert cfg.server_url == DEFAULT_SERVER_URL == "https://openrouter.ai/api/v1"
    assert cfg.headers["User-Agent"] == USER_AGENT
    assert USER_AGENT.startswith("openrouter-python/")


def test_bad_server_url_and_timeout_are_rejected() -> None:
    with pytest.raises(ParameterError, match="server_url"):
        config(server_url="openrouter.ai/api/v1")
    with pytest.raises(ParameterError, match="timeout_ms"):
        config(timeout_ms=0)
    with pytest.raises(ParameterError, match="server.*production"):
        config(server="staging")


def test_timeouts_connect_is_short() -> None:
    cfg = config(timeout_ms=60_000)
    assert cfg.timeout.read == 60 and cfg.timeout.connect == 10
    assert config(timeout_ms=2_000).timeout.connect == 2
    assert config().timeout.read == 300


def test_minimal_body_omits_every_unset_field() -> None:
    s = spec()
    assert s.json == {"model": "a/b", "prompt": "a cat"}
    assert s.method == "POST" and s.url.endswith("/images")
    assert s.headers["Accept"] == "application/json"
    assert not s.idempotent


def test_body_uses_wire_names_and_keeps_set_values() -> None:
    s = spec(
        aspect_ratio="16:9",
        background="transparent",
        n=2,
        output_compression=0,
        output_format="webp",
        quality="high",
        resolution="2K",
        seed=0,
        session_id="s" * 256,
        size="2048x1152",
        user="u1",
        trace={"trace_id": "t1", "custom": 1},
        stream=False,
    )
    assert s.json["seed"] == 0 and s.json["output_compression"] == 0
    assert s.json["trace"] == {"trace_id": "t1", "custom": 1}
    assert s.json["stream"] is False
    assert list(s.json)[:2] == ["model", "prompt"]


def test_unknown_enum_values_are_sent_as_they_are() -> None:
    assert spec(aspect_ratio="7:3").json["aspect_ratio"] == "7:3"


def test_provider_dict_keeps_only_what_was_set_and_uses_slugs() -> None:
    s = spec(
        provider={
            "only": ["openai"],
            "allow_fallbacks": None,
            "options": {"black_forest_labs": {"steps": 40}, "openai": {"x": 1}},
        }
    )
    assert s.json["provider"] == {
        "only": ["openai"],
        "allow_fallbacks": None,
        "options": {"black-forest-labs": {"steps": 40}, "openai": {"x": 1}},
    }


def test_provider_model_is_accepted() -> None:
    pref = components.ImageGenerationProviderPreferences(order=["OpenAI"], sort="price")
    assert spec(provider=pref).json["provider"] == {"order": ["OpenAI"], "sort": "price"}


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"prompt": ""}, "prompt: must be a non-empty string"),
        ({"prompt": "   "}, "prompt: must be a non-empty string"),
        ({"prompt": None}, "prompt: must be a string"),
        ({"model": ""}, "model: must be a non-empty string"),
        ({"n": 0}, "n: must be an integer from 1 to 10, got 0"),
        ({"n": 11}, "n: must be an integer from 1 to 10, got 11"),
        ({"n": True}, "n: must be an integer from 1 to 10"),
        ({"n": 2.0}, "n: must be an integer"),
        ({"output_compression": 101}, "output_compression: must be an integer from 0 to 100"),
        ({"output_compression": -1}, "output_compression: must be an integer from 0 to 100"),
        ({"session_id": "x" * 257}, "session_id: must be at most 256 characters, got 257"),
        ({"input_references": ["https://x.test/a.png"] * 17}, "input_references: at most 16"),
        ({"input_references": "https://x.test/a.png"}, "input_references: must be a list"),
        ({"aspect_ratio": 16}, "aspect_ratio: must be one of '1:1'.*'auto'"),
        ({"resolution": ""}, "resolution: must be one of '512', '1K', '2K', '4K'"),
        ({"stream": "yes"}, "stream: must be True or False"),
        ({"seed": "42"}, "seed: must be an integer"),
        ({"provider": {"only": "openai"}}, "provider: only"),
        ({"retries": {"strategy": "none"}}, "retries: must be an openrouter.utils.RetryConfig"),
        ({"timeout_ms": -5}, "timeout_ms: must be a positive number"),
        ({"server_url": "ftp://x"}, "server_url: must be an http"),
    ],
)
def test_bad_input_names_the_parameter(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(ParameterError, match=match):
        spec(**kwargs)


def test_parameter_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="prompt"):
        spec(prompt="")


def test_stream_asks_for_event_stream() -> None:
    s = spec(stream=True)
    assert s.headers["Accept"] == "text/event-stream"
    assert s.json["stream"] is True and s.stream


def test_per_call_headers_override_client_headers() -> None:
    cfg = config(http_referer="https://client.example", x_open_router_title="Client")
    s = cfg.spec(
        "GET",
        "/images/models",
        x_open_router_title="Call",
        x_open_router_categories="cli-agent",
        http_headers={"X-Extra": "1", "User-Agent": "mine"},
    )
    assert s.headers["HTTP-Referer"] == "https://client.example"
    assert s.headers["X-OpenRouter-Title"] == "Call"
    assert s.headers["X-OpenRouter-Categories"] == "cli-agent"
    assert s.headers["X-Extra"] == "1" and s.headers["User-Agent"] == "mine"
    assert cfg.headers["X-OpenRouter-Title"] == "Client"  # the client's are untouched
    assert s.idempotent


def test_callable_key_is_called_per_request() -> None:
    keys = iter(["k1", "k2"])
    cfg = config(api_key=lambda: next(keys))
    assert cfg.spec("GET", "/x").headers["Authorization"] == "Bearer k1"
    assert cfg.spec("GET", "/x").headers["Authorization"] == "Bearer k2"


def test_per_call_server_url_timeout_and_retries() -> None:
    cfg = config(retry_config=RetryConfig("none"))
    s = cfg.spec("GET", "/images/models", server_url="http://127.0.0.1:1/v1/", timeout_ms=1500)
    assert s.url == "http://127.0.0.1:1/v1/images/models"
    assert s.timeout.read == 1.5
    assert s.retry is cfg.retry_config
    other = RetryConfig("backoff")
    assert cfg.spec("GET", "/x", retries=other).retry is other


def test_endpoints_path_quotes_each_part() -> None:
    assert endpoints_path("openai", "gpt-image-1") == "/images/models/openai/gpt-image-1/endpoints"
    assert endpoints_path("a b", "c/d?") == "/images/models/a%20b/c%2Fd%3F/endpoints"
    with pytest.raises(ParameterError, match="author"):
        endpoints_path("", "x")
