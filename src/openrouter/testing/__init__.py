"""A local, faithful stand-in of the OpenRouter Images API, for tests and offline demos.

``openrouter.testing`` serves the wire contract of ``POST /api/v1/images``,
``GET /api/v1/images/models`` and ``GET /api/v1/images/models/{author}/{slug}/endpoints``
over real sockets, with a small deterministic model catalogue, request validation, SSE
streaming, fault injection (error statuses, delays, dropped connections, stream errors,
spec drift, error envelopes where a result is documented) and a request log::

    from openrouter.testing import FakeServer

    with FakeServer() as server:
        server.inject(status=429, headers={"Retry-After": "1"})
        ...  # point a client at server.base_url with server.api_key

Exports:

* :class:`FakeServer`: runs the fake API with uvicorn on a background thread;
* :class:`Fault`: a failure to inject (see ``FakeServer.inject``);
* :class:`RecordedRequest`: one entry of the request log;
* :data:`MODELS`: the fake model catalogue (model id -> model);
* :func:`create_app`: the Starlette application factory, to serve it yourself.

It needs the ``testing`` extra (``pip install "openrouter-images[testing]"``: starlette and
uvicorn); Pillow is optional (jpeg/webp output). The pytest plugin provides the
``openrouter_server`` fixture. Names are imported lazily so that importing this package
(which pytest does for the plugin) stays cheap.
"""

# The modules, bottom-up (each one only imports those above it):
#   _catalogue   the fake models and their endpoints, as plain data
#   _images      deterministic tiny PNG/JPEG/WebP/SVG images
#   _responses   Plan: a response described as data; JSON and error-envelope helpers
#   _drift       spec drift (floats, strings, nulls, renames...) applied to an answer
#   _faults      Fault: checking, matching, and the response of a failing fault
#   _state       FakeState (settings, faults, request log) and RecordedRequest
#   _delivery    PlannedResponse: sends a Plan with a fault's delays and dropped connections
#   _validation  a generation request body -> Job, or a 400/404 error
#   _generation  Job -> buffered JSON or SSE stream, with usage
#   _app         the Starlette routes and the request pipeline (create_app)
#   _server      FakeServer: the app under uvicorn on a background thread
#   _plugin      the pytest fixtures; __main__: python -m openrouter.testing

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._app import create_app
    from ._catalogue import MODELS
    from ._faults import Fault
    from ._server import FakeServer
    from ._state import RecordedRequest

__all__ = ["MODELS", "FakeServer", "Fault", "RecordedRequest", "create_app"]

# Where each public name lives; resolved on first access (PEP 562).
_LOCATIONS = {
    "FakeServer": "._server",
    "Fault": "._faults",
    "RecordedRequest": "._state",
    "create_app": "._app",
    "MODELS": "._catalogue",
}


def __getattr__(name: str) -> Any:
    """Import public names lazily (starlette/uvicorn are only needed when used)."""
    location = _LOCATIONS.get(name)
    if location is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(location, __name__), name)
    globals()[name] = value  # cache: the next access doesn't go through __getattr__
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
