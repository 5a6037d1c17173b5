"""Faults: the failures and slowdowns a test injects, when they apply and what they answer.

A :class:`Fault` is plain data, checked when it is created so that a mistyped fault fails
in the test that injects it (or as a 400 from the control endpoint) rather than later as
a confusing server error. :meth:`Fault.matches` decides whether it applies to a request;
:func:`fault_plan` builds the response of a fault that replaces the API's answer (an
error envelope with a realistic message, a custom body, or a Cloudflare-like HTML page).

The timing effects (``delay``, ``event_delay``, ``drop``) are carried out when the
response is sent, by ``_delivery``.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field, fields
from http import HTTPStatus
from typing import Any, Literal, get_args

from ._responses import Plan, body_plan, dumps, error_envelope

__all__ = ["API_PREFIX", "DropMode", "Fault", "fault_plan"]

#: The API's path prefix; a fault's ``path`` is relative to it.
API_PREFIX = "/api/v1"

#: How a fault cuts the connection, see :class:`Fault`.
DropMode = Literal["mid-body", "mid-stream", "before-headers"]


def _new_fault_id() -> str:
    return "fault_" + uuid.uuid4().hex[:12]


@dataclass
class Fault:
    """A failure (or slowdown) to inject into the responses of the fake server.

    Matching: a fault matches a request under ``/api/v1`` when every filter that is set
    matches: ``path`` (the path after ``/api/v1``: equal, or a ``/``-separated prefix of it;
    ``"/images"`` means only the generation endpoint, since discovery lives under
    ``/images/models``), ``method`` (case-insensitive) and ``model`` (the ``model`` of the
    JSON body, or the model of an ``.../endpoints`` lookup). The first matching fault
    applies and its ``times`` counter is decremented; at zero it is removed. ``times=None``
    means forever, so ``times=2`` means "fail twice, then succeed".

    Effects (combine freely):

    * ``status``: answer this status with the spec's error envelope and a realistic
      message, instead of processing the request. ``body`` overrides the body (dict/list
      -> JSON, str -> sent as-is; alone it implies status 200) and ``content_type`` its
      content type (default ``application/json``). ``html=True`` sends a Cloudflare-like
      HTML error page (status default 524).
    * ``headers``: extra response headers (on whatever response is sent), e.g.
      ``{"Retry-After": "1"}``.
    * ``delay``: seconds to wait before the response headers are sent.
    * ``event_delay``: seconds between stream events (a ``: OPENROUTER PROCESSING``
      comment is sent halfway through each wait).
    * ``error_event``: in a stream, send an ``error`` event after the first partial image
      or content text chunk and end the stream there (no ``[DONE]``, like an upstream
      failure). ``True`` sends a default ``provider_error``; a dict is sent as the
      ``error`` object.
    * ``drop``: cut the TCP connection. ``"before-headers"``: no response at all;
      ``"mid-body"`` / ``"mid-stream"``: after the headers and part of the body (half of a
      JSON body announced with its full Content-Length, or the stream up to its first
      event); the client sees a protocol error, not a clean end.
    * ``partial_images``: number of partial images a streaming raster model sends
      (default 2).

    Stream-only effects are ignored for buffered responses.
    """

    status: int | None = None
    body: dict[str, Any] | list[Any] | str | None = None
    content_type: str | None = None
    headers: dict[str, str] | None = None
    html: bool = False
    path: str | None = None
    model: str | None = None
    method: str | None = None
    delay: float = 0.0
    event_delay: float = 0.0
    error_event: bool | dict[str, Any] = False
    drop: DropMode | None = None
    partial_images: int | None = None
    times: int | None = 1
    id: str = field(default_factory=_new_fault_id)

    def __post_init__(self) -> None:
        # Validate now, so that a bad fault fails in the test that injects it rather than
        # later as a confusing server error.
        problem = _fault_problem(self)
        if problem is not None:
            raise ValueError(problem)
        if self.path is not None and self.path.startswith(API_PREFIX + "/"):
            self.path = self.path[len(API_PREFIX) :]

    @classmethod
    def from_json(cls, data: Any) -> Fault:
        """Build a fault from a JSON object of its fields (raises :class:`ValueError`)."""
        if not isinstance(data, dict):
            raise ValueError("a fault must be a JSON object of Fault fields")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown Fault field(s): {', '.join(unknown)}")
        try:
            return cls(**data)
        except TypeError as exc:  # e.g. a field given a value of an unusable type
            raise ValueError(str(exc)) from exc

    def to_json(self) -> dict[str, Any]:
        """Return the fault's fields as a JSON-compatible dict."""
        return asdict(self)

    @property
    def responds(self) -> bool:
        """Whether this fault replaces the response (status, body or HTML page)."""
        return self.status is not None or self.body is not None or self.html

    def matches(self, method: str, api_path: str, model: str | None) -> bool:
        """Return whether this fault applies to a request (``api_path`` is after /api/v1)."""
        if self.method is not None and self.method.upper() != method.upper():
            return False
        if self.model is not None and self.model != model:
            return False
        return self.path is None or _path_matches(self.path, api_path)


# --------------------------------------------------------------------------------------
# Checking and matching
# --------------------------------------------------------------------------------------


def _strict_int(value: Any, low: int, high: int) -> bool:
    # bool is a subclass of int, yet True is no valid status or count.
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _non_negative(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0


def _fault_problem(fault: Fault) -> str | None:
    """Describe the first invalid field of a fault, or return None."""
    optional_str = (str, type(None))
    headers = fault.headers
    checks = [
        ("status", fault.status is None or _strict_int(fault.status, 100, 599), "100-599 or None"),
        ("body", isinstance(fault.body, (dict, list, *optional_str)), "a dict, list, str or None"),
        ("content_type", isinstance(fault.content_type, optional_str), "a string or None"),
        (
            "headers",
            headers is None
            or (isinstance(headers, dict) and all(isinstance(v, str) for v in headers.values())),
            "a dict of strings or None",
        ),
        ("html", isinstance(fault.html, bool), "a boolean"),
        ("path", isinstance(fault.path, optional_str), "a string or None"),
        ("model", isinstance(fault.model, optional_str), "a string or None"),
        ("method", isinstance(fault.method, optional_str), "a string or None"),
        ("delay", _non_negative(fault.delay), "a non-negative number"),
        ("event_delay", _non_negative(fault.event_delay), "a non-negative number"),
        ("error_event", isinstance(fault.error_event, (bool, dict)), "a boolean or a dict"),
        (
            "drop",
            fault.drop is None or fault.drop in get_args(DropMode),
            "one of " + ", ".join(get_args(DropMode)) + " or None",
        ),
        (
            "partial_images",
            fault.partial_images is None or _strict_int(fault.partial_images, 0, 10),
            "an integer in 0-10 or None",
        ),
        ("times", fault.times is None or _strict_int(fault.times, 1, 2**31), "positive or None"),
    ]
    for name, valid, expected in checks:
        if not valid:
            return f"{name} must be {expected}, got {getattr(fault, name)!r}"
    return None


def _path_matches(pattern: str, path: str) -> bool:
    """Exact or ``/``-separated prefix match; ``/images`` is only the generation endpoint."""
    pattern = pattern.rstrip("/") or "/"
    if pattern == path:
        return True
    # The discovery endpoints live *under* /images, yet "/images" naturally means
    # "the generation endpoint", so it never acts as a prefix.
    if pattern == "/images":
        return False
    return path.startswith(pattern if pattern.endswith("/") else pattern + "/")


# --------------------------------------------------------------------------------------
# The response of a fault
# --------------------------------------------------------------------------------------

_DEFAULT_MESSAGES = {
    400: "Invalid request parameters",
    401: "Missing Authentication header",
    402: "Insufficient credits. Add more using https://openrouter.ai/credits",
    403: "Only management keys can perform this operation",
    404: "Resource not found",
    408: "Request timed out",
    413: "Request payload too large",
    422: "Unprocessable entity",
    429: "Rate limit exceeded",
    500: "Internal Server Error",
    502: "Provider returned error",
    503: "Service temporarily unavailable",
    504: "Gateway timeout",
    524: "Request timed out. Please try again later.",
    529: "Provider returned error",
}


def fault_plan(fault: Fault) -> Plan:
    """The response replacing the API's answer, for a fault that ``responds``."""
    if fault.html:
        status = fault.status or 524
        content_type = fault.content_type or "text/html; charset=UTF-8"
        return body_plan(status, _html_page(status), content_type)
    status = fault.status or 200  # a body alone means "answer this instead"
    if fault.body is None:
        # Upstream failures name the provider, like the real API's metadata.
        metadata = {"provider_name": "Fake Labs"} if status in (502, 529) else None
        body = dumps(error_envelope(status, _default_message(status), metadata))
    elif isinstance(fault.body, str):
        body = fault.body.encode()
    else:
        body = dumps(fault.body)
    return body_plan(status, body, fault.content_type or "application/json")


def _default_message(status: int) -> str:
    """The real API's message for an error status, else the HTTP reason phrase."""
    if status in _DEFAULT_MESSAGES:
        return _DEFAULT_MESSAGES[status]
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _html_page(status: int) -> bytes:
    """A Cloudflare-like error page, as sent by the edge when the origin times out."""
    timeout = status == 524
    reason = "A timeout occurred" if timeout else _default_message(status)
    detail = "timed out responding to" if timeout else "returned an error for"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en-US">\n<head>\n'
        f"<title>openrouter.ai | {status}: {reason}</title>\n"
        '<meta charset="UTF-8" />\n'
        "</head>\n<body>\n"
        '<div id="cf-wrapper">\n'
        f'<h1><span class="inline-block">{reason}</span>\n'
        f'<span class="code-label">Error code {status}</span></h1>\n'
        f"<p>The origin web server {detail} this request.</p>\n"
        '<p>Cloudflare Ray ID: <strong class="font-semibold">8f00000000000000</strong></p>\n'
        "</div>\n</body>\n</html>\n"
    ).encode()
