"""``openrouter images batch``: many generations on ``AsyncOpenRouter``, resumable.

The loop in :meth:`Batch.run` starts jobs one by one while each may start: fewer than
``--concurrency`` running, no pause asked by the API, and room under ``--max-cost``. Each
job is one ``images.generate`` call with the SDK's retries; what the CLI adds:

* **A 429 slows the whole batch.** The httpx hooks (``_http``) hear every 429 (and every
  error with ``Retry-After``), retried ones included, and no new job starts for that long.
* **A cost cap.** A job may start only if the cost spent so far, plus an estimate for the
  jobs in flight, plus one for it, stays under ``--max-cost``. The estimate is the mean cost
  per image of the jobs done (of that model when known) times the job's ``n``; until a first
  cost is known, jobs run one at a time.
* **Resumable.** Each finished job is one record in ``DIR/manifest.jsonl`` (see ``_jobs``);
  a re-run skips the jobs done (and the failed ones, unless ``--retry-failed``).
* **Ctrl-C.** The first starts nothing new and lets the running jobs finish; the second
  cancels them (recorded as ``stopped``, run again next time).
* **Fatal errors** (a refused key, no credits, a lost connection) stop the batch the same
  way: the job is recorded as ``stopped``, not ``failed``, so that a re-run does it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import time
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import errors
from ._errors import API, FAILED, INTERRUPTED, OK, UsageError, explain
from ._generate import as_json, cost_of, parameters
from ._http import CALL, CallInfo
from ._jobs import DONE, STOPPED, Job, Manifest, load_jobs
from ._jobs import FAILED as JOB_FAILED

if TYPE_CHECKING:
    from .. import AsyncOpenRouter
    from ._session import Session

FATAL = (
    errors.UnauthorizedResponseError,
    errors.PaymentRequiredResponseError,
    errors.APIConnectionError,
)
"""Errors that every next job would get too: the batch stops."""

# A failed job is recorded with its error; these are what a job can fail with.
_JOB_ERRORS = (errors.OpenRouterError, OSError, ValueError)


class Board:
    """The progress of a batch: a rich progress bar on a terminal, plain lines otherwise."""

    def __init__(self, session: Session, total: int) -> None:
        self.session, self.total = session, total
        self.started = time.monotonic()
        self.progress: Any = None
        if session.live:
            from rich.progress import (
                BarColumn,
                Progress,
                SpinnerColumn,
                TextColumn,
                TimeRemainingColumn,
            )

            self.progress = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.fields[counts]}"),
                TimeRemainingColumn(),
                console=session.console(),
            )
            self.task = self.progress.add_task("running", total=total, counts="")

    def __enter__(self) -> Board:
        if self.progress is not None:
            self.progress.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.progress is not None:
            self.progress.stop()

    def note(self, text: str) -> None:
        """A message, above the bar on a terminal."""
        if self.progress is not None:
            self.progress.console.print(text, markup=False)
        else:
            self.session.note(text)

    def update(self, batch: Batch, line: str | None = None) -> None:
        """Show the counts; ``line`` reports a finished job (every one in plain output,
        the failed and stopped ones on a terminal)."""
        finished = batch.done + batch.failed + batch.stopped_jobs
        minutes = max(time.monotonic() - self.started, 1e-3) / 60
        counts = (
            f"{batch.done} done · {batch.failed} failed · {self.total} jobs · "
            f"${batch.spent:.4f} · {finished / minutes:.1f}/min"
        )
        if self.progress is not None:
            self.progress.update(
                self.task, completed=finished, counts=counts, description=batch.state()
            )
            if line and not line.startswith("done"):  # failures stay above the bar
                self.note(line)
        elif line:
            self.session.note(f"[{finished}/{self.total}] {line}")


class Batch:
    """One run of a batch: the jobs to do and the state of their scheduling."""

    def __init__(
        self,
        session: Session,
        todo: Sequence[Job],
        previous: dict[str, dict[str, Any]],
        out: Path,
        manifest: Manifest,
        concurrency: int,
        max_cost: float | None,
    ) -> None:
        self.session, self.todo, self.previous = session, todo, previous
        self.out, self.manifest = out, manifest
        self.concurrency, self.max_cost = concurrency, max_cost
        self.board = Board(session, len(todo))
        self.done = self.failed = self.stopped_jobs = self.started = 0
        self.spent = 0.0
        # (model, cost, images) of the jobs done, this run and before: the cost estimates.
        self.costs: list[tuple[str, float, int]] = [
            (str(r.get("model")), float(r["cost"]), max(len(r.get("paths") or []), 1))
            for r in previous.values()
            if r.get("status") == DONE and isinstance(r.get("cost"), (int, float))
        ]
        self.costless = 0  # jobs done without a reported cost
        self.running: dict[asyncio.Task[None], Job] = {}
        self.stop: str | None = None  # why no new job starts: interrupted, max-cost, fatal
        self.interrupts = 0
        self.fatal: BaseException | None = None
        self.crash: BaseException | None = None
        self.paused_until = 0.0
        self.client: AsyncOpenRouter | None = None
        self.changed: asyncio.Event | None = None
        self._listing: asyncio.Task[list[str]] | None = None  # model ids, listed on a first 404

    # The loop ---------------------------------------------------------------------------

    async def run(self) -> None:
        """Run the jobs; return when all started ones have ended."""
        loop = asyncio.get_running_loop()
        self.changed = asyncio.Event()
        previous = signal.signal(
            signal.SIGINT, lambda *_: loop.call_soon_threadsafe(self._interrupt)
        )
        try:
            with self.board:
                async with self.session.async_client(on_wait=self._pause) as client:
                    self.client = client
                    for job in self.todo:
                        if not await self._may_start(job):
                            break
                        task = asyncio.ensure_future(self._run_job(job))
                        self.running[task] = job
                        self.started += 1
                        task.add_done_callback(self._ended)
                        self.board.update(self)
                    while self.running:
                        await asyncio.gather(*self.running, return_exceptions=True)
                    self.board.update(self)
        finally:
            signal.signal(signal.SIGINT, previous)
            self.manifest.close()
        if self.crash is not None:
            raise self.crash

    async def _may_start(self, job: Job) -> bool:
        """Wait until ``job`` may start; ``False`` if the batch is stopping."""
        assert self.changed is not None
        while True:
            if self.stop:
                return False
            pause = self.paused_until - time.monotonic()
            if pause <= 0 and len(self.running) < self.concurrency:
                verdict = self._budget(job)
                if verdict != "wait":
                    return verdict == "go"
            self.changed.clear()
            with contextlib.suppress(asyncio.TimeoutError):  # the pause is over
                await asyncio.wait_for(self.changed.wait(), pause if pause > 0 else None)

    def _ended(self, task: asyncio.Task[None]) -> None:
        del self.running[task]
        if not task.cancelled() and task.exception() is not None and self.crash is None:
            self.crash = task.exception()  # a bug, not a job failure: raised at the end
            self.stop = self.stop or "crash"
        assert self.changed is not None
        self.changed.set()

    def state(self) -> str:
        """What the batch is doing, for the progress bar."""
        if not self.running and self.started == len(self.todo):
            return "finished"
        if self.interrupts:
            return f"stopping: {len(self.running)} running (Ctrl-C again cancels)"
        if self.stop:
            return f"stopping ({self.stop}): {len(self.running)} running"
        if self.paused_until > time.monotonic():
            return "paused (rate limited)"
        return "running"

    # Cost ---------------------------------------------------------------------------------

    def _estimate(self, job: Job) -> float | None:
        """The expected cost of ``job``, or ``None`` while nothing is known."""
        model = job.params["model"]
        per_image: list[float] = [c / n for m, c, n in self.costs if m == model]
        per_image = per_image or [c / n for _, c, n in self.costs]
        if per_image:
            return sum(per_image) / len(per_image) * job.images
        return 0.0 if self.costless else None

    def _budget(self, job: Job) -> str:
        """``go``, ``wait`` (for a first cost to be known) or ``stop`` (over ``--max-cost``)."""
        if self.max_cost is None:
            return "go"
        estimate = self._estimate(job)
        if estimate is None:
            return "wait" if self.running else "go"
        in_flight = sum(self._estimate(j) or 0.0 for j in self.running.values())
        if self.spent + in_flight + estimate <= self.max_cost:
            return "go"
        self.stop = "max-cost"
        self.board.note(
            f"--max-cost ${self.max_cost:g}: starting no more jobs (spent ${self.spent:.4f}, "
            f"about ${in_flight:.4f} in flight, the next about ${estimate:.4f}); "
            "run the same command again to go on"
        )
        return "stop"

    # Events -------------------------------------------------------------------------------

    def _pause(self, seconds: float, status: int) -> None:
        """The API asked to slow down: no job starts for ``seconds``."""
        now = time.monotonic()
        if now + seconds > self.paused_until:
            if self.paused_until <= now:
                self.board.note(f"HTTP {status}: pausing new jobs for {seconds:.1f} s")
            self.paused_until = now + seconds

    def _interrupt(self) -> None:
        self.interrupts += 1
        if self.interrupts == 1:
            self.stop = self.stop or "interrupted"
            self.board.note(
                f"Ctrl-C: starting no more jobs, letting {len(self.running)} running ones "
                "finish (Ctrl-C again cancels them)"
            )
            assert self.changed is not None
            self.changed.set()
        else:
            for task in self.running:
                task.cancel()

    # One job ------------------------------------------------------------------------------

    async def _model_ids(self) -> list[str]:
        """The ids of the image models, for "did you mean" (listed once per batch, however
        many jobs ask at the same time; empty if they cannot be listed)."""
        if self._listing is None:
            self._listing = asyncio.ensure_future(self._list_model_ids())
        return await asyncio.shield(self._listing)

    async def _list_model_ids(self) -> list[str]:
        from ..utils import RetryConfig

        assert self.client is not None
        try:
            listing = await self.client.images.list_models(
                retries=RetryConfig("none"), timeout_ms=10_000
            )
        except errors.OpenRouterError:
            return []
        return [model.id for model in listing.data]

    async def _run_job(self, job: Job) -> None:
        assert self.client is not None
        info = CallInfo()
        CALL.set(info)  # this task's own context: the hooks count its attempts
        try:
            result = await self.client.images.generate(**job.params)
            paths = [
                item.save(self.out / f"{job.name}-{i}.{item.extension}")
                for i, item in enumerate(result.data)
            ]
        except asyncio.CancelledError:
            self._record(job, STOPPED, info, error=("Cancelled", "cancelled by a second Ctrl-C"))
            self.stopped_jobs += 1
            raise
        except _JOB_ERRORS as exc:
            fatal = isinstance(exc, FATAL)
            self._record(
                job, STOPPED if fatal else JOB_FAILED, info, error=(type(exc).__name__, str(exc))
            )
            if fatal:
                self.stopped_jobs += 1
                if self.fatal is None:
                    self.fatal, self.stop = exc, "fatal"
            else:
                self.failed += 1
            # A 404 may be a mistyped model: the line suggests the closest ids (as generate).
            ids = await self._model_ids() if isinstance(exc, errors.NotFoundResponseError) else []
            model = job.params.get("model")
            base_url = self.session.base_url
            line = explain(exc, base_url=base_url, model=model, model_ids=lambda: ids)[0]
            state = "stopped" if fatal else "failed"
            self.board.update(self, f"{state} {job.name}: {line.removeprefix('error: ')}")
            return
        cost = cost_of(result.usage)
        if cost is None:
            self.costless += 1
        else:
            self.spent += cost
            self.costs.append((job.params["model"], cost, max(len(paths), 1)))
        self.done += 1
        self._record(job, DONE, info, paths=[str(p) for p in paths], usage=result.usage)
        price = f"  ${cost:.4f}" if cost is not None else ""
        self.board.update(self, f"done {job.name}: {' '.join(map(str, paths))}{price}")

    def _record(
        self,
        job: Job,
        status: str,
        info: CallInfo,
        paths: Sequence[str] = (),
        usage: Any = None,
        error: tuple[str, str] | None = None,
    ) -> None:
        before = self.previous.get(job.key, {}).get("attempts")
        self.manifest.append(
            {
                "key": job.key,
                "name": job.name,
                "line": job.line,
                "status": status,
                "model": job.params["model"],
                "prompt": job.params["prompt"],
                "paths": list(paths),
                "usage": as_json(usage),
                "cost": cost_of(usage),
                "error": {"class": error[0], "message": error[1]} if error else None,
                "attempts": info.attempts + (before if isinstance(before, int) else 0),
                "time": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            }
        )


def run(session: Session, args: argparse.Namespace) -> int:
    """Load the jobs and the manifest, run what is left, summarise; return the exit code."""
    defaults = parameters(args)
    if args.model:
        defaults["model"] = args.model
    jobs = load_jobs(Path(args.jobs), defaults)
    out = Path(args.output)
    if out.exists() and not out.is_dir():
        raise UsageError(f"-o {out}: not a directory")
    manifest = Manifest(out)
    previous, warnings = manifest.load()
    for warning in warnings:
        session.note(f"warning: {warning}")
    state = {job.key: previous.get(job.key, {}).get("status") for job in jobs}
    todo = [
        job
        for job in jobs
        if state[job.key] not in (DONE, JOB_FAILED)
        or (state[job.key] == JOB_FAILED and args.retry_failed)
    ]
    skipped_done = sum(state[job.key] == DONE for job in jobs)
    skipped_failed = len(jobs) - len(todo) - skipped_done
    if skipped_done:
        session.note(f"{manifest.path}: skipping {skipped_done} jobs already done")
    if skipped_failed:
        session.note(
            f"{manifest.path}: skipping {skipped_failed} jobs that failed before "
            "(--retry-failed runs them again)"
        )
    out.mkdir(parents=True, exist_ok=True)
    batch = Batch(session, todo, previous, out, manifest, args.concurrency, args.max_cost)
    asyncio.run(batch.run())

    not_run = len(todo) - batch.done - batch.failed
    failed = batch.failed + skipped_failed
    summary = {
        "jobs": len(jobs),
        "done": batch.done + skipped_done,
        "done_now": batch.done,
        "failed": failed,
        "not_run": not_run,
        "cost": round(batch.spent, 6),
        "stopped": batch.stop,
        "error": explain(batch.fatal, base_url=session.base_url)[0] if batch.fatal else None,
        "manifest": str(manifest.path),
    }
    if session.json:
        session.emit_json(summary)
    else:
        session.out(
            f"{summary['done']} of {len(jobs)} jobs done ({batch.done} now), {failed} failed, "
            f"{not_run} not run; cost ${batch.spent:.4f}; manifest {manifest.path}"
        )
    if batch.interrupts:
        return INTERRUPTED
    if batch.fatal is not None:
        session.note(explain(batch.fatal, base_url=session.base_url)[0])
        return API
    return FAILED if failed or not_run else OK
