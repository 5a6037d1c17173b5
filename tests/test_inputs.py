"""Turning files, bytes and URLs into input_references entries."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from openrouter import ParameterError, components, input_reference
from openrouter._inputs import as_content_part

PNG = b"\x89PNG\r\n\x1a\n" + bytes(32)


def test_url_and_data_url_pass_through() -> None:
    assert input_reference("https://x.test/a.png").image_url.url == "https://x.test/a.png"
    assert (
        input_reference("data:image/png;base64,AAAA").image_url.url == "data:image/png;base64,AAAA"
    )


def test_bytes_become_a_data_url_with_sniffed_type() -> None:
    part = input_reference(PNG)
    assert isinstance(part, components.ContentPartImage) and part.type == "image_url"
    prefix, _, data = part.image_url.url.partition(",")
    assert prefix == "data:image/png;base64" and base64.b64decode(data) == PNG


def test_file_becomes_a_data_url(tmp_path: Path) -> None:
    path = tmp_path / "ref.webp"
    path.write_bytes(b"RIFF\x00\x00\x00\x00WEBPVP8 " + bytes(20))
    assert input_reference(path).image_url.url.startswith("data:image/webp;base64,")
    assert input_reference(str(path)).image_url.url.startswith("data:image/webp;base64,")


def test_extension_is_used_when_bytes_say_nothing(tmp_path: Path) -> None:
    path = tmp_path / "odd.png"
    path.write_bytes(b"not really a png")
    assert input_reference(path).image_url.url.startswith("data:image/png;base64,")


def test_explicit_media_type_wins() -> None:
    assert input_reference(b"raw", media_type="image/jpeg").image_url.url.startswith(
        "data:image/jpeg;"
    )


def test_errors_name_the_problem(tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match="no such file"):
        input_reference(tmp_path / "missing.png")
    with pytest.raises(ParameterError, match="media_type"):
        input_reference(b"what is this")
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(ParameterError, match="not a recognised image"):
        input_reference(tmp_path / "notes.txt")
    with pytest.raises(ParameterError, match="must be a URL"):
        input_reference(42)  # type: ignore[arg-type]


def test_every_accepted_item_form_becomes_wire_json(tmp_path: Path) -> None:
    (tmp_path / "a.png").write_bytes(PNG)
    wire = {"type": "image_url", "image_url": {"url": "https://x.test/a.png"}}
    assert as_content_part("https://x.test/a.png", "p") == wire
    assert as_content_part(dict(wire), "p") == wire
    assert as_content_part({"image_url": {"url": "https://x.test/a.png"}}, "p") == wire
    assert as_content_part(components.ContentPartImage.model_validate(wire), "p") == wire
    assert as_content_part(tmp_path / "a.png", "p")["image_url"]["url"].startswith("data:image/png")
    with pytest.raises(ParameterError, match=r"input_references\[3\]: a dict must look like"):
        as_content_part({"url": 5}, "input_references[3]")


def test_unknown_bytes_in_a_list_name_their_position() -> None:
    with pytest.raises(ParameterError, match=r"input_references\[1\]: could not tell"):
        as_content_part(b"what is this", "input_references[1]")
