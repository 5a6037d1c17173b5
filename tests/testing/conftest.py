"""Shared fixtures for the tests of ``openrouter.testing`` (plain httpx, no SDK client)."""

from __future__ import annotations

import base64
import io
import ssl
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from jsonschema import Draft202012Validator
from PIL import Image
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from openrouter.testing import FakeServer

SPEC_PATH = Path(__file__).resolve().parents[2] / "spec" / "openrouter-images.openapi.yaml"
SPEC_URI = "urn:openrouter-images-openapi"

Validate = Callable[[Any, str], None]

# The fake server speaks plain HTTP, but every httpx client builds a TLS context (~20 ms);
# sharing one keeps the many small tests fast.
_TLS = ssl.create_default_context()


@pytest.fixture(scope="session")
def validate() -> Validate:
    """``validate(instance, "SchemaName")`` against ``#/components/schemas/SchemaName``.

    The whole OpenAPI document is registered as one JSON Schema resource, so the spec's
    ``$ref: '#/components/schemas/...'`` pointers resolve inside it.
    """
    spec = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    registry: Registry[Any] = Registry().with_resource(SPEC_URI, DRAFT202012.create_resource(spec))
    validators: dict[str, Draft202012Validator] = {}

    def check(instance: Any, name: str) -> None:
        assert name in spec["components"]["schemas"], name
        if name not in validators:
            schema = {"$ref": f"{SPEC_URI}#/components/schemas/{name}"}
            validators[name] = Draft202012Validator(schema, registry=registry)
        validators[name].validate(instance)

    return check


@pytest.fixture
def server(openrouter_server: FakeServer) -> FakeServer:
    """The plugin's session server (reset before each test)."""
    return openrouter_server


@pytest.fixture
def client(server: FakeServer) -> Iterator[httpx.Client]:
    """A plain httpx client authenticated against the fake server."""
    with httpx.Client(
        base_url=server.base_url,
        headers={"Authorization": f"Bearer {server.api_key}"},
        timeout=10,
        verify=_TLS,
    ) as http:
        yield http


@pytest.fixture
def anonymous(server: FakeServer) -> Iterator[httpx.Client]:
    """A plain httpx client without credentials."""
    with httpx.Client(base_url=server.base_url, timeout=10, verify=_TLS) as http:
        yield http


def _decode_image(b64: str) -> Image.Image:
    data = base64.b64decode(b64, validate=True)
    Image.open(io.BytesIO(data)).verify()  # signature, chunk structure and CRCs
    image = Image.open(io.BytesIO(data))  # verify() leaves the image unusable: re-open
    image.load()
    return image


@pytest.fixture(scope="session")
def decode_image() -> Callable[[str], Image.Image]:
    """Decode base64, verify the file with Pillow and return the loaded image."""
    return _decode_image
