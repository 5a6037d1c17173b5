"""The settings of a client, resolved once: constructor arguments, then environment
variables, then defaults. Nothing here does I/O; ``_request`` builds each call from them."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from ._request import HeaderValue, bearer, check_url, header_value, make_timeout
from ._retry import RetryConfig
from ._version import __version__
from .errors import ParameterError

DEFAULT_SERVER_URL = "https://openrouter.ai/api/v1"
USER_AGENT = f"openrouter-python/{__version__} (images; httpx {httpx.__version__})"
ATTRIBUTION = (
    # (parameter, header, environment variable): the app attribution headers, set on the
    # client (argument, else environment) or per call.
    ("http_referer", "HTTP-Referer", "OPENROUTER_HTTP_REFERER"),
    ("x_open_router_title", "X-OpenRouter-Title", "OPENROUTER_X_OPEN_ROUTER_TITLE"),
    ("x_open_router_categories", "X-OpenRouter-Categories", "OPENROUTER_X_OPEN_ROUTER_CATEGORIES"),
)


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
        for name, header, env in ATTRIBUTION:
            value = given[name] or os.environ.get(env)
            if value:
                self.headers[header] = header_value(name, value)

    def pool_options(self) -> dict[str, Any]:
        """The settings of a connection pool the client creates itself (sync or async):
        it carries the client-wide headers, so httpx does not merge them per request."""
        return {"headers": self.headers, "timeout": self.timeout, "follow_redirects": True}


def _default_logger() -> logging.Logger:
    """The ``openrouter`` logger; ``OPENROUTER_DEBUG=1`` makes it print (as in the official SDK)."""
    logger = logging.getLogger("openrouter")
    if os.environ.get("OPENROUTER_DEBUG") and not logger.handlers:
        logger.addHandler(logging.StreamHandler())
        logger.setLevel(logging.DEBUG)
    return logger
