"""``openrouter images generate``: one generation, a live status line, a summary.

On a terminal a status line shows a spinner, the elapsed time, the phase (waiting, retrying,
receiving partial k, saving) and the bytes received, and ends with the saved paths. Without
one, only the summary lines are printed: each saved path with its pixel size, media type
and size, then the cost from ``usage``.
"""

from __future__ import annotations

import argparse
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._errors import OK, UsageError
from ._http import CALL, CallInfo
from ._imagesize import image_size
from ._params import PARAMS

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.spinner import Spinner

    from .. import components
    from ._session import Session


def slug(text: str, limit: int = 40) -> str:
    """A file-name-safe stem from a prompt: ``"A red panda!"`` -> ``"a-red-panda"``."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower())[:limit].strip("-") or "image"


def parameters(args: argparse.Namespace) -> dict[str, Any]:
    """The keywords of ``images.generate`` given on the command line (unset ones left out)."""
    values = {param.field: getattr(args, param.field, None) for param in PARAMS}
    return {field: value for field, value in values.items() if value is not None}


def output_path(output: str | None, stem: str, index: int, count: int, ext: str) -> Path:
    """Where image ``index`` of ``count`` goes for ``-o``.

    ``-o`` may be a directory (``out/``, or one that exists): ``out/<stem>-<i>.<ext>``; a
    pattern with ``{i}``: ``shot-{i}.png``; or a file name: used as it is for one image,
    with ``-<i>`` before the suffix for several. A name without a suffix gets the image's.
    """
    if output is None or output.endswith(("/", "\\")) or Path(output).is_dir():
        return Path(output or ".") / f"{stem}-{index}.{ext}"
    if "{i}" in output:
        path = Path(output.replace("{i}", str(index)))
    elif count == 1:
        path = Path(output)
    else:
        path = Path(output)
        path = path.with_name(f"{path.stem}-{index}{path.suffix}")
    return path if path.suffix else path.with_name(f"{path.name}.{ext}")


class Status:
    """The live status line: rendered by rich a dozen times a second from this state."""

    def __init__(self, model: str, info: CallInfo) -> None:
        self.model, self.info = model, info
        self.phase = "waiting"
        self.started = time.monotonic()
        self.final: str | None = None
        self._spinner: Spinner | None = None  # made on the first frame: rich is imported then

    def text(self) -> str:
        """The line as it stands: elapsed time, phase, bytes received."""
        elapsed = time.monotonic() - self.started
        if self.final is not None:
            return f"{elapsed:.1f}s  {self.final}"
        phase = self.phase
        if phase == "waiting":
            phase = f"waiting for {self.model}"
            if self.info.status is not None and self.info.status >= 400:
                phase += f" (retrying after HTTP {self.info.status})"
        return f"{elapsed:.1f}s  {phase}  {human_bytes(self.info.received)}"

    def render(self) -> RenderableType:
        """What rich draws: a spinner while running, a tick at the end."""
        from rich.spinner import Spinner
        from rich.text import Text

        if self.final is not None:
            return Text("✓ " + self.text())
        if self._spinner is None:
            self._spinner = Spinner("dots")
        self._spinner.update(text=Text(self.text()))
        return self._spinner


@contextmanager
def live_status(session: Session, status: Status) -> Iterator[None]:
    """Show ``status`` on a terminal while the block runs (nothing otherwise)."""
    if not session.live:
        yield
        return
    from rich.live import Live

    with Live(
        get_renderable=status.render,
        console=session.console(),
        refresh_per_second=12.5,
        transient=False,
    ):
        yield


def human_bytes(count: int) -> str:
    """``1536`` -> ``"1.5 KB"``."""
    size = float(count)
    for unit in ("B", "KB", "MB"):
        if size < 1024 or unit == "MB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")


def run(session: Session, args: argparse.Namespace) -> int:
    """Generate, save and summarise; return the exit code (errors are raised)."""
    from .. import components

    if args.save_partials and not args.stream:
        raise UsageError("--save-partials needs --stream")
    params = parameters(args)
    stem = slug(args.prompt)
    info = CallInfo()
    CALL.set(info)
    status = Status(args.model, info)
    images: list[components.ImagePayload] = []
    partials: list[Path] = []
    usage: Any = None
    with session.client() as client, live_status(session, status):
        if args.stream:
            with client.images.generate(
                model=args.model, prompt=args.prompt, stream=True, **params
            ) as events:
                for event in events:
                    if isinstance(event, components.ImageGenPartialImageEvent):
                        status.phase = f"receiving partial {event.partial_image_index}"
                        if args.save_partials:
                            partials.append(_save_partial(args.output, stem, event, session))
                    elif isinstance(event, components.ImageGenTextChunkEvent):
                        status.phase = "receiving text"
                    elif isinstance(event, components.ImageGenCompletedEvent):
                        images.append(event)
                        usage = event.usage or usage
        else:
            result = client.images.generate(model=args.model, prompt=args.prompt, **params)
            images, usage = list(result.data), result.usage
        status.phase = "saving"
        saved = [
            image.save(output_path(args.output, stem, i, len(images), image.extension))
            for i, image in enumerate(images)
        ]
        status.final = "saved " + ", ".join(str(p) for p in saved) if saved else "no images"
    _summary(session, args.model, images, saved, partials, usage)
    return OK


def _save_partial(
    output: str | None, stem: str, event: components.ImageGenPartialImageEvent, session: Session
) -> Path:
    final = output_path(output, stem, 0, 1, event.extension)
    path = final.with_name(f"{final.stem}.partial-{event.partial_image_index}.{event.extension}")
    event.save(path)
    if not session.live:
        session.note(f"partial {event.partial_image_index}: {path}")
    return path


def _summary(
    session: Session,
    model: str,
    images: list[components.ImagePayload],
    saved: list[Path],
    partials: list[Path],
    usage: Any,
) -> None:
    cost = cost_of(usage)
    described: list[dict[str, Any]] = []
    for image, path in zip(images, saved, strict=True):
        data = path.read_bytes()
        size = image_size(data)
        described.append(
            {
                "path": str(path),
                "width": size[0] if size else None,
                "height": size[1] if size else None,
                "media_type": image.mime_type,
                "bytes": len(data),
            }
        )
    if session.json:
        session.emit_json(
            {
                "model": model,
                "images": described,
                "partials": [str(p) for p in partials],
                "usage": as_json(usage),
                "cost": cost,
            }
        )
        return
    if not saved:
        session.note("the model returned no images")
    for item in described:
        pixels = f"{item['width']}x{item['height']}" if item["width"] else "?x?"
        line = f"{item['path']}  {pixels}  {item['media_type'] or '?'}"
        session.out(f"{line}  {human_bytes(item['bytes'])}")
    session.out(f"cost ${cost:.4f}" if cost is not None else "cost: not reported")


def cost_of(usage: Any) -> float | None:
    """``usage.cost`` as a number, or ``None`` when absent (or drifted into another shape)."""
    cost = getattr(usage, "cost", None)
    return float(cost) if isinstance(cost, (int, float)) and not isinstance(cost, bool) else None


def as_json(usage: Any) -> Any:
    """``usage`` as JSON values (a drifted one as the API sent it)."""
    to_dict = getattr(usage, "to_dict", None)
    return to_dict(mode="json") if to_dict else usage
