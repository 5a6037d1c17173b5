"""Answering a validated :class:`Job`: the images, their usage, and the response plan.

A model without native streaming answers one JSON body even when asked to stream (like
the real API); a streaming model answers an SSE stream in its own style: partial images
for raster models, the SVG markup as text chunks for vector models. Fault fields that
change the answer itself are applied here: ``drift`` (to the buffered body and to every
stream event alike), ``partial_images`` and the stream error events; timing effects are
left to ``_delivery``.
"""

from __future__ import annotations

import base64
import time
from dataclasses import dataclass
from typing import Any

from . import _images
from ._drift import drift_generation
from ._faults import Fault, stream_error
from ._responses import PROCESSING, Frame, Plan, dumps, json_plan
from ._validation import Job

__all__ = ["generation_plan"]


def generation_plan(job: Job, fault: Fault | None) -> Plan:
    """The response to a generation request: an SSE stream or a buffered JSON body."""
    if job.stream and job.model.stream_style is not None:
        return _stream_plan(job, fault)
    # Like the real API: models without native streaming ignore `stream: true`.
    return _buffered_plan(job, fault)


def _buffered_plan(job: Job, fault: Fault | None) -> Plan:
    images = [_render(job, index) for index in range(job.n)]
    result = {
        "created": int(time.time()),
        "data": [
            {"b64_json": _b64(image.data), "media_type": image.media_type} for image in images
        ],
        "usage": _usage(job, job.n),
    }
    return json_plan(200, drift_generation(result, _drift_kinds(fault)))


def _stream_plan(job: Job, fault: Fault | None) -> Plan:
    if job.model.stream_style == "text_chunks":
        events = _text_chunk_events(job)
    else:
        events = _partial_image_events(job, fault)
    kinds = _drift_kinds(fault)
    events = [(drift_generation(event, kinds), progress) for event, progress in events]
    # The stream opens with keep-alive comments, then the events.
    frames = [Frame(PROCESSING), Frame(PROCESSING)]
    error = stream_error(fault)
    if error is not None and fault is not None:
        # The upstream fails after `error_after` progress events (at most all of them).
        ends = [i + 1 for i, (_, progress) in enumerate(events) if progress]
        count = min(fault.error_after, len(ends))
        cut = ends[count - 1] if count else 0
        frames += [_sse(event) for event, _ in events[:cut]]
        frames.append(_sse(error))
    else:
        frames += [_sse(event) for event, _ in events]
        frames.append(_sse(b"[DONE]"))
    headers = {
        "content-type": "text/event-stream",
        "cache-control": "no-cache",
        "x-accel-buffering": "no",
    }
    return Plan(200, headers, frames, stream=True)


# --------------------------------------------------------------------------------------
# Stream events
# --------------------------------------------------------------------------------------

#: A stream event and whether it is *progress* (a partial image or a content text chunk):
#: a stream error event strikes after ``error_after`` progress events.
_StreamEvent = tuple[dict[str, Any], bool]

_REASONING = "Sketching a gradient backdrop with a disc and a triangle."


def _partial_image_events(job: Job, fault: Fault | None) -> list[_StreamEvent]:
    """Events of a raster stream: for each image, smaller previews then the final image."""
    count = 2 if fault is None or fault.partial_images is None else fault.partial_images
    events: list[_StreamEvent] = []
    for index in range(job.n):
        for partial in range(count):
            image = _render(job, index, shrink=count - partial)
            event = {
                "type": "image_generation.partial_image",
                "partial_image_index": partial,
                "b64_json": _b64(image.data),
            }
            events.append((event, True))
        events.append((_completed(job, _render(job, index)), False))
    return events


def _text_chunk_events(job: Job) -> list[_StreamEvent]:
    """Events of a vector stream: one reasoning chunk, then the SVG markup line by line."""
    events: list[_StreamEvent] = []
    for index in range(job.n):
        image = _render(job, index)
        assert image.text is not None
        events.append((_text_chunk(_REASONING, "reasoning"), False))
        lines = image.text.splitlines(keepends=True)
        events.extend((_text_chunk(line, "content"), True) for line in lines)
        events.append((_completed(job, image), False))
    return events


def _text_chunk(text: str, phase: str) -> dict[str, Any]:
    return {"type": "image_generation.text_chunk", "text": text, "phase": phase}


def _completed(job: Job, image: _Image) -> dict[str, Any]:
    return {
        "type": "image_generation.completed",
        "b64_json": _b64(image.data),
        "created": int(time.time()),
        "media_type": image.media_type,
        "usage": _usage(job, 1),
    }


def _sse(payload: Any) -> Frame:
    """An SSE data event: a JSON payload, or raw bytes (the final ``[DONE]``)."""
    data = payload if isinstance(payload, bytes) else dumps(payload)
    return Frame(b"data: " + data + b"\n\n", event=True)


# --------------------------------------------------------------------------------------
# Images and usage
# --------------------------------------------------------------------------------------


@dataclass
class _Image:
    """One rendered image: its bytes and media type."""

    data: bytes
    media_type: str
    text: str | None = None  # the SVG markup, for vector images


def _render(job: Job, index: int, shrink: int = 0) -> _Image:
    """Render image ``index``; ``shrink`` halves the size that many times (partial images)."""
    width, height = _images.dimensions(job.resolution, job.aspect_ratio, job.pixels)
    media_type = _images.MEDIA_TYPES[job.output_format]
    if job.model.kind == "vector":
        svg = _images.render_svg(width, height, job.digest(index), job.prompt)
        return _Image(svg.encode(), media_type, svg)
    width, height = max(2, width >> shrink), max(2, height >> shrink)
    data = _images.encode_raster(
        job.output_format,
        width,
        height,
        job.digest(index),
        transparent=job.transparent,
        compression=job.compression,
    )
    return _Image(data, media_type)


def _usage(job: Job, images: int) -> dict[str, Any]:
    """Plausible usage: tokens from the nominal pixel count, cost from the endpoint's prices."""
    width, height = _images.dimensions(job.resolution, job.aspect_ratio, job.pixels)
    # Images are rendered at 1/16 scale; tokens are billed on the nominal size.
    completion = images * max(1, (width * 16) * (height * 16) // 256)
    prompt_tokens = max(1, len(job.prompt) // 4)
    endpoint = job.model.endpoints[0]
    text_price = next(
        (p.cost_usd for p in endpoint.pricing if p.billable == "input_text" and p.unit == "token"),
        0.0,
    )
    cost = (
        endpoint.price_per_image() * images
        + endpoint.price_per_image("input_reference") * job.references
        + text_price * prompt_tokens
    )
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion,
        "total_tokens": prompt_tokens + completion,
        "cost": round(cost, 6),
    }


def _drift_kinds(fault: Fault | None) -> tuple[str, ...]:
    return fault.drift_kinds if fault is not None else ()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
