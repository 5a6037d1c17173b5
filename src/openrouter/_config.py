"""The settings of a client, resolved once: constructor arguments, then environment
variables, then defaults. Nothing here does I/O; ``_request`` builds each call from them."""

from __future__ import annotations

import copy
import logging
import math
import os
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from ._request import (
    ATTRIBUTION,
    HeaderValue,
    bearer,
    check_headers,
    check_url,
    credential,
    header_value,
    make_timeout,
)
from ._retry import RetryConfig
from ._version import __version__
from .errors import ParameterError

DEFAULT_SERVER_URL = "https://openrouter.ai/api/v1"
USER_AGENT = f"openrouter-python/{__version__} (images; httpx {httpx.__version__})"


class Config:
    """The settings a client is created with, resolved once (arguments, then environment).

    ``headers`` are the client-wide headers; later ones replace earlier ones of the same
    name: ``User-Agent``, ``Accept``, ``Authorization`` (from the key), the attribution
    headers, ``default_headers``.
    """

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
        default_headers: Mapping[str, str] | None = None,
        preflight: bool = False,
        preflight_ttl_ms: float = 600_000,
    ) -> None:
        self.headers: dict[str, HeaderValue] = {
            "User-Agent": USER_AGENT,
            "Accept": "application/json",
        }
        self.api_key: str | Callable[[], str] | None = None
        self.key: str | None = None
        extra = check_headers("default_headers", default_headers)
        # An Authorization among default_headers (a proxy's own scheme, say) replaces the
        # key's, so no key is needed then.
        if not any(name.lower() == "authorization" for name in extra):
            self.use_key(api_key if api_key is not None else os.environ.get("OPENROUTER_API_KEY"))
        if server not in (None, "production"):
            raise ParameterError("server", f"the only server is 'production', got {server!r}")
        url, param = server_url, "server_url"
        if not url and os.environ.get("OPENROUTER_BASE_URL"):
            url, param = os.environ["OPENROUTER_BASE_URL"], "OPENROUTER_BASE_URL"
        url = url or DEFAULT_SERVER_URL
        for placeholder, part in (url_params or {}).items():
            url = url.replace("{" + placeholder + "}", part)
        self.server_url = check_url(url, param)
        self.retry_config = _retry_config(retry_config)
        if not isinstance(preflight, bool):
            raise ParameterError("preflight", f"must be True or False, got {preflight!r}")
        self.preflight = preflight
        # The model listing behind check() and pre-flight is fetched again after this long.
        self.preflight_ttl = make_timeout(preflight_ttl_ms, "preflight_ttl_ms").read or math.inf
        self.timeout = make_timeout(timeout_ms)
        self.logger = debug_logger or _default_logger()
        given: dict[str, str | None] = {
            "http_referer": http_referer,
            "x_open_router_title": x_open_router_title,
            "x_open_router_categories": x_open_router_categories,
        }
        for name, header, env in ATTRIBUTION:
            value = given[name] or os.environ.get(env)
            if value:
                self.set_header(header, header_value(name, value))
        self.add_headers(extra)

    def use_key(self, api_key: str | Callable[[], str] | None) -> None:
        """Send ``api_key``: a key function is called for every request (``_request.build``),
        a plain key goes in the headers."""
        self.api_key, self.key = api_key, None
        self.set_header("Authorization", None)
        if not callable(api_key):
            self.set_header("Authorization", bearer(api_key))
            self.key = str(api_key).strip()

    def set_header(self, name: str, value: HeaderValue | None) -> None:
        """Set a client-wide header (``None``: remove it), replacing any spelling of its name
        (two spellings would both be sent)."""
        for old in [old for old in self.headers if old.lower() == name.lower()]:
            del self.headers[old]
        if value is not None:
            self.headers[name] = value

    def add_headers(self, headers: Mapping[str, HeaderValue]) -> None:
        """Set checked headers (``default_headers``); an ``Authorization`` replaces the key."""
        for name, value in headers.items():
            self.set_header(name, value)
            if name.lower() == "authorization":
                self.api_key, self.key = None, credential(name, value)

    def replace(self, **changes: Any) -> Config:
        """These settings with ``changes``, the arguments of ``with_options`` (``None``:
        unchanged). Headers are added in the order of :attr:`headers`, so a header given
        here replaces the one inherited, whichever argument set either."""
        new = copy.copy(self)
        new.headers = dict(self.headers)
        if changes.get("api_key") is not None:
            new.use_key(changes["api_key"])
        if changes.get("server_url") is not None:
            new.server_url = check_url(changes["server_url"], "server_url")
        if changes.get("timeout_ms") is not None:
            new.timeout = make_timeout(changes["timeout_ms"])
        if changes.get("retry_config") is not None:
            new.retry_config = _retry_config(changes["retry_config"])
        new.logger = changes.get("debug_logger") or self.logger
        for name, header, _ in ATTRIBUTION:
            if changes.get(name):
                new.set_header(header, header_value(name, changes[name]))
        for param in ("http_headers", "default_headers"):
            new.add_headers(check_headers(param, changes.get(param)))
        return new

    def pool_options(self) -> dict[str, Any]:
        """The settings of a connection pool the client creates itself (sync or async):
        it carries the client-wide headers, so httpx does not merge them per request."""
        return {"headers": self.headers, "timeout": self.timeout, "follow_redirects": True}


def _retry_config(value: Any) -> RetryConfig | None:
    if value is not None and not isinstance(value, RetryConfig):
        raise ParameterError("retry_config", "must be an openrouter.utils.RetryConfig")
    return value


def _default_logger() -> logging.Logger:
    """The ``openrouter`` logger; ``OPENROUTER_DEBUG=1`` makes it print (as in the official SDK)."""
    logger = logging.getLogger("openrouter")
    if os.environ.get("OPENROUTER_DEBUG") and not logger.handlers:
        logger.addHandler(logging.StreamHandler())
        logger.setLevel(logging.DEBUG)
    return logger
