"""A minimal, fast OpenRouter Images API stand-in for the benchmarks.

Plain asyncio HTTP/1.1 (keep-alive) on 127.0.0.1, on a port chosen by the OS and printed as
the first line of stdout. Every response is encoded ONCE at startup (status line, headers and
body, chunk framing included), so serving a request costs the server one small parse and one
write: the time measured on the client side is the client's own.

Routes (under ``/api/v1``):

* ``POST /images`` picks a payload by the ``model`` field of the JSON body:
  ``bench/small`` (one ~1 KB base64 image), ``bench/16mb`` (one 16 MB image, ~21 MB base64),
  and with ``"stream": true``: ``bench/partials`` (three 2 MB partial images and a 2 MB
  completed image) or ``bench/svg-chunks`` (20,000 ``text_chunk`` events and a completed
  image). Streams are ``text/event-stream`` with chunked transfer-encoding, one chunk per
  event, ending with ``data: [DONE]``.
* ``GET /images/models``: 40 models valid per the spec's ``ImageModelListItem``.

Image bytes are the PNG signature followed by random bytes (fixed seed): they are not
decodable images, which does not matter to a client.

    python benchmarks/server.py [--port 0]
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import random
import sys

PNG = b"\x89PNG\r\n\x1a\n"
MB = 1_000_000
SVG_PATH = '<path d="M0 0L1 1"/>'
rng = random.Random(1234)


def image_b64(size: int) -> str:
    return base64.b64encode(PNG + rng.randbytes(size - len(PNG))).decode("ascii")


def json_response(obj: object, status: str = "200 OK") -> bytes:
    body = json.dumps(obj, separators=(",", ":")).encode()
    head = (
        f"HTTP/1.1 {status}\r\ncontent-type: application/json\r\n"
        f"content-length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


def sse_response(events: list[object]) -> bytes:
    parts = [b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"]
    parts.append(b"cache-control: no-cache\r\ntransfer-encoding: chunked\r\n\r\n")
    for event in [*(json.dumps(e, separators=(",", ":")) for e in events), "[DONE]"]:
        data = f"data: {event}\n\n".encode()
        parts += [f"{len(data):x}\r\n".encode(), data, b"\r\n"]
    parts.append(b"0\r\n\r\n")
    return b"".join(parts)


def images_response(size: int) -> bytes:
    usage = {"prompt_tokens": 12, "completion_tokens": 4175, "total_tokens": 4187, "cost": 0.04}
    data = [{"b64_json": image_b64(size), "media_type": "image/png"}]
    return json_response({"created": 1748372400, "data": data, "usage": usage})


def completed(size: int) -> dict[str, object]:
    return {
        "type": "image_generation.completed",
        "b64_json": image_b64(size),
        "created": 1,
        "media_type": "image/png",
    }


def partials_stream() -> bytes:
    events: list[object] = [
        {"type": "image_generation.partial_image", "partial_image_index": i, "b64_json": b64}
        for i, b64 in enumerate(image_b64(2 * MB) for _ in range(3))
    ]
    return sse_response([*events, completed(2 * MB)])


def svg_chunks_stream(count: int = 20_000) -> bytes:
    chunk = {"type": "image_generation.text_chunk", "text": SVG_PATH, "phase": "content"}
    return sse_response([*([chunk] * count), completed(2_000)])


def model_item(i: int) -> dict[str, object]:
    author = ("openai", "google", "black-forest-labs", "bytedance-seed", "recraft")[i % 5]
    slug = f"image-model-{i:02d}"
    params: dict[str, object] = {
        "aspect_ratio": {
            "type": "enum",
            "values": ["1:1", "2:3", "3:2", "3:4", "4:3", "9:16", "16:9", "21:9", "auto"],
        },
        "resolution": {"type": "enum", "values": ["1K", "2K", "4K"]},
        "quality": {"type": "enum", "values": ["auto", "low", "medium", "high"]},
        "output_format": {"type": "enum", "values": ["png", "jpeg", "webp"]},
        "background": {"type": "enum", "values": ["auto", "transparent", "opaque"]},
        "n": {"type": "range", "min": 1, "max": 10},
        "output_compression": {"type": "range", "min": 0, "max": 100},
        "seed": {"type": "boolean"},
        "input_references": {"type": "range", "min": 0, "max": 16},
    }
    return {
        "id": f"{author}/{slug}",
        "name": f"Image Model {i:02d}",
        "description": (
            f"Image Model {i:02d} by {author}: a text-to-image and image-editing model with "
            "strong prompt adherence, legible text rendering and up to 4K output."
        ),
        "created": 1692901234 + i * 86_400,
        "architecture": {
            "input_modalities": ["text", "image"] if i % 3 else ["text"],
            "output_modalities": ["image"] if i % 4 else ["image", "text"],
        },
        "supported_parameters": params,
        "supports_streaming": i % 2 == 0,
        "endpoints": f"/api/v1/images/models/{author}/{slug}/endpoints",
    }


IMAGES = {
    ("bench/small", False): images_response(750),
    ("bench/16mb", False): images_response(16 * MB),
    ("bench/partials", True): partials_stream(),
    ("bench/svg-chunks", True): svg_chunks_stream(),
}
MODELS = json_response({"data": [model_item(i) for i in range(40)]})
NOT_FOUND = json_response({"error": {"code": 404, "message": "no such route"}}, "404 Not Found")


def route(method: str, path: str, body: bytes) -> bytes:
    if method == "GET" and path == "/api/v1/images/models":
        return MODELS
    if method == "POST" and path == "/api/v1/images":
        request = json.loads(body)
        return IMAGES.get((request.get("model"), bool(request.get("stream"))), NOT_FOUND)
    return NOT_FOUND


async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, path, _ = lines[0].split(" ", 2)
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            body = await reader.readexactly(int(headers.get("content-length", 0)))
            writer.write(route(method, path, body))
            await writer.drain()
            if headers.get("connection", "").lower() == "close":
                break
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def main(port: int) -> None:
    server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=256)
    print(server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    port = int(sys.argv[sys.argv.index("--port") + 1]) if "--port" in sys.argv else 0
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main(port))
