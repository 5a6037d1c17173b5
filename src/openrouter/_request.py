"""From a call's arguments to a request: validation and building, before any I/O.

Every problem with the input raises :class:`~openrouter.errors.ParameterError` naming the
parameter and what it accepts, before anything is sent. The per-call options are declared
once, in :class:`CallOptions`; :func:`build` turns them and the client's settings into a
:class:`RequestSpec`, which the send loops in ``_transport`` hand to httpx.
"""

from __future__ import annotations

import inspect
import math
import re
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypedDict, Union
from urllib.parse import quote, urlencode, urlsplit

import httpx

from ._retry import RetryConfig
from .errors import ParameterError

if TYPE_CHECKING:
    import pydantic
    from typing_extensions import Required

    from ._config import Config
    from ._inputs import InputReference
    from .components import (
        ImageGenerationProviderPreferences,
        ImageGenerationProviderPreferencesTypedDict,
        ImageGenerationRequestAspectRatio,
        ImageGenerationRequestBackground,
        ImageGenerationRequestOutputFormat,
        ImageGenerationRequestQuality,
        ImageGenerationRequestResolution,
        TraceConfig,
        TraceConfigTypedDict,
    )

DEFAULT_TIMEOUT_MS = 300_000
"""Five minutes: slow image models take one or two minutes to answer a buffered call."""
CONNECT_TIMEOUT_S = 10.0
"""A connection that takes longer than this is not going to work: fail (or retry) early."""

HeaderValue = Union[str, bytes]  # noqa: UP007 - a runtime alias, evaluated on 3.10


ATTRIBUTION = (
    # (parameter, header, environment variable): the app attribution headers, set on the
    # client (argument, else environment) or per call.
    ("http_referer", "HTTP-Referer", "OPENROUTER_HTTP_REFERER"),
    ("x_open_router_title", "X-OpenRouter-Title", "OPENROUTER_X_OPEN_ROUTER_TITLE"),
    ("x_open_router_categories", "X-OpenRouter-Categories", "OPENROUTER_X_OPEN_ROUTER_CATEGORIES"),
)


class CallOptions(TypedDict, total=False):
    """The options every method takes, per call (the official SDK's names, then the
    ``extra_*`` ones).

    Each overrides the client's setting for this call only. Headers, lowest precedence
    first: the client's (``User-Agent``, ``Authorization``, attribution, ``default_headers``),
    this call's attribution keywords, ``http_headers``, ``extra_headers``.
    """

    http_referer: str | None
    """Your app's URL (``HTTP-Referer``)."""
    x_open_router_title: str | None
    """Your app's name (``X-OpenRouter-Title``)."""
    x_open_router_categories: str | None
    """Comma-separated app categories (``X-OpenRouter-Categories``)."""
    retries: RetryConfig | None
    """Retry policy for this call (default: the client's ``retry_config``)."""
    server_url: str | None
    """Base URL for this call (default: the client's)."""
    timeout_ms: float | None
    """Timeout of each request phase, in milliseconds (default: the client's)."""
    http_headers: Mapping[str, str] | None
    """Extra headers to set or replace on this call."""
    extra_headers: Mapping[str, str] | None
    """Headers to set or replace on this call, over ``http_headers``."""
    extra_query: Mapping[str, str | int | float | bool] | None
    """Query parameters to add to the URL (booleans as ``true``/``false``)."""
    extra_body: Mapping[str, Any] | None
    """JSON fields to add to the body of ``generate`` (a parameter newer than this SDK); a
    call without a body (``GET``) refuses it, and so does a field ``generate`` has a
    keyword for."""


class GenerateOptions(CallOptions, total=False):
    """The per-call options of ``images.generate`` (and ``edit``): every method's, plus one."""

    preflight: bool | None
    """Check the call against the model's capabilities first (``images.check``) and raise
    ``ParameterError`` for a definite mismatch, sending nothing (default: the client's)."""


class GenerateParams(GenerateOptions, total=False):
    """The keyword arguments of ``images.generate`` besides ``stream``."""

    model: Required[str]
    """The image model, e.g. ``"openai/gpt-image-1"``."""
    prompt: Required[str]
    """What to draw (non-empty)."""
    aspect_ratio: ImageGenerationRequestAspectRatio | None
    """``"1:1"``, ``"16:9"``, ``"2.35:1"``, ... or ``"auto"``."""
    background: ImageGenerationRequestBackground | None
    """``"auto"``, ``"transparent"`` (png/webp only) or ``"opaque"``."""
    input_references: Iterable[InputReference] | None
    """Up to 16 reference images: URLs, data URLs, file paths, bytes, ``ContentPartImage``
    or dicts (see :func:`openrouter.input_reference`)."""
    n: int | None
    """How many images, 1 to 10 (an upper bound: providers may return fewer)."""
    output_compression: int | None
    """0 to 100, for jpeg/webp."""
    output_format: ImageGenerationRequestOutputFormat | None
    """``"png"``, ``"jpeg"``, ``"webp"`` or ``"svg"``."""
    provider: (
        ImageGenerationProviderPreferences | ImageGenerationProviderPreferencesTypedDict | None
    )
    """Provider routing preferences (model or dict), e.g.
    ``{"only": ["openai"], "options": {"openai": {...}}}``."""
    quality: ImageGenerationRequestQuality | None
    """``"auto"``, ``"low"``, ``"medium"``, ``"high"``, ``"xhigh"`` or ``"max"``."""
    resolution: ImageGenerationRequestResolution | None
    """``"512"``, ``"768"``, ``"1K"``, ``"1.5K"``, ``"2K"`` or ``"4K"``."""
    seed: int | None
    """For repeatable results where the provider supports it."""
    session_id: str | None
    """Groups related requests (at most 256 characters)."""
    size: str | None
    """A tier (``"2K"``) or pixels (``"2048x2048"``)."""
    trace: TraceConfig | TraceConfigTypedDict | Mapping[str, Any] | None
    """Observability metadata (model or dict)."""
    user: str | None
    """A stable identifier of your end-user."""


class EditParams(GenerateParams, total=False):
    """The keyword arguments of ``images.edit`` besides ``stream``: ``generate``'s, plus the
    image(s) to edit, sent first among the ``input_references``."""

    image: Required[InputReference | Iterable[InputReference]]
    """The image to edit (a path, bytes, a URL, a data URL, a ``ContentPartImage`` or a
    dict), or several."""


class EndpointsParams(CallOptions, total=False):
    """The keyword arguments of ``images.list_model_endpoints``."""

    author: Required[str]
    slug: Required[str]


OPTIONS = tuple(CallOptions.__annotations__)
_BODY = tuple(k for k in GenerateParams.__annotations__ if k not in GenerateOptions.__annotations__)
GENERATE_FIELDS = frozenset((*_BODY, "stream"))
"""The body fields ``generate`` has a keyword for (wire names are the keywords)."""
_OPTIONAL_BODY = _BODY[2:]  # after model and prompt
_BODY_KEYWORDS = frozenset(_BODY)
# The keywords each method takes, as sets: checked on every call.
GENERATE_KEYWORDS = frozenset(GenerateParams.__annotations__)
EDIT_KEYWORDS = frozenset(EditParams.__annotations__)
_ENDPOINTS_KEYWORDS = frozenset(EndpointsParams.__annotations__)
_OPTIONS_KEYWORDS = frozenset(OPTIONS)


def keywords(method: str, params: Mapping[str, Any], allowed: AbstractSet[str]) -> None:
    """Refuse keywords a method does not take, as Python does for a plain signature."""
    if params.keys() <= allowed:
        return
    unexpected = next(name for name in params if name not in allowed)
    raise TypeError(f"{method}() got an unexpected keyword argument {unexpected!r}")


def signature(params: type, first: tuple[str, ...], *, stream: bool = False) -> Any:
    """The ``inspect.Signature`` of a method taking ``**params: Unpack[...]``.

    Every key of the ``TypedDict`` becomes a keyword-only parameter, ``None`` by default
    except the ``first`` ones (required), in the official SDK's order: ``first``, the
    attribution options, the method's own parameters (``stream`` after ``size``), the other
    options. So ``help()``, IDEs and ``inspect`` show what the method takes.
    """
    names = [*first, *OPTIONS[:3]]
    own = GenerateOptions.__annotations__  # (its `preflight` goes after the parameters)
    names += [n for n in params.__annotations__ if n not in names and n not in own]
    if stream:
        names.insert(names.index("size") + 1, "stream")
    names += [n for n in own if n in params.__annotations__ and n not in names]
    annotations: dict[str, Any] = {"stream": "bool | None"}
    for name, annotation in params.__annotations__.items():
        text = getattr(annotation, "__forward_arg__", annotation)  # kept as strings: no import
        if isinstance(text, str) and text.startswith("Required["):
            text = text[len("Required[") : -1]
        annotations[name] = text
    keyword = inspect.Parameter.KEYWORD_ONLY
    return inspect.Signature(
        [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
        + [
            inspect.Parameter(
                name,
                keyword,
                default=inspect.Parameter.empty if name in first else None,
                annotation=annotations[name],
            )
            for name in names
        ]
    )


@dataclass(slots=True)
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
    retry_config: RetryConfig | None
    stream: bool
    idempotent: bool
    secret: str | None = field(default=None, repr=False)
    """The key this request sends, to scrub from whatever comes back."""


def build(
    config: Config,
    method: str,
    path: str,
    options: CallOptions,
    *,
    json: Any = None,
    stream: bool = False,
) -> RequestSpec:
    """The request of one call, from the client's settings and the call's ``options``."""
    headers: dict[str, HeaderValue] = {}
    # Lower-case names, so that httpx replaces a default header of any spelling.
    if stream:
        headers["accept"] = "text/event-stream"
    secret = config.key
    if callable(config.api_key):
        key = config.api_key()
        headers["authorization"] = bearer(key)
        secret = key.strip()
    url, timeout, retry_config = config.server_url + path, config.timeout, config.retry_config
    if not options.keys() <= _BODY_KEYWORDS:  # most calls set no per-call option: skipped
        for param, name, _ in ATTRIBUTION:
            value = options.get(param)
            if value:
                headers[name.lower()] = header_value(param, value)
        for param in ("http_headers", "extra_headers"):
            given = options.get(param)
            if given is not None:
                for name, value in check_headers(param, given).items():
                    headers[name.lower()] = value
                    # A key given here is scrubbed from what comes back, as the client's is.
                    secret = credential(name, value) or secret
        retries = options.get("retries")
        if retries is not None:
            if not isinstance(retries, RetryConfig):
                raise ParameterError("retries", "must be an openrouter.utils.RetryConfig")
            retry_config = retries
        server_url = options.get("server_url")
        if server_url:
            url = check_url(server_url, "server_url") + path
        extra_body = options.get("extra_body")
        if extra_body is not None:
            json = merge_body(json, extra_body, f"{method} {path}")
        extra_query = options.get("extra_query")
        if extra_query is not None:
            url += query_string(extra_query)
        timeout_ms = options.get("timeout_ms")
        if timeout_ms is not None:
            timeout = make_timeout(timeout_ms)
    return RequestSpec(
        method, url, headers, json, timeout, retry_config, stream, method == "GET", secret
    )


def generate(config: Config, stream: bool | None, params: GenerateParams) -> RequestSpec:
    """Validate the arguments of ``images.generate`` and build its request."""
    keywords("generate", params, GENERATE_KEYWORDS)
    for name in ("model", "prompt"):
        if name not in params:
            raise TypeError(f"generate() missing required keyword argument: {name!r}")
    body = generate_body(params, stream)
    return build(config, "POST", "/images", params, json=body, stream=bool(stream))


def endpoints(config: Config, params: EndpointsParams) -> RequestSpec:
    """Validate the arguments of ``images.list_model_endpoints`` and build its request."""
    keywords("list_model_endpoints", params, _ENDPOINTS_KEYWORDS)
    for name in ("author", "slug"):
        if name not in params:
            raise TypeError(f"list_model_endpoints() missing required keyword argument: {name!r}")
    path = endpoints_path(params["author"], params["slug"])
    return build(config, "GET", path, params)


def models(config: Config, options: CallOptions) -> RequestSpec:
    """Build the request of ``images.list_models``."""
    keywords("list_models", options, _OPTIONS_KEYWORDS)
    return build(config, "GET", "/images/models", options)


# --------------------------------------------------------------------------------------
# Capabilities: a call's parameters against the model listing (check and pre-flight)

CheckStatus = Literal["supported", "unsupported", "unknown"]


@dataclass(frozen=True)
class ParameterCheck:
    """What the catalogue says of one parameter of a ``generate`` call."""

    name: str
    """The parameter (``"quality"``)."""
    value: Any
    """The value the call gives it."""
    status: CheckStatus
    """``"supported"``, ``"unsupported"`` (a definite mismatch) or ``"unknown"`` (the
    catalogue does not describe it, or the model is not in it)."""
    detail: str
    """Why, in words: ``"quality='xhigh' is not supported by a/b: auto, low, medium, high"``."""


@dataclass(frozen=True)
class CapabilityCheck:
    """The result of ``images.check(...)``: each parameter of the call against the model's
    ``supported_parameters`` and ``supports_streaming`` in the model listing."""

    model: str
    known_model: bool
    """Whether the model is in the listing (an unknown one blocks nothing)."""
    parameters: tuple[ParameterCheck, ...]

    @property
    def ok(self) -> bool:
        """No parameter is definitely unsupported."""
        return not self.unsupported

    @property
    def unsupported(self) -> list[ParameterCheck]:
        """The parameters the model definitely does not accept with these values."""
        return [p for p in self.parameters if p.status == "unsupported"]

    def __getitem__(self, name: str) -> ParameterCheck:
        for parameter in self.parameters:
            if parameter.name == name:
                return parameter
        raise KeyError(name)

    def raise_for_unsupported(self) -> None:
        """Raise ``ParameterError`` for the first unsupported parameter, if any (what
        pre-flight does). ``stream`` is not refused: the SDK turns the answer of a model
        that does not stream into completed events."""
        for parameter in self.unsupported:
            if parameter.name != "stream":
                raise ParameterError(parameter.name, parameter.detail)


def check_capabilities(listed: Any, model: str, body: Mapping[str, Any]) -> CapabilityCheck:
    """The parameters of a ``generate`` request ``body`` (its wire JSON) against ``listed``,
    the model's entry in the model listing (``None``: not listed). Pure: the listing is
    fetched, and cached, by the resource."""
    checks = [
        _check(listed, model, name, value)
        for name, value in body.items()
        if name not in ("model", "prompt") and value is not None
    ]
    return CapabilityCheck(model, listed is not None, tuple(checks))


def _check(listed: Any, model: str, name: str, value: Any) -> ParameterCheck:
    shown = f"{name}={value!r}"
    if name == "input_references":
        value, shown = len(value), f"{len(value)} input references"

    def result(status: CheckStatus, detail: str) -> ParameterCheck:
        return ParameterCheck(name, value, status, detail)

    if listed is None:
        return result("unknown", f"{model} is not in the model listing")
    if name == "stream":
        if listed.supports_streaming is False:
            return result("unsupported", f"{model} does not stream (its images come at once)")
        return result("supported" if listed.supports_streaming is True else "unknown", "")
    described = listed.supported_parameters
    descriptor: Any = described.get(name) if isinstance(described, dict) else None
    kind = getattr(descriptor, "type", None)
    if kind == "boolean":
        return result("supported", f"{model} accepts {name}")
    if kind == "enum" and isinstance(descriptor.values, list):
        if value in descriptor.values:
            return result("supported", f"{shown} is one of the values of {model}")
        allowed = ", ".join(map(str, descriptor.values)) or "none"
        return result("unsupported", f"{shown} is not supported by {model}: {allowed}")
    bounds = (getattr(descriptor, "min", None), getattr(descriptor, "max", None))
    if kind == "range" and all(_number(x) for x in (value, *bounds)):
        low, high = bounds
        if low <= value <= high:
            return result("supported", f"{shown} is within {low:g} to {high:g}")
        return result("unsupported", f"{shown} is not supported by {model}: {low:g} to {high:g}")
    return result("unknown", f"the model listing does not describe {name} for {model}")


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# --------------------------------------------------------------------------------------
# Values: what can be sent at all


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


def check_json(param: str, value: Any, *, strict: bool = False) -> None:
    """Refuse what the JSON body cannot carry, naming its path (``provider.only[0]``).

    Strings must be valid UTF-8 (see :func:`check_text`) and numbers finite: JSON has no
    NaN or infinity, and sending ``null`` instead would change the request's meaning.
    ``strict``: also refuse what is not plain JSON (a ``set``, a model, a non-string key),
    for values no model has validated (``extra_body``).
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
            if type(item) is str and item.isascii() and type(key) is str and key.isascii():
                continue  # the common case, without building a path for an error
            # A key that cannot be sent is shown by its repr, which escapes the surrogate.
            path = f"{param}.{key}" if param else str(key)
            if strict and not isinstance(key, str):
                raise ParameterError(path, f"JSON keys are strings, got {key!r}")
            if isinstance(key, str) and not key.isascii():
                check_text(f"{param}[{key!r}]", key)
            check_json(path, item, strict=strict)
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            check_json(f"{param}[{index}]", item, strict=strict)
    elif strict and value is not None and not isinstance(value, int):  # bool is an int
        raise ParameterError(
            param,
            f"must be JSON (str, int, float, bool, None, list or dict), got {type(value).__name__}",
        )


_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
"""A header name (an RFC 7230 token): visible ASCII without separators."""


def header_name(value: Any, param: str = "http_headers") -> str:
    """A header name of ``param``, checked so it cannot break the request apart."""
    if not isinstance(value, str) or not _TOKEN.fullmatch(value):
        raise ParameterError(
            param,
            f"{value!r} is not a valid header name: use ASCII letters, digits and "
            "!#$%&'*+-.^_`|~ (no spaces, colons or line breaks)",
        )
    return value


def check_headers(param: str, headers: Any) -> dict[str, HeaderValue]:
    """The headers of ``param`` (a mapping or ``None``), each name and value checked."""
    return {
        header_name(name, param): header_value(f"{param}[{name!r}]", value)
        for name, value in _mapping(param, headers).items()
    }


def credential(name: str, value: HeaderValue) -> str | None:
    """The key an ``Authorization`` header carries (to scrub from errors), else ``None``."""
    if name.lower() != "authorization" or not isinstance(value, str):
        return None
    return value.removeprefix("Bearer ").strip() or None


def _mapping(param: str, value: Any) -> Mapping[Any, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ParameterError(param, f"must be a dict, got {type(value).__name__}")
    return value


def query_string(extra_query: Any) -> str:
    """``?a=1&b=true`` for ``extra_query`` (``""`` for none), each name and value checked."""
    pairs = []
    for name, value in _mapping("extra_query", extra_query).items():
        if not isinstance(name, str) or not name:
            raise ParameterError("extra_query", f"names must be non-empty strings, got {name!r}")
        param = f"extra_query[{name!r}]"
        check_text(param, name)
        if isinstance(value, bool):
            value = "true" if value else "false"  # as JSON and httpx spell them
        elif isinstance(value, (int, float)):
            check_json(param, value)  # no NaN or infinity
        elif not isinstance(value, str):
            raise ParameterError(
                param, f"must be a string, number or boolean, got {type(value).__name__}"
            )
        pairs.append((name, check_text(param, str(value))))
    return "?" + urlencode(pairs, quote_via=quote) if pairs else ""


def merge_body(body: Any, extra_body: Any, request: str) -> dict[str, Any]:
    """``body`` with the fields of ``extra_body`` added (JSON values only, checked).

    A field ``generate`` has a keyword for is refused rather than overridden: the keyword
    validates its value, and two ways to set one field would hide which one wins.
    """
    if body is None:
        raise ParameterError(
            "extra_body", f"{request} has no body: only generate() takes extra_body"
        )
    extra = _mapping("extra_body", extra_body)
    for name in extra:
        if not isinstance(name, str):
            raise ParameterError("extra_body", f"field names must be strings, got {name!r}")
        if name in GENERATE_FIELDS:
            raise ParameterError(
                "extra_body", f"{name!r} is a parameter of generate(): use the `{name}` keyword"
            )
    check_json("extra_body", dict(extra), strict=True)
    return {**body, **extra}


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


# --------------------------------------------------------------------------------------
# The body of POST /images


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


def generate_body(args: Mapping[str, Any], stream: bool | None = None) -> dict[str, Any]:
    """The JSON body of ``POST /images``: wire names, unset fields omitted (``args`` may
    hold the call's options too: only body fields are read)."""
    body: dict[str, Any] = {
        "model": _check_str("model", args["model"], non_empty=True),
        "prompt": _check_str("prompt", args["prompt"], non_empty=True),
    }
    for name in _OPTIONAL_BODY:  # in the spec's order, whatever the keywords' order
        value = args.get(name)
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
    if stream is not None:
        if not isinstance(stream, bool):
            raise ParameterError("stream", f"must be True or False, got {stream!r}")
        body["stream"] = stream
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
