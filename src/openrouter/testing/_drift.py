"""Drift: the ways the live API's answers differ from its spec, applied to a correct answer.

Real OpenRouter responses drift from the OpenAPI description: integers arrive as floats or
strings, required fields as ``null`` or not at all, scalars as objects, new fields appear
and old ones are renamed. A fault's ``drift`` names kinds from :data:`DRIFT_KINDS`, and the
two functions here apply them to the JSON of a successful answer:

* :func:`drift_generation`: a buffered generation body, or one stream event;
* :func:`drift_catalogue`: the model listing or a model's endpoints.

Only bookkeeping drifts. The images themselves (``data[*].b64_json``, ``media_type``, an
event's ``b64_json``, ``type`` and ``partial_image_index``, a text chunk's ``text``) never
change: the point is that a client must still hand them over.

Both functions are pure: they return a drifted copy. Kinds apply in the order given, and
each one only changes values still in the shape it expects (``string-numbers`` leaves a
``null`` from ``nulls`` alone, ``renamed`` finds no ``created`` after ``missing``), so any
combination is well defined.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import Any, Literal, get_args

__all__ = ["DRIFT_KINDS", "DriftKind", "drift_catalogue", "drift_generation"]

#: The kinds of drift a fault can ask for (see ``Fault.drift``).
DriftKind = Literal[
    "float-integers", "string-numbers", "nulls", "missing", "objects", "unknown-fields", "renamed"
]
DRIFT_KINDS: tuple[str, ...] = get_args(DriftKind)

_Json = dict[str, Any]
_TOKENS = ("prompt_tokens", "completion_tokens", "total_tokens")
#: Fields of the catalogue that ``nulls`` and ``missing`` take away.
_MODEL_REQUIRED = ("description", "created", "supports_streaming")
_ENDPOINT_REQUIRED = ("pricing", "provider_tag")


def drift_generation(payload: _Json, kinds: Sequence[str]) -> _Json:
    """Return a drifted copy of a generation answer (a buffered body or a stream event)."""
    drifted = copy.deepcopy(payload)
    for kind in kinds:
        _GENERATION[kind](drifted)
    return drifted


def drift_catalogue(payload: _Json, kinds: Sequence[str]) -> _Json:
    """Return a drifted copy of a discovery answer (the model listing or a model's endpoints)."""
    drifted = copy.deepcopy(payload)
    for kind in kinds:
        _CATALOGUE[kind](drifted)
    return drifted


# --------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _text(number: float) -> str:
    """A number as the API would print it: ``"12"``, ``"0.04"``, never ``"1e-05"``."""
    return str(number) if isinstance(number, int) else format(Decimal(repr(number)), "f")


def _change(obj: _Json, keys: Sequence[str], applies: Callable[[Any], bool], new: Any) -> None:
    """Replace ``obj[key]`` by ``new(obj[key])`` for the present keys whose value ``applies``."""
    for key in keys:
        if key in obj and applies(obj[key]):
            obj[key] = new(obj[key])


def _nullify(obj: _Json, keys: Sequence[str]) -> None:
    _change(obj, keys, lambda _: True, lambda _: None)


def _remove(obj: _Json, keys: Sequence[str]) -> None:
    for key in keys:
        obj.pop(key, None)


def _rename(obj: _Json, old: str, new: str) -> None:
    if old in obj:
        obj[new] = obj.pop(old)


def _dicts(value: Any) -> Iterator[_Json]:
    """The dict items of a list (nothing when it isn't one, e.g. after ``nulls``)."""
    if isinstance(value, list):
        yield from (item for item in value if isinstance(item, dict))


def _unknown() -> _Json:
    return {"a": 1}


# --------------------------------------------------------------------------------------
# Generation answers: ``created`` and ``usage`` (buffered body, completed event)
# --------------------------------------------------------------------------------------


def _usage(payload: _Json) -> _Json:
    usage = payload.get("usage")
    return usage if isinstance(usage, dict) else {}  # a partial image has no usage


def _generation_float_integers(payload: _Json) -> None:
    _change(payload, ["created"], _is_integer, float)
    usage = _usage(payload)
    if usage:
        _change(usage, _TOKENS, _is_integer, float)
        details = usage.get("completion_tokens_details")
        if not isinstance(details, dict):
            details = usage["completion_tokens_details"] = {}
        details["image_tokens"] = 1.5  # the one count that isn't even integral


def _stringify_numbers(value: Any) -> Any:
    """Every number in a JSON value as a string (nested dicts included)."""
    if isinstance(value, dict):
        return {key: _stringify_numbers(item) for key, item in value.items()}
    return _text(value) if _is_number(value) else value


def _generation_string_numbers(payload: _Json) -> None:
    _change(payload, ["created"], _is_number, _text)
    if isinstance(payload.get("usage"), dict):
        payload["usage"] = _stringify_numbers(payload["usage"])


def _generation_nulls(payload: _Json) -> None:
    _nullify(payload, ["created"])
    _nullify(_usage(payload), _TOKENS)


def _generation_missing(payload: _Json) -> None:
    _remove(payload, ["created"])
    _remove(_usage(payload), _TOKENS)


def _generation_objects(payload: _Json) -> None:
    _change(payload, ["created"], _is_number, lambda seconds: {"seconds": seconds})
    _change(_usage(payload), ["cost"], _is_number, lambda usd: {"amount": usd, "currency": "USD"})


def _generation_unknown_fields(payload: _Json) -> None:
    payload["provider"] = {"name": "Fake Labs", "x_route": {"attempt": 1}}
    revised = "A revised prompt, as some providers send back"
    for item in _dicts(payload.get("data")):
        item["revised_prompt"] = revised
    if payload.get("type") == "image_generation.completed":
        payload["revised_prompt"] = revised  # a completed event is one image
    usage = _usage(payload)
    if usage:
        usage["x_future"] = _unknown()
        if not isinstance(usage.get("cost_details"), dict):
            # Added with its documented fields, so that only the unknown one is new.
            cost = usage.get("cost")
            usage["cost_details"] = {
                "upstream_inference_cost": None,
                "upstream_inference_prompt_cost": 0.0,
                "upstream_inference_completions_cost": cost if _is_number(cost) else 0.0,
            }
        usage["cost_details"]["x_future"] = _unknown()


def _generation_renamed(payload: _Json) -> None:
    _rename(payload, "created", "created_at")
    usage = _usage(payload)
    # Chat-completions style usage: input/output tokens, no total, no breakdowns.
    _rename(usage, "prompt_tokens", "input_tokens")
    _rename(usage, "completion_tokens", "output_tokens")
    _remove(usage, ["total_tokens", "completion_tokens_details", "prompt_tokens_details"])
    _rename(usage, "cost", "total_cost")


_GENERATION: dict[str, Callable[[_Json], None]] = {
    "float-integers": _generation_float_integers,
    "string-numbers": _generation_string_numbers,
    "nulls": _generation_nulls,
    "missing": _generation_missing,
    "objects": _generation_objects,
    "unknown-fields": _generation_unknown_fields,
    "renamed": _generation_renamed,
}


# --------------------------------------------------------------------------------------
# Discovery answers: models of the listing, endpoints of a model
# --------------------------------------------------------------------------------------


def _models(payload: _Json) -> Iterator[_Json]:
    return _dicts(payload.get("data"))


def _endpoints(payload: _Json) -> Iterator[_Json]:
    return _dicts(payload.get("endpoints"))


def _capabilities(payload: _Json) -> Iterator[_Json]:
    """The capability descriptors of every model and endpoint."""
    for entry in [*_models(payload), *_endpoints(payload)]:
        parameters = entry.get("supported_parameters")
        if isinstance(parameters, dict):
            yield from (d for d in parameters.values() if isinstance(d, dict))


def _prices(payload: _Json) -> Iterator[_Json]:
    """The pricing entries of every endpoint."""
    for endpoint in _endpoints(payload):
        yield from _dicts(endpoint.get("pricing"))


def _catalogue_float_integers(payload: _Json) -> None:
    # A model's `created` is the only documented integer (prices and ranges are numbers).
    for model in _models(payload):
        _change(model, ["created"], _is_integer, float)


def _catalogue_string_numbers(payload: _Json) -> None:
    for model in _models(payload):
        _change(model, ["created"], _is_number, _text)
    for descriptor in _capabilities(payload):
        if descriptor.get("type") == "range":
            _change(descriptor, ["min", "max"], _is_number, _text)
    for price in _prices(payload):
        _change(price, ["cost_usd"], _is_number, _text)


def _catalogue_nulls(payload: _Json) -> None:
    for model in _models(payload):
        _nullify(model, _MODEL_REQUIRED)
    for endpoint in _endpoints(payload):
        _nullify(endpoint, _ENDPOINT_REQUIRED)


def _catalogue_missing(payload: _Json) -> None:
    for model in _models(payload):
        _remove(model, _MODEL_REQUIRED)
    for endpoint in _endpoints(payload):
        _remove(endpoint, _ENDPOINT_REQUIRED)


def _catalogue_objects(payload: _Json) -> None:
    for model in _models(payload):
        _change(model, ["created"], _is_number, lambda seconds: {"seconds": seconds})
        _change(
            model, ["supports_streaming"], lambda v: isinstance(v, bool), lambda v: {"native": v}
        )
    for price in _prices(payload):
        _change(price, ["cost_usd"], _is_number, lambda usd: {"usd": usd})


def _catalogue_unknown_fields(payload: _Json) -> None:
    for entry in [*_models(payload), *_endpoints(payload)]:
        entry["x_future"] = _unknown()
    for descriptor in _capabilities(payload):
        descriptor["hint"] = "A note for humans, not in the spec"
    for price in _prices(payload):
        price["x_future"] = _unknown()


def _catalogue_renamed(payload: _Json) -> None:
    for entry in [*_models(payload), *_endpoints(payload)]:
        _rename(entry, "supports_streaming", "streaming")
    for endpoint in _endpoints(payload):
        _rename(endpoint, "pricing", "prices")


_CATALOGUE: dict[str, Callable[[_Json], None]] = {
    "float-integers": _catalogue_float_integers,
    "string-numbers": _catalogue_string_numbers,
    "nulls": _catalogue_nulls,
    "missing": _catalogue_missing,
    "objects": _catalogue_objects,
    "unknown-fields": _catalogue_unknown_fields,
    "renamed": _catalogue_renamed,
}
