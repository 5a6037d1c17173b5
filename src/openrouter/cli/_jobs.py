"""Batch jobs: reading a JSONL or CSV jobs file, and the manifest that makes a batch resumable.

A job is one ``images.generate`` call. Its **key** is a hash of what it asks for (model,
prompt, parameters, name), so re-running the same file finds the jobs already done, an
edited job counts as a new one, and the same job listed twice is two jobs (``#2``).

The manifest (``DIR/manifest.jsonl``) gets one JSON line per finished job, appended with a
single write, then flushed and fsynced, so that a crash or a kill leaves every record that
was written whole. The last record of a key is the job's state.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ._errors import UsageError
from ._params import BY_NAME, convert, json_object

DONE, FAILED, STOPPED = "done", "failed", "stopped"
"""Job states in the manifest. ``stopped``: not finished because the batch stopped (a
second Ctrl-C, a lost network, a refused key); run again without asking."""


@dataclass
class Job:
    """One generation of a batch."""

    key: str
    name: str
    line: int
    """Where it is in the jobs file (1-based; for CSV the header is line 1)."""
    params: dict[str, Any]
    """The keywords of ``images.generate``, ``model`` and ``prompt`` included."""

    @property
    def images(self) -> int:
        """The most images it asks for (``n``, default 1)."""
        n = self.params.get("n")
        return n if isinstance(n, int) and n > 0 else 1


def _rows(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """The jobs file's objects with their line numbers: JSONL, or CSV with a header."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read the jobs file {path}: {exc}") from None
    is_csv = path.suffix.lower() == ".csv" or (
        path.suffix.lower() not in (".jsonl", ".ndjson", ".json")
        and not text.lstrip().startswith("{")
    )
    rows: list[tuple[int, dict[str, Any]]] = []
    if is_csv:
        reader = csv.DictReader(io.StringIO(text))
        for row in reader:
            if None in row:
                raise UsageError(f"{path}:{reader.line_num}: more cells than header columns")
            fields = {k.strip(): v for k, v in row.items() if k and v is not None and v.strip()}
            if fields:
                rows.append((reader.line_num, fields))
        return rows
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            rows.append((number, json_object(line, f"{path}:{number}")))
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    return rows


def safe_name(name: str) -> str:
    """``name`` as a file name stem: letters, digits, ``.``, ``_`` and ``-`` only."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.") or "job"


def load_jobs(path: Path, defaults: dict[str, Any]) -> list[Job]:
    """The jobs of ``path``; ``defaults`` (``-m`` and the parameter options) fill what a job
    leaves out. Any problem is a ``UsageError`` naming the line, before anything is sent."""
    jobs: list[Job] = []
    seen_keys: dict[str, int] = {}
    names: dict[str, int] = {}
    for line, row in _rows(path):
        where = f"{path}:{line}"
        params = dict(defaults)
        # The key is made from the job as written: a reference file keeps its key whichever
        # directory the command is run from.
        written = dict(defaults)
        name = None
        for field, value in row.items():
            if field == "name":
                name = str(value)
            elif field in ("prompt", "model"):
                if not isinstance(value, str) or not value.strip():
                    raise UsageError(f"{where}: {field} must be a non-empty string")
                params[field] = written[field] = value
            elif field in BY_NAME:
                param = BY_NAME[field]
                try:
                    value = convert(param, value)
                except ValueError as exc:
                    raise UsageError(f"{where}: {exc}") from None
                written[param.field] = value
                if param.kind == "refs":  # a relative path is relative to the jobs file
                    value = [_relative_to(path.parent, v) for v in value]
                params[param.field] = value
            else:
                allowed = ", ".join(
                    ["prompt", "model", "name", *sorted({p.field for p in BY_NAME.values()})]
                )
                raise UsageError(f"{where}: unknown field {field!r} (fields: {allowed})")
        for required in ("prompt", "model"):
            if required not in params:
                hint = " (or pass -m MODEL)" if required == "model" else ""
                raise UsageError(f"{where}: no {required}{hint}")
        identity = json.dumps({"name": name, **written}, sort_keys=True, ensure_ascii=False)
        key = hashlib.sha256(identity.encode()).hexdigest()[:16]
        seen = seen_keys[key] = seen_keys.get(key, 0) + 1
        stem = safe_name(name) if name else f"{_slug(params['prompt'])}-{key[:8]}"
        if seen > 1:  # the same job again: another job, whose images go beside the first's
            key, stem = f"{key}#{seen}", f"{stem}-{seen}"
        if stem in names:
            raise UsageError(f"{where}: the name {stem!r} is also used on line {names[stem]}")
        names[stem] = line
        jobs.append(Job(key, stem, line, params))
    if not jobs:
        raise UsageError(f"{path}: no jobs")
    return jobs


def _slug(prompt: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", prompt.lower())[:32].strip("-") or "image"


def _relative_to(base: Path, reference: str) -> str:
    if reference.startswith(("http://", "https://", "data:")) or Path(reference).is_absolute():
        return reference
    return str(base / reference)


class Manifest:
    """``DIR/manifest.jsonl``: one record per finished job, appended atomically."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / "manifest.jsonl"
        self._file: IO[bytes] | None = None

    def load(self) -> tuple[dict[str, dict[str, Any]], list[str]]:
        """The last record of each job key, and warnings about lines that were not read.

        An unterminated last line (a write cut short by a crash) is cut off, so that the
        records appended next start on a line of their own.
        """
        records: dict[str, dict[str, Any]] = {}
        warnings: list[str] = []
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return records, warnings
        complete = data[: data.rfind(b"\n") + 1]
        if len(complete) < len(data):
            warnings.append(f"{self.path}: an incomplete last record was dropped")
            with self.path.open("r+b") as file:
                file.truncate(len(complete))
        for number, line in enumerate(complete.decode("utf-8", "replace").splitlines(), 1):
            try:
                record = json.loads(line)
                records[record["key"]] = record
            except (ValueError, TypeError, KeyError):
                warnings.append(f"{self.path}:{number}: not a manifest record, ignored")
        return records, warnings

    def append(self, record: dict[str, Any]) -> None:
        """Write one record as one line, in one write, fsynced before returning."""
        if self._file is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = self.path.open("ab", buffering=0)  # each write is one os.write
        line = json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
        self._file.write(line.encode("utf-8"))
        os.fsync(self._file.fileno())

    def close(self) -> None:
        """Close the file (every record is already on disk)."""
        if self._file is not None:
            self._file.close()
            self._file = None
