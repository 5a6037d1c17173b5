"""The values the spec gained (qualities, resolutions, aspect ratios, pricing unit, output
modality, ``server_tool_cost``) are typed, sent unchanged and understood in responses."""

from __future__ import annotations

from pathlib import Path
from typing import Any, get_args

import pytest
import yaml

from openrouter import components
from openrouter.testing import FakeServer

from .conftest import Api

SPEC = Path(__file__).resolve().parents[1] / "spec" / "openrouter-images.openapi.yaml"
PIXEL = "fake-labs/pixel-xl"


@pytest.fixture(scope="module")
def schemas() -> dict[str, Any]:
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    found: dict[str, Any] = spec["components"]["schemas"]
    return found


@pytest.mark.parametrize(
    ("alias", "schema", "field"),
    [
        ("ImageGenerationRequestAspectRatio", "ImageGenerationRequest", "aspect_ratio"),
        ("ImageGenerationRequestQuality", "ImageGenerationRequest", "quality"),
        ("ImageGenerationRequestResolution", "ImageGenerationRequest", "resolution"),
        ("ImagePricingEntryUnit", "ImagePricingEntry", "unit"),
        ("ImageOutputModality", "ImageOutputModality", None),
    ],
)
def test_literal_hints_list_the_spec_values(
    schemas: dict[str, Any], alias: str, schema: str, field: str | None
) -> None:
    node = schemas[schema] if field is None else schemas[schema]["properties"][field]
    assert list(get_args(getattr(components, alias))) == node["enum"]


def test_cost_details_has_every_field_of_the_spec(schemas: dict[str, Any]) -> None:
    assert set(schemas["CostDetails"]["properties"]) <= set(components.CostDetails.model_fields)
    usage = components.ImageGenerationUsage.model_validate(
        {
            "prompt_tokens": 1,
            "completion_tokens": 2,
            "total_tokens": 3,
            "cost_details": {
                "upstream_inference_prompt_cost": 0.1,
                "upstream_inference_completions_cost": 0.2,
                "server_tool_cost": 0.05,
            },
        }
    )
    assert usage.cost_details is not None and usage.cost_details.server_tool_cost == 0.05
    assert usage.cost_details.model_extra == {}  # a field now, not an unknown extra


def test_new_pricing_unit_and_output_modality_parse() -> None:
    entry = components.ImagePricingEntry.model_validate(
        {"billable": "input_text", "unit": "request", "cost_usd": 0.001}
    )
    assert entry.unit == "request"
    arch = components.ImageModelArchitecture.model_validate(
        {"input_modalities": ["text"], "output_modalities": ["image", "decisions"]}
    )
    assert arch.output_modalities == ["image", "decisions"]


@pytest.mark.anyio
@pytest.mark.parametrize(
    "fields",
    [
        {"quality": "xhigh", "resolution": "1.5K", "aspect_ratio": "2.35:1"},
        {"quality": "max", "resolution": "768", "aspect_ratio": "5:7"},
        {"aspect_ratio": "7:5", "size": "1.5K"},
        {"aspect_ratio": "5:2"},
    ],
)
async def test_new_values_are_sent_unchanged_and_accepted(
    api: Api, fake: FakeServer, fields: dict[str, str]
) -> None:
    res = await api.generate(model=PIXEL, prompt="a lighthouse", **fields)

    assert len(res.data) == 1
    sent = fake.requests[-1].json
    assert sent == {"model": PIXEL, "prompt": "a lighthouse", **fields}


@pytest.mark.anyio
async def test_discovery_shows_the_new_values(api: Api) -> None:
    listing = await api.list_models()
    pixel = next(m for m in listing.data if m.id == PIXEL)
    quality = pixel.supported_parameters["quality"]
    assert isinstance(quality, components.EnumCapability)
    assert {"xhigh", "max"} <= set(quality.values)
    endpoints = await api.list_model_endpoints(author="fake-labs", slug="pixel-xl")
    assert "request" in {price.unit for e in endpoints.endpoints for price in e.pricing}
