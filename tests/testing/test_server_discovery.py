"""GET /images/models and GET /images/models/{author}/{slug}/endpoints."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from openrouter.testing import MODELS

Validate = Callable[[Any, str], None]

MODEL_IDS = [
    "fake-labs/pixel-xl",
    "fake-labs/stream-diffusion",
    "fake-labs/vector-1",
    "openai/gpt-image-1",
    "google/gemini-2.5-flash-image",
]


def test_models_listing_matches_the_spec(client: httpx.Client, validate: Validate) -> None:
    response = client.get("/images/models")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    payload = response.json()
    validate(payload, "ImageModelsListResponse")
    assert [m["id"] for m in payload["data"]] == MODEL_IDS
    for item in payload["data"]:
        validate(item, "ImageModelListItem")
        assert item["endpoints"] == f"/api/v1/images/models/{item['id']}/endpoints"
        for descriptor in item["supported_parameters"].values():
            validate(descriptor, "CapabilityDescriptor")


def test_models_have_the_documented_capabilities(client: httpx.Client) -> None:
    models = {m["id"]: m for m in client.get("/images/models").json()["data"]}

    pixel, stream, vector = (models[i] for i in MODEL_IDS[:3])
    assert pixel["supports_streaming"] is False
    assert stream["supports_streaming"] is True
    assert vector["supports_streaming"] is True
    assert {"n", "aspect_ratio", "resolution", "seed", "output_format"} <= set(
        pixel["supported_parameters"]
    )
    assert pixel["supported_parameters"]["output_compression"] == {
        "type": "range",
        "min": 0,
        "max": 100,
    }
    assert pixel["supported_parameters"]["seed"] == {"type": "boolean"}
    assert "n" not in stream["supported_parameters"]
    assert vector["supported_parameters"]["output_format"] == {"type": "enum", "values": ["svg"]}
    assert vector["architecture"]["input_modalities"] == ["text"]


def test_a_model_lists_the_values_the_spec_gained(client: httpx.Client, validate: Validate) -> None:
    listed = client.get("/images/models").json()["data"][0]
    endpoints = client.get(listed["endpoints"].removeprefix("/api/v1")).json()["endpoints"]

    parameters = listed["supported_parameters"]
    assert {"xhigh", "max"} <= set(parameters["quality"]["values"])
    assert {"768", "1.5K"} <= set(parameters["resolution"]["values"])
    assert {"2.35:1", "5:2", "5:7", "7:5"} <= set(parameters["aspect_ratio"]["values"])
    validate(parameters["quality"], "CapabilityDescriptor")
    request_priced = [p for e in endpoints for p in e["pricing"] if p["unit"] == "request"]
    assert request_priced
    validate(request_priced[0], "ImagePricingEntry")


def test_model_parameters_are_the_union_of_the_endpoints(client: httpx.Client) -> None:
    listed = client.get("/images/models").json()["data"][0]
    endpoints = client.get(listed["endpoints"].removeprefix("/api/v1")).json()["endpoints"]

    assert len(endpoints) == 2
    names = set().union(*(e["supported_parameters"] for e in endpoints))
    assert names == set(listed["supported_parameters"])
    assert listed["supported_parameters"]["n"] == {"type": "range", "min": 1, "max": 10}
    assert endpoints[1]["supported_parameters"]["n"] == {"type": "range", "min": 1, "max": 4}


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_endpoints_match_the_spec(client: httpx.Client, validate: Validate, model_id: str) -> None:
    response = client.get(f"/images/models/{model_id}/endpoints")

    assert response.status_code == 200
    payload = response.json()
    validate(payload, "ImageModelEndpointsResponse")
    assert payload["id"] == model_id
    assert 1 <= len(payload["endpoints"]) <= 2
    for endpoint in payload["endpoints"]:
        validate(endpoint, "ImageEndpoint")
        assert endpoint["pricing"]
        for line in endpoint["pricing"]:
            validate(line, "ImagePricingEntry")


def test_endpoints_path_parts_are_url_decoded(client: httpx.Client) -> None:
    response = client.get("/images/models/fake%2Dlabs/pixel%2Dxl/endpoints")

    assert response.status_code == 200
    assert response.json()["id"] == "fake-labs/pixel-xl"


def test_unknown_model_endpoints_is_404(client: httpx.Client, validate: Validate) -> None:
    response = client.get("/images/models/fake-labs/nope/endpoints")

    assert response.status_code == 404
    validate(response.json(), "NotFoundResponse")
    assert response.json()["error"] == {"code": 404, "message": "Model 'fake-labs/nope' not found"}


def test_catalogue_export_matches_the_listing(client: httpx.Client) -> None:
    listed = client.get("/images/models").json()["data"]

    assert list(MODELS) == MODEL_IDS
    assert [MODELS[m["id"]].list_item() for m in listed] == listed
    with pytest.raises(TypeError):
        MODELS["x/y"] = MODELS[MODEL_IDS[0]]  # type: ignore[index]
