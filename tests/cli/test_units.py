"""The command line's pure parts: image sizes, output paths, jobs files, the manifest,
"did you mean", parameter values, and the httpx hooks."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from PIL import Image

from openrouter.cli._errors import UsageError, closest
from openrouter.cli._generate import output_path, slug
from openrouter.cli._http import CALL, CallInfo, Hooks, retry_after
from openrouter.cli._imagesize import image_size
from openrouter.cli._jobs import Manifest, load_jobs
from openrouter.cli._params import BY_NAME, convert, option_of


@pytest.mark.parametrize(
    ("fmt", "options"),
    [
        ("PNG", {}),
        ("JPEG", {}),
        ("JPEG", {"progressive": True}),
        ("GIF", {}),
        ("WEBP", {}),  # lossy: VP8
        ("WEBP", {"lossless": True}),  # VP8L
        ("WEBP", {"exif": b"Exif\x00\x00"}),  # extended: VP8X
    ],
)
def test_image_size_reads_raster_headers(fmt: str, options: dict[str, object]) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (123, 45), "red").save(buffer, fmt, **options)
    assert image_size(buffer.getvalue()) == (123, 45)


def test_image_size_reads_svg_and_gives_up_politely() -> None:
    assert image_size(b'<svg xmlns="x" width="64px" height="32">') == (64, 32)
    assert image_size(b'<?xml version="1.0"?>\n<svg viewBox="0 0 300 150">') == (300, 150)
    assert image_size(b"<svg>") is None
    assert image_size(b"\x89PNG\r\n\x1a\n") is None  # cut short
    assert image_size(b"GIF89a\x01") is None
    assert image_size(b"not an image") is None


def test_output_path_forms(tmp_path: Path) -> None:
    assert output_path(None, "cat", 0, 1, "png") == Path("cat-0.png")
    assert output_path("out/", "cat", 1, 2, "png") == Path("out/cat-1.png")
    assert output_path(str(tmp_path), "cat", 0, 1, "jpg") == tmp_path / "cat-0.jpg"
    assert output_path("a.png", "cat", 0, 1, "jpg") == Path("a.png")  # as given
    assert output_path("a", "cat", 0, 1, "webp") == Path("a.webp")
    assert output_path("a.png", "cat", 1, 3, "png") == Path("a-1.png")
    assert output_path("shot-{i}", "cat", 2, 3, "png") == Path("shot-2.png")
    assert output_path("v{i}/x.png", "cat", 0, 1, "png") == Path("v0/x.png")
    assert slug("A red panda! In space") == "a-red-panda-in-space"
    assert slug("!!!") == "image"


def test_closest_model_ids() -> None:
    ids = ["fake-labs/pixel-xl", "fake-labs/vector-1", "openai/gpt-image-1", "google/gemini"]
    assert closest("fake-labs/pixel-x", ids) == ["fake-labs/pixel-xl"]
    assert closest("gpt-image-1", ids) == ["openai/gpt-image-1"]  # by the part after "/"
    assert closest("something/else", ids) == []
    assert closest("x", []) == []


def test_convert_job_values() -> None:
    assert convert(BY_NAME["n"], "3") == 3
    assert convert(BY_NAME["seed"], -5) == -5
    assert convert(BY_NAME["resolution"], 512) == "512"
    assert convert(BY_NAME["provider"], '{"only": ["a"]}') == {"only": ["a"]}
    assert convert(BY_NAME["ref"], "a.png | https://x/y.png") == ["a.png", "https://x/y.png"]
    assert convert(BY_NAME["ref"], '["a.png"]') == ["a.png"]
    for param, value in (("n", True), ("n", 1.5), ("trace", [1]), ("size", None), ("ref", [1])):
        with pytest.raises(ValueError, match=BY_NAME[param].short):
            convert(BY_NAME[param], value)
    assert option_of("input_references[2]") == "--ref"
    assert option_of("output_format") == "--format"
    assert option_of("server_url") == "--base-url"
    assert option_of("provider.only[0]") == "--provider"


def test_jobs_keys_names_and_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "jobs.jsonl"
    lines = [
        {"prompt": "a cat"},
        {"prompt": "a cat"},  # the same job twice: two jobs
        {"prompt": "a dog", "name": "my dog/1", "model": "m2", "format": "webp"},
        {"prompt": "a bird", "ref": ["b.png", "https://x/y.png"]},
    ]
    path.write_text("# a comment\n" + "\n".join(json.dumps(line) for line in lines) + "\n")
    jobs = load_jobs(path, {"model": "m1", "n": 2})
    assert [job.line for job in jobs] == [2, 3, 4, 5]
    assert jobs[1].key == jobs[0].key + "#2" and jobs[0].name != jobs[1].name
    assert jobs[0].name.startswith("a-cat-") and jobs[0].params == {
        "model": "m1",
        "n": 2,
        "prompt": "a cat",
    }
    assert jobs[2].name == "my-dog-1"
    assert jobs[2].params["model"] == "m2" and jobs[2].params["output_format"] == "webp"
    assert jobs[3].params["input_references"] == [str(tmp_path / "b.png"), "https://x/y.png"]
    assert jobs[0].images == 2
    # Keys depend on the job, not on its place in the file.
    path.write_text("\n".join(json.dumps(line) for line in reversed(lines)) + "\n")
    again = load_jobs(path, {"model": "m1", "n": 2})
    assert {job.key for job in again} == {job.key for job in jobs}
    # ...nor on the directory it is run from (references are relative to the jobs file)...
    monkeypatch.chdir(tmp_path)
    here = load_jobs(Path("jobs.jsonl"), {"model": "m1", "n": 2})
    assert {job.key for job in here} == {job.key for job in jobs}
    assert here[0].params["input_references"][0] == "b.png"  # the last job, reversed
    # ...but on the defaults it was run with.
    assert load_jobs(path, {"model": "m3"})[-1].key != jobs[0].key


def test_csv_jobs(tmp_path: Path) -> None:
    path = tmp_path / "jobs.csv"
    path.write_text('prompt,model,n,provider\na cat,m,2,"{""only"": [""x""]}"\nb,m,,\n')
    jobs = load_jobs(path, {})
    assert jobs[0].params == {"prompt": "a cat", "model": "m", "n": 2, "provider": {"only": ["x"]}}
    assert jobs[1].params == {"prompt": "b", "model": "m"} and jobs[1].line == 3
    path.write_text("prompt\na,b\n")
    with pytest.raises(UsageError, match="more cells than header columns"):
        load_jobs(path, {"model": "m"})


def test_manifest_last_record_wins_and_a_torn_line_is_dropped(tmp_path: Path) -> None:
    manifest = Manifest(tmp_path / "out")
    assert manifest.load() == ({}, [])
    manifest.append({"key": "a", "status": "failed"})
    manifest.append({"key": "b", "status": "done"})
    manifest.append({"key": "a", "status": "done"})
    manifest.close()
    with manifest.path.open("ab") as file:
        file.write(b'not json\n{"key": "c", "sta')  # a stray line, then a write cut short
    records, warnings = Manifest(tmp_path / "out").load()
    assert records == {"a": {"key": "a", "status": "done"}, "b": {"key": "b", "status": "done"}}
    assert len(warnings) == 2 and "incomplete last record" in warnings[0]
    assert manifest.path.read_bytes().endswith(b"not json\n")  # the torn tail is cut off
    again = Manifest(tmp_path / "out")
    again.append({"key": "c", "status": "done"})
    again.close()
    assert json.loads(manifest.path.read_text().splitlines()[-1]) == {"key": "c", "status": "done"}


def test_retry_after() -> None:
    assert retry_after(httpx.Headers({"retry-after": "2"})) == 2.0
    assert retry_after(httpx.Headers({"retry-after-ms": "250", "retry-after": "9"})) == 0.25
    assert retry_after(httpx.Headers({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"})) == 0.0
    assert retry_after(httpx.Headers({"retry-after": "soon"})) is None
    assert retry_after(httpx.Headers({})) is None


class Chunks(httpx.SyncByteStream):
    """A body that arrives in pieces, as from the network."""

    def __iter__(self) -> Iterator[bytes]:
        yield from (b"slow ", b"down")


def test_hooks_count_attempts_report_waits_and_cap_retries() -> None:
    waits: list[tuple[float, int]] = []
    hooks = Hooks(retries=1, on_wait=lambda seconds, status: waits.append((seconds, status)))
    transport = httpx.MockTransport(
        lambda request: httpx.Response(429, headers={"Retry-After": "3"}, stream=Chunks())
    )
    info = CallInfo()
    token = CALL.set(info)
    event_hooks = {"request": [hooks.request], "response": [hooks.response]}
    try:
        with httpx.Client(transport=transport, event_hooks=event_hooks) as client:
            first = client.get("http://x/")
            assert "x-should-retry" not in first.headers  # a retry is still allowed
            second = client.get("http://x/")
            assert second.headers["x-should-retry"] == "false"  # that was the last one
    finally:
        CALL.reset(token)
    assert info.attempts == 2 and info.status == 429 and info.received == len(b"slow down")
    assert waits == [(3.0, 429), (3.0, 429)]
