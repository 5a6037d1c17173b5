"""The drift functions of ``openrouter.testing._drift``, on fixed answers (pure, no server).

The expected answers are written out in full: each kind must change exactly what it says
and nothing else. They are compared as sorted JSON text, so that ``12.0`` is not mistaken
for ``12`` nor ``True`` for ``1``.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from openrouter.testing._drift import DRIFT_KINDS, drift_catalogue, drift_generation

USAGE = {"prompt_tokens": 5, "completion_tokens": 12, "total_tokens": 17, "cost": 0.04}
RESULT = {
    "created": 1733000000,
    "data": [
        {"b64_json": "aW1hZ2Ux", "media_type": "image/png"},
        {"b64_json": "aW1hZ2Uy", "media_type": "image/png"},
    ],
    "usage": USAGE,
}
COMPLETED = {
    "type": "image_generation.completed",
    "b64_json": "aW1hZ2Ux",
    "created": 1733000000,
    "media_type": "image/png",
    "usage": USAGE,
}
PARTIAL = {"type": "image_generation.partial_image", "partial_image_index": 0, "b64_json": "cA=="}
TEXT_CHUNK = {"type": "image_generation.text_chunk", "text": "<svg>", "phase": "content"}

RANGE = {"type": "range", "min": 0, "max": 1}
ENUM = {"type": "enum", "values": ["1K", "2K"]}
MODEL = {
    "id": "fake/model",
    "name": "Fake Model",
    "description": "A model.",
    "created": 1733000000,
    "architecture": {"input_modalities": ["text"], "output_modalities": ["image"]},
    "supported_parameters": {"strength": RANGE, "resolution": ENUM},
    "supports_streaming": True,
    "endpoints": "/api/v1/images/models/fake/model/endpoints",
}
PRICE = {"billable": "output_image", "unit": "image", "cost_usd": 0.04}
ENDPOINT = {
    "provider_name": "Fake Labs",
    "provider_slug": "fake-labs",
    "provider_tag": "fake-labs",
    "supported_parameters": {"strength": RANGE, "resolution": ENUM},
    "allowed_passthrough_parameters": [],
    "supports_streaming": False,
    "pricing": [PRICE],
}

UNKNOWN = {"a": 1}
PROVIDER = {"name": "Fake Labs", "x_route": {"attempt": 1}}
REVISED = "A revised prompt, as some providers send back"
HINT = "A note for humans, not in the spec"


def same(actual: Any, expected: Any) -> None:
    """Equal JSON, types included (12.0 != 12)."""
    assert json.dumps(actual, sort_keys=True) == json.dumps(expected, sort_keys=True)


# What each kind does to usage and to ``created``: the same in a body and in an event.
USAGE_DRIFT: dict[str, dict[str, Any]] = {
    "float-integers": {
        "prompt_tokens": 5.0,
        "completion_tokens": 12.0,
        "total_tokens": 17.0,
        "cost": 0.04,
        "completion_tokens_details": {"image_tokens": 1.5},
    },
    "string-numbers": {
        "prompt_tokens": "5",
        "completion_tokens": "12",
        "total_tokens": "17",
        "cost": "0.04",
    },
    "nulls": {"prompt_tokens": None, "completion_tokens": None, "total_tokens": None, "cost": 0.04},
    "missing": {"cost": 0.04},
    "objects": {**USAGE, "cost": {"amount": 0.04, "currency": "USD"}},
    "unknown-fields": {
        **USAGE,
        "x_future": UNKNOWN,
        "cost_details": {
            "upstream_inference_cost": None,
            "upstream_inference_prompt_cost": 0.0,
            "upstream_inference_completions_cost": 0.04,
            "x_future": UNKNOWN,
        },
    },
    "renamed": {"input_tokens": 5, "output_tokens": 12, "total_cost": 0.04},
}
CREATED_DRIFT: dict[str, dict[str, Any]] = {
    "float-integers": {"created": 1733000000.0},
    "string-numbers": {"created": "1733000000"},
    "nulls": {"created": None},
    "missing": {},
    "objects": {"created": {"seconds": 1733000000}},
    "unknown-fields": {"created": 1733000000, "provider": PROVIDER},
    "renamed": {"created_at": 1733000000},
}


def test_every_kind_is_covered() -> None:
    assert set(USAGE_DRIFT) == set(CREATED_DRIFT) == set(DRIFT_KINDS)
    assert len(DRIFT_KINDS) == 7


@pytest.mark.parametrize("kind", DRIFT_KINDS)
def test_buffered_result(kind: str) -> None:
    original = copy.deepcopy(RESULT)
    data = [dict(item) for item in RESULT["data"]]
    if kind == "unknown-fields":
        data = [{**item, "revised_prompt": REVISED} for item in data]

    drifted = drift_generation(RESULT, [kind])

    same(drifted, {"data": data, "usage": USAGE_DRIFT[kind], **CREATED_DRIFT[kind]})
    same(RESULT, original)  # pure: the argument is untouched


@pytest.mark.parametrize("kind", DRIFT_KINDS)
def test_completed_event(kind: str) -> None:
    image = {"type": COMPLETED["type"], "b64_json": "aW1hZ2Ux", "media_type": "image/png"}
    if kind == "unknown-fields":
        image["revised_prompt"] = REVISED

    drifted = drift_generation(COMPLETED, [kind])

    same(drifted, {**image, "usage": USAGE_DRIFT[kind], **CREATED_DRIFT[kind]})


@pytest.mark.parametrize("event", [PARTIAL, TEXT_CHUNK], ids=["partial", "text-chunk"])
@pytest.mark.parametrize("kind", DRIFT_KINDS)
def test_progress_events_only_gain_unknown_fields(kind: str, event: dict[str, Any]) -> None:
    drifted = drift_generation(event, [kind])

    same(drifted, {**event, "provider": PROVIDER} if kind == "unknown-fields" else event)


def test_float_integers_replaces_existing_image_tokens() -> None:
    usage = {**USAGE, "completion_tokens_details": {"image_tokens": 12, "reasoning_tokens": 0}}

    drifted = drift_generation({"usage": usage}, ["float-integers"])

    assert drifted["usage"]["completion_tokens_details"] == {
        "image_tokens": 1.5,
        "reasoning_tokens": 0,
    }


def test_string_numbers_never_uses_exponents() -> None:
    drifted = drift_generation(
        {"usage": {"cost": 0.00001, "cost_details": {"x": 2.5}}}, ["string-numbers"]
    )

    same(drifted, {"usage": {"cost": "0.00001", "cost_details": {"x": "2.5"}}})


# Discovery -----------------------------------------------------------------------------------


def listing_expected(kind: str) -> dict[str, Any]:
    """The drifted listing of MODEL, written out field by field."""
    model = copy.deepcopy(MODEL)
    strength, resolution = model["supported_parameters"].values()
    if kind == "float-integers":
        model["created"] = 1733000000.0
    elif kind == "string-numbers":
        model["created"] = "1733000000"
        strength.update(min="0", max="1")
    elif kind == "nulls":
        model.update(description=None, created=None, supports_streaming=None)
    elif kind == "missing":
        for name in ("description", "created", "supports_streaming"):
            del model[name]
    elif kind == "objects":
        model.update(created={"seconds": 1733000000}, supports_streaming={"native": True})
    elif kind == "unknown-fields":
        model["x_future"] = UNKNOWN
        strength["hint"] = resolution["hint"] = HINT
    elif kind == "renamed":
        model["streaming"] = model.pop("supports_streaming")
    return {"data": [model]}


def endpoints_expected(kind: str) -> dict[str, Any]:
    """The drifted endpoints of one model, written out field by field."""
    endpoint = copy.deepcopy(ENDPOINT)
    strength, resolution = endpoint["supported_parameters"].values()
    price = endpoint["pricing"][0]
    if kind == "string-numbers":
        strength.update(min="0", max="1")
        price["cost_usd"] = "0.04"
    elif kind == "nulls":
        endpoint.update(pricing=None, provider_tag=None)
    elif kind == "missing":
        del endpoint["pricing"], endpoint["provider_tag"]
    elif kind == "objects":
        price["cost_usd"] = {"usd": 0.04}
    elif kind == "unknown-fields":
        endpoint["x_future"] = price["x_future"] = UNKNOWN
        strength["hint"] = resolution["hint"] = HINT
    elif kind == "renamed":
        endpoint["streaming"] = endpoint.pop("supports_streaming")
        endpoint["prices"] = endpoint.pop("pricing")
    return {"id": "fake/model", "endpoints": [endpoint]}


@pytest.mark.parametrize("kind", DRIFT_KINDS)
def test_model_listing(kind: str) -> None:
    listing = {"data": [MODEL]}
    original = copy.deepcopy(listing)

    same(drift_catalogue(listing, [kind]), listing_expected(kind))
    same(listing, original)


@pytest.mark.parametrize("kind", DRIFT_KINDS)
def test_model_endpoints(kind: str) -> None:
    endpoints = {"id": "fake/model", "endpoints": [ENDPOINT]}
    original = copy.deepcopy(endpoints)

    same(drift_catalogue(endpoints, [kind]), endpoints_expected(kind))
    same(endpoints, original)


def test_float_integers_leaves_endpoints_alone() -> None:
    # Prices and ranges are documented as numbers, not integers: nothing to change.
    endpoints = {"id": "fake/model", "endpoints": [ENDPOINT]}

    same(drift_catalogue(endpoints, ["float-integers"]), endpoints)


# Combinations ----------------------------------------------------------------------------------


def test_kinds_apply_in_order() -> None:
    nulls_then_renamed = drift_generation(RESULT, ["nulls", "renamed"])
    renamed_then_nulls = drift_generation(RESULT, ["renamed", "nulls"])

    same(
        nulls_then_renamed,
        {
            "data": RESULT["data"],
            "usage": {"input_tokens": None, "output_tokens": None, "total_cost": 0.04},
            "created_at": None,
        },
    )
    # After the renames there is nothing left for "nulls" to blank.
    same(renamed_then_nulls, drift_generation(RESULT, ["renamed"]))


def test_kinds_skip_values_already_drifted() -> None:
    drifted = drift_generation(RESULT, ["objects", "string-numbers", "float-integers"])

    assert drifted["created"] == {"seconds": 1733000000}  # no longer a number: left alone
    assert drifted["usage"]["cost"] == {"amount": "0.04", "currency": "USD"}
    assert drifted["usage"]["prompt_tokens"] == "5"  # a string: float-integers leaves it
    assert drifted["usage"]["completion_tokens_details"] == {"image_tokens": 1.5}


def test_every_kind_at_once_keeps_the_images() -> None:
    drifted = drift_generation(RESULT, list(DRIFT_KINDS))
    event = drift_generation(COMPLETED, list(DRIFT_KINDS))

    assert [(d["b64_json"], d["media_type"]) for d in drifted["data"]] == [
        ("aW1hZ2Ux", "image/png"),
        ("aW1hZ2Uy", "image/png"),
    ]
    assert (event["type"], event["b64_json"], event["media_type"]) == (
        "image_generation.completed",
        "aW1hZ2Ux",
        "image/png",
    )
    listing = drift_catalogue({"data": [MODEL]}, list(DRIFT_KINDS))
    assert listing["data"][0]["id"] == "fake/model"


def test_no_kinds_is_an_equal_copy() -> None:
    drifted = drift_generation(RESULT, [])

    same(drifted, RESULT)
    assert drifted is not RESULT and drifted["usage"] is not RESULT["usage"]
