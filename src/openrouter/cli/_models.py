"""``openrouter images models`` and ``openrouter images endpoints``: model discovery as
tables (or the API's JSON with ``--json``)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from ._errors import OK, UsageError
from ._params import BY_NAME

if TYPE_CHECKING:
    from ._session import Session


def _dict(value: Any) -> dict[str, Any]:
    # Lenient fields hold what the API sent when it drifted from the spec: show nothing then.
    return value if isinstance(value, dict) else {}


def short(descriptor: Any) -> str:
    """A capability descriptor in a few characters: ``1:1 16:9 9:16 +9``, ``1-10``, ``yes``."""
    kind = getattr(descriptor, "type", None)
    if kind == "enum":
        values: list[str] = descriptor.values
        shown = " ".join(values[:3])
        return f"{shown} +{len(values) - 3}" if len(values) > 3 else shown
    if kind == "range":
        return f"{descriptor.min:g}-{descriptor.max:g}"
    return "yes" if descriptor is not None else "-"


def _references(model: Any) -> str:
    """The most reference images a model takes: the range's maximum when it says so."""
    descriptor = _dict(model.supported_parameters).get("input_references")
    if getattr(descriptor, "type", None) == "range":
        return f"{descriptor.max:g}"  # type: ignore[union-attr]
    inputs = getattr(model.architecture, "input_modalities", None) or []
    return "yes" if "image" in inputs else "-"


def models(session: Session, args: argparse.Namespace) -> int:
    """List the image models, filtered by ``--streaming`` and ``--supports``."""
    wanted = [BY_NAME[name].field if name in BY_NAME else name for name in args.supports or []]
    with session.client() as client:
        listing = client.images.list_models()
    found = [
        model
        for model in listing.data
        if (not args.streaming or model.supports_streaming is True)
        and all(name in _dict(model.supported_parameters) for name in wanted)
    ]
    if session.json:
        session.emit_json([model.to_dict(mode="json") for model in found])
        return OK
    rows = []
    for model in found:
        params = _dict(model.supported_parameters)
        rows.append(
            [
                model.id,
                str(model.name),
                "yes" if model.supports_streaming is True else "no",
                short(params.get("aspect_ratio")),
                short(params.get("resolution")),
                short(params.get("quality")),
                _references(model),
            ]
        )
    headers = ["id", "name", "stream", "aspect ratios", "resolutions", "qualities", "refs"]
    session.table(headers, rows)
    if not found:
        session.note("no model matches")
    return OK


def _price(entry: Any) -> str:
    cost = getattr(entry, "cost_usd", None)
    amount = f"${cost:g}" if isinstance(cost, (int, float)) else str(cost)
    return f"{getattr(entry, 'billable', '?')} {amount}/{getattr(entry, 'unit', '?')}"


def endpoints(session: Session, args: argparse.Namespace) -> int:
    """List the providers serving one model, with their pricing and parameters."""
    author, _, slug = args.model.partition("/")
    if not author or not slug:
        raise UsageError(f"the model must be AUTHOR/SLUG (openai/gpt-image-1), not {args.model!r}")
    with session.client() as client:
        result = client.images.list_model_endpoints(author=author, slug=slug)
    if session.json:
        session.emit_json(result.to_dict(mode="json"))
        return OK
    rows = []
    for endpoint in result.endpoints:
        pricing = endpoint.pricing if isinstance(endpoint.pricing, list) else []
        name = str(endpoint.provider_name)
        if endpoint.provider_tag and endpoint.provider_tag != endpoint.provider_slug:
            name += f" ({endpoint.provider_tag})"
        rows.append(
            [
                name,
                str(getattr(endpoint, "status", None) or "-"),  # sent by some deployments
                "yes" if endpoint.supports_streaming is True else "no",
                "; ".join(map(_price, pricing)) or "-",
                " ".join(sorted(_dict(endpoint.supported_parameters))) or "-",
            ]
        )
    session.table(["provider", "status", "stream", "pricing", "parameters"], rows)
    return OK
