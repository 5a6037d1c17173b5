"""The public surface: official SDK names, sync/async parity, lazy imports, typing."""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

import pytest

import openrouter
from openrouter import components, errors, operations, utils
from openrouter._images import AsyncImages, Images

METHODS = ["generate", "list_models", "list_model_endpoints"]
KEYWORD_ONLY = inspect.Parameter.KEYWORD_ONLY


@pytest.mark.parametrize("name", METHODS)
def test_every_sync_method_has_async_twins_with_the_same_signature(name: str) -> None:
    sync = inspect.signature(getattr(Images, name))
    assert inspect.signature(getattr(Images, f"{name}_async")).parameters == sync.parameters
    assert inspect.signature(getattr(AsyncImages, name)).parameters == sync.parameters
    assert inspect.iscoroutinefunction(getattr(AsyncImages, name))
    assert inspect.iscoroutinefunction(getattr(Images, f"{name}_async"))
    assert not inspect.iscoroutinefunction(getattr(Images, name))


@pytest.mark.parametrize("name", METHODS)
def test_every_method_takes_the_call_options(name: str) -> None:
    params = inspect.signature(getattr(Images, name)).parameters
    for option in (
        "http_referer",
        "x_open_router_title",
        "x_open_router_categories",
        "retries",
        "server_url",
        "timeout_ms",
        "http_headers",
        "extra_headers",
        "extra_query",
        "extra_body",
    ):
        assert params[option].kind is inspect.Parameter.KEYWORD_ONLY
        assert params[option].default is None


def test_generate_takes_the_official_keywords_then_the_extra_ones() -> None:
    params = inspect.signature(Images.generate).parameters
    expected = """model prompt http_referer x_open_router_title x_open_router_categories
    aspect_ratio background input_references n output_compression output_format provider quality
    resolution seed session_id size stream trace user retries server_url timeout_ms
    http_headers extra_headers extra_query extra_body preflight""".split()
    assert list(params)[1:] == expected
    assert list(inspect.signature(Images.list_models).parameters)[-3:] == expected[-4:-1]


def test_client_constructor_takes_the_official_arguments() -> None:
    for cls in (openrouter.OpenRouter, openrouter.AsyncOpenRouter):
        params = list(inspect.signature(cls).parameters)
        for name in (
            "api_key",
            "http_referer",
            "x_open_router_title",
            "x_open_router_categories",
            "server_url",
            "retry_config",
            "timeout_ms",
            "client",
            "async_client",
            "debug_logger",
        ):
            assert name in params
        assert params[0] == "api_key"
        # This SDK's own arguments come after the official ones (keyword-only).
        assert params[-3:] == ["default_headers", "preflight", "preflight_ttl_ms"]
        for own in params[-3:]:
            assert inspect.signature(cls).parameters[own].kind is KEYWORD_ONLY


def test_with_options_takes_the_client_settings() -> None:
    for cls in (openrouter.OpenRouter, openrouter.AsyncOpenRouter):
        params = inspect.signature(cls.with_options).parameters
        assert (
            list(params)[1:]
            == """api_key server_url timeout_ms retry_config http_headers
        default_headers http_referer x_open_router_title x_open_router_categories
        debug_logger""".split()
        )
        assert all(p.kind is KEYWORD_ONLY and p.default is None for p in list(params.values())[1:])


def test_official_names_exist() -> None:
    for name in """ImageGenerationRequest ImageGenerationRequestAspectRatio
    ImageGenerationRequestBackground ImageGenerationRequestOutputFormat
    ImageGenerationRequestQuality ImageGenerationRequestResolution
    ImageGenerationRequestProvider ImageGenerationProviderPreferences
    ImageGenerationProviderPreferencesTypedDict ProviderOptions ProviderSort
    ProviderSortConfig ProviderName ContentPartImage ContentPartImageTypedDict
    ContentPartImageImageURL TraceConfig TraceConfigTypedDict ImageGenerationResponse
    ImageGenerationResponseData ImageGenerationUsage CostDetails ImageStreamingResponse
    ImageStreamingResponseData ImageGenPartialImageEvent ImageGenTextChunkEvent
    ImageGenCompletedEvent ImageGenStreamErrorEvent UnknownImageStreamingResponseData
    ImageModelsListResponse ImageModelListItem ImageModelArchitecture
    ImageInputModality ImageOutputModality SupportedParameters CapabilityDescriptor
    EnumCapability RangeCapability BooleanCapability UnknownCapabilityDescriptor
    ImageModelEndpointsResponse ImageEndpoint ImagePricingEntry BadRequestResponse
    UnauthorizedResponse PaymentRequiredResponse ForbiddenResponse NotFoundResponse
    PayloadTooLargeResponse TooManyRequestsResponse InternalServerResponse
    BadGatewayResponse EdgeNetworkTimeoutResponse ProviderOverloadedResponse
    BadRequestResponseErrorData AnthropicCacheCreation AnthropicUsageIteration""".split():
        assert hasattr(components, name), name
    for name in """OpenRouterError OpenRouterDefaultError BadRequestResponseError
    UnauthorizedResponseError PaymentRequiredResponseError ForbiddenResponseError
    NotFoundResponseError PayloadTooLargeResponseError TooManyRequestsResponseError
    InternalServerResponseError BadGatewayResponseError EdgeNetworkTimeoutResponseError
    ProviderOverloadedResponseError ResponseValidationError NoResponseError""".split():
        assert hasattr(errors, name), name
    assert utils.RetryConfig and utils.BackoffStrategy
    assert utils.EventStream is openrouter.ImageStream
    assert utils.EventStreamAsync is openrouter.AsyncImageStream
    assert operations.CreateImagesResponse is not None


def test_every_public_name_has_a_docstring() -> None:
    missing = []
    for module in (openrouter, components, errors, utils):
        for name in getattr(module, "__all__", None) or dir(module):
            if name.startswith("_"):
                continue
            obj = getattr(module, name)
            if (inspect.isclass(obj) or inspect.isfunction(obj)) and obj.__module__.startswith(
                "openrouter"
            ):
                if not (obj.__doc__ or "").strip():
                    missing.append(f"{module.__name__}.{name}")
                for attr, member in vars(obj).items() if inspect.isclass(obj) else ():
                    if (
                        not attr.startswith("_")
                        and inspect.isfunction(member)
                        and not member.__doc__
                    ):
                        missing.append(f"{module.__name__}.{name}.{attr}")
    assert not missing


def test_py_typed_ships() -> None:
    assert (Path(openrouter.__file__).parent / "py.typed").exists()


def test_import_and_first_use_do_not_load_pydantic() -> None:
    # Nor asyncio (~10 ms): a sync program does not need it.
    code = (
        "import sys, openrouter\n"
        "c = openrouter.OpenRouter(api_key='k', server_url='http://127.0.0.1:9')\n"
        "c.images\n"
        "heavy = ('pydantic', 'httpx_sse', 'typing_extensions', 'asyncio')\n"
        "heavy = [m for m in heavy if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
