"""Faults: the failures and slowdowns a test injects, when they apply and what they answer.

A :class:`Fault` is plain data, checked when it is created so that a mistyped fault fails
in the test that injects it (or as a 400 from the control endpoint) rather than later as
a confusing server error. :meth:`Fault.matches` decides whether it applies to a request;
:func:`fault_plan` builds the response of a fault that replaces the API's answer (an
error envelope with a realistic message, a custom body, or a Cloudflare-like HTML page);
:func:`stream_error` the error event that cuts a stream short.

A fault's ``drift`` is applied where the normal answer is built (``_drift``). The timing
effects (``delay``, ``event_delay``, ``drop``) are carried out when the response is
sent, by ``_delivery``.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field, fields
from http import HTTPStatus
from typing import Any, Literal, get_args

from ._drift import DRIFT_KINDS
from ._responses import Plan, body_plan, dumps, error_envelope

__all__ = ["API_PREFIX", "DropMode", "Fault", "fault_plan", "stream_error"]

API_PREFIX = "/api/v1"
"""The API's path prefix; a fault's ``path`` is relative to it."""

DropMode = Literal["mid-body", "mid-stream", "before-headers"]
"""How a fault cuts the connection, see :class:`Fault`."""


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
    * ``envelope``: answer the error envelope ``{"error": {...}}`` where a result is
      documented, with status 200 unless ``status`` says otherwise (the live API does
      this). An int is the envelope's ``code`` (with the realistic message of that
      status); a dict is sent as the ``error`` object.
    * ``headers``: extra response headers (on whatever response is sent), e.g.
      ``{"Retry-After": "1"}``.
    * ``delay``: seconds to wait before the response headers are sent.
    * ``event_delay``: seconds between stream events (a ``: OPENROUTER PROCESSING``
      comment is sent halfway through each wait).
    * ``error_event``: in a stream, send an ``error`` event after the first partial image
      or content text chunk (see ``error_after``) and end the stream there (no
      ``[DONE]``, like an upstream failure). ``True`` sends a default
      ``provider_error``; a dict is sent as the ``error`` object.
    * ``error_envelope_event``: like ``error_event``, but the event is a bare error
      envelope ``{"error": {"code": 502, "message": ..., "metadata": ...}}`` (no
      ``type``: the shape of the non-streaming API). ``True`` sends code 502, an int that
      code (with its realistic message and ``metadata.provider_name``), a dict is sent as
      the ``error`` object.
    * ``error_after``: how many partial images / content text chunks are sent before
      the ``error_event`` or ``error_envelope_event`` (default 1; 0: the error is the
      very first event; more than the stream has: right after the last one).
    * ``drop``: cut the TCP connection. ``"before-headers"``: no response at all;
      ``"mid-body"`` / ``"mid-stream"``: after the headers and part of the body (half of a
      JSON body announced with its full Content-Length, or the stream up to its first
      event); the client sees a protocol error, not a clean end.
    * ``partial_images``: number of partial images a streaming raster model sends
      (default 2).
    * ``drift``: one kind or a list of kinds of spec drift applied, in order, to the
      normal successful answer (buffered body, every stream event, model listing,
      endpoints). The images themselves (``b64_json``, ``media_type``, an event's
      ``type`` and ``partial_image_index``, a text chunk's ``text``) never drift. Kinds:

      - ``"float-integers"``: documented integers as integral floats (``created``,
        usage token counts, a model's ``created``), plus one non-integral
        ``usage.completion_tokens_details.image_tokens: 1.5`` (details added if absent);
      - ``"string-numbers"``: numbers as strings: ``created``, every number in
        ``usage`` (``"12"``, ``"0.04"``), a model's ``created``, pricing ``cost_usd``,
        range capability ``min``/``max``;
      - ``"nulls"``: required fields sent as ``null``: ``created``,
        ``usage.prompt_tokens``/``completion_tokens``/``total_tokens``, a model's
        ``description``/``created``/``supports_streaming``, an endpoint's
        ``pricing``/``provider_tag``;
      - ``"missing"``: the same fields as ``"nulls"``, absent;
      - ``"objects"``: objects where scalars are: ``usage.cost`` ->
        ``{"amount", "currency"}``, ``created`` (also a model's) -> ``{"seconds"}``,
        pricing ``cost_usd`` -> ``{"usd"}``, a model's ``supports_streaming`` ->
        ``{"native"}``;
      - ``"unknown-fields"``: unknown fields everywhere: a top-level ``provider`` object
        (every event too), ``revised_prompt`` in each image (data item or completed
        event), ``x_future`` in ``usage`` and ``usage.cost_details`` (added with its
        documented fields if absent), in each model, endpoint and pricing entry, and a
        ``hint`` in each capability descriptor;
      - ``"renamed"``: ``created`` -> ``created_at``; chat-style usage
        (``input_tokens``/``output_tokens``, no ``total_tokens`` nor token details) with
        ``cost`` -> ``total_cost``; ``supports_streaming`` -> ``streaming`` (models and
        endpoints) and an endpoint's ``pricing`` -> ``prices``.

    Stream-only effects are ignored for buffered responses. Drift applies only to
    successful answers, never to errors.
    """

    status: int | None = None
    body: dict[str, Any] | list[Any] | str | None = None
    envelope: int | dict[str, Any] | None = None
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
    error_envelope_event: bool | int | dict[str, Any] = False
    error_after: int = 1
    drift: str | list[str] | None = None
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
        """Whether this fault replaces the response (status, body, envelope or HTML page)."""
        return (
            self.status is not None
            or self.body is not None
            or self.envelope is not None
            or self.html
        )

    @property
    def drift_kinds(self) -> tuple[str, ...]:
        """The kinds of ``drift``, in order (empty when there is none)."""
        if self.drift is None:
            return ()
        return (self.drift,) if isinstance(self.drift, str) else tuple(self.drift)

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
        (
            "envelope",
            fault.envelope is None
            or isinstance(fault.envelope, dict)
            or _strict_int(fault.envelope, 100, 599),
            "an error code in 100-599, a dict or None",
        ),
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
            "error_envelope_event",
            isinstance(fault.error_envelope_event, (bool, dict))
            or _strict_int(fault.error_envelope_event, 100, 599),
            "a boolean, an error code in 100-599 or a dict",
        ),
        ("error_after", _strict_int(fault.error_after, 0, 100), "an integer in 0-100"),
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
        ("drift", _valid_drift(fault.drift), f"one or a list of {', '.join(DRIFT_KINDS)}"),
    ]
    for name, valid, expected in checks:
        if not valid:
            return f"{name} must be {expected}, got {getattr(fault, name)!r}"
    # Two answers for the same request can't both be sent.
    if fault.envelope is not None and (fault.body is not None or fault.html):
        return "envelope can't be combined with body or html"
    if fault.error_event is not False and fault.error_envelope_event is not False:
        return "error_event and error_envelope_event can't be combined"
    return None


def _valid_drift(drift: Any) -> bool:
    kinds = [drift] if isinstance(drift, str) else drift
    return drift is None or (isinstance(kinds, list) and all(k in DRIFT_KINDS for k in kinds))


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
    status = fault.status or 200  # a body or envelope alone means "answer this instead"
    if fault.envelope is not None:
        body = dumps(_envelope(fault.envelope))
    elif fault.body is None:
        body = dumps(_envelope(status))
    elif isinstance(fault.body, str):
        body = fault.body.encode()
    else:
        body = dumps(fault.body)
    return body_plan(status, body, fault.content_type or "application/json")


_DEFAULT_STREAM_ERROR = {
    "code": "upstream_error",
    "message": "The upstream provider returned an error",
    "param": None,
    "type": "provider_error",
}


def stream_error(fault: Fault | None) -> dict[str, Any] | None:
    """The event that ends a stream early for ``error_event``/``error_envelope_event``."""
    if fault is None:
        return None
    envelope = fault.error_envelope_event
    if envelope is not False:
        # Once a stream has started, the failure is always the provider's: name it.
        return _envelope(502 if envelope is True else envelope, upstream=True)
    error = fault.error_event
    if error is not False:
        payload = error if isinstance(error, dict) else _DEFAULT_STREAM_ERROR
        return {"type": "error", "error": payload}
    return None


def _envelope(error: int | dict[str, Any], *, upstream: bool = False) -> dict[str, Any]:
    """``{"error": ...}`` from a dict, or with a code's realistic message."""
    if isinstance(error, dict):
        return {"error": error}
    # Upstream failures name the provider, like the real API's metadata.
    upstream = upstream or error in (502, 529)
    metadata = {"provider_name": "Fake Labs"} if upstream else None
    return error_envelope(error, _default_message(error), metadata)


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
