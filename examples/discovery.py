"""Which image models exist, what they accept, who serves them and at what price.

python examples/discovery.py           # OPENROUTER_API_KEY set: the real API
python examples/discovery.py           # no key: the project's local fake server
"""

from __future__ import annotations

import os

from openrouter import OpenRouter, components


def describe(capability: components.CapabilityDescriptor) -> str:
    if isinstance(capability, components.EnumCapability):
        return "one of " + ", ".join(capability.values)
    if isinstance(capability, components.RangeCapability):
        return f"{capability.min:g} to {capability.max:g}"
    if isinstance(capability, components.BooleanCapability):
        return "supported"
    return f"({capability.type})"  # a descriptor type newer than this SDK


def run(client: OpenRouter) -> None:
    models = client.images.list_models().data
    for model in models:
        print(f"{model.id} ({model.name}), streaming: {model.supports_streaming}")
        for name, capability in sorted(model.supported_parameters.items()):
            print(f"    {name}: {describe(capability)}")
    first = models[0]
    endpoints = client.images.list_model_endpoints(author=first.author, slug=first.slug)
    print(f"\nendpoints of {endpoints.id}:")
    for endpoint in endpoints.endpoints:
        prices = ", ".join(f"${p.cost_usd:g} per {p.unit} ({p.billable})" for p in endpoint.pricing)
        print(f"    {endpoint.provider_name}: {prices}")


if __name__ == "__main__":
    if os.environ.get("OPENROUTER_API_KEY"):
        with OpenRouter() as client:
            run(client)
    else:
        from openrouter.testing import FakeServer

        with (
            FakeServer() as server,
            OpenRouter(api_key=server.api_key, server_url=server.base_url) as client,
        ):
            run(client)
