"""Turning local files, bytes and URLs into ``input_references`` entries."""

from __future__ import annotations

import base64
import mimetypes
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

from .errors import ParameterError

if TYPE_CHECKING:
    from typing import TypeAlias

    from .components import ContentPartImage, ContentPartImageTypedDict

InputReference: TypeAlias = Union[
    "ContentPartImage", "ContentPartImageTypedDict", str, bytes, "os.PathLike[str]"
]
"""What ``input_references`` accepts per image: a URL or data URL, a file path, raw bytes,
a :class:`~openrouter.components.ContentPartImage`, or its dict form."""

_URL_PREFIXES = ("http://", "https://", "data:")


def data_url(data: bytes, media_type: str | None = None, param: str = "media_type") -> str:
    """``data:<mime>;base64,...`` for image bytes, the MIME type sniffed when not given."""
    from .components import sniff_media_type

    mime = media_type or sniff_media_type(data[:512])
    if mime is None:
        raise ParameterError(
            param,
            "could not tell the image type from its bytes; pass media_type='image/png' "
            "(or jpeg, webp, gif, svg+xml)",
        )
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def input_reference(
    source: str | bytes | os.PathLike[str], *, media_type: str | None = None
) -> ContentPartImage:
    """Make one ``input_references`` entry from a URL, a local file or image bytes.

    * ``"https://..."`` and ``"data:..."`` URLs are used as they are;
    * a path (``str`` or ``Path``) is read and sent as a base64 data URL;
    * ``bytes`` are sent as a base64 data URL.

    The MIME type comes from ``media_type``, else the bytes, else the file extension.
    """
    from .components import ContentPartImage, ContentPartImageImageURL

    return ContentPartImage(
        image_url=ContentPartImageImageURL(url=_to_url(source, media_type, "source"))
    )


def _to_url(source: Any, media_type: str | None, param: str) -> str:
    if isinstance(source, str) and source.startswith(_URL_PREFIXES):
        return source
    if isinstance(source, (bytes, bytearray, memoryview)):
        return data_url(bytes(source), media_type, "media_type" if param == "source" else param)
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if not path.is_file():
            raise ParameterError(
                param, f"not an http(s)/data URL and no such file: {str(source)[:200]!r}"
            )
        from .components import sniff_media_type

        data = path.read_bytes()
        mime = media_type or sniff_media_type(data[:512]) or mimetypes.guess_type(path.name)[0]
        if not mime or not mime.startswith("image/"):
            raise ParameterError(
                param, f"{path.name!r}: not a recognised image (png, jpeg, webp, gif, svg)"
            )
        return data_url(data, mime)
    raise ParameterError(
        param,
        "must be a URL, data URL, file path, bytes, ContentPartImage or "
        f"{{'type': 'image_url', 'image_url': {{'url': ...}}}}, got {type(source).__name__}",
    )


def as_content_part(item: Any, param: str) -> dict[str, Any]:
    """One ``input_references`` item as wire JSON."""
    from .components import ContentPartImage

    if isinstance(item, ContentPartImage):
        return item.model_dump(mode="json", exclude_none=True)
    if isinstance(item, dict):
        image_url = item.get("image_url")
        url = image_url.get("url") if isinstance(image_url, dict) else image_url
        if not isinstance(url, str) or not url:
            raise ParameterError(
                param, "a dict must look like {'type': 'image_url', 'image_url': {'url': ...}}"
            )
        return {**item, "type": item.get("type", "image_url"), "image_url": {"url": url}}
    return {"type": "image_url", "image_url": {"url": _to_url(item, None, param)}}
