"""``openrouter images batch`` against the fake server: every job done exactly once (the
server's request log counts the generations), through 429s, 500s, Ctrl-C, a cost cap and
a refused key, and a manifest that always parses."""

from __future__ import annotations

import collections
import json
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from openrouter.testing import FakeServer

from .conftest import Done, cli_env, command, posts, run_cli

Cli = Callable[..., Done]
MODEL = "fake-labs/pixel-xl"  # $0.04 an image


def write_jobs(path: Path, count: int, **fields: Any) -> list[str]:
    """A JSONL file of ``count`` jobs; returns their prompts."""
    prompts = [f"prompt {i}" for i in range(count)]
    lines = [json.dumps({"prompt": p, "model": MODEL, **fields}) for p in prompts]
    path.write_text("\n".join(lines) + "\n")
    return prompts


def manifest(directory: Path) -> list[dict[str, Any]]:
    """Every record of ``directory/manifest.jsonl`` (each line must parse)."""
    text = (directory / "manifest.jsonl").read_text()
    assert text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


def final(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The state of each job: its last record."""
    return {record["key"]: record for record in records}


def per_prompt(bodies: list[dict[str, Any]]) -> collections.Counter[str]:
    return collections.Counter(body["prompt"] for body in bodies)


def test_batch_runs_jsonl_and_writes_images_and_manifest(
    cli: Cli, fake: FakeServer, tmp_path: Path
) -> None:
    (tmp_path / "refs").mkdir()
    (tmp_path / "refs" / "cat.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(32))
    jobs = [
        {"prompt": "a cat", "model": MODEL, "name": "cat", "n": 2, "format": "webp"},
        {"prompt": "a dog", "output_format": "jpeg", "ref": ["refs/cat.png"]},  # -m's model
        {"prompt": "a logo", "model": "fake-labs/vector-1"},
    ]
    (tmp_path / "jobs.jsonl").write_text("\n".join(json.dumps(j) for j in jobs) + "\n")
    done = cli("images", "batch", "jobs.jsonl", "-o", "out", "-m", MODEL, "--json")
    assert done.code == 0, done.stderr
    summary = done.json()
    assert summary["jobs"] == summary["done"] == summary["done_now"] == 3
    assert summary["failed"] == summary["not_run"] == 0
    assert summary["cost"] == 0.04 * 3 + 0.02 + 0.002  # 3 images, 1 SVG, 1 reference
    records = manifest(tmp_path / "out")
    assert [r["status"] for r in records] == ["done"] * 3
    by_prompt = {r["prompt"]: r for r in records}
    assert by_prompt["a cat"]["paths"] == ["out/cat-0.webp", "out/cat-1.webp"]
    assert by_prompt["a cat"]["usage"]["cost"] == by_prompt["a cat"]["cost"] == 0.08
    assert by_prompt["a dog"]["paths"][0].endswith("-0.jpg")
    assert by_prompt["a logo"]["paths"][0].endswith("-0.svg")
    for record in records:
        assert record["attempts"] == 1 and record["error"] is None
        assert all((tmp_path / p).is_file() for p in record["paths"])
    bodies = {body["prompt"]: body for body in posts(fake)}
    assert bodies["a cat"]["n"] == 2 and bodies["a cat"]["output_format"] == "webp"
    assert bodies["a dog"]["model"] == MODEL
    assert bodies["a dog"]["input_references"][0]["image_url"]["url"].startswith("data:image/png")


def test_batch_runs_csv(cli: Cli, fake: FakeServer, tmp_path: Path) -> None:
    (tmp_path / "jobs.csv").write_text("prompt,name,n,seed\na dog,dog,2,5\na fish,,,\n")
    done = cli("images", "batch", "jobs.csv", "-o", "out", "-m", MODEL)
    assert done.code == 0, done.stderr
    assert done.stdout.startswith("2 of 2 jobs done (2 now), 0 failed, 0 not run; cost $0.1200")
    assert sorted(p.name for p in (tmp_path / "out").glob("dog-*")) == ["dog-0.png", "dog-1.png"]
    bodies = {body["prompt"]: body for body in posts(fake)}
    assert bodies["a dog"] == {"model": MODEL, "prompt": "a dog", "n": 2, "seed": 5}
    assert bodies["a fish"] == {"model": MODEL, "prompt": "a fish"}
    # Without a terminal: a plain line per job on stderr.
    assert "[2/2] done " in done.stderr and "\r" not in done.stderr and "\x1b" not in done.stderr


def test_fifty_jobs_through_429s_and_500s_each_done_once(
    cli: Cli, fake: FakeServer, tmp_path: Path
) -> None:
    prompts = write_jobs(tmp_path / "jobs.jsonl", 50)
    fake.inject(status=429, headers={"Retry-After": "0"}, times=5, path="/images")
    fake.inject(status=500, times=5, path="/images")
    done = cli("images", "batch", "jobs.jsonl", "-o", "out", "--concurrency", "8", "--json")
    assert done.code == 0, done.stderr
    assert done.json()["done"] == 50
    assert fake.faults == []  # all ten errors were served...
    requests = per_prompt(posts(fake))
    assert sum(requests.values()) == 60  # ...and retried: 50 generations, each done once
    assert set(requests) == set(prompts)
    records = manifest(tmp_path / "out")
    assert len(records) == 50 and {r["status"] for r in records} == {"done"}
    assert sum(r["attempts"] for r in records) == 60
    assert len(list((tmp_path / "out").glob("*.png"))) == 50
    assert "HTTP 429: pausing new jobs" in done.stderr  # the whole batch slowed down


def _wait_for(condition: Callable[[], bool], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def _records(directory: Path) -> int:
    path = directory / "manifest.jsonl"
    return path.read_bytes().count(b"\n") if path.exists() else 0


def test_ctrl_c_drains_then_resume_finishes_without_paying_twice(
    fake: FakeServer, tmp_path: Path
) -> None:
    prompts = write_jobs(tmp_path / "jobs.jsonl", 20)
    fake.inject(delay=0.3, times=None, path="/images")
    args = command("images", "batch", "jobs.jsonl", "-o", "out", "--concurrency", "2")
    with subprocess.Popen(
        args, cwd=tmp_path, env=cli_env(fake), stderr=subprocess.PIPE, text=True
    ) as process:
        _wait_for(lambda: _records(tmp_path / "out") >= 2)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr
    assert "Ctrl-C: starting no more jobs" in stderr
    first = final(manifest(tmp_path / "out"))
    # The jobs running at Ctrl-C were let finish: every request made is a job done.
    assert {r["status"] for r in first.values()} == {"done"}
    assert 2 <= len(first) < 20
    assert len(posts(fake)) == len(first)
    before = posts(fake)

    fake.reset()  # no more delay
    done = run_cli("images", "batch", "jobs.jsonl", "-o", "out", env=cli_env(fake), cwd=tmp_path)
    assert done.code == 0, done.stderr
    assert f"skipping {len(first)} jobs already done" in done.stderr
    states = final(manifest(tmp_path / "out"))
    assert len(states) == 20 and {r["status"] for r in states.values()} == {"done"}
    assert per_prompt(before + posts(fake)) == collections.Counter(prompts)  # once each


def test_second_ctrl_c_cancels_and_resume_redoes_only_those(
    fake: FakeServer, tmp_path: Path
) -> None:
    prompts = write_jobs(tmp_path / "jobs.jsonl", 6)
    fake.inject(delay=5, times=None, path="/images")
    args = command("images", "batch", "jobs.jsonl", "-o", "out", "--concurrency", "2")
    started = time.monotonic()
    with subprocess.Popen(
        args, cwd=tmp_path, env=cli_env(fake), stderr=subprocess.PIPE, text=True
    ) as process:
        _wait_for(lambda: len(posts(fake)) == 2)
        process.send_signal(signal.SIGINT)
        time.sleep(0.3)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr
    assert time.monotonic() - started < 5  # cancelled, not waited for
    first = manifest(tmp_path / "out")
    assert [r["status"] for r in first] == ["stopped", "stopped"]
    assert first[0]["error"]["class"] == "Cancelled"

    fake.reset()
    done = run_cli("images", "batch", "jobs.jsonl", "-o", "out", env=cli_env(fake), cwd=tmp_path)
    assert done.code == 0, done.stderr
    states = final(manifest(tmp_path / "out"))
    assert {r["prompt"] for r in states.values()} == set(prompts)
    assert {r["status"] for r in states.values()} == {"done"}
    assert per_prompt(posts(fake)) == collections.Counter(prompts)


def test_max_cost_stops_starting_jobs(cli: Cli, fake: FakeServer, tmp_path: Path) -> None:
    write_jobs(tmp_path / "jobs.jsonl", 10)
    done = cli("images", "batch", "jobs.jsonl", "-o", "out", "--max-cost", "0.1", "--json")
    assert done.code == 1, done.stderr
    summary = done.json()
    assert summary["stopped"] == "max-cost"
    assert summary["done"] == 2 and summary["not_run"] == 8 and summary["cost"] == 0.08
    assert "--max-cost $0.1: starting no more jobs" in done.stderr
    assert len(posts(fake)) == 2
    # Run again with more budget: only the rest is generated.
    done = cli("images", "batch", "jobs.jsonl", "-o", "out", "--max-cost", "1", "--json")
    assert done.code == 0 and done.json()["done"] == 10
    assert len(posts(fake)) == 10


def test_failed_jobs_are_skipped_until_retry_failed(
    cli: Cli, fake: FakeServer, tmp_path: Path
) -> None:
    (tmp_path / "jobs.jsonl").write_text(
        json.dumps({"prompt": "good", "model": MODEL})
        + "\n"
        + json.dumps({"prompt": "bad", "model": MODEL, "quality": "ultra"})
        + "\n"
    )
    done = cli("images", "batch", "jobs.jsonl", "-o", "out")
    assert done.code == 1
    assert "failed bad-" in done.stderr and "check --quality" in done.stderr
    bad = final(manifest(tmp_path / "out"))
    failed = next(r for r in bad.values() if r["status"] == "failed")
    assert failed["error"]["class"] == "BadRequestResponseError"
    assert "Invalid quality 'ultra'" in failed["error"]["message"]

    done = cli("images", "batch", "jobs.jsonl", "-o", "out")
    assert done.code == 1 and "--retry-failed runs them again" in done.stderr
    assert len(posts(fake)) == 2  # nothing new was sent

    done = cli("images", "batch", "jobs.jsonl", "-o", "out", "--retry-failed")
    assert done.code == 1
    assert per_prompt(posts(fake)) == {"good": 1, "bad": 2}
    assert final(manifest(tmp_path / "out"))[failed["key"]]["attempts"] == 2


def test_a_job_with_a_mistyped_model_suggests_the_closest_ones(
    cli: Cli, fake: FakeServer, tmp_path: Path
) -> None:
    (tmp_path / "jobs.jsonl").write_text(
        "".join(
            json.dumps({"prompt": f"p{i}", "model": "fake-labs/pixel-x"}) + "\n" for i in range(3)
        )
    )
    done = cli("images", "batch", "jobs.jsonl", "-o", "out")
    assert done.code == 1
    lines = [line for line in done.stderr.splitlines() if "failed p" in line]
    assert len(lines) == 3, done.stderr
    assert all(line.endswith("did you mean fake-labs/pixel-xl?") for line in lines)
    listings = [r for r in fake.requests if r.method == "GET" and r.path.endswith("/models")]
    assert len(listings) == 1  # listed once for the whole batch


def test_a_refused_key_stops_the_batch_and_a_rerun_does_it_all(tmp_path: Path) -> None:
    write_jobs(tmp_path / "jobs.jsonl", 8)
    args = ("images", "batch", "jobs.jsonl", "-o", "out", "--concurrency", "2")
    with FakeServer(api_keys=["sk-or-right"]) as server:
        done = run_cli(*args, env=cli_env(server, OPENROUTER_API_KEY="sk-or-x"), cwd=tmp_path)
        assert done.code == 3
        assert "HTTP 401" in done.stderr and "OPENROUTER_API_KEY" in done.stderr
        assert len(server.requests) <= 2  # nothing started after the first refusal
        assert {r["status"] for r in manifest(tmp_path / "out")} == {"stopped"}
        done = run_cli(*args, env=cli_env(server, OPENROUTER_API_KEY="sk-or-right"), cwd=tmp_path)
        assert done.code == 0, done.stderr
        assert {r["status"] for r in final(manifest(tmp_path / "out")).values()} == {"done"}


def test_bad_jobs_files_are_usage_errors(cli: Cli, fake: FakeServer, tmp_path: Path) -> None:
    cases = {
        '{"prompt": "a"}\n{oops\n': "jobs.jsonl:2 is not valid JSON",
        '{"prompt": "a"}\n[1]\n': "jobs.jsonl:2 must be a JSON object",
        '{"model": "m"}\n': "jobs.jsonl:1: no prompt",
        '{"prompt": "a"}\n': "jobs.jsonl:1: no model (or pass -m MODEL)",
        '{"prompt": "a", "model": "m", "colour": "red"}\n': "unknown field 'colour'",
        '{"prompt": "a", "model": "m", "n": "two"}\n': "jobs.jsonl:1: n must be an integer",
        '{"prompt": "a", "model": "m", "name": "x"}\n{"prompt": "b", "model": "m", "name": "x"}': (
            "jobs.jsonl:2: the name 'x' is also used on line 1"
        ),
        "\n": "jobs.jsonl: no jobs",
    }
    for text, message in cases.items():
        (tmp_path / "jobs.jsonl").write_text(text)
        done = cli("images", "batch", "jobs.jsonl", "-o", "out")
        assert done.code == 2, done.stderr
        assert message in done.stderr, done.stderr
    done = cli("images", "batch", "missing.jsonl", "-o", "out")
    assert done.code == 2 and "cannot read the jobs file missing.jsonl" in done.stderr
    write_jobs(tmp_path / "jobs.jsonl", 1)
    (tmp_path / "file").write_text("")
    done = cli("images", "batch", "jobs.jsonl", "-o", "file")
    assert done.code == 2 and "-o file: not a directory" in done.stderr
    assert posts(fake) == []
