"""From an HTTP response to a typed result or a typed error: strict about the images the
user paid for, lenient about the bookkeeping around them.

The live API drifts from its spec (a float where an integer is documented, a chat-style
``usage``, a field renamed or set to ``null``). A body is first validated as it is, which is
the fast path for every well-formed answer. Only when that fails is it *repaired*:

* every value pydantic rejects is taken out of the data and validated again, until the data
  fits (pydantic's lax mode has already coerced what converts without loss: ``"12"`` and
  ``12.0`` to ``12``, ``"0.04"`` to ``0.04``);
* each value taken out is then put back, as the raw JSON value, on the field it came from
  (so ``usage.cost`` may be ``{"amount": 0.04}``: nothing is lost), a required field that
  was absent is ``None``, and each such field is logged once per process at WARNING;
* a value the user paid for (an image's ``b64_json`` or ``url``, the ``data`` list, a stream
  event's ``type``, a model's ``id``) is never repaired: its problem is raised as
  :class:`~openrouter.errors.ResponseValidationError`.

A body that is an error envelope (``{"error": {...}}``) where a result is documented is an
API error whatever the HTTP status: :func:`envelope_error` makes it the typed error of its
``code``.

Every result keeps what identifies its call (:func:`call_ids`: the ids the API sent in
its headers, and how many retries the call took), and :class:`RawResponse` is a response
with its result one ``parse()`` away (``images.with_raw_response``).
"""

from __future__ import annotations

import datetime
import json
import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

import httpx

from .errors import (
    STATUS_ERRORS,
    APIStatusError,
    OpenRouterDefaultError,
    ResponseValidationError,
    error_from_response,
    reason_phrase,
    redact,
)

if TYPE_CHECKING:
    import pydantic
    from pydantic import ValidationError

T = TypeVar("T")
M = TypeVar("M", bound="pydantic.BaseModel")

logger = logging.getLogger("openrouter")

Path = tuple[str | int, ...]

# The parts of each result that the user paid for or cannot do without, as dotted field
# paths without list indexes: a problem there is an error, never a repair.
ESSENTIAL = {
    "ImageGenerationResponse": frozenset({"data", "data.b64_json", "data.url"}),
    "ImageModelsListResponse": frozenset({"data", "data.id"}),
    "ImageModelEndpointsResponse": frozenset({"endpoints"}),
    "event": frozenset({"type", "b64_json", "text"}),
}
_MAX_PASSES = 12
_warned: set[tuple[str, str]] = set()


REQUEST_ID_HEADER = b"x-request-id"
"""The response header that carries the API's id of a request."""
GENERATION_ID_HEADER = b"x-generation-id"
"""The response header that carries the id of a generation (``gen-...``)."""
_ID_HEADERS = (REQUEST_ID_HEADER, GENERATION_ID_HEADER)
RETRIES_TAKEN = "openrouter.retries_taken"
ELAPSED = "openrouter.elapsed"
# Keys of `httpx.Response.extensions` (a dict httpx leaves open to its users) under which
# `_transport.Call` notes how many retries the call took and how long it lasted.


def call_ids(response: httpx.Response | None) -> tuple[str | None, str | None, int]:
    """The request id and generation id the API sent with ``response`` (``None`` when it
    sent none or an empty one; the first one wins), and how many retries the call took
    before it (0 without a response)."""
    if response is None:
        return None, None, 0
    ids: dict[bytes, bytes] = {}
    # One pass over the raw headers: every call does this, and a lookup by name would scan
    # them and decode them once per name.
    for name, value in response.headers.raw:
        name = name.lower()
        if name in _ID_HEADERS and not ids.get(name):
            ids[name] = value
    encoding = response.headers.encoding
    request_id, generation_id = ids.get(REQUEST_ID_HEADER), ids.get(GENERATION_ID_HEADER)
    return (
        request_id.decode(encoding) if request_id else None,
        generation_id.decode(encoding) if generation_id else None,
        response.extensions.get(RETRIES_TAKEN, 0),
    )


class RawResponse(Generic[T]):
    """The HTTP response of a call, with its typed result one :meth:`parse` away.

    What ``client.images.with_raw_response.<method>(...)`` returns (it takes the method's
    own keywords). An error status is raised by the call itself, as without
    ``with_raw_response``; the body becomes the result (or its
    ``ResponseValidationError``) only in :meth:`parse`. For ``generate(stream=True)``,
    ``parse()`` gives the stream, to read (and close) as usual.
    """

    def __init__(self, response: httpx.Response, parse: Callable[[], T]) -> None:
        self.http_response = response
        """The ``httpx.Response`` (its body is read, unless it is a stream)."""
        self.status_code: int = response.status_code
        """The HTTP status (2XX: any other is raised as ``APIStatusError``)."""
        self.headers: httpx.Headers = response.headers
        """The response headers."""
        self.http_request: httpx.Request = response.request
        """The request that got this response (its ``Authorization`` shows ``Bearer ***``)."""
        self.request_id, self.generation_id, self.retries_taken = call_ids(response)
        """The API's ids of the request and the generation (``None`` when not sent), and how
        many times the call was retried."""
        self.elapsed: datetime.timedelta = response.extensions.get(ELAPSED, datetime.timedelta())
        """How long the call took, retries and their waits included, until the body was read
        (until the headers arrived, for a stream)."""
        self._parse = parse
        self._parsed: list[T] = []

    def parse(self) -> T:
        """The typed result, as the method returns it without ``with_raw_response``.

        The body is parsed on the first call; later calls return the same object.
        """
        if not self._parsed:
            self._parsed.append(self._parse())
        return self._parsed[0]

    def __repr__(self) -> str:
        request = self.http_request
        ids = f" request_id={self.request_id}" if self.request_id else ""
        return f"<RawResponse [{self.status_code}] {request.method} {request.url}{ids}>"


def is_success(response: httpx.Response) -> bool:
    """2XX: anything else is raised as an error."""
    return 200 <= response.status_code < 300


def is_event_stream(response: httpx.Response) -> bool:
    """Whether the response is an SSE stream (as opposed to a buffered JSON answer)."""
    return "text/event-stream" in response.headers.get("content-type", "").lower()


def raise_for_status(response: httpx.Response, secret: str | None) -> None:
    """Raise the typed error of a non-2XX response (its body must have been read)."""
    if not is_success(response):
        raise error_from_response(response, secret)


def parse_json(response: httpx.Response, model: type[M], secret: str | None = None) -> M:
    """Parse a read response into ``model``, or raise the matching typed error.

    A result (``components._CallResult``) gets the ids of its call (see :func:`call_ids`).
    """
    result = _validate(response, model, secret)
    if "_call" in getattr(model, "__slots__", ()):  # a _CallResult, known without an import
        object.__setattr__(result, "_call", call_ids(response))
    return result


def _validate(response: httpx.Response, model: type[M], secret: str | None) -> M:
    raise_for_status(response, secret)
    content = response.content
    try:
        return model.model_validate_json(content)
    except ValueError as exc:  # pydantic's ValidationError, without importing it per call
        first = cast("ValidationError", exc)
    from pydantic import ValidationError

    try:
        value = json.loads(content)
    except ValueError:
        raise _invalid(first, response, model.__name__, secret) from None
    essential = ESSENTIAL.get(model.__name__, frozenset())
    error = envelope_error(value, response, secret, essential)
    if error is not None:
        raise error
    try:
        return repair(model.model_validate, value, essential, model.__name__)
    except ValidationError as exc:
        raise _invalid(exc, response, model.__name__, secret) from None


def envelope_error(
    value: Any,
    response: httpx.Response | None,
    secret: str | None,
    essential: Iterable[str] = (),
) -> APIStatusError | None:
    """The typed error of an ``{"error": {...}}`` body sent where a result was documented.

    ``None`` when ``value`` is not such an envelope (or also carries the result, a
    top-level field of ``essential``). The class follows the envelope's ``code`` when it is
    an HTTP error status (402 -> ``PaymentRequiredResponseError``), else
    ``OpenRouterDefaultError``; ``status_code`` is that code.
    """
    if not isinstance(value, dict) or "error" not in value:
        return None
    if any(name in value for name in essential if "." not in name):
        return None
    from .components import ErrorResponse, ErrorResponseErrorData

    error = value["error"]
    fields = dict(error) if isinstance(error, dict) else {"message": error}
    code = status_code_of(fields.get("code"))
    status = code if code is not None else (response.status_code if response else 0)
    message = fields.get("message")
    fields["message"] = redact(
        str(message) if message not in (None, "") else reason_phrase(status), secret
    )
    fields["code"] = status
    metadata = fields.get("metadata")
    fields["metadata"] = metadata if isinstance(metadata, dict) else None
    data = ErrorResponse(error=ErrorResponseErrorData.model_validate(fields))
    body = redact(json.dumps(value, ensure_ascii=False, default=str), secret)
    cls = STATUS_ERRORS.get(status, OpenRouterDefaultError)
    if response is None:
        response = httpx.Response(status)
    exc = cls(data, response, body)
    exc.status_code = status
    return exc


def status_code_of(code: Any) -> int | None:
    """An error envelope's ``code`` as an HTTP error status (400-599), if it is one."""
    if isinstance(code, bool):
        return None
    if isinstance(code, str) and code.strip().isdigit():
        code = int(code)
    return code if isinstance(code, int) and 400 <= code <= 599 else None


def _invalid(
    exc: ValidationError, response: httpx.Response, what: str, secret: str | None
) -> ResponseValidationError:
    content = response.content
    content_type = response.headers.get("content-type", "") or "no content type"
    # pydantic's error quotes the input: keep it only if the key is not in there.
    cause = None if secret and secret.encode() in content else exc
    return ResponseValidationError(
        f"HTTP {response.status_code} response ({content_type}) is not a valid "
        f"{what}: {redact(first_error(exc), secret)}",
        response,
        cause,
        redact(content[:2000].decode("utf-8", "replace"), secret),
    )


def first_error(exc: Exception) -> str:
    """The first problem of a pydantic ``ValidationError``, as ``where: what``."""
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        return f"{where}: {first.get('msg')}" if where else str(first.get("msg"))
    return str(exc)


# --------------------------------------------------------------------------------------
# Repairing drifted bookkeeping


def repair(validate: Callable[[Any], T], value: Any, essential: frozenset[str], what: str) -> T:
    """Validate ``value`` after taking out what does not fit; put the raw values back.

    ``validate`` raises pydantic's ``ValidationError``; it is re-raised when a problem is in
    an ``essential`` field, or when the data still does not fit after every repair.
    """
    from pydantic import ValidationError

    from .components import KNOWN_TYPE

    work = _containers(value)  # to take values out of, while `value` stays whole
    steps: dict[Path, str] = {}  # path -> what was done there: "deleted", then "nulled"
    for _ in range(_MAX_PASSES):
        try:
            result = validate(work)
            break
        except ValidationError as exc:
            # Locate every error before taking anything out: the paths are in this data.
            spots = [
                _locate(work, e["loc"], e["type"] == "missing")
                for e in exc.errors(include_url=False, include_input=False)
                if e["type"] != KNOWN_TYPE  # the catch-all's refusal: not a value to repair
            ]
            done: list[Path] = []
            for spot in spots:
                if any(spot[:i] in done for i in range(len(spot) + 1)):
                    continue  # taken out already in this pass, with what contains it
                path = _next_step(work, spot, steps)
                if not path or _name(path) in essential:
                    raise
                _take_out(work, path, steps)
                done.append(path)
    else:
        raise AssertionError("unreachable: every pass takes a value out")  # pragma: no cover
    for path in sorted(steps, key=len):
        if any(path[:i] in steps for i in range(len(path))):
            continue  # inside a value already put back whole
        present = _has(value, path)
        if present:
            _put_back(result, path, _get(value, path))
        _warn(what, path, _get(value, path) if present else None, present)
    return result


def _containers(value: Any) -> Any:
    """A copy of the dicts and lists of a JSON value; the strings (megabytes of base64 in an
    image) and numbers are shared, not copied."""
    if isinstance(value, dict):
        return {key: _containers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_containers(item) for item in value]
    return value


def _locate(data: Any, loc: tuple[Any, ...], missing: bool) -> Path:
    """The path in ``data`` of an error's location. pydantic adds the names of union
    members and tags to ``loc``: those are not keys of the data and are skipped."""
    path: list[str | int] = []
    node = data
    for i, part in enumerate(loc):
        in_dict = isinstance(node, dict) and part in node
        if in_dict or (isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)):
            node = node[part]
        elif not (missing and i == len(loc) - 1 and isinstance(node, dict)):
            continue
        path.append(part)  # (a missing field's name ends the path)
    return tuple(path)


def _next_step(work: Any, path: Path, steps: dict[Path, str]) -> Path:
    """Where to take a value out for an error at ``path``: there, unless it was taken
    out and set to ``None`` already, or it sits in a list; then its container."""
    while path:
        if isinstance(_get(work, path[:-1]), list) or steps.get(path) == "nulled":
            path = path[:-1]
        else:
            break
    return path


def _take_out(work: Any, path: Path, steps: dict[Path, str]) -> None:
    """Drop the key at ``path`` (a field with a default, or a dict entry, then fits); the
    second time, set it to ``None`` (a required field the API did not fill)."""
    parent = _get(work, path[:-1])
    key = path[-1]
    if steps.get(path) is None and key in parent:
        del parent[key]
        steps[path] = "deleted"
    else:
        parent[key] = None
        steps[path] = "nulled"


def _get(data: Any, path: Path) -> Any:
    for part in path:
        data = data[part]
    return data


def _has(data: Any, path: Path) -> bool:
    try:
        _get(data, path)
    except (KeyError, IndexError, TypeError):
        return False
    return True


def _put_back(result: Any, path: Path, raw: Any) -> None:
    """Set the raw value on the object the validated ``result`` has at ``path``."""
    import pydantic

    node = result
    for part in path[:-1]:
        if isinstance(node, pydantic.BaseModel):
            name = str(part)
            fields = type(node).model_fields
            node = getattr(node, name) if name in fields else (node.model_extra or {})[name]
        else:
            node = node[part]
    key = path[-1]
    if isinstance(node, pydantic.BaseModel):
        name = str(key)
        if name in type(node).model_fields:
            node.__dict__[name] = raw  # no validation: it is the value that failed it
            node.__pydantic_fields_set__.add(name)
        elif node.__pydantic_extra__ is not None:
            node.__pydantic_extra__[name] = raw
    elif isinstance(node, (dict, list)):
        node[key] = raw  # type: ignore[index]


def _name(path: Path) -> str:
    return ".".join(str(p) for p in path if isinstance(p, str))


def _warn(what: str, path: Path, raw: Any, present: bool) -> None:
    name = _name(path) or "(the body)"
    if (what, name) in _warned:
        return
    _warned.add((what, name))
    if present:
        found = "null" if raw is None else f"a JSON {type(raw).__name__}"
        logger.warning(
            "the API sent %s.%s as %s, which does not fit its documented type; "
            "it is kept as the raw JSON value (logged once per field)",
            what,
            name,
            found,
        )
    else:
        logger.warning(
            "the API left out %s.%s, which it documents as required; it is None "
            "(logged once per field)",
            what,
            name,
        )
