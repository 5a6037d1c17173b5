"""Every error the SDK raises, all catchable as :class:`OpenRouterError`.

The tree::

    OpenRouterError                        .message .status_code .body .headers .raw_response
                                           .request_id .generation_id .retries_taken
    ├── APIStatusError                     the server answered with a 4XX or 5XX status; .data
    │   ├── BadRequestResponseError            400
    │   ├── UnauthorizedResponseError          401
    │   ├── PaymentRequiredResponseError       402
    │   ├── ForbiddenResponseError             403
    │   ├── NotFoundResponseError              404
    │   ├── PayloadTooLargeResponseError       413
    │   ├── TooManyRequestsResponseError       429
    │   ├── InternalServerResponseError        500
    │   ├── BadGatewayResponseError            502
    │   ├── EdgeNetworkTimeoutResponseError    524
    │   ├── ProviderOverloadedResponseError    529
    │   └── OpenRouterDefaultError             any other 4XX or 5XX
    ├── ResponseValidationError            a 2XX body that is not what the API documents
    ├── StreamError                        an ``error`` event inside a stream
    ├── NoResponseError                    no (complete) response arrived
    │   ├── APIConnectionError                 could not connect, or the connection dropped
    │   └── APITimeoutError                    a timeout expired (``timeout_ms``)
    ├── ParameterError (also ValueError)   bad input caught before anything was sent
    └── ClientClosedError (also RuntimeError)  the client was closed: before the call, or during it

``str()`` of every error is one line saying what happened. None of them contains the API key:
the client redacts it from messages and bodies before raising.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

    from .components import ErrorResponse, ImageGenStreamErrorEvent
    from .components import ErrorResponse as BadGatewayResponseErrorData
    from .components import ErrorResponse as BadRequestResponseErrorData
    from .components import ErrorResponse as EdgeNetworkTimeoutResponseErrorData
    from .components import ErrorResponse as ForbiddenResponseErrorData
    from .components import ErrorResponse as InternalServerResponseErrorData
    from .components import ErrorResponse as NotFoundResponseErrorData
    from .components import ErrorResponse as PayloadTooLargeResponseErrorData
    from .components import ErrorResponse as PaymentRequiredResponseErrorData
    from .components import ErrorResponse as ProviderOverloadedResponseErrorData
    from .components import ErrorResponse as TooManyRequestsResponseErrorData
    from .components import ErrorResponse as UnauthorizedResponseErrorData

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "BadGatewayResponseError",
    "BadGatewayResponseErrorData",
    "BadRequestResponseError",
    "BadRequestResponseErrorData",
    "ClientClosedError",
    "EdgeNetworkTimeoutResponseError",
    "EdgeNetworkTimeoutResponseErrorData",
    "ForbiddenResponseError",
    "ForbiddenResponseErrorData",
    "InternalServerResponseError",
    "InternalServerResponseErrorData",
    "NoResponseError",
    "NotFoundResponseError",
    "NotFoundResponseErrorData",
    "OpenRouterDefaultError",
    "OpenRouterError",
    "ParameterError",
    "PayloadTooLargeResponseError",
    "PayloadTooLargeResponseErrorData",
    "PaymentRequiredResponseError",
    "PaymentRequiredResponseErrorData",
    "ProviderOverloadedResponseError",
    "ProviderOverloadedResponseErrorData",
    "ResponseValidationError",
    "StreamError",
    "TooManyRequestsResponseError",
    "TooManyRequestsResponseErrorData",
    "UnauthorizedResponseError",
    "UnauthorizedResponseErrorData",
]

_MAX_MESSAGE = 300


def _one_line(text: str, limit: int = _MAX_MESSAGE) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class OpenRouterError(Exception):
    """Base of every error raised by this SDK.

    Attributes:
        message: What happened, in one line.
        status_code: The HTTP status, or ``None`` when no response was received.
        body: The response body as text (``""`` when there was none).
        headers: The response headers (empty when there was no response).
        raw_response: The ``httpx.Response``, or ``None``.
        request_id: The API's id of the request (``x-request-id``), to quote to support;
            ``None`` when there was no response or it had none.
        generation_id: The id of the generation (``x-generation-id``), or ``None``.
        retries_taken: How many times the call was retried before it failed.
    """

    def __init__(
        self,
        message: str,
        raw_response: httpx.Response | None = None,
        body: str | None = None,
    ) -> None:
        self.message = _one_line(message)
        self.raw_response = raw_response
        self.status_code: int | None = (
            raw_response.status_code if raw_response is not None else None
        )
        self.body = body if body is not None else ""
        self.headers: httpx.Headers | dict[str, str] = (
            raw_response.headers if raw_response is not None else {}
        )
        self.request_id: str | None = None
        self.generation_id: str | None = None
        self.retries_taken = 0
        if raw_response is not None:
            from ._response import call_ids

            self.request_id, self.generation_id, self.retries_taken = call_ids(raw_response)
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        status = f", status_code={self.status_code}" if self.status_code is not None else ""
        return f"{type(self).__name__}({self.message!r}{status})"

    def __reduce__(self) -> tuple[Any, ...]:
        # The subclasses' __init__ take different arguments: rebuild from the state, so
        # errors cross process boundaries (multiprocessing, concurrent.futures) intact. The
        # httpx response stays behind: its request carries the API key in its headers.
        state = dict(self.__dict__, raw_response=None)
        if "headers" in state:
            state["headers"] = dict(state["headers"])
        return (_restore, (type(self), state))


def _restore(cls: type[OpenRouterError], state: dict[str, Any]) -> OpenRouterError:
    error = cls.__new__(cls)
    Exception.__init__(error, state.get("message", ""))
    error.__dict__.update(state)
    return error


class APIStatusError(OpenRouterError):
    """The server answered with an error status (4XX or 5XX).

    ``data`` is the typed error body (``data.error.code``, ``data.error.message``,
    ``data.error.metadata``). When the body was not the documented JSON (an HTML page from
    a proxy, an empty body), ``data`` is built from the status and a readable message, and
    the original text stays in ``body``. ``str()`` gives the message, the status, the ids
    the API sent and the retries taken, on one line.
    """

    status_code: int
    raw_response: httpx.Response

    def __init__(
        self, data: ErrorResponse | str, raw_response: httpx.Response, body: str | None = None
    ) -> None:
        if isinstance(data, str):  # the official SDK's (message, raw_response, body) form
            from .components import ErrorResponse, ErrorResponseErrorData

            error = ErrorResponseErrorData(code=raw_response.status_code, message=data)
            data = ErrorResponse(error=error)
        self.data = data
        if body is None:
            body = _text_of(raw_response)
        super().__init__(data.error.message, raw_response, body)

    def __str__(self) -> str:
        # "Rate limit exceeded (HTTP 429, request_id=req_1, generation_id=gen-1, 2 retries)"
        details = [f"HTTP {self.status_code}"]
        if self.request_id:
            details.append(f"request_id={self.request_id}")
        if self.generation_id:
            details.append(f"generation_id={self.generation_id}")
        if self.retries_taken:
            retries = self.retries_taken
            details.append("1 retry" if retries == 1 else f"{retries} retries")
        return f"{self.message} ({', '.join(details)})"

    @property
    def retry_after(self) -> float | None:
        """Seconds the server asked to wait (``Retry-After``/``retry-after-ms``), if any."""
        from ._retry import retry_after_seconds

        return retry_after_seconds(self.headers)


class BadRequestResponseError(APIStatusError):
    """400 Bad Request: invalid request parameters or malformed input."""


class UnauthorizedResponseError(APIStatusError):
    """401 Unauthorized: missing or invalid API key."""


class PaymentRequiredResponseError(APIStatusError):
    """402 Payment Required: insufficient credits or quota."""


class ForbiddenResponseError(APIStatusError):
    """403 Forbidden: authenticated but not allowed."""


class NotFoundResponseError(APIStatusError):
    """404 Not Found: e.g. an unknown model."""


class PayloadTooLargeResponseError(APIStatusError):
    """413 Payload Too Large: the request (often its input references) is too big."""


class TooManyRequestsResponseError(APIStatusError):
    """429 Too Many Requests: rate limited; see ``retry_after``."""


class InternalServerResponseError(APIStatusError):
    """500 Internal Server Error."""


class BadGatewayResponseError(APIStatusError):
    """502 Bad Gateway: the upstream provider failed."""


class EdgeNetworkTimeoutResponseError(APIStatusError):
    """524: the provider request timed out at the edge network."""


class ProviderOverloadedResponseError(APIStatusError):
    """529: the provider is temporarily overloaded."""


class OpenRouterDefaultError(APIStatusError):
    """Any 4XX or 5XX status without a class of its own."""


STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestResponseError,
    401: UnauthorizedResponseError,
    402: PaymentRequiredResponseError,
    403: ForbiddenResponseError,
    404: NotFoundResponseError,
    413: PayloadTooLargeResponseError,
    429: TooManyRequestsResponseError,
    500: InternalServerResponseError,
    502: BadGatewayResponseError,
    524: EdgeNetworkTimeoutResponseError,
    529: ProviderOverloadedResponseError,
}
"""The documented statuses and their error classes."""


class ResponseValidationError(OpenRouterError):
    """A successful response whose body is not what the API documents.

    ``cause`` is the underlying parsing error (usually a pydantic ``ValidationError``).
    """

    def __init__(
        self,
        message: str,
        raw_response: httpx.Response | None,
        cause: Exception | None = None,
        body: str | None = None,
    ) -> None:
        super().__init__(message, raw_response, body)
        self.cause = cause


class StreamError(OpenRouterError):
    """Generation failed after the stream started: the server sent an ``error`` event.

    ``code``, ``type``, ``param`` are the provider's (each may be ``None``); ``event`` is the
    typed :class:`~openrouter.components.ImageGenStreamErrorEvent`.
    """

    def __init__(
        self,
        event: ImageGenStreamErrorEvent,
        raw_response: httpx.Response | None,
        secret: str | None = None,
    ) -> None:
        if secret:  # a provider may echo request headers in its error
            event = type(event).model_validate_json(redact(event.model_dump_json(), secret))
        self.event = event
        self.code = event.error.code
        self.type = event.error.type
        self.param = event.error.param
        super().__init__(event.error.message, raw_response)

    def __str__(self) -> str:
        details = ", ".join(
            f"{k}={v}" for k, v in (("code", self.code), ("type", self.type)) if v is not None
        )
        return f"stream error: {self.message}" + (f" ({details})" if details else "")


class NoResponseError(OpenRouterError):
    """No complete response was received (connection failure or timeout)."""

    def __init__(self, message: str = "No response received") -> None:
        super().__init__(message)


class APIConnectionError(NoResponseError):
    """Could not connect, or the connection dropped before the response was complete."""


class APITimeoutError(NoResponseError):
    """A timeout expired before the response was complete (see ``timeout_ms``)."""


class ParameterError(OpenRouterError, ValueError):
    """Bad input, caught before anything was sent; ``param`` names the parameter."""

    def __init__(self, param: str, message: str) -> None:
        self.param = param
        # A message that starts by showing the parameter (`quality='xhigh' is ...`) is
        # not prefixed with its name again.
        super().__init__(message if message.startswith(f"{param}=") else f"{param}: {message}")


class ClientClosedError(OpenRouterError, RuntimeError):
    """The client was closed: before this call (create a new client), or while the call
    or the stream was in flight (a shutting-down application); nothing was retried."""


# The official SDK calls the typed error bodies `errors.<Name>ResponseErrorData`; they are
# the envelopes of `openrouter.components` and are loaded from there on first use.
_ERROR_DATA_NAMES = {
    "BadRequestResponseErrorData",
    "UnauthorizedResponseErrorData",
    "PaymentRequiredResponseErrorData",
    "ForbiddenResponseErrorData",
    "NotFoundResponseErrorData",
    "PayloadTooLargeResponseErrorData",
    "TooManyRequestsResponseErrorData",
    "InternalServerResponseErrorData",
    "BadGatewayResponseErrorData",
    "EdgeNetworkTimeoutResponseErrorData",
    "ProviderOverloadedResponseErrorData",
}


def __getattr__(name: str) -> Any:
    if name in _ERROR_DATA_NAMES:
        from .components import ErrorResponse

        return ErrorResponse
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --------------------------------------------------------------------------------------
# Building an error from a response (pure: no I/O)

_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_TAGS = re.compile(r"<[^>]+>")


def _readable_body(status: int, content: bytes, content_type: str) -> str:
    """A one-line message for an error body that is not the documented JSON."""
    reason = reason_phrase(status)
    if not content.strip():
        return f"{reason} (empty response body)"
    detail = _json_message(content)
    if detail:
        return _one_line(detail, 200)
    if "html" in content_type or content.lstrip()[:1] == b"<":
        match = _TITLE.search(content)
        text = match.group(1) if match else content
        summary = _one_line(_TAGS.sub(" ", text.decode("utf-8", "replace")), 120)
        return f"{reason}: HTML error page: {summary}"
    return f"{reason}: {_one_line(content.decode('utf-8', 'replace'), 200)}"


def _json_message(content: bytes) -> str | None:
    """The message of an undocumented JSON error shape (``{"error": "..."}`` and the like)."""
    import json

    try:
        value = json.loads(content)
    except ValueError:
        return None
    if not isinstance(value, dict):
        return None
    error = value.get("error")
    candidates = (
        error.get("message") if isinstance(error, dict) else error,
        value.get("message"),
        value.get("detail"),
    )
    return next((c for c in candidates if isinstance(c, str) and c), None)


def reason_phrase(status: int) -> str:
    from http import HTTPStatus

    extra = {524: "Edge Network Timeout", 529: "Provider Overloaded"}
    try:
        return extra.get(status) or HTTPStatus(status).phrase
    except ValueError:
        return f"HTTP error {status}"


def error_from_response(response: httpx.Response, secret: str | None = None) -> APIStatusError:
    """Map an error response (body already read) to its typed error; never raises itself."""
    from pydantic import ValidationError

    from .components import ErrorResponse, ErrorResponseErrorData

    status = response.status_code
    body = redact(response.content.decode("utf-8", "replace"), secret)
    # Parsed after redaction, so that the key is out of the message and metadata too.
    content = body.encode("utf-8") if secret else response.content
    try:
        data = ErrorResponse.model_validate_json(content)
        data.error.message = data.error.message or reason_phrase(status)
    except ValidationError:
        message = _readable_body(status, content, response.headers.get("content-type", ""))
        error = ErrorResponseErrorData(code=status, message=message)
        data = ErrorResponse(error=error)
    if status == 404 and (not _is_api_error(content) or data.error.message == "Not Found"):
        # Not the API's own JSON error, or one that says nothing more: most likely a wrong
        # server_url or path, so say which URL it was.
        data.error.message += f"; {_where(response)} answered 404 (check server_url)"
    cls = STATUS_ERRORS.get(status, OpenRouterDefaultError)
    return cls(data, response, body)


def _is_api_error(content: bytes) -> bool:
    return content.lstrip().startswith(b"{") and b'"error"' in content


def _where(response: httpx.Response) -> str:
    try:
        request = response.request
    except RuntimeError:  # a response built by hand has no request
        return "the server"
    return f"{request.method} {request.url}"


def _text_of(response: httpx.Response) -> str:
    try:
        return response.text
    except Exception:  # a streamed response whose body was not read
        return ""


def redact(text: str, secret: str | None) -> str:
    """``text`` with every occurrence of the API key replaced by ``***``.

    A "key" of a few characters (a placeholder in tests) is left alone: replacing it would
    mangle every message that happens to contain those letters.
    """
    if not secret or len(secret) < 8 or secret not in text:
        return text
    return text.replace(secret, "***")
