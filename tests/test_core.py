"""Pure request building: settings, headers, body, validation before anything is sent."""

from __future__ import annotations

from typing import Any

import pytest

from openrouter import ParameterError, components
from openrouter._config import DEFAULT_SERVER_URL, USER_AGENT
from openrouter._request import endpoints_path
from openrouter.utils import RetryConfig

from .conftest import call_spec, config, spec


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
    assert s.headers == {}  # nothing on top of the client's headers
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


def test_the_body_and_the_first_error_do_not_depend_on_the_keywords_order() -> None:
    given = {"user": "u1", "seed": 3, "size": "1024x1024", "n": 2, "quality": "low"}
    forward, backward = spec(**given), spec(**dict(reversed(given.items())))
    assert list(forward.json) == list(backward.json)  # the same bytes either way
    assert list(forward.json) == ["model", "prompt", "n", "quality", "seed", "size", "user"]
    for bad in ({"seed": "x", "n": 99}, {"n": 99, "seed": "x"}):
        with pytest.raises(ParameterError, match="^n:"):
            spec(**bad)
    both = {"extra_query": {"": 1}, "extra_body": {"n": 1}}
    for options in (both, dict(reversed(both.items()))):
        with pytest.raises(ParameterError, match="^extra_body:"):
            spec(**options)


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
        ({"resolution": ""}, "resolution: must be one of '512', '768', '1K', '1.5K', '2K', '4K'"),
        ({"stream": "yes"}, "stream: must be True or False"),
        ({"seed": "42"}, "seed: must be an integer"),
        ({"provider": {"only": "openai"}}, "provider: only"),
        ({"provider": "openai"}, "provider: Input should be"),
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
    assert s.headers == {"accept": "text/event-stream"}
    assert s.json["stream"] is True and s.stream


def test_per_call_headers_override_client_headers() -> None:
    cfg = config(http_referer="https://client.example", x_open_router_title="Client")
    assert cfg.headers["HTTP-Referer"] == "https://client.example"
    assert cfg.headers["Accept"] == "application/json"
    assert cfg.headers["Authorization"] == "Bearer sk-test"
    s = call_spec(
        cfg,
        "GET",
        "/images/models",
        x_open_router_title="Call",
        x_open_router_categories="cli-agent",
        http_headers={"X-Extra": "1", "User-Agent": "mine", "AUTHORIZATION": "Bearer other"},
    )
    # Lower-case names: httpx then replaces the client's header whatever its spelling.
    assert s.headers == {
        "x-openrouter-title": "Call",
        "x-openrouter-categories": "cli-agent",
        "x-extra": "1",
        "user-agent": "mine",
        "authorization": "Bearer other",
    }
    assert cfg.headers["X-OpenRouter-Title"] == "Client"  # the client's are untouched
    assert s.idempotent


def test_non_ascii_header_values_go_out_as_utf8() -> None:
    cfg = config(x_open_router_title="Café Studio")
    assert cfg.headers["X-OpenRouter-Title"] == "Café Studio".encode()
    with pytest.raises(ParameterError, match="x_open_router_title: must not contain control"):
        config(x_open_router_title="Title\r\nX-Injected: 1")
    with pytest.raises(ParameterError, match=r"http_headers\['X-A'\]: must not contain control"):
        call_spec(cfg, "GET", "/x", http_headers={"X-A": "a\nb"})


@pytest.mark.parametrize("key", ["sk-or-v1-abc\n", "  sk-or-v1-abc  ", "sk-or-v1-abc\r\n"])
def test_key_whitespace_around_is_dropped(key: str) -> None:
    assert config(api_key=key).headers["Authorization"] == "Bearer sk-or-v1-abc"


@pytest.mark.parametrize("key", ["sk-or v1", "sk-or-\x00", "sk-or-ключ"])
def test_bad_key_is_rejected_without_echoing_it(key: str) -> None:
    with pytest.raises(ParameterError, match="api_key: contains") as info:
        config(api_key=key)
    assert key.strip() not in str(info.value)


def test_callable_key_is_called_per_request() -> None:
    keys = iter(["k1", "k2", None])
    cfg = config(api_key=lambda: next(keys))
    assert "Authorization" not in cfg.headers
    assert call_spec(cfg, "GET", "/x").headers["authorization"] == "Bearer k1"
    second = call_spec(cfg, "GET", "/x")
    assert second.headers["authorization"] == "Bearer k2"
    assert second.secret == "k2"  # what is scrubbed from this call's errors
    with pytest.raises(ParameterError, match="api_key: no API key"):
        call_spec(cfg, "GET", "/x")


def test_url_params_and_url_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = config(
        server_url="http://{host}:{port}/api/v1", url_params={"host": "127.0.0.1", "port": "9"}
    )
    assert cfg.server_url == "http://127.0.0.1:9/api/v1"
    assert (
        config(server_url="HTTPS://openrouter.ai/api/v1/").server_url
        == "HTTPS://openrouter.ai/api/v1"
    )
    with pytest.raises(ParameterError, match="server_url: must not have a query"):
        config(server_url="https://openrouter.ai/api/v1?x=1")
    monkeypatch.setenv("OPENROUTER_BASE_URL", "openrouter.ai")
    with pytest.raises(ParameterError, match="OPENROUTER_BASE_URL: must be an http"):
        config()


def test_spec_repr_hides_headers_and_body() -> None:
    text = repr(call_spec(config(api_key=lambda: "sk-or-secret"), "POST", "/images", json={"a": 1}))
    assert "sk-or-secret" not in text and "headers" not in text and "json" not in text


def test_trace_nulls_are_not_sent_but_provider_nulls_are() -> None:
    s = spec(trace=components.TraceConfig(trace_id=None, span_name="s"), provider={"sort": None})
    assert s.json["trace"] == {"span_name": "s"}
    assert s.json["provider"] == {"sort": None}


def test_per_call_server_url_timeout_and_retries() -> None:
    cfg = config(retry_config=RetryConfig("none"))
    s = call_spec(
        cfg, "GET", "/images/models", server_url="http://127.0.0.1:1/v1/", timeout_ms=1500
    )
    assert s.url == "http://127.0.0.1:1/v1/images/models"
    assert s.timeout.read == 1.5
    assert s.retry_config is cfg.retry_config
    other = RetryConfig("backoff")
    assert call_spec(cfg, "GET", "/x", retries=other).retry_config is other


def test_endpoints_path_quotes_each_part() -> None:
    assert endpoints_path("openai", "gpt-image-1") == "/images/models/openai/gpt-image-1/endpoints"
    assert endpoints_path("a b", "c/d?") == "/images/models/a%20b/c%2Fd%3F/endpoints"
    with pytest.raises(ParameterError, match="author"):
        endpoints_path("", "x")
    for part in (".", ".."):
        with pytest.raises(ParameterError, match="slug: must be a model id part"):
            endpoints_path("openai", part)
