"""Responses described as data: a :class:`Plan` is the status, headers and body pieces
of an answer, built completely before anything is sent.

Describing a response first and sending it afterwards (see ``_delivery``) is what lets
a fault act on *any* response the same way: delay it, slow its stream down or cut the
connection part-way through. This module also holds the JSON and error-envelope helpers
that every route uses, and :class:`ApiError`, the exception that becomes an error
envelope.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

__all__ = [
    "PROCESSING",
    "ApiError",
    "Frame",
    "Plan",
    "body_plan",
    "dumps",
    "error_envelope",
    "error_plan",
    "json_plan",
]

PROCESSING = b": OPENROUTER PROCESSING\n\n"
"""The SSE comment OpenRouter sends to keep a stream alive while the model works."""


@dataclass
class Frame:
    """One piece of a response body; ``event`` marks SSE data events (not comments)."""

    data: bytes
    event: bool = False


@dataclass
class Plan:
    """What to answer: status, headers (lower-case names) and the body as frames.

    ``stream`` marks an SSE stream, which a ``drop`` fault cuts after its first event
    rather than halfway through the bytes.
    """

    status: int
    headers: dict[str, str]
    frames: list[Frame]
    stream: bool = False


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON, as the real API sends it."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def body_plan(status: int, body: bytes, content_type: str) -> Plan:
    """A whole (not streamed) body, announced with its Content-Length."""
    headers = {"content-type": content_type, "content-length": str(len(body))}
    return Plan(status, headers, [Frame(body)])


def json_plan(status: int, payload: Any) -> Plan:
    """A JSON response."""
    return body_plan(status, dumps(payload), "application/json")


def error_envelope(
    status: int, message: str, metadata: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The spec's error body: ``{"error": {"code", "message"[, "metadata"]}}``."""
    error: dict[str, Any] = {"code": status, "message": message}
    if metadata is not None:
        error["metadata"] = metadata
    return {"error": error}


def error_plan(status: int, message: str, metadata: dict[str, Any] | None = None) -> Plan:
    """An error response in the spec's envelope."""
    return json_plan(status, error_envelope(status, message, metadata))


class ApiError(Exception):
    """An error answered with the spec's error envelope (raised by validation and routes)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message

    def plan(self) -> Plan:
        """The error response."""
        return error_plan(self.status, self.message)
