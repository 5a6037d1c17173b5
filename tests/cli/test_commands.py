"""Every command of ``openrouter``, run as a subprocess against the fake server: what it
sends, what it saves, what it prints (plain lines without a terminal, JSON with --json)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from openrouter import __version__
from openrouter.testing import FakeServer

from .conftest import Done, cli_env, posts, run_cli

Cli = Callable[..., Done]
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # anything but \t and \n


def plain(done: Done) -> None:
    """Output without a terminal: no escape sequences, no carriage returns."""
    assert not CONTROL.search(done.stdout), repr(done.stdout)
    assert not CONTROL.search(done.stderr), repr(done.stderr)


def test_help_lists_the_commands_and_exit_codes(tmp_path: Path) -> None:
    done = run_cli("--help", env=cli_env(), cwd=tmp_path)
    assert done.code == 0
    assert "images" in done.stdout and "130 interrupted" in done.stdout
    done = run_cli("images", "--help", env=cli_env(), cwd=tmp_path)
    for name in ("generate", "models", "endpoints", "batch"):
        assert name in done.stdout
    plain(done)


def test_docs_cover_every_option(tmp_path: Path) -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "cli.md").read_text()
    options: set[str] = set()
    for args in (
        [],
        ["images"],
        *(["images", c] for c in ("generate", "models", "endpoints", "batch")),
    ):
        text = run_cli(*args, "--help", env=cli_env(), cwd=tmp_path).stdout
        options |= set(re.findall(r"(?<![\w-])--[a-z][a-z-]+", text))
    assert len(options) > 30
    assert not [o for o in options if f"`{o}" not in docs and f"{o}`" not in docs]
    for code in ("0", "1", "2", "3", "130"):
        assert f"| {code} |" in docs


def test_without_a_command_it_shows_help_and_exits_2(tmp_path: Path) -> None:
    done = run_cli(env=cli_env(), cwd=tmp_path)
    assert done.code == 2 and "usage: openrouter" in done.stderr


def test_the_installed_script_runs(tmp_path: Path) -> None:
    # The console script of the `cli` extra, installed next to this interpreter.
    script = shutil.which("openrouter", path=str(Path(sys.executable).parent))
    assert script is not None, "no `openrouter` script: reinstall the package (pip install -e .)"
    done = subprocess.run(
        [script, "--version"], env=cli_env(), capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and done.stdout.strip() == f"openrouter {__version__}"


def test_importing_the_sdk_does_not_import_the_cli(tmp_path: Path) -> None:
    code = (
        "import sys, openrouter\n"
        "loaded = [m for m in ('openrouter.cli', 'rich', 'argparse') if m in sys.modules]\n"
        "print(loaded)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=cli_env(), capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def test_generate_saves_and_prints_each_path_size_type_and_cost(
    cli: Cli, fake: FakeServer, tmp_path: Path
) -> None:
    done = cli("images", "generate", "A red panda!", "-m", "fake-labs/pixel-xl", "--n", "2")
    assert done.code == 0, done.stderr
    plain(done)
    assert done.stdout.splitlines() == [
        "a-red-panda-0.png  64x64  image/png  " + _size(tmp_path / "a-red-panda-0.png"),
        "a-red-panda-1.png  64x64  image/png  " + _size(tmp_path / "a-red-panda-1.png"),
        "cost $0.0800",
    ]
    assert posts(fake) == [{"model": "fake-labs/pixel-xl", "prompt": "A red panda!", "n": 2}]


def _size(path: Path) -> str:
    return f"{path.stat().st_size} B"


def test_generate_sends_every_parameter(cli: Cli, fake: FakeServer, tmp_path: Path) -> None:
    (tmp_path / "ref.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(32))
    done = cli(
        "images", "generate", "a fox", "-m", "fake-labs/pixel-xl", "-o", "fox.webp",
        "--aspect-ratio", "16:9", "--resolution", "1K", "--quality", "high",
        "--format", "webp", "--compression", "80", "--seed", "7", "--size", "1K",
        "--ref", "ref.png", "--ref", "https://example.com/style.png",
        "--provider", '{"only": ["fake-labs"]}', "--session-id", "s-1", "--user", "u-1",
        "--trace", '{"trace_id": "t-1"}',
    )  # fmt: skip
    assert done.code == 0, done.stderr
    body = posts(fake)[0]
    refs = body.pop("input_references")
    assert refs[0]["image_url"]["url"].startswith("data:image/png;base64,")
    assert refs[1]["image_url"]["url"] == "https://example.com/style.png"
    assert body == {
        "model": "fake-labs/pixel-xl",
        "prompt": "a fox",
        "aspect_ratio": "16:9",
        "resolution": "1K",
        "quality": "high",
        "output_format": "webp",
        "output_compression": 80,
        "seed": 7,
        "size": "1K",
        "provider": {"only": ["fake-labs"]},
        "session_id": "s-1",
        "user": "u-1",
        "trace": {"trace_id": "t-1"},
    }
    assert (tmp_path / "fox.webp").read_bytes()[8:12] == b"WEBP"
    assert done.stdout.startswith("fox.webp  ") and "image/webp" in done.stdout


def test_generate_output_forms(cli: Cli, tmp_path: Path) -> None:
    model = ("-m", "fake-labs/pixel-xl")
    assert cli("images", "generate", "a", *model, "-o", "one.png").code == 0
    assert cli("images", "generate", "b", *model, "-o", "shots/", "--n", "2").code == 0
    assert cli("images", "generate", "c", *model, "-o", "p-{i}", "--n", "2").code == 0
    assert cli("images", "generate", "d", *model, "-o", "many.png", "--n", "2").code == 0
    found = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*.png"))
    assert found == [
        "many-0.png", "many-1.png", "one.png", "p-0.png", "p-1.png",
        "shots/b-0.png", "shots/b-1.png",
    ]  # fmt: skip


def test_generate_stream_saves_partials_and_prints_json(
    cli: Cli, fake: FakeServer, tmp_path: Path
) -> None:
    done = cli(
        "--json", "images", "generate", "a comet", "-m", "fake-labs/stream-diffusion",
        "--stream", "--save-partials", "-o", "comet.png",
    )  # fmt: skip
    assert done.code == 0, done.stderr
    plain(done)
    result = done.json()
    assert result["images"] == [
        {
            "path": "comet.png",
            "width": 64,
            "height": 64,
            "media_type": "image/png",
            "bytes": (tmp_path / "comet.png").stat().st_size,
        }
    ]
    assert result["partials"] == ["comet.partial-0.png", "comet.partial-1.png"]
    assert result["cost"] == result["usage"]["cost"] > 0
    assert all((tmp_path / p).is_file() for p in result["partials"])
    assert posts(fake)[0]["stream"] is True
    # Messages stay on stderr: stdout is the JSON alone.
    assert "partial 0: comet.partial-0.png" in done.stderr


def test_generate_svg_from_text_chunks(cli: Cli, tmp_path: Path) -> None:
    done = cli("images", "generate", "a logo", "-m", "fake-labs/vector-1", "--stream", "-o", "l")
    assert done.code == 0, done.stderr
    assert done.stdout.startswith("l.svg  64x64  image/svg+xml")
    assert (tmp_path / "l.svg").read_text().startswith("<svg")


def test_models_table_and_filters(cli: Cli) -> None:
    done = cli("images", "models")
    assert done.code == 0, done.stderr
    plain(done)
    lines = done.stdout.splitlines()
    assert lines[0].split() == "id name stream aspect ratios resolutions qualities refs".split()
    pixel = next(line for line in lines if line.startswith("fake-labs/pixel-xl "))
    assert "Fake Labs: Pixel XL" in pixel and " no " in pixel
    assert "1:1 2:3 3:2 +9" in pixel and "512 768 1K +3" in pixel
    streaming = cli("images", "models", "--streaming").stdout
    assert "fake-labs/stream-diffusion" in streaming and "fake-labs/pixel-xl" not in streaming
    seeded = cli("images", "models", "--supports", "seed", "--supports", "resolution").stdout
    ids = [line.split()[0] for line in seeded.splitlines()[1:]]
    assert ids == ["fake-labs/pixel-xl", "google/gemini-2.5-flash-image"]


def test_models_json(cli: Cli) -> None:
    done = cli("images", "models", "--json", "--supports", "format")  # option name works too
    assert done.code == 0, done.stderr
    models = done.json()
    assert {m["id"] for m in models} == {
        "fake-labs/pixel-xl",
        "fake-labs/stream-diffusion",
        "fake-labs/vector-1",
        "openai/gpt-image-1",
    }
    assert all("output_format" in m["supported_parameters"] for m in models)


def test_endpoints_table_and_json(cli: Cli) -> None:
    done = cli("images", "endpoints", "fake-labs/pixel-xl")
    assert done.code == 0, done.stderr
    plain(done)
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["provider", "status", "stream", "pricing", "parameters"]
    assert lines[1].startswith("Fake Labs ")
    assert "output_image $0.04/image; input_reference $0.002/image" in lines[1]
    assert "Pixel Cloud (pixel-cloud/fp8)" in lines[2] and "$0.03/megapixel" in lines[2]
    result = cli("images", "endpoints", "fake-labs/pixel-xl", "--json").json()
    assert result["id"] == "fake-labs/pixel-xl"
    assert [e["provider_slug"] for e in result["endpoints"]] == ["fake-labs", "pixel-cloud"]


def test_global_options_go_before_or_after_the_command(cli: Cli, fake: FakeServer) -> None:
    before = cli("--json", "images", "models").json()
    after = cli("images", "models", "--json").json()
    assert before == after


def test_base_url_option_and_key_file(fake: FakeServer, tmp_path: Path) -> None:
    (tmp_path / "key").write_text(fake.api_key + "\n")
    env = cli_env()  # no OPENROUTER_* variables: everything from the options
    done = run_cli(
        "images", "models", "--base-url", fake.base_url, "--api-key-file", "key",
        env=env, cwd=tmp_path,
    )  # fmt: skip
    assert done.code == 0, done.stderr
    assert fake.last_request is not None
    assert fake.last_request.headers["authorization"] == f"Bearer {fake.api_key}"
    assert fake.api_key not in done.stdout + done.stderr


def test_fake_runs_offline(tmp_path: Path) -> None:
    done = run_cli(
        "--fake", "images", "generate", "a cat", "-m", "openai/gpt-image-1", "--json",
        env=cli_env(), cwd=tmp_path,
    )  # fmt: skip
    assert done.code == 0, done.stderr
    assert "fake server" in done.stderr
    assert (tmp_path / done.json()["images"][0]["path"]).is_file()


def test_verbose_logs_requests(cli: Cli) -> None:
    done = cli("-v", "images", "models")
    assert done.code == 0
    assert "request GET" in done.stderr and "/images/models" in done.stderr


def test_retries_option_caps_the_retries(cli: Cli, fake: FakeServer) -> None:
    fake.inject(status=503, times=None)
    done = cli("images", "generate", "x", "-m", "fake-labs/pixel-xl", "--retries", "2")
    assert done.code == 3
    assert len(posts(fake)) == 3  # the first attempt and two retries
    fake.reset()
    fake.inject(status=503, times=None)
    assert cli("images", "generate", "x", "-m", "fake-labs/pixel-xl", "--retries", "0").code == 3
    assert len(posts(fake)) == 1
