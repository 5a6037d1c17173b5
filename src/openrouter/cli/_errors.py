"""Exit codes, and one line per error class with a hint that helps.

Errors are reported as one line on stderr, ``error: <what happened>. Hint: <what to do>``,
without a traceback (``-v`` adds it). The exit code tells scripts what kind of failure it was.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence

from .. import errors
from ._params import PARAMS, option_of

OK = 0
"""Everything asked for was done."""
FAILED = 1
"""A batch finished, but some jobs failed or were left for later (``--max-cost``)."""
USAGE = 2
"""The command line, a jobs file or the key is wrong: nothing was sent."""
API = 3
"""The API answered with an error, or could not be reached."""
INTERRUPTED = 130
"""Ctrl-C (128 + SIGINT, as shells report it)."""

KEYS_HINT = "set OPENROUTER_API_KEY or pass --api-key-file PATH (keys: https://openrouter.ai/keys)"


class UsageError(Exception):
    """A problem with the command line or an input file (exit code 2)."""


def explain(
    exc: BaseException,
    *,
    base_url: str,
    model: str | None = None,
    model_ids: Callable[[], Sequence[str]] = lambda: (),
) -> tuple[str, int]:
    """The error line for ``exc`` and the exit code.

    ``model`` is the model the command asked for and ``model_ids`` lists the known ones,
    called only for a 404, to suggest the closest ids.
    """
    if isinstance(exc, UsageError):
        return f"error: {exc}", USAGE
    if isinstance(exc, errors.ParameterError):
        message = exc.message.split(": ", 1)[-1]
        if exc.param == "api_key":
            return f"error: the API key {message}. Hint: {KEYS_HINT}", USAGE
        return f"error: {option_of(exc.param)}: {message}", USAGE
    if not isinstance(exc, errors.OpenRouterError):
        return f"error: {type(exc).__name__}: {exc}", API
    # The SDK's own advice names its keyword (server_url): the hint names the option instead.
    message = str(exc).split("; check server_url")[0]
    return f"error: {message}. Hint: {_hint(exc, base_url, model, model_ids)}", API


def _hint(
    exc: errors.OpenRouterError,
    base_url: str,
    model: str | None,
    model_ids: Callable[[], Sequence[str]],
) -> str:
    if isinstance(exc, errors.UnauthorizedResponseError):
        return f"the API key was refused: {KEYS_HINT}"
    if isinstance(exc, errors.PaymentRequiredResponseError):
        return "out of credits: add some at https://openrouter.ai/credits"
    if isinstance(exc, errors.NotFoundResponseError):
        return _not_found(base_url, model, model_ids)
    if isinstance(exc, errors.BadRequestResponseError):
        named = [p.option for p in PARAMS if re.search(rf"\b({p.field}|{p.short})\b", exc.message)]
        where = f"check {', '.join(named)}" if named else "check the parameters"
        return f"{where} (`openrouter images models` shows what each model supports)"
    if isinstance(exc, errors.ForbiddenResponseError):
        return "the key may not use this model or the prompt was refused by moderation"
    if isinstance(exc, errors.PayloadTooLargeResponseError):
        return "the request is too large: use fewer or smaller --ref images"
    if isinstance(exc, errors.TooManyRequestsResponseError):
        return "rate limited even after retries: wait a little, or lower --concurrency"
    if isinstance(exc, errors.APIStatusError):
        return "the provider failed (retries included): try again later or another --provider"
    if isinstance(exc, errors.StreamError):
        return "the generation failed after it started: try again"
    if isinstance(exc, errors.APITimeoutError):
        return "a slow model may need a longer --timeout SECONDS (the default is 300)"
    if isinstance(exc, errors.NoResponseError):
        return "check --base-url (or OPENROUTER_BASE_URL) and your network"
    if isinstance(exc, errors.ResponseValidationError):
        return "the API answered something unexpected: run again with -v for details"
    return "run again with -v for details"


def _not_found(base_url: str, model: str | None, model_ids: Callable[[], Sequence[str]]) -> str:
    if model is None:
        return f"check --base-url ({base_url})"
    ids = list(model_ids())
    if model in ids:  # the model exists: the 404 is about something else
        return f"check --base-url ({base_url})"
    close = closest(model, ids)
    if close:
        return f"unknown model {model!r}; did you mean {' or '.join(close)}?"
    return f"unknown model {model!r}: `openrouter images models` lists them"


def closest(model: str, ids: Sequence[str]) -> list[str]:
    """The ids most like ``model`` (best first): by the whole id or by the part after ``/``,
    at least 60 % alike and within 15 points of the best."""

    def score(candidate: str) -> float:
        whole = difflib.SequenceMatcher(None, model, candidate).ratio()
        slug = model.rpartition("/")[2]
        part = difflib.SequenceMatcher(None, slug, candidate.rpartition("/")[2]).ratio()
        return max(whole, part)

    scored = sorted(((score(i), i) for i in ids), reverse=True)
    best = scored[0][0] if scored else 0.0
    return [i for s, i in scored[:3] if s >= 0.6 and s >= best - 0.15]
