"""The parameters of ``images.generate``, declared once for the command line and job files.

Each :class:`Param` is an option of ``images generate`` (and a default of ``images batch``)
and a field of a batch job. A job names a field by the SDK's keyword (``output_format``) or
by the option's name (``format``). Values are checked for their type here; what they may be
is left to the SDK and the API, which name the parameter and the allowed values.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Param:
    """One generate parameter: its option, its SDK keyword, its kind of value."""

    option: str
    """The command-line option, e.g. ``--aspect-ratio``."""
    field: str
    """The keyword of ``images.generate``, e.g. ``aspect_ratio``."""
    kind: str
    """``str``, ``int``, ``json`` (an object) or ``refs`` (references, repeatable)."""
    help: str

    @property
    def short(self) -> str:
        """The option's name as a job field: ``--format`` -> ``format``."""
        return self.option[2:].replace("-", "_")


PARAMS = (
    Param("--n", "n", "int", "how many images, 1 to 10 (providers may return fewer)"),
    Param("--size", "size", "str", 'a size tier ("2K") or pixels ("2048x2048")'),
    Param("--aspect-ratio", "aspect_ratio", "str", '"1:1", "16:9", "2.35:1", ... or "auto"'),
    Param("--resolution", "resolution", "str", '"512", "768", "1K", "1.5K", "2K" or "4K"'),
    Param("--quality", "quality", "str", "auto, low, medium, high, xhigh or max"),
    Param("--format", "output_format", "str", "png, jpeg, webp or svg"),
    Param("--background", "background", "str", "auto, transparent (png/webp) or opaque"),
    Param("--compression", "output_compression", "int", "0 to 100, for jpeg and webp"),
    Param("--seed", "seed", "int", "for repeatable results, where the provider supports it"),
    Param("--ref", "input_references", "refs", "a reference image: file or URL (repeatable)"),
    Param("--provider", "provider", "json", 'provider preferences, e.g. \'{"only": ["openai"]}\''),
    Param("--session-id", "session_id", "str", "groups related requests (256 characters)"),
    Param("--user", "user", "str", "a stable identifier of your end-user"),
    Param("--trace", "trace", "json", "observability metadata as a JSON object"),
)

BY_NAME = {name: p for p in PARAMS for name in {p.field, p.short}}
"""Each parameter by its SDK keyword and by its option's name."""


def option_of(param: str) -> str:
    """The option to name in a message about the SDK parameter ``param``.

    ``input_references[2]`` -> ``--ref``; names without an option are returned unchanged.
    """
    base = param.split("[")[0].split(".")[0]
    known = {"server_url": "--base-url", "timeout_ms": "--timeout", "model": "--model"}
    if base in known:
        return known[base]
    found = BY_NAME.get(base)
    return found.option if found else param


def convert(param: Param, value: Any) -> Any:
    """A job field's value (from JSON, or text from CSV) as ``images.generate`` takes it.

    Raises ``ValueError`` with a message naming what was expected.
    """
    if param.kind == "int":
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            return int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{param.short} must be an integer, got {value!r}")
        return value
    if param.kind == "json":
        if isinstance(value, str):
            value = json_object(value, param.short)
        if not isinstance(value, dict):
            raise ValueError(f"{param.short} must be a JSON object, got {value!r}")
        return value
    if param.kind == "refs":
        if isinstance(value, str):
            # CSV: a JSON list, or references separated by "|".
            text = value.strip()
            value = json.loads(text) if text.startswith("[") else text.split("|")
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError(f"{param.short} must be a list of file names or URLs")
        return [v.strip() for v in value if v.strip()]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)  # `"resolution": 512` in a JSON job means "512"
    if not isinstance(value, str):
        raise ValueError(f"{param.short} must be a string, got {value!r}")
    return value


def json_object(text: str, what: str) -> dict[str, Any]:
    """``text`` parsed as a JSON object, or ``ValueError`` saying what is wrong."""
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise ValueError(f"{what} is not valid JSON ({exc})") from None
    if not isinstance(value, dict):
        raise ValueError(f"{what} must be a JSON object, got {text!r}")
    return value
