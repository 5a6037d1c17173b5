"""The I/O-free core shared by both clients: configuration, request building, validation
of inputs, and parsing of responses.

The clients in ``_client`` and the resource in ``_images`` only add the I/O around these
functions, so everything that decides *what* is sent or *what* a response means lives here
once.
"""

from __future__ import annotations

import logging
import math
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Union
from urllib.parse import quote, urlsplit

import httpx

from ._retry import RetryConfig
from ._version import __version__
from .errors import ParameterError

if TYPE_CHECKING:
    import pydantic

    from ._inputs import InputReference


DEFAULT_SERVER_URL = "https://openrouter.ai/api/v1"
DEFAULT_TIMEOUT_MS = 300_000
"""Five minutes: slow image models take one or two minutes to answer a buffered call."""
CONNECT_TIMEOUT_S = 10.0
"""A connection that takes longer than this is not going to work: fail (or retry) early."""
USER_AGENT = f"openrouter-python/{__version__} (images; httpx {httpx.__version__})"
_ENV_HEADERS = (
    ("http_referer", "HTTP-Referer", "OPENROUTER_HTTP_REFERER"),
    ("x_open_router_title", "X-OpenRouter-Title", "OPENROUTER_X_OPEN_ROUTER_TITLE"),
    ("x_open_router_categories", "X-OpenRouter-Categories", "OPENROUTER_X_OPEN_ROUTER_CATEGORIES"),
)


HeaderValue = Union[str, bytes]  # noqa: UP007 - a runtime alias, evaluated on 3.10


@dataclass(frozen=True)
class RequestSpec:
    """Everything needed to send one call, computed before any I/O.

    ``headers`` are this call's headers on top of the client's defaults (``Config.headers``):
    usually none at all. Headers and body are left out of the repr, since the headers may
    carry the key and the body megabytes of reference images.
    """

    method: str
    url: str
    headers: Mapping[str, HeaderValue] = field(repr=False)
    json: Any = field(repr=False)
    timeout: httpx.Timeout
    retry: RetryConfig | None
    stream: bool
    idempotent: bool
    secret: str | None = field(default=None, repr=False)
    """The key this request sends, to scrub from whatever comes back."""


_MAX_TIMEOUT_MS = 10**12
"""About 30 years: a longer finite timeout overflows the clock of the sync socket layer."""


def make_timeout(timeout_ms: float | None, param: str = "timeout_ms") -> httpx.Timeout:
    """The httpx timeout for ``timeout_ms``: every phase gets it, connecting at most 10 s.

    ``math.inf`` means no limit on sending, reading or waiting for a pooled connection;
    connecting still gives up after ``CONNECT_TIMEOUT_S``.
    """
    if timeout_ms is None:
        timeout_ms = DEFAULT_TIMEOUT_MS
    number = isinstance(timeout_ms, (int, float)) and not isinstance(timeout_ms, bool)
    # `not x > 0` (rather than `x <= 0`) also refuses NaN, which compares false to anything.
    if not number or not timeout_ms > 0:
        raise ParameterError(
            param,
            f"must be a positive number of milliseconds (math.inf: no limit), got {timeout_ms!r}",
        )
    if timeout_ms == math.inf:
        return httpx.Timeout(None, connect=CONNECT_TIMEOUT_S)
    if timeout_ms > _MAX_TIMEOUT_MS:
        raise ParameterError(
            param, f"must be at most {_MAX_TIMEOUT_MS} ms; pass math.inf for no limit"
        )
    seconds = timeout_ms / 1000
    return httpx.Timeout(seconds, connect=min(seconds, CONNECT_TIMEOUT_S))


def check_url(url: Any, param: str) -> str:
    """An ``http(s)://`` base URL without query, fragment or trailing slash."""
    parts = urlsplit(check_text(param, url)) if isinstance(url, str) else None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ParameterError(param, f"must be an http:// or https:// URL, got {url!r}")
    if parts.query or parts.fragment:
        raise ParameterError(param, f"must not have a query or fragment, got {url!r}")
    return str(url).rstrip("/")


def check_text(param: str, value: str) -> str:
    """``value``, if it can be sent as UTF-8: a lone surrogate cannot.

    Lone surrogates come from bytes decoded with ``errors="surrogateescape"``, as Python
    does for file names and environment variables that are not valid UTF-8.
    """
    if value.isascii():  # the fast path: base64 data URLs of megabytes are ASCII
        return value
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ParameterError(
            param,
            f"contains a lone surrogate ({value[exc.start]!r} at index {exc.start}), which "
            "cannot be sent as UTF-8 (a file name decoded with surrogateescape, say)",
        ) from None
    return value


def check_json(param: str, value: Any) -> None:
    """Refuse what the JSON body cannot carry, naming its path (``provider.only[0]``).

    Strings must be valid UTF-8 (see :func:`check_text`) and numbers finite: JSON has no
    NaN or infinity, and sending ``null`` instead would change the request's meaning.
    """
    if isinstance(value, str):
        check_text(param, value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ParameterError(
                param, f"must be a finite number, got {value!r} (JSON has no NaN or infinity)"
            )
    elif isinstance(value, dict):
        for key, item in value.items():
            # A key that cannot be sent is shown by its repr, which escapes the surrogate.
            path = f"{param}.{key}" if param else str(key)
            if isinstance(key, str) and not key.isascii():
                check_text(f"{param}[{key!r}]", key)
            check_json(path, item)
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            check_json(f"{param}[{index}]", item)


_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
"""A header name (an RFC 7230 token): visible ASCII without separators."""


def header_name(value: Any) -> str:
    """A name of ``http_headers``, checked so it cannot break the request apart."""
    if not isinstance(value, str) or not _TOKEN.fullmatch(value):
        raise ParameterError(
            "http_headers",
            f"{value!r} is not a valid header name: use ASCII letters, digits and "
            "!#$%&'*+-.^_`|~ (no spaces, colons or line breaks)",
        )
    return value


def header_value(param: str, value: Any) -> HeaderValue:
    """A header value as httpx takes it: non-ASCII text goes out as UTF-8 bytes."""
    if not isinstance(value, str):
        raise ParameterError(param, f"must be a string, got {type(value).__name__}")
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise ParameterError(param, "must not contain control characters such as newlines")
    return value if value.isascii() else check_text(param, value).encode("utf-8")


def bearer(key: Any) -> str:
    """The ``Authorization`` value for ``key``, checked without ever echoing it."""
    key = key.strip() if isinstance(key, str) else key
    if not key or not isinstance(key, str):
        raise ParameterError(
            "api_key",
            "no API key given. Pass api_key='sk-or-...' to the client or set the "
            "OPENROUTER_API_KEY environment variable (keys: https://openrouter.ai/keys)",
        )
    if not key.isascii() or any(c.isspace() or not c.isprintable() for c in key):
        raise ParameterError(
            "api_key", "contains spaces, line breaks or other characters a key cannot have"
        )
    return f"Bearer {key}"


class Config:
    """The settings a client is created with, resolved once (arguments, then environment)."""

    def __init__(
        self,
        api_key: str | Callable[[], str] | None,
        *,
        http_referer: str | None,
        x_open_router_title: str | None,
        x_open_router_categories: str | None,
        server_url: str | None,
        server: str | None,
        url_params: Mapping[str, str] | None,
        retry_config: RetryConfig | None,
        timeout_ms: float | None,
        debug_logger: Any,
    ) -> None:
        if api_key is None:
            api_key = os.environ.get("OPENROUTER_API_KEY")
        self.api_key = api_key
        self.headers: dict[str, HeaderValue] = {
            "User-Agent": USER_AGENT,
            "Accept": "application/json",
        }
        # A key function is called for every request; a plain key goes in the defaults.
        self.key: str | None = None
        if not callable(api_key):
            self.headers["Authorization"] = bearer(api_key)
            self.key = str(api_key).strip()
        if server not in (None, "production"):
            raise ParameterError("server", f"the only server is 'production', got {server!r}")
        url, param = server_url, "server_url"
        if not url and os.environ.get("OPENROUTER_BASE_URL"):
            url, param = os.environ["OPENROUTER_BASE_URL"], "OPENROUTER_BASE_URL"
        url = url or DEFAULT_SERVER_URL
        for placeholder, part in (url_params or {}).items():
            url = url.replace("{" + placeholder + "}", part)
        self.server_url = check_url(url, param)
        if retry_config is not None and not isinstance(retry_config, RetryConfig):
            raise ParameterError("retry_config", "must be an openrouter.utils.RetryConfig")
        self.retry_config = retry_config
        self.timeout = make_timeout(timeout_ms)
        self.logger = debug_logger or _default_logger()
        given: dict[str, str | None] = {
            "http_referer": http_referer,
            "x_open_router_title": x_open_router_title,
            "x_open_router_categories": x_open_router_categories,
        }
        for name, header, env in _ENV_HEADERS:
            value = given[name] or os.environ.get(env)
            if value:
                self.headers[header] = header_value(name, value)

    def pool_options(self) -> dict[str, Any]:
        """The settings of a connection pool the client creates itself (sync or async):
        it carries the client-wide headers, so httpx does not merge them per request."""
        return {"headers": self.headers, "timeout": self.timeout, "follow_redirects": True}

    def spec(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        stream: bool = False,
        http_referer: str | None = None,
        x_open_router_title: str | None = None,
        x_open_router_categories: str | None = None,
        retries: RetryConfig | None = None,
        server_url: str | None = None,
        timeout_ms: float | None = None,
        http_headers: Mapping[str, str] | None = None,
    ) -> RequestSpec:
        """Build the request of one call from the client settings and the call's overrides."""
        headers: dict[str, HeaderValue] = {}
        # Lower-case names, so that httpx replaces a default header of any spelling.
        if stream:
            headers["accept"] = "text/event-stream"
        secret = self.key
        if callable(self.api_key):
            key = self.api_key()
            headers["authorization"] = bearer(key)
            secret = key.strip()
        for param, name, value in (
            ("http_referer", "http-referer", http_referer),
            ("x_open_router_title", "x-openrouter-title", x_open_router_title),
            ("x_open_router_categories", "x-openrouter-categories", x_open_router_categories),
        ):
            if value:
                headers[name] = header_value(param, value)
        if http_headers:
            for name, value in http_headers.items():
                name = header_name(name)
                headers[name.lower()] = header_value(f"http_headers[{name!r}]", value)
                if name.lower() == "authorization" and isinstance(value, str):
                    secret = value.removeprefix("Bearer ").strip() or secret
        if retries is not None and not isinstance(retries, RetryConfig):
            raise ParameterError("retries", "must be an openrouter.utils.RetryConfig")
        base = check_url(server_url, "server_url") if server_url else self.server_url
        return RequestSpec(
            method=method,
            url=base + path,
            headers=headers,
            json=json,
            timeout=self.timeout if timeout_ms is None else make_timeout(timeout_ms),
            retry=retries if retries is not None else self.retry_config,
            stream=stream,
            idempotent=method == "GET",
            secret=secret,
        )


def _default_logger() -> logging.Logger:
    """The ``openrouter`` logger; ``OPENROUTER_DEBUG=1`` makes it print (as in the official SDK)."""
    logger = logging.getLogger("openrouter")
    if os.environ.get("OPENROUTER_DEBUG") and not logger.handlers:
        logger.addHandler(logging.StreamHandler())
        logger.setLevel(logging.DEBUG)
    return logger


# --------------------------------------------------------------------------------------
# Inputs

_GENERATE_FIELDS = (
    "model",
    "prompt",
    "aspect_ratio",
    "background",
    "input_references",
    "n",
    "output_compression",
    "output_format",
    "provider",
    "quality",
    "resolution",
    "seed",
    "session_id",
    "size",
    "stream",
    "trace",
    "user",
)
CALL_OPTIONS = (
    "http_referer",
    "x_open_router_title",
    "x_open_router_categories",
    "retries",
    "server_url",
    "timeout_ms",
    "http_headers",
)


def generate_spec(config: Config, args: Mapping[str, Any]) -> RequestSpec:
    """Validate the arguments of ``images.generate`` and build its request.

    ``args`` holds the method's arguments by name. Every problem raises
    :class:`~openrouter.errors.ParameterError` naming the parameter, before anything is sent.
    """
    body = generate_body({k: args[k] for k in _GENERATE_FIELDS})
    return config.spec(
        "POST",
        "/images",
        json=body,
        stream=bool(args["stream"]),
        **{k: args[k] for k in CALL_OPTIONS},
    )


def _check_str(name: str, value: Any, *, non_empty: bool = False) -> str:
    if not isinstance(value, str):
        raise ParameterError(name, f"must be a string, got {type(value).__name__}")
    if non_empty and not value.strip():
        raise ParameterError(name, "must be a non-empty string")
    return value


def _check_int(name: str, value: Any, low: int | None = None, high: int | None = None) -> int:
    bounds = f" from {low} to {high}" if low is not None else ""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ParameterError(name, f"must be an integer{bounds}, got {value!r}")
    if low is not None and high is not None and not low <= value <= high:
        raise ParameterError(name, f"must be an integer{bounds}, got {value}")
    return value


_ENUMS = {
    "aspect_ratio": "ImageGenerationRequestAspectRatio",
    "background": "ImageGenerationRequestBackground",
    "output_format": "ImageGenerationRequestOutputFormat",
    "quality": "ImageGenerationRequestQuality",
    "resolution": "ImageGenerationRequestResolution",
}


def _check_enum(name: str, value: Any) -> str:
    # Values outside the spec's list are sent as they are: the API adds values over time,
    # and it answers an unsupported one with a 400 that names it.
    if not isinstance(value, str) or not value:
        from typing import get_args

        from . import components

        allowed = ", ".join(repr(v) for v in get_args(getattr(components, _ENUMS[name])))
        raise ParameterError(name, f"must be one of {allowed}; got {value!r}")
    return value


def _dump_model(
    name: str, value: Any, model: type[pydantic.BaseModel], *, nulls: bool
) -> dict[str, Any]:
    """A model or a dict as wire JSON with only what the caller set (never invented nulls).

    ``nulls``: whether an explicit ``None`` is sent as ``null`` (where the spec allows it).
    """
    from pydantic import ValidationError

    from ._response import first_error

    if isinstance(value, dict):
        check_json(name, value)  # pydantic's message for a key it cannot read is unclear
    try:
        validated = value if isinstance(value, model) else model.model_validate(value)
    except ValidationError as exc:
        raise ParameterError(name, first_error(exc)) from None
    options: dict[str, Any] = {"by_alias": True, "exclude_unset": True, "exclude_none": not nulls}
    # The JSON dump turns NaN and infinity into null: check the Python values first.
    check_json(name, validated.model_dump(**options))
    return validated.model_dump(mode="json", **options)


def generate_body(args: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON body of ``POST /images``: wire names, unset fields omitted."""
    body: dict[str, Any] = {
        "model": _check_str("model", args["model"], non_empty=True),
        "prompt": _check_str("prompt", args["prompt"], non_empty=True),
    }
    for name in _GENERATE_FIELDS[2:]:
        value = args[name]
        if value is None:
            continue
        if name in _ENUMS:
            value = _check_enum(name, value)
        elif name == "n":
            value = _check_int(name, value, 1, 10)
        elif name == "output_compression":
            value = _check_int(name, value, 0, 100)
        elif name == "seed":
            value = _check_int(name, value)
        elif name == "session_id":
            if len(_check_str(name, value)) > 256:
                raise ParameterError(name, f"must be at most 256 characters, got {len(value)}")
        elif name in ("size", "user"):
            value = _check_str(name, value)
        elif name == "stream":
            if not isinstance(value, bool):
                raise ParameterError(name, f"must be True or False, got {value!r}")
        elif name == "input_references":
            value = _input_references(value)
        else:  # provider, trace
            from . import components

            # The provider preferences are nullable in the spec, the trace fields are not.
            if name == "provider":
                value = _dump_model(
                    name, value, components.ImageGenerationProviderPreferences, nulls=True
                )
            else:
                value = _dump_model(name, value, components.TraceConfig, nulls=False)
        body[name] = value
    check_json("", body)
    return body


def _input_references(value: Any) -> list[dict[str, Any]]:
    from ._inputs import as_content_part

    if isinstance(value, (str, bytes, dict)) or not hasattr(value, "__iter__"):
        raise ParameterError(
            "input_references",
            "must be a list of images (URLs, data URLs, file paths, bytes, "
            f"ContentPartImage or dicts), got {type(value).__name__}",
        )
    items: list[InputReference] = list(value)
    if len(items) > 16:
        raise ParameterError("input_references", f"at most 16 images allowed, got {len(items)}")
    return [as_content_part(item, f"input_references[{i}]") for i, item in enumerate(items)]


def endpoints_path(author: Any, slug: Any) -> str:
    """``/images/models/{author}/{slug}/endpoints`` with both parts URL-quoted."""
    author = _check_str("author", author, non_empty=True)
    slug = _check_str("slug", slug, non_empty=True)
    for name, part in (("author", author), ("slug", slug)):
        check_text(name, part)
        if part in (".", ".."):
            raise ParameterError(name, f"must be a model id part, got {part!r}")
    return f"/images/models/{quote(author, safe='')}/{quote(slug, safe='')}/endpoints"
