"""A local, faithful stand-in of the OpenRouter Images API, for tests and offline demos.

``openrouter.testing`` serves the wire contract of ``POST /api/v1/images``,
``GET /api/v1/images/models`` and ``GET /api/v1/images/models/{author}/{slug}/endpoints``
over real sockets, with a small deterministic model catalogue, request validation, SSE
streaming, fault injection (error statuses, delays, dropped connections, stream errors)
and a request log::

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

It needs the ``testing`` extra (``pip install "openrouter[testing]"``: starlette and
uvicorn); Pillow is optional (jpeg/webp output). The pytest plugin provides the
``openrouter_server`` fixture. Names are imported lazily so that importing this package
(which pytest does for the plugin) stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._app import Fault, RecordedRequest, create_app
    from ._catalogue import MODELS
    from ._server import FakeServer

__all__ = ["MODELS", "FakeServer", "Fault", "RecordedRequest", "create_app"]

# Where each public name lives; resolved on first access (PEP 562).
_LOCATIONS = {
    "FakeServer": "._server",
    "Fault": "._app",
    "RecordedRequest": "._app",
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
