"""Operation-level types under the official SDK's names."""

from __future__ import annotations

from typing import TypeAlias

from ._streaming import AsyncImageStream, ImageStream
from .components import (
    ImageGenerationResponse,
    ImageModelEndpointsResponse,
    ImageModelsListResponse,
)

__all__ = ["CreateImagesResponse", "ListImageModelEndpointsResponse", "ListImageModelsResponse"]

CreateImagesResponse: TypeAlias = ImageGenerationResponse | ImageStream | AsyncImageStream
"""What ``images.generate`` returns: the buffered response or a stream of events."""
ListImageModelsResponse: TypeAlias = ImageModelsListResponse
"""What ``images.list_models`` returns."""
ListImageModelEndpointsResponse: TypeAlias = ImageModelEndpointsResponse
"""What ``images.list_model_endpoints`` returns."""
