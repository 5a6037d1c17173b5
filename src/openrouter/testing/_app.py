"""The fake OpenRouter Images API as a Starlette application: its routes and the request
pipeline.

Routes:

* ``POST /api/v1/images``: image generation (buffered JSON, or SSE for streaming models);
* ``GET /api/v1/images/models``: the model listing;
* ``GET /api/v1/images/models/{author}/{slug}/endpoints``: per-endpoint records;
* ``/_fake/faults`` (``GET``, ``POST``), ``GET /_fake/requests`` and ``POST /_fake/reset``:
  control endpoints for out-of-process use.

Every request under ``/api/v1`` goes through the same pipeline (:meth:`_FakeApi.api`):

1. it gets its ids (``x-request-id``, unique per request, and for ``POST /images`` an
   ``x-generation-id``, sent on every answer to it) and is recorded in the request log;
2. a matching :class:`Fault` is looked up: the ``X-Fake-Fault`` header first, then the
   injected faults in order;
3. a fault that ``responds`` answers in place of the API (``_faults``); otherwise the
   request is routed, authenticated, validated (``_validation``) and answered
   (``_generation``), with the fault's ``drift`` applied to a successful answer
   (``_drift``);
4. the resulting plan is sent by :class:`PlannedResponse`, which applies the fault's
   headers, delays and connection drops (``_delivery``).

Faults are looked up before authentication and validation, so a fault applies even to
an otherwise invalid request, as a network failure would.

The whole package deliberately works with plain dicts and JSON: it is an independent
implementation of the wire contract, not a consumer of the SDK's models.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Scope

from ._catalogue import MODELS
from ._delivery import PlannedResponse
from ._drift import drift_catalogue
from ._faults import API_PREFIX, Fault, fault_plan
from ._generation import generation_plan
from ._responses import ApiError, Plan, dumps, error_envelope, error_plan, json_plan
from ._state import FakeState, RecordedRequest
from ._validation import validate

__all__ = ["create_app"]

# Every method reaches the API handler, so that faults and the request log see it; the
# handler answers 405 itself, in the spec's error envelope.
_ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def create_app(*, api_keys: Iterable[str] | None = None, pillow: bool | None = None) -> Starlette:
    """Create the fake OpenRouter Images API as a Starlette (ASGI) application.

    ``api_keys``: the accepted API keys (``None``: any non-empty key). ``pillow``: whether
    jpeg/webp output is available (``None``: when Pillow is importable; ``False``: never,
    to test the error). The app's :class:`FakeState` (faults, request log) is
    ``app.state.fake``. Connection-dropping faults work best under
    :class:`~openrouter.testing.FakeServer`; under another ASGI server they raise inside
    the app so the server closes the connection (and logs it).
    """
    state = FakeState(api_keys=api_keys, pillow=pillow)
    api = _FakeApi(state)
    routes = [
        Route("/_fake/faults", api.faults, methods=["GET", "POST"]),
        Route("/_fake/requests", api.requests, methods=["GET"]),
        Route("/_fake/reset", api.reset, methods=["POST"]),
        Route(API_PREFIX + "/{path:path}", api.api, methods=_ALL_METHODS),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: _http_error})
    app.state.fake = state
    return app


class _FakeApi:
    """The request handlers, bound to one :class:`FakeState`."""

    def __init__(self, state: FakeState) -> None:
        self.state = state

    async def api(self, request: Request) -> Response:
        """Entry point of every request under /api/v1: record, find a fault, answer."""
        body = await request.body()
        payload = _parse_json(body)
        segments = _api_segments(request.scope)
        ids = _ids(request.method, segments)
        self._record(request, body, payload, ids)
        api_path = "/" + "/".join(segments)
        try:
            fault = self._find_fault(request, api_path, _model_of(segments, payload))
        except ApiError as exc:  # an invalid X-Fake-Fault header
            return self._respond(exc.plan(), ids=ids)
        if fault is not None and fault.responds:
            return self._respond(fault_plan(fault), fault, ids)
        return self._respond(self._dispatch(request, segments, payload, fault), fault, ids)

    def _respond(
        self, plan: Plan, fault: Fault | None = None, ids: dict[str, str] | None = None
    ) -> Response:
        return PlannedResponse(plan, self.state, fault, ids)

    def _record(self, request: Request, body: bytes, payload: Any, ids: dict[str, str]) -> None:
        self.state.record(
            RecordedRequest(
                method=request.method,
                path=request.url.path,
                query=dict(request.query_params),
                headers=_lower_headers(request),
                body=body,
                json=payload,
                time=time.time(),
                request_id=ids["x-request-id"],
                generation_id=ids.get("x-generation-id"),
            )
        )

    def _find_fault(self, request: Request, api_path: str, model: str | None) -> Fault | None:
        header = request.headers.get("x-fake-fault")
        if header is not None:
            try:
                fault = Fault.from_json(json.loads(header))
            except ValueError as exc:
                raise ApiError(400, f"Invalid X-Fake-Fault header: {exc}") from exc
            if fault.matches(request.method, api_path, model):
                return fault
        return self.state.take_fault(request.method, api_path, model)

    def _dispatch(
        self, request: Request, segments: list[str], payload: Any, fault: Fault | None
    ) -> Plan:
        """Route a request under /api/v1 and answer it (errors as error envelopes)."""
        try:
            if segments == ["images"]:
                self._allow(request, "POST")
                self._authenticate(request)
                job = validate(payload, pillow=self.state.pillow)
                return generation_plan(job, fault)
            kinds = fault.drift_kinds if fault is not None else ()
            if segments == ["images", "models"]:
                self._allow(request, "GET")
                listing = {"data": [m.list_item() for m in MODELS.values()]}
                return json_plan(200, drift_catalogue(listing, kinds))
            model_id = _endpoints_model(segments)
            if model_id is not None:
                self._allow(request, "GET")
                return json_plan(200, drift_catalogue(_endpoints(model_id), kinds))
            raise ApiError(404, f"Not Found: no route for {request.method} {request.url.path}")
        except ApiError as exc:
            return exc.plan()

    @staticmethod
    def _allow(request: Request, method: str) -> None:
        if request.method != method:
            raise ApiError(405, f"Method {request.method} not allowed on {request.url.path}")

    def _authenticate(self, request: Request) -> None:
        scheme, _, key = request.headers.get("authorization", "").partition(" ")
        key = key.strip()
        if scheme.lower() != "bearer" or not key:
            raise ApiError(401, "Missing Authentication header")
        if self.state.api_keys is not None and key not in self.state.api_keys:
            raise ApiError(401, "Invalid API key")

    # Control endpoints --------------------------------------------------------------

    async def faults(self, request: Request) -> Response:
        """``GET``: list active faults; ``POST``: add one (body: Fault fields)."""
        if request.method == "GET":
            return self._respond(
                json_plan(200, {"faults": [f.to_json() for f in self.state.faults]})
            )
        try:
            fault = Fault.from_json(json.loads(await request.body() or b"{}"))
        except ValueError as exc:
            return self._respond(error_plan(400, f"Invalid fault: {exc}"))
        self.state.add_fault(fault)
        return self._respond(json_plan(200, {"id": fault.id, "fault": fault.to_json()}))

    async def requests(self, request: Request) -> Response:
        """The request log, oldest first."""
        return self._respond(
            json_plan(200, {"requests": [r.to_json() for r in self.state.requests]})
        )

    async def reset(self, request: Request) -> Response:
        """Clear faults and the request log."""
        self.state.reset()
        return self._respond(json_plan(200, {"ok": True}))


def _ids(method: str, segments: list[str]) -> dict[str, str]:
    """The id headers of one answer: a request id, and a generation id for ``POST /images``
    (shaped like the live API's: ``gen-<unix time>-<random>``)."""
    ids = {"x-request-id": "req_" + uuid.uuid4().hex[:24]}
    if method == "POST" and segments == ["images"]:
        ids["x-generation-id"] = f"gen-{int(time.time())}-{uuid.uuid4().hex[:20]}"
    return ids


def _endpoints(model_id: str) -> dict[str, Any]:
    model = MODELS.get(model_id)
    if model is None:
        raise ApiError(404, f"Model '{model_id}' not found")
    return model.endpoints_response()


async def _http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own 404/405 (outside /api/v1) in the spec's error envelope."""
    assert isinstance(exc, HTTPException)  # the handler is registered for nothing else
    body = dumps(error_envelope(exc.status_code, str(exc.detail)))
    return Response(body, status_code=exc.status_code, media_type="application/json")


# --------------------------------------------------------------------------------------
# Reading a request
# --------------------------------------------------------------------------------------


def _parse_json(body: bytes) -> Any:
    """The parsed body, or None when it is empty or not JSON."""
    if not body:
        return None
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None


def _lower_headers(request: Request) -> dict[str, str]:
    """Headers with lower-case names; repeated headers joined with ``", "``."""
    headers: dict[str, str] = {}
    for name, value in request.headers.items():
        key = name.lower()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return headers


def _api_segments(scope: Scope) -> list[str]:
    """The path after /api/v1 as decoded segments (decoding each raw segment separately).

    Decoding after splitting keeps an encoded ``/`` (``%2F``) inside its segment.
    """
    raw = scope.get("raw_path")
    path = raw.decode("latin-1") if isinstance(raw, bytes) else scope["path"]
    path = path.split("?", 1)[0]
    if path.startswith(API_PREFIX):
        path = path[len(API_PREFIX) :]
    return [unquote(part) for part in path.strip("/").split("/") if part]


def _endpoints_model(segments: list[str]) -> str | None:
    """The model id of an ``images/models/{author}/{slug}/endpoints`` path, else None."""
    if len(segments) == 5 and segments[:2] == ["images", "models"] and segments[4] == "endpoints":
        return f"{segments[2]}/{segments[3]}"
    return None


def _model_of(segments: list[str], payload: Any) -> str | None:
    """The model a request is about, for per-model fault matching."""
    if isinstance(payload, dict) and isinstance(payload.get("model"), str):
        return str(payload["model"])
    return _endpoints_model(segments)
