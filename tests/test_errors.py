"""Mapping error responses to typed errors (pure: responses are built in memory)."""

from __future__ import annotations

import json

import httpx
import pytest

from openrouter import errors
from openrouter.errors import STATUS_ERRORS, error_from_response


def response(
    status: int, body: bytes | str, content_type: str = "application/json"
) -> httpx.Response:
    content = body.encode() if isinstance(body, str) else body
    request = httpx.Request("POST", "http://127.0.0.1/api/v1/images")
    return httpx.Response(
        status, content=content, headers={"content-type": content_type}, request=request
    )


def envelope(status: int, message: str, **extra: object) -> str:
    return json.dumps({"error": {"code": status, "message": message, **extra}})


@pytest.mark.parametrize(("status", "cls"), sorted(STATUS_ERRORS.items()))
def test_each_documented_status_has_its_class(
    status: int, cls: type[errors.APIStatusError]
) -> None:
    err = error_from_response(response(status, envelope(status, "went wrong", metadata={"k": 1})))
    assert type(err) is cls
    assert isinstance(err, errors.APIStatusError) and isinstance(err, errors.OpenRouterError)
    assert err.status_code == status
    assert err.data.error.message == "went wrong"
    assert err.data.error.code == status
    assert err.data.error.metadata == {"k": 1}
    assert str(err) == f"went wrong (HTTP {status})"


@pytest.mark.parametrize("status", [405, 409, 418, 422, 503, 504, 599])
def test_other_statuses_are_default_errors(status: int) -> None:
    err = error_from_response(response(status, envelope(status, "nope")))
    assert type(err) is errors.OpenRouterDefaultError
    assert err.status_code == status and err.message == "nope"


def test_html_error_page_maps_by_status_with_readable_message() -> None:
    page = (
        "<!DOCTYPE html><html><head><title>openrouter.ai | 524: A timeout occurred</title>"
        "</head><body>" + "<div>cloudflare</div>" * 200 + "</body></html>"
    )
    err = error_from_response(response(524, page, "text/html; charset=UTF-8"))
    assert type(err) is errors.EdgeNetworkTimeoutResponseError
    assert err.data.error.code == 524
    assert "524: A timeout occurred" in err.message
    assert "\n" not in str(err) and len(str(err)) < 200
    assert err.body == page


def test_empty_body_maps_by_status() -> None:
    err = error_from_response(response(502, b"", ""))
    assert type(err) is errors.BadGatewayResponseError
    assert err.message == "Bad Gateway (empty response body)"


@pytest.mark.parametrize(
    "body",
    ['{"error": "rate limited"}', '{"message": "rate limited"}', '{"detail": "rate limited"}'],
)
def test_undocumented_json_shapes_still_give_the_message(body: str) -> None:
    err = error_from_response(response(429, body))
    assert type(err) is errors.TooManyRequestsResponseError
    assert err.message == "rate limited"


def test_plain_text_body() -> None:
    err = error_from_response(response(500, "upstream exploded\ntraceback...", "text/plain"))
    assert err.message == "Internal Server Error: upstream exploded traceback..."


def test_api_key_echoed_by_the_server_is_redacted() -> None:
    body = envelope(401, "Invalid key sk-or-secret-123")
    err = error_from_response(response(401, body), secret="sk-or-secret-123")
    assert "sk-or-secret-123" not in str(err)
    assert "sk-or-secret-123" not in err.body and "sk-or-secret-123" not in repr(err)
    assert "***" in err.message


def test_retry_after_property() -> None:
    r = response(429, envelope(429, "slow down"))
    r.headers["Retry-After"] = "7"
    err = error_from_response(r)
    assert isinstance(err, errors.TooManyRequestsResponseError)
    assert err.retry_after == 7.0
    assert err.headers["retry-after"] == "7"


def test_official_error_data_names_resolve_to_the_envelope() -> None:
    from openrouter.components import ErrorResponse

    assert errors.BadRequestResponseErrorData is ErrorResponse
    assert errors.ProviderOverloadedResponseErrorData is ErrorResponse
    with pytest.raises(AttributeError):
        errors.NoSuchThing  # noqa: B018


def test_non_http_errors_share_the_base() -> None:
    for cls in (
        errors.APIConnectionError,
        errors.APITimeoutError,
        errors.ResponseValidationError,
        errors.ParameterError,
        errors.ClientClosedError,
        errors.StreamError,
    ):
        assert issubclass(cls, errors.OpenRouterError)
    assert issubclass(errors.APITimeoutError, errors.NoResponseError)
    err = errors.APIConnectionError("connection failed")
    assert err.status_code is None and err.raw_response is None and err.body == ""


def test_transport_errors_are_scrubbed_of_the_key() -> None:
    from openrouter._transport import wrap_transport_error

    exc = httpx.LocalProtocolError("Illegal header value b'Bearer sk-or-secret-9'")
    err = wrap_transport_error(exc, secret="sk-or-secret-9")
    assert isinstance(err, errors.APIConnectionError)
    assert "sk-or-secret-9" not in str(err) and "***" in str(err)
