"""A griffe extension for the API reference (mkdocs.yml loads it). The docstrings in src/ are
written in reStructuredText habits that Markdown would show as they are:

* Sphinx roles (:class:`~openrouter.OpenRouter`, :meth:`generate`): each becomes a code span
  that links to the object's API page when that object is documented, and stays plain code
  otherwise (an "optional" autorefs link: never a warning, so a role naming a private
  helper does not break the strict build);
* a paragraph ending in ``::`` before an indented code block: the ``::`` becomes ``:``.
"""

from __future__ import annotations

import html
import re
from typing import Any

from griffe import Extension, Object

ROLE = re.compile(r":(?:py:)?(?:class|meth|func|attr|data|mod|exc|obj):`(?P<target>[^`]+)`")
LITERAL = re.compile(r"(\S)::\n(?=[ \t]*\n)")


def resolve(obj: Any, name: str) -> str:
    """The canonical path of ``name`` as written in ``obj``'s docstring (relative names are
    looked up in ``obj`` and its parents, as Sphinx does), or ``name`` when it is unknown."""
    head, _, rest = name.partition(".")
    scope = obj
    while scope is not None:
        member = scope.members.get(head) if hasattr(scope, "members") else None
        if member is not None:
            try:
                path = member.canonical_path
            except Exception:  # an alias griffe cannot follow (outside the package)
                path = getattr(member, "target_path", member.path)
            return f"{path}.{rest}" if rest else path
        scope = scope.parent
    return name


def link(obj: Any, match: re.Match[str]) -> str:
    target = match["target"]
    short = target.startswith("~")
    name = target.lstrip("~.")
    title = name.rsplit(".", 1)[-1] if short else name
    identifier = html.escape(resolve(obj, name), quote=True)
    return (
        f'<autoref identifier="{identifier}" optional><code>{html.escape(title)}</code></autoref>'
    )


def rewrite(obj: Any) -> None:
    if obj.docstring is not None:
        text = ROLE.sub(lambda match: link(obj, match), obj.docstring.value)
        obj.docstring.value = LITERAL.sub(r"\1:\n", text)
    for member in obj.members.values():
        if not member.is_alias:
            rewrite(member)


class SphinxRoles(Extension):
    """Rewrites the Sphinx roles of a package's docstrings once it is loaded."""

    def on_package(self, *, pkg: Object, **kwargs: Any) -> None:  # griffe 2
        rewrite(pkg)

    def on_package_loaded(self, *, pkg: Object, **kwargs: Any) -> None:  # griffe 1
        rewrite(pkg)
