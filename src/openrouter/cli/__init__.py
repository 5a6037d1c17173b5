"""The ``openrouter`` command: generate images, browse models, run resumable batches.

    openrouter images generate "a red panda astronaut" -m openai/gpt-image-1 -o panda.png
    openrouter images models --streaming
    openrouter images endpoints openai/gpt-image-1
    openrouter images batch jobs.jsonl -o out/ --concurrency 4 --max-cost 5

Installed with the ``cli`` extra (``pip install "openrouter-images[cli]"``, which adds rich) as the
``openrouter`` script and ``python -m openrouter``; ``import openrouter`` never imports it.

Parsing is argparse's (no click: with click, pygments and rich all installed, every
``import httpx`` also loads httpx's own command line, slowing the SDK down). This module
imports nothing else, so ``openrouter --help`` answers at once; each command imports what it
needs when it runs. The modules:

    _params     the generate parameters, once for options and job-file fields
    _errors     exit codes; one error line with a hint per error class
    _http       httpx event hooks: attempts, bytes, 429s, the --retries cap
    _session    the global options resolved, the clients, --fake, output
    _generate   images generate: the live status line and the summary
    _models     images models and images endpoints
    _jobs       jobs files (JSONL, CSV) and the manifest
    _batch      images batch: scheduling, cost cap, Ctrl-C, progress
    _imagesize  the pixel size of PNG, JPEG, WebP, GIF and SVG images
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys
from collections.abc import Sequence
from typing import Any

from .._version import __version__
from ._errors import INTERRUPTED, USAGE, UsageError
from ._params import PARAMS

__all__ = ["build_parser", "main"]

_EPILOG = """\
exit codes: 0 all done; 1 some batch jobs failed or were left (--max-cost);
2 usage error (options, jobs file, key); 3 API or connection error; 130 interrupted.
The key comes from OPENROUTER_API_KEY or --api-key-file, never from the command line.
"""

# command -> (module, function): imported only when the command runs.
_COMMANDS = {
    "generate": ("._generate", "run"),
    "models": ("._models", "models"),
    "endpoints": ("._models", "endpoints"),
    "batch": ("._batch", "run"),
}


class _RefuseKey(argparse.Action):
    """``--api-key``: refused, without echoing it (shell history, process lists)."""

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> None:
        parser.error(
            "--api-key: a key on the command line stays in your shell history and is "
            "visible to other users in the process list; set OPENROUTER_API_KEY or pass "
            "--api-key-file PATH instead"
        )


def _number(kind: type[Any], low: float, what: str) -> Any:
    def check(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{what}, got {text!r}") from None
        if not value >= low or value != value or value == float("inf"):
            raise argparse.ArgumentTypeError(f"{what}, got {text!r}")
        return value

    return check


def _json_object(text: str) -> dict[str, Any]:
    from ._params import json_object

    try:
        return json_object(text, "the value")
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _global_options(parser: argparse.ArgumentParser, *, top: bool) -> None:
    # The same options on the main parser and on each command, so that they may come
    # before or after the command; on commands they default to "not given" (SUPPRESS), so
    # that they do not undo what was given before the command.
    def default(value: Any) -> Any:
        return value if top else argparse.SUPPRESS

    group = parser.add_argument_group("global options")
    group.add_argument(
        "--base-url",
        metavar="URL",
        default=default(None),
        help="the API base URL (default: OPENROUTER_BASE_URL, else https://openrouter.ai/api/v1)",
    )
    group.add_argument(
        "--api-key-file",
        metavar="PATH",
        default=default(None),
        help="read the API key from this file (default: OPENROUTER_API_KEY)",
    )
    group.add_argument("--api-key", nargs="?", action=_RefuseKey, help=argparse.SUPPRESS)
    group.add_argument(
        "--timeout",
        type=_number(float, 0.001, "a positive number of seconds"),
        metavar="SECONDS",
        default=default(None),
        help="give up on a request after this long (default 300)",
    )
    group.add_argument(
        "--retries",
        type=_number(int, 0, "a whole number >= 0"),
        metavar="N",
        default=default(None),
        help="retry a request at most N times (default: the SDK's policy, up to 30 s); 0: never",
    )
    group.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=default(False),
        help="log each request, response and retry; show tracebacks",
    )
    group.add_argument(
        "--json",
        action="store_true",
        default=default(False),
        help="print the result as JSON on stdout (messages stay on stderr)",
    )
    group.add_argument(
        "--fake",
        action="store_true",
        default=default(False),
        help="use a local fake API server (offline; needs the testing extra)",
    )


def _parameter_options(parser: argparse.ArgumentParser, title: str) -> None:
    group = parser.add_argument_group(title)
    for param in PARAMS:
        kwargs: dict[str, Any] = {"dest": param.field, "help": param.help}
        if param.kind == "int":
            kwargs.update(type=int, metavar="N")
        elif param.kind == "json":
            kwargs.update(type=_json_object, metavar="JSON")
        elif param.kind == "refs":
            kwargs.update(action="append", metavar="FILE_OR_URL")
        else:
            kwargs.update(metavar=param.field.split("_")[-1].upper())
        group.add_argument(param.option, **kwargs)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``openrouter`` command."""
    parser = argparse.ArgumentParser(
        prog="openrouter",
        description="The OpenRouter Images API from the command line.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"openrouter {__version__}")
    _global_options(parser, top=True)
    groups = parser.add_subparsers(title="commands", metavar="COMMAND")
    images = groups.add_parser("images", help="generate images, list image models, run batches")
    commands = images.add_subparsers(title="commands", metavar="COMMAND")

    def command(name: str, help: str, description: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(
            name,
            help=help,
            description=description,
            epilog=_EPILOG,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        sub.set_defaults(command=name)
        _global_options(sub, top=False)
        return sub

    generate = command(
        "generate",
        "generate images from a prompt",
        "Generate images and save them; prints each path, its pixel size and media type, "
        "and the cost.",
    )
    generate.add_argument("prompt", help="what to draw")
    generate.add_argument("-m", "--model", required=True, help="the model, e.g. openai/gpt-image-1")
    generate.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        help="a file name, a directory (out/) or a pattern with {i} (shot-{i}.png); "
        "default: the current directory, named after the prompt",
    )
    generate.add_argument(
        "--stream", action="store_true", help="stream partial images as they come"
    )
    generate.add_argument(
        "--save-partials",
        action="store_true",
        help="with --stream, also save each partial image (NAME.partial-K.EXT)",
    )
    _parameter_options(generate, "image parameters")

    models = command(
        "models",
        "list the image models",
        "List the image models: streaming, aspect ratios, resolutions, qualities and "
        "how many reference images each takes.",
    )
    models.add_argument("--streaming", action="store_true", help="only models that stream")
    models.add_argument(
        "--supports",
        action="append",
        metavar="PARAM",
        help="only models supporting this parameter, e.g. seed or output_format (repeatable)",
    )

    endpoints = command(
        "endpoints",
        "list the providers of one model",
        "List the providers (endpoints) serving a model: status, streaming, pricing per "
        "unit and supported parameters.",
    )
    endpoints.add_argument(
        "model", metavar="AUTHOR/SLUG", help="the model, e.g. openai/gpt-image-1"
    )

    batch = command(
        "batch",
        "run many generations from a JSONL or CSV file",
        "Run the jobs of a JSONL file (one object per line) or a CSV file (with a header): "
        "fields prompt, model (unless -m), name, and any image parameter. Images are saved "
        "as DIR/<name>-<i>.<ext>, one record per job in DIR/manifest.jsonl. Running the "
        "same command again skips the jobs done. First Ctrl-C: start nothing new and let "
        "running jobs finish; second: cancel them.",
    )
    batch.add_argument("jobs", metavar="JOBS", help="the jobs file (.jsonl or .csv)")
    batch.add_argument("-o", "--output", metavar="DIR", required=True, help="where images go")
    batch.add_argument("-m", "--model", help="the model of jobs that do not name one")
    batch.add_argument(
        "--concurrency",
        type=_number(int, 1, "a whole number >= 1"),
        default=4,
        metavar="N",
        help="jobs in flight at most (default 4)",
    )
    batch.add_argument(
        "--max-cost",
        type=_number(float, 0, "a number of US dollars >= 0"),
        metavar="USD",
        help="start no job that could take this run's cost past USD (spent + estimates)",
    )
    batch.add_argument(
        "--retry-failed", action="store_true", help="run the jobs that failed before again"
    )
    _parameter_options(batch, "image parameters (defaults for every job)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``openrouter`` command; return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "command"):
        parser.print_help(sys.stderr)
        return USAGE
    if importlib.util.find_spec("rich") is None:
        print(
            'error: the command line needs the cli extra: pip install "openrouter-images[cli]"',
            file=sys.stderr,
        )
        return USAGE

    from .. import errors
    from ._session import Session

    module, function = _COMMANDS[args.command]
    run = getattr(importlib.import_module(module, __name__), function)
    session = Session(args)
    try:
        with session:  # errors are reported inside: --fake's server is still there
            try:
                return int(run(session, args))
            # OSError, ValueError: an image that cannot be written, or came as a URL only.
            except (errors.OpenRouterError, UsageError, OSError, ValueError) as exc:
                return session.report(exc, model=getattr(args, "model", None))
    except UsageError as exc:  # from setting up the session (--fake)
        return session.report(exc)
    except KeyboardInterrupt:
        session.note("interrupted")
        return INTERRUPTED
